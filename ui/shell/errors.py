"""Unexpected errors: logged with their traceback, shown once in a dialog."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication

log = logging.getLogger("nextsteps.crash")


class ErrorReporter:
    """Installs ``sys.excepthook``; the first unexpected error of a session opens a dialog."""

    def __init__(self, log_path: str) -> None:
        self.log_path = log_path
        self.shown = False
        self._previous = sys.excepthook

    def install(self) -> None:
        """Route uncaught exceptions to :meth:`report`."""
        sys.excepthook = self.report

    def uninstall(self) -> None:
        """Give ``sys.excepthook`` back."""
        sys.excepthook = self._previous

    def report(self, exc_type, exc, tb) -> None:
        """Log the traceback; show a dialog the first time in this session."""
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", text)
        if self.shown or QApplication.instance() is None:
            return
        self.shown = True
        self.show_dialog(exc)

    def show_dialog(self, exc: BaseException) -> None:
        """Tell the user what happened and where the details are."""
        from PySide6.QtWidgets import QMessageBox  # here: not needed before the first paint

        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong",
                          "Next Steps hit an unexpected problem. Your saved data is safe; "
                          "the last action may not have finished.")
        box.setInformativeText(
            f"{type(exc).__name__}: {exc}\n\nThe details are in the log file:\n{self.log_path}"
        )
        box.exec()
