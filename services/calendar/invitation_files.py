"""Importing .ics invitation files in two steps: reading them, then writing what they hold.

* :func:`read_invitation_files` reads and parses each file (no database
  involved, so the window runs it on a worker thread, with progress).
* :func:`apply_invitation_files` writes each file's events in one
  transaction, on the thread that owns the database connection.

The rule for a file with events that cannot be used (no start, an unknown
time zone, …), the same as for a spreadsheet's rows: nothing from the file is
saved, and each such event is listed with its reason, unless
``accept_partial(file)`` says yes (the command line's ``--valid-only``, or the
window's question); then its other events are imported and the left-out ones
listed. A file that cannot be read at all saves nothing either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.base import database_proxy
from services.calendar.ics_reader import InvitationFileError
from services.calendar.invitation_matching import (
    ApplicationMatcher,
    ChooseApplication,
    ImportCancelled,
)
from services.calendar.invitation_report import ImportReport
from services.calendar.invitation_writer import InvitationWriter
from services.calendar.invitations import (
    MAX_FILE_BYTES,
    ParsedFile,
    parse_invitations,
    too_big_message,
)

log = logging.getLogger(__name__)

#: ``progress(files_done, files_total, name)`` while files are read.
Progress = Callable[[int, int, str], None]


class InvitationFile(NamedTuple):
    """One file read: its events (``parsed``), or the sentence saying why it cannot be used."""

    path: Path
    parsed: ParsedFile | None
    problem: str = ""

    @property
    def name(self) -> str:
        """The file's name, as the report shows it."""
        return self.path.name


def _read_one(path: Path, own: frozenset[str], zone: ZoneInfo | str) -> InvitationFile:
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return InvitationFile(path, None, too_big_message(size))
        data = path.read_bytes()
    except OSError as exc:
        return InvitationFile(path, None, f"the file could not be read ({exc.strerror or exc}). "
                                          "Nothing was imported from it.")
    try:
        return InvitationFile(path, parse_invitations(data, own_addresses=own, user_zone=zone))
    except InvitationFileError as problem:
        return InvitationFile(path, None, problem.message)
    except Exception as exc:  # a bug in the reader must not look like a crash
        log.exception("reading %s failed", name)
        return InvitationFile(path, None, f"the file could not be read as a calendar ({exc}). "
                                          "Nothing was imported from it.")


def read_invitation_files(files: Iterable[str | Path], *, own_addresses: frozenset[str],
                          user_zone: ZoneInfo | str,
                          progress: Progress | None = None) -> list[InvitationFile]:
    """Read and parse each file; never touches the database (safe on a worker thread).

    ``own_addresses`` are the user's (see :func:`services.calendar.ics_import.user_addresses`);
    ``user_zone`` places floating and all-day times.
    """
    paths = [Path(file) for file in files]
    read = []
    for done, path in enumerate(paths):
        if progress is not None:
            progress(done, len(paths), path.name)
        read.append(_read_one(path, own_addresses, user_zone))
    if progress is not None and paths:
        progress(len(paths), len(paths), "")
    return read


def _refusal(file: InvitationFile) -> list[str]:
    """The report's lines for a file whose unusable events keep it from being imported."""
    parsed = file.parsed
    bad, total = len(parsed.rejected), len(parsed.events) + len(parsed.rejected)
    if not parsed.events:
        lines = [f"{file.name}: none of its {total} event{'s' if total != 1 else ''} can be "
                 "imported, so nothing from this file was imported. Ask the sender for the "
                 "invitation again, or add the interview by hand."]
    else:
        lines = [f"{file.name}: {bad} of {total} events cannot be imported, so nothing from "
                 "this file was imported. Ask the sender for the invitation again, or choose "
                 "to import only the events that are fine."]
    lines += [f"  {reason}" for _index, reason in parsed.rejected]
    return lines


def _merge(report: ImportReport, file: InvitationFile, part: ImportReport) -> None:
    """Add what one file did (``part``) to the report, under a line naming the file."""
    parsed = file.parsed
    events = len(parsed.events) + len(parsed.rejected)
    left_out = f"; {len(parsed.rejected)} left out, as you chose" if parsed.rejected else ""
    report.say(f"{file.name}: {events} event{'s' if events != 1 else ''} read{left_out}.")
    report.lines.extend(f"  {note}" for note in parsed.notes)
    report.lines.extend(f"  {line}" for line in part.lines)
    report.lines.extend(f"  {reason}" for _index, reason in parsed.rejected)
    report.rejected += len(parsed.rejected)
    for key in ("created", "updated", "unchanged", "cancelled", "skipped",
                "applications_created"):
        setattr(report, key, getattr(report, key) + getattr(part, key))
    report.round_ids.extend(part.round_ids)
    report.starts.extend(part.starts)
    report.application_ids.extend(part.application_ids)


def apply_invitation_files(
    read: Iterable[InvitationFile],
    *,
    now: datetime,
    choose_application: ChooseApplication | None = None,
    accept_partial: Callable[[InvitationFile], bool] | None = None,
) -> ImportReport:
    """Write the events of each file read, each file in one transaction; the report.

    Needs the database bound (the caller's thread owns the connection).
    ``choose_application`` as for :func:`services.calendar.ics_import.import_files`;
    ``accept_partial(file)`` is asked for a file with unusable events (None: refuse).
    """
    report = ImportReport()
    matcher: list[ApplicationMatcher] = []

    def get_matcher() -> ApplicationMatcher:
        if not matcher:
            matcher.append(ApplicationMatcher())
        return matcher[0]

    for file in read:
        name, parsed = file.name, file.parsed
        if parsed is None:
            report.failed_files += 1
            report.say(f"{name}: {file.problem}")
            continue
        if parsed.rejected and not (parsed.events and accept_partial is not None
                                    and accept_partial(file)):
            report.failed_files += 1
            report.rejected += len(parsed.rejected)
            for line in _refusal(file):
                report.say(line)
            continue
        part = ImportReport()
        try:
            with database_proxy.atomic():
                importer = InvitationWriter(part, get_matcher, choose_application, now, name,
                                            parsed.events)
                for invitation in parsed.events:
                    importer.apply(invitation)
        except ImportCancelled:
            matcher.clear()  # applications it saw may have been rolled back
            report.interrupted = True
            report.say(f"{name}: import cancelled; nothing from this file was saved.")
            break
        except Exception as exc:
            matcher.clear()
            log.exception("importing %s failed", file.path)
            report.failed_files += 1
            report.say(f"{name}: the import failed ({exc}); nothing from this file was saved.")
            continue
        _merge(report, file, part)
    report.application_ids = list(dict.fromkeys(report.application_ids))
    return report
