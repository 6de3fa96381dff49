"""One reminders' pass: what the scheduler (:mod:`ui.reminders.scheduler`) runs, in a child
process (:mod:`services.reminders.pass_process`, the app's) or on a worker thread
(:func:`run_pass_on_worker`).

:func:`run_pass` syncs the derived reminders (:func:`services.reminders.sync.sync`, about a
third of a second of CPU with 10,000 applications), takes the reminders that are due
(:func:`services.reminders.queries.due`; at start, those that came due while the app was
closed) and marks them shown, then reads what the window needs next: the reminders to list
and the next due instant. A reminder that merely came due needs no sync: ``resync=False``
skips it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from services.core.connection import thread_connection
from services.reminders.pass_answer import PassAnswer
from services.reminders.queries import due, next_due_instant, outstanding
from services.reminders.states import mark_shown
from services.reminders.sync import SyncResult, sync

__all__ = ["run_pass", "run_pass_on_worker"]


def run_pass(now: datetime, zone: ZoneInfo, resync: bool = True) -> PassAnswer:
    """One pass (see the module), as a :class:`PassAnswer`."""
    result = sync(now, zone) if resync else SyncResult()
    taken = due(now)
    if taken:
        mark_shown([item.id for item in taken], now)
    return PassAnswer(str(result), result.changed, taken, outstanding(now),
                      next_due_instant(now))


def run_pass_on_worker(now: datetime, zone: ZoneInfo, resync: bool = True) -> PassAnswer:
    """:func:`run_pass` on a worker thread, on a connection of its own."""
    with thread_connection():
        return run_pass(now, zone, resync)
