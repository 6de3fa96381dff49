"""The ``reminder`` table as the reminder modules read and write it, in plain SQL.

The states of a row (:data:`PENDING`, :data:`SHOWN`, :data:`SNOOZED`,
:data:`DONE`), instants as the table stores them (:func:`stored`, after
:func:`aware` has refused a naive one), and the pieces of ``IN (…)`` lists
(:func:`marks`, :func:`chunks`). :mod:`services.reminders.derive`,
:mod:`~services.reminders.sync`, :mod:`~services.reminders.queries`,
:mod:`~services.reminders.states` and :mod:`~services.reminders.custom` use them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models import clock
from models.values import ReminderState
from services.core.instants import zone_of

__all__ = ["DONE", "PENDING", "SHOWN", "SNOOZED", "aware", "chunks", "marks", "stored",
           "zone_or_users"]

PENDING = ReminderState.PENDING.value
SHOWN = ReminderState.SHOWN.value
SNOOZED = ReminderState.SNOOZED.value
DONE = ReminderState.DONE.value
#: The most values one ``IN (…)`` list holds.
_CHUNK = 500


def aware(value: datetime, name: str) -> datetime:
    """``value`` in UTC; a :class:`ValueError` naming ``name`` when it is not timezone-aware."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


def stored(instant: datetime) -> str:
    """An instant as the database stores it (what ``UTCDateTimeField`` writes)."""
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def marks(values: Sequence) -> str:
    """One ``?`` per value, separated by commas."""
    return ",".join("?" * len(values))


def chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    """``values`` in slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def zone_or_users(zone: ZoneInfo | str | None) -> ZoneInfo:
    """The zone ``zone`` names; the user's (:func:`models.clock.user_zone`) for None."""
    return clock.user_zone() if zone is None else zone_of(zone)
