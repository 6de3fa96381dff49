"""The database proxy every model binds to, and the shared field types."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import peewee

from models import clock

#: Connected once at start-up by :func:`models.database.connect`.
database_proxy = peewee.DatabaseProxy()


def new_uid() -> str:
    """A stable identifier used by exports, imports and merges."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    """The current instant (:func:`models.clock.now`), timezone-aware in UTC, to the second."""
    return clock.now().replace(microsecond=0)


class UTCDateTimeField(peewee.TextField):
    """An instant stored as ISO 8601 text in UTC, returned timezone-aware.

    Naive datetimes are refused: every instant in the app carries its zone,
    and the zone the user chose is kept in a separate column where it matters.
    """

    field_type = "TEXT"

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError(f"{self.name}: a naive datetime cannot be stored as an instant")
        return value.astimezone(UTC).isoformat(timespec="seconds")

    def python_value(self, value):
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


class BaseModel(peewee.Model):
    """Base class binding every model to :data:`database_proxy`."""

    class Meta:
        database = database_proxy
        legacy_table_names = False
