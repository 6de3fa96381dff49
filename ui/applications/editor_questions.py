"""The application editor's two questions: unsaved changes on closing, a kept form on opening.

:class:`ui.applications.editor.ApplicationEditor` asks :meth:`UnsavedChanges.ask` and
:meth:`RestoreDraft.ask`; tests replace both ``ask`` methods.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class UnsavedChanges:
    """Asks what to do with unsaved changes; tests replace :meth:`ask`."""

    SAVE, DISCARD, KEEP_EDITING = "save", "discard", "keep"

    @classmethod
    def ask(cls, parent: QWidget) -> str:
        """SAVE, DISCARD or KEEP_EDITING."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "This application has changes that are not saved yet.", parent=parent)
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            return cls.SAVE
        if box.clickedButton() is discard:
            return cls.DISCARD
        return cls.KEEP_EDITING


class RestoreDraft:
    """Offers to bring back a form kept on disk; tests replace :meth:`ask`."""

    @classmethod
    def ask(cls, parent: QWidget, saved_at) -> bool:
        """True when the user wants the unsaved text back."""
        answer = QMessageBox.question(
            parent, "Unsaved changes found",
            f"You were editing this application on {saved_at:%d %b %Y at %H:%M} UTC and the "
            "changes were not saved. Bring them back?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes
