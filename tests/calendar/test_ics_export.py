"""iCalendar export (services.calendar.ics_export): every field, time zones, alarms, round trips."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from models import clock
from models.values import Stage
from services.calendar import entries as ce
from services.calendar import ics_export, ics_import
from services.calendar.entry_types import EntryKind

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 5, 15, 10, 0, tzinfo=UTC)


def make_app(company="Lumen Analytics", **extra):
    from models.application import Application

    extra.setdefault("stage", Stage.AWAITING_RESPONSE.value)
    return Application.create(company=company, role="Data Engineer", **extra)


def make_round(app, starts_at, *, zone="Europe/Berlin", people=(), **extra):
    from models.interview import Interviewer, InterviewRound

    rnd = InterviewRound.create(application=app, title=extra.pop("title", "Technical interview"),
                                starts_at=starts_at, tz_name=zone, **extra)
    for position, (name, email) in enumerate(people):
        Interviewer.create(round=rnd, position=position, name=name, email=email)
    return rnd


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events_by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def table_dump(db) -> dict[str, list[tuple]]:
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {table: db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in tables}


@pytest.fixture
def sample(store):
    """One application with every kind of entry, in three zones."""
    from models.application import Offer
    from models.reminder import Reminder

    app = make_app(contact_email="mira@lumen.example")
    rnd = make_round(app, datetime(2024, 5, 14, 12, tzinfo=UTC), duration_minutes=90,
                     people=[("José Núñez", "jose@lumen.example"),
                             ('Priya "PR" Raman; Staff', "priya@lumen.example"),
                             ("No Address", "")],
                     video_link="https://meet.example.com/abc-defg",
                     location="Oranienstraße 24, Berlin; 3rd floor",
                     timeframe_value=5, timeframe_unit="business_days", asked_timeframe=True)
    ny = make_round(app, datetime(2024, 5, 20, 20, tzinfo=UTC), zone="America/New_York",
                    title="Hiring manager call")
    Offer.create(application=app, deadline_at=datetime(2024, 5, 24, 15, tzinfo=UTC),
                 deadline_tz="Asia/Tokyo")
    Reminder.create(key="custom:x", kind="custom", custom=True, application=app,
                    due_at=datetime(2024, 5, 18, 16, tzinfo=UTC), text="Prepare questions")
    return app, rnd, ny


def test_every_field_of_every_kind(sample):
    app, rnd, _ny = sample
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    assert {entry.kind for entry in entries} == set(EntryKind)
    data = ics_export.export_entries(entries, now=NOW)
    calendar = parse(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Next Steps//EN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.walk("VTODO") == []
    events = events_by_uid(calendar)
    assert len(events) == len(entries)
    zones_defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    for entry in entries:
        event = events[entry.uid]
        assert int(event["SEQUENCE"]) == entry.sequence
        assert event.decoded("DTSTAMP") == NOW
        assert str(event["SUMMARY"]) == entry.title
        assert str(event["DESCRIPTION"]) == entry.description
        assert str(event["CATEGORIES"].cats[0]) == entry.kind.label
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if entry.all_day:
            assert event["DTSTART"].params["VALUE"] == "DATE"
            assert (start, end) == (entry.start, entry.end)
            assert str(event["TRANSP"]) == "TRANSPARENT"
        else:
            assert start == entry.start and end == entry.end  # the same instants
            tzid = event["DTSTART"].params.get("TZID")
            assert tzid == entry.tz_name
            assert tzid in zones_defined  # a VTIMEZONE for each zone used
        alarms = event.walk("VALARM")
        if entry.alarm_minutes is None:
            assert alarms == []
        else:
            (alarm,) = alarms
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert alarm.decoded("TRIGGER") == -timedelta(minutes=entry.alarm_minutes)
    interview = events[f"interview-{rnd.uid}@nextsteps"]
    assert str(interview["LOCATION"]) == "Oranienstraße 24, Berlin; 3rd floor"
    assert str(interview["URL"]) == "https://meet.example.com/abc-defg"
    assert str(interview["TRANSP"]) == "OPAQUE"
    attendees = interview.get("ATTENDEE")
    assert [str(a) for a in attendees] == ["mailto:jose@lumen.example",
                                           "mailto:priya@lumen.example"]
    assert [a.params["CN"] for a in attendees] == ["José Núñez", 'Priya "PR" Raman; Staff']
    assert interview.decoded("DTSTART").tzinfo is not None
    assert zones_defined == {"Europe/Berlin", "America/New_York", "Asia/Tokyo"}
    follow = events[f"follow_up-{app.uid}@nextsteps"]
    assert follow.walk("VALARM")[0].decoded("TRIGGER") == timedelta(hours=9)
    thanks = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("thank_you")]
    assert thanks[0].walk("VALARM")[0].decoded("TRIGGER") == -timedelta(hours=22)


def test_lines_are_crlf_and_folded_at_75_octets(sample):
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    data = ics_export.export_entries(entries, now=NOW)
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something long was folded
    for line in lines:
        line.decode("utf-8")  # never split inside a character


def test_uids_are_stable_across_exports_and_sequence_follows_changes(sample):
    _app, rnd, _ny = sample
    first = events_by_uid(parse(ics_export.export_entries(
        ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN), now=NOW)))
    later = NOW + timedelta(days=1)
    second = events_by_uid(parse(ics_export.export_entries(
        ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN), now=later)))
    assert first.keys() == second.keys()
    uid = f"interview-{rnd.uid}@nextsteps"
    assert int(first[uid]["SEQUENCE"]) == int(second[uid]["SEQUENCE"])
    assert second[uid].decoded("DTSTAMP") > first[uid].decoded("DTSTAMP")
    rnd.starts_at = datetime(2024, 5, 14, 13, tzinfo=UTC)
    rnd.updated_at = clock.now() + timedelta(minutes=5)
    rnd.save()
    third = events_by_uid(parse(ics_export.export_entries(
        ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN), now=later)))
    assert int(third[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])
    assert third[uid].decoded("DTSTART") == datetime(2024, 5, 14, 13, tzinfo=UTC)


def test_the_second_of_two_repeated_hours_is_written_in_utc(store):
    app = make_app()
    second_half_past_one = datetime(2024, 11, 3, 6, 30, tzinfo=UTC)  # 01:30 EST, after 01:30 EDT
    make_round(app, second_half_past_one, zone="America/New_York", duration_minutes=30)
    make_round(app, datetime(2024, 11, 3, 5, 30, tzinfo=UTC), zone="America/New_York",
               duration_minutes=30, title="First")
    entries = ce.entries_for_day(date(2024, 11, 3), NOW, ZoneInfo("America/New_York"))
    calendar = parse(ics_export.export_entries(entries, now=NOW))
    starts = sorted(event.decoded("DTSTART") for event in calendar.walk("VEVENT")
                    if str(event["UID"]).startswith("interview"))
    assert starts == [datetime(2024, 11, 3, 5, 30, tzinfo=UTC), second_half_past_one]


def test_export_entry_holds_one_event(sample):
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    calendar = parse(ics_export.export_entry(entries[0], now=NOW))
    assert len(calendar.walk("VEVENT")) == 1


def test_export_file_writes_the_upcoming_entries_atomically(sample, store, tmp_path):
    target = tmp_path / "out" / "calendar.ics"
    count = ics_export.export_file(store.paths, target, now=NOW, zone=BERLIN)
    upcoming = ce.upcoming(NOW, BERLIN)
    assert count == len(upcoming) > 0
    summary = ics_export.summarize(target.read_bytes())
    assert summary.events == count
    assert summary.alarms == sum(1 for e in upcoming if e.alarm_minutes is not None)
    assert "event" in summary.sentence()
    # Writing again replaces the file whole; no temporary files are left behind.
    target.write_bytes(b"old")
    ics_export.export_file(store.paths, target, now=NOW, zone=BERLIN)
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert sorted(os.listdir(target.parent)) == ["calendar.ics"]


def test_export_file_opens_the_data_when_nothing_is_open(data_paths, tmp_path):
    from models import database
    from services.core.store import open_store
    from services.data import demo

    store = open_store(data_paths)
    demo.fill_demo()
    store.close()
    database.close()
    target = tmp_path / "demo.ics"
    count = ics_export.export_file(data_paths, target)
    assert count > 5
    calendar = parse(target.read_bytes())
    assert len(calendar.walk("VEVENT")) == count
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} >= {"Europe/Berlin"}


def test_an_unwritable_target_raises(sample, store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError):
        ics_export.export_file(store.paths, blocker / "sub" / "calendar.ics", now=NOW)


def test_round_trip_import_of_an_export_duplicates_nothing(sample, store, tmp_path):
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    target = tmp_path / "export.ics"
    target.write_bytes(ics_export.export_entries(entries, now=NOW))
    before = table_dump(store.db)
    report = ics_import.import_files(store.paths, [target], user_zone=BERLIN, now=NOW)
    assert report.created == 0 and report.updated == 0 and report.rejected == 0
    interviews = sum(1 for e in entries if e.kind == EntryKind.INTERVIEW)
    assert report.unchanged == interviews
    assert report.skipped == len(entries) - interviews
    assert table_dump(store.db) == before
    assert "nothing to import" in report.text()


def test_round_trip_restores_a_deleted_interview_once(sample, store, tmp_path):
    from models.interview import InterviewRound

    _app, rnd, _ny = sample
    entries = [e for e in ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
               if e.kind == EntryKind.INTERVIEW and e.round_id == rnd.id]
    target = tmp_path / "one.ics"
    target.write_bytes(ics_export.export_entries(entries, now=NOW))
    rnd.delete_instance(recursive=True)
    count = InterviewRound.select().count()
    for _ in range(2):
        report = ics_import.import_files(store.paths, [target], user_zone=BERLIN, now=NOW)
    assert InterviewRound.select().count() == count + 1
    back = InterviewRound.get(InterviewRound.ical_uid == entries[0].uid)
    assert back.starts_at == entries[0].start
    assert back.tz_name == "Europe/Berlin"
    assert sorted(p.email for p in back.interviewers) == ["jose@lumen.example",
                                                         "priya@lumen.example"]
    assert report.unchanged == 1
