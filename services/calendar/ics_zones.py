"""The time zone an invitation's ``TZID`` names: an IANA name, a Windows name or an Outlook
display name, turned into a :class:`~zoneinfo.ZoneInfo`.

Google, Apple and Zoom write IANA names; Outlook and Teams write Windows names
such as "W. Europe Standard Time" or display names such as "(UTC+01:00)
Amsterdam, Berlin, …". The Windows and display names are data, in
``resources/windows_zones.json`` (after CLDR's windowsZones.xml), read once on
first use by :func:`windows_zones` and :func:`outlook_display_zones`.

The rest of the app calls :func:`resolve_zone`; :func:`matching_zone` names a
custom ``VTIMEZONE`` definition by the common zone it agrees with.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.core.paths import resources_dir

try:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # pragma: no cover - depends on the icalendar version
    WINDOWS_TO_OLSON = {}

__all__ = [
    "matching_zone",
    "outlook_display_zones",
    "resolve_zone",
    "windows_zones",
]

_DISPLAY_NAME = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:[+-]\d{1,2}:?\d{2})?\s*\)\s*(.+)$",
                           re.IGNORECASE)
_IANA_TAIL = re.compile(r"([A-Za-z][A-Za-z_]+(?:/[A-Za-z0-9_+\-]+){1,2})$")
_NOT_IANA = frozenset({"localtime", "posixrules", "Factory"})


@cache
def _table() -> dict:
    with (resources_dir() / "windows_zones.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def windows_zones() -> dict[str, str]:
    """Windows time zone names (Outlook, Exchange, Teams) → IANA zones, after CLDR's
    windowsZones.xml (the "001" territory: the zone Windows means by default)."""
    return _table()["windows"]


def outlook_display_zones() -> dict[str, str]:
    """Outlook's display names of the commonest zones ("(UTC+01:00) Amsterdam, Berlin, …"),
    as the text after the offset in lower case → IANA zones."""
    return _table()["outlook_display"]


@cache
def _windows_folded() -> dict[str, str]:
    return {name.casefold(): zone for name, zone in windows_zones().items()}


def _iana(name: str) -> ZoneInfo | None:
    if not name or name in _NOT_IANA or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return None


def resolve_zone(tzid: str) -> ZoneInfo | None:
    """The IANA zone a ``TZID`` means, or None when it is not one this module knows.

    Tried in order: an IANA name (also inside prefixes such as
    ``/mozilla.org/20050126_1/Europe/Berlin``), a Windows name
    (:func:`windows_zones`, then icalendar's full CLDR table), an Outlook display
    name (:func:`outlook_display_zones`), and ``UTC``/``GMT``/``Z``.
    """
    name = tzid.strip().strip('"').strip()
    if name.upper() in ("Z", "UTC", "GMT", "ETC/UTC", "ETC/GMT", "UT"):
        return ZoneInfo("UTC")
    zone = _iana(name)
    if zone is not None:
        return zone
    zone = _windows_zone(name)
    if zone is not None:
        return zone
    display = _DISPLAY_NAME.match(name)
    if display:
        found = outlook_display_zones().get(" ".join(display.group(1).lower().split()))
        if found:
            return _iana(found) or (_iana("Europe/Kiev") if found == "Europe/Kyiv" else None)
    tail = _IANA_TAIL.search(name)
    if tail and tail.group(1) != name:
        return _iana(tail.group(1))
    return None


def _windows_zone(name: str) -> ZoneInfo | None:
    windows = _windows_folded().get(name.casefold())
    if windows is None:
        windows = WINDOWS_TO_OLSON.get(name)
    if windows is None:
        return None
    zone = _iana(windows)
    if zone is None and windows == "Europe/Kyiv":  # older zone databases
        zone = _iana("Europe/Kiev")
    return zone


def matching_zone(instant: datetime, custom, user_zone: ZoneInfo) -> ZoneInfo:
    """The user's zone, or a common zone, that agrees with a custom definition (a tzinfo)
    around ``instant`` (the same offsets in January, July and at the instant); else the
    user's."""
    year = instant.year

    def samples(zone) -> tuple:
        points = (instant, datetime(year, 1, 15, 12, tzinfo=UTC),
                  datetime(year, 7, 15, 12, tzinfo=UTC))
        try:
            return tuple(point.astimezone(zone).utcoffset() for point in points)
        except Exception:
            return ()

    wanted = samples(custom)
    if not wanted:
        return user_zone
    if samples(user_zone) == wanted:
        return user_zone
    for name in dict.fromkeys(windows_zones().values()):
        zone = _iana(name)
        if zone is not None and samples(zone) == wanted:
            return zone
    return user_zone
