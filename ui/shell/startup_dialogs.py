"""What the window says when the data cannot be opened as it is.

Each cause has its own sentence (see :mod:`services.core.store_problems`). Only a
damaged database can be set aside, and only after the user confirmed it; an
empty or missing one can be replaced by a backup; a busy, full, read-only or
unreadable one is left alone and the user can try again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from services.core.store import StoreProblem
from services.core.store_problems import RETRYABLE

_TITLES = {
    "corrupt": "Your data file is damaged",
    "lost": "Your data is missing",
    "busy": "Your data is in use by another program",
    "full": "The disk is full",
    "read-only": "Your data folder is read-only",
    "permission": "Next Steps may not open your data",
    "io": "The disk reported an error",
}


class StoreProblemDialog:
    """Asks what to do about data that cannot be opened; tests replace :meth:`ask`."""

    RESTORE = "restore"
    EMPTY = "empty"
    RETRY = "retry"
    QUIT = "quit"

    @classmethod
    def ask(cls, problem: StoreProblem) -> str:
        """Show the problem; return RESTORE, EMPTY (then confirmed with
        :class:`ConfirmStartEmpty` for a damaged file), RETRY or QUIT."""
        box = QMessageBox(QMessageBox.Icon.Warning,
                          _TITLES.get(problem.kind, "Next Steps cannot open your data"),
                          problem.message)
        if problem.detail:
            box.setDetailedText(problem.detail)
        buttons = {}
        if problem.kind in ("corrupt", "lost") and problem.backup is not None:
            buttons[cls.RESTORE] = box.addButton(
                f"Restore the backup of {problem.backup.made_at:%Y-%m-%d %H:%M}",
                QMessageBox.ButtonRole.AcceptRole,
            )
        if problem.kind == "corrupt":
            buttons[cls.EMPTY] = box.addButton("Set it aside and start empty…",
                                               QMessageBox.ButtonRole.DestructiveRole)
        elif problem.kind == "lost":
            buttons[cls.EMPTY] = box.addButton("Start with empty data",
                                               QMessageBox.ButtonRole.DestructiveRole)
        if problem.kind in RETRYABLE:
            buttons[cls.RETRY] = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        buttons[cls.QUIT] = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(buttons.get(cls.RESTORE) or buttons.get(cls.RETRY)
                             or buttons[cls.QUIT])
        box.exec()
        clicked = box.clickedButton()
        for choice, button in buttons.items():
            if clicked is button:
                return choice
        return cls.QUIT


class ConfirmStartEmpty:
    """Asks before a damaged database is set aside for empty data; tests replace :meth:`ask`."""

    @classmethod
    def ask(cls, problem: StoreProblem) -> bool:
        """True when the user confirms setting the damaged file aside."""
        backup = (f" A backup from {problem.backup.made_at:%Y-%m-%d %H:%M} UTC could be "
                  "restored instead." if problem.backup is not None else "")
        box = QMessageBox(
            QMessageBox.Icon.Question, "Set the damaged file aside?",
            "Your damaged database will be renamed and kept in the data folder (nothing is "
            "deleted), and Next Steps starts with empty data." + backup,
            QMessageBox.StandardButton.Cancel,
        )
        confirm = box.addButton("Set it aside and start empty",
                                QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is confirm
