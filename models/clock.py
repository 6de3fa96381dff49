"""The one clock: every "now", every "today" and the user's time zone come from here.

Nothing else in the app reads the wall clock or the process's time zone, so
tests, the screenshot tool and the benchmarks can :func:`pin` both and get the
same result at any hour, on any date and in any zone. It lives in the lowest
layer (standard library only, no ORM) because the models' default timestamps
use it too; services and the UI read it as well.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_source: Callable[[], datetime] | None = None
_zone: ZoneInfo | None = None
_system_zone: ZoneInfo | None = None


def now() -> datetime:
    """The current instant: timezone-aware, in UTC."""
    if _source is None:
        return datetime.now(UTC)
    return _source().astimezone(UTC)


def user_zone() -> ZoneInfo:
    """The zone the user lives in: the system's, unless pinned (UTC when it has no name)."""
    global _system_zone
    if _zone is not None:
        return _zone
    if _system_zone is None:
        _system_zone = _read_system_zone()
    return _system_zone


def local_now() -> datetime:
    """The current instant in the user's zone (for what the user reads, such as a Date header)."""
    return now().astimezone(user_zone())


def today(zone: ZoneInfo | None = None) -> date:
    """Today's date in ``zone`` (default: the user's zone), never the UTC date by accident."""
    return now().astimezone(zone or user_zone()).date()


def pin(instant: datetime | Callable[[], datetime] | None = None,
        zone: ZoneInfo | str | None = None) -> None:
    """Fix "now" (an aware instant, or a callable returning one) and/or the user's zone.

    Used by tests, ``tools/screenshots.py`` and the benchmarks; ``None`` leaves
    that part as it is. :func:`unpin` returns to the wall clock and the system zone.
    """
    global _source, _zone
    if instant is not None:
        if callable(instant):
            _source = instant
        else:
            if instant.tzinfo is None:
                raise ValueError("the pinned instant must be timezone-aware")
            fixed = instant
            _source = lambda: fixed  # noqa: E731
    if zone is not None:
        _zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def unpin() -> None:
    """Back to the wall clock and the system's zone."""
    global _source, _zone, _system_zone
    _source = None
    _zone = None
    _system_zone = None


def system_zone_name() -> str:
    """The system zone's IANA name from ``$TZ`` or ``/etc/localtime`` ("" when unknown)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            target = ""
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
    return name


def _read_system_zone() -> ZoneInfo:
    name = system_zone_name()
    if not name:
        # Windows names its zones in the registry, not in IANA terms: tzlocal maps them.
        try:
            # tzlocal: imported only here, it costs start-up time where the fast path works.
            import tzlocal

            name = tzlocal.get_localzone_name() or ""
        except Exception:  # any failure to name the zone leaves UTC, as documented
            name = ""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo("UTC")
