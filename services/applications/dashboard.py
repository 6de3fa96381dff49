"""The dashboard's figures: where the search stands and what needs doing, read in one go.

:func:`compute` reads everything the dashboard shows with a handful of
aggregate SQL queries (no ORM rows, no Qt), so it takes a few milliseconds
with 10,000 applications. The rules it applies:

* **By stage** — every stage in the list's pipeline order
  (:data:`services.applications.index.STAGE_ORDER`), zero counts included;
  stage values the app does not know (a newer file) come last.
* **Waiting** — applications *awaiting response*, and applications
  *interviewing* whose latest past round is behind them with no round ahead.
  They wait since the day of their latest past round (in the round's own
  zone); without one, since the last change to *awaiting response*; without
  that, since the day they were applied for (or added). The expected answer
  comes from :func:`services.applications.prospects.expected_response` over the latest past
  round, exactly as the application list computes it. Longest wait first.
* **Overdue follow-ups** — waiting applications whose expected response date
  plus ``reminders.follow_up_grace_business_days`` business days has come
  (that day is the due date), with no stage change and no follow-up email
  sent on or after the expected date.
* **Overdue thank-you notes** — for the latest past round of an application
  still in progress (*applied*, *interviewing*, *awaiting response*), once
  24 hours have passed since the round ended: the interviewers not yet
  thanked (no email in state *sent* or *marked sent* to them), or for an
  agency application, the recruiter not yet updated. A note older than
  :data:`THANK_YOU_STALE_DAYS` days is no longer worth sending and drops off.
* **Interviews** — rounds not cancelled, of open applications, that have not
  ended yet and start within the next seven days.
* **Offers** — pending offers of open applications, with the days left to
  the deadline counted in calendar days of the user's zone (0 = today,
  negative = past). Nearest deadline first; offers without one last.
* **Weekly** — applications per week (weeks start on Monday, in the user's
  zone) over the last 12 weeks including the current one, by the day applied,
  or the day added when that is unknown.

"Today" is ``now`` in the user's zone.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.values import OPEN_STAGES, STAGE_LABELS, Channel, EmailState, Stage
from services.applications.index import STAGE_ORDER
from services.applications.prospects import (
    DEFAULT_RESPONSE_BUSINESS_DAYS,
    add_business_days,
    expected_response,
)
from services.core.instants import instant_from_text, list_day_text, utc_text, zone_of

__all__ = [
    "INTERVIEW_DAYS", "THANK_YOU_AFTER_HOURS", "THANK_YOU_STALE_DAYS", "WEEKS",
    "DashboardFigures", "InterviewItem", "OfferItem", "OverdueItem", "StageCount",
    "WaitingItem", "WeekBar", "compute", "day_text", "week_start",
]

#: Weeks shown in the weekly chart, the current one included.
WEEKS = 12
#: Days ahead the interview list looks.
INTERVIEW_DAYS = 7
#: A thank-you note is due this long after the round ended.
THANK_YOU_AFTER_HOURS = 24
#: A thank-you note this many days after the round is no longer listed.
THANK_YOU_STALE_DAYS = 14
#: Default grace before a follow-up (``reminders.follow_up_grace_business_days``).
DEFAULT_GRACE_BUSINESS_DAYS = 2

_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)
_IN_PROGRESS = (Stage.APPLIED.value, Stage.INTERVIEWING.value, Stage.AWAITING_RESPONSE.value)
_OPEN_VALUES = tuple(sorted(stage.value for stage in OPEN_STAGES))
_FOLLOW_UP_TEMPLATE = "follow_up"
_AGENCY_TEMPLATE = "agency_update"


# --- What compute returns ---------------------------------------------------------------------


class StageCount(NamedTuple):
    """How many applications are in one stage."""

    stage: str
    label: str
    count: int


class WaitingItem(NamedTuple):
    """An application waiting for an answer: since when, how many days, and when it is due."""

    application_id: int
    company: str
    role: str
    since: date
    days: int
    expected: date | None


class OverdueItem(NamedTuple):
    """Something the user meant to do by ``due``: a ``"follow_up"`` or a ``"thank_you"``."""

    application_id: int
    company: str
    kind: str
    due: date
    text: str


class InterviewItem(NamedTuple):
    """An interview in the next days; ``starts_at`` is aware (UTC)."""

    application_id: int
    company: str
    role: str
    round_id: int
    title: str
    starts_at: datetime
    tz_name: str
    duration_minutes: int


class OfferItem(NamedTuple):
    """A pending offer; ``deadline`` is aware (UTC) and ``days_left`` counts calendar days in
    the user's zone (0 = today, negative = past, None without a deadline)."""

    application_id: int
    company: str
    role: str
    deadline: datetime | None
    days_left: int | None
    amount: Decimal | None
    currency: str
    offer_id: int = 0
    deadline_tz: str = "UTC"


class WeekBar(NamedTuple):
    """Applications made in the week starting on Monday ``week_start``."""

    week_start: date
    count: int


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, computed at ``now`` for ``today`` in the user's zone."""

    today: date
    total: int
    by_stage: list[StageCount] = field(default_factory=list)
    waiting: list[WaitingItem] = field(default_factory=list)
    overdue: list[OverdueItem] = field(default_factory=list)
    upcoming_interviews: list[InterviewItem] = field(default_factory=list)
    offers: list[OfferItem] = field(default_factory=list)
    weekly: list[WeekBar] = field(default_factory=list)
    weekly_goal: int = 5

    @property
    def open_count(self) -> int:
        """Applications still in progress (applied, interviewing, awaiting response, offer)."""
        return sum(item.count for item in self.by_stage if item.stage in _OPEN_VALUES)

    @property
    def is_empty(self) -> bool:
        """True when there is no application at all."""
        return self.total == 0


# --- Small helpers ----------------------------------------------------------------------------


#: ``Mon 03 Mar 2025``: fixed English names, as the application list writes days.
day_text = list_day_text


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=65536)
def _local_day(stored: str, zone: ZoneInfo) -> date:
    """The day a stored instant falls on in ``zone``; remembered, so a refresh of the
    dashboard converts only what changed since the last one."""
    return instant_from_text(stored).astimezone(zone).date()


def _on_or_after(stored: str | None, zone: ZoneInfo, day: date) -> bool:
    """True when the stored instant falls on ``day`` or later in ``zone``."""
    return stored is not None and _local_day(stored, zone) >= day


@lru_cache(maxsize=4096)
def _follow_up_text(expected: date) -> str:
    return f"Follow up: expected by {day_text(expected)}."


@lru_cache(maxsize=8192)
def _expected(day: date, value: int | None, unit: str | None, default_business_days: int) -> date:
    """:func:`services.applications.prospects.expected_response`'s date, remembered (many
    rounds share days)."""
    return expected_response(day, value, unit, default_business_days).date


@lru_cache(maxsize=8192)
def _business_days_after(day: date, count: int) -> date:
    """:func:`services.applications.prospects.add_business_days`, remembered."""
    return add_business_days(day, count)


def _marks(values: tuple | list) -> str:
    return ",".join("?" * len(values))


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _setting(con: sqlite3.Connection, key: str, default: int) -> int:
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return default
    if row is None:
        return default
    try:
        value = json.loads(row[0])
    except ValueError:
        return default
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _connection() -> sqlite3.Connection:
    from models.base import database_proxy

    return database_proxy.connection()


# --- Computing --------------------------------------------------------------------------------


def compute(
    now: datetime,
    zone: ZoneInfo,
    weekly_goal: int,
    *,
    con: sqlite3.Connection | None = None,
    grace_business_days: int | None = None,
    default_business_days: int | None = None,
) -> DashboardFigures:
    """Every figure of the dashboard at ``now`` (aware) for a user in ``zone``.

    Reads through ``con`` (default: the app's opened database). The follow-up
    grace and the business days assumed without a time frame come from the
    settings unless given.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("compute(now=...) needs a timezone-aware instant")
    if con is None:
        con = _connection()
    if grace_business_days is None:
        grace_business_days = _setting(con, "reminders.follow_up_grace_business_days",
                                       DEFAULT_GRACE_BUSINESS_DAYS)
    if default_business_days is None:
        default_business_days = _setting(con, "outlook.default_response_business_days",
                                         DEFAULT_RESPONSE_BUSINESS_DAYS)
    now = now.astimezone(UTC)
    today = now.astimezone(zone).date()
    now_text = utc_text(now)

    by_stage, total = _by_stage(con)
    waiting, follow_ups = _waiting(con, now_text, today, zone, default_business_days,
                                   grace_business_days)
    overdue = follow_ups + _thank_yous(con, now, now_text, zone)
    overdue.sort(key=lambda item: (item.due, item.company.casefold(), item.application_id,
                                   item.kind))
    return DashboardFigures(
        today=today,
        total=total,
        by_stage=by_stage,
        waiting=waiting,
        overdue=overdue,
        upcoming_interviews=_interviews(con, now),
        offers=_offers(con, today, zone),
        weekly=_weekly(con, today, zone),
        weekly_goal=weekly_goal,
    )


def _by_stage(con: sqlite3.Connection) -> tuple[list[StageCount], int]:
    counts = dict(con.execute("SELECT stage, count(*) FROM application GROUP BY stage"))
    result = [StageCount(stage.value, STAGE_LABELS[stage], counts.pop(stage.value, 0))
              for stage in STAGE_ORDER]
    for stage in sorted(counts):
        result.append(StageCount(stage, stage.replace("_", " ").capitalize(), counts[stage]))
    return result, sum(item.count for item in result)


def _waiting(con: sqlite3.Connection, now_text: str, today: date, zone: ZoneInfo,
             default_business_days: int, grace: int,
             ) -> tuple[list[WaitingItem], list[OverdueItem]]:
    """The waiting applications (longest first) and their overdue follow-ups."""
    stages = (Stage.INTERVIEWING.value, Stage.AWAITING_RESPONSE.value)
    in_stages = f"SELECT id FROM application WHERE stage IN ({_marks(stages)})"
    # Every dated round of those applications, in one pass over the application index:
    # the latest one started by now is "the latest past round" (as in the application
    # list); any later one means an interview is still ahead.
    last: dict[int, tuple] = {}
    ahead: set[int] = set()
    for app_id, starts_at, tz_name, value, unit in con.execute(
            "SELECT application_id, starts_at, tz_name, timeframe_value, timeframe_unit "
            "FROM interview_round WHERE cancelled = 0 AND starts_at IS NOT NULL "
            f"AND application_id IN ({in_stages})", stages):
        if starts_at > now_text:
            ahead.add(app_id)
        else:
            known = last.get(app_id)
            if known is None or starts_at > known[0]:
                last[app_id] = (starts_at, tz_name, value, unit)
    changes = {app_id: (latest, to_awaiting) for app_id, latest, to_awaiting in con.execute(
        "SELECT application_id, max(changed_at), "
        "max(CASE WHEN to_stage = 'awaiting_response' THEN changed_at END) "
        f"FROM stage_change WHERE application_id IN ({in_stages}) GROUP BY application_id",
        stages)}
    followed = dict(con.execute(
        "SELECT application_id, max(coalesce(sent_at, updated_at)) FROM email "
        f"WHERE template_key = ? AND state IN ({_marks(_SENT_STATES)}) "
        f"AND application_id IN ({in_stages}) GROUP BY application_id",
        (_FOLLOW_UP_TEMPLATE, *_SENT_STATES, *stages)))

    waiting: list[WaitingItem] = []
    overdue: list[OverdueItem] = []
    for app_id, company, role, stage, applied_on, created_at in con.execute(
            "SELECT id, company, role, stage, applied_on, created_at FROM application "
            f"WHERE stage IN ({_marks(stages)})", stages):
        past = last.get(app_id)
        if stage == Stage.INTERVIEWING.value and (past is None or app_id in ahead):
            continue
        expected = None
        latest_change, to_awaiting = changes.get(app_id, (None, None))
        if past is not None:
            starts_at, tz_name, value, unit = past
            since = _local_day(starts_at, zone_of(tz_name))
            expected = _expected(since, value, unit, default_business_days)
        elif to_awaiting is not None:
            since = _local_day(to_awaiting, zone)
        elif applied_on:
            since = date.fromisoformat(applied_on)
        else:
            since = _local_day(created_at, zone)
        waiting.append(WaitingItem(app_id, company, role, since, (today - since).days, expected))
        if expected is None:
            continue
        due = _business_days_after(expected, grace)
        if due > today:
            continue
        if _on_or_after(latest_change, zone, expected):
            continue  # news came after the expected date (the stage moved)
        if _on_or_after(followed.get(app_id), zone, expected):
            continue  # the user already followed up
        overdue.append(OverdueItem(
            app_id, company, "follow_up", due,
            _follow_up_text(expected),
        ))
    waiting.sort(key=lambda item: (-item.days, item.company.casefold(), item.application_id))
    return waiting, overdue


def _thank_yous(con: sqlite3.Connection, now: datetime, now_text: str,
                zone: ZoneInfo) -> list[OverdueItem]:
    """Thank-you notes (or agency updates) not sent within a day of the latest round."""
    oldest_start = utc_text(now - timedelta(days=THANK_YOU_STALE_DAYS + 2))
    rounds = []
    for (app_id, round_id, starts_at, duration, title, company, channel, agency_name,
         recruiter_name, recruiter_email) in con.execute(
            # The latest past round of each application, among the rounds of the last
            # days only: a later past round would be among them too. The index on
            # starts_at keeps this to a few rows.
            "SELECT l.application_id, l.id, l.starts_at, l.duration_minutes, l.title, "
            "a.company, a.channel, a.agency_name, a.recruiter_name, a.recruiter_email FROM "
            "(SELECT application_id, id, max(starts_at) AS starts_at, duration_minutes, title "
            "FROM interview_round WHERE cancelled = 0 AND starts_at >= ? "
            "AND starts_at <= ? GROUP BY application_id) l "
            "CROSS JOIN application a ON a.id = l.application_id "
            f"WHERE a.stage IN ({_marks(_IN_PROGRESS)})",
            (oldest_start, now_text, *_IN_PROGRESS)):
        start = instant_from_text(starts_at)
        end = start + timedelta(minutes=duration or 0)
        due_at = end + timedelta(hours=THANK_YOU_AFTER_HOURS)
        if due_at > now or now - end > timedelta(days=THANK_YOU_STALE_DAYS):
            continue
        rounds.append((app_id, round_id, start, due_at, title, company,
                       channel == Channel.AGENCY.value, agency_name, recruiter_name,
                       recruiter_email))
    if not rounds:
        return []
    round_ids = [entry[1] for entry in rounds]
    app_ids = sorted({entry[0] for entry in rounds})
    people: dict[int, list[tuple[int, str, str]]] = {}
    for person_id, round_id, name, email in con.execute(
            "SELECT id, round_id, name, email FROM interviewer "
            f"WHERE round_id IN ({_marks(round_ids)}) ORDER BY round_id, position, id",
            round_ids):
        people.setdefault(round_id, []).append((person_id, name, email.strip().lower()))
    emails: dict[int, list[tuple]] = {}
    for app_id, round_id, person_id, address, template, when in con.execute(
            "SELECT application_id, round_id, interviewer_id, lower(trim(to_address)), "
            "template_key, coalesce(sent_at, updated_at) FROM email "
            f"WHERE state IN ({_marks(_SENT_STATES)}) AND application_id IN ({_marks(app_ids)})",
            (*_SENT_STATES, *app_ids)):
        emails.setdefault(app_id, []).append(
            (round_id, person_id, address, template, instant_from_text(when)))

    items = []
    for (app_id, round_id, start, due_at, title, company, agency, agency_name, recruiter_name,
         recruiter_email) in rounds:
        sent = emails.get(app_id, [])
        what = title.strip() or "interview"
        on = day_text(start.astimezone(zone).date())
        due = due_at.astimezone(zone).date()
        if agency:
            recruiter = recruiter_email.strip().lower()
            done = any(
                e_round == round_id or (when is not None and when >= start and (
                    (recruiter and address == recruiter) or template == _AGENCY_TEMPLATE))
                for e_round, _person, address, template, when in sent)
            if done:
                continue
            who = recruiter_name.strip() or "the recruiter"
            if agency_name.strip():
                who = f"{who} at {agency_name.strip()}"
            text = f"Update {who} on the {what} of {on}."
        else:
            missing = [
                name for person_id, name, address in people.get(round_id, [])
                if not any(
                    e_person == person_id or (address and e_address == address and (
                        e_round == round_id or (when is not None and when >= start)))
                    for e_round, e_person, e_address, _template, when in sent)
            ]
            if not missing:
                continue
            text = f"Thank {_names(missing)} for the {what} of {on}."
        items.append(OverdueItem(app_id, company, "thank_you", due, text))
    return items


def _interviews(con: sqlite3.Connection, now: datetime) -> list[InterviewItem]:
    # Rounds that started up to a day ago may still be going on; refined below.
    low = utc_text(now - timedelta(days=1))
    high = utc_text(now + timedelta(days=INTERVIEW_DAYS))
    items = []
    for (round_id, app_id, starts_at, tz_name, duration, title, company, role) in con.execute(
            "SELECT r.id, r.application_id, r.starts_at, r.tz_name, r.duration_minutes, "
            "r.title, a.company, a.role FROM interview_round r "
            # CROSS JOIN keeps the rounds (found by start) as the outer loop.
            "CROSS JOIN application a ON a.id = r.application_id "
            "WHERE r.cancelled = 0 AND r.starts_at IS NOT NULL AND r.starts_at > ? "
            f"AND r.starts_at <= ? AND a.stage IN ({_marks(_OPEN_VALUES)}) "
            "ORDER BY r.starts_at, r.id", (low, high, *_OPEN_VALUES)):
        start = instant_from_text(starts_at)
        if start + timedelta(minutes=duration or 0) <= now:
            continue  # already over
        items.append(InterviewItem(app_id, company, role, round_id, title, start,
                                   tz_name or "UTC", duration or 0))
    return items


def _offers(con: sqlite3.Connection, today: date, zone: ZoneInfo) -> list[OfferItem]:
    items = []
    for (offer_id, app_id, company, role, deadline_at, deadline_tz, amount,
         currency) in con.execute(
            "SELECT o.id, o.application_id, a.company, a.role, o.deadline_at, o.deadline_tz, "
            "o.amount, o.currency FROM offer o JOIN application a ON a.id = o.application_id "
            f"WHERE o.status = 'pending' AND a.stage IN ({_marks(_OPEN_VALUES)})",
            _OPEN_VALUES):
        deadline = instant_from_text(deadline_at)
        days_left = None if deadline is None else (deadline.astimezone(zone).date() - today).days
        items.append(OfferItem(app_id, company, role, deadline, days_left, _decimal(amount),
                               currency or "", offer_id, deadline_tz or "UTC"))
    items.sort(key=lambda item: (item.deadline is None,
                                 item.deadline.timestamp() if item.deadline else 0.0,
                                 item.company.casefold(), item.offer_id))
    return items


def _weekly(con: sqlite3.Connection, today: date, zone: ZoneInfo) -> list[WeekBar]:
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    end = week_start(today) + timedelta(weeks=1)
    counts = [0] * WEEKS
    # One pass: by the day applied; without it, by the day added (converted to the user's
    # zone below, so a day's margin is read on either side).
    since = utc_text(datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC))
    for applied_on, created_at, count in con.execute(
            "SELECT applied_on, CASE WHEN applied_on IS NULL THEN created_at END, count(*) "
            "FROM application WHERE (applied_on >= ? AND applied_on < ?) "
            "OR (applied_on IS NULL AND created_at >= ?) GROUP BY 1, 2",
            (first.isoformat(), end.isoformat(), since)):
        day = date.fromisoformat(applied_on[:10]) if applied_on else _local_day(created_at, zone)
        if first <= day < end:
            counts[(day - first).days // 7] += count
    return [WeekBar(first + timedelta(weeks=number), count) for number, count in enumerate(counts)]
