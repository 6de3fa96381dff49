"""The editor's service: validation, save/load round trips, stage history, delete and undo."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.application import Application, StageChange
from models.email import Email
from models.interview import Interviewer, InterviewRound, RoundSignal
from models.reminder import Reminder
from services.applications import editing as applications
from services.applications.editing import (
    ApplicationData,
    ApplicationNotFoundError,
    InterviewerData,
    RoundData,
    StageEntry,
    UndoError,
    ValidationError,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

LONG_NOTES = ("Line of notes with ümlauts and a tab\there.\n" * 2500)[:100_000]
EMOJI = "🎉"
RTL = "مرحبا بالعالم"


# -- helpers ---------------------------------------------------------------------------------


def _full() -> ApplicationData:
    """An application using every field, with rounds in New York, Berlin and no time."""
    return ApplicationData(
        company="Lumen Analytics",
        role="Senior Data Engineer",
        posting_url="https://jobs.lumen-analytics.example/positions/4711",
        channel="agency",
        agency_name="Brightpath Talent",
        recruiter_name="Hannah Okafor",
        recruiter_email="hannah.okafor@brightpath.example",
        contact_name="Mira Hoffmann",
        contact_email="mira.hoffmann@lumen-analytics.example",
        stage="awaiting_response",
        salary_notes="Asked for €78k; range €70–82k.",
        notes="  Referred by Ana.\n  Keep the leading spaces.  ",
        applied_on=date(2026, 8, 10),
        rounds=[
            RoundData(
                title="Technical interview",
                starts_at=datetime(2026, 9, 10, 14, 0, tzinfo=BERLIN),
                tz_name="Europe/Berlin",
                duration_minutes=90,
                location="Kreuzberg office",
                video_link="https://meet.example.com/lum-tech-2041",
                cancelled=False,
                closing_phrase="HR will contact you about next steps",
                signals={"gave_timeframe", "introduced_colleagues", "discussed_start_date"},
                asked_timeframe=True,
                timeframe_value=5,
                timeframe_unit="business_days",
                notes="Whiteboard: streaming migration.",
                interviewers=[
                    InterviewerData(name="José Núñez", title="Engineering Manager",
                                    email="jose.nunez@lumen-analytics.example",
                                    discussed="The migration to streaming"),
                    InterviewerData(name="Priya Raman", title="Staff Data Engineer",
                                    email="priya.raman@lumen-analytics.example",
                                    discussed="Data contracts"),
                ],
            ),
            RoundData(
                title="Phone screen",
                starts_at=datetime(2026, 9, 3, 9, 30, tzinfo=NEW_YORK),
                tz_name="America/New_York",
                duration_minutes=30,
                location="Phone",
                cancelled=True,
                closing_phrase="We'll be in touch soon.",
                signals={"vague_next_steps"},
                asked_timeframe=True,
                timeframe_value=2,
                timeframe_unit="weeks",
                interviewers=[InterviewerData(name="Rachel Kim", title="Recruiter")],
            ),
            RoundData(title="Team lunch, date to be set", tz_name="UTC", duration_minutes=60),
        ],
    )


def _dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by rowid."""
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name").fetchall()]
    return {t: db.execute_sql(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def _problem(data: ApplicationData, path: str) -> str:
    problems = applications.validate(data)
    assert path in problems, problems
    return problems[path]


def _valid(**extra) -> ApplicationData:
    return ApplicationData(company="Acme", role="Engineer", **extra)


def _with_round(**extra) -> ApplicationData:
    return _valid(rounds=[RoundData(**extra)])


# -- create, load, update ----------------------------------------------------------------------


def test_create_then_load_round_trips_every_field(store):
    data = _full()
    app_id = applications.save(copy.deepcopy(data), now=T0)
    loaded = applications.load(app_id)

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
    data = _with_round(starts_at=instant, tz_name="America/New_York")
    loaded = applications.load(applications.save(data))
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
    loaded = applications.load(applications.save(data))
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
    app_id = applications.save(_full(), now=T0)
    first = applications.load(app_id)
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
    assert applications.save(edited, now=T0 + timedelta(days=1)) == app_id

    second = applications.load(app_id)
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
    app_id = applications.save(_full())
    first = applications.load(app_id)
    phone = first.rounds[0]
    rachel = phone.interviewers[0]
    mail = Email.create(application=app_id, round=phone.id, interviewer=rachel.id)
    edited = copy.deepcopy(first)
    del edited.rounds[0]
    applications.save(edited)

    assert InterviewRound.get_or_none(InterviewRound.id == phone.id) is None
    assert Interviewer.get_or_none(Interviewer.id == rachel.id) is None
    assert RoundSignal.select().where(RoundSignal.round == phone.id).count() == 0
    assert [r.id for r in applications.load(app_id).rounds] == [r.id for r in first.rounds[1:]]
    # The email is kept (it is the user's record), only its link is cleared.
    mail = Email.get_by_id(mail.id)
    assert mail.round_id is None and mail.interviewer_id is None


def test_removing_an_interviewer_and_an_empty_row_is_dropped(store):
    app_id = applications.save(_full())
    first = applications.load(app_id)
    edited = copy.deepcopy(first)
    tech = edited.rounds[1]
    priya = tech.interviewers[1]
    tech.interviewers = [InterviewerData(), tech.interviewers[0], InterviewerData(email="  ")]
    applications.save(edited)
    people = applications.load(app_id).rounds[1].interviewers
    assert [p.name for p in people] == ["José Núñez"]
    assert Interviewer.get_or_none(Interviewer.id == priya.id) is None
    assert Interviewer.get_by_id(people[0].id).position == 0


def test_an_interviewer_can_move_to_another_round_and_keep_its_email(store):
    app_id = applications.save(_full())
    first = applications.load(app_id)
    jose = first.rounds[1].interviewers[0]
    mail = Email.create(application=app_id, interviewer=jose.id)
    edited = copy.deepcopy(first)
    edited.rounds[0].interviewers.append(edited.rounds[1].interviewers.pop(0))
    applications.save(edited)
    loaded = applications.load(app_id)
    assert [p.id for p in loaded.rounds[0].interviewers][-1] == jose.id
    assert Email.get_by_id(mail.id).interviewer_id == jose.id


def test_signals_are_replaced(store):
    app_id = applications.save(_with_round(signals={"shrugged", "gave_timeframe"}))
    data = applications.load(app_id)
    data.rounds[0].signals = {"gave_timeframe", "asked_references"}
    applications.save(data)
    assert applications.load(app_id).rounds[0].signals == {"gave_timeframe", "asked_references"}
    assert sorted(s.signal for s in RoundSignal.select()) == ["asked_references", "gave_timeframe"]
    data.rounds[0].signals = set()
    applications.save(data)
    assert RoundSignal.select().count() == 0


def test_rounds_of_another_application_are_never_touched(store):
    other = applications.load(applications.save(_full()))
    mine = _valid(rounds=[RoundData(id=other.rounds[0].id, title="Mine", interviewers=[
        InterviewerData(id=other.rounds[0].interviewers[0].id, name="Mine too")])])
    mine_id = applications.save(mine)
    assert applications.load(other.id) == other
    loaded = applications.load(mine_id)
    assert loaded.rounds[0].id != other.rounds[0].id
    assert loaded.rounds[0].interviewers[0].id != other.rounds[0].interviewers[0].id


def test_saving_a_deleted_application_keeps_the_input_as_a_new_one(store):
    data = applications.load(applications.save(_full()))
    applications.delete(data.id)
    new_id = applications.save(data)
    loaded = applications.load(new_id)
    assert loaded.company == "Lumen Analytics" and len(loaded.rounds) == 3
    assert [e.from_stage for e in applications.stage_history(new_id)] == [None]


def test_load_and_delete_of_a_missing_application_say_so(store):
    with pytest.raises(ApplicationNotFoundError, match="no longer exists"):
        applications.load(999)
    with pytest.raises(ApplicationNotFoundError):
        applications.delete(999)
    assert isinstance(ApplicationNotFoundError(1), LookupError)


# -- stage history ---------------------------------------------------------------------------


def test_stage_history_records_creation_and_each_change(store):
    times = [T0 + timedelta(days=n, hours=n) for n in range(4)]
    data = _valid()
    app_id = applications.save(data, now=times[0])
    data = applications.load(app_id)
    data.notes = "same stage, no new entry"
    applications.save(data, now=times[1])
    data.stage = "interviewing"
    applications.save(data, now=times[2])
    data.stage = "offer"
    applications.save(data, now=times[3].astimezone(BERLIN))

    history = applications.stage_history(app_id)
    assert history == [
        StageEntry(None, "applied", times[0]),
        StageEntry("applied", "interviewing", times[2]),
        StageEntry("interviewing", "offer", times[3]),
    ]
    assert all(entry.changed_at.tzinfo == UTC for entry in history)
    assert Application.get_by_id(app_id).updated_at == times[3]


def test_save_refuses_a_naive_now(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        applications.save(_valid(), now=datetime(2026, 1, 1))
    assert Application.select().count() == 0


# -- validation: one rule each ----------------------------------------------------------------


def test_valid_data_has_no_problems():
    assert applications.validate(_full()) == {}
    assert applications.validate(_valid()) == {}


@pytest.mark.parametrize("field", ["company", "role"])
@pytest.mark.parametrize("value", ["", "   \t\n"])
def test_company_and_role_are_required(field, value):
    data = _valid()
    setattr(data, field, value)
    sentence = _problem(data, field)
    assert "Enter the" in sentence and sentence.endswith(".")
    assert data.__dict__[field] == value  # validation never changes the input


@pytest.mark.parametrize("field", ["recruiter_email", "contact_email"])
def test_bad_email_is_refused_for_each_address_field(field):
    data = _valid(**{field: "bob@example"})
    assert _problem(data, field) == (
        "“bob@example” is not a complete email address; it needs a domain such as example.com.")


def test_bad_interviewer_email_has_its_path():
    data = _with_round(interviewers=[InterviewerData(name="Bob", email="bob at example.com")])
    assert "space" in _problem(data, "rounds[0].interviewers[0].email")


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("bob@example", "needs a domain such as example.com"),
        ("bob", "needs an @"),
        ("bob.example.com", "needs an @"),
        ("a@b@example.com", "more than one @"),
        ("@example.com", "missing the name before the @"),
        ("bob@", "needs a domain"),
        ("bob@example..com", "empty part in its domain"),
        ("bob@.example.com", "empty part in its domain"),
        ("bob@example.com.", "empty part in its domain"),
        ("Bob <bob@example.com>", "without a name or angle brackets"),
        ("<bob@example.com>", "without a name or angle brackets"),
        ("bob smith@example.com", "contains a space"),
        ("bob@example.com, ann@example.com", "contains a space"),
        ("bob@example.com,ann@example.com", "one email address only"),
        ("bob@example.com;ann@example.com", "one email address only"),
        ('"bob"@example.com', "cannot have before the @"),
        ("bob..smith@example.com", "misplaced dot"),
        (".bob@example.com", "misplaced dot"),
        ("bob@exa_mple.com", "characters a domain cannot contain"),
        ("bob@-example.com", "characters a domain cannot contain"),
    ],
)
def test_invalid_email_addresses_are_explained(address, words):
    sentence = applications.email_problem(address)
    assert sentence is not None and words in sentence, sentence
    assert sentence.endswith(".")


@pytest.mark.parametrize(
    "address",
    ["bob@example.com", "bob.smith+jobs@mail.example.co.uk", "  padded@example.com  ",
     "o'neil@example.ie", "josé@exämple.de", "", "   ", None],
)
def test_valid_or_empty_email_addresses_pass(address):
    assert applications.email_problem(address) is None


@pytest.mark.parametrize(
    "address",
    ["bob@example.com\r\nBcc: x@y.z", "bob@example.com\n", "\rbob@example.com",
     "bob@exa\x00mple.com", "bob@example.com\x7f", "bob\t@example.com"],
)
def test_control_characters_are_refused_as_header_injection(address):
    data = _valid(recruiter_email=address)
    sentence = _problem(data, "recruiter_email")
    assert "control character" in sentence
    assert "Bcc" not in sentence  # the injected text is not echoed back
    with pytest.raises(ValidationError):
        applications.save(data)


def test_channel_must_be_known():
    assert "staffing agency" in _problem(_valid(channel="referral"), "channel")


def test_agency_channel_needs_the_agency_name():
    sentence = _problem(_valid(channel="agency", agency_name="   "), "agency_name")
    assert "agency's name" in sentence
    assert applications.validate(_valid(channel="agency", agency_name="Brightpath")) == {}
    assert applications.validate(_valid(channel="direct", agency_name="")) == {}


def test_stage_must_be_known():
    assert "“hired” is not a stage" in _problem(_valid(stage="hired"), "stage")


@pytest.mark.parametrize("minutes", [0, -30])
def test_a_round_ending_before_it_starts_is_refused(minutes):
    sentence = _problem(_with_round(duration_minutes=minutes), "rounds[0].duration_minutes")
    assert "ends before it starts" in sentence


def test_a_round_longer_than_a_day_is_refused():
    assert applications.validate(_with_round(duration_minutes=24 * 60)) == {}
    sentence = _problem(_with_round(duration_minutes=24 * 60 + 1), "rounds[0].duration_minutes")
    assert "more than 24 hours" in sentence


@pytest.mark.parametrize("minutes", ["60", 1.5, None, True])
def test_duration_must_be_a_whole_number(minutes):
    assert "whole number" in _problem(_with_round(duration_minutes=minutes),
                                      "rounds[0].duration_minutes")


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", "europe/berlin", " UTC", "America", "../etc/passwd",
             "/etc/localtime", "Europe/Berlin\x00", "localtime", None],
)
def test_time_zone_must_be_an_iana_name(zone):
    sentence = _problem(_with_round(tz_name=zone), "rounds[0].tz_name")
    assert "not a time zone" in sentence and "Europe/Berlin" in sentence


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_known_zones_pass(zone):
    assert applications.validate(_with_round(tz_name=zone)) == {}


def test_start_must_be_timezone_aware():
    naive = _with_round(starts_at=datetime(2026, 9, 10, 14, 0), tz_name="Europe/Berlin")
    assert "no time zone" in _problem(naive, "rounds[0].starts_at")
    assert "date and time" in _problem(_with_round(starts_at=date(2026, 9, 10)),
                                       "rounds[0].starts_at")


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (0, "days", "at least one day"),
        (-3, "business_days", "at least one day"),
        (5000, "days", "more than a year"),
        (53, "weeks", "more than a year"),
        (5, None, "days, business days or weeks"),
        (5, "fortnights", "days, business days or weeks"),
        ("5", "days", "whole number"),
        (2.5, "weeks", "whole number"),
    ],
)
def test_time_frame_problems(value, unit, words):
    data = _with_round(timeframe_value=value, timeframe_unit=unit)
    assert words in _problem(data, "rounds[0].timeframe_value")


def test_usable_time_frames_pass():
    for value, unit in [(None, None), (None, "weeks"), (1, "days"), (366, "days"),
                        (52, "weeks"), (10, "business_days")]:
        assert applications.validate(_with_round(timeframe_value=value,
                                                 timeframe_unit=unit)) == {}


def test_signal_keys_must_be_known():
    sentence = _problem(_with_round(signals={"shrugged", "winked"}), "rounds[0].signals")
    assert "“winked” is not a signal" in sentence and "shrugged" not in sentence


def test_an_interviewer_with_details_needs_a_name():
    data = _with_round(interviewers=[InterviewerData(name="Ann"),
                                     InterviewerData(title="CTO", email="cto@acme.example")])
    sentence = _problem(data, "rounds[0].interviewers[1].name")
    assert "needs a name" in sentence
    assert "rounds[0].interviewers[0].name" not in applications.validate(data)


def test_an_entirely_empty_interviewer_is_not_an_error_and_is_dropped(store):
    data = _with_round(interviewers=[InterviewerData(), InterviewerData(name="Ann"),
                                     InterviewerData(name=" ", discussed="\n")])
    assert applications.validate(data) == {}
    loaded = applications.load(applications.save(data))
    assert [p.name for p in loaded.rounds[0].interviewers] == ["Ann"]


@pytest.mark.parametrize(
    "url", ["www.example.com/job", "ftp://example.com/job", "javascript:alert(1)",
            "https://", "https://exa mple.com", "mailto:hr@example.com"],
)
def test_posting_url_must_be_a_web_address(url):
    assert "https://" in _problem(_valid(posting_url=url), "posting_url")


@pytest.mark.parametrize("url", ["", "http://example.com", "https://example.com/a?b=c#d",
                                 "HTTPS://EXAMPLE.COM/JOB"])
def test_good_posting_urls_pass(url):
    assert applications.validate(_valid(posting_url=url)) == {}


def test_every_problem_is_reported_at_once_and_nothing_is_saved(store):
    data = ApplicationData(
        company="", role="", channel="agency", recruiter_email="x@", stage="?",
        rounds=[RoundData(duration_minutes=0, tz_name="Nowhere", timeframe_value=0,
                          timeframe_unit="days", interviewers=[InterviewerData(title="CTO")])],
    )
    before = copy.deepcopy(data)
    with pytest.raises(ValidationError) as caught:
        applications.save(data)
    problems = caught.value.problems
    assert set(problems) == {
        "company", "role", "agency_name", "recruiter_email", "stage",
        "rounds[0].duration_minutes", "rounds[0].tz_name", "rounds[0].timeframe_value",
        "rounds[0].interviewers[0].name",
    }
    assert str(caught.value) == next(iter(problems.values()))
    assert all(len(s) > 20 and s.endswith(".") for s in problems.values())
    assert data == before
    assert Application.select().count() == 0


# -- the bad-input list ------------------------------------------------------------------------


def test_long_notes_emoji_and_right_to_left_text_are_stored_exactly(store):
    assert len(LONG_NOTES) == 100_000
    data = ApplicationData(
        company=f"{RTL} {EMOJI}", role=f"Engineer {EMOJI}", notes=LONG_NOTES,
        salary_notes=RTL, recruiter_name=RTL,
        rounds=[RoundData(title=EMOJI, notes=f"{RTL}\n{EMOJI}", closing_phrase=RTL,
                          interviewers=[InterviewerData(name=RTL, discussed=EMOJI * 50)])],
    )
    assert applications.validate(data) == {}
    app_id = applications.save(data)
    loaded = applications.load(app_id)
    assert loaded.notes.encode() == LONG_NOTES.encode()
    assert loaded.company.encode() == f"{RTL} {EMOJI}".encode()
    assert loaded.role == f"Engineer {EMOJI}" and loaded.salary_notes == RTL
    assert loaded.rounds[0].title == EMOJI
    assert loaded.rounds[0].notes.encode() == f"{RTL}\n{EMOJI}".encode()
    assert loaded.rounds[0].interviewers[0].name == RTL
    assert loaded.rounds[0].interviewers[0].discussed == EMOJI * 50
    raw = store.db.execute_sql("SELECT notes FROM application").fetchone()[0]
    assert raw == LONG_NOTES


def test_bad_inputs_are_refused_with_their_paths(store):
    cases = {
        "recruiter_email": _valid(recruiter_email="bob@example"),
        "rounds[0].duration_minutes": _with_round(duration_minutes=-15),
        "rounds[0].timeframe_value": _with_round(timeframe_value=0, timeframe_unit="days"),
    }
    cases_5000 = _with_round(timeframe_value=5000, timeframe_unit="days")
    for path, data in [*cases.items(), ("rounds[0].timeframe_value", cases_5000)]:
        with pytest.raises(ValidationError) as caught:
            applications.save(data)
        assert list(caught.value.problems) == [path]
    assert Application.select().count() == 0


# -- all or nothing ----------------------------------------------------------------------------


def _explode(*args, **kwargs):
    raise RuntimeError("disk full (simulated)")


def test_a_failure_midway_through_creating_writes_nothing(store, monkeypatch):
    before = _dump(store.db)
    calls = []
    original = applications._write_application

    def write_then_check(*args):
        result = original(*args)
        calls.append(Application.select().count())  # the row is written at this point
        return result

    monkeypatch.setattr(applications, "_write_application", write_then_check)
    monkeypatch.setattr(applications, "_write_rounds", _explode)
    with pytest.raises(RuntimeError, match="disk full"):
        applications.save(_full())
    assert calls == [1]
    assert _dump(store.db) == before


def test_a_failure_midway_through_updating_writes_nothing(demo_store, monkeypatch):
    data = applications.load(1)
    data.company = "Renamed"
    data.stage = "rejected"
    data.rounds[1].interviewers.pop()
    data.rounds.pop(0)
    before = _dump(demo_store.db)

    original_create = RoundSignal.create
    created = []

    def create_then_fail(**kwargs):
        created.append(original_create(**kwargs))
        raise RuntimeError("interrupted")

    data.rounds[0].signals.add("asked_references")
    monkeypatch.setattr(RoundSignal, "create", create_then_fail)
    with pytest.raises(RuntimeError, match="interrupted"):
        applications.save(data)
    assert len(created) == 1
    assert _dump(demo_store.db) == before


# -- delete and undo ---------------------------------------------------------------------------


def test_delete_then_undo_restores_every_table_exactly(demo_store):
    db = demo_store.db
    lumen = Application.get(Application.company == "Lumen Analytics")
    kestrel = Application.get(Application.company == "Kestrel Robotics")
    assert Email.select().where(Email.application == lumen).count() == 1
    assert Reminder.select().where(Reminder.application == kestrel).count() == 1
    before = _dump(db)

    snap_lumen = applications.delete(lumen.id)
    snap_kestrel = applications.delete(kestrel.id)
    assert snap_lumen.application_id == lumen.id and snap_lumen.company == "Lumen Analytics"
    assert Application.get_or_none(Application.id == lumen.id) is None
    assert Email.select().count() == 0
    assert Reminder.select().where(Reminder.application.is_null(False)).count() == 0
    assert StageChange.select().where(StageChange.application == lumen.id).count() == 0
    assert InterviewRound.select().where(InterviewRound.application == lumen.id).count() == 0

    applications.undo_delete(snap_lumen)
    applications.undo_delete(snap_kestrel)
    assert _dump(db) == before
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_deleting_and_undoing_every_demo_application_restores_the_database(demo_store):
    db = demo_store.db
    before = _dump(db)
    snapshots = [applications.delete(a.id) for a in Application.select().order_by(Application.id)]
    assert Application.select().count() == 0
    for snap in reversed(snapshots):
        applications.undo_delete(snap)
    assert _dump(db) == before


def test_undoing_twice_raises_and_changes_nothing(demo_store):
    snap = applications.delete(1)
    applications.undo_delete(snap)
    after_first = _dump(demo_store.db)
    with pytest.raises(UndoError, match="already undone"):
        applications.undo_delete(snap)
    assert _dump(demo_store.db) == after_first


def test_undo_after_the_id_was_reused_raises_and_changes_nothing(demo_store):
    last = Application.select().order_by(Application.id.desc()).first()
    snap = applications.delete(last.id)
    reused = applications.save(ApplicationData(company="New company", role="Tester"))
    assert reused == last.id  # SQLite hands the freed id out again
    before = _dump(demo_store.db)
    with pytest.raises(UndoError, match="cannot be restored"):
        applications.undo_delete(snap)
    assert _dump(demo_store.db) == before


def test_undo_after_a_round_id_was_reused_raises(demo_store):
    quill = Application.get(Application.company == "Quill & Ledger")
    freed = {r.id for r in applications.load(quill.id).rounds}
    assert freed == {InterviewRound.select().order_by(InterviewRound.id.desc()).first().id}
    snap = applications.delete(quill.id)
    # A new round takes the freed round id, though the application id is still free.
    target = Application.get(Application.company == "Tern Travel")
    data = applications.load(target.id)
    data.rounds = [RoundData(title="Screening")]
    applications.save(data)
    assert {r.id for r in applications.load(target.id).rounds} == freed
    before = _dump(demo_store.db)
    with pytest.raises(UndoError, match="cannot be restored"):
        applications.undo_delete(snap)
    assert _dump(demo_store.db) == before
    assert Application.get_or_none(Application.id == quill.id) is None


def test_undo_links_emails_of_other_applications_again(store):
    first = applications.load(applications.save(_full()))
    other = applications.save(_valid())
    person = first.rounds[1].interviewers[0]
    stray = Email.create(application=other, round=first.rounds[1].id, interviewer=person.id)
    before = _dump(store.db)
    snap = applications.delete(first.id)
    stray = Email.get_by_id(stray.id)
    assert stray.round_id is None and stray.interviewer_id is None
    applications.undo_delete(snap)
    assert _dump(store.db) == before


# -- keeping unsaved forms ---------------------------------------------------------------------


def test_to_dict_and_from_dict_round_trip_through_json(store):
    data = applications.load(applications.save(_full()))
    encoded = json.dumps(applications.to_dict(data))
    back = applications.from_dict(json.loads(encoded))
    assert back == data
    assert back.rounds[0].starts_at.tzinfo == NEW_YORK
    assert isinstance(back.rounds[0].signals, set)
    assert json.loads(encoded)["rounds"][1]["signals"] == sorted(data.rounds[1].signals)
    assert json.loads(encoded)["applied_on"] == "2026-08-10"


def test_unsaved_and_invalid_forms_round_trip_too():
    data = _full()
    data.company = ""
    data.rounds[0].starts_at = datetime(2026, 9, 10, 14, 0)  # naive: not valid, still kept
    data.rounds[1].tz_name = "Nowhere/Special"
    data.rounds[1].duration_minutes = -5
    data.rounds[1].signals = {"winked"}
    back = applications.from_dict(json.loads(json.dumps(applications.to_dict(data))))
    assert back == data
    assert back.rounds[0].starts_at.tzinfo is None
    assert applications.from_dict(applications.to_dict(ApplicationData())) == ApplicationData()


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize(
    "wall", [datetime(2026, 3, 8, 2, 30), datetime(2026, 11, 1, 1, 30)],
    ids=["in the spring-forward gap", "in the fall-back fold"],
)
@pytest.mark.parametrize("tz_name", ["America/New_York", "UTC"])
def test_to_dict_keeps_wall_time_and_fold_around_dst_changes(wall, fold, tz_name):
    start = wall.replace(tzinfo=NEW_YORK, fold=fold)
    data = _with_round(starts_at=start, tz_name=tz_name)
    encoded = applications.to_dict(data)
    assert encoded["rounds"][0]["starts_at_zone"] == "America/New_York"
    assert datetime.fromisoformat(encoded["rounds"][0]["starts_at"]) == start.astimezone(UTC)
    back = applications.from_dict(json.loads(json.dumps(encoded)))
    assert back == data
    got = back.rounds[0].starts_at
    assert (got.replace(tzinfo=None), got.fold, got.tzinfo) == (wall, fold, NEW_YORK)


def test_from_dict_tolerates_missing_and_unknown_keys():
    back = applications.from_dict(
        {"company": "Acme", "future_field": 1, "rounds": [{"title": "R", "extra": True}]})
    assert back == ApplicationData(company="Acme", rounds=[RoundData(title="R")])


_texts = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    company=_texts, notes=_texts, name=_texts,
    signals=st.sets(st.sampled_from(["shrugged", "gave_timeframe", "anything"])),
    start=st.none() | st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
        timezones=st.sampled_from([UTC, BERLIN, NEW_YORK])),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Bad/Zone"]),
    value=st.none() | st.integers(-10, 10_000),
)
def test_to_dict_from_dict_round_trip_property(company, notes, name, signals, start, zone, value):
    data = ApplicationData(company=company, notes=notes, applied_on=date(2026, 1, 2), rounds=[
        RoundData(starts_at=start, tz_name=zone, signals=signals, timeframe_value=value,
                  timeframe_unit="days", interviewers=[InterviewerData(name=name)])])
    encoded = json.dumps(applications.to_dict(data))
    assert applications.from_dict(json.loads(encoded)) == data


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_email_problem_never_crashes(text):
    result = applications.email_problem(text)
    assert result is None or result.endswith(".")
    if result is None and text.strip():
        assert text.strip().count("@") == 1
