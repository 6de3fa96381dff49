"""Writing calendar entries as an iCalendar (.ics) file that calendar programs import cleanly.

What the file holds (RFC 5545, checked against Google Calendar, Outlook,
Apple Calendar and Thunderbird's expectations):

* ``VCALENDAR`` with ``VERSION:2.0``, ``PRODID:-//Next Steps//EN``,
  ``CALSCALE:GREGORIAN`` and ``METHOD:PUBLISH`` (a copy of dates, not an
  invitation: nobody is asked to answer);
* one ``VEVENT`` per entry (not ``VTODO``: Google Calendar drops those) with
  a ``UID`` derived from the source row's uid (``interview-<round uid>@nextsteps``,
  never random, so importing a newer file updates instead of duplicating),
  ``SEQUENCE`` (see :mod:`services.calendar.entry_types`) and ``DTSTAMP`` (the
  moment of export, which breaks SEQUENCE ties);
* timed entries as ``DTSTART;TZID=<zone>`` in the zone they were set in, with a
  ``VTIMEZONE`` for every zone used (generated from the zoneinfo database by
  ``icalendar.Timezone.from_tzinfo`` for the years the entries span); UTC
  entries, and the second occurrence of a repeated autumn hour (which a
  local time with TZID cannot name), are written in UTC (``…Z``);
* all-day entries as ``VALUE=DATE`` with the following day as ``DTEND``;
* ``SUMMARY`` (what to do, and for which company), ``DESCRIPTION`` (the
  details), ``CATEGORIES`` (the kind), ``TRANSP`` (interviews block time,
  deadlines and reminders do not), ``LOCATION``/``URL`` and one ``ATTENDEE``
  (``CN``, ``mailto:``) per interviewer with an address for interviews;
* a ``VALARM`` (``ACTION:DISPLAY``, ``TRIGGER:-PT…``) wherever a reminder
  applies; an all-day follow-up's alarm is at 9:00 on its day (``TRIGGER:PT9H``).

Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
character. The events are written directly (icalendar's object model takes
about 25 s for 50,000 events); tests parse the output back with icalendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models import clock
from services.calendar.entries import upcoming
from services.calendar.entry_types import CalendarEntry, EntryKind
from services.core import connection
from services.core.atomic import write_bytes_atomic
from services.core.instants import zone_of

__all__ = [
    "PRODID",
    "ExportSummary",
    "export_entries",
    "export_entry",
    "export_file",
    "summarize",
]

PRODID = "-//Next Steps//EN"
CALENDAR_NAME = "Next Steps"
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT",
                        "Etc/GMT", "Universal", "Etc/Universal"})
#: Entries that take up time in the user's day; the others are marked TRANSPARENT.
_BUSY_KINDS = frozenset({EntryKind.INTERVIEW})


# --- Text and lines ---------------------------------------------------------------------------

#: Control characters a TEXT value cannot hold (tab is allowed; line breaks are escaped).
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _text(value: str) -> str:
    """A TEXT value: line breaks as ``\\n``, ``\\ ; ,`` escaped, other controls dropped."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
             .replace("\n", "\\n"))
    return value if value.isprintable() else _CONTROLS.sub("", value)


def _param(value: str) -> str:
    """A quoted parameter value (RFC 6868: ``^`` → ``^^``, ``"`` → ``^'``, newline → ``^n``)."""
    if '"' in value or "^" in value or not value.isprintable():
        value = (value.replace("^", "^^").replace('"', "^'").replace("\r\n", "^n")
                 .replace("\n", "^n").replace("\r", "^n"))
        value = _CONTROLS.sub("", value)
    return f'"{value}"'


def _fold_line(data: bytes) -> bytes:
    pieces = []
    start, limit = 0, 75
    while start < len(data):
        end = start + limit
        if end < len(data):
            # Step back over continuation bytes (10xxxxxx) to a character's first byte.
            while data[end] & 0xC0 == 0x80:
                end -= 1
        pieces.append(data[start:end])
        start, limit = end, 74  # the leading space of a continuation counts
    return b"\r\n ".join(pieces)


def _fold(line: str) -> str:
    """One content line folded at 75 octets (CRLF and a space), never inside a UTF-8
    character. Only lines that can be long go through here; the rest are short by
    construction (property names, dates, numbers)."""
    if len(line) <= 75:
        if line.isascii() or len(line.encode("utf-8")) <= 75:
            return line
    elif line.isascii():
        return "\r\n ".join([line[:75], *(line[at:at + 74] for at in range(75, len(line), 74))])
    return _fold_line(line.encode("utf-8")).decode("utf-8")


def _utc_stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _date_value(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _duration(minutes: int) -> str:
    """An RFC 5545 duration of ``-minutes`` (before the start; negative ``minutes``: after)."""
    sign = "-" if minutes > 0 else ""
    total = abs(int(minutes))
    if total == 0:
        return "PT0S"
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if not rest:
        return f"{sign}P{days}D"
    text = f"{sign}P{days}DT" if days else f"{sign}PT"
    if hours:
        text += f"{hours}H"
    if mins:
        text += f"{mins}M"
    return text


# --- Events -----------------------------------------------------------------------------------


class _Zones:
    """The zones the events use, with the span of dates each needs in its VTIMEZONE."""

    def __init__(self) -> None:
        self.spans: dict[str, list[date]] = {}

    def note(self, name: str, day: date) -> None:
        span = self.spans.get(name)
        if span is None:
            self.spans[name] = [day, day]
        elif day < span[0]:
            span[0] = day
        elif day > span[1]:
            span[1] = day

    def components(self) -> Iterator[str]:
        """The VTIMEZONE text of every zone noted, sorted by name."""
        # icalendar: heavy, loaded only when a zone is written into a file.
        from icalendar import Timezone

        for name in sorted(self.spans):
            first, last = self.spans[name]
            # A year on each side: clients look at the offsets around the events too.
            start = date(max(first.year - 1, 1971), 1, 1)
            end = date(min(last.year + 2, 9998), 1, 1)
            component = Timezone.from_tzinfo(ZoneInfo(name), tzid=name, first_date=start,
                                             last_date=end)
            yield component.to_ical().decode("utf-8").rstrip("\r\n")


def _stamp(when: datetime) -> str:
    """``20240514T140000``: the wall-clock time of ``when`` (isoformat is the quickest)."""
    return when.isoformat()[:19].replace("-", "").replace(":", "")


def _times(entry: CalendarEntry, zones: _Zones) -> str:
    """The DTSTART and DTEND lines of an entry."""
    if entry.all_day:
        return (f"DTSTART;VALUE=DATE:{_date_value(entry.start)}\r\n"
                f"DTEND;VALUE=DATE:{_date_value(entry.end)}")
    zone = zone_of(entry.tz_name) if entry.tz_name else None
    start, end = entry.start, entry.end
    if zone is not None and zone.key not in _UTC_NAMES:
        local_start = start.astimezone(zone)
        local_end = local_start if end == start else end.astimezone(zone)
        # The second 01:30 of an autumn night cannot be named by a local time with TZID
        # (it means the first): such an instant is written in UTC.
        if not local_start.fold and not local_end.fold:
            zones.note(zone.key, local_start.date())
            if local_end.day != local_start.day:
                zones.note(zone.key, local_end.date())
            return (f"DTSTART;TZID={zone.key}:{_stamp(local_start)}\r\n"
                    f"DTEND;TZID={zone.key}:{_stamp(local_end)}")
    return (f"DTSTART:{_stamp(start.astimezone(UTC))}Z\r\n"
            f"DTEND:{_stamp(end.astimezone(UTC))}Z")


def _attendee(person) -> str:
    address = person.email.strip()
    if not address or any(ch in address for ch in ' "<>\r\n;:,'):
        return ""
    name = person.name.strip() or address
    return "\r\n" + _fold(f"ATTENDEE;CN={_param(name)};CUTYPE=INDIVIDUAL;"
                          f"ROLE=REQ-PARTICIPANT:mailto:{address}")


def _event(entry: CalendarEntry, stamp: str, zones: _Zones) -> str:
    """One VEVENT as folded CRLF lines (without the final CRLF)."""
    fold = _fold
    summary = _text(entry.title)
    text = (f"BEGIN:VEVENT\r\n{fold('UID:' + _text(entry.uid))}\r\n"
            f"SEQUENCE:{max(0, int(entry.sequence))}\r\n{stamp}\r\n"
            f"{_times(entry, zones)}\r\n{fold('SUMMARY:' + summary)}")
    if entry.description:
        text += "\r\n" + fold("DESCRIPTION:" + _text(entry.description))
    text += _KIND_LINES[entry.kind]
    if entry.location:
        text += "\r\n" + fold("LOCATION:" + _text(entry.location))
    if entry.url:
        text += "\r\n" + fold("URL:" + _CONTROLS.sub("", entry.url).replace(" ", "%20"))
    for person in entry.attendees:
        text += _attendee(person)
    if entry.alarm_minutes is not None:
        text += (f"\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n{fold('DESCRIPTION:' + summary)}"
                 f"\r\nTRIGGER:{_duration(entry.alarm_minutes)}\r\nEND:VALARM")
    return text + "\r\nEND:VEVENT"


#: CATEGORIES (the kind, in words) and TRANSP (interviews block time, the rest does not).
_KIND_LINES = {
    kind: "\r\n" + _fold(f"CATEGORIES:{_text(kind.label)}")
    + ("\r\nTRANSP:OPAQUE" if kind in _BUSY_KINDS else "\r\nTRANSP:TRANSPARENT")
    for kind in EntryKind
}


def export_entries(entries: Iterable[CalendarEntry], *, now: datetime | None = None) -> bytes:
    """A complete iCalendar file (UTF-8 bytes, CRLF, folded lines) holding ``entries``.

    ``now`` (aware) is the DTSTAMP of every event (default: the current time).
    """
    stamp = f"DTSTAMP:{_utc_stamp(now or clock.now())}"
    zones = _Zones()
    events = [_event(entry, stamp, zones) for entry in entries]
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{CALENDAR_NAME}",
    ]
    parts = ["\r\n".join(head), *zones.components()]
    if events:
        parts.append("\r\n".join(events))
    parts.append("END:VCALENDAR\r\n")
    return "\r\n".join(parts).encode("utf-8")


def export_entry(entry: CalendarEntry, *, now: datetime | None = None) -> bytes:
    """A file holding one entry (the calendar's "Export to calendar file…")."""
    return export_entries([entry], now=now)


def export_file(paths, path: str | Path, *, now: datetime | None = None,
                zone: ZoneInfo | str | None = None) -> int:
    """Write every upcoming entry (:func:`services.calendar.entries.upcoming`) of the data in
    ``paths`` to ``path``, atomically (the old file stays whole until the new one is
    complete); return how many events were written.

    ``zone`` is the user's zone (default: the system's): it decides which
    all-day entries are still upcoming today. Raises ``OSError`` when the file
    cannot be written.
    """

    now = now or clock.now()
    zone = clock.user_zone() if zone is None else zone_of(zone)
    with connection.bound(paths):
        entries = upcoming(now, zone)
    write_bytes_atomic(Path(path), export_entries(entries, now=now))
    return len(entries)


class ExportSummary(NamedTuple):
    """What an exported file holds: events, alarms and the zones of its VTIMEZONEs."""

    events: int
    alarms: int
    zones: tuple[str, ...]
    all_day: int
    by_kind: dict[str, int]

    def sentence(self) -> str:
        """``12 events (3 all-day), 10 alarms, 2 time zones: America/New_York, Europe/Berlin``."""
        zones = ", ".join(self.zones) if self.zones else "none (UTC and all-day only)"
        return (f"{self.events} event{'s' if self.events != 1 else ''} "
                f"({self.all_day} all-day), {self.alarms} alarm{'s' if self.alarms != 1 else ''}, "
                f"{len(self.zones)} time zone{'s' if len(self.zones) != 1 else ''}: {zones}")


def summarize(data: bytes) -> ExportSummary:
    """Count what a file written by :func:`export_entries` holds (for reports and tests)."""
    events = alarms = all_day = 0
    zones: list[str] = []
    by_kind: dict[str, int] = {}
    for raw in data.decode("utf-8").replace("\r\n ", "").split("\r\n"):
        if raw == "BEGIN:VEVENT":
            events += 1
        elif raw == "BEGIN:VALARM":
            alarms += 1
        elif raw.startswith("DTSTART;VALUE=DATE:"):
            all_day += 1
        elif raw.startswith("TZID:"):
            zones.append(raw[5:])
        elif raw.startswith("CATEGORIES:"):
            by_kind[raw[11:]] = by_kind.get(raw[11:], 0) + 1
    return ExportSummary(events, alarms, tuple(zones), all_day, by_kind)
