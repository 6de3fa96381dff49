"""What the reminders say now: which are due, which to list, when the next one comes.

Each answer is a list of :class:`services.reminders.items.ReminderItem`. The
reminders' pass (:func:`services.reminders.delivery.run_pass`) calls :func:`due`
(notify these now; at start, those that came due while the app was closed:
:func:`missed_since_last_run`), :func:`outstanding` (list these) and
:func:`next_due_instant` (when to look again; one indexed lookup with :data:`DUE_INDEX`);
:func:`get` reads one by id. Every function takes ``now``, an aware instant.
"""

from __future__ import annotations

from datetime import datetime

from models.base import database_proxy
from services.core.instants import instant_from_text
from services.reminders.items import (
    ITEM_COLUMNS,
    ReminderItem,
    due_instant_of,
    items_from_rows,
)
from services.reminders.table import PENDING, SHOWN, SNOOZED, aware, stored

__all__ = [
    "DUE_INDEX",
    "due",
    "get",
    "missed_since_last_run",
    "next_due_instant",
    "outstanding",
    "outstanding_ids",
]

#: The index that makes :func:`next_due_instant` index-only (``Reminder.Meta.indexes``;
#: schema 3 and later).
DUE_INDEX = "reminder_state_due_at_snoozed_until"


# -- reading ---------------------------------------------------------------------------------


def due(now: datetime) -> list[ReminderItem]:
    """The reminders to notify now: pending and due, or snoozed until ``now`` or earlier."""
    now_text = stored(aware(now, "now"))
    rows = database_proxy.execute_sql(
        f"SELECT {ITEM_COLUMNS} FROM reminder WHERE state = ? AND due_at <= ? "
        f"UNION ALL SELECT {ITEM_COLUMNS} FROM reminder WHERE state = ? AND snoozed_until <= ?",
        (PENDING, now_text, SNOOZED, now_text),
    ).fetchall()
    return items_from_rows(rows, database_proxy.execute_sql)


def outstanding(now: datetime) -> list[ReminderItem]:
    """What the tray menu and the panel list: the due reminders and those shown but not yet
    done or snoozed, earliest first."""
    rows = _outstanding_rows(ITEM_COLUMNS, now)
    return items_from_rows(rows, database_proxy.execute_sql)


def outstanding_ids(now: datetime) -> list[int]:
    """The ids of :func:`outstanding`, in its order (for a list that reads its items when
    shown: :class:`services.reminders.listing.ReminderRows`)."""
    rows = _outstanding_rows("id, state, due_at, snoozed_until", now)
    rows.sort(key=lambda row: (due_instant_of(row[1], instant_from_text(row[2]),
                                              instant_from_text(row[3])), row[0]))
    return [row[0] for row in rows]


def _outstanding_rows(columns: str, now: datetime) -> list[tuple]:
    now_text = stored(aware(now, "now"))
    return database_proxy.execute_sql(
        f"SELECT {columns} FROM reminder WHERE state = ? AND due_at <= ? "
        f"UNION ALL SELECT {columns} FROM reminder WHERE state = ? AND snoozed_until <= ? "
        f"UNION ALL SELECT {columns} FROM reminder WHERE state = ?",
        (PENDING, now_text, SNOOZED, now_text, SHOWN),
    ).fetchall()


def missed_since_last_run(now: datetime) -> list[ReminderItem]:
    """The reminders that came due while the app was closed and were never shown.

    Call it once at start, after :func:`services.reminders.sync.sync`, show them as a
    list and then :func:`services.reminders.states.mark_shown` them: a running app
    notifies each reminder when it comes due and marks it shown, so everything due and
    not shown at start came due while the app was closed (or its snooze ended then).
    """
    return due(now)


def get(reminder_id: int) -> ReminderItem | None:
    """One reminder by id (None when it no longer exists)."""
    rows = database_proxy.execute_sql(f"SELECT {ITEM_COLUMNS} FROM reminder WHERE id = ?",
                                      (reminder_id,)).fetchall()
    items = items_from_rows(rows, database_proxy.execute_sql)
    return items[0] if items else None


def next_due_instant(now: datetime) -> datetime | None:
    """The earliest instant a reminder is (or was) due: pending ``due_at`` or snoozed
    ``snoozed_until``; None when nothing waits. In the past when something is due already.

    Two indexed reads: with :data:`DUE_INDEX` each is one lookup, whatever the number
    of reminders in any state.
    """
    aware(now, "now")
    pending = database_proxy.execute_sql("SELECT min(due_at) FROM reminder WHERE state = ?",
                                         (PENDING,)).fetchone()[0]
    snoozed = database_proxy.execute_sql(
        "SELECT min(snoozed_until) FROM reminder WHERE state = ?", (SNOOZED,)).fetchone()[0]
    found = [text for text in (pending, snoozed) if text]
    return instant_from_text(min(found)) if found else None
