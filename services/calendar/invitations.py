"""Turning the events of an .ics file into :class:`Invitation` values (pure: no database).

:func:`parse_invitations` is what the rest of the app calls: it reads the
bytes of one file (:mod:`services.calendar.ics_reader`). A file that is not a
well-formed iCalendar file, or that holds no invitation, raises
:class:`~services.calendar.ics_reader.InvitationFileError` with a sentence
saying what is wrong. An event that cannot be used (no start, a date that
does not exist, an unknown time zone, …; see :mod:`services.calendar.ics_times`)
is listed in :attr:`ParsedFile.rejected` with the reason; the others are kept.

The organizer and the attendees become the people of the invitation, except
the user (``own_addresses``), rooms, resources and calendar services. Events
exported by Next Steps itself (``interview-<round uid>@nextsteps``) are marked
with the kind and uid they came from. Files over :data:`MAX_FILE_BYTES` (20 MB)
are refused before reading.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models import clock
from services.calendar.entry_types import UID_DOMAIN, EntryKind, Person, day_text
from services.calendar.ics_reader import (
    Component,
    InvitationFileError,
    Property,
    decode_text,
    read_components,
    shown,
)
from services.calendar.ics_times import EventRejected, FileZones, event_time
from services.core.instants import zone_of

log = logging.getLogger(__name__)

__all__ = [
    "MAX_FILE_BYTES",
    "Invitation",
    "ParsedFile",
    "parse_invitations",
    "too_big_message",
    "when_text",
]

#: Files larger than this are refused before reading (an invitation is a few KB).
MAX_FILE_BYTES = 20 * 1024 * 1024


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
        return f"{title} on {when_text(self.starts_at, self.tz_name)}"


class ParsedFile(NamedTuple):
    """The events of one file: the usable ones, the rejected ones (1-based position in the
    file, reason), the file's METHOD and notes about the file as a whole."""

    events: list[Invitation]
    rejected: list[tuple[int, str]]
    method: str
    notes: tuple[str, ...] = ()



def when_text(instant: datetime, tz_name: str) -> str:
    """``Tue 14 May 2024, 14:00 Europe/Berlin (12:00 UTC)``."""
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



def _address(prop: Property) -> Person | None:
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


def _people(event: Component, own: frozenset[str]) -> tuple[Person | None, tuple[Person, ...]]:
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


def _video_link(event: Component, location: str, description: str) -> str:
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


def _event_uid(event: Component) -> str:
    prop = event.first("UID")
    if prop is not None and prop.value.strip():
        return prop.value.strip()[:500]
    # No UID (hand-made files): a stable one from what the event says, so that importing
    # the same file again finds the same round.
    basis = "\n".join(
        (p.value if p else "") for p in (event.first("DTSTART"), event.first("SUMMARY"),
                                         event.first("ORGANIZER")))
    return "nouid-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]



def _sequence(event: Component) -> int:
    prop = event.first("SEQUENCE")
    if prop is None:
        return 0
    try:
        return max(0, min(int(prop.value.strip()), 2**31 - 1))
    except ValueError:
        return 0


def _text(event: Component, name: str) -> str:
    prop = event.first(name)
    return _unescape(prop.value) if prop is not None else ""


def _invitation(index: int, event: Component, method: str, zones: FileZones,
                own: frozenset[str]) -> Invitation:
    uid = _event_uid(event)
    status = (event.first("STATUS").value.strip().upper() if event.first("STATUS") else "")
    cancelled = method == "CANCEL" or status == "CANCELLED"
    summary = _clean_summary(_text(event, "SUMMARY"))
    description = _text(event, "DESCRIPTION").strip()
    location = " ".join(_text(event, "LOCATION").split())
    own_match = _OWN_UID.match(uid)
    own_kind, own_uid = (own_match.group(1), own_match.group(2)) if own_match else (None, None)
    when = event_time(event, zones, cancelled)
    notes = list(when.notes)
    recurring = event.first("RRULE") is not None or event.first("RDATE") is not None
    if recurring and not cancelled:
        notes.append("It repeats; only its first occurrence was imported.")
    organizer, attendees = _people(event, own)
    return Invitation(
        index=index, uid=uid, sequence=_sequence(event), method=method, cancelled=cancelled,
        summary=summary[:300], description=description[:20_000], location=location[:500],
        video_link=_video_link(event, location, description)[:2000],
        starts_at=when.starts_at, tz_name=when.tz_name, all_day=when.all_day,
        duration_minutes=when.duration_minutes, organizer=organizer, attendees=attendees,
        notes=tuple(notes), own_kind=own_kind, own_uid=own_uid, recurring=recurring,
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
    :class:`~services.calendar.ics_reader.InvitationFileError` when the file as a whole
    cannot be used.
    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError("data must be bytes")
    if len(data) > MAX_FILE_BYTES:
        raise InvitationFileError(too_big_message(len(data)))
    zone = clock.user_zone() if user_zone is None else zone_of(user_zone)
    own = frozenset(address.strip().casefold() for address in own_addresses if address)
    text, decode_note = decode_text(bytes(data))
    found = _FileEvents()
    methods: list[str] = []
    for calendar in read_components(text):
        method = _method(calendar)
        methods.append(method)
        found.read(calendar, method, FileZones(zone, calendar), own)
    if not (found.events or found.rejected):
        raise _no_events(found.other_kinds)
    method = methods[0] if len(set(methods)) == 1 else "MIXED"
    notes = (decode_note,) if decode_note else ()
    return ParsedFile(found.events, found.rejected, method or "PUBLISH", notes)


def _method(calendar: Component) -> str:
    """The calendar's METHOD, when it is one that carries invitations."""
    prop = calendar.first("METHOD")
    method = prop.value.strip().upper() if prop else ""
    if method in _REPLY_METHODS:
        raise InvitationFileError(
            f"This file is an answer to an invitation (METHOD:{method}), not an "
            "invitation, so there is no interview in it to import. Nothing was imported."
        )
    if method not in _ACCEPTED_METHODS:
        raise InvitationFileError(
            f"This calendar file uses METHOD:{shown(method, 20)[1:-1]}, which is not an "
            "invitation, an update or a cancellation. Nothing was imported."
        )
    return method


class _FileEvents:
    """The events of a file as they are read: the usable ones, the rejected ones (position
    in the file, reason) and the other kinds of component seen."""

    def __init__(self) -> None:
        self.events: list[Invitation] = []
        self.rejected: list[tuple[int, str]] = []
        self.other_kinds: set[str] = set()

    def read(self, calendar: Component, method: str, zones: FileZones,
             own: frozenset[str]) -> None:
        """Read the events of one calendar of the file."""
        for child in calendar.children:
            if child.name != "VEVENT":
                if child.name in ("VTODO", "VJOURNAL", "VFREEBUSY"):
                    self.other_kinds.add(child.name)
                continue
            index = len(self.events) + len(self.rejected) + 1
            title = child.first("SUMMARY")
            quoted = f" {shown(_unescape(title.value), 60)}" if title else ""
            try:
                self.events.append(_invitation(index, child, method, zones, own))
            except EventRejected as reason:
                self.rejected.append((index, f"Event {index}{quoted} was not imported: {reason}"))
            except Exception as exc:  # an odd value must not stop the other events
                log.warning("event %s could not be read", index, exc_info=True)
                self.rejected.append((index, f"Event {index}{quoted} was not imported: it could "
                                             f"not be read ({type(exc).__name__}: {exc})."))


def _no_events(other_kinds: set[str]) -> InvitationFileError:
    if other_kinds:
        kinds = ", ".join(sorted(other_kinds))
        return InvitationFileError(
            f"The file holds no events, only {kinds} (tasks, notes or free/busy "
            "times), so there is no interview in it. Nothing was imported."
        )
    return InvitationFileError("The file holds no events, so there is no interview in it. "
                               "Nothing was imported.")


def too_big_message(size: int) -> str:
    """The sentence refusing a file of ``size`` bytes (over :data:`MAX_FILE_BYTES`)."""
    return (f"The file is {size / 1024 / 1024:.1f} MB; calendar invitations are a few "
            f"kilobytes, and files over {MAX_FILE_BYTES // 1024 // 1024} MB are not read. "
            "Nothing was imported.")
