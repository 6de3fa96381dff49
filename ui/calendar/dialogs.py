"""The Calendar section's questions and messages, as class methods tests replace.

:class:`ExportDialog` asks where to save an .ics file, :class:`ImportDialog` which
invitation files to import, :class:`ChooseApplication` which application an imported
interview belongs to, and :class:`CalendarMessages` tells what an export or import did.
:func:`documents_folder` is where the file dialogs start. All of them are used by
:mod:`ui.calendar.ics_files`; :class:`CalendarMessages` also by the agenda
(:mod:`ui.calendar.agenda_pane`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


def documents_folder() -> Path:
    """The user's documents folder (their home folder when there is none)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(folder) if folder else Path.home()
    return path if path.is_dir() else Path.home()


class ExportDialog:
    """Asks where to save an .ics file."""

    @classmethod
    def ask_path(cls, parent: QWidget, suggested: str) -> str | None:
        """The chosen path (``suggested`` is offered), or None when cancelled."""
        path, _selected = QFileDialog.getSaveFileName(
            parent, "Export to calendar file", suggested,
            "iCalendar files (*.ics);;All files (*)")
        if not path:
            return None
        return path if path.lower().endswith((".ics", ".ical", ".icalendar")) else path + ".ics"


class ImportDialog:
    """Asks which invitation files to import."""

    @classmethod
    def ask_files(cls, parent: QWidget) -> list[str]:
        """The chosen files (empty when cancelled)."""
        files, _selected = QFileDialog.getOpenFileNames(
            parent, "Import calendar invitations", str(documents_folder()),
            "Calendar invitations (*.ics *.ical *.icalendar *.vcs);;All files (*)")
        return list(files)


class ChooseApplication:
    """Asks which application an imported interview belongs to."""

    @classmethod
    def ask(cls, parent: QWidget, invitation, candidates: list) -> int | None:
        """An application id, or None for "Create a new application". Raises
        :class:`services.calendar.invitation_matching.ImportCancelled` when the user cancels."""
        # icalendar: the import's modules load it, so only when an import asks this.
        from services.calendar.invitation_matching import ImportCancelled

        dialog = QDialog(parent)
        dialog.setWindowTitle("Which application is this interview for?")
        layout = QVBoxLayout(dialog)
        intro = QLabel(
            f"The invitation {invitation.describe()} does not clearly belong to one of your "
            "applications. Choose the application, or create a new one.", dialog)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        people = ", ".join(f"{p.name} <{p.email}>" for p in invitation.people)
        if people:
            who = QLabel(f"From: {people}", dialog)
            who.setWordWrap(True)
            layout.addWidget(who)
        choices = QListWidget(dialog)
        choices.setAccessibleName("Applications to choose from")
        new_item = QListWidgetItem("Create a new application", choices)
        new_item.setData(Qt.ItemDataRole.UserRole, None)
        for candidate in candidates:
            stage = candidate.stage.replace("_", " ")
            text = f"{candidate.company} — {candidate.role} ({stage})"
            if candidate.reason:
                text += f"\n    {candidate.reason}"
            item = QListWidgetItem(text, choices)
            item.setData(Qt.ItemDataRole.UserRole, candidate.application_id)
        choices.setCurrentRow(1 if candidates and candidates[0].reason else 0)
        layout.addWidget(choices, 1)
        label = QLabel("&Application:", dialog)
        label.setBuddy(choices)
        layout.insertWidget(layout.count() - 1, label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        choices.itemDoubleClicked.connect(lambda _item: dialog.accept())
        layout.addWidget(buttons)
        dialog.resize(560, 420)
        if dialog.exec() != QDialog.DialogCode.Accepted or choices.currentItem() is None:
            raise ImportCancelled()
        return choices.currentItem().data(Qt.ItemDataRole.UserRole)


class CalendarMessages:
    """Messages of the calendar (exports and imports)."""

    @classmethod
    def inform(cls, parent: QWidget, title: str, text: str) -> None:
        """An information message."""
        QMessageBox.information(parent, title, text)

    @classmethod
    def warn(cls, parent: QWidget, title: str, text: str) -> None:
        """A problem, said in a sentence."""
        QMessageBox.warning(parent, title, text)

    @classmethod
    def show_report(cls, parent: QWidget, report) -> None:
        """What an import did: the summary, and every line under "Show Details"."""
        box = QMessageBox(parent)
        box.setWindowTitle("Import invitations")
        box.setIcon(QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning)
        box.setText(report.summary())
        box.setInformativeText("\n".join(line for line in report.lines[:12]
                                         if not line.startswith("    ")))
        box.setDetailedText(report.text())
        box.exec()
