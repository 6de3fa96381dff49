"""Deleting an application and undoing it: every table restored exactly, or a clear refusal
when the ids were reused meanwhile."""

from __future__ import annotations

import pytest

from models.application import Application, StageChange
from models.email import Email
from models.interview import InterviewRound
from models.reminder import Reminder
from services.applications import deletion, loading, saving
from services.applications.deletion import UndoError
from services.applications.editor_data import ApplicationData, RoundData
from tests.applications.editor_samples import dump_tables, full_application, valid_data


def test_delete_then_undo_restores_every_table_exactly(demo_store):
    db = demo_store.db
    lumen = Application.get(Application.company == "Lumen Analytics")
    kestrel = Application.get(Application.company == "Kestrel Robotics")
    assert Email.select().where(Email.application == lumen).count() == 1
    assert Reminder.select().where(Reminder.application == kestrel).count() == 1
    before = dump_tables(db)

    snap_lumen = deletion.delete(lumen.id)
    snap_kestrel = deletion.delete(kestrel.id)
    assert snap_lumen.application_id == lumen.id and snap_lumen.company == "Lumen Analytics"
    assert Application.get_or_none(Application.id == lumen.id) is None
    assert Email.select().count() == 0
    assert Reminder.select().where(Reminder.application.is_null(False)).count() == 0
    assert StageChange.select().where(StageChange.application == lumen.id).count() == 0
    assert InterviewRound.select().where(InterviewRound.application == lumen.id).count() == 0

    deletion.undo_delete(snap_lumen)
    deletion.undo_delete(snap_kestrel)
    assert dump_tables(db) == before
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_deleting_and_undoing_every_demo_application_restores_the_database(demo_store):
    db = demo_store.db
    before = dump_tables(db)
    snapshots = [deletion.delete(a.id) for a in Application.select().order_by(Application.id)]
    assert Application.select().count() == 0
    for snap in reversed(snapshots):
        deletion.undo_delete(snap)
    assert dump_tables(db) == before


def test_undoing_twice_raises_and_changes_nothing(demo_store):
    snap = deletion.delete(1)
    deletion.undo_delete(snap)
    after_first = dump_tables(demo_store.db)
    with pytest.raises(UndoError, match="already undone"):
        deletion.undo_delete(snap)
    assert dump_tables(demo_store.db) == after_first


def test_undo_after_the_id_was_reused_raises_and_changes_nothing(demo_store):
    last = Application.select().order_by(Application.id.desc()).first()
    snap = deletion.delete(last.id)
    reused = saving.save(ApplicationData(company="New company", role="Tester"))
    assert reused == last.id  # SQLite hands the freed id out again
    before = dump_tables(demo_store.db)
    with pytest.raises(UndoError, match="cannot be restored"):
        deletion.undo_delete(snap)
    assert dump_tables(demo_store.db) == before


def test_undo_after_a_round_id_was_reused_raises(demo_store):
    quill = Application.get(Application.company == "Quill & Ledger")
    freed = {r.id for r in loading.load(quill.id).rounds}
    assert freed == {InterviewRound.select().order_by(InterviewRound.id.desc()).first().id}
    snap = deletion.delete(quill.id)
    # A new round takes the freed round id, though the application id is still free.
    target = Application.get(Application.company == "Tern Travel")
    data = loading.load(target.id)
    data.rounds = [RoundData(title="Screening")]
    saving.save(data)
    assert {r.id for r in loading.load(target.id).rounds} == freed
    before = dump_tables(demo_store.db)
    with pytest.raises(UndoError, match="cannot be restored"):
        deletion.undo_delete(snap)
    assert dump_tables(demo_store.db) == before
    assert Application.get_or_none(Application.id == quill.id) is None


def test_undo_links_emails_of_other_applications_again(store):
    first = loading.load(saving.save(full_application()))
    other = saving.save(valid_data())
    person = first.rounds[1].interviewers[0]
    stray = Email.create(application=other, round=first.rounds[1].id, interviewer=person.id)
    before = dump_tables(store.db)
    snap = deletion.delete(first.id)
    stray = Email.get_by_id(stray.id)
    assert stray.round_id is None and stray.interviewer_id is None
    deletion.undo_delete(snap)
    assert dump_tables(store.db) == before
