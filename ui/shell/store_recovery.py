"""When the data cannot be opened as it is: ask the user, and do only what they chose.

A damaged database is set aside only when the user chose to restore a
backup, or confirmed starting with empty data; an empty or missing one is
replaced by the backup that still holds the data, or started anew when the
user says so. A busy, full, read-only or unreadable one is never touched: the
user can try again. :class:`InterruptedSends` finishes what a crash left
(messages left "sending") and, while another program keeps the data busy,
says so in a banner and tries again by itself.
"""

from __future__ import annotations

import logging

import peewee
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from services.core import connection
from services.core.paths import DataPaths
from services.core.store import keep_aside_and_restore, open_store
from services.core.store_problems import StoreProblem, open_problem
from services.core.write_problems import write_problem
from services.mail.interrupted import recover_interrupted
from ui.shell.startup_dialogs import ConfirmStartEmpty, StoreProblemDialog
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

#: What :func:`resolve` did: open again (nothing changed), the file changed, or quit.
RETRY, CHANGED, QUIT = "retry", "changed", "quit"

#: How often a start-up write that was refused (busy, full) is tried again.
RETRY_MS = 10_000

_BANNERS = {
    "busy": "Another program is keeping your data busy (perhaps another copy of Next Steps, "
            "or a backup or sync tool), so Next Steps cannot save changes right now. It tries "
            "again every few seconds; close that program if this message stays.",
    "full": "The disk that holds your data is full, so Next Steps cannot save changes right "
            "now. Free some space on it; Next Steps tries again every few seconds.",
    "read-only": "Your data folder or file is read-only, so Next Steps cannot save changes. "
                 "Fix the data folder's permissions; Next Steps tries again every few seconds.",
    "io": "The disk reported an error while saving, so Next Steps cannot save changes right "
          "now. Check the disk your data is on; Next Steps tries again every few seconds.",
}


def resolve(paths: DataPaths, problem) -> str:
    """Show ``problem`` and carry out the user's choice; return RETRY, CHANGED or QUIT."""

    log.error("cannot open the data (%s): %s (%s)", problem.kind, problem.message,
              problem.detail)
    choice = StoreProblemDialog.ask(problem)
    if choice == StoreProblemDialog.RETRY:
        return RETRY
    if choice not in (StoreProblemDialog.RESTORE, StoreProblemDialog.EMPTY) or (
            problem.kind not in ("corrupt", "lost")):
        return QUIT
    restore = choice == StoreProblemDialog.RESTORE and problem.backup is not None
    if problem.kind == "corrupt" and not restore and not ConfirmStartEmpty.ask(problem):
        return RETRY  # back to the question
    try:
        if problem.kind == "lost" and not restore:
            open_store(paths, accept_empty=True).close()
            connection.close()
            log.warning("the user started with empty data; the backups are kept")
            return CHANGED
        kept = keep_aside_and_restore(paths, problem.backup if restore else None)
    except StoreProblem as refused:  # not damaged after all: opening again says what it is
        log.warning("nothing was set aside: %s", refused.message)
        return RETRY
    except OSError as exc:
        log.error("the recovery could not be done", exc_info=exc)
        failed = open_problem(paths, exc)
        return RETRY if StoreProblemDialog.ask(failed) == StoreProblemDialog.RETRY else QUIT
    log.warning("%s database kept aside as %s; restored %s", problem.kind, kept,
                problem.backup.path if restore else "nothing (empty data)")
    return CHANGED


def open_store_interactively(paths: DataPaths, *, read_only: bool = False):
    """Open the data; when it cannot be opened, ask (see :func:`resolve`) until it opens.

    Returns the opened :class:`services.core.store.Store`, or None when the user quits.
    """

    for _question in range(100):  # the user decides; this only bounds a test's answers
        try:
            return open_store(paths, read_only=read_only)
        except StoreProblem as problem:
            if resolve(paths, problem) == QUIT:
                return None
    return None


def banner_label(text: str, parent=None) -> QLabel:
    """A banner above the sections that says what keeps the data from being saved."""
    banner = QLabel(text, parent)
    banner.setObjectName("DataBanner")
    banner.setWordWrap(True)
    banner.setAccessibleDescription("Data problem")
    banner.setStyleSheet("QLabel#DataBanner { background: #fdecea; color: #6b1a12;"
                         " border: 1px solid #e0a39a; border-radius: 4px; padding: 6px; }")
    return banner


class InterruptedSends(QObject):
    """Marks messages a crash left *sending* as *uncertain*, once the data can be written.

    The first try runs on the UI thread; when it is refused (another program
    holds a write lock, a full disk) a banner says so and a worker thread
    tries again every :data:`RETRY_MS` until it works, then the banner goes.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = None
        self.banner: QLabel | None = None
        self.pending_kind = ""
        self.recovered: int | None = None
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self._try_in_background)

    def attach(self, window) -> None:
        """Show the banner (if any) in ``window``, now and later."""
        self.window = window
        self._update_banner()

    def start(self) -> None:
        """Try now, on this thread."""


        try:
            count = recover_interrupted()
        except peewee.DatabaseError as exc:
            self._refused(exc)
        else:
            self._done(count)

    def stop(self) -> None:
        """Stop trying (the app is closing); a try still running reports to no one."""
        self._stopped = True
        self._timer.stop()

    def _try_in_background(self) -> None:

        run_in_background(recover_interrupted, self._done, self._refused)

    def _refused(self, exc: BaseException) -> None:

        if self._stopped:
            return
        problem = write_problem(exc)
        if problem.kind not in _BANNERS:
            raise exc  # unexpected: the error reporter shows it
        log.warning("messages left sending could not be marked yet (%s): %s", problem.kind, exc)
        self.pending_kind = problem.kind
        self._update_banner()
        self._timer.start()

    def _done(self, count: int) -> None:
        if self._stopped:
            return
        self.recovered = count
        self.pending_kind = ""
        self._update_banner()
        if count:
            log.warning("%d message(s) were being sent when the app stopped; marked uncertain",
                        count)

    def _update_banner(self) -> None:
        text = _BANNERS.get(self.pending_kind, "")
        if not text:
            if self.banner is not None:
                self.banner.deleteLater()
                self.banner = None
            return
        if self.window is None:
            return
        if self.banner is None:
            self.banner = banner_label(text, self.window)
            self.window.add_banner(self.banner)
        else:
            self.banner.setText(text)
