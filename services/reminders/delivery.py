"""Recomputing the reminders and taking what is due: the work the scheduler
(:mod:`ui.reminders.scheduler`) runs, on its worker thread or on the UI thread.

:func:`recompute` syncs the derived reminders (:func:`services.reminders.sync.sync`, about a
third of a second of CPU with 10,000 applications), takes the reminders a query finds
(:func:`services.reminders.queries.due`, or those missed while the app was closed) and marks
them shown. A reminder that merely came due needs no sync: ``resync=False`` skips it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from services.core.connection import thread_connection
from services.reminders.states import mark_shown
from services.reminders.sync import SyncResult, sync

__all__ = ["recompute", "recompute_on_worker"]


def recompute(now: datetime, zone: ZoneInfo, take: Callable[[datetime], list],
              resync: bool = True) -> tuple:
    """Sync the derived reminders (unless not ``resync``), take those ``take(now)`` finds
    (``due`` or the missed ones) and mark them shown: (the sync's result, the taken
    reminders)."""
    result = sync(now, zone) if resync else SyncResult()
    items = take(now)
    if items:
        mark_shown([item.id for item in items], now)
    return result, items


def recompute_on_worker(now: datetime, zone: ZoneInfo, take: Callable[[datetime], list],
                        resync: bool = True) -> tuple:
    """:func:`recompute` on a worker thread, on a connection of its own."""
    with thread_connection():
        return recompute(now, zone, take, resync)
