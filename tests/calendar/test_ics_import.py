"""Invitation import (services.calendar.ics_import): the shapes each calendar client sends, and
their time zones.

Updates are in test_ics_import_updates.py, the application an invitation goes to in
test_ics_import_matching.py, bad files in test_ics_import_bad_files.py, the zone names in
test_ics_zones.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.application import Application
from services.calendar.entry_types import Person
from services.calendar.ics_times import parse_duration
from services.calendar.invitation_matching import company_from_domain
from tests.calendar.ics_import_support import (
    DATA,
    interviewers,
    parse,
    read,
    rounds_by_ical_uid,
    run_import,
)

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
    assert event.people == (Person("Rachel Kim", "rachel.kim@quill-ledger.example"),)


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
    assert event.people == (Person("Ines Moreau", "ines.moreau@kestrel-robotics.example"),)


def test_apple_floating_time_is_read_in_the_users_zone():
    (event,) = parse("apple_floating.ics").events
    assert event.starts_at == datetime(2024, 6, 20, 7, 30, tzinfo=UTC)  # 09:30 in Berlin
    assert event.tz_name == "Europe/Berlin"
    assert any("floating" in note and "Europe/Berlin" in note for note in event.notes)
    # The user organised it: only Greta is an interviewer.
    assert event.people == (Person("Greta Lindqvist", "greta.lindqvist@northwind.example"),)
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


# -- every sample file ------------------------------------------------------------------------


def test_every_sample_file_imports(store):
    names = sorted(path.name for path in DATA.glob("*.ics"))
    report = run_import(store, *names, valid_only=True)
    assert report.failed_files == 0
    assert report.rejected == 3  # the three bad events of several_events.ics
    assert report.created >= 10


# -- helpers ---------------------------------------------------------------------------------


def test_date_helpers():
    assert parse_duration("PT1H30M") == 90
    assert parse_duration("P1DT2H") == 26 * 60
    assert parse_duration("-PT15M") == -15
    assert parse_duration("P") is None
    assert company_from_domain("careers.lumen-analytics.co.uk") == "Lumen Analytics"
    assert company_from_domain("mail.northwind.example") == "Northwind"
    assert date(2024, 1, 1)
