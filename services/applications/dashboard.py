"""The dashboard's figures: where the search stands and what needs doing, read in one go.

The rest of the app calls :func:`compute`, which reads everything the
dashboard shows with a handful of aggregate SQL queries (no ORM rows, no Qt),
so it takes a few milliseconds with 10,000 applications. The rules it applies:

* **By stage** — every stage in the list's pipeline order
  (:data:`services.applications.list_rows.STAGE_ORDER`), zero counts included;
  stage values the app does not know (a newer file) come last.
* **Waiting**, **overdue follow-ups** and **overdue thank-you notes** — see
  :mod:`services.applications.overdue`.
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

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.base import database_proxy
from models.values import OPEN_STAGES, STAGE_LABELS
from services.applications.list_rows import STAGE_ORDER
from services.applications.overdue import (
    OverdueItem,
    WaitingItem,
    local_day,
    overdue_thank_yous,
    waiting_and_follow_ups,
)
from services.core import settings
from services.core.instants import instant_from_text, list_day_text, utc_text

__all__ = [
    "INTERVIEW_DAYS", "WEEKS", "DashboardFigures", "InterviewItem", "OfferItem", "StageCount",
    "WeekBar", "compute", "day_text", "week_start",
]

#: Weeks shown in the weekly chart, the current one included.
WEEKS = 12
#: Days ahead the interview list looks.
INTERVIEW_DAYS = 7
#: Default grace before a follow-up (``reminders.follow_up_grace_business_days``).
DEFAULT_GRACE_BUSINESS_DAYS = 2

_OPEN_VALUES = tuple(sorted(stage.value for stage in OPEN_STAGES))


# --- What compute returns ---------------------------------------------------------------------


class StageCount(NamedTuple):
    """How many applications are in one stage."""

    stage: str
    label: str
    count: int


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


def _marks(values: tuple | list) -> str:
    return ",".join("?" * len(values))


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _connection() -> sqlite3.Connection:
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
        grace_business_days = settings.read_from(con, "reminders.follow_up_grace_business_days")
    if default_business_days is None:
        default_business_days = settings.read_from(con,
                                                   "outlook.default_response_business_days")
    now = now.astimezone(UTC)
    today = now.astimezone(zone).date()
    now_text = utc_text(now)

    by_stage, total = _by_stage(con)
    waiting, follow_ups = waiting_and_follow_ups(con, now_text, today, zone,
                                                 default_business_days, grace_business_days)
    overdue = follow_ups + overdue_thank_yous(con, now, now_text, zone)
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
        day = date.fromisoformat(applied_on[:10]) if applied_on else local_day(created_at, zone)
        if first <= day < end:
            counts[(day - first).days // 7] += count
    return [WeekBar(first + timedelta(weeks=number), count) for number, count in enumerate(counts)]
