"""Recomputing the reminders and taking what is due: the work the scheduler
(:mod:`ui.reminders.scheduler`) runs, on its worker thread or on the UI thread.

:func:`recompute` syncs the derived reminders (:func:`services.reminders.sync.sync`, about a
third of a second of CPU with 10,000 applications), takes the reminders a query finds
(:func:`services.reminders.queries.due`, or those missed while the app was closed) and marks
them shown. A reminder that merely came due needs no sync: ``resync=False`` skips it.
:func:`run_pass` does that and reads what the window needs next (the reminders to list, the
next due instant): the pass the window runs in a child process
(:mod:`services.reminders.pass_process`), or on a worker thread (:func:`run_pass_on_worker`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from services.core.connection import thread_connection
from services.reminders.pass_answer import PassAnswer
from services.reminders.queries import due, next_due_instant, outstanding
from services.reminders.states import mark_shown
from services.reminders.sync import SyncResult, sync

__all__ = ["recompute", "run_pass", "run_pass_on_worker"]


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


def run_pass(now: datetime, zone: ZoneInfo, resync: bool = True) -> PassAnswer:
    """One pass: :func:`recompute` (taking what is due now), then the reminders to list and
    the next due instant, as a :class:`PassAnswer`."""
    result, taken = recompute(now, zone, due, resync)
    return PassAnswer(str(result), result.changed, taken, outstanding(now),
                      next_due_instant(now))


def run_pass_on_worker(now: datetime, zone: ZoneInfo, resync: bool = True) -> PassAnswer:
    """:func:`run_pass` on a worker thread, on a connection of its own."""
    with thread_connection():
        return run_pass(now, zone, resync)
