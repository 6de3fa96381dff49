"""Importing interview invitations (.ics files) from Google Calendar, Outlook/Teams, Zoom,
Apple Calendar and others: each event becomes, updates or cancels an interview round.

The command line calls :func:`import_files`; the window calls
:func:`user_addresses` and then the two steps of
:mod:`services.calendar.invitation_files` itself (reading on a worker thread,
then writing). The jobs are done by:

* :mod:`services.calendar.ics_reader`: a small, strict RFC 5545 reader
  (icalendar's object model needs about 75 µs per line, some 15 s for 10 MB);
* :mod:`services.calendar.ics_times` and :mod:`services.calendar.ics_zones`:
  when each event happens, whatever the zone names the file uses (icalendar
  converts custom ``VTIMEZONE`` definitions);
* :mod:`services.calendar.invitations`: :func:`~services.calendar.invitations.parse_invitations`
  turns the events of one file into invitations (pure: no database); an event
  that cannot be used is listed with the reason;
* :mod:`services.calendar.invitation_matching`: which application an
  invitation belongs to, or the question asked when that is not clear;
* :mod:`services.calendar.invitation_writer`: the rounds, interviewers and
  applications written, each file in one transaction: a file with an event
  that cannot be used saves nothing (unless ``valid_only``: then its other
  events), and a failure saves nothing from the file. The
  :class:`~services.calendar.invitation_report.ImportReport` says, event by
  event, what was created, updated, cancelled, skipped or rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from models import clock
from services.calendar.invitation_files import apply_invitation_files, read_invitation_files
from services.calendar.invitation_matching import ChooseApplication
from services.calendar.invitation_report import ImportReport
from services.core import connection, settings
from services.core.instants import zone_of

__all__ = ["import_files", "user_addresses"]


def user_addresses(extra: Iterable[str] | None = None) -> frozenset[str]:
    """The user's addresses (and full name, as ``name:<name>``) left out of the people:
    from the settings, plus ``extra``. Reads the settings, so call it where the database is."""
    found = set()
    address = settings.get("smtp.sender_address").strip()
    if address:
        found.add(address.casefold())
    name = settings.get("user.name")
    if len(name.split()) >= 2:
        # The user's full name (from the settings) marks them when no address is known.
        found.add(f"name:{' '.join(name.split()).casefold()}")
    for address in extra or ():
        if address and address.strip():
            found.add(address.strip().casefold())
    return frozenset(found)


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
    raises :class:`~services.calendar.invitation_matching.ImportCancelled`).
    Without it (the command line), the best open match is used, or a new
    application named after the organizer's company is created, and the report
    says so. ``own_addresses`` are the user's addresses besides
    ``smtp.sender_address``; ``user_zone`` (default: the system's) places
    floating and all-day times. A file with events that cannot be used saves
    nothing unless ``valid_only`` (then its other events are imported; see
    :mod:`services.calendar.invitation_files`). The database already open (the
    window's) is used; otherwise it is opened for the import.
    """
    now = now or clock.now().replace(microsecond=0)
    zone = clock.user_zone() if user_zone is None else zone_of(user_zone)
    with connection.bound(paths):
        own = user_addresses(own_addresses)
        read = read_invitation_files(files, own_addresses=own, user_zone=zone)
        return apply_invitation_files(read, now=now, choose_application=choose_application,
                                      accept_partial=lambda _file: valid_only)
