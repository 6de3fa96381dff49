"""Which reminders the data calls for, and when: pure rules over calendar entries and a clock.

The dates come from :mod:`services.calendar.entries` (the one place that
derives dated entries from the data), so a reminder and the calendar can
never disagree: every derived reminder except "search stalled" hangs off a
calendar entry, and its due instant is computed from that entry (a
follow-up reminder also needs the conditions below, so the calendar may show
a follow-up date that no longer calls for a reminder, never the reverse).

The rules (``zone`` is the user's time zone; "local" means in that zone):

* **Thank-you notes** — from each *thank-you deadline* entry (which exists
  while someone of the round is still to be thanked): one reminder per
  interviewer not yet thanked, due at the entry's alarm, i.e.
  ``reminders.thanks_after_hours`` after the round ends. A round without
  interviewers gets one reminder for the round. For an application that
  came through a staffing agency there is ONE reminder to update the
  recruiter instead (kind ``recruiter_update``). The calendar entry decides
  *whether* the round still needs notes; who is still to be thanked is read
  with the rule the calendar documents, and should the two ever differ the
  round gets one reminder for the round: a thank-you reminder exists exactly
  while the calendar shows the deadline.
* **Follow-up** — from each *follow-up* entry (the expected response date
  plus ``reminders.follow_up_grace_business_days`` business days), due at
  the entry's alarm: 09:00 local on that day. Only while the application is
  still ``interviewing`` or ``awaiting_response``, nothing happened since
  the round (a stage change after the round started, other than to
  interviewing or awaiting response, is news; so is a reply read from the
  mailbox, dated after the round began), and no email on the
  application was sent (or marked sent) since the expected date began.
* **Offer deadline** — from each *offer deadline* entry: 48 hours and 24
  hours before the deadline. The 48-hour reminder expires when the 24-hour
  one is due, the 24-hour one at the deadline. The text advises asking for
  more time when other processes are still open.
* **Interview tomorrow** — from each *interview* entry: at 18:00 local on
  the day before the interview. When that moment has already passed (the
  interview was added late, or the app was closed), the reminder is due at
  once, as long as the interview is more than an hour away: it expires when
  the hour-before reminder is due. (We chose 18:00 the evening before over
  "24 hours before": a reminder at 08:00 for a 08:00 interview the next day
  would come while the user is busy, and one at 23:00 too late to prepare.)
  **Interview soon**: at the entry's alarm, one hour before the start; it
  expires when the interview starts.
* **Search stalled** — no new application (``applied_on``, or the day the
  application was created) for ``reminders.stall_days`` days while every
  open application is waiting (interviewing or awaiting response) and at
  least one is: due at 09:00 local ``stall_days`` after the last
  application. A new application ends it (and a later stall is a new
  reminder).
* **The user's own reminders** are rows of the ``reminder`` table
  (``custom``); they are never derived, so no rule here.

An expired reminder (``Wanted.expires_at`` passed) is never created, and
:func:`services.reminders.sync.sync` marks an existing one done, so a clock set
back later cannot bring it back.

Local times are turned into instants with
:func:`services.calendar.entry_types.to_instant` (``fold=0``), so 18:00 and
09:00 are right on daylight-saving days too.

Keys: every derived reminder has a stable ``key`` naming its subject (see
:func:`key_round_uid`), so recomputing finds the same row again:

* ``thanks:round:<round uid>:interviewer:<interviewer uid>``,
  ``thanks:round:<round uid>:recruiter``, ``thanks:round:<round uid>:round``
* ``follow_up:round:<round uid>``
* ``interview:round:<round uid>:<start>:day_before`` and ``…:hour_before``
  (the start instant is part of the key: a moved interview is a new event,
  so it is reminded again even when the old reminder was marked done)
* ``offer:<offer uid>:<deadline>:48h`` and ``…:24h`` (likewise)
* ``stall:<date of the last application>``
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.values import Stage
from services.calendar.entry_types import (
    CalendarEntry,
    EntryKind,
    day_text,
    role_at,
    to_instant,
)
from services.core.instants import zone_of

__all__ = [
    "EVENING_BEFORE",
    "KIND_LABELS",
    "MORNING",
    "OFFER_WARNING_HOURS",
    "WAITING_STAGES",
    "ReminderKind",
    "Unthanked",
    "Wanted",
    "follow_up_reminder",
    "interview_reminders",
    "interview_title",
    "key_round_uid",
    "offer_reminders",
    "stall_reminder",
    "thank_you_reminders",
    "when_text",
]

#: The local time of the "interview tomorrow" reminder, on the day before.
EVENING_BEFORE = time(18, 0)
#: The local time of morning reminders (search stalled; "tomorrow morning" snooze).
MORNING = time(9, 0)
#: Hours before an offer deadline when a reminder is due, earliest first.
OFFER_WARNING_HOURS = (48, 24)
#: Stages in which an application is waiting for the employer.
WAITING_STAGES = frozenset({Stage.INTERVIEWING.value, Stage.AWAITING_RESPONSE.value})


class ReminderKind(StrEnum):
    """What a reminder is about. The values are stored in ``reminder.kind``."""

    THANK_YOU = "thank_you"
    RECRUITER_UPDATE = "recruiter_update"
    FOLLOW_UP = "follow_up"
    OFFER_DEADLINE = "offer_deadline"
    INTERVIEW_TOMORROW = "interview_tomorrow"
    INTERVIEW_SOON = "interview_soon"
    SEARCH_STALLED = "search_stalled"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        """The kind as the user reads it (a notification's or a menu entry's title)."""
        return KIND_LABELS[self]


KIND_LABELS = {
    ReminderKind.THANK_YOU: "Send a thank-you note",
    ReminderKind.RECRUITER_UPDATE: "Update the recruiter",
    ReminderKind.FOLLOW_UP: "Follow up",
    ReminderKind.OFFER_DEADLINE: "Offer deadline",
    ReminderKind.INTERVIEW_TOMORROW: "Interview tomorrow",
    ReminderKind.INTERVIEW_SOON: "Interview in an hour",
    ReminderKind.SEARCH_STALLED: "Keep the search going",
    ReminderKind.CUSTOM: "Reminder",
}


@dataclass(frozen=True)
class Wanted:
    """A reminder the data calls for: its key, kind, due instant (UTC), text and application.

    ``expires_at`` is when it stops making sense by itself (an interview that
    has started, an offer deadline that has passed); None when only a change
    in the data ends it.
    """

    key: str
    kind: ReminderKind
    due_at: datetime
    text: str
    application_id: int | None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Unthanked:
    """An interviewer of a round who has not been thanked yet."""

    uid: str
    name: str
    title: str = ""


def key_round_uid(key: str) -> str | None:
    """The uid of the interview round a derived key is about (None for other subjects)."""
    parts = key.split(":")
    if len(parts) >= 3 and parts[1] == "round":
        return parts[2]
    return None


def _stamp(instant: datetime) -> str:
    """A compact UTC stamp for keys: ``20240514T0930Z``."""
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def when_text(instant: datetime, zone: ZoneInfo) -> str:
    """``Tue 14 May 2024 at 09:30`` on the clock of ``zone``."""
    local = instant.astimezone(zone)
    return f"{day_text(local.date())} at {local:%H:%M}"


def _event_when(instant: datetime, zone: ZoneInfo, event_zone: str) -> str:
    """When, on the user's clock, and on the event's clock too when that differs."""
    text = when_text(instant, zone)
    if event_zone and event_zone != zone.key:
        other = instant.astimezone(zone_of(event_zone))
        text += f" ({other:%H:%M} {event_zone})"
    return text


def interview_title(key: str, now: datetime, zone: ZoneInfo) -> str | None:
    """"Interview today" or "…tomorrow" for an interview reminder's key, said at ``now`` in
    ``zone`` (an interview added late is announced on its day); None for other keys."""
    parts = key.split(":")
    try:
        start = datetime.strptime(parts[-2], "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except (ValueError, IndexError):
        return None
    days = (start.astimezone(zone).date() - now.astimezone(zone).date()).days
    titles = {0: "Interview today", 1: "Interview tomorrow"} if parts[0] == "interview" else {}
    return titles.get(days)


def _at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return to_instant(datetime.combine(day, clock), zone)


def _alarm_instant(entry: CalendarEntry, zone: ZoneInfo, default_minutes: int) -> datetime:
    """The instant of an entry's alarm (for an all-day entry: on its day, in ``zone``)."""
    minutes = default_minutes if entry.alarm_minutes is None else entry.alarm_minutes
    if entry.all_day:
        return to_instant(datetime.combine(entry.start, time()) - timedelta(minutes=minutes),
                          zone)
    return entry.start - timedelta(minutes=minutes)


def _round_name(title: str) -> str:
    return " ".join(title.split()) or "interview"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _company_role(entry: CalendarEntry) -> str:
    return role_at(entry.role, entry.company)


# -- interviews ---------------------------------------------------------------------------------


def interview_reminders(entry: CalendarEntry, zone: ZoneInfo, round_uid: str | None = None,
                        round_title: str = "") -> list[Wanted]:
    """"Interview tomorrow" (18:00 local the day before; expires when the hour-before one is
    due) and "interview in an hour" (expires when the interview starts)."""
    if entry.kind != EntryKind.INTERVIEW or entry.all_day:
        return []
    uid = round_uid or entry.source_uid
    start = entry.start
    hour_before = _alarm_instant(entry, zone, 60)
    base = f"interview:round:{uid}:{_stamp(start)}"
    when = _event_when(start, zone, entry.tz_name)
    round_name = _round_name(round_title)
    local_day = start.astimezone(zone).date()
    evening = _at_local(local_day - timedelta(days=1), EVENING_BEFORE, zone)
    found = [Wanted(
        f"{base}:day_before", ReminderKind.INTERVIEW_TOMORROW, min(evening, hour_before),
        f"{_capital(round_name)} for {_company_role(entry)} on {when}. "
        "Prepare your questions, and ask how long their process takes.",
        entry.application_id, expires_at=hour_before,
    )]
    place = f" Join: {entry.url}" if entry.url else (
        f" Where: {entry.location}." if entry.location else "")
    found.append(Wanted(
        f"{base}:hour_before", ReminderKind.INTERVIEW_SOON, hour_before,
        f"{_capital(round_name)} for {_company_role(entry)} starts at "
        f"{start.astimezone(zone):%H:%M}.{place}",
        entry.application_id, expires_at=start,
    ))
    return found


# -- thank-you notes ----------------------------------------------------------------------------


def thank_you_reminders(entry: CalendarEntry, round_uid: str, *, is_agency: bool,
                        round_title: str = "", agency_name: str = "", recruiter_name: str = "",
                        unthanked: Sequence[Unthanked] = ()) -> list[Wanted]:
    """One reminder per interviewer still to thank (agency: one to update the recruiter).

    ``entry`` is the round's thank-you deadline entry; the reminders are due
    at its alarm (``reminders.thanks_after_hours`` after the round ends).
    """
    if entry.kind != EntryKind.THANK_YOU_DEADLINE:
        return []
    due = _alarm_instant(entry, ZoneInfo("UTC"), 0)
    base = f"thanks:round:{round_uid}"
    round_name = _round_name(round_title)
    what = f"the {round_name} for {_company_role(entry)}"
    if is_agency:
        recruiter = recruiter_name or "your recruiter"
        agency = agency_name or "the agency"
        return [Wanted(
            f"{base}:recruiter", ReminderKind.RECRUITER_UPDATE, due,
            f"Tell {recruiter} at {agency} how {what} went, and thank the interviewers "
            "through them: the agency is your contact.",
            entry.application_id,
        )]
    if not unthanked:
        return [Wanted(
            f"{base}:round", ReminderKind.THANK_YOU, due,
            f"Send a personal thank-you note after {what}.",
            entry.application_id,
        )]
    found = []
    for person in unthanked:
        title = f" ({person.title})" if person.title else ""
        found.append(Wanted(
            f"{base}:interviewer:{person.uid}", ReminderKind.THANK_YOU, due,
            f"Thank {person.name}{title} for {what}. Make it personal: "
            "mention what you talked about.",
            entry.application_id,
        ))
    return found


# -- follow-ups ---------------------------------------------------------------------------------


def follow_up_reminder(entry: CalendarEntry, zone: ZoneInfo, round_uid: str, *, stage: str,
                       news_since_round: bool, expected: date | None,
                       last_email_at: datetime | None, is_agency: bool = False,
                       recruiter_name: str = "", agency_name: str = "") -> Wanted | None:
    """The follow-up reminder of a follow-up entry, at its alarm (09:00 local on its day),
    unless something happened since the round (see the module's rules)."""
    if entry.kind != EntryKind.FOLLOW_UP or stage not in WAITING_STAGES or news_since_round:
        return None
    if expected is not None and last_email_at is not None and (
            last_email_at >= _at_local(expected, time(), zone)):
        return None
    due = _alarm_instant(entry, zone, -9 * 60)
    since = f" since the answer expected on {day_text(expected)}" if expected else ""
    if is_agency:
        recruiter = recruiter_name or "your recruiter"
        agency = agency_name or "the agency"
        text = (f"No news about {_company_role(entry)}{since}. Ask {recruiter} at {agency} "
                "where the process stands: follow-ups go through the agency.")
    else:
        text = (f"No news about {_company_role(entry)}{since}. Send a short, friendly "
                "follow-up and ask where the process stands.")
    return Wanted(f"follow_up:round:{round_uid}", ReminderKind.FOLLOW_UP, due, text,
                  entry.application_id)


# -- offers -------------------------------------------------------------------------------------


def offer_reminders(entry: CalendarEntry, zone: ZoneInfo, other_open: int) -> list[Wanted]:
    """48 and 24 hours before an offer's deadline (the first expires when the second is due,
    the second at the deadline); ``other_open`` counts the user's other open applications
    (when there are some, the text advises asking for more time)."""
    if entry.kind != EntryKind.OFFER_DEADLINE or entry.all_day:
        return []
    deadline = entry.start
    base = f"offer:{entry.source_uid}:{_stamp(deadline)}"
    when = _event_when(deadline, zone, entry.tz_name)
    if other_open > 0:
        noun = "application is" if other_open == 1 else "applications are"
        advice = (f" {other_open} other {noun} still open: if you want their answers first, "
                  f"ask {entry.company} for a little more time now; that is common and often "
                  "granted.")
    else:
        advice = " Ask for a little more time if you need it to decide."
    found = []
    hours = sorted(OFFER_WARNING_HOURS, reverse=True)
    for index, before in enumerate(hours):
        due = deadline - timedelta(hours=before)
        lapses = deadline - timedelta(hours=hours[index + 1]) if index + 1 < len(hours) else (
            deadline)
        found.append(Wanted(
            f"{base}:{before}h", ReminderKind.OFFER_DEADLINE, due,
            f"The offer for {_company_role(entry)} needs your answer by {when}.{advice}",
            entry.application_id, expires_at=lapses,
        ))
    return found


# -- the search as a whole ----------------------------------------------------------------------


def stall_reminder(last_applied: date | None, open_counts: Mapping[str, int], *,
                   stall_days: int, weekly_goal: int, zone: ZoneInfo) -> Wanted | None:
    """"Keep the search going" when every open application is waiting (and one is) and the
    last application is ``stall_days`` old; due at 09:00 local on that day.

    ``open_counts`` maps each open stage to its number of applications.
    """
    counts = {stage: count for stage, count in open_counts.items() if count > 0}
    if last_applied is None or not counts:
        return None
    if any(stage not in WAITING_STAGES for stage in counts):
        return None
    due_day = last_applied + timedelta(days=max(int(stall_days), 1))
    due = _at_local(due_day, MORNING, zone)
    waiting = sum(counts.values())
    noun = "application is" if waiting == 1 else "applications are"
    every = "the" if waiting == 1 else f"all {waiting}"
    goal = f" Your goal is {weekly_goal} a week." if weekly_goal else ""
    return Wanted(
        f"stall:{last_applied.isoformat()}", ReminderKind.SEARCH_STALLED, due,
        f"No new application since {day_text(last_applied)}, and {every} open {noun} "
        f"waiting for an answer. Keep the search going: apply to one more role today.{goal}",
        None,
    )
