"""Unfolding iCalendar lines (services.calendar.ics_unfold): every kind of folded line,
in linear time.

Speed is measured by ``make bench`` (ics_unfold_800k_lines_s); these tests check what the
lines become.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.calendar.ics_reader import InvitationFileError
from services.calendar.ics_unfold import FoldingError, unfold
from services.calendar.invitations import parse_invitations


def reference_unfold(text: str) -> list[tuple[int, str]]:
    """The reader's earlier unfolding (one string copy per continuation), kept as the
    definition of what the lines must be."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.endswith("\r"):
            raw = raw[:-1]
        if not raw.strip():
            continue
        if raw[:1] in (" ", "\t"):
            if not lines:
                raise FoldingError("starts with a continued line")
            previous_number, previous = lines[-1]
            lines[-1] = (previous_number, previous + raw[1:])
        else:
            lines.append((number, raw))
    return lines


@pytest.mark.parametrize(("text", "expected"), [
    ("A:1\r\nB:2\r\n", [(1, "A:1"), (2, "B:2")]),
    ("A:1\nB:2", [(1, "A:1"), (2, "B:2")]),  # bare line feeds, no final newline
    ("DESCRIPTION:one\r\n two\r\n three\r\n", [(1, "DESCRIPTION:onetwothree")]),
    ("DESCRIPTION:one\r\n\ttab\r\n", [(1, "DESCRIPTION:onetab")]),
    ("A:x\r\n  two spaces\r\n", [(1, "A:x two spaces")]),  # only the first space goes
    ("DESCRI\r\n PTION:folded name\r\n", [(1, "DESCRIPTION:folded name")]),
    ('ATTENDEE;CN="Okafor,\r\n  Hannah":mailto:h@x\r\n',
     [(1, 'ATTENDEE;CN="Okafor, Hannah":mailto:h@x')]),
    ("A:1\r\n\r\n\r\nB:2\r\n", [(1, "A:1"), (4, "B:2")]),  # blank lines are left out
    ("A:1\r\n \r\n\t\r\n x\r\n", [(1, "A:1x")]),  # white continuations add nothing
    ("A:1\r\n\r\n more\r\n", [(1, "A:1more")]),  # a blank line does not end the line
    ("SUMMARY:Caf\r\n é – Zürich\r\n", [(1, "SUMMARY:Café – Zürich")]),
    ("A:x\r\r\n", [(1, "A:x\r")]),  # only one CR belongs to the line end
    ("", []),
    ("\r\n\r\n", []),
])
def test_every_kind_of_folded_line(text, expected):
    assert unfold(text) == expected
    assert reference_unfold(text) == expected


def test_a_file_starting_with_a_continuation_is_refused():
    with pytest.raises(FoldingError):
        unfold("\r\n continued\r\nA:1\r\n")
    with pytest.raises(InvitationFileError, match="starts with a continued line"):
        parse_invitations(b" BEGIN:VCALENDAR\r\n", user_zone="Europe/Berlin")


LINE_PIECES = st.lists(st.sampled_from(
    ["A:1", "DESCRIPTION:x", " cont", "\tcont", " ", "", "\r", "B;X=\"a:b\":c", "  two",
     "é:ü", "\t", "C:\r"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(pieces=LINE_PIECES, newline=st.sampled_from(["\r\n", "\n"]))
def test_same_lines_as_the_earlier_unfolding(pieces, newline):
    text = newline.join(pieces)
    try:
        expected = reference_unfold(text)
    except FoldingError:
        with pytest.raises(FoldingError):
            unfold(text)
        return
    assert unfold(text) == expected


def test_progress_is_reported_while_unfolding():
    seen: list[tuple[int, int]] = []
    text = "A:1\r\n" + "\r\n".join(" x" for _ in range(9)) + "\r\n"
    lines = unfold(text, progress=lambda done, total: seen.append((done, total)), every=4)
    assert lines == [(1, "A:1" + "x" * 9)]
    assert seen == [(4, 11), (8, 11)]


def test_a_description_folded_two_hundred_thousand_times_is_read_whole():
    pieces = [f" {n:07d}" for n in range(200_000)]
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n"
            "UID:fold@x.example\r\nDTSTART:20240522T090000Z\r\nSUMMARY:Interview\r\n"
            "DESCRIPTION:start\r\n" + "\r\n".join(pieces)
            + "\r\nLOCATION:https://https://https://zoom.us/j/1\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n").encode()
    parsed = parse_invitations(data, user_zone="Europe/Berlin")
    (event,) = parsed.events
    assert event.description.startswith("start" + "0000000" + "0000001" + "0000002")
    assert len(event.description) == 20_000  # kept to its limit
    assert event.video_link == "https://https://https://zoom.us/j/1"
