"""Changing a reminder's state: shown, snoozed (and the snooze choices), done.

The scheduler and the tray call :func:`mark_shown` (notified or listed),
:func:`snooze` (with one of :func:`snooze_presets`) and :func:`done`; each
change is committed at once, and a done reminder stays done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.base import database_proxy
from services.calendar.entry_types import to_instant
from services.reminders.rules import MORNING
from services.reminders.table import (
    DONE,
    SHOWN,
    SNOOZED,
    aware,
    chunks,
    marks,
    stored,
    zone_or_users,
)

__all__ = ["done", "mark_shown", "snooze", "snooze_presets"]


def _ids(ids: Iterable[int]) -> list[int]:
    return sorted({int(reminder_id) for reminder_id in ids})


def _update_unless_done(ids: Iterable[int], assignments: str, values: tuple) -> int:
    """``UPDATE reminder SET <assignments>`` for these ids, done ones excepted, in one
    transaction; return how many changed."""
    changed = 0
    with database_proxy.atomic():
        for chunk in chunks(_ids(ids)):
            changed += database_proxy.execute_sql(
                f"UPDATE reminder SET {assignments} "
                f"WHERE id IN ({marks(chunk)}) AND state != ?",
                (*values, *chunk, DONE),
            ).rowcount
    return changed


def mark_shown(ids: Iterable[int], now: datetime) -> int:
    """Record that these reminders were shown (notified or listed); return how many changed.

    Done reminders stay done. Committed at once.
    """
    now_text = stored(aware(now, "now"))
    return _update_unless_done(ids, "state = ?, shown_at = ?, snoozed_until = NULL",
                               (SHOWN, now_text))


def snooze(ids: Iterable[int], until: datetime) -> int:
    """Snooze these reminders until ``until``; return how many changed. Committed at once."""
    until_text = stored(aware(until, "until"))
    return _update_unless_done(ids, "state = ?, snoozed_until = ?", (SNOOZED, until_text))


def done(ids: Iterable[int], now: datetime) -> int:
    """Mark these reminders done (never shown again); return how many changed."""
    now_text = stored(aware(now, "now"))
    return _update_unless_done(ids, "state = ?, done_at = ?, snoozed_until = NULL",
                               (DONE, now_text))


def snooze_presets(now: datetime, zone: ZoneInfo | str | None = None) -> dict[str, datetime]:
    """The snooze choices offered with a reminder, in menu order, as UTC instants.

    * "1 hour", "3 hours": from ``now``;
    * "Tomorrow morning": 09:00 local on the next day — or today at 09:00
      when it is not yet 05:00 (at 2 a.m., "tomorrow morning" means after
      the night);
    * "Next Monday morning": 09:00 local on the next Monday (a week ahead on
      a Monday).

    Local times follow the zone's daylight-saving rules.
    """
    now = aware(now, "now").replace(microsecond=0)
    zone = zone_or_users(zone)
    local = now.astimezone(zone)
    morning_day = local.date() if local.hour < 5 else local.date() + timedelta(days=1)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return {
        "1 hour": now + timedelta(hours=1),
        "3 hours": now + timedelta(hours=3),
        "Tomorrow morning": to_instant(datetime.combine(morning_day, MORNING), zone),
        "Next Monday morning": to_instant(datetime.combine(monday, MORNING), zone),
    }
