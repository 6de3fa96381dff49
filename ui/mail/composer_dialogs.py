"""The composer's questions, as class methods tests replace: send although some notes read
alike, send to exactly these recipients, send again a note that may have arrived, and where
to save an .eml file.

:class:`ComposerDialogs` is asked by :mod:`ui.mail.composer_send` (the confirmations) and
:mod:`ui.mail.composer_exports` (the .eml file's path).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class ComposerDialogs:
    """The questions the composer asks; tests replace these class methods."""

    @classmethod
    def confirm_send_similar(cls, parent: QWidget, pairs_text: str) -> bool:
        """True when the user sends although some notes read alike."""
        answer = QMessageBox.warning(
            parent, "Some notes read alike",
            f"{pairs_text}\n\nInterviewers compare notes. Send anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm_send(cls, parent: QWidget, recipients: list[str]) -> bool:
        """True when the user confirms sending to exactly these recipients."""
        answer = QMessageBox.question(
            parent, "Send", "Send now to:\n" + "\n".join(recipients),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm_resend(cls, parent: QWidget, name: str) -> bool:
        """True when the user wants to send again a message that may already have arrived."""
        answer = QMessageBox.question(
            parent, "Send again?",
            f"The connection dropped right after your note to {name} was handed over, so it may "
            "already have arrived. Sending again could give them two copies. Send again?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def eml_path(cls, parent: QWidget, suggested: str) -> str | None:
        """Where to save a .eml file, or None."""
        path, _ = QFileDialog.getSaveFileName(parent, "Save as email file", suggested,
                                              "Email files (*.eml)")
        return path or None
