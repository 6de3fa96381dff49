"""The user's own reminders, and the reminder engine's agreement with the calendar (every derived
reminder hangs off a calendar entry; next due is an index lookup)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from models.interview import InterviewRound
from models.reminder import Reminder
from services.calendar import entries as ce
from services.calendar.entry_types import EntryKind
from services.reminders import custom, queries, states
from services.reminders.items import OpenTarget
from services.reminders.rules import ReminderKind
from tests.reminders.reminder_data import BERLIN, application, local, sync

# -- the user's own reminders -------------------------------------------------------------------


def test_custom_reminders_crud(store):
    app = application()
    now = local(2024, 5, 14, 10)
    rid = custom.add_custom("  Call   Ana about the referral ", now + timedelta(hours=1),
                            app.id, now=now)
    item = queries.get(rid)
    assert item.custom and item.kind == ReminderKind.CUSTOM
    assert item.text == "Call Ana about the referral"
    assert item.open_target == OpenTarget("editor", app.id)
    assert queries.due(now + timedelta(hours=1))[0].id == rid
    states.mark_shown([rid], now + timedelta(hours=1))
    # A new time arms it again; the text and the application can change.
    custom.update_custom(rid, text="Call Ana", due_at=now + timedelta(days=1),
                         application_id=None)
    item = queries.get(rid)
    assert (item.text, item.state, item.application_id) == ("Call Ana", "pending", None)
    assert item.open_target.what == "window"
    # Sync never touches them.
    sync(now)
    assert queries.get(rid).due_at == now + timedelta(days=1)
    assert custom.delete_custom(rid) is True
    assert queries.get(rid) is None
    assert custom.delete_custom(rid) is False


def test_custom_reminders_show_in_the_calendar(store):
    now = local(2024, 5, 14, 10)
    custom.add_custom("Call Ana", local(2024, 5, 15, 11), now=now)
    entries = ce.entries_between(date(2024, 5, 15), date(2024, 5, 15), now, BERLIN)
    assert [(e.kind, e.start) for e in entries] == [(EntryKind.CUSTOM_REMINDER,
                                                     local(2024, 5, 15, 11))]


@pytest.mark.parametrize(("text", "due", "message"), [
    ("   ", local(2024, 5, 14, 10), "Write what the reminder is about"),
    ("x" * 501, local(2024, 5, 14, 10), "up to 500 characters"),
    ("Call", datetime(2024, 5, 14, 10), "Choose a date and time"),
])
def test_custom_reminder_problems_are_sentences(store, text, due, message):
    with pytest.raises(custom.ReminderError, match=message):
        custom.add_custom(text, due)
    assert Reminder.select().count() == 0


def test_custom_reminder_for_a_missing_application(store):
    with pytest.raises(custom.ReminderError, match="no longer exists"):
        custom.add_custom("Call", local(2024, 5, 14, 10), 999)
    derived = Reminder.create(key="stall:2024-01-01", kind="search_stalled",
                              due_at=local(2024, 5, 14, 10))
    with pytest.raises(custom.ReminderError, match="no longer exists"):
        custom.update_custom(derived.id, text="mine now")
    assert custom.delete_custom(derived.id) is False


def test_deleting_an_application_deletes_its_reminders(lumen):
    app, _rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    custom.add_custom("Call", local(2024, 5, 15, 10), app.id)
    assert Reminder.select().where(Reminder.application == app).count() >= 3
    app.delete_instance(recursive=False)
    assert Reminder.select().where(Reminder.application_id == app.id).count() == 0


# -- agreement with the calendar ----------------------------------------------------------------


def test_every_derived_reminder_hangs_off_a_calendar_entry(store):
    from services.data import demo

    today = date(2024, 5, 14)
    demo.fill_demo(today=today)
    now = local(2024, 5, 14, 10)
    sync(now)
    entries = ce.entries_between(today - timedelta(days=40), today + timedelta(days=30), now,
                                 BERLIN)
    by_round = {(e.kind, e.round_id) for e in entries if e.round_id is not None}
    offer_uids = {e.source_uid for e in entries if e.kind == EntryKind.OFFER_DEADLINE}
    round_ids = dict(InterviewRound.select(InterviewRound.uid, InterviewRound.id).tuples())
    needed = {
        ReminderKind.THANK_YOU: EntryKind.THANK_YOU_DEADLINE,
        ReminderKind.RECRUITER_UPDATE: EntryKind.THANK_YOU_DEADLINE,
        ReminderKind.FOLLOW_UP: EntryKind.FOLLOW_UP,
        ReminderKind.INTERVIEW_TOMORROW: EntryKind.INTERVIEW,
        ReminderKind.INTERVIEW_SOON: EntryKind.INTERVIEW,
    }
    checked = 0
    for row in Reminder.select().where(Reminder.custom == False):  # noqa: E712
        kind = ReminderKind(row.kind)
        if kind in needed:
            round_id = round_ids[row.key.split(":")[2]]
            assert (needed[kind], round_id) in by_round, row.key
            checked += 1
        elif kind == ReminderKind.OFFER_DEADLINE:
            assert row.key.split(":")[1] in offer_uids
            checked += 1
    assert checked >= 10
    # And the other way round: every round whose thank-you deadline shows has a reminder.
    thanked_rounds = {e.round_id for e in entries if e.kind == EntryKind.THANK_YOU_DEADLINE}
    reminded = {round_ids[row.key.split(":")[2]] for row in Reminder.select().where(
        Reminder.kind.in_(["thank_you", "recruiter_update"]))}
    assert thanked_rounds == reminded


def test_the_schema_has_the_index_that_keeps_next_due_a_lookup(store):
    names = [row[0] for row in store.db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reminder'")]
    assert queries.DUE_INDEX in names
    plan = " ".join(str(row) for row in store.db.execute_sql(
        "EXPLAIN QUERY PLAN SELECT min(due_at) FROM reminder WHERE state = ?", ("pending",)))
    assert f"COVERING INDEX {queries.DUE_INDEX}" in plan
