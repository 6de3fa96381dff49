"""The time zone an invitation's TZID names (services.calendar.ics_zones): IANA, Windows and
Outlook display names, the Windows table read from resources/windows_zones.json."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from services.calendar.ics_zones import outlook_display_zones, resolve_zone, windows_zones


def test_windows_zone_table_is_large_and_every_zone_exists():
    assert len(windows_zones()) >= 40
    for windows, iana in windows_zones().items():
        zone = resolve_zone(windows)
        assert zone is not None, windows
        assert zone.key in (iana, "Europe/Kiev", "UTC"), (windows, zone.key)


def test_the_tables_are_read_once_from_the_resources():
    assert windows_zones() is windows_zones()
    assert windows_zones()["W. Europe Standard Time"] == "Europe/Berlin"
    assert outlook_display_zones()["brussels, copenhagen, madrid, paris"] == "Europe/Paris"


@pytest.mark.parametrize(("tzid", "expected"), [
    ("Europe/Berlin", "Europe/Berlin"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ('"Eastern Standard Time"', "America/New_York"),
    ("eastern standard time", "America/New_York"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("Romance Standard Time", "Europe/Paris"),
    ("GMT Standard Time", "Europe/London"),
    ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
    ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
    ("/mozilla.org/20050126_1/Europe/Paris", "Europe/Paris"),
    ("/citadel.org/20190914_1/America/Chicago", "America/Chicago"),
    ("UTC", "UTC"),
    ("Z", "UTC"),
])
def test_resolve_zone(tzid, expected):
    assert resolve_zone(tzid) == ZoneInfo(expected)


@pytest.mark.parametrize("tzid", ["Mars/Olympus_Mons", "Customized Time Zone", "", "../../etc",
                                  "localtime", "x" * 500])
def test_unknown_zones_are_not_guessed(tzid):
    assert resolve_zone(tzid) is None
