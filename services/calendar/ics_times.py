"""When an invitation's event happens: its start as a UTC instant, the zone it keeps, and its
length.

:mod:`services.calendar.invitations` calls :func:`event_time` for each event,
with the :class:`FileZones` of its file; an event whose time cannot be known
raises :class:`EventRejected` with the reason.

Time
----

``TZID`` may be an IANA name (Google, Apple, Zoom), a Windows name such as
"W. Europe Standard Time" or "Eastern Standard Time" (Outlook and Teams), an
Outlook display name such as "(UTC+01:00) Amsterdam, Berlin, …" (both mapped
by :mod:`services.calendar.ics_zones`), or a custom zone defined by the file's
own ``VTIMEZONE`` (converted with icalendar). Times in UTC (``Z``) are exact.
A time without a zone ("floating") is read in the user's zone, and the report
says so. An all-day event starts at midnight in the user's zone and lasts the
day (the report says to set the real time). Wall-clock times follow
:func:`services.calendar.entry_types.to_instant` (a time in a spring-forward
gap moves forward by the gap; a repeated autumn time is its first occurrence).
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import UTC, date, datetime, time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Calendar

from services.applications.validation import MAX_DURATION_MINUTES
from services.calendar.entry_types import to_instant
from services.calendar.ics_reader import Component, Property, shown
from services.calendar.ics_zones import matching_zone, resolve_zone

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_DURATION_MINUTES",
    "EventRejected",
    "EventTime",
    "FileZones",
    "TimeValue",
    "event_time",
    "parse_duration",
    "parse_time",
]

#: Length assumed when an event gives no end and no duration.
DEFAULT_DURATION_MINUTES = 60

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})\Z")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)\Z", re.IGNORECASE)
_DURATION = re.compile(
    r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z", re.IGNORECASE)


class EventRejected(Exception):
    """An event cannot be used; the message is the reason (a sentence)."""


class TimeValue(NamedTuple):
    """A DTSTART or DTEND as read: the instant, the zone kept, and a note for the report."""

    instant: datetime
    tz_name: str
    all_day: bool
    floating: bool
    day: date | None  # for an all-day value
    note: str | None


class EventTime(NamedTuple):
    """When an event happens: ``starts_at`` (None only for a cancellation without a time),
    the zone kept, its length in minutes, and notes for the report."""

    starts_at: datetime | None
    tz_name: str
    all_day: bool
    duration_minutes: int
    notes: tuple[str, ...]


class FileZones:
    """What the events of one file share: zones, the user's zone, custom VTIMEZONEs."""

    def __init__(self, user_zone: ZoneInfo, calendar: Component) -> None:
        self.user_zone = user_zone
        self.custom: dict[str, Component] = {
            (c.first("TZID").value.strip() if c.first("TZID") else ""): c
            for c in calendar.children if c.name == "VTIMEZONE"
        }
        self.custom_tz: dict[str, object] = {}
        wr = calendar.first("X-WR-TIMEZONE")
        self.calendar_zone = resolve_zone(wr.value) if wr else None

    def custom_zone(self, tzid: str):
        """The tzinfo of a VTIMEZONE defined in the file (icalendar), or None."""
        if tzid in self.custom_tz:
            return self.custom_tz[tzid]
        component = self.custom.get(tzid)
        tz = None
        if component is not None and component.text:
            # The kept lines run from BEGIN:VTIMEZONE to just before its END.
            text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                    + "\r\n".join(component.text) + "\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    parsed = Calendar.from_ical(text)
                    found = parsed.walk("VTIMEZONE")
                    tz = found[0].to_tz() if found else None
            except Exception as exc:  # icalendar raises many kinds on odd definitions
                log.info("could not read the VTIMEZONE %r: %s", tzid, exc)
                tz = None
        self.custom_tz[tzid] = tz
        return tz


def event_time(event: Component, zones: FileZones, cancelled: bool) -> EventTime:
    """When ``event`` happens and for how long (DTSTART, then DTEND or DURATION)."""
    start_prop = event.first("DTSTART")
    if start_prop is None:
        if not cancelled:
            raise EventRejected("it has no start time (DTSTART), so it is not an appointment.")
        return EventTime(None, zones.user_zone.key, False, DEFAULT_DURATION_MINUTES, ())
    start = parse_time(start_prop, "start", zones)
    notes = [start.note] if start.note else []
    minutes = _given_minutes(event, start, zones)
    if start.all_day:
        if minutes is None:
            minutes = 24 * 60
        notes.append("It is an all-day event, so the interview was put at the start of "
                     f"that day in {start.tz_name}; set the real time in the editor.")
    duration = _kept_minutes(minutes, notes)
    return EventTime(start.instant, start.tz_name, start.all_day, duration, tuple(notes))


def _given_minutes(event: Component, start: TimeValue, zones: FileZones) -> int | None:
    """The length the event gives by its end or its duration (None: neither)."""
    end_prop, duration_prop = event.first("DTEND"), event.first("DURATION")
    if end_prop is not None:
        end = parse_time(end_prop, "end", zones)
        if start.all_day and end.all_day:
            minutes = (end.day - start.day).days * 24 * 60
        else:
            minutes = int((end.instant - start.instant).total_seconds() // 60)
        if minutes < 0:
            raise EventRejected("it ends before it starts.")
        return minutes
    if duration_prop is not None:
        minutes = parse_duration(duration_prop.value)
        if minutes is None:
            raise EventRejected(f"its duration {shown(duration_prop.value)} is not a duration.")
        if minutes < 0:
            raise EventRejected("its duration is negative.")
        return minutes
    return None


def _kept_minutes(minutes: int | None, notes: list[str]) -> int:
    """The length kept for the round (a note in ``notes`` when it is not the one given)."""
    if minutes is None:
        notes.append(f"No end or length was given, so {DEFAULT_DURATION_MINUTES} minutes "
                     "were assumed.")
        minutes = DEFAULT_DURATION_MINUTES
    elif minutes == 0:
        notes.append(f"It ends when it starts, so {DEFAULT_DURATION_MINUTES} minutes were "
                     "assumed.")
        minutes = DEFAULT_DURATION_MINUTES
    if minutes > MAX_DURATION_MINUTES:
        notes.append("It lasts more than a day; the interview was kept at 24 hours.")
        minutes = MAX_DURATION_MINUTES
    return max(1, minutes)


def parse_time(prop: Property, what: str, zones: FileZones) -> TimeValue:
    """A DATE or DATE-TIME value (``what``: "start" or "end", for the reason of a rejection)."""
    value = prop.value.strip()
    if prop.params.get("VALUE", "").upper() == "DATE" or _DATE.match(value):
        return _date_value(value, what, zones)
    match = _DATE_TIME.match(value)
    if not match:
        raise EventRejected(f"its {what} {shown(value)} is not a date and time.")
    try:
        local = datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]),
                         int(match[5]), min(int(match[6]), 59))
    except ValueError:
        raise EventRejected(f"its {what} {shown(value)} is not a real date and time.") from None
    _check_year(local.year, what, value)
    if match[7]:
        zone = zones.calendar_zone or zones.user_zone
        return TimeValue(local.replace(tzinfo=UTC), zone.key, False, False, None, None)
    tzid = prop.params.get("TZID")
    if tzid is None:
        instant = to_instant(local, zones.user_zone)
        return TimeValue(instant, zones.user_zone.key, False, True, None,
                         f"The time has no time zone (a “floating” time), so it was read as "
                         f"{zones.user_zone.key} time, your zone.")
    zone = resolve_zone(tzid)
    if zone is not None:
        return TimeValue(to_instant(local, zone), zone.key, False, False, None, None)
    return _custom_zone_time(local, tzid, zones)


def _date_value(value: str, what: str, zones: FileZones) -> TimeValue:
    """An all-day value: midnight in the user's zone."""
    match = _DATE.match(value)
    if not match:
        raise EventRejected(f"its {what} {shown(value)} is not a date.")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise EventRejected(f"its {what} {shown(value)} is not a real date.") from None
    _check_year(day.year, what, value)
    instant = to_instant(datetime.combine(day, time()), zones.user_zone)
    return TimeValue(instant, zones.user_zone.key, True, False, day, None)


def _custom_zone_time(local: datetime, tzid: str, zones: FileZones) -> TimeValue:
    """A wall-clock time in a zone the file defines itself (a VTIMEZONE)."""
    custom = zones.custom_zone(tzid.strip())
    if custom is None:
        raise EventRejected(
            f"its time zone {shown(tzid)} is neither a zone this computer knows nor defined "
            "in the file, so the time of the interview cannot be known. Ask the sender for "
            "the invitation again, or add the interview by hand."
        )
    try:
        instant = local.replace(tzinfo=custom).astimezone(UTC)
    except Exception:  # a custom definition icalendar could read but not apply
        raise EventRejected(f"its time zone {shown(tzid)} is defined in a way that cannot be "
                            "used.") from None
    zone = matching_zone(instant, custom, zones.user_zone)
    return TimeValue(instant, zone.key, False, False, None,
                     f"The time zone {shown(tzid)} is the file's own definition; the time was "
                     f"converted with it and is kept as {zone.key} time.")


def _check_year(year: int, what: str, value: str) -> None:
    if not 1900 <= year <= 2200:
        raise EventRejected(
            f"its {what} {shown(value)} is not a plausible date for an interview.")


def parse_duration(text: str) -> int | None:
    """The minutes of an iCalendar DURATION (``PT1H30M`` → 90; negative when it starts with
    ``-``), or None when ``text`` is not one."""
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()[1:]):
        return None
    weeks, days, hours, minutes, seconds = (int(x or 0) for x in match.groups()[1:])
    total = ((weeks * 7 + days) * 24 * 60 + hours * 60 + minutes) * 60 + seconds
    if match[1] == "-":
        total = -total
    return total // 60
