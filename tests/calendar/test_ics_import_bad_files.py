"""Invitation import (services.calendar.ics_import) of bad files: a sentence for each kind of damage
and nothing saved, size limits, legacy encodings, and mutated good files (a property)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.interview import InterviewRound
from services.calendar.ics_reader import InvitationFileError
from services.calendar.invitations import MAX_FILE_BYTES, parse_invitations
from tests.calendar.ics_import_support import BERLIN, ME, read, run_import, table_dump

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
        handle.truncate(MAX_FILE_BYTES + 1)
    report = run_import(store, huge)
    assert report.failed_files == 1
    assert "20.0 MB" in report.text() and "over 20 MB are not read" in report.text()
    with pytest.raises(InvitationFileError, match="over 20 MB"):
        parse_invitations(b"x" * (MAX_FILE_BYTES + 1))


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
