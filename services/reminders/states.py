"""Changing a reminder's state: shown, snoozed (and the snooze choices), done.

The scheduler and the tray call :func:`mark_shown` (notified or listed),
:func:`snooze` (with one of
:func:`services.reminders.snooze_times.snooze_presets`) and :func:`done`; each
change is committed at once, and a done reminder stays done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from models.base import database_proxy
from services.reminders.table import (
    DONE,
    SHOWN,
    SNOOZED,
    aware,
    chunks,
    marks,
    stored,
)

__all__ = ["done", "mark_shown", "snooze"]


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
