"""Settings → Data: the backups with their date and size; back up now, restore, open the folder.

Restoring closes the database, puts the chosen backup in place of the current
file (which is kept aside under a new name, never deleted), tells the user
and calls ``restart`` so the app comes back on the restored data. :class:`DataPage` is the
tab :mod:`ui.shell.settings_view` shows; :class:`ConfirmRestore` is its question.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.core import connection
from services.core.paths import DataPaths
from services.core.store import StoreProblem
from services.core.write_problems import write_problem
from services.data import backups

log = logging.getLogger(__name__)


def size_text(size: int) -> str:
    """A file size as people read it: "840 KB", "12.5 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def when_text(info: backups.BackupInfo) -> str:
    """When a backup was made, in the computer's local time."""
    return info.made_at.astimezone(clock.user_zone()).strftime("%Y-%m-%d %H:%M")


_BACKUP_FAILURES = {
    "full": "the disk is full. Free some space, then try again",
    "read-only": "the backups folder cannot be written to. Fix its permissions, then try again",
    "busy": "another program kept the data busy. Try again in a moment",
    "io": "the disk reported an error. Check the disk, then try again",
}


class ConfirmRestore:
    """Asks before a restore; tests replace :meth:`ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, info: backups.BackupInfo) -> bool:
        """True when the user agrees to restore ``info``."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore this backup?",
            f"Your data will be replaced by the backup of {when_text(info)}. Your current "
            "data is kept aside in the data folder (nothing is deleted), and Next Steps "
            "restarts on the restored data.",
            QMessageBox.StandardButton.Cancel,
            parent,
        )
        restore = box.addButton("Restore and restart", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is restore


class DataPage(QWidget):
    """The backups of the data folder, with Back up now, Restore… and Open folder."""

    COLUMNS = ("Made", "Why", "Size")

    def __init__(
        self,
        paths: DataPaths,
        ensure_store: Callable[[], object],
        restart: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self._ensure_store = ensure_store
        self._restart = restart
        self._backups: list[backups.BackupInfo] = []
        self.setAccessibleName("Data and backups")

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_intro())
        layout.addWidget(self._build_table(), 1)
        self.empty_label = QLabel("There are no backups yet.", self)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._build_buttons())
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.refresh()

    def _build_intro(self) -> QLabel:
        """When backups are made, how long they are kept, and where they are."""
        intro = QLabel(
            "Next Steps backs your data up at the first start of each day and keeps the last "
            f"{backups.KEEP_DAILY} daily backups, and always the newest one that holds data. "
            "Backups made before an upgrade or an import, and those you make yourself, are kept "
            f"until you delete them. They are in {self.paths.backups}.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return intro

    def _build_table(self) -> QTreeWidget:
        """The backups, newest first: when, why and how big; Enter restores."""
        self.table = QTreeWidget(self)
        self.table.setColumnCount(len(self.COLUMNS))
        self.table.setHeaderLabels(list(self.COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Backups")
        self.table.setAccessibleDescription("Backups of your data, newest first")
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item, _column: self.restore_selected())
        return self.table

    def _build_buttons(self) -> QHBoxLayout:
        """Back up now, Restore… and Open folder."""
        buttons = QHBoxLayout()
        self.backup_button = QPushButton("&Back up now", self)
        self.backup_button.setAccessibleName("Back up now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("&Restore…", self)
        self.restore_button.setAccessibleName("Restore the selected backup")
        self.restore_button.clicked.connect(self.restore_selected)
        self.open_button = QPushButton("&Open folder", self)
        self.open_button.setAccessibleName("Open the backups folder")
        self.open_button.clicked.connect(self.open_folder)
        for button in (self.backup_button, self.restore_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    # -- the list -------------------------------------------------------------------------------
    def refresh(self, select: Path | None = None) -> None:
        """Read the backups folder again (newest first), keeping or setting the selection."""
        selected = self.selected_backup()
        wanted = select or (selected.path if selected else None)
        self._backups = backups.list_backups(self.paths.backups)
        self.table.clear()
        for info in self._backups:
            item = QTreeWidgetItem(
                [when_text(info), backups.describe_reason(info.reason), size_text(info.size)]
            )
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, str(info.path))
            self.table.addTopLevelItem(item)
            if info.path == wanted:
                self.table.setCurrentItem(item)
        self.empty_label.setVisible(not self._backups)
        self._update_buttons()

    def backups_shown(self) -> list[backups.BackupInfo]:
        """The backups in the list, in the order shown."""
        return list(self._backups)

    def selected_backup(self) -> backups.BackupInfo | None:
        """The backup selected in the list, if any."""
        item = self.table.currentItem()
        if item is None or not item.isSelected():
            return None
        index = self.table.indexOfTopLevelItem(item)
        return self._backups[index] if 0 <= index < len(self._backups) else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def showEvent(self, event) -> None:
        """Show the backups as they are now (a daily one may have appeared)."""
        super().showEvent(event)
        self.refresh()

    # -- actions --------------------------------------------------------------------------------
    def _say(self, sentence: str) -> None:
        self.status.setText(sentence)

    def back_up_now(self) -> backups.BackupInfo | None:
        """Make a backup now; say where, or say why it could not be made."""
        try:
            store = self._ensure_store()
            info = backups.make_backup(store.db, self.paths.backups, backups.MANUAL)
        except StoreProblem as problem:
            self._say(problem.message)
            return None
        except Exception as exc:  # shown as a sentence; the details go to the log
            log.warning("backup failed", exc_info=exc)
            reason = _BACKUP_FAILURES.get(write_problem(exc).kind, f"{exc}. Try again")
            self._say(f"The backup could not be made: {reason}. Your data itself is unchanged.")
            return None
        self.refresh(select=info.path)
        self._say(f"Backed up ({size_text(info.size)}) at {when_text(info)}.")
        return info

    def restore_selected(self) -> bool:
        """Ask, then put the selected backup in place and restart; False when nothing changed."""
        info = self.selected_backup()
        if info is None:
            self._say("Choose a backup in the list first.")
            return False
        problems = backups.file_problems(info.path)
        if problems:
            self._say(f"The backup of {when_text(info)} is damaged and cannot be restored "
                      f"({problems[0]}). Choose another one.")
            return False
        if not ConfirmRestore.ask(self, info):
            return False
        connection.close()
        try:
            kept = backups.restore_backup(self.paths, info.path, label="replaced")
        except OSError as exc:
            log.warning("restore failed", exc_info=exc)
            self._reconnect()
            self._say(f"The backup of {when_text(info)} could not be restored "
                      f"({exc.strerror or exc}); your data is as it was.")
            return False
        log.info("restored %s; previous data kept as %s", info.path, kept)
        kept_text = f" Your previous data was kept as {kept.name}." if kept else ""
        self._say(f"The backup of {when_text(info)} was restored.{kept_text} "
                  "Next Steps restarts now to open it.")
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        if self._restart is not None:
            self._restart()
        return True

    def _reconnect(self) -> None:
        """Open the database again after a restore that failed before the swap (a failure
        is logged; the page already says the data is as it was)."""
        connection.reopen()

    def open_folder(self) -> None:
        """Show the backups folder in the file manager."""
        self.paths.backups.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.backups))):
            self._say(f"The folder could not be opened; it is {self.paths.backups}.")
