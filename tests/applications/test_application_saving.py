"""The editor's service saves and loads: round trips of every field, updates of rounds and
interviewers, stage history, long and right-to-left text, and all-or-nothing writes.

Validation is in test_application_validation.py, delete and undo in
test_application_undo.py, unsaved forms in test_application_form_dicts.py."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from models.application import Application
from models.email import Email
from models.interview import Interviewer, InterviewRound, RoundSignal
from services.applications import deletion, loading, saving, validation
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from services.applications.loading import ApplicationNotFoundError, StageEntry
from tests.applications.editor_samples import (
    BERLIN,
    NEW_YORK,
    dump_tables,
    full_application,
    valid_data,
    with_round,
)

T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

LONG_NOTES = ("Line of notes with ümlauts and a tab\there.\n" * 2500)[:100_000]
EMOJI = "🎉"
RTL = "مرحبا بالعالم"


# -- create, load, update ----------------------------------------------------------------------


def test_create_then_load_round_trips_every_field(store):
    data = full_application()
    app_id = saving.save(copy.deepcopy(data), now=T0)
    loaded = loading.load(app_id)

    assert loaded.id == app_id
    # Rounds come back ordered by start (the New York one is earlier), undated last.
    assert [r.title for r in loaded.rounds] == [
        "Phone screen", "Technical interview", "Team lunch, date to be set"]
    expected = copy.deepcopy(data)
    expected.id = app_id
    expected.rounds = [expected.rounds[1], expected.rounds[0], expected.rounds[2]]
    for got, want in zip(loaded.rounds, expected.rounds, strict=True):
        assert got.id is not None
        want.id = got.id
        for person, want_person in zip(got.interviewers, want.interviewers, strict=True):
            assert person.id is not None
            want_person.id = person.id
    assert loaded == expected

    # The zone is kept, the instant is stored in UTC, the wall-clock time comes back.
    phone, tech, lunch = loaded.rounds
    assert phone.starts_at.tzinfo == NEW_YORK and tech.starts_at.tzinfo == BERLIN
    assert phone.starts_at.replace(tzinfo=None) == datetime(2026, 9, 3, 9, 30)
    assert tech.starts_at.replace(tzinfo=None) == datetime(2026, 9, 10, 14, 0)
    assert lunch.starts_at is None
    raw = dict(store.db.execute_sql(
        "SELECT title, starts_at || ' ' || tz_name FROM interview_round").fetchall())
    assert raw["Phone screen"] == "2026-09-03T13:30:00+00:00 America/New_York"
    assert raw["Technical interview"] == "2026-09-10T12:00:00+00:00 Europe/Berlin"

    row = Application.get_by_id(app_id)
    assert row.created_at == T0 and row.updated_at == T0
    assert [p.position for p in Interviewer.select().order_by(Interviewer.position)
            .where(Interviewer.round == tech.id)] == [0, 1]


def test_an_instant_given_in_another_zone_is_stored_as_the_same_instant(store):
    instant = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first of two
    data = with_round(starts_at=instant, tz_name="America/New_York")
    loaded = loading.load(saving.save(data))
    start = loaded.rounds[0].starts_at
    # (== across zones is False for an ambiguous wall time, by PEP 495: compare in UTC.)
    assert start.astimezone(UTC) == instant
    assert start.replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30) and start.fold == 0
    assert start.tzinfo == NEW_YORK and start.utcoffset() == timedelta(hours=-4)
    assert InterviewRound.get().starts_at == instant


def test_save_strips_names_and_emails_but_never_notes(store):
    data = ApplicationData(
        company="  Acme  ", role="\tEngineer ", agency_name=" A ", channel="agency",
        recruiter_name=" R ", recruiter_email=" r@acme.example ", contact_name=" C ",
        contact_email=" c@acme.example ", posting_url=" https://acme.example/job ",
        salary_notes="  80k  ", notes="  keep me  \n",
        rounds=[RoundData(title=" Title ", notes=" n ", interviewers=[
            InterviewerData(name=" Ann ", title=" Lead ", email=" ann@acme.example ",
                            discussed=" d ")])],
    )
    loaded = loading.load(saving.save(data))
    assert (loaded.company, loaded.role, loaded.agency_name) == ("Acme", "Engineer", "A")
    assert (loaded.recruiter_name, loaded.recruiter_email) == ("R", "r@acme.example")
    assert (loaded.contact_name, loaded.contact_email) == ("C", "c@acme.example")
    assert loaded.salary_notes == "  80k  " and loaded.notes == "  keep me  \n"
    rnd = loaded.rounds[0]
    assert rnd.title == " Title " and rnd.notes == " n "
    person = rnd.interviewers[0]
    assert (person.name, person.email) == ("Ann", "ann@acme.example")
    assert (person.title, person.discussed) == (" Lead ", " d ")
    # The caller's data is not changed by saving.
    assert data.company == "  Acme  " and data.id is None


def test_update_keeps_ids_and_a_sent_email_stays_linked(store):
    app_id = saving.save(full_application(), now=T0)
    first = loading.load(app_id)
    tech = first.rounds[1]
    jose = tech.interviewers[0]
    sent = Email.create(application=app_id, round=tech.id, interviewer=jose.id,
                        to_address=jose.email, subject="Thank you", state="sent")

    edited = copy.deepcopy(first)
    edited.role = "Lead Data Engineer"
    edited.rounds[1].title = "Technical interview (panel)"
    edited.rounds[1].duration_minutes = 120
    # New person first, then Priya and José swapped: positions follow the list.
    edited.rounds[1].interviewers = [
        InterviewerData(name="Lukas Brandt", title="Product Analyst"),
        edited.rounds[1].interviewers[1],
        edited.rounds[1].interviewers[0],
    ]
    edited.rounds[1].interviewers[2].title = "Head of Data"
    edited.rounds.append(RoundData(
        title="Final", starts_at=datetime(2026, 9, 20, 10, tzinfo=BERLIN), tz_name="Europe/Berlin"))
    assert saving.save(edited, now=T0 + timedelta(days=1)) == app_id

    second = loading.load(app_id)
    assert second.role == "Lead Data Engineer"
    # Ordered by start: the new round (20 Sep) comes before the undated one.
    assert [r.title for r in second.rounds] == [
        "Phone screen", "Technical interview (panel)", "Final", "Team lunch, date to be set"]
    assert [second.rounds[i].id for i in (0, 1, 3)] == [r.id for r in first.rounds]
    assert second.rounds[2].id not in {r.id for r in first.rounds}
    people = second.rounds[1].interviewers
    assert [p.name for p in people] == ["Lukas Brandt", "Priya Raman", "José Núñez"]
    assert people[1].id == tech.interviewers[1].id and people[2].id == jose.id
    assert people[2].title == "Head of Data"
    assert [p.position for p in Interviewer.select().where(Interviewer.round == tech.id)
            .order_by(Interviewer.position)] == [0, 1, 2]

    sent = Email.get_by_id(sent.id)
    assert sent.interviewer_id == jose.id and sent.round_id == tech.id
    assert Application.get_by_id(app_id).updated_at == T0 + timedelta(days=1)
    assert InterviewRound.get_by_id(tech.id).updated_at == T0 + timedelta(days=1)


def test_removing_a_round_deletes_it_and_its_interviewers(store):
    app_id = saving.save(full_application())
    first = loading.load(app_id)
    phone = first.rounds[0]
    rachel = phone.interviewers[0]
    mail = Email.create(application=app_id, round=phone.id, interviewer=rachel.id)
    edited = copy.deepcopy(first)
    del edited.rounds[0]
    saving.save(edited)

    assert InterviewRound.get_or_none(InterviewRound.id == phone.id) is None
    assert Interviewer.get_or_none(Interviewer.id == rachel.id) is None
    assert RoundSignal.select().where(RoundSignal.round == phone.id).count() == 0
    assert [r.id for r in loading.load(app_id).rounds] == [r.id for r in first.rounds[1:]]
    # The email is kept (it is the user's record), only its link is cleared.
    mail = Email.get_by_id(mail.id)
    assert mail.round_id is None and mail.interviewer_id is None


def test_removing_an_interviewer_and_an_empty_row_is_dropped(store):
    app_id = saving.save(full_application())
    first = loading.load(app_id)
    edited = copy.deepcopy(first)
    tech = edited.rounds[1]
    priya = tech.interviewers[1]
    tech.interviewers = [InterviewerData(), tech.interviewers[0], InterviewerData(email="  ")]
    saving.save(edited)
    people = loading.load(app_id).rounds[1].interviewers
    assert [p.name for p in people] == ["José Núñez"]
    assert Interviewer.get_or_none(Interviewer.id == priya.id) is None
    assert Interviewer.get_by_id(people[0].id).position == 0


def test_an_interviewer_can_move_to_another_round_and_keep_its_email(store):
    app_id = saving.save(full_application())
    first = loading.load(app_id)
    jose = first.rounds[1].interviewers[0]
    mail = Email.create(application=app_id, interviewer=jose.id)
    edited = copy.deepcopy(first)
    edited.rounds[0].interviewers.append(edited.rounds[1].interviewers.pop(0))
    saving.save(edited)
    loaded = loading.load(app_id)
    assert [p.id for p in loaded.rounds[0].interviewers][-1] == jose.id
    assert Email.get_by_id(mail.id).interviewer_id == jose.id


def test_signals_are_replaced(store):
    app_id = saving.save(with_round(signals={"shrugged", "gave_timeframe"}))
    data = loading.load(app_id)
    data.rounds[0].signals = {"gave_timeframe", "asked_references"}
    saving.save(data)
    assert loading.load(app_id).rounds[0].signals == {"gave_timeframe", "asked_references"}
    assert sorted(s.signal for s in RoundSignal.select()) == ["asked_references", "gave_timeframe"]
    data.rounds[0].signals = set()
    saving.save(data)
    assert RoundSignal.select().count() == 0


def test_rounds_of_another_application_are_never_touched(store):
    other = loading.load(saving.save(full_application()))
    mine = valid_data(rounds=[RoundData(id=other.rounds[0].id, title="Mine", interviewers=[
        InterviewerData(id=other.rounds[0].interviewers[0].id, name="Mine too")])])
    mine_id = saving.save(mine)
    assert loading.load(other.id) == other
    loaded = loading.load(mine_id)
    assert loaded.rounds[0].id != other.rounds[0].id
    assert loaded.rounds[0].interviewers[0].id != other.rounds[0].interviewers[0].id


def test_saving_a_deleted_application_keeps_the_input_as_a_new_one(store):
    data = loading.load(saving.save(full_application()))
    deletion.delete(data.id)
    new_id = saving.save(data)
    loaded = loading.load(new_id)
    assert loaded.company == "Lumen Analytics" and len(loaded.rounds) == 3
    assert [e.from_stage for e in loading.stage_history(new_id)] == [None]


def test_load_and_delete_of_a_missing_application_say_so(store):
    with pytest.raises(ApplicationNotFoundError, match="no longer exists"):
        loading.load(999)
    with pytest.raises(ApplicationNotFoundError):
        deletion.delete(999)
    assert isinstance(ApplicationNotFoundError(1), LookupError)


# -- stage history ---------------------------------------------------------------------------


def test_stage_history_records_creation_and_each_change(store):
    times = [T0 + timedelta(days=n, hours=n) for n in range(4)]
    data = valid_data()
    app_id = saving.save(data, now=times[0])
    data = loading.load(app_id)
    data.notes = "same stage, no new entry"
    saving.save(data, now=times[1])
    data.stage = "interviewing"
    saving.save(data, now=times[2])
    data.stage = "offer"
    saving.save(data, now=times[3].astimezone(BERLIN))

    history = loading.stage_history(app_id)
    assert history == [
        StageEntry(None, "applied", times[0]),
        StageEntry("applied", "interviewing", times[2]),
        StageEntry("interviewing", "offer", times[3]),
    ]
    assert all(entry.changed_at.tzinfo == UTC for entry in history)
    assert Application.get_by_id(app_id).updated_at == times[3]


def test_save_refuses_a_naive_now(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        saving.save(valid_data(), now=datetime(2026, 1, 1))
    assert Application.select().count() == 0


# -- long and unusual text ---------------------------------------------------------------------


def test_long_notes_emoji_and_right_to_left_text_are_stored_exactly(store):
    assert len(LONG_NOTES) == 100_000
    data = ApplicationData(
        company=f"{RTL} {EMOJI}", role=f"Engineer {EMOJI}", notes=LONG_NOTES,
        salary_notes=RTL, recruiter_name=RTL,
        rounds=[RoundData(title=EMOJI, notes=f"{RTL}\n{EMOJI}", closing_phrase=RTL,
                          interviewers=[InterviewerData(name=RTL, discussed=EMOJI * 50)])],
    )
    assert validation.validate(data) == {}
    app_id = saving.save(data)
    loaded = loading.load(app_id)
    assert loaded.notes.encode() == LONG_NOTES.encode()
    assert loaded.company.encode() == f"{RTL} {EMOJI}".encode()
    assert loaded.role == f"Engineer {EMOJI}" and loaded.salary_notes == RTL
    assert loaded.rounds[0].title == EMOJI
    assert loaded.rounds[0].notes.encode() == f"{RTL}\n{EMOJI}".encode()
    assert loaded.rounds[0].interviewers[0].name == RTL
    assert loaded.rounds[0].interviewers[0].discussed == EMOJI * 50
    raw = store.db.execute_sql("SELECT notes FROM application").fetchone()[0]
    assert raw == LONG_NOTES


# -- all or nothing ----------------------------------------------------------------------------


def _explode(*args, **kwargs):
    raise RuntimeError("disk full (simulated)")


def test_a_failure_midway_through_creating_writes_nothing(store, monkeypatch):
    before = dump_tables(store.db)
    calls = []
    original = saving._write_application

    def write_then_check(*args):
        result = original(*args)
        calls.append(Application.select().count())  # the row is written at this point
        return result

    monkeypatch.setattr(saving, "_write_application", write_then_check)
    monkeypatch.setattr(saving, "_write_rounds", _explode)
    with pytest.raises(RuntimeError, match="disk full"):
        saving.save(full_application())
    assert calls == [1]
    assert dump_tables(store.db) == before


def test_a_failure_midway_through_updating_writes_nothing(demo_store, monkeypatch):
    data = loading.load(1)
    data.company = "Renamed"
    data.stage = "rejected"
    data.rounds[1].interviewers.pop()
    data.rounds.pop(0)
    before = dump_tables(demo_store.db)

    original_create = RoundSignal.create
    created = []

    def create_then_fail(**kwargs):
        created.append(original_create(**kwargs))
        raise RuntimeError("interrupted")

    data.rounds[0].signals.add("asked_references")
    monkeypatch.setattr(RoundSignal, "create", create_then_fail)
    with pytest.raises(RuntimeError, match="interrupted"):
        saving.save(data)
    assert len(created) == 1
    assert dump_tables(demo_store.db) == before
