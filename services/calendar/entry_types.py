"""The dated entries of the calendar as values: :class:`EntryKind`, :class:`Person`,
:class:`CalendarEntry`, and the small helpers for their time and text.

The rest of the app reads these types (the calendar view, the export, the
reminders) and calls :func:`to_instant`, :func:`day_text` and :func:`role_at`.
The entries themselves are made by :mod:`services.calendar.entry_rules` and read
by :mod:`services.calendar.entries`.

Time
----

Instants are UTC; each timed entry keeps the zone it was set in
(``tz_name``) and is *shown* in the viewer's zone: its day is the day of its
instant in that zone. All-day entries (expected response, follow-up) are
dates, the same date in every zone. Wall-clock times are turned into instants
by :func:`to_instant`, which follows ``zoneinfo`` with ``fold=0``: a time in a
spring-forward gap (02:30 on 2024-03-10 in America/New_York does not exist)
is read with the offset before the change, so it lands one gap later on the
clock (03:30 EDT, 07:30 UTC); a time that happens twice in the autumn (01:30
on 2024-11-03 in America/New_York) is the first occurrence (01:30 EDT,
05:30 UTC).

SEQUENCE
--------

Each entry has a ``sequence`` for iCalendar (:func:`sequence_of`): for entries
derived from a round (interview, thank-you, expected response, follow-up) it
is the number of minutes from 2024-01-01 UTC to the round's ``updated_at``, so
it grows each time the round is saved (a changed time always saves the
round); offers and reminders have no modification time and use 0. The
export's DTSTAMP (the moment of export) breaks ties, as RFC 5546 prescribes,
so a calendar that already holds an entry takes the newer file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from services.core.instants import MONTHS, WEEKDAYS, zone_of

__all__ = [
    "FOLLOW_UP_ALARM_MINUTES",
    "INTERVIEW_ALARM_MINUTES",
    "KIND_ORDER",
    "KIND_RANK",
    "OFFER_ALARM_MINUTES",
    "SEQUENCE_EPOCH",
    "THANK_YOU_HOURS",
    "UID_DOMAIN",
    "CalendarEntry",
    "EntryKind",
    "Person",
    "day_text",
    "entry_uid",
    "local_midnight",
    "role_at",
    "sequence_of",
    "to_instant",
]

#: The domain part of every entry's UID (``interview-<round uid>@nextsteps``).
UID_DOMAIN = "nextsteps"
#: Hours after a round ends by which the thank-you notes should be out.
THANK_YOU_HOURS = 24
#: Alarm before an interview, in minutes.
INTERVIEW_ALARM_MINUTES = 60
#: Alarm before an offer deadline, in minutes (a day: time to ask for more time).
OFFER_ALARM_MINUTES = 24 * 60
#: Alarm of an all-day follow-up: 9:00 on the day (negative: after the start of the day).
FOLLOW_UP_ALARM_MINUTES = -9 * 60
#: SEQUENCE counts minutes from this instant.
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class EntryKind(StrEnum):
    """What a dated entry is about. The values appear in UIDs and exports."""

    INTERVIEW = "interview"
    THANK_YOU_DEADLINE = "thank_you_deadline"
    FOLLOW_UP = "follow_up"
    EXPECTED_RESPONSE = "expected_response"
    OFFER_DEADLINE = "offer_deadline"
    CUSTOM_REMINDER = "custom_reminder"

    # Hash as the plain string it equals (Enum hashes by name in Python code, which made
    # every dict lookup by kind cost a function call in the hot loops of exports).
    __hash__ = str.__hash__

    @property
    def label(self) -> str:
        """The kind as the user reads it (the calendar says it in words, not colour alone)."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    EntryKind.INTERVIEW: "Interview",
    EntryKind.THANK_YOU_DEADLINE: "Thank-you deadline",
    EntryKind.FOLLOW_UP: "Follow-up",
    EntryKind.EXPECTED_RESPONSE: "Expected response",
    EntryKind.OFFER_DEADLINE: "Offer deadline",
    EntryKind.CUSTOM_REMINDER: "Reminder",
}
_UID_PREFIXES = {kind: f"{kind.value}-" for kind in EntryKind}
#: The order kinds are listed in (legend, counts, agenda ties).
KIND_ORDER: tuple[EntryKind, ...] = tuple(EntryKind)
#: Each kind's place in :data:`KIND_ORDER`.
KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


class Person(NamedTuple):
    """Someone taking part in an interview: a name and an address (an iCalendar ATTENDEE
    or ORGANIZER, its ``CN`` the name)."""

    name: str
    email: str


class CalendarEntry(NamedTuple):
    """One dated entry.

    ``start``/``end`` are aware UTC datetimes for timed entries, and dates for
    all-day ones (``end`` is then the day after, exclusive, as in iCalendar).
    Deadlines and reminders are instants: ``end == start``. ``tz_name`` is the
    IANA zone the entry was set in (empty for all-day entries).
    ``alarm_minutes`` is how long before ``start`` a reminder applies (None:
    no alarm; negative: after the start, e.g. 9:00 on an all-day entry's day).
    ``source_uid`` is the uid of the row the entry comes from; ``round_title`` the
    title of the round an interview, thank-you or response entry comes from.
    """

    uid: str
    kind: EntryKind
    application_id: int | None
    title: str
    description: str
    start: datetime | date
    end: datetime | date
    tz_name: str
    all_day: bool
    application_uid: str | None
    round_id: int | None
    alarm_minutes: int | None
    sequence: int
    location: str = ""
    url: str = ""
    attendees: tuple[Person, ...] = ()
    company: str = ""
    role: str = ""
    source_uid: str = ""
    round_title: str = ""

    def local_start(self, zone: ZoneInfo) -> datetime | None:
        """The start on the viewer's clock in ``zone`` (None for an all-day entry)."""
        if self.all_day:
            return None
        return self.start.astimezone(zone)

    def day_in(self, zone: ZoneInfo) -> date:
        """The day the entry is shown on for a viewer in ``zone`` (all-day: its date)."""
        if self.all_day:
            return self.start
        return self.start.astimezone(zone).date()

    def sort_key(self, zone: ZoneInfo) -> tuple:
        """Order within a day: all-day entries first, then by time, kind and title."""
        if self.all_day:
            return (self.start, 0, 0.0, KIND_RANK[self.kind], self.title)
        return (self.day_in(zone), 1, self.start.timestamp(), KIND_RANK[self.kind], self.title)


def to_instant(local: datetime, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of the wall-clock time ``local`` (naive) in ``zone``.

    ``zoneinfo`` rules with ``fold=0``: a time inside a spring-forward gap is
    read with the offset before the change (so it moves forward by the gap),
    and a time that happens twice in the autumn is its first occurrence.
    """
    if local.tzinfo is not None:
        local = local.replace(tzinfo=None)
    return local.replace(tzinfo=zone_of(zone), fold=0).astimezone(UTC)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` starts in ``zone``."""
    return to_instant(datetime.combine(day, time()), zone)


def role_at(role: str, company: str) -> str:
    """``Platform Engineer at Acme``, or just ``Acme`` while the role is not known (an
    application made from an invitation that did not name it)."""
    role = role.strip()
    return f"{role} at {company}" if role else company


def day_text(day: date) -> str:
    """``Tue 14 May 2024`` (fixed English names, whatever the locale)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def sequence_of(updated_at: datetime | None) -> int:
    """The SEQUENCE of an entry whose source row was last saved at ``updated_at``."""
    if updated_at is None:
        return 0
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds() // 60))


def entry_uid(kind: EntryKind, source_uid: str) -> str:
    """``interview-<round uid>@nextsteps``: the UID of the entry of ``kind`` from a row."""
    return f"{_UID_PREFIXES[kind]}{source_uid}@{UID_DOMAIN}"
