"""Imports in the window: the files are read on a worker thread behind a progress dialog,
then written on the UI thread.

Reading (decoding, parsing, checking every row or event) is the slow part
and touches no database, so it runs in :func:`ui.shell.tasks.run_in_background`
while the window keeps painting and the progress dialog counts. Writing
stays on the UI thread, through the window's one database connection, one
transaction per file (docs/architecture.md, "Background work"): nothing
else can write while it runs, and the questions an import may ask (which
application, import the valid rows only?) are ordinary dialogs there.

Cancel stops the reading at its next progress report; nothing is written then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

#: ``progress(done, total, text)``: what the reading has done (total 0 when unknown).
Progress = Callable[[int, int, str], None]

_jobs: set[ImportJob] = set()


class ImportStopped(Exception):
    """Raised in the worker by a progress report after the user pressed Cancel."""


class ImportJob(QObject):
    """One import: ``read(progress)`` on a worker, then ``write(read_result)`` on the UI
    thread. ``finished`` carries what ``write`` returned, or None when the import was
    cancelled or failed (``failed`` then carries a sentence for the user)."""

    finished = Signal(object)
    failed = Signal(str)
    #: (done, total, text), emitted by the worker, delivered to the UI thread queued.
    progressed = Signal(int, int, str)

    def __init__(self, parent: QWidget, title: str, read: Callable[[Progress], Any],
                 write: Callable[[Any], Any]) -> None:
        super().__init__(parent)
        self._read = read
        self._write = write
        self._stop = threading.Event()
        self.running = False
        self.dialog = QProgressDialog("Reading the files…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setAccessibleName(f"{title}: progress")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

    def start(self) -> ImportJob:
        """Show the progress and start reading; returns the job."""
        _jobs.add(self)
        self.running = True
        self.dialog.show()
        run_in_background(self._work, self._read_done, self._read_failed)
        return self

    def cancel(self) -> None:
        """Stop the reading at its next progress report (nothing is written)."""
        self._stop.set()
        self.dialog.setLabelText("Stopping…")

    # -- on the worker ----------------------------------------------------------------------
    def _work(self) -> Any:
        return self._read(self._report)

    def _report(self, done: int, total: int, text: str) -> None:
        if self._stop.is_set():
            raise ImportStopped()
        self.progressed.emit(int(done), int(total), text)

    # -- on the UI thread -------------------------------------------------------------------
    def _show_progress(self, done: int, total: int, text: str) -> None:
        if self._stop.is_set():
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if text:
            self.dialog.setLabelText(text)

    def _read_done(self, result: Any) -> None:
        if self._stop.is_set():
            self._stopped("The import was cancelled; nothing was imported.")
            return
        self.dialog.setLabelText("Saving…")
        self.dialog.setCancelButton(None)  # a transaction is not stopped halfway
        self.dialog.repaint()
        try:
            outcome = self._write(result)
        finally:
            self._close()  # an unexpected error goes on to the window's error reporter
        self.finished.emit(outcome)

    def _read_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportStopped):
            self._stopped("The import was cancelled; nothing was imported.")
            return
        log.error("reading the files to import failed", exc_info=exc)
        self._stopped(f"The files could not be read ({exc}). Nothing was imported.")

    def _stopped(self, sentence: str) -> None:
        self._close()
        self.failed.emit(sentence)
        self.finished.emit(None)

    def _close(self) -> None:
        self.running = False
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        _jobs.discard(self)
        self.deleteLater()


class ImportQuestions:
    """What an import may ask while it writes; tests replace these class methods."""

    @classmethod
    def import_valid_events(cls, parent: QWidget, file) -> bool:
        """True when the user imports the usable events of an invitation file with
        unusable ones (``file`` as read by :mod:`services.calendar.invitation_files`)."""
        parsed = file.parsed
        reasons = "\n".join(reason for _index, reason in parsed.rejected[:8])
        if len(parsed.rejected) > 8:
            reasons += f"\n… and {len(parsed.rejected) - 8} more."
        count = len(parsed.events)
        answer = QMessageBox.question(
            parent, "Some events cannot be imported",
            f"Nothing from {file.name} was imported yet, because some of its events cannot be "
            f"used:\n\n{reasons}\n\nImport the {count} event{'s' if count != 1 else ''} that "
            f"{'are' if count != 1 else 'is'} fine and leave out the others?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes


def busy() -> bool:
    """True while an import is running (a second one waits for it)."""
    return any(job.running for job in _jobs)


def start_import(parent: QWidget, title: str, read: Callable[[Progress], Any],
                 write: Callable[[Any], Any]) -> ImportJob:
    """Run an import (see the module's description); connect to the job's signals."""
    return ImportJob(parent, title, read, write).start()
