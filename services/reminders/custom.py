"""The user's own reminders: add, change and delete them.

They are rows of the ``reminder`` table with ``custom`` set (key
``custom:<uid>``): :func:`services.reminders.sync.sync` never touches them,
the tray and the panel list them with the derived ones, and the calendar
shows them from the same rows. The reminder dialog calls :func:`add_custom`,
:func:`update_custom` and :func:`delete_custom`; a request that cannot be
saved is a :class:`ReminderError` with a sentence for the user.
"""

from __future__ import annotations

from datetime import datetime

from models import clock
from models.base import database_proxy, new_uid
from services.reminders.rules import ReminderKind
from services.reminders.table import PENDING, aware, stored

__all__ = ["MAX_TEXT_LENGTH", "ReminderError", "add_custom", "delete_custom", "update_custom"]

#: The longest text of a reminder the user adds.
MAX_TEXT_LENGTH = 500


class ReminderError(ValueError):
    """A reminder cannot be saved as asked; the message says why and what to do."""


def _clean_text(text: str) -> str:
    cleaned = " ".join(str(text or "").split())
    if not cleaned:
        raise ReminderError("Write what the reminder is about.")
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise ReminderError(
            f"A reminder can be up to {MAX_TEXT_LENGTH} characters long; this one has "
            f"{len(cleaned)}. Shorten it, or keep the details in the application's notes.")
    return cleaned


def _check_application(application_id: int | None) -> int | None:
    if application_id is None:
        return None
    row = database_proxy.execute_sql("SELECT id FROM application WHERE id = ?",
                                     (int(application_id),)).fetchone()
    if row is None:
        raise ReminderError("The application of this reminder no longer exists; choose "
                            "another one or none.")
    return int(row[0])


def _due(due_at: datetime) -> str:
    try:
        return stored(aware(due_at, "due_at").replace(microsecond=0))
    except ValueError as exc:
        raise ReminderError("Choose a date and time for the reminder.") from exc


def add_custom(text: str, due_at: datetime, application_id: int | None = None, *,
               now: datetime | None = None) -> int:
    """Add a reminder of the user's own; return its id. Committed at once."""
    cleaned = _clean_text(text)
    due_text = _due(due_at)
    app_id = _check_application(application_id)
    created = stored(aware(now, "now")) if now is not None else stored(clock.now())
    uid = new_uid()
    with database_proxy.atomic():
        cursor = database_proxy.execute_sql(
            "INSERT INTO reminder (uid, key, kind, application_id, due_at, text, custom, state, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (uid, f"custom:{uid}", ReminderKind.CUSTOM.value, app_id, due_text, cleaned,
             PENDING, created),
        )
        return int(cursor.lastrowid)


_UNCHANGED = object()


def update_custom(reminder_id: int, *, text: str | None = None, due_at: datetime | None = None,
                  application_id: int | object | None = _UNCHANGED) -> None:
    """Change a reminder of the user's own. A new date and time arms it again (even when it
    was done: the user asked for it). Committed at once."""
    row = database_proxy.execute_sql("SELECT due_at FROM reminder WHERE id = ? AND custom = 1",
                                     (int(reminder_id),)).fetchone()
    if row is None:
        raise ReminderError("This reminder no longer exists.")
    sets: list[str] = []
    values: list = []
    if text is not None:
        sets.append("text = ?")
        values.append(_clean_text(text))
    if due_at is not None:
        due_text = _due(due_at)
        if due_text != row[0]:
            sets.append("due_at = ?, state = ?, snoozed_until = NULL, shown_at = NULL, "
                        "done_at = NULL")
            values.extend((due_text, PENDING))
    if application_id is not _UNCHANGED:
        sets.append("application_id = ?")
        values.append(_check_application(application_id))  # type: ignore[arg-type]
    if not sets:
        return
    with database_proxy.atomic():
        database_proxy.execute_sql(f"UPDATE reminder SET {', '.join(sets)} WHERE id = ?",
                                   (*values, int(reminder_id)))


def delete_custom(reminder_id: int) -> bool:
    """Delete a reminder of the user's own; False when there was none. Committed at once."""
    with database_proxy.atomic():
        cursor = database_proxy.execute_sql("DELETE FROM reminder WHERE id = ? AND custom = 1",
                                            (int(reminder_id),))
        return cursor.rowcount > 0
