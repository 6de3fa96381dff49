"""Every dated entry of the job search, derived from the data: the one source of dates.

The calendar, its iCalendar export and (later) the reminders all read their
dates here, so they can never disagree. Two layers:

* a **pure core** over plain values and a clock: :class:`RoundFacts`,
  :class:`ResponseFacts`, :class:`OfferFacts`, :class:`ReminderFacts` and
  :class:`Rules` go in, :class:`CalendarEntry` values come out
  (:func:`interview_entry`, :func:`thank_you_entry`, :func:`response_entries`,
  :func:`offer_entry`, :func:`reminder_entry`, :func:`derive`);
* a **reading layer** (:func:`entries_between`, :func:`entries_for_day`,
  :func:`upcoming`, :func:`counts_by_day`) that fetches only the rows whose
  dates can fall in a range, with indexed SQL over the ORM's connection.

The rules
---------

* **Interview**: every round with a start that is not cancelled; it starts at
  its UTC instant and lasts ``duration_minutes``; its zone is the round's.
* **Thank-you deadline**: 24 hours after a round ends. Shown only while
  someone is still to be thanked: an interviewer of the round with no email
  in state ``sent`` or ``marked_sent`` (linked to them, or sent to their
  address on the same application after the round started). A round without
  interviewers counts as unthanked until an email linked to the round was
  sent. For an application that came through a staffing agency the entry
  says to update the recruiter instead, and it is done once an email linked
  to the round, or to the recruiter's address after the round started, was
  sent.
* **Expected response** (all-day): :func:`services.applications.prospects.expected_response`
  for the latest round that has started by ``now`` (not cancelled), counted
  from its day in the round's zone: the same date as the application list.
  Open stages only.
* **Follow-up** (all-day): the expected date plus
  ``reminders.follow_up_grace_business_days`` business days. Open stages only.
* **Offer deadline**: every offer with status ``pending`` and a deadline, in
  the offer's zone.
* **Custom reminder**: every reminder the user added (``custom``) that is not
  done, at its due instant.

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

Each entry has a ``sequence`` for iCalendar: for entries derived from a round
(interview, thank-you, expected response, follow-up) it is the number of
minutes from 2024-01-01 UTC to the round's ``updated_at``, so it grows each
time the round is saved (a changed time always saves the round); offers and
reminders have no modification time and use 0. The export's DTSTAMP (the
moment of export) breaks ties, as RFC 5546 prescribes, so a calendar that
already holds an entry takes the newer file.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models import clock
from models.values import OPEN_STAGES, EmailState, OfferStatus, ReminderState
from services.applications.prospects import (
    DEFAULT_RESPONSE_BUSINESS_DAYS,
    add_business_days,
    expected_response,
)
from services.core.instants import (  # zone_of is part of this API
    MONTHS,
    WEEKDAYS,
    instant_from_text,
    utc_text,
    zone_of,
)

__all__ = [
    "DEFAULT_RULES",
    "KIND_ORDER",
    "UID_DOMAIN",
    "CalendarEntry",
    "EntryKind",
    "OfferFacts",
    "Person",
    "ReminderFacts",
    "ResponseFacts",
    "RoundFacts",
    "Rules",
    "counts_by_day",
    "day_text",
    "derive",
    "entries_between",
    "entries_for_day",
    "interview_entry",
    "offer_entry",
    "reminder_entry",
    "response_entries",
    "role_at",
    "rules_from_settings",
    "thank_you_entry",
    "thanks_pending",
    "to_instant",
    "upcoming",
    "zone_of",
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
#: The longest interview, as in :data:`services.applications.editing.MAX_DURATION_MINUTES`.
MAX_DURATION_MINUTES = 24 * 60
#: SEQUENCE counts minutes from this instant.
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)
_OPEN_VALUES = tuple(sorted(stage.value for stage in OPEN_STAGES))
#: Far enough back that any expected response or follow-up reaching a range is found:
#: a time frame is at most 366 calendar days (about 262 business days).
_TIMEFRAME_REACH_DAYS = 380
_FAR_FUTURE = date(9000, 1, 1)


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
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


class Person(NamedTuple):
    """Someone taking part in an interview (an iCalendar ATTENDEE when exported)."""

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
            return (self.start, 0, 0.0, _KIND_RANK[self.kind], self.title)
        return (self.day_in(zone), 1, self.start.timestamp(), _KIND_RANK[self.kind], self.title)


# --- Time -------------------------------------------------------------------------------------

def to_instant(local: datetime, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of the wall-clock time ``local`` (naive) in ``zone``.

    ``zoneinfo`` rules with ``fold=0``: a time inside a spring-forward gap is
    read with the offset before the change (so it moves forward by the gap),
    and a time that happens twice in the autumn is its first occurrence.
    """
    if local.tzinfo is not None:
        local = local.replace(tzinfo=None)
    return local.replace(tzinfo=zone_of(zone), fold=0).astimezone(UTC)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return to_instant(datetime.combine(day, time()), zone)




def role_at(role: str, company: str) -> str:
    """``Platform Engineer at Acme``, or just ``Acme`` while the role is not known (an
    application made from an invitation that did not name it)."""
    role = role.strip()
    return f"{role} at {company}" if role else company


def day_text(day: date) -> str:
    """``Tue 14 May 2024`` (fixed English names, whatever the locale)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _when_text(when: datetime, zone: ZoneInfo) -> str:
    """``Tue 14 May 2024, 14:00 Europe/Berlin``."""
    local = when.astimezone(zone)
    return f"{day_text(local.date())}, {local.hour:02d}:{local.minute:02d} {zone.key}"


def _sequence(updated_at: datetime | None) -> int:
    if updated_at is None:
        return 0
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds() // 60))


def _uid(kind: EntryKind, source_uid: str) -> str:
    return f"{_UID_PREFIXES[kind]}{source_uid}@{UID_DOMAIN}"


# --- The pure core ----------------------------------------------------------------------------


class Rules(NamedTuple):
    """The settings the rules depend on (see :func:`rules_from_settings`)."""

    follow_up_grace_business_days: int = 2
    default_response_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS
    thanks_after_hours: int = 2


#: The rules with every setting at its default.
DEFAULT_RULES = Rules()


class RoundFacts(NamedTuple):
    """One interview round with what the rules need to know about it.

    ``unthanked`` are the interviewers with no sent email yet; ``thanks_sent``
    is True when an email linked to the round (or, for an agency application,
    to the recruiter) was sent after it started.
    """

    round_id: int
    round_uid: str
    application_id: int
    application_uid: str
    company: str
    role: str
    is_agency: bool
    agency_name: str
    recruiter_name: str
    title: str
    starts_at: datetime
    tz_name: str
    duration_minutes: int
    location: str = ""
    video_link: str = ""
    cancelled: bool = False
    updated_at: datetime | None = None
    interviewers: tuple[Person, ...] = ()
    unthanked: tuple[str, ...] = ()
    thanks_sent: bool = False

    @property
    def ends_at(self) -> datetime:
        """The end of the round (its duration, kept between 1 minute and 24 hours)."""
        minutes = self.duration_minutes
        if not (isinstance(minutes, int) and 1 <= minutes <= MAX_DURATION_MINUTES):
            minutes = min(max(int(minutes or 0), 1), MAX_DURATION_MINUTES)
        return self.starts_at + timedelta(minutes=minutes)


class ResponseFacts(NamedTuple):
    """An application with its latest round that has started: what the response dates need."""

    application_id: int
    application_uid: str
    company: str
    role: str
    stage: str
    is_agency: bool
    agency_name: str
    recruiter_name: str
    round_id: int
    round_title: str
    starts_at: datetime
    tz_name: str
    timeframe_value: int | None
    timeframe_unit: str | None
    updated_at: datetime | None = None


class OfferFacts(NamedTuple):
    """An offer with its deadline."""

    offer_uid: str
    application_id: int
    application_uid: str
    company: str
    role: str
    status: str
    deadline_at: datetime | None
    deadline_tz: str


class ReminderFacts(NamedTuple):
    """A reminder the user added; ``company``/``role`` are empty without an application."""

    reminder_uid: str
    application_id: int | None
    application_uid: str | None
    company: str
    role: str
    text: str
    due_at: datetime
    custom: bool
    state: str


def _round_name(title: str) -> str:
    return title.strip() or "interview"


class _Shared(NamedTuple):
    """What a round's interview and thank-you entries both need, computed once."""

    zone: ZoneInfo
    ends_at: datetime
    sequence: int
    when: str


def _shared(facts: RoundFacts) -> _Shared:
    zone = zone_of(facts.tz_name)
    return _Shared(zone, facts.ends_at, _sequence(facts.updated_at),
                   _when_text(facts.starts_at, zone))


def interview_entry(facts: RoundFacts, rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """The interview itself (None for a cancelled round)."""
    return None if facts.cancelled else _interview(facts, _shared(facts))


def _interview(facts: RoundFacts, shared: _Shared) -> CalendarEntry:
    zone = shared.zone
    title = f"Interview: {facts.company}"
    if facts.title.strip():
        title += f" — {facts.title.strip()}"
    job = role_at(facts.role, facts.company)
    lines = [f"{_round_name(facts.title).capitalize()} for {job}, {shared.when}."]
    if facts.interviewers:
        lines.append("With " + ", ".join(p.name for p in facts.interviewers) + ".")
    if facts.is_agency and facts.agency_name:
        lines.append(f"Through {facts.agency_name}"
                     + (f" ({facts.recruiter_name})." if facts.recruiter_name else "."))
    if facts.video_link:
        lines.append(f"Join: {facts.video_link}")
    lines.append("Ask how long their process takes, and note the answer in Next Steps.")
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        _uid(EntryKind.INTERVIEW, facts.round_uid), EntryKind.INTERVIEW, facts.application_id,
        title, "\n".join(lines), facts.starts_at, shared.ends_at, zone.key, False,
        facts.application_uid, facts.round_id, INTERVIEW_ALARM_MINUTES,
        shared.sequence, facts.location, facts.video_link, facts.interviewers,
        facts.company, facts.role, facts.round_uid, facts.title,
    )


def thanks_pending(facts: RoundFacts) -> bool:
    """True while someone of the round is still to be thanked (or, via an agency, updated)."""
    if facts.cancelled:
        return False
    if facts.is_agency or not facts.interviewers:
        return not facts.thanks_sent
    return bool(facts.unthanked)


def thank_you_entry(facts: RoundFacts, rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """The deadline for thank-you notes, 24 h after the round ends (None once all are sent)."""
    if not thanks_pending(facts):
        return None
    return _thank_you(facts, rules, _shared(facts))


_THANKS_DELAY = timedelta(hours=THANK_YOU_HOURS)


def _thank_you(facts: RoundFacts, rules: Rules, shared: _Shared) -> CalendarEntry:
    zone = shared.zone
    deadline = shared.ends_at + _THANKS_DELAY
    when = shared.when
    round_name = _round_name(facts.title)
    job = role_at(facts.role, facts.company)
    if facts.is_agency:
        agency = facts.agency_name or "the agency"
        recruiter = facts.recruiter_name or "your recruiter"
        title = f"Update the recruiter: {facts.company} ({agency})"
        description = (
            f"Tell {recruiter} at {agency} how the {round_name} for {job} ({when}) went, "
            "and thank the interviewers through them. "
            f"The agency is your contact: writing around it looks unprofessional."
        )
    else:
        title = f"Send thank-you notes: {facts.company}"
        if facts.interviewers:
            people = ", ".join(facts.unthanked)
            description = (
                f"Thank each interviewer of the {round_name} for {job} ({when}) personally; "
                f"still to thank: {people}. "
                "Interviewers compare notes, so make each note personal."
            )
        else:
            description = (
                f"Send a personal thank-you note after the {round_name} for {job} ({when}). "
                "Add the interviewers in Next Steps to write to "
                "each of them."
            )
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        _uid(EntryKind.THANK_YOU_DEADLINE, facts.round_uid), EntryKind.THANK_YOU_DEADLINE,
        facts.application_id, title, description, deadline, deadline, zone.key, False,
        facts.application_uid, facts.round_id,
        max(0, (THANK_YOU_HOURS - int(rules.thanks_after_hours)) * 60),
        shared.sequence, "", "", (), facts.company, facts.role, facts.round_uid,
        facts.title,
    )


def expected_date(facts: ResponseFacts, rules: Rules = DEFAULT_RULES):
    """The :class:`services.applications.prospects.ExpectedResponse` of an application's
    latest round."""
    day = facts.starts_at.astimezone(zone_of(facts.tz_name)).date()
    return expected_response(day, facts.timeframe_value, facts.timeframe_unit,
                             rules.default_response_business_days)


def response_entries(facts: ResponseFacts, rules: Rules = DEFAULT_RULES) -> list[CalendarEntry]:
    """The expected response and follow-up dates (all-day) of an open application."""
    if facts.stage not in _OPEN_VALUES:
        return []
    expected = expected_date(facts, rules)
    follow_up = add_business_days(expected.date, int(rules.follow_up_grace_business_days))
    job = role_at(facts.role, facts.company)
    zone = zone_of(facts.tz_name)
    round_text = f"the {_round_name(facts.round_title)} on {_when_text(facts.starts_at, zone)}"
    sequence = _sequence(facts.updated_at)
    common = {
        "application_id": facts.application_id,
        "tz_name": "",
        "all_day": True,
        "application_uid": facts.application_uid,
        "round_id": facts.round_id,
        "sequence": sequence,
        "company": facts.company,
        "role": facts.role,
        "source_uid": facts.application_uid,
        "round_title": facts.round_title,
    }
    expected_entry = CalendarEntry(
        uid=_uid(EntryKind.EXPECTED_RESPONSE, facts.application_uid),
        kind=EntryKind.EXPECTED_RESPONSE,
        title=f"Expected answer: {facts.company}",
        description=(
            f"The answer about {job} is expected today, counted from "
            f"{round_text}. {expected.basis} Until it comes in writing, keep applying and "
            "keep your other interviews."
        ),
        start=expected.date,
        end=expected.date + timedelta(days=1),
        alarm_minutes=None,
        **common,
    )
    if facts.is_agency:
        contact = facts.recruiter_name or "your recruiter"
        agency = facts.agency_name or "the agency"
        title = f"Follow up with the recruiter: {facts.company}"
        action = (f"ask {contact} at {agency} for news about {job}; "
                  "follow-ups go through the agency")
    else:
        title = f"Follow up: {facts.company}"
        action = (f"send a short, friendly follow-up about {job} "
                  "and ask where the process stands")
    follow_entry = CalendarEntry(
        uid=_uid(EntryKind.FOLLOW_UP, facts.application_uid),
        kind=EntryKind.FOLLOW_UP,
        title=title,
        description=(
            f"If you have heard nothing since the expected answer on {day_text(expected.date)}, "
            f"{action}."
        ),
        start=follow_up,
        end=follow_up + timedelta(days=1),
        alarm_minutes=FOLLOW_UP_ALARM_MINUTES,
        **common,
    )
    return [expected_entry, follow_entry]


def offer_entry(facts: OfferFacts, rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """The deadline of a pending offer (None when decided or without a deadline)."""
    if facts.status != OfferStatus.PENDING.value or facts.deadline_at is None:
        return None
    zone = zone_of(facts.deadline_tz)
    description = (
        f"Decide on the offer for {role_at(facts.role, facts.company)} by "
        f"{_when_text(facts.deadline_at, zone)}. If you are waiting for other answers, "
        "ask for a little more time before the deadline; that is common and often granted. "
        "Do not rush to decline other processes."
    )
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        _uid(EntryKind.OFFER_DEADLINE, facts.offer_uid), EntryKind.OFFER_DEADLINE,
        facts.application_id, f"Offer deadline: {facts.company}", description,
        facts.deadline_at, facts.deadline_at, zone.key, False, facts.application_uid, None,
        OFFER_ALARM_MINUTES, 0, "", "", (), facts.company, facts.role, facts.offer_uid,
    )


def reminder_entry(facts: ReminderFacts, zone: ZoneInfo | str | None = None,
                   rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """A reminder the user added, while not done (shown in ``zone``, the viewer's)."""
    if not facts.custom or facts.state == ReminderState.DONE.value:
        return None
    zone = zone_of(zone) if zone is not None else clock.user_zone()
    text = " ".join(facts.text.split()) or "Reminder"
    title = text if len(text) <= 120 else text[:119] + "…"
    description = facts.text.strip() or "A reminder you added."
    if facts.company:
        description += f"\nFor {role_at(facts.role, facts.company)}."
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        _uid(EntryKind.CUSTOM_REMINDER, facts.reminder_uid), EntryKind.CUSTOM_REMINDER,
        facts.application_id, title, description, facts.due_at, facts.due_at, zone.key, False,
        facts.application_uid, None, 0, 0, "", "", (), facts.company, facts.role,
        facts.reminder_uid,
    )


def derive(
    rounds: Iterable[RoundFacts] = (),
    responses: Iterable[ResponseFacts] = (),
    offers: Iterable[OfferFacts] = (),
    reminders: Iterable[ReminderFacts] = (),
    *,
    rules: Rules = DEFAULT_RULES,
    zone: ZoneInfo | str | None = None,
) -> list[CalendarEntry]:
    """Every entry the facts give, unsorted. Pure: no clock, no database.

    ``responses`` must already be each application's latest round that has
    started (that is where the clock comes in; see :func:`entries_between`).
    """
    found: list[CalendarEntry] = []
    append = found.append
    for facts in rounds:
        if facts.cancelled:
            continue
        shared = _shared(facts)
        append(_interview(facts, shared))
        if thanks_pending(facts):
            append(_thank_you(facts, rules, shared))
    for facts in responses:
        found.extend(response_entries(facts, rules))
    for facts in offers:
        entry = offer_entry(facts, rules)
        if entry is not None:
            found.append(entry)
    for facts in reminders:
        entry = reminder_entry(facts, zone, rules)
        if entry is not None:
            found.append(entry)
    return found


# --- Reading the facts ------------------------------------------------------------------------


def rules_from_settings() -> Rules:
    """The rules with the user's settings (defaults where a value is missing or unusable)."""
    from services.core import settings

    def number(key: str, default: int) -> int:
        value = settings.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return default
        return min(value, 365)

    return Rules(
        follow_up_grace_business_days=number("reminders.follow_up_grace_business_days", 2),
        default_response_business_days=number("outlook.default_response_business_days",
                                               DEFAULT_RESPONSE_BUSINESS_DAYS),
        thanks_after_hours=number("reminders.thanks_after_hours", 2),
    )


def _db():
    from models.base import database_proxy

    return database_proxy


def _marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


#: Who is still to be thanked, decided in SQL with the indexes on interviewer.round_id,
#: email.interviewer_id, email.round_id and email.application_id. Per round: the names
#: of the interviewers with no sent email, whether an email linked to the round (or to
#: the recruiter, after the round started) was sent, the channel, and whether the
#: round has interviewers at all.
_SENT = f"e.state IN ({_marks(_SENT_STATES)})"
_THANKS_SQL = f"""
SELECT r.id,
  (SELECT group_concat(i.name, char(10)) FROM interviewer i WHERE i.round_id = r.id
     AND NOT EXISTS (SELECT 1 FROM email e WHERE e.interviewer_id = i.id AND {_SENT})
     AND NOT EXISTS (SELECT 1 FROM email e WHERE e.application_id = r.application_id
                     AND i.email != '' AND lower(e.to_address) = lower(i.email)
                     AND e.sent_at >= r.starts_at AND {_SENT})),
  (EXISTS (SELECT 1 FROM email e WHERE e.round_id = r.id AND {_SENT})
   OR EXISTS (SELECT 1 FROM email e WHERE e.application_id = r.application_id
              AND a.recruiter_email != '' AND lower(e.to_address) = lower(a.recruiter_email)
              AND e.sent_at >= r.starts_at AND {_SENT})),
  a.channel,
  EXISTS (SELECT 1 FROM interviewer i WHERE i.round_id = r.id)
FROM interview_round r JOIN application a ON a.id = r.application_id
"""
_THANKS_PARAMS = _SENT_STATES * 4
#: Bound variables per ``IN (...)`` list, well under SQLite's limit.
_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


class _Thanks(NamedTuple):
    unthanked: tuple[str, ...]
    sent: bool
    is_agency: bool
    has_people: bool

    @property
    def pending(self) -> bool:
        # The same rule as thanks_pending(), over what SQL returned.
        if self.is_agency or not self.has_people:
            return not self.sent
        return bool(self.unthanked)


def _thanks(round_ids: Sequence[int]) -> dict[int, _Thanks]:
    found: dict[int, _Thanks] = {}
    for chunk in _chunks(round_ids):
        for round_id, unthanked, sent, channel, has_people in _db().execute_sql(
            f"{_THANKS_SQL} WHERE r.id IN ({_marks(chunk)})", (*_THANKS_PARAMS, *chunk),
        ):
            found[round_id] = _Thanks(tuple(unthanked.split("\n")) if unthanked else (),
                                      bool(sent), channel == "agency", bool(has_people))
    return found


def _round_facts(low: str, high: str) -> list[RoundFacts]:
    """Non-cancelled rounds starting in [low, high) (UTC texts), with their interviewers
    and who is still to be thanked."""
    db = _db()
    in_range = "starts_at >= ? AND starts_at < ? AND cancelled = 0"
    rows = db.execute_sql(
        "SELECT id, uid, application_id, title, starts_at, tz_name, duration_minutes, "
        f"location, video_link, updated_at FROM interview_round WHERE {in_range}",
        (low, high),
    ).fetchall()
    if not rows:
        return []
    # The applications once each (cheaper than joining them to every round), with whether
    # any email of theirs was sent: where none was, nobody of their rounds was thanked.
    apps = {row[0]: row[1:] for row in db.execute_sql(
        "SELECT a.id, a.uid, a.company, a.role, a.channel, a.agency_name, a.recruiter_name, "
        f"EXISTS (SELECT 1 FROM email e WHERE e.application_id = a.id AND {_SENT}) "
        "FROM application a WHERE a.id IN "
        f"(SELECT application_id FROM interview_round WHERE {in_range})",
        (*_SENT_STATES, low, high),
    )}
    thanks = _thanks([row[0] for row in rows if apps[row[2]][-1]])
    people: dict[int, list[Person]] = {}
    for chunk in _chunks([row[0] for row in rows]):
        for round_id, name, email in db.execute_sql(
            "SELECT round_id, name, email FROM interviewer "
            f"WHERE round_id IN ({_marks(chunk)}) ORDER BY round_id, position, id", chunk,
        ):
            found = people.get(round_id)
            if found is None:
                people[round_id] = [Person(name, email)]
            else:
                found.append(Person(name, email))
    facts = []
    nobody: tuple = ()
    for (round_id, round_uid, app_id, title, starts_at, tz_name, duration, location,
         video_link, updated_at) in rows:
        app_uid, company, role, channel, agency_name, recruiter_name, _any_sent = apps[app_id]
        interviewers = tuple(people.get(round_id, nobody))
        state = thanks.get(round_id)
        if state is None:
            unthanked, sent = tuple([person.name for person in interviewers]), False
        else:
            unthanked, sent = state.unthanked, state.sent
        facts.append(RoundFacts(
            round_id, round_uid, app_id, app_uid, company, role, channel == "agency",
            agency_name, recruiter_name, title, instant_from_text(starts_at), tz_name or "UTC",
            duration, location or "", video_link or "", False,
            instant_from_text(updated_at) if updated_at else None, interviewers, unthanked, sent,
        ))
    return facts


def _response_window(first: date, last: date, now: datetime,
                     rules: Rules) -> tuple[str, str, str] | None:
    """(now, low, high) UTC texts: the latest round that started by ``now`` of an
    application can give an expected response or follow-up between ``first`` and ``last``
    only if it started in [low, high). None when no round can."""
    reach = (_TIMEFRAME_REACH_DAYS + rules.default_response_business_days * 7 // 5
             + rules.follow_up_grace_business_days * 7 // 5 + 7)
    low = utc_text(datetime.combine(first - timedelta(days=reach), time(), tzinfo=UTC))
    now_text = utc_text(now)
    high = min(utc_text(datetime.combine(last + timedelta(days=2), time(), tzinfo=UTC)),
               now_text + "~")  # "~" sorts after any instant text: the round at now counts
    return None if high <= low else (now_text, low, high)


# max() with bare columns: SQLite takes r.id and the rest from the row holding the maximum.
_LATEST_SQL = (
    "SELECT r.id, r.tz_name, r.timeframe_value, r.timeframe_unit, max(r.starts_at) "
    "FROM application a JOIN interview_round r ON r.application_id = a.id "
    f"WHERE a.stage IN ({_marks(_OPEN_VALUES)}) AND r.cancelled = 0 "
    "AND r.starts_at IS NOT NULL AND r.starts_at <= ? GROUP BY a.id"
)


def _latest_hits(first: date, last: date, now: datetime,
                 rules: Rules) -> Iterable[tuple[int, date, date]]:
    """(round id, expected date, follow-up date) of the latest started round of each open
    application whose expected response or follow-up falls between ``first`` and ``last``."""
    window = _response_window(first, last, now, rules)
    if window is None:
        return
    _, low, high = window
    fromiso = datetime.fromisoformat
    zones: dict[str, ZoneInfo] = {}
    for round_id, tz_name, value, unit, starts_at in _LATEST.rows_for(now):
        if not low <= starts_at < high:
            continue
        round_zone = zones.get(tz_name)
        if round_zone is None:
            round_zone = zones[tz_name] = zone_of(tz_name)
        day = fromiso(starts_at).astimezone(round_zone).date()
        expected, follow_up = _response_days(rules, day, value, unit)
        if first <= expected <= last or first <= follow_up <= last:
            yield round_id, expected, follow_up


def _response_facts(first: date, last: date, now: datetime,
                    rules: Rules) -> list[ResponseFacts]:
    """The latest round that started by ``now`` of each open application whose expected
    response or follow-up falls between ``first`` and ``last``, with what the entries say."""
    ids = sorted(round_id for round_id, _expected, _follow in
                 _latest_hits(first, last, now, rules))
    facts = []
    for chunk in _chunks(ids):
        for (app_id, app_uid, company, role, stage, channel, agency_name, recruiter_name,
             round_id, round_title, tz_name, value, unit, updated_at, starts_at
             ) in _db().execute_sql(
                "SELECT a.id, a.uid, a.company, a.role, a.stage, a.channel, a.agency_name, "
                "a.recruiter_name, r.id, r.title, r.tz_name, r.timeframe_value, "
                "r.timeframe_unit, r.updated_at, r.starts_at FROM interview_round r "
                "JOIN application a ON a.id = r.application_id "
                f"WHERE r.id IN ({_marks(chunk)})", chunk):
            facts.append(ResponseFacts(
                app_id, app_uid, company, role, stage, channel == "agency", agency_name,
                recruiter_name, round_id, round_title, instant_from_text(starts_at),
                tz_name or "UTC", value, unit, instant_from_text(updated_at or None),
            ))
    return facts


def _offer_facts(low: str, high: str) -> list[OfferFacts]:
    # One row per offer (a few per search): the deadline needs no index.
    rows = _db().execute_sql(
        "SELECT o.uid, a.id, a.uid, a.company, a.role, o.status, o.deadline_at, o.deadline_tz "
        "FROM offer o JOIN application a ON a.id = o.application_id "
        "WHERE o.status = ? AND o.deadline_at >= ? AND o.deadline_at < ?",
        (OfferStatus.PENDING.value, low, high),
    ).fetchall()
    return [OfferFacts(uid, app_id, app_uid, company, role, status, instant_from_text(deadline),
                       tz or "UTC")
            for uid, app_id, app_uid, company, role, status, deadline, tz in rows]


def _reminder_facts(low: str, high: str) -> list[ReminderFacts]:
    rows = _db().execute_sql(
        "SELECT m.uid, m.application_id, a.uid, a.company, a.role, m.text, m.due_at, m.state "
        "FROM reminder m LEFT JOIN application a ON a.id = m.application_id "
        "WHERE m.custom = 1 AND m.state != ? AND m.due_at >= ? AND m.due_at < ?",
        (ReminderState.DONE.value, low, high),
    ).fetchall()
    return [ReminderFacts(uid, app_id, app_uid, company or "", role or "", text or "",
                          instant_from_text(due), True, state)
            for uid, app_id, app_uid, company, role, text, due, state in rows]


def _check(first: date, last: date, now: datetime | None) -> datetime:
    if isinstance(first, datetime) or isinstance(last, datetime):
        raise TypeError("first and last are dates, not datetimes")
    if now is None:
        return clock.now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


#: A thank-you deadline comes up to 24 h (the longest round) + 24 h after its round starts.
_THANKS_REACH = timedelta(minutes=MAX_DURATION_MINUTES, hours=THANK_YOU_HOURS)


def entries_between(
    start_date: date,
    end_date: date,
    now: datetime | None = None,
    zone: ZoneInfo | str | None = None,
    *,
    rules: Rules | None = None,
) -> list[CalendarEntry]:
    """Every entry shown on the days ``start_date``..``end_date`` (both included) by a viewer
    in ``zone`` (default: the system's), sorted by day, all-day first, then time.

    ``now`` (aware; default: the current time) decides which rounds have
    happened, for the expected response and follow-up dates. ``rules``
    default to the user's settings. Only rows whose dates can reach the range
    are read (the indexes on ``interview_round.starts_at`` and
    ``reminder.due_at``).
    """
    now = _check(start_date, end_date, now)
    zone = clock.user_zone() if zone is None else zone_of(zone)
    if end_date < start_date:
        return []
    rules = rules_from_settings() if rules is None else rules
    with _no_cycle_collection():
        return _entries_between(start_date, end_date, now, zone, rules)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while many tuples are made (they form no cycles):
    with tens of thousands of entries alive, its repeated full passes cost a fifth of
    the time of reading them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _entries_between(start_date: date, end_date: date, now: datetime, zone: ZoneInfo,
                     rules: Rules) -> list[CalendarEntry]:
    low_dt = _local_midnight(start_date, zone)
    high_dt = _local_midnight(end_date + timedelta(days=1), zone)
    low, high = utc_text(low_dt), utc_text(high_dt)
    rounds = _round_facts(utc_text(low_dt - _THANKS_REACH), high)
    responses = _response_facts(start_date, end_date, now, rules)
    offers = _offer_facts(low, high)
    reminders = _reminder_facts(low, high)
    # An instant is on a day in [start_date, end_date] in ``zone`` exactly when it lies
    # between the local midnights that bound the range, so timed entries need no
    # conversion to be kept, and sorted by instant they are sorted by local day too.
    rank = _KIND_RANK
    timed: list[tuple] = []
    all_day: list[tuple] = []
    for entry in derive(rounds, responses, offers, reminders, rules=rules, zone=zone):
        if entry.all_day:
            if start_date <= entry.start <= end_date:
                all_day.append((entry.start, rank[entry.kind], entry.title, entry))
        elif low_dt <= entry.start < high_dt:
            timed.append((entry.start, rank[entry.kind], entry.title, entry))
    timed.sort(key=_first_three)
    if not all_day:
        return [item[3] for item in timed]
    # All-day entries go before the timed entries of their day (CalendarEntry.sort_key).
    all_day.sort(key=_first_three)
    merged: list[CalendarEntry] = []
    at = 0
    for day, _rank, _title, entry in all_day:
        midnight = _local_midnight(day, zone)
        while at < len(timed) and timed[at][0] < midnight:
            merged.append(timed[at][3])
            at += 1
        merged.append(entry)
    merged.extend(item[3] for item in timed[at:])
    return merged


def _first_three(item: tuple) -> tuple:
    return item[:3]


def entries_for_day(day: date, now: datetime | None = None,
                    zone: ZoneInfo | str | None = None, *,
                    rules: Rules | None = None) -> list[CalendarEntry]:
    """The entries shown on ``day`` (see :func:`entries_between`)."""
    return entries_between(day, day, now, zone, rules=rules)


def upcoming(now: datetime | None = None, zone: ZoneInfo | str | None = None, *,
             rules: Rules | None = None) -> list[CalendarEntry]:
    """Every entry from ``now`` on: timed entries not yet over, all-day entries from today
    (in ``zone``) on. This is what "Export all upcoming" writes."""
    now = _check(date.min, date.min, now)
    zone = clock.user_zone() if zone is None else zone_of(zone)
    today = now.astimezone(zone).date()
    return [entry for entry in entries_between(today, _FAR_FUTURE, now, zone, rules=rules)
            if entry.all_day or entry.end >= now]


_RESPONSE_DAYS: dict[tuple, tuple[date, date]] = {}


def _response_days(rules: Rules, day: date, value: int | None,
                   unit: str | None) -> tuple[date, date]:
    """(expected date, follow-up date) of a round on ``day`` (memoised: a pure function)."""
    key = (rules, day, value, unit)
    found = _RESPONSE_DAYS.get(key)
    if found is None:
        expected = expected_response(day, value, unit, rules.default_response_business_days).date
        found = (expected, add_business_days(expected, int(rules.follow_up_grace_business_days)))
        if len(_RESPONSE_DAYS) > 50_000:
            _RESPONSE_DAYS.clear()
        _RESPONSE_DAYS[key] = found
    return found


class _LatestRounds:
    """The latest round that has started of every open application, as (round id, tz_name,
    value, unit, starts_at) rows, remembered while nothing in the database changed and no round
    started since (the only ways the rows can change).

    A change is seen through SQLite itself: ``PRAGMA data_version`` moves when another
    connection commits, ``total_changes`` when this one writes.
    """

    def __init__(self) -> None:
        # The connection itself is kept (not its id, which a later one could reuse).
        self.connection = None
        self.key: tuple | None = None
        self.valid_from = ""
        self.valid_until = ""
        self.rows: list[tuple] = []

    def rows_for(self, now: datetime) -> list[tuple]:
        """The rows for ``now``, read again when anything may have changed them."""
        db = _db()
        con = db.connection()
        version = db.execute_sql("PRAGMA data_version").fetchone()[0]
        key = (version, con.total_changes)
        now_text = utc_text(now)
        if con is not self.connection or key != self.key \
                or not (self.valid_from <= now_text < self.valid_until):
            self.connection = con
            self.rows = db.execute_sql(_LATEST_SQL, (*_OPEN_VALUES, now_text)).fetchall()
            following = db.execute_sql(
                "SELECT min(starts_at) FROM interview_round WHERE starts_at > ?", (now_text,),
            ).fetchone()[0]
            self.key = key
            self.valid_from = max((row[-1] for row in self.rows), default="")
            self.valid_from = min(self.valid_from, now_text)
            self.valid_until = following or "~"  # "~" sorts after any instant text
        return self.rows


_LATEST = _LatestRounds()


def counts_by_day(first: date, last: date, now: datetime | None = None,
                  zone: ZoneInfo | str | None = None, *,
                  rules: Rules | None = None) -> dict[date, dict[EntryKind, int]]:
    """How many entries of each kind fall on each day ``first``..``last`` (a month grid).

    The same rules and days as :func:`entries_between`, counted without
    building the entries: one indexed range scan of the rounds of the visible
    weeks (interviews, and thank-you deadlines up to two days later), the
    offers and reminders in range, and the latest round of each open
    application (expected responses and follow-ups; kept between calls while
    the database has not changed). Instants are put on their local days by
    comparing them with the instants of the local midnights (exact across
    daylight-saving changes). Days without entries are left out.
    """
    now = _check(first, last, now)
    zone = clock.user_zone() if zone is None else zone_of(zone)
    if last < first:
        return {}
    rules = rules_from_settings() if rules is None else rules
    days = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    # The local midnights as POSIX seconds: bounds[k] starts days[k]; an instant s is on
    # days[right(bounds, s) - 1].
    bounds = [_local_midnight(day, zone).timestamp() for day in days]
    del days[-1]
    lowest, highest = bounds[0], bounds[-1]
    right = bisect.bisect_right
    fromiso = datetime.fromisoformat
    per_kind = {kind: [0] * (len(days) + 1) for kind in KIND_ORDER}

    db = _db()
    low_dt = datetime.fromtimestamp(lowest, UTC)
    low, high = utc_text(low_dt), utc_text(datetime.fromtimestamp(highest, UTC))
    # Rounds of applications without any sent email are certainly waiting for thanks;
    # only the others need the per-interviewer check.
    rows = db.execute_sql(
        "SELECT r.id, r.starts_at, r.duration_minutes, EXISTS (SELECT 1 FROM email e "
        f"WHERE e.application_id = r.application_id AND {_SENT}) FROM interview_round r "
        "WHERE r.starts_at >= ? AND r.starts_at < ? AND r.cancelled = 0",
        (*_SENT_STATES, utc_text(low_dt - _THANKS_REACH), high),
    ).fetchall()
    to_check = [row[0] for row in rows if row[3]]
    thanks = _thanks(to_check) if to_check else {}
    interviews, deadlines = per_kind[EntryKind.INTERVIEW], per_kind[EntryKind.THANK_YOU_DEADLINE]
    after = THANK_YOU_HOURS * 3600
    for round_id, starts_at, duration, maybe_thanked in rows:
        seconds = fromiso(starts_at).timestamp()
        if seconds >= lowest:
            interviews[right(bounds, seconds)] += 1
        if maybe_thanked:
            state = thanks.get(round_id)
            if state is None or not state.pending:
                continue
        deadline = seconds + min(max(duration or 0, 1), MAX_DURATION_MINUTES) * 60 + after
        if lowest <= deadline < highest:
            deadlines[right(bounds, deadline)] += 1

    for kind, sql in ((EntryKind.OFFER_DEADLINE,
                       "SELECT deadline_at FROM offer WHERE status = ? AND deadline_at >= ? "
                       "AND deadline_at < ?"),
                      (EntryKind.CUSTOM_REMINDER,
                       "SELECT due_at FROM reminder WHERE custom = 1 AND state != ? "
                       "AND due_at >= ? AND due_at < ?")):
        status = (OfferStatus.PENDING.value if kind is EntryKind.OFFER_DEADLINE
                  else ReminderState.DONE.value)
        found = per_kind[kind]
        for (text,) in db.execute_sql(sql, (status, low, high)):
            found[right(bounds, fromiso(text).timestamp())] += 1

    counts: dict[date, dict[EntryKind, int]] = {}
    for kind in KIND_ORDER:
        for at, number in enumerate(per_kind[kind]):
            if number:
                counts.setdefault(days[at - 1], {})[kind] = number

    for _round_id, expected, follow_up in _latest_hits(first, last, now, rules):
        for kind, when in ((EntryKind.EXPECTED_RESPONSE, expected),
                           (EntryKind.FOLLOW_UP, follow_up)):
            if first <= when <= last:
                per_day = counts.setdefault(when, {})
                per_day[kind] = per_day.get(kind, 0) + 1
    return counts
