"""Invitation import (services.calendar.ics_import) of invitations seen before: updates,
cancellations, older copies, and files with several events, some unusable."""

from __future__ import annotations

from datetime import UTC, datetime

from models.interview import Interviewer, InterviewRound
from tests.calendar.ics_import_support import (
    interviewers,
    parse,
    read,
    rounds_by_ical_uid,
    run_import,
    table_dump,
)


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
