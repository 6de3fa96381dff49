"""Calendar files in the Calendar section: export to .ics, import of invitations.

:class:`IcsFiles` is mixed into :class:`ui.calendar.view.CalendarView`, which the rest of
the app calls: :meth:`~IcsFiles.export_all` (File → Export → Calendar),
:meth:`~IcsFiles.import_files` (File → Import and drops on the window),
:meth:`~IcsFiles.export_entry` (an agenda entry's menu), and the drag and drop of .ics
files onto the calendar. Files are read on a worker behind a progress dialog, then
written on the UI thread (:mod:`ui.data.import_job`); the questions and messages are in
:mod:`ui.calendar.dialogs`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from models import clock
from services.applications.folding import fold
from services.calendar.entry_types import CalendarEntry
from services.calendar.ics_export import export_entry, export_file
from services.core.atomic import write_bytes_atomic
from ui.calendar.dialogs import (
    CalendarMessages,
    ChooseApplication,
    ExportDialog,
    ImportDialog,
    documents_folder,
)
from ui.data.import_job import ImportQuestions, busy, start_import


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:60].rstrip("-") or "entry"


class IcsFiles:
    """Export and import of the calendar view (mixed into it: uses its ``window_``,
    ``paths``, ``zone``, ``grid``, the month cache and the agenda)."""

    # -- export -----------------------------------------------------------------------------
    def export_entry(self, entry: CalendarEntry) -> bool:
        """Ask where, and save one entry as an .ics file; True when written."""
        suggested = str(documents_folder() / f"{_slug(entry.title)}.ics")
        path = ExportDialog.ask_path(self, suggested)
        if not path:
            return False
        try:
            write_bytes_atomic(Path(path), export_entry(entry))
        except OSError as exc:
            CalendarMessages.warn(self, "Export to calendar file",
                                  f"{path} could not be written: {exc.strerror or exc}. "
                                  "Choose another folder.")
            return False
        CalendarMessages.inform(self, "Export to calendar file",
                                f"Saved “{entry.title}” to {path}. Open it with your calendar "
                                "program to add it; exporting it again later updates it there.")
        return True

    def export_all(self) -> bool:
        """Ask where, and save every upcoming entry as one .ics file; True when written
        (the File menu's "Export calendar…" calls this)."""
        self.ensure_loaded()
        suggested = str(documents_folder() / "next-steps-calendar.ics")
        path = ExportDialog.ask_path(self, suggested)
        if not path:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = export_file(self.paths, path, now=clock.now(), zone=self.zone)
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            CalendarMessages.warn(self, "Export calendar",
                                  f"{path} could not be written: {exc.strerror or exc}. "
                                  "Choose another folder.")
            return False
        QGuiApplication.restoreOverrideCursor()
        noun = "entry" if count == 1 else "entries"
        CalendarMessages.inform(
            self, "Export calendar",
            f"Saved {count} upcoming {noun} to {path}, with alarms and time zones. Import it "
            "into Google Calendar, Outlook, Apple Calendar or Thunderbird; importing a newer "
            "export updates the same events instead of adding copies.")
        return True

    # -- import -----------------------------------------------------------------------------
    def import_invitations(self) -> None:
        """Ask for .ics files and import them."""
        files = ImportDialog.ask_files(self)
        if files:
            self.import_files(files)

    def import_files(self, files: Iterable[str | Path]):
        """Import invitation files: read on a worker behind a progress dialog, then written
        here, asking which application a new interview belongs to when that is not clear;
        show the report and emit ``import_finished`` with it. Returns the running job (None
        when there is nothing to import or another import is running)."""
        # icalendar: loaded by the import's modules, when the user first imports.
        from services.calendar.ics_import import user_addresses
        from services.calendar.invitation_files import read_invitation_files

        files = [str(file) for file in files]
        if not files:
            return None
        if busy():
            CalendarMessages.warn(self, "Import invitations", "Another import is still "
                                  "running; import these files when it has finished.")
            return None
        self.window_.ensure_store()
        own, zone = user_addresses(), self.zone

        def read(progress):
            return read_invitation_files(
                files, own_addresses=own, user_zone=zone,
                progress=lambda done, total, name: progress(
                    done, total, f"Reading {name}…" if name else "Read."))

        def write(read_files):
            report = self.apply_invitations(read_files)
            CalendarMessages.show_report(self, report)
            self.import_finished.emit(report)
            return report

        job = start_import(self, "Import invitations", read, write)
        job.failed.connect(lambda sentence: CalendarMessages.warn(
            self, "Import invitations", sentence))
        return job

    def apply_invitations(self, read_files):
        """Write invitation files read by
        :func:`services.calendar.invitation_files.read_invitation_files`
        (on the UI thread: one transaction per file), show their dates; return the report."""
        # icalendar: loaded by the import's modules, when the user first imports.
        from services.calendar.invitation_files import apply_invitation_files

        def choose(invitation, candidates):
            return ChooseApplication.ask(self, invitation, candidates)

        report = apply_invitation_files(
            read_files, now=clock.now(), choose_application=choose,
            accept_partial=lambda file: ImportQuestions.import_valid_events(self, file))
        self._month_cache.clear()
        if self._loaded:
            self.grid.reload()
        if report.starts:
            self.grid.select(report.starts[0].astimezone(self.zone).date())
        if self._loaded:
            self.refresh_agenda_now()
        else:
            self.ensure_loaded()
        if report.application_ids:
            self.data_changed.emit(list(report.application_ids))
        return report

    def dragEnterEvent(self, event) -> None:
        """Accept .ics files dragged onto the calendar."""
        if any(url.isLocalFile() and url.toLocalFile().lower().endswith((".ics", ".ical"))
               for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        """Import the dropped .ics files."""
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        files = [file for file in files if file.lower().endswith((".ics", ".ical"))]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_files(files))
