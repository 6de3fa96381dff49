"""Importing interview invitations (.ics files) from Google Calendar, Outlook/Teams, Zoom,
Apple Calendar and others: each event becomes, updates or cancels an interview round.

Two steps:

* :func:`parse_invitations` reads the bytes of one file into
  :class:`Invitation` values (pure: no database). A file that is not a
  well-formed iCalendar file, or that holds no invitation, raises
  :class:`InvitationFileError` with a sentence saying what is wrong. An event
  that cannot be used (no start, a date that does not exist, an unknown time
  zone, …) is listed in :attr:`ParsedFile.rejected` with the reason; the
  others are kept.
* :func:`import_files` imports files, each in one transaction: a file with an
  event that cannot be used saves nothing (unless ``valid_only``: then its
  other events), and a failure saves nothing from the file. It returns an
  :class:`ImportReport` whose lines say, event by event, what was created,
  updated, cancelled, skipped or rejected. :mod:`services.calendar.invitation_files`
  does the two steps separately (reading on a worker thread, then writing).

What an event becomes
---------------------

* Its ``UID`` is kept as ``InterviewRound.ical_uid``; a later file with the
  same UID and a SEQUENCE at least as high updates that round (time, zone,
  length, place, link; new people are added, none removed, nothing the user
  wrote is touched), a lower SEQUENCE is skipped as out of date.
  ``METHOD:CANCEL`` or ``STATUS:CANCELLED`` marks the round cancelled.
  Events exported by Next Steps itself (``interview-<round uid>@nextsteps``)
  find their round again; the other kinds it exports (thank-you deadlines,
  follow-ups, …) are derived from the data, so they are skipped.
* The organizer and the attendees become the round's interviewers, except the
  user (``smtp.sender_address`` from the settings and ``own_addresses``),
  rooms and resources.
* A new round goes to an existing application when one is found by the
  organizer's (or an attendee's) email domain — compared with the contact,
  recruiter and interviewer addresses of every application — or by a company
  name found in the event's title. Without a single open match the window
  asks (``choose_application``); the command line, which cannot ask, creates
  a new application named after the organizer's company (from the domain)
  and says so.

Time
----

``TZID`` may be an IANA name (Google, Apple, Zoom), a Windows name such as
"W. Europe Standard Time" or "Eastern Standard Time" (Outlook and Teams;
:data:`WINDOWS_ZONES` maps them, after CLDR's windowsZones.xml), an Outlook
display name such as "(UTC+01:00) Amsterdam, Berlin, …", or a custom zone
defined by the file's own ``VTIMEZONE`` (converted with icalendar). Times in
UTC (``Z``) are exact. A time without a zone ("floating") is read in the
user's zone, and the report says so. An all-day event starts at midnight in
the user's zone and lasts the day (the report says to set the real time).
Wall-clock times follow :func:`services.calendar.entries.to_instant` (a time
in a spring-forward gap moves forward by the gap; a repeated autumn time is
its first occurrence).

Limits: files over :data:`MAX_FILE_BYTES` (20 MB) are refused before reading.
The file is parsed by a small, strict RFC 5545 reader here (icalendar's object
model needs about 75 µs per line, some 15 s for 10 MB); icalendar is used for
custom ``VTIMEZONE`` definitions.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import clock
from services.calendar.entries import (
    UID_DOMAIN,
    EntryKind,
    day_text,
    to_instant,
    zone_of,
)
from services.calendar.ics_roles import role_from_summary
from services.calendar.ics_unfold import FoldingError, unfold
from services.core.bulk_insert import insert_rows as _insert

log = logging.getLogger(__name__)

__all__ = [
    "MAX_FILE_BYTES",
    "WINDOWS_ZONES",
    "Candidate",
    "ImportCancelled",
    "ImportReport",
    "Invitation",
    "InvitationFileError",
    "ParsedFile",
    "Person",
    "import_files",
    "parse_invitations",
    "resolve_zone",
]

#: Files larger than this are refused before reading (an invitation is a few KB).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: The longest interview kept, in minutes (as the editor allows).
MAX_DURATION_MINUTES = 24 * 60
#: Length assumed when an event gives no end and no duration.
DEFAULT_DURATION_MINUTES = 60
#: Deepest nesting of BEGIN/END accepted (VCALENDAR > VEVENT > VALARM is 3).
MAX_DEPTH = 8

# -- Windows zone names (CLDR windowsZones.xml, territory "001") -------------------------------

#: Windows time zone names (Outlook, Exchange, Teams) → IANA zones, after CLDR's
#: windowsZones.xml (the "001" territory: the zone Windows means by default).
WINDOWS_ZONES: dict[str, str] = {
    "Dateline Standard Time": "Etc/GMT+12",
    "UTC-11": "Etc/GMT+11",
    "Aleutian Standard Time": "America/Adak",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Marquesas Standard Time": "Pacific/Marquesas",
    "Alaskan Standard Time": "America/Anchorage",
    "UTC-09": "Etc/GMT+9",
    "Pacific Standard Time (Mexico)": "America/Tijuana",
    "UTC-08": "Etc/GMT+8",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time (Mexico)": "America/Mazatlan",
    "Mountain Standard Time": "America/Denver",
    "Yukon Standard Time": "America/Whitehorse",
    "Central America Standard Time": "America/Guatemala",
    "Central Standard Time": "America/Chicago",
    "Easter Island Standard Time": "Pacific/Easter",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "SA Pacific Standard Time": "America/Bogota",
    "Eastern Standard Time (Mexico)": "America/Cancun",
    "Eastern Standard Time": "America/New_York",
    "Haiti Standard Time": "America/Port-au-Prince",
    "Cuba Standard Time": "America/Havana",
    "US Eastern Standard Time": "America/Indiana/Indianapolis",
    "Turks And Caicos Standard Time": "America/Grand_Turk",
    "Paraguay Standard Time": "America/Asuncion",
    "Atlantic Standard Time": "America/Halifax",
    "Venezuela Standard Time": "America/Caracas",
    "Central Brazilian Standard Time": "America/Cuiaba",
    "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago",
    "Newfoundland Standard Time": "America/St_Johns",
    "Tocantins Standard Time": "America/Araguaina",
    "E. South America Standard Time": "America/Sao_Paulo",
    "SA Eastern Standard Time": "America/Cayenne",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "Greenland Standard Time": "America/Nuuk",
    "Montevideo Standard Time": "America/Montevideo",
    "Magallanes Standard Time": "America/Punta_Arenas",
    "Saint Pierre Standard Time": "America/Miquelon",
    "Bahia Standard Time": "America/Bahia",
    "UTC-02": "Etc/GMT+2",
    "Mid-Atlantic Standard Time": "Etc/GMT+2",
    "Azores Standard Time": "Atlantic/Azores",
    "Cape Verde Standard Time": "Atlantic/Cape_Verde",
    "UTC": "Etc/UTC",
    "Coordinated Universal Time": "Etc/UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "Sao Tome Standard Time": "Africa/Sao_Tome",
    "Morocco Standard Time": "Africa/Casablanca",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Jordan Standard Time": "Asia/Amman",
    "GTB Standard Time": "Europe/Bucharest",
    "Middle East Standard Time": "Asia/Beirut",
    "Egypt Standard Time": "Africa/Cairo",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Syria Standard Time": "Asia/Damascus",
    "West Bank Standard Time": "Asia/Hebron",
    "South Africa Standard Time": "Africa/Johannesburg",
    "FLE Standard Time": "Europe/Kyiv",
    "Israel Standard Time": "Asia/Jerusalem",
    "South Sudan Standard Time": "Africa/Juba",
    "Kaliningrad Standard Time": "Europe/Kaliningrad",
    "Sudan Standard Time": "Africa/Khartoum",
    "Libya Standard Time": "Africa/Tripoli",
    "Namibia Standard Time": "Africa/Windhoek",
    "Arabic Standard Time": "Asia/Baghdad",
    "Turkey Standard Time": "Europe/Istanbul",
    "Arab Standard Time": "Asia/Riyadh",
    "Belarus Standard Time": "Europe/Minsk",
    "Russian Standard Time": "Europe/Moscow",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Volgograd Standard Time": "Europe/Volgograd",
    "Iran Standard Time": "Asia/Tehran",
    "Arabian Standard Time": "Asia/Dubai",
    "Astrakhan Standard Time": "Europe/Astrakhan",
    "Azerbaijan Standard Time": "Asia/Baku",
    "Russia Time Zone 3": "Europe/Samara",
    "Mauritius Standard Time": "Indian/Mauritius",
    "Saratov Standard Time": "Europe/Saratov",
    "Georgian Standard Time": "Asia/Tbilisi",
    "Caucasus Standard Time": "Asia/Yerevan",
    "Afghanistan Standard Time": "Asia/Kabul",
    "West Asia Standard Time": "Asia/Tashkent",
    "Qyzylorda Standard Time": "Asia/Qyzylorda",
    "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
    "Pakistan Standard Time": "Asia/Karachi",
    "India Standard Time": "Asia/Kolkata",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Kathmandu",
    "Central Asia Standard Time": "Asia/Bishkek",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Omsk Standard Time": "Asia/Omsk",
    "Myanmar Standard Time": "Asia/Yangon",
    "SE Asia Standard Time": "Asia/Bangkok",
    "Altai Standard Time": "Asia/Barnaul",
    "W. Mongolia Standard Time": "Asia/Hovd",
    "North Asia Standard Time": "Asia/Krasnoyarsk",
    "N. Central Asia Standard Time": "Asia/Novosibirsk",
    "Tomsk Standard Time": "Asia/Tomsk",
    "China Standard Time": "Asia/Shanghai",
    "North Asia East Standard Time": "Asia/Irkutsk",
    "Singapore Standard Time": "Asia/Singapore",
    "W. Australia Standard Time": "Australia/Perth",
    "Taipei Standard Time": "Asia/Taipei",
    "Ulaanbaatar Standard Time": "Asia/Ulaanbaatar",
    "Aus Central W. Standard Time": "Australia/Eucla",
    "Transbaikal Standard Time": "Asia/Chita",
    "Tokyo Standard Time": "Asia/Tokyo",
    "North Korea Standard Time": "Asia/Pyongyang",
    "Korea Standard Time": "Asia/Seoul",
    "Yakutsk Standard Time": "Asia/Yakutsk",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    "Tasmania Standard Time": "Australia/Hobart",
    "Vladivostok Standard Time": "Asia/Vladivostok",
    "Lord Howe Standard Time": "Australia/Lord_Howe",
    "Bougainville Standard Time": "Pacific/Bougainville",
    "Russia Time Zone 10": "Asia/Srednekolymsk",
    "Magadan Standard Time": "Asia/Magadan",
    "Norfolk Standard Time": "Pacific/Norfolk",
    "Sakhalin Standard Time": "Asia/Sakhalin",
    "Central Pacific Standard Time": "Pacific/Guadalcanal",
    "Russia Time Zone 11": "Asia/Kamchatka",
    "New Zealand Standard Time": "Pacific/Auckland",
    "UTC+12": "Etc/GMT-12",
    "Fiji Standard Time": "Pacific/Fiji",
    "Kamchatka Standard Time": "Asia/Kamchatka",
    "Chatham Islands Standard Time": "Pacific/Chatham",
    "UTC+13": "Etc/GMT-13",
    "Tonga Standard Time": "Pacific/Tongatapu",
    "Samoa Standard Time": "Pacific/Apia",
    "Line Islands Standard Time": "Pacific/Kiritimati",
}
_WINDOWS_FOLDED = {name.casefold(): zone for name, zone in WINDOWS_ZONES.items()}

#: Outlook's display names of the commonest zones ("(UTC+01:00) Amsterdam, Berlin, …"),
#: matched on the text after the offset.
OUTLOOK_DISPLAY_ZONES: dict[str, str] = {
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
    "sarajevo, skopje, warsaw, zagreb": "Europe/Warsaw",
    "dublin, edinburgh, lisbon, london": "Europe/London",
    "helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Kyiv",
    "helsinki, kiev, riga, sofia, tallinn, vilnius": "Europe/Kyiv",
    "athens, bucharest": "Europe/Bucharest",
    "istanbul": "Europe/Istanbul",
    "moscow, st. petersburg": "Europe/Moscow",
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "atlantic time (canada)": "America/Halifax",
    "brasilia": "America/Sao_Paulo",
    "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
    "kuala lumpur, singapore": "Asia/Singapore",
    "osaka, sapporo, tokyo": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "canberra, melbourne, sydney": "Australia/Sydney",
    "brisbane": "Australia/Brisbane",
    "perth": "Australia/Perth",
    "auckland, wellington": "Pacific/Auckland",
    "abu dhabi, muscat": "Asia/Dubai",
    "jerusalem": "Asia/Jerusalem",
    "coordinated universal time": "Etc/UTC",
}
_DISPLAY_NAME = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:[+-]\d{1,2}:?\d{2})?\s*\)\s*(.+)$",
                           re.IGNORECASE)
_IANA_TAIL = re.compile(r"([A-Za-z][A-Za-z_]+(?:/[A-Za-z0-9_+\-]+){1,2})$")
_NOT_IANA = frozenset({"localtime", "posixrules", "Factory"})


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
    (:data:`WINDOWS_ZONES`, then icalendar's full CLDR table), an Outlook display
    name (:data:`OUTLOOK_DISPLAY_ZONES`), and ``UTC``/``GMT``/``Z``.
    """
    name = tzid.strip().strip('"').strip()
    if name.upper() in ("Z", "UTC", "GMT", "ETC/UTC", "ETC/GMT", "UT"):
        return ZoneInfo("UTC")
    zone = _iana(name)
    if zone is not None:
        return zone
    windows = _WINDOWS_FOLDED.get(name.casefold())
    if windows is None:
        try:
            from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
        except ImportError:  # pragma: no cover - depends on the icalendar version
            WINDOWS_TO_OLSON = {}
        windows = WINDOWS_TO_OLSON.get(name)
    if windows is not None:
        zone = _iana(windows)
        if zone is None and windows == "Europe/Kyiv":  # older zone databases
            zone = _iana("Europe/Kiev")
        if zone is not None:
            return zone
    display = _DISPLAY_NAME.match(name)
    if display:
        found = OUTLOOK_DISPLAY_ZONES.get(" ".join(display.group(1).lower().split()))
        if found:
            return _iana(found) or (_iana("Europe/Kiev") if found == "Europe/Kyiv" else None)
    tail = _IANA_TAIL.search(name)
    if tail and tail.group(1) != name:
        return _iana(tail.group(1))
    return None


# -- The strict RFC 5545 reader ----------------------------------------------------------------


class InvitationFileError(Exception):
    """The file cannot be imported at all; ``message`` says what is wrong, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Prop(NamedTuple):
    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class _Component:
    name: str
    line: int
    props: list[_Prop] = field(default_factory=list)
    children: list[_Component] = field(default_factory=list)
    text: list[str] | None = None  # the unfolded lines, kept for VTIMEZONE only

    def first(self, name: str) -> _Prop | None:
        for prop in self.props:
            if prop.name == name:
                return prop
        return None

    def all(self, name: str) -> list[_Prop]:
        return [prop for prop in self.props if prop.name == name]


_NAME = re.compile(r"[A-Za-z0-9-]+\Z")
_SIMPLE_PARAM = re.compile(r"([A-Za-z0-9-]+)=(.*)\Z", re.DOTALL)


def _shown(text: str, limit: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else "·" for ch in text)
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def _rfc6868(value: str) -> str:
    if "^" not in value:
        return value
    return re.sub(r"\^(\^|n|')", lambda m: {"^": "^", "n": "\n", "'": '"'}[m.group(1)], value)


def _split_line(line: str, number: int) -> _Prop:
    """One unfolded content line → name, parameters, value."""
    colon = line.find(":")
    quote = line.find('"')
    if colon < 0:
        raise InvitationFileError(
            f"Line {number} is not a calendar line ({_shown(line)}): it has no “:”. The file "
            "is damaged, or its line folding may be broken (a long line was split without "
            "the leading space). Nothing was imported; save the invitation again from your "
            "mail or calendar program."
        )
    if quote < 0 or quote > colon:
        head, value = line[:colon], line[colon + 1:]
        parts = head.split(";")
    else:
        # Quoted parameter values may hold ";", ":" and ",".
        parts, current, quoted, value_at = [], [], False, -1
        for position, char in enumerate(line):
            if char == '"':
                quoted = not quoted
                current.append(char)
            elif char == ";" and not quoted:
                parts.append("".join(current))
                current = []
            elif char == ":" and not quoted:
                value_at = position + 1
                break
            else:
                current.append(char)
        if value_at < 0:
            raise InvitationFileError(
                f"Line {number} has an unfinished quoted value ({_shown(line)}); the file "
                "is damaged. Nothing was imported."
            )
        parts.append("".join(current))
        value = line[value_at:]
    name = parts[0]
    if not _NAME.match(name):
        raise InvitationFileError(
            f"Line {number} is not a calendar line ({_shown(line)}): the file is damaged, or "
            "its line folding may be broken (a long line was split without the leading "
            "space). Nothing was imported; save the invitation again from your mail or "
            "calendar program."
        )
    params: dict[str, str] = {}
    for part in parts[1:]:
        match = _SIMPLE_PARAM.match(part)
        if match is None:
            raise InvitationFileError(
                f"Line {number} has a malformed parameter ({_shown(part)}); the file is "
                "damaged. Nothing was imported."
            )
        key, raw = match.group(1).upper(), match.group(2)
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = raw[1:-1]
        params[key] = _rfc6868(raw.replace('"', ""))
    return _Prop(name.upper(), params, value, number)


def _decode(data: bytes) -> tuple[str, str | None]:
    """The text of the file, and a note when it was not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InvitationFileError(
            "The file is not text (it holds bytes no calendar file has), so it is not an "
            "invitation. Nothing was imported."
        ) from exc
    return text, "The file was not UTF-8; it was read as Windows-1252 text."


def _read_components(text: str) -> list[_Component]:
    """The top-level components of an iCalendar text (strict about structure)."""
    if "\x00" in text:
        raise InvitationFileError(
            "The file holds binary data, so it is not an iCalendar (.ics) invitation. "
            "Nothing was imported."
        )
    try:
        lines = unfold(text)  # linear: a line folded 800,000 times is no slower than others
    except FoldingError:
        raise InvitationFileError(
            "The file starts with a continued line, so it is not a calendar file. "
            "Nothing was imported."
        ) from None
    if not lines:
        raise InvitationFileError("The file is empty, so there is no invitation in it. "
                                  "Nothing was imported.")
    first = lines[0][1].strip()
    if first.upper() != "BEGIN:VCALENDAR":
        raise InvitationFileError(
            f"This is not a calendar (iCalendar) file: it starts with {_shown(first)} instead "
            "of BEGIN:VCALENDAR. Save the invitation from your mail program as an .ics file "
            "and import that. Nothing was imported."
        )
    top: list[_Component] = []
    stack: list[_Component] = []
    last_number = lines[-1][0]
    for number, line in lines:
        try:
            prop = _split_line(line, number)
        except InvitationFileError:
            if number == last_number and stack:
                raise InvitationFileError(
                    f"The file ends in the middle of a line ({_shown(line)}): it was cut off "
                    "when it was saved or sent. Nothing was imported; save the invitation "
                    "again from your mail or calendar program."
                ) from None
            raise
        if prop.name == "BEGIN":
            name = prop.value.strip().upper()
            if not _NAME.match(name):
                raise InvitationFileError(
                    f"Line {number} begins a component with no valid name ({_shown(line)}). "
                    "The file is damaged. Nothing was imported."
                )
            if len(stack) >= MAX_DEPTH:
                raise InvitationFileError(
                    f"Line {number} nests components deeper than any invitation does; the "
                    "file is damaged. Nothing was imported."
                )
            if not stack and name != "VCALENDAR":
                raise InvitationFileError(
                    f"Line {number} starts a {name} outside the calendar; the file is "
                    "damaged. Nothing was imported."
                )
            component = _Component(name, number)
            if name == "VTIMEZONE":
                component.text = []
            if stack:
                stack[-1].children.append(component)
            else:
                top.append(component)
            stack.append(component)
        elif prop.name == "END":
            name = prop.value.strip().upper()
            if not stack:
                raise InvitationFileError(
                    f"Line {number} ends a {name or 'component'} that was never begun; the "
                    "file is damaged. Nothing was imported."
                )
            if stack[-1].name != name:
                raise InvitationFileError(
                    f"Line {number} ends a {name or 'component'} while the "
                    f"{stack[-1].name} begun on line {stack[-1].line} is still open: "
                    f"END:{stack[-1].name} is missing or misplaced. The file is damaged or "
                    "was cut off. Nothing was imported."
                )
            stack.pop()
        elif not stack:
            raise InvitationFileError(
                f"Line {number} ({_shown(line)}) is outside the calendar (after "
                "END:VCALENDAR); the file is damaged. Nothing was imported."
            )
        else:
            stack[-1].props.append(prop)
        for component in stack:
            if component.text is not None:
                component.text.append(line)
                break
    if stack:
        open_names = ", ".join(f"{c.name} (line {c.line})" for c in stack)
        raise InvitationFileError(
            f"The file ends before the calendar is complete: END:{stack[-1].name} is missing "
            f"(still open: {open_names}). It may have been cut off when it was saved. "
            "Nothing was imported."
        )
    return top


# -- Values ------------------------------------------------------------------------------------


class Person(NamedTuple):
    """Someone invited: the display name (``CN``) and the address."""

    name: str
    email: str


class Invitation(NamedTuple):
    """One usable event of an invitation file.

    ``starts_at`` is an aware UTC instant (None only for a cancellation that
    gave no time); ``tz_name`` the IANA zone the round keeps. ``own_kind`` is
    set for events Next Steps exported itself (``interview-…@nextsteps``), with
    ``own_uid`` the uid of the row they came from. ``notes`` are sentences for
    the report (floating time, all-day, assumed length, …).
    """

    index: int
    uid: str
    sequence: int
    method: str
    cancelled: bool
    summary: str
    description: str
    location: str
    video_link: str
    starts_at: datetime | None
    tz_name: str
    all_day: bool
    duration_minutes: int
    organizer: Person | None
    attendees: tuple[Person, ...]
    notes: tuple[str, ...] = ()
    own_kind: str | None = None
    own_uid: str | None = None
    recurring: bool = False

    @property
    def people(self) -> tuple[Person, ...]:
        """The organizer and the attendees, once each (the user already left out)."""
        seen: set[str] = set()
        found = []
        for person in ((self.organizer,) if self.organizer else ()) + self.attendees:
            key = person.email.casefold()
            if key in seen:
                continue
            seen.add(key)
            found.append(person)
        return tuple(found)

    def describe(self) -> str:
        """``“Technical interview” on Tue 14 May 2024, 14:00 Europe/Berlin (12:00 UTC)``."""
        title = f"“{self.summary}”" if self.summary else "An event with no title"
        if self.starts_at is None:
            return title
        return f"{title} on {_when(self.starts_at, self.tz_name)}"


class ParsedFile(NamedTuple):
    """The events of one file: the usable ones, the rejected ones (1-based position in the
    file, reason), the file's METHOD and notes about the file as a whole."""

    events: list[Invitation]
    rejected: list[tuple[int, str]]
    method: str
    notes: tuple[str, ...] = ()


def _when(instant: datetime, tz_name: str) -> str:
    zone = zone_of(tz_name)
    local = instant.astimezone(zone)
    text = f"{day_text(local.date())}, {local:%H:%M} {zone.key}"
    if zone.key not in ("UTC", "Etc/UTC"):
        text += f" ({instant.astimezone(UTC):%H:%M} UTC)"
    return text


def _unescape(value: str) -> str:
    """A TEXT value with ``\\n``, ``\\,``, ``\\;`` and ``\\\\`` unescaped."""
    if "\\" not in value:
        return value
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})\Z")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)\Z", re.IGNORECASE)
_DURATION = re.compile(
    r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z", re.IGNORECASE)
_OWN_UID = re.compile(
    r"(" + "|".join(kind.value for kind in EntryKind) + r")-([^@\s]+)@" + re.escape(UID_DOMAIN)
    + r"\Z")
# A link is a run of https:// and what follows up to a space; it is a video link when a
# meeting service's host follows the https://. (One pattern for both backtracked over
# every "https://" of a long run: quadratic.)
_HTTPS_RUN = re.compile(r"https://[^\s<>\"']*", re.IGNORECASE)
_VIDEO_HOST = re.compile(
    r"zoom\.us/|zoomgov\.com/|teams\.microsoft\.com/|teams\.live\.com/"
    r"|meet\.google\.com/|webex\.com/|whereby\.com/|gotomeeting\.com/|meet\.jit\.si/|chime\.aws/"
    r"|bluejeans\.com/", re.IGNORECASE)
_ANY_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_SUMMARY_PREFIX = re.compile(
    r"^(?:(?:updated |new )?invitation|canceled|cancelled|accepted|tentative|declined"
    r"|einladung|aktualisierte einladung|abgesagt|invitation mise à jour)\s*:\s*",
    re.IGNORECASE)


class _Reject(Exception):
    """An event cannot be used; the message is the reason (a sentence)."""


class _Time(NamedTuple):
    instant: datetime
    tz_name: str
    all_day: bool
    floating: bool
    day: date | None  # for an all-day value
    note: str | None


class _Context:
    """What the events of one file share: zones, the user's zone, custom VTIMEZONEs."""

    def __init__(self, user_zone: ZoneInfo, calendar: _Component) -> None:
        self.user_zone = user_zone
        self.custom: dict[str, _Component] = {
            (c.first("TZID").value.strip() if c.first("TZID") else ""): c
            for c in calendar.children if c.name == "VTIMEZONE"
        }
        self.custom_tz: dict[str, object] = {}
        wr = calendar.first("X-WR-TIMEZONE")
        self.calendar_zone = resolve_zone(wr.value) if wr else None

    def custom_zone(self, tzid: str):
        """The tzinfo of a VTIMEZONE defined in the file (icalendar), or None."""
        if tzid in self.custom_tz:
            return self.custom_tz[tzid]
        component = self.custom.get(tzid)
        tz = None
        if component is not None and component.text:
            from icalendar import Calendar

            # The kept lines run from BEGIN:VTIMEZONE to just before its END.
            text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                    + "\r\n".join(component.text) + "\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    parsed = Calendar.from_ical(text)
                    found = parsed.walk("VTIMEZONE")
                    tz = found[0].to_tz() if found else None
            except Exception as exc:  # icalendar raises many kinds on odd definitions
                log.info("could not read the VTIMEZONE %r: %s", tzid, exc)
                tz = None
        self.custom_tz[tzid] = tz
        return tz


def _parse_time(prop: _Prop, what: str, ctx: _Context) -> _Time:
    value = prop.value.strip()
    is_date = prop.params.get("VALUE", "").upper() == "DATE" or _DATE.match(value)
    if is_date:
        match = _DATE.match(value)
        if not match:
            raise _Reject(f"its {what} {_shown(value)} is not a date.")
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise _Reject(f"its {what} {_shown(value)} is not a real date.") from None
        _check_year(day.year, what, value)
        instant = to_instant(datetime.combine(day, time()), ctx.user_zone)
        return _Time(instant, ctx.user_zone.key, True, False, day, None)
    match = _DATE_TIME.match(value)
    if not match:
        raise _Reject(f"its {what} {_shown(value)} is not a date and time.")
    try:
        local = datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]),
                         int(match[5]), min(int(match[6]), 59))
    except ValueError:
        raise _Reject(f"its {what} {_shown(value)} is not a real date and time.") from None
    _check_year(local.year, what, value)
    if match[7]:
        zone = ctx.calendar_zone or ctx.user_zone
        return _Time(local.replace(tzinfo=UTC), zone.key, False, False, None, None)
    tzid = prop.params.get("TZID")
    if tzid is None:
        instant = to_instant(local, ctx.user_zone)
        return _Time(instant, ctx.user_zone.key, False, True, None,
                     f"The time has no time zone (a “floating” time), so it was read as "
                     f"{ctx.user_zone.key} time, your zone.")
    zone = resolve_zone(tzid)
    if zone is not None:
        return _Time(to_instant(local, zone), zone.key, False, False, None, None)
    custom = ctx.custom_zone(tzid.strip())
    if custom is None:
        raise _Reject(
            f"its time zone {_shown(tzid)} is neither a zone this computer knows nor defined "
            "in the file, so the time of the interview cannot be known. Ask the sender for "
            "the invitation again, or add the interview by hand."
        )
    try:
        instant = local.replace(tzinfo=custom).astimezone(UTC)
    except Exception:  # a custom definition icalendar could read but not apply
        raise _Reject(f"its time zone {_shown(tzid)} is defined in a way that cannot be "
                      "used.") from None
    zone = _matching_zone(instant, custom, ctx.user_zone)
    return _Time(instant, zone.key, False, False, None,
                 f"The time zone {_shown(tzid)} is the file's own definition; the time was "
                 f"converted with it and is kept as {zone.key} time.")


def _matching_zone(instant: datetime, custom, user_zone: ZoneInfo) -> ZoneInfo:
    """The user's zone, or a common zone, that agrees with a custom definition around
    ``instant`` (the same offsets in January, July and at the instant); else the user's."""
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
    for name in dict.fromkeys(WINDOWS_ZONES.values()):
        zone = _iana(name)
        if zone is not None and samples(zone) == wanted:
            return zone
    return user_zone


def _check_year(year: int, what: str, value: str) -> None:
    if not 1900 <= year <= 2200:
        raise _Reject(f"its {what} {_shown(value)} is not a plausible date for an interview.")


def _duration_minutes(text: str) -> int | None:
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()[1:]):
        return None
    weeks, days, hours, minutes, seconds = (int(x or 0) for x in match.groups()[1:])
    total = ((weeks * 7 + days) * 24 * 60 + hours * 60 + minutes) * 60 + seconds
    if match[1] == "-":
        total = -total
    return total // 60


def _address(prop: _Prop) -> Person | None:
    value = prop.value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    elif ":" in value or "@" not in value:
        return None  # urn:uuid:…, a phone number, …
    email = value.strip().strip("<>").strip()
    if (not email or "@" not in email or any(ch.isspace() or ch in '<>",;:' for ch in email)
            or email.count("@") != 1 or len(email) > 254):
        return None
    cn = " ".join(prop.params.get("CN", "").split()).strip().strip("'")
    last_first = re.fullmatch(r"([^,@]+),\s*([^,@]+)", cn)
    if last_first:  # Outlook directories write "Okafor, Hannah"
        cn = f"{last_first.group(2).strip()} {last_first.group(1).strip()}"
    if not cn or cn.casefold() == email.casefold():
        local = email.split("@", 1)[0]
        cn = " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part) or email
    return Person(cn[:200], email)


#: Domains of calendar services and rooms, not of people.
_SERVICE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com",
                    "calendar.google.com", "group.v.calendar.google.com")


def _people(event: _Component, own: frozenset[str]) -> tuple[Person | None, tuple[Person, ...]]:
    """The organizer and attendees, without the user (an address, or a name given as
    ``name:<the user's name>`` in ``own``), rooms, resources and calendar services."""
    organizer = None
    prop = event.first("ORGANIZER")
    if prop is not None:
        person = _address(prop)
        if person is not None and not _is_own(person, own) and not \
                person.email.casefold().endswith(_SERVICE_DOMAINS):
            organizer = person
    attendees: list[Person] = []
    seen = {organizer.email.casefold()} if organizer else set()
    for prop in event.all("ATTENDEE"):
        if prop.params.get("CUTYPE", "INDIVIDUAL").upper() in ("ROOM", "RESOURCE", "GROUP"):
            continue
        person = _address(prop)
        if person is None:
            continue
        key = person.email.casefold()
        if _is_own(person, own) or key in seen or key.endswith(_SERVICE_DOMAINS):
            continue
        seen.add(key)
        attendees.append(person)
    return organizer, tuple(attendees)


def _is_own(person: Person, own: frozenset[str]) -> bool:
    return person.email.casefold() in own or f"name:{person.name.casefold()}" in own


def _video_link(event: _Component, location: str, description: str) -> str:
    for name in ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL",
                 "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK", "URL"):
        prop = event.first(name)
        if prop is not None and prop.value.strip().lower().startswith(("https://", "http://")):
            return prop.value.strip()
    for text in (location, description):
        for run in _HTTPS_RUN.finditer(text):
            if _VIDEO_HOST.search(run.group(), len("https://")):
                return run.group().rstrip(".,;)>")
    found = _ANY_URL.search(location)
    return found.group().rstrip(".,;)>") if found else ""


def _clean_summary(summary: str) -> str:
    summary = " ".join(summary.split())
    return _SUMMARY_PREFIX.sub("", summary).strip()


def _event_uid(event: _Component) -> str:
    prop = event.first("UID")
    if prop is not None and prop.value.strip():
        return prop.value.strip()[:500]
    # No UID (hand-made files): a stable one from what the event says, so that importing
    # the same file again finds the same round.
    basis = "\n".join(
        (p.value if p else "") for p in (event.first("DTSTART"), event.first("SUMMARY"),
                                         event.first("ORGANIZER")))
    return "nouid-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def _invitation(index: int, event: _Component, method: str, ctx: _Context,
                own: frozenset[str]) -> Invitation:
    uid = _event_uid(event)
    sequence = 0
    prop = event.first("SEQUENCE")
    if prop is not None:
        try:
            sequence = max(0, min(int(prop.value.strip()), 2**31 - 1))
        except ValueError:
            sequence = 0
    status = (event.first("STATUS").value.strip().upper() if event.first("STATUS") else "")
    cancelled = method == "CANCEL" or status == "CANCELLED"
    summary = _clean_summary(_unescape(event.first("SUMMARY").value)) \
        if event.first("SUMMARY") else ""
    description = _unescape(event.first("DESCRIPTION").value).strip() \
        if event.first("DESCRIPTION") else ""
    location = " ".join(_unescape(event.first("LOCATION").value).split()) \
        if event.first("LOCATION") else ""
    notes: list[str] = []
    own_match = _OWN_UID.match(uid)
    own_kind, own_uid = (own_match.group(1), own_match.group(2)) if own_match else (None, None)

    start_prop = event.first("DTSTART")
    starts_at: datetime | None = None
    tz_name = ctx.user_zone.key
    all_day = False
    duration = DEFAULT_DURATION_MINUTES
    if start_prop is None:
        if not cancelled:
            raise _Reject("it has no start time (DTSTART), so it is not an appointment.")
    else:
        start = _parse_time(start_prop, "start", ctx)
        starts_at, tz_name, all_day = start.instant, start.tz_name, start.all_day
        if start.note:
            notes.append(start.note)
        end_prop, duration_prop = event.first("DTEND"), event.first("DURATION")
        minutes: int | None = None
        if end_prop is not None:
            end = _parse_time(end_prop, "end", ctx)
            if start.all_day and end.all_day:
                minutes = (end.day - start.day).days * 24 * 60
            else:
                minutes = int((end.instant - start.instant).total_seconds() // 60)
            if minutes < 0:
                raise _Reject("it ends before it starts.")
        elif duration_prop is not None:
            minutes = _duration_minutes(duration_prop.value)
            if minutes is None:
                raise _Reject(f"its duration {_shown(duration_prop.value)} is not a duration.")
            if minutes < 0:
                raise _Reject("its duration is negative.")
        elif all_day:
            minutes = 24 * 60
        if all_day:
            notes.append("It is an all-day event, so the interview was put at the start of "
                         f"that day in {tz_name}; set the real time in the editor.")
        if minutes is None:
            notes.append(f"No end or length was given, so {DEFAULT_DURATION_MINUTES} minutes "
                         "were assumed.")
            minutes = DEFAULT_DURATION_MINUTES
        elif minutes == 0:
            notes.append(f"It ends when it starts, so {DEFAULT_DURATION_MINUTES} minutes were "
                         "assumed.")
            minutes = DEFAULT_DURATION_MINUTES
        if minutes > MAX_DURATION_MINUTES:
            notes.append("It lasts more than a day; the interview was kept at 24 hours.")
            minutes = MAX_DURATION_MINUTES
        duration = max(1, minutes)
    recurring = event.first("RRULE") is not None or event.first("RDATE") is not None
    if recurring and not cancelled:
        notes.append("It repeats; only its first occurrence was imported.")
    organizer, attendees = _people(event, own)
    return Invitation(
        index=index, uid=uid, sequence=sequence, method=method, cancelled=cancelled,
        summary=summary[:300], description=description[:20_000], location=location[:500],
        video_link=_video_link(event, location, description)[:2000], starts_at=starts_at,
        tz_name=tz_name, all_day=all_day, duration_minutes=duration, organizer=organizer,
        attendees=attendees, notes=tuple(notes), own_kind=own_kind, own_uid=own_uid,
        recurring=recurring,
    )


#: METHOD values that carry an event to add, update or cancel.
_ACCEPTED_METHODS = {"", "PUBLISH", "REQUEST", "ADD", "CANCEL"}
_REPLY_METHODS = {"REPLY", "COUNTER", "DECLINECOUNTER", "REFRESH"}


def parse_invitations(data: bytes, *, own_addresses: Iterable[str] = (),
                      user_zone: ZoneInfo | str | None = None) -> ParsedFile:
    """The invitations in the bytes of one .ics file (no database involved).

    ``own_addresses`` are left out of the people (an entry ``name:<full name>`` leaves
    out a person by name); ``user_zone`` (default: the
    system's) is where floating and all-day times are placed. Raises
    :class:`InvitationFileError` when the file as a whole cannot be used.
    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError("data must be bytes")
    if len(data) > MAX_FILE_BYTES:
        raise InvitationFileError(_too_big(len(data)))
    zone = clock.user_zone() if user_zone is None else zone_of(user_zone)
    own = frozenset(address.strip().casefold() for address in own_addresses if address)
    text, decode_note = _decode(bytes(data))
    calendars = _read_components(text)
    events: list[Invitation] = []
    rejected: list[tuple[int, str]] = []
    notes: list[str] = [decode_note] if decode_note else []
    methods: list[str] = []
    index = 0
    other_kinds: set[str] = set()
    for calendar in calendars:
        prop = calendar.first("METHOD")
        method = prop.value.strip().upper() if prop else ""
        methods.append(method)
        if method in _REPLY_METHODS:
            raise InvitationFileError(
                f"This file is an answer to an invitation (METHOD:{method}), not an "
                "invitation, so there is no interview in it to import. Nothing was imported."
            )
        if method not in _ACCEPTED_METHODS:
            raise InvitationFileError(
                f"This calendar file uses METHOD:{_shown(method, 20)[1:-1]}, which is not an "
                "invitation, an update or a cancellation. Nothing was imported."
            )
        ctx = _Context(zone, calendar)
        for child in calendar.children:
            if child.name != "VEVENT":
                if child.name in ("VTODO", "VJOURNAL", "VFREEBUSY"):
                    other_kinds.add(child.name)
                continue
            index += 1
            title = child.first("SUMMARY")
            shown = f" {_shown(_unescape(title.value), 60)}" if title else ""
            try:
                events.append(_invitation(index, child, method, ctx, own))
            except _Reject as reason:
                rejected.append((index, f"Event {index}{shown} was not imported: {reason}"))
            except Exception as exc:  # an odd value must not stop the other events
                log.warning("event %s could not be read", index, exc_info=True)
                rejected.append((index, f"Event {index}{shown} was not imported: it could not "
                                        f"be read ({type(exc).__name__}: {exc})."))
    if index == 0:
        if other_kinds:
            kinds = ", ".join(sorted(other_kinds))
            raise InvitationFileError(
                f"The file holds no events, only {kinds} (tasks, notes or free/busy "
                "times), so there is no interview in it. Nothing was imported."
            )
        raise InvitationFileError("The file holds no events, so there is no interview in it. "
                                  "Nothing was imported.")
    method = methods[0] if len(set(methods)) == 1 else "MIXED"
    return ParsedFile(events, rejected, method or "PUBLISH", tuple(notes))


def _too_big(size: int) -> str:
    return (f"The file is {size / 1024 / 1024:.1f} MB; calendar invitations are a few "
            f"kilobytes, and files over {MAX_FILE_BYTES // 1024 // 1024} MB are not read. "
            "Nothing was imported.")


# -- Importing ---------------------------------------------------------------------------------


class ImportCancelled(Exception):
    """Raised by a ``choose_application`` callback to stop the import: nothing from the
    file being imported is saved."""


class Candidate(NamedTuple):
    """An application an invitation may belong to, and why it was proposed."""

    application_id: int
    company: str
    role: str
    stage: str
    reason: str

    @property
    def is_open(self) -> bool:
        """True while the application's process is still going on."""
        from models.values import OPEN_STAGES

        return self.stage in {stage.value for stage in OPEN_STAGES}


#: ``choose_application(invitation, candidates)`` → an application id, or None to create a
#: new application; raise :class:`ImportCancelled` to stop.
ChooseApplication = Callable[[Invitation, list[Candidate]], "int | None"]


@dataclass
class ImportReport:
    """What an import did: one sentence per line, and counts."""

    lines: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    skipped: int = 0
    rejected: int = 0
    failed_files: int = 0
    applications_created: int = 0
    interrupted: bool = False
    round_ids: list[int] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)
    #: The start of every interview created or updated, in order (for "show it").
    starts: list[datetime] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file was imported: none refused, not cancelled (events the
        user chose to leave out are listed, and do not count against it)."""
        return not (self.failed_files or self.interrupted)

    @property
    def complete(self) -> bool:
        """True when every file was imported and every event in it was used."""
        return self.ok and not self.rejected

    def say(self, line: str) -> None:
        """Add a line."""
        self.lines.append(line)

    def summary(self) -> str:
        """One sentence counting what happened."""
        parts = []
        for count, word in ((self.created, "created"), (self.updated, "updated"),
                            (self.cancelled, "cancelled"), (self.unchanged, "unchanged"),
                            (self.skipped, "skipped"), (self.rejected, "rejected")):
            if count:
                parts.append(f"{count} {word}")
        text = "Interviews: " + (", ".join(parts) if parts else "none imported") + "."
        if self.applications_created:
            noun = "application" if self.applications_created == 1 else "applications"
            text += f" {self.applications_created} new {noun}."
        if self.failed_files:
            text += (f" {self.failed_files} file{'s' if self.failed_files != 1 else ''} "
                     "could not be imported.")
        return text

    def text(self) -> str:
        """The summary followed by every line."""
        return "\n".join([self.summary(), *self.lines])


def _words(text: str) -> tuple[str, ...]:
    from services.applications.index import fold

    return tuple(re.findall(r"\w+", fold(text)))


#: Legal forms left out when comparing company names.
_LEGAL_FORMS = frozenset({"gmbh", "ag", "inc", "ltd", "llc", "bv", "b", "v", "se", "co", "sa",
                          "sas", "srl", "plc", "oy", "ab", "as", "kg", "corp", "limited"})
#: Mail and calendar providers: their domains say nothing about the company.
GENERIC_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de",
    "gmx.net", "gmx.com", "web.de", "t-online.de", "proton.me", "protonmail.com", "mail.com",
    "zoho.com", "yandex.com", "yandex.ru", "fastmail.com", "hey.com", "zoom.us",
    "calendly.com", "calendar.google.com", "resource.calendar.google.com",
    "group.calendar.google.com", "outlook.office365.com", "microsoft.com.invalid",
})


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().casefold() if "@" in email else ""


def _company_from_domain(domain: str) -> str:
    labels = [label for label in domain.split(".") if label]
    skip = {"mail", "email", "corp", "careers", "jobs", "hr", "talent", "recruiting", "eu",
            "us", "uk", "de", "mx", "m", "www", "calendar", "people"}
    if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "ac", "gov", "edu"} \
            and len(labels[-1]) == 2:
        base = labels[-3]
    elif len(labels) >= 2:
        base = labels[-2]
        if base in skip and len(labels) >= 3:
            base = labels[-3]
    else:
        base = labels[0] if labels else domain
    words = [word for word in re.split(r"[-_]+", base) if word]
    return " ".join(word.capitalize() if word.islower() else word for word in words) or domain


class _Matcher:
    """Finds the applications an invitation may belong to (built once per import)."""

    def __init__(self) -> None:
        from models.base import database_proxy

        self.db = database_proxy
        self.domains: dict[str, set[int]] = {}
        self.names: dict[tuple[str, ...], set[int]] = {}
        self.apps: dict[int, tuple[str, str, str, str]] = {}  # id -> company, role, stage, upd
        self.longest = 1
        rows = self.db.execute_sql(
            "SELECT id, company, role, stage, contact_email, recruiter_email, updated_at "
            "FROM application").fetchall()
        for app_id, company, role, stage, contact, recruiter, updated in rows:
            self._remember(app_id, company, role, stage, updated or "", (contact, recruiter))
        for app_id, email in self.db.execute_sql(
                "SELECT r.application_id, i.email FROM interviewer i "
                "JOIN interview_round r ON r.id = i.round_id WHERE i.email != ''"):
            domain = _domain(email)
            if domain and domain not in GENERIC_DOMAINS:
                self.domains.setdefault(domain, set()).add(app_id)

    def _remember(self, app_id: int, company: str, role: str, stage: str, updated: str,
                  emails: Iterable[str]) -> None:
        self.apps[app_id] = (company, role, stage, updated)
        for email in emails:
            domain = _domain(email or "")
            if domain and domain not in GENERIC_DOMAINS:
                self.domains.setdefault(domain, set()).add(app_id)
        words = _words(company)
        stripped = tuple(word for word in words if word not in _LEGAL_FORMS)
        for key in {words, stripped}:
            if key and len(" ".join(key)) >= 3:
                self.names.setdefault(key, set()).add(app_id)
                self.longest = max(self.longest, len(key))

    def add(self, app_id: int, company: str, role: str, stage: str,
            emails: Iterable[str]) -> None:
        """Remember an application created during the import."""
        self._remember(app_id, company, role, stage, "9999", emails)

    def candidates(self, invitation: Invitation) -> list[Candidate]:
        """The matching applications, best first: by the organizer's domain and name,
        then by an attendee's domain, then by name; open before closed; recent first."""
        reasons: dict[int, list[str]] = {}
        scores: dict[int, int] = {}

        def note(app_ids: Iterable[int], score: int, reason: str) -> None:
            for app_id in app_ids:
                if reason not in reasons.setdefault(app_id, []):
                    reasons[app_id].append(reason)
                scores[app_id] = scores.get(app_id, 0) + score

        if invitation.organizer is not None:
            domain = _domain(invitation.organizer.email)
            if domain and domain not in GENERIC_DOMAINS:
                note(self.domains.get(domain, ()), 4, f"the organizer writes from @{domain}")
        for person in invitation.attendees:
            domain = _domain(person.email)
            if domain and domain not in GENERIC_DOMAINS:
                note(self.domains.get(domain, ()), 2, f"an attendee writes from @{domain}")
        words = _words(invitation.summary)
        for size in range(min(self.longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                found = self.names.get(words[start:start + size])
                if found:
                    note(found, 3, "its company is named in the title")
        from models.values import OPEN_STAGES

        open_values = {stage.value for stage in OPEN_STAGES}
        order = sorted(scores, key=lambda app_id: (
            -scores[app_id], self.apps[app_id][2] not in open_values,
            _reverse(self.apps[app_id][3]), app_id))
        return [Candidate(app_id, *self.apps[app_id][:3], "; ".join(reasons[app_id]))
                for app_id in order]

    def open_applications(self, limit: int = 300) -> list[Candidate]:
        """Open applications, most recently updated first (to choose from when nothing
        matched)."""
        from models.values import OPEN_STAGES

        open_values = {stage.value for stage in OPEN_STAGES}
        chosen = [app_id for app_id, (_c, _r, stage, _u) in self.apps.items()
                  if stage in open_values]
        chosen.sort(key=lambda app_id: (_reverse(self.apps[app_id][3]), app_id))
        return [Candidate(app_id, *self.apps[app_id][:3], "") for app_id in chosen[:limit]]


def _reverse(text: str) -> tuple[int, ...]:
    """A key sorting ``text`` descending."""
    return tuple(-ord(ch) for ch in text)


def _own_addresses(extra: Iterable[str] | None) -> frozenset[str]:
    from services.core import settings

    found = set()
    for key in ("smtp.sender_address", "user.email"):
        value = settings.get(key)
        if isinstance(value, str) and value.strip():
            found.add(value.strip().casefold())
    name = settings.get("user.name")
    if isinstance(name, str) and len(name.split()) >= 2:
        # The user's full name (from the settings) marks them when no address is known.
        found.add(f"name:{' '.join(name.split()).casefold()}")
    for address in extra or ():
        if address and address.strip():
            found.add(address.strip().casefold())
    return frozenset(found)


class _Importer:
    """Applies the invitations of one file inside its transaction."""

    def __init__(self, report: ImportReport, matcher_factory: Callable[[], _Matcher],
                 choose: ChooseApplication | None, now: datetime, file_name: str,
                 events: Sequence[Invitation]) -> None:
        self.report = report
        self.matcher_factory = matcher_factory
        self.choose = choose
        self.now = now
        self.file_name = file_name
        self.apps: dict[int, object] = {}
        # New applications made from this file, by organizer (domain or address), so that
        # its other events from the same sender go to the same one.
        self.new_apps: dict[str, int] = {}
        # The rounds these events already have, found in a few queries (ical_uid and
        # uid are indexed); rounds created from this file are added as they are made.
        self.by_ical_uid = self._lookup("ical_uid", [e.uid for e in events])
        self.by_uid = self._lookup("uid", [e.own_uid for e in events
                                           if e.own_kind == EntryKind.INTERVIEW.value])

    @staticmethod
    def _lookup(column: str, keys: list) -> dict[str, int]:
        from models.base import database_proxy

        found: dict[str, int] = {}
        keys = sorted(set(keys))
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            for key, round_id in database_proxy.execute_sql(
                    f"SELECT {column}, id FROM interview_round WHERE {column} IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY id", chunk):
                found.setdefault(key, round_id)
        return found

    def application(self, app_id: int):
        from models.application import Application

        app = self.apps.get(app_id)
        if app is None:
            app = self.apps[app_id] = Application.get_by_id(app_id)
        return app

    def apply(self, invitation: Invitation) -> None:
        from models.interview import InterviewRound

        if invitation.own_kind is not None and invitation.own_kind != EntryKind.INTERVIEW.value:
            self.report.skipped += 1
            self.report.say(
                f"Skipped {invitation.describe()}: a {EntryKind(invitation.own_kind).label.lower()}"
                " that Next Steps exported; it comes from your data, so there is nothing to "
                "import.")
            return
        round_id = self.by_ical_uid.get(invitation.uid)
        if round_id is None and invitation.own_kind == EntryKind.INTERVIEW.value:
            round_id = self.by_uid.get(invitation.own_uid)
        rnd = InterviewRound.get_or_none(InterviewRound.id == round_id) \
            if round_id is not None else None
        if rnd is not None:
            self.update(rnd, invitation)
        elif invitation.cancelled:
            self.report.unchanged += 1
            self.report.say(
                f"Nothing to cancel for {invitation.describe()}: no interview was imported "
                "from this invitation before.")
        else:
            self.create(invitation)
        for note in invitation.notes:
            self.report.say(f"  {note}")

    # -- updating ---------------------------------------------------------------------------
    def _stored_sequence(self, rnd, invitation: Invitation) -> int:
        if invitation.own_kind == EntryKind.INTERVIEW.value and rnd.ical_uid != invitation.uid:
            from services.calendar.entries import _sequence

            return _sequence(rnd.updated_at)
        return rnd.ical_sequence or 0

    def update(self, rnd, invitation: Invitation) -> None:
        company = rnd.application.company
        if invitation.cancelled:
            if rnd.cancelled:
                self.report.unchanged += 1
                self.report.say(f"Already cancelled: {invitation.describe()} with {company}.")
                return
            rnd.cancelled = True
            if rnd.ical_uid == invitation.uid:
                rnd.ical_sequence = max(rnd.ical_sequence or 0, invitation.sequence)
            rnd.updated_at = self.now
            rnd.save()
            self.report.cancelled += 1
            self.report.round_ids.append(rnd.id)
            self.report.application_ids.append(rnd.application_id)
            self.report.say(f"Cancelled: the interview {invitation.describe()} with {company}.")
            return
        stored = self._stored_sequence(rnd, invitation)
        if invitation.sequence < stored:
            self.report.skipped += 1
            self.report.say(
                f"Skipped {invitation.describe()} for {company}: it is an older version of "
                f"this invitation (sequence {invitation.sequence}; you already have "
                f"{stored}).")
            return
        changes = []
        before = rnd.starts_at
        values = {
            "starts_at": invitation.starts_at,
            "tz_name": invitation.tz_name,
            "duration_minutes": invitation.duration_minutes,
        }
        if invitation.location:
            values["location"] = invitation.location
        if invitation.video_link:
            values["video_link"] = invitation.video_link
        if rnd.cancelled:
            values["cancelled"] = False
            changes.append("no longer cancelled")
        for key, value in values.items():
            if getattr(rnd, key) != value:
                setattr(rnd, key, value)
                if key == "starts_at":
                    changes.append(
                        f"moved from {_when(before, rnd.tz_name) if before else 'no time'}")
                elif key in ("location", "video_link", "duration_minutes"):
                    changes.append({"location": "new place", "video_link": "new link",
                                    "duration_minutes": "new length"}[key])
        if rnd.ical_uid == invitation.uid:
            rnd.ical_sequence = invitation.sequence
        added = self.add_people(rnd.id, invitation.people)
        if added:
            changes.append(f"added {', '.join(added)}")
        if not changes:
            if rnd.ical_uid == invitation.uid and rnd.is_dirty():
                rnd.save()
            self.report.unchanged += 1
            self.report.say(f"Unchanged: {invitation.describe()} with {company} "
                            "(already up to date).")
            return
        rnd.updated_at = self.now
        rnd.save()
        self.report.updated += 1
        self.report.starts.append(invitation.starts_at)
        self.report.round_ids.append(rnd.id)
        self.report.application_ids.append(rnd.application_id)
        self.report.say(f"Updated: {invitation.describe()} with {company} — "
                        f"{'; '.join(changes)}.")

    def add_people(self, round_id: int, people: Sequence[Person], *,
                   new: bool = False) -> list[str]:
        """Add the people not yet among the round's interviewers (by address); their names."""
        from models.interview import Interviewer

        known: set[str] = set()
        position = 0
        if not new:
            emails = [email for (email,) in Interviewer.select(Interviewer.email)
                      .where(Interviewer.round == round_id).tuples()]
            known = {(email or "").casefold() for email in emails}
            position = len(emails)
        added = []
        rows = []
        for person in people:
            if person.email.casefold() in known:
                continue
            known.add(person.email.casefold())
            rows.append({"round": round_id, "position": position, "name": person.name,
                         "email": person.email, "uid": _new_uid()})
            position += 1
            added.append(person.name)
        if rows:
            _insert(Interviewer, rows)
        return added

    # -- creating ---------------------------------------------------------------------------
    def create(self, invitation: Invitation) -> None:
        from models.application import StageChange
        from models.interview import InterviewRound
        from models.values import Stage

        matcher = self.matcher_factory()
        candidates = matcher.candidates(invitation)
        open_matches = [c for c in candidates if c.is_open]
        app_id: int | None
        how = ""
        sender = _sender_key(invitation)
        if len(open_matches) == 1:
            app_id = open_matches[0].application_id
            how = f" (matched: {open_matches[0].reason})"
        elif sender in self.new_apps:
            # The same sender's earlier event in this file already has its application.
            app_id = self.new_apps[sender]
            how = " (like the other events from the same sender)"
        elif self.choose is not None:
            offered = candidates if candidates else matcher.open_applications()
            app_id = self.choose(invitation, offered)
            if app_id is not None and app_id not in matcher.apps:
                raise ValueError(f"application {app_id} does not exist")
            if app_id is not None:
                self.new_apps[sender] = app_id
                how = " (as you chose)"
        elif open_matches:
            app_id = open_matches[0].application_id
            how = (f" (matched: {open_matches[0].reason}; {len(open_matches)} open applications "
                   "matched, this is the most recently updated; move the interview in the "
                   "editor if it belongs to another)")
        else:
            app_id = None
        if app_id is None:
            app_id = self.create_application(invitation, matcher, candidates)
            self.new_apps[sender] = app_id
            app = self.application(app_id)
        else:
            app = self.application(app_id)
            if app.stage == Stage.APPLIED.value:
                StageChange.create(application=app, from_stage=app.stage,
                                   to_stage=Stage.INTERVIEWING.value, changed_at=self.now,
                                   note=f"Interview invitation imported from {self.file_name}")
                app.stage = Stage.INTERVIEWING.value
                app.updated_at = self.now
                app.save()
        title = invitation.summary or "Interview"
        (round_id,) = _insert(InterviewRound, [{
            "uid": _new_uid(), "application": app.id, "title": title[:200],
            "starts_at": invitation.starts_at, "tz_name": invitation.tz_name,
            "duration_minutes": invitation.duration_minutes, "location": invitation.location,
            "video_link": invitation.video_link, "cancelled": False,
            "notes": _round_notes(invitation, self.file_name), "ical_uid": invitation.uid,
            "ical_sequence": invitation.sequence, "created_at": self.now,
            "updated_at": self.now,
        }])
        self.by_ical_uid[invitation.uid] = round_id
        people = invitation.people
        self.add_people(round_id, people, new=True)
        names = ", ".join(person.name for person in people) or "nobody besides you"
        self.report.created += 1
        self.report.starts.append(invitation.starts_at)
        self.report.round_ids.append(round_id)
        self.report.application_ids.append(app.id)
        self.report.say(f"Created: the interview {invitation.describe()} with {app.company}"
                        f"{how}; interviewers: {names}.")

    def create_application(self, invitation: Invitation, matcher: _Matcher,
                           candidates: list[Candidate]) -> int:
        from models.application import Application, StageChange
        from models.values import Stage

        domain = ""
        for person in ((invitation.organizer,) if invitation.organizer else ()) + \
                invitation.attendees:
            found = _domain(person.email)
            if found and found not in GENERIC_DOMAINS:
                domain = found
                break
        if domain:
            company = _company_from_domain(domain)
            why = f"named after the organizer's domain {domain}"
        elif invitation.organizer is not None:
            company = f"Invitation from {invitation.organizer.name}"
            why = "no company could be told from the addresses"
        else:
            company = "Unknown company"
            why = "the invitation names no organizer"
        contact = invitation.organizer
        # The title names the interview ("Second interview – Acme"); the role only when
        # it reads as a job title, else the user fills it in.
        role = role_from_summary(invitation.summary, company,
                                 [person.name for person in invitation.people])
        app = Application.create(
            company=company[:200], role=role[:200], stage=Stage.INTERVIEWING.value,
            contact_name=contact.name if contact else "",
            contact_email=contact.email if contact else "",
            notes=f"Created from the calendar invitation {self.file_name}.",
            created_at=self.now, updated_at=self.now,
        )
        StageChange.create(application=app, from_stage=None, to_stage=Stage.INTERVIEWING.value,
                           changed_at=self.now,
                           note=f"Created from the invitation {self.file_name}")
        emails = [person.email for person in invitation.people]
        matcher.add(app.id, app.company, app.role, app.stage, emails)
        closed = [c for c in candidates if not c.is_open]
        extra = ""
        if closed:
            extra = (f"; {closed[0].company} ({closed[0].role}) matched but is closed "
                     f"({closed[0].stage.replace('_', ' ')})")
        self.report.applications_created += 1
        if role:
            self.report.say(f"New application “{app.company}” for the role “{role}” ({why})"
                            f"{extra}; check its name and role in the editor.")
        else:
            self.report.say(f"New application “{app.company}” ({why}){extra}; the invitation "
                            "does not name the role, so add it in the editor.")
        return app.id


def _sender_key(invitation: Invitation) -> str:
    """Who sent an invitation, for grouping new applications: the organizer's company
    domain, else the organizer's address, else nobody."""
    for person in ((invitation.organizer,) if invitation.organizer else ()) + \
            invitation.attendees:
        domain = _domain(person.email)
        if domain and domain not in GENERIC_DOMAINS:
            return domain
    return invitation.organizer.email.casefold() if invitation.organizer else ""


def _new_uid() -> str:
    from models.base import new_uid

    return new_uid()


def _round_notes(invitation: Invitation, file_name: str) -> str:
    lines = [f"Imported from the calendar invitation {file_name}."]
    if invitation.description:
        lines.append("")
        lines.append(invitation.description[:4000])
    return "\n".join(lines)


def user_addresses(extra: Iterable[str] | None = None) -> frozenset[str]:
    """The user's addresses (and full name, as ``name:<name>``) left out of the people:
    from the settings, plus ``extra``. Reads the settings, so call it where the database is."""
    return _own_addresses(extra)


def import_files(
    paths,
    files: Iterable[str | Path],
    *,
    choose_application: ChooseApplication | None = None,
    own_addresses: Iterable[str] | None = None,
    user_zone: ZoneInfo | str | None = None,
    now: datetime | None = None,
    valid_only: bool = False,
) -> ImportReport:
    """Import .ics invitation files into the data in ``paths``, each file in one
    transaction; return what happened.

    ``choose_application(invitation, candidates)`` is asked when a new
    interview has no single open matching application (the window shows a
    dialog; it returns an application id, None for a new application, or
    raises :class:`ImportCancelled`). Without it (the command line), the best
    open match is used, or a new application named after the organizer's
    company is created, and the report says so. ``own_addresses`` are the
    user's addresses besides ``smtp.sender_address``; ``user_zone`` (default:
    the system's) places floating and all-day times. A file with events that
    cannot be used saves nothing unless ``valid_only`` (then its other events
    are imported; see :mod:`services.calendar.invitation_files`). The database already
    open (the window's) is used; otherwise it is opened for the import.
    """
    from services.calendar.ics_export import opened_store
    from services.calendar.invitation_files import apply_invitation_files, read_invitation_files

    now = now or clock.now().replace(microsecond=0)
    zone = clock.user_zone() if user_zone is None else zone_of(user_zone)
    with opened_store(paths):
        own = _own_addresses(own_addresses)
        read = read_invitation_files(files, own_addresses=own, user_zone=zone)
        return apply_invitation_files(read, now=now, choose_application=choose_application,
                                      accept_partial=lambda _file: valid_only)
