"""What the window says when the data cannot be opened as it is."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from services.store import StoreProblem


class StoreProblemDialog:
    """Asks what to do about a damaged database; tests replace :meth:`ask`."""

    RESTORE = "restore"
    EMPTY = "empty"
    QUIT = "quit"

    @classmethod
    def ask(cls, problem: StoreProblem) -> str:
        """Show the problem; return RESTORE, EMPTY or QUIT."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Next Steps cannot open your data",
                          problem.message)
        if problem.detail:
            box.setDetailedText(problem.detail)
        if problem.kind != "corrupt":
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            box.exec()
            return cls.QUIT
        restore = None
        if problem.backup is not None:
            restore = box.addButton(
                f"Restore the backup of {problem.backup.made_at:%Y-%m-%d %H:%M}",
                QMessageBox.ButtonRole.AcceptRole,
            )
        empty = box.addButton("Start with empty data", QMessageBox.ButtonRole.DestructiveRole)
        quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore or quit_button)
        box.exec()
        clicked = box.clickedButton()
        if restore is not None and clicked is restore:
            return cls.RESTORE
        if clicked is empty:
            return cls.EMPTY
        return cls.QUIT
