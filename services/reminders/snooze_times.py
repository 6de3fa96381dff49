"""The snooze choices offered with a reminder: :func:`snooze_presets`.

Time arithmetic only (no database): the panel and the tray build their snooze menus from it
without loading the ORM.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.calendar.entry_types import to_instant
from services.reminders.rules import MORNING
from services.reminders.table import aware, zone_or_users

__all__ = ["snooze_presets"]


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
