"""Every dated entry of the job search, read from the data: the one source of dates.

The calendar, its iCalendar export and the reminders all read their dates
here, so they can never disagree. The rest of the app calls
:func:`entries_between`, :func:`entries_for_day`, :func:`upcoming` and
:func:`counts_by_day` (the month grid: how many entries of each kind fall on
each day). Only the rows whose dates can fall in a range are read
(:mod:`services.calendar.fact_queries`); the entries come from the rules of
:mod:`services.calendar.entry_rules`, and are the values of
:mod:`services.calendar.entry_types`. The latest round that has started of
each open application, which gives the expected responses and follow-ups, is
remembered between calls while the database has not changed.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import clock
from services.applications.prospects import add_business_days, expected_response
from services.applications.validation import MAX_DURATION_MINUTES
from services.calendar import fact_queries
from services.calendar.entry_facts import Rules
from services.calendar.entry_rules import derive
from services.calendar.entry_types import (
    KIND_ORDER,
    KIND_RANK,
    THANK_YOU_HOURS,
    CalendarEntry,
    EntryKind,
    local_midnight,
)
from services.core.instants import utc_text, zone_of

__all__ = [
    "counts_by_day",
    "entries_between",
    "entries_for_day",
    "upcoming",
]

#: Far enough back that any expected response or follow-up reaching a range is found:
#: a time frame is at most 366 calendar days (about 262 business days).
_TIMEFRAME_REACH_DAYS = 380
_FAR_FUTURE = date(9000, 1, 1)


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
    rules = fact_queries.rules_from_settings() if rules is None else rules
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
    low_dt = local_midnight(start_date, zone)
    high_dt = local_midnight(end_date + timedelta(days=1), zone)
    low, high = utc_text(low_dt), utc_text(high_dt)
    rounds = fact_queries.round_facts(utc_text(low_dt - _THANKS_REACH), high)
    latest = _latest_hits(start_date, end_date, now, rules)
    responses = fact_queries.response_facts(sorted(round_id for round_id, _e, _f in latest))
    offers = fact_queries.offer_facts(low, high)
    reminders = fact_queries.reminder_facts(low, high)
    # An instant is on a day in [start_date, end_date] in ``zone`` exactly when it lies
    # between the local midnights that bound the range, so timed entries need no
    # conversion to be kept, and sorted by instant they are sorted by local day too.
    rank = KIND_RANK
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
        midnight = local_midnight(day, zone)
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

    A change is seen through SQLite itself
    (:func:`~services.calendar.fact_queries.database_state`).
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
        con, key = fact_queries.database_state()
        now_text = utc_text(now)
        if con is not self.connection or key != self.key \
                or not (self.valid_from <= now_text < self.valid_until):
            self.connection = con
            self.rows, following = fact_queries.latest_started_rounds(now_text)
            self.key = key
            self.valid_from = max((row[-1] for row in self.rows), default="")
            self.valid_from = min(self.valid_from, now_text)
            self.valid_until = following or "~"  # "~" sorts after any instant text
        return self.rows


_LATEST = _LatestRounds()


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
    rules = fact_queries.rules_from_settings() if rules is None else rules
    grid = _DayGrid(first, last, zone)
    _count_rounds(grid)
    grid.count(EntryKind.OFFER_DEADLINE, fact_queries.offer_deadlines(grid.low, grid.high))
    grid.count(EntryKind.CUSTOM_REMINDER, fact_queries.reminder_dues(grid.low, grid.high))
    counts = grid.counts()
    for _round_id, expected, follow_up in _latest_hits(first, last, now, rules):
        for kind, when in ((EntryKind.EXPECTED_RESPONSE, expected),
                           (EntryKind.FOLLOW_UP, follow_up)):
            if first <= when <= last:
                per_day = counts.setdefault(when, {})
                per_day[kind] = per_day.get(kind, 0) + 1
    return counts


class _DayGrid:
    """Counts per kind of the timed entries on the days ``first``..``last`` in ``zone``."""

    def __init__(self, first: date, last: date, zone: ZoneInfo) -> None:
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 2)]
        # The local midnights as POSIX seconds: bounds[k] starts days[k]; an instant s is on
        # days[right(bounds, s) - 1].
        self.bounds = [local_midnight(day, zone).timestamp() for day in self.days]
        del self.days[-1]
        self.lowest, self.highest = self.bounds[0], self.bounds[-1]
        self.per_kind = {kind: [0] * (len(self.days) + 1) for kind in KIND_ORDER}
        self.low_dt = datetime.fromtimestamp(self.lowest, UTC)
        self.low = utc_text(self.low_dt)
        self.high = utc_text(datetime.fromtimestamp(self.highest, UTC))

    def count(self, kind: EntryKind, rows: Iterable[tuple[str]]) -> None:
        """Count each instant (a UTC text, within the grid's days) of ``rows`` as ``kind``."""
        found, bounds = self.per_kind[kind], self.bounds
        right, fromiso = bisect.bisect_right, datetime.fromisoformat
        for (text,) in rows:
            found[right(bounds, fromiso(text).timestamp())] += 1

    def counts(self) -> dict[date, dict[EntryKind, int]]:
        """The counts by day, then kind (days without entries left out)."""
        counts: dict[date, dict[EntryKind, int]] = {}
        for kind in KIND_ORDER:
            for at, number in enumerate(self.per_kind[kind]):
                if number:
                    counts.setdefault(self.days[at - 1], {})[kind] = number
        return counts


def _count_rounds(grid: _DayGrid) -> None:
    """Count the interviews and the thank-you deadlines still pending on the grid's days."""
    rows = fact_queries.round_starts(utc_text(grid.low_dt - _THANKS_REACH), grid.high)
    to_check = [row[0] for row in rows if row[3]]
    thanks = fact_queries.thanks_by_round(to_check) if to_check else {}
    interviews = grid.per_kind[EntryKind.INTERVIEW]
    deadlines = grid.per_kind[EntryKind.THANK_YOU_DEADLINE]
    bounds, lowest, highest = grid.bounds, grid.lowest, grid.highest
    right, fromiso = bisect.bisect_right, datetime.fromisoformat
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
