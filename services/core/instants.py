"""Instants and zones as the app stores and shows them, without the ORM or Qt.

Instants are stored as ISO 8601 text in UTC (what ``UTCDateTimeField``
writes); zones are IANA names, and an empty or unknown name means UTC.
Day and month names are fixed English abbreviations, whatever the locale.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_ZONES: dict[str, ZoneInfo] = {}


def utc_text(when: datetime) -> str:
    """An aware instant in the stored text form (ISO 8601, UTC, to the second)."""
    if when.tzinfo is None:
        raise ValueError("an instant must be a timezone-aware datetime")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def instant_from_text(text: str | None) -> datetime | None:
    """A stored instant as an aware UTC datetime (a naive text is read as UTC)."""
    if text is None:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when if when.tzinfo is UTC else when.astimezone(UTC)


def zone_of(name: str | ZoneInfo | None) -> ZoneInfo:
    """The ``ZoneInfo`` named ``name`` (UTC for an empty or unknown name; cached)."""
    if isinstance(name, ZoneInfo):
        return name
    key = name or "UTC"
    zone = _ZONES.get(key)
    if zone is None:
        try:
            zone = ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
            zone = ZoneInfo("UTC")
        _ZONES[key] = zone
    return zone


def list_day_text(day: date) -> str:
    """``Mon 03 Mar 2025``, as the application list and the dashboard write days."""
    return f"{WEEKDAYS[day.weekday()]} {day.day:02d} {MONTHS[day.month - 1]} {day.year}"
