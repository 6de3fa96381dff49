"""What the reminders say now: which are due, which to list, when the next one comes.

Each answer is a list of :class:`services.reminders.items.ReminderItem`. The
reminders' pass (:func:`services.reminders.delivery.run_pass`) calls :func:`due`
(notify these now; at start, those that came due while the app was closed:
:func:`missed_since_last_run`), :func:`outstanding` (list these) and
:func:`next_due_instant` (when to look again; one indexed lookup with :data:`DUE_INDEX`);
:func:`get` reads one by id. Every function takes ``now``, an aware instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.base import database_proxy
from services.core.instants import instant_from_text
from services.reminders.items import ReminderItem
from services.reminders.rules import ReminderKind, key_round_uid
from services.reminders.table import PENDING, SHOWN, SNOOZED, aware, chunks, marks, stored

__all__ = [
    "DUE_INDEX",
    "due",
    "get",
    "missed_since_last_run",
    "next_due_instant",
    "outstanding",
]

#: The index that makes :func:`next_due_instant` index-only (``Reminder.Meta.indexes``;
#: schema 3 and later).
DUE_INDEX = "reminder_state_due_at_snoozed_until"


# -- reading ---------------------------------------------------------------------------------

_COLUMNS = ("id, key, kind, text, due_at, state, application_id, custom, snoozed_until, "
            "shown_at")


def _items(rows: Sequence[tuple]) -> list[ReminderItem]:
    uids = sorted({uid for row in rows if (uid := key_round_uid(row[1]))})
    round_ids: dict[str, int] = {}
    for chunk in chunks(uids):
        round_ids.update(database_proxy.execute_sql(
            f"SELECT uid, id FROM interview_round WHERE uid IN ({marks(chunk)})", chunk))
    items = []
    for (row_id, key, kind, text, due_at, state, app_id, custom, snoozed_until,
         shown_at) in rows:
        try:
            kind_value = ReminderKind(kind)
        except ValueError:
            kind_value = ReminderKind.CUSTOM
        items.append(ReminderItem(
            row_id, key, kind_value, text or "", instant_from_text(due_at), state, app_id,
            round_ids.get(key_round_uid(key) or ""), bool(custom), instant_from_text(snoozed_until),
            instant_from_text(shown_at),
        ))
    items.sort(key=lambda item: (item.due_instant, item.id))
    return items


def due(now: datetime) -> list[ReminderItem]:
    """The reminders to notify now: pending and due, or snoozed until ``now`` or earlier."""
    now_text = stored(aware(now, "now"))
    rows = database_proxy.execute_sql(
        f"SELECT {_COLUMNS} FROM reminder WHERE state = ? AND due_at <= ? "
        f"UNION ALL SELECT {_COLUMNS} FROM reminder WHERE state = ? AND snoozed_until <= ?",
        (PENDING, now_text, SNOOZED, now_text),
    ).fetchall()
    return _items(rows)


def outstanding(now: datetime) -> list[ReminderItem]:
    """What the tray menu and the panel list: the due reminders and those shown but not yet
    done or snoozed, earliest first."""
    now_text = stored(aware(now, "now"))
    rows = database_proxy.execute_sql(
        f"SELECT {_COLUMNS} FROM reminder WHERE state = ? AND due_at <= ? "
        f"UNION ALL SELECT {_COLUMNS} FROM reminder WHERE state = ? AND snoozed_until <= ? "
        f"UNION ALL SELECT {_COLUMNS} FROM reminder WHERE state = ?",
        (PENDING, now_text, SNOOZED, now_text, SHOWN),
    ).fetchall()
    return _items(rows)


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
    rows = database_proxy.execute_sql(f"SELECT {_COLUMNS} FROM reminder WHERE id = ?",
                                      (reminder_id,)).fetchall()
    items = _items(rows)
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
