"""Invitation import (services.calendar.ics_import): the clients' shapes, zones, updates,
bad files."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.values import Stage
from services.calendar import ics_import
from services.calendar.ics_import import InvitationFileError, parse_invitations
from tests.conftest import FIXTURES

DATA = FIXTURES / "ics"
ME = "sam.rivera@example.net"
BERLIN = "Europe/Berlin"
NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse(name: str, zone: str = BERLIN):
    return parse_invitations(read(name), own_addresses=[ME], user_zone=zone)


def table_dump(db) -> dict[str, list[tuple]]:
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {table: db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in tables}


def run_import(store, *names_or_paths, zone=BERLIN, **extra):
    files = [p if isinstance(p, Path) else DATA / p for p in names_or_paths]
    extra.setdefault("own_addresses", [ME])
    return ics_import.import_files(store.paths, files, user_zone=zone, now=NOW, **extra)


def rounds_by_ical_uid(uid: str):
    from models.interview import InterviewRound

    return list(InterviewRound.select().where(InterviewRound.ical_uid == uid))


def interviewers(rnd) -> list[tuple[str, str]]:
    return [(p.name, p.email) for p in rnd.interviewers.order_by("position")]


# -- the shapes of each client -----------------------------------------------------------------


def test_google_calendar_invitation():
    parsed = parse("google_request.ics")
    assert parsed.method == "REQUEST" and parsed.rejected == []
    (event,) = parsed.events
    assert event.uid == "3kq9v7m2c1h8pt4q0dlr6b5j2s@google.com"
    assert event.starts_at == datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
    assert event.tz_name == "Europe/Berlin"
    assert event.duration_minutes == 90
    assert event.summary == "Technical interview – Lumen Analytics"
    assert event.video_link == "https://meet.google.com/abc-defg-hij"
    assert event.location == "Lumen Analytics, Oranienstraße 24, 10999 Berlin"
    # Organizer first; the user and the meeting room are left out.
    assert [p.email for p in event.people] == [
        "mira.hoffmann@lumen-analytics.example", "jose.nunez@lumen-analytics.example",
        "priya.raman@lumen-analytics.example", "lukas.brandt@lumen-analytics.example"]
    assert event.people[1].name == "José Núñez"
    assert event.people[3].name == "Lukas Brandt"  # from the address when CN is the address
    assert not event.cancelled and event.sequence == 0


def test_google_invitation_goes_to_the_matching_demo_application(demo_store):
    from models.application import Application

    lumen = Application.get(Application.company == "Lumen Analytics")
    report = run_import(demo_store, "google_request.ics")
    assert report.ok, report.text()
    assert report.created == 1 and report.applications_created == 0
    (rnd,) = rounds_by_ical_uid("3kq9v7m2c1h8pt4q0dlr6b5j2s@google.com")
    assert rnd.application_id == lumen.id
    assert rnd.starts_at == datetime(2024, 5, 14, 12, tzinfo=UTC)
    assert rnd.tz_name == "Europe/Berlin"
    assert rnd.duration_minutes == 90
    assert rnd.video_link == "https://meet.google.com/abc-defg-hij"
    assert rnd.title == "Technical interview – Lumen Analytics"
    assert rnd.ical_sequence == 0
    assert [email for _name, email in interviewers(rnd)] == [
        "mira.hoffmann@lumen-analytics.example", "jose.nunez@lumen-analytics.example",
        "priya.raman@lumen-analytics.example", "lukas.brandt@lumen-analytics.example"]
    assert "organizer writes from @lumen-analytics.example" in report.text()


def test_outlook_teams_invitation_with_a_windows_zone():
    (event,) = parse("outlook_teams_request.ics").events
    assert event.starts_at == datetime(2024, 6, 12, 9, 0, tzinfo=UTC)  # 11:00 CEST
    assert event.tz_name == "Europe/Berlin"
    assert event.video_link.startswith("https://teams.microsoft.com/l/meetup-join/")
    assert event.summary == "Panel interview – Platform Engineer (Northwind Logistics)"
    assert [(p.name, p.email) for p in event.people] == [
        ("Greta Lindqvist", "greta.lindqvist@northwind.example"),
        ("Omar Haddad", "omar.haddad@northwind.example"),
        ("Hannah Okafor", "hannah.okafor@brightpath.example"),  # "Okafor, Hannah"
    ]


def test_outlook_eastern_standard_time_quoted_tzid():
    (event,) = parse("outlook_eastern.ics").events
    assert event.starts_at == datetime(2024, 7, 2, 20, 0, tzinfo=UTC)  # 16:00 EDT
    assert event.tz_name == "America/New_York"
    assert event.duration_minutes == 45
    assert event.people == (ics_import.Person("Rachel Kim", "rachel.kim@quill-ledger.example"),)


def test_outlook_custom_zone_uses_the_files_definition():
    (event,) = parse("outlook_custom_zone.ics", zone="Asia/Tokyo").events
    assert event.starts_at == datetime(2024, 6, 18, 13, 0, tzinfo=UTC)  # 15:00 at +02:00
    assert event.tz_name == "Europe/Berlin"  # the first common zone with the same offsets
    assert any("file's own definition" in note for note in event.notes)


def test_zoom_publish_with_a_url():
    parsed = parse("zoom_publish.ics")
    assert parsed.method == "PUBLISH"
    (event,) = parsed.events
    assert event.starts_at == datetime(2024, 6, 18, 13, 30, tzinfo=UTC)
    assert event.tz_name == "America/New_York"
    assert event.duration_minutes == 120
    assert event.video_link == "https://us02web.zoom.us/j/88812345678?pwd=Q2FmZUJhYmVsT2Zmc2V0"
    assert event.people == (ics_import.Person("Ines Moreau",
                                              "ines.moreau@kestrel-robotics.example"),)


def test_apple_floating_time_is_read_in_the_users_zone():
    (event,) = parse("apple_floating.ics").events
    assert event.starts_at == datetime(2024, 6, 20, 7, 30, tzinfo=UTC)  # 09:30 in Berlin
    assert event.tz_name == "Europe/Berlin"
    assert any("floating" in note and "Europe/Berlin" in note for note in event.notes)
    # The user organised it: only Greta is an interviewer.
    assert event.people == (ics_import.Person("Greta Lindqvist",
                                              "greta.lindqvist@northwind.example"),)
    (tokyo,) = parse("apple_floating.ics", zone="Asia/Tokyo").events
    assert tokyo.starts_at == datetime(2024, 6, 20, 0, 30, tzinfo=UTC)


def test_apple_utc_times_with_bare_line_feeds():
    assert b"\r\n" not in read("apple_utc.ics")
    (event,) = parse("apple_utc.ics").events
    assert event.starts_at == datetime(2024, 6, 21, 8, 0, tzinfo=UTC)
    assert event.duration_minutes == 60
    assert event.notes == ()
    assert event.video_link == ""


def test_all_day_event():
    (event,) = parse("allday.ics").events
    assert event.all_day
    assert event.starts_at == datetime(2024, 6, 24, 22, 0, tzinfo=UTC)  # midnight in Berlin
    assert event.duration_minutes == 24 * 60
    assert any("all-day" in note for note in event.notes)


def test_floating_time_from_a_scheduling_tool(store):
    report = run_import(store, "ats_floating.ics")
    assert report.created == 1
    assert "floating" in report.text() and "Europe/Berlin" in report.text()
    (rnd,) = rounds_by_ical_uid("interview-58211-2024-06-24@talent-scheduler.example")
    assert rnd.starts_at == datetime(2024, 6, 24, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(("name", "expected_utc", "expected_zone"), [
    ("dst-gap@talent-scheduler.example", datetime(2024, 3, 10, 7, 30, tzinfo=UTC),
     "America/New_York"),
    ("dst-fold@talent-scheduler.example", datetime(2024, 11, 3, 5, 30, tzinfo=UTC),
     "America/New_York"),
])
def test_dst_gap_and_fold_in_invitations(name, expected_utc, expected_zone):
    events = {event.uid: event for event in parse("dst_new_york.ics").events}
    assert events[name].starts_at == expected_utc
    assert events[name].tz_name == expected_zone


# -- updates, cancellations, several events ----------------------------------------------------


def test_update_then_cancel_then_an_older_copy(demo_store):
    uid = "3kq9v7m2c1h8pt4q0dlr6b5j2s@google.com"
    run_import(demo_store, "google_request.ics")
    (rnd,) = rounds_by_ical_uid(uid)
    rnd.notes = "What I prepared."
    rnd.save()
    report = run_import(demo_store, "google_update.ics")
    assert report.updated == 1, report.text()
    (moved,) = rounds_by_ical_uid(uid)
    assert moved.id == rnd.id
    assert moved.starts_at == datetime(2024, 5, 15, 8, 30, tzinfo=UTC)
    assert moved.ical_sequence == 1
    assert moved.notes == "What I prepared."  # the user's words are kept
    assert "moved from Tue 14 May 2024, 14:00 Europe/Berlin" in report.text()
    report = run_import(demo_store, "google_cancel.ics")
    assert report.cancelled == 1
    (cancelled,) = rounds_by_ical_uid(uid)
    assert cancelled.cancelled and cancelled.ical_sequence == 2
    report = run_import(demo_store, "google_update.ics")
    assert report.skipped == 1 and "older version" in report.text()
    assert rounds_by_ical_uid(uid)[0].cancelled
    report = run_import(demo_store, "google_cancel.ics")
    assert report.unchanged == 1 and "Already cancelled" in report.text()


def test_cancelling_something_never_imported_changes_nothing(store):
    before = table_dump(store.db)
    report = run_import(store, "google_cancel.ics")
    assert report.cancelled == 0 and "Nothing to cancel" in report.text()
    assert table_dump(store.db) == before


def test_an_update_adds_new_people_and_keeps_the_others(store, tmp_path):
    from models.interview import Interviewer

    run_import(store, "zoom_publish.ics")
    (rnd,) = rounds_by_ical_uid(parse("zoom_publish.ics").events[0].uid)
    Interviewer.create(round=rnd, position=5, name="Added by hand", email="hand@x.example")
    text = read("zoom_publish.ics").replace(
        b"ORGANIZER;CN=Ines Moreau:mailto:ines.moreau@kestrel-robotics.example",
        b"ORGANIZER;CN=Ines Moreau:mailto:ines.moreau@kestrel-robotics.example\r\n"
        b"ATTENDEE;CN=Felix Wagner:mailto:felix.wagner@kestrel-robotics.example\r\n"
        b"SEQUENCE:1")
    updated = tmp_path / "zoom_update.ics"
    updated.write_bytes(text)
    report = run_import(store, updated)
    assert report.updated == 1 and "added Felix Wagner" in report.text()
    assert [name for name, _ in interviewers(rnd)] == ["Ines Moreau", "Added by hand",
                                                       "Felix Wagner"]


def test_a_file_with_unusable_events_saves_nothing_and_lists_each(store):
    from models.interview import InterviewRound

    report = run_import(store, "several_events.ics")
    assert report.created == 0 and report.rejected == 3 and report.failed_files == 1
    assert not report.ok
    text = report.text()
    assert "several_events.ics: 3 of 5 events cannot be imported, so nothing from this file " \
        "was imported" in text
    assert "Event 2 “Fjord Energy – take-home review (time to be agreed)” was not imported: " \
        "it has no start time" in text
    assert InterviewRound.select().count() == 0


def test_several_events_import_the_valid_ones_and_list_the_rest(store):
    from models.interview import InterviewRound

    report = run_import(store, "several_events.ics", valid_only=True)
    assert report.created == 2 and report.rejected == 3
    assert report.ok and not report.complete  # imported as asked; the rest listed
    assert "several_events.ics: 5 events read; 3 left out, as you chose." in report.text()
    text = report.text()
    assert "Event 2 “Fjord Energy – take-home review (time to be agreed)” was not imported: " \
        "it has no start time" in text
    assert "is not a real date and time" in text
    assert "“Mars/Olympus_Mons” is neither a zone" in text
    assert InterviewRound.select().count() == 2
    assert report.applications_created == 1
    (final,) = rounds_by_ical_uid("fjord-5@talent-scheduler.example")
    assert final.duration_minutes == 45 and final.tz_name == "Europe/Oslo"


# -- matching applications ---------------------------------------------------------------------


def test_the_command_line_creates_an_application_named_after_the_domain(store):
    from models.application import Application

    report = run_import(store, "google_request.ics")
    (app,) = Application.select()
    assert app.company == "Lumen Analytics"
    assert app.stage == Stage.INTERVIEWING.value
    assert app.contact_email == "mira.hoffmann@lumen-analytics.example"
    assert "New application “Lumen Analytics” (named after the organizer's domain " \
        "lumen-analytics.example)" in report.text()
    # Its update and the other invitation from the same domain find it.
    run_import(store, "google_update.ics")
    assert Application.select().count() == 1


def test_an_application_is_found_by_the_company_in_the_title(store):
    from models.application import Application

    tern = Application.create(company="Tern Travel GmbH", role="Backend", stage="applied")
    report = run_import(store, "apple_utc.ics")
    (rnd,) = rounds_by_ical_uid("A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF")
    assert rnd.application_id == tern.id
    assert "company is named in the title" in report.text()
    assert Application.get_by_id(tern.id).stage == Stage.INTERVIEWING.value


def test_the_window_is_asked_when_nothing_matches_and_can_create(store):
    from models.application import Application

    Application.create(company="Other Co", role="Dev", stage="applied")
    asked = []

    def choose(invitation, candidates):
        asked.append((invitation.summary, [c.company for c in candidates]))
        return None

    report = run_import(store, "google_request.ics", choose_application=choose)
    assert asked == [("Technical interview – Lumen Analytics", ["Other Co"])]
    assert report.applications_created == 1


def test_the_window_is_asked_between_several_matches(store):
    from models.application import Application

    first = Application.create(company="Lumen Analytics", role="Data Engineer", stage="applied",
                               contact_email="a@lumen-analytics.example")
    Application.create(company="Lumen Analytics", role="Analyst", stage="applied",
                       contact_email="b@lumen-analytics.example")

    def choose(invitation, candidates):
        assert {c.role for c in candidates} == {"Data Engineer", "Analyst"}
        assert all("@lumen-analytics.example" in c.reason for c in candidates)
        return first.id

    report = run_import(store, "google_request.ics", choose_application=choose)
    assert rounds_by_ical_uid(parse("google_request.ics").events[0].uid)[0].application_id \
        == first.id
    assert "(as you chose)" in report.text()


def test_cancelling_the_question_saves_nothing(store):
    from models.application import Application

    Application.create(company="Other Co", role="Dev", stage="applied")
    before = table_dump(store.db)

    def choose(invitation, candidates):
        raise ics_import.ImportCancelled()

    report = run_import(store, "several_events.ics", "google_request.ics",
                        choose_application=choose)
    assert report.interrupted and not report.ok
    assert "import cancelled" in report.text()
    assert table_dump(store.db) == before


def test_own_address_from_the_account_settings(store):
    from services.core import settings

    settings.put("smtp.sender_address", "Sam.Rivera@Example.net")
    run_import(store, "outlook_teams_request.ics", own_addresses=None)
    (rnd,) = rounds_by_ical_uid(parse("outlook_teams_request.ics").events[0].uid)
    assert ME not in [email for _name, email in interviewers(rnd)]
    assert len(interviewers(rnd)) == 3


def test_the_users_full_name_from_the_settings_leaves_them_out(store):
    from services.core import settings

    settings.put("user.name", "Sam  Rivera")
    run_import(store, "outlook_eastern.ics", own_addresses=None)
    (rnd,) = rounds_by_ical_uid(parse("outlook_eastern.ics").events[0].uid)
    assert interviewers(rnd) == [("Rachel Kim", "rachel.kim@quill-ledger.example")]


def test_every_sample_file_imports(store):
    names = sorted(path.name for path in DATA.glob("*.ics"))
    report = run_import(store, *names, valid_only=True)
    assert report.failed_files == 0
    assert report.rejected == 3  # the three bad events of several_events.ics
    assert report.created >= 10


# -- zones -------------------------------------------------------------------------------------


def test_windows_zone_table_is_large_and_every_zone_exists():
    assert len(ics_import.WINDOWS_ZONES) >= 40
    for windows, iana in ics_import.WINDOWS_ZONES.items():
        zone = ics_import.resolve_zone(windows)
        assert zone is not None, windows
        assert zone.key in (iana, "Europe/Kiev", "UTC"), (windows, zone.key)


@pytest.mark.parametrize(("tzid", "expected"), [
    ("Europe/Berlin", "Europe/Berlin"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ('"Eastern Standard Time"', "America/New_York"),
    ("eastern standard time", "America/New_York"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("Romance Standard Time", "Europe/Paris"),
    ("GMT Standard Time", "Europe/London"),
    ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
    ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
    ("/mozilla.org/20050126_1/Europe/Paris", "Europe/Paris"),
    ("/citadel.org/20190914_1/America/Chicago", "America/Chicago"),
    ("UTC", "UTC"),
    ("Z", "UTC"),
])
def test_resolve_zone(tzid, expected):
    assert ics_import.resolve_zone(tzid) == ZoneInfo(expected)


@pytest.mark.parametrize("tzid", ["Mars/Olympus_Mons", "Customized Time Zone", "", "../../etc",
                                  "localtime", "x" * 500])
def test_unknown_zones_are_not_guessed(tzid):
    assert ics_import.resolve_zone(tzid) is None


# -- bad files ---------------------------------------------------------------------------------

GOOD = read("google_request.ics")


@pytest.mark.parametrize(("data", "sentence"), [
    (b"", "The file is empty"),
    (b"\r\n\r\n   \r\n", "The file is empty"),
    (b"<!DOCTYPE html><html><body>Your invitation</body></html>",
     "This is not a calendar (iCalendar) file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is not a calendar (iCalendar) file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    (GOOD.replace(b"END:VEVENT\r\n", b""), "END:VEVENT is missing"),
    (GOOD.replace(b"END:VCALENDAR\r\n", b""), "END:VCALENDAR is missing"),
    (GOOD[: len(GOOD) // 2], "cut off"),
    (GOOD.replace(b"\r\n ", b"\r\n"), "line folding may be broken"),
    (GOOD.replace(b"METHOD:REQUEST", b"METHOD:REPLY"), "an answer to an invitation"),
    (GOOD.replace(b"METHOD:REQUEST", b"METHOD:DELEGATE"), "METHOD:DELEGATE"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:1\r\nSUMMARY:Task\r\nEND:VTODO\r\n"
     b"END:VCALENDAR\r\n", "only VTODO"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "holds no events"),
    (GOOD + b"BEGIN:VEVENT\r\n", "outside the calendar"),
    (GOOD.replace(b"END:VEVENT", b"END:VTODO"), "ends a VTODO while the VEVENT"),
])
def test_bad_files_get_a_sentence_and_save_nothing(store, tmp_path, data, sentence):
    with pytest.raises(InvitationFileError) as raised:
        parse_invitations(data, user_zone=BERLIN)
    assert sentence in raised.value.message
    assert raised.value.message.endswith("Nothing was imported.") or \
        "Nothing was imported" in raised.value.message
    path = tmp_path / "bad.ics"
    path.write_bytes(data)
    before = table_dump(store.db)
    report = run_import(store, path)
    assert report.failed_files == 1 and not report.ok
    assert sentence in report.text()
    assert table_dump(store.db) == before


def test_files_over_20_mb_are_refused_before_reading(store, tmp_path):
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as handle:
        handle.truncate(ics_import.MAX_FILE_BYTES + 1)
    report = run_import(store, huge)
    assert report.failed_files == 1
    assert "20.0 MB" in report.text() and "over 20 MB are not read" in report.text()
    with pytest.raises(InvitationFileError, match="over 20 MB"):
        parse_invitations(b"x" * (ics_import.MAX_FILE_BYTES + 1))


def test_a_missing_file_is_a_sentence(store, tmp_path):
    report = run_import(store, tmp_path / "nope.ics", "zoom_publish.ics")
    assert report.failed_files == 1 and report.created == 1
    assert "nope.ics: the file could not be read" in report.text()


def test_windows_1252_text_is_read(store, tmp_path):
    data = GOOD.decode("utf-8").replace("José", "Jos\u00e9").encode("cp1252", "replace")
    parsed = parse_invitations(data, own_addresses=[ME], user_zone=BERLIN)
    assert parsed.events[0].people[1].name == "José Núñez"
    assert parsed.notes == ("The file was not UTF-8; it was read as Windows-1252 text.",)


def _many_events(target_bytes: int) -> bytes:
    head = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Talent Scheduler//EN\r\n"
            "METHOD:PUBLISH\r\n")
    event = (
        "BEGIN:VEVENT\r\nUID:bulk-{n}@talent-scheduler.example\r\nDTSTAMP:20240601T120000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:202407{day:02d}T{hour:02d}0000\r\n"
        "DTEND;TZID=Europe/Berlin:202407{day:02d}T{hour:02d}4500\r\n"
        "SUMMARY:Interview {n} – Bulk Company {company}\r\n"
        "ORGANIZER;CN=Recruiter {company}:mailto:talent@bulk{company}.example\r\n"
        "ATTENDEE;CN=Interviewer {n};ROLE=REQ-PARTICIPANT:mailto:person{n}@bulk{company}.example"
        "\r\nDESCRIPTION:We look forward to meeting you. Please bring examples of your work\\, "
        "and join a few minutes early.\\nhttps://meet.example.com/bulk-{n}\r\n"
        "LOCATION:Office {company}\\, Main Street 1\r\nSEQUENCE:0\r\nEND:VEVENT\r\n")
    parts = [head]
    size = len(head)
    n = 0
    while size < target_bytes:
        text = event.format(n=n, day=1 + n % 28, hour=8 + n % 10, company=n % 50)
        parts.append(text)
        size += len(text.encode("utf-8"))
        n += 1
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode("utf-8")


@pytest.mark.slow
def test_ten_megabytes_of_events_import_cleanly(store, tmp_path):
    from models.interview import InterviewRound

    data = _many_events(10 * 1024 * 1024)
    path = tmp_path / "bulk.ics"
    path.write_bytes(data)
    started = time.perf_counter()
    parsed = parse_invitations(data, user_zone=BERLIN)
    parse_seconds = time.perf_counter() - started
    count = len(parsed.events)
    started = time.perf_counter()
    report = run_import(store, path)
    seconds = time.perf_counter() - started
    assert report.ok and report.created == count
    assert InterviewRound.select().count() == count
    assert report.applications_created == 50  # one per sender's domain
    print(f"\n10 MB: {count} events; parse {parse_seconds:.2f} s, import {seconds:.2f} s")
    # Speed is a benchmark's business (make bench), not a unit test's: only printed here.


# -- mutations of a good file: a clear error or a clean import ---------------------------------

SEEDS = [read(name) for name in ("google_request.ics", "outlook_teams_request.ics",
                                 "several_events.ics", "apple_floating.ics")]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    lines = bytes(data).split(b"\r\n")
    action = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert", "flip",
                                   "unfold", "garble"]))
    at = draw(st.integers(0, max(0, len(lines) - 1)))
    if action == "delete":
        del lines[at]
    elif action == "duplicate":
        lines.insert(at, lines[at])
    elif action == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[at], lines[other] = lines[other], lines[at]
    elif action == "truncate":
        return bytes(data[: draw(st.integers(0, len(data)))])
    elif action == "insert":
        lines.insert(at, draw(st.binary(max_size=40)))
    elif action == "flip":
        raw = bytearray(b"\r\n".join(lines))
        position = draw(st.integers(0, len(raw) - 1))
        raw[position] = draw(st.integers(0, 255))
        return bytes(raw)
    elif action == "unfold":
        return bytes(data).replace(b"\r\n ", b"\r\n", draw(st.integers(1, 3)))
    else:
        lines[at] = draw(st.text(max_size=60)).encode("utf-8", "surrogatepass")
    return b"\r\n".join(lines)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_files_give_a_clear_error_or_a_clean_import(store, tmp_path, data):
    from models.interview import InterviewRound

    path = tmp_path / "mutated.ics"
    path.write_bytes(data)
    with store.db.atomic() as outer:
        before = table_dump(store.db)
        try:
            parsed = parse_invitations(data, own_addresses=[ME], user_zone=BERLIN)
        except InvitationFileError as problem:
            parsed = None
            assert problem.message.endswith(".")
        report = run_import(store, path, valid_only=True)
        after = table_dump(store.db)
        if parsed is None or not parsed.events:  # nothing usable: the file is refused
            assert report.failed_files == 1
            assert after == before
        else:
            assert report.failed_files == 0, report.text()
            assert report.rejected == len(parsed.rejected)
            created = InterviewRound.select().count() - len(before["interview_round"])
            assert created == report.created
            assert report.created + report.updated + report.unchanged + report.cancelled + \
                report.skipped == len(parsed.events)
        outer.rollback()


def test_date_helpers():
    assert ics_import._duration_minutes("PT1H30M") == 90
    assert ics_import._duration_minutes("P1DT2H") == 26 * 60
    assert ics_import._duration_minutes("-PT15M") == -15
    assert ics_import._duration_minutes("P") is None
    assert ics_import._company_from_domain("careers.lumen-analytics.co.uk") == "Lumen Analytics"
    assert ics_import._company_from_domain("mail.northwind.example") == "Northwind"
    assert date(2024, 1, 1)
