"""The question "snooze until when?": a date and time in the user's zone.

:class:`SnoozeDialog` is asked through its :meth:`~SnoozeDialog.ask` class method (tests
replace it) by the reminder lists (:mod:`ui.reminders.reminder_list`) and the tray's
notifications (:mod:`ui.shell.tray`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.shell.accessible import make_steppable


class SnoozeDialog(QDialog):
    """Choose when a snoozed reminder comes back."""

    def __init__(self, default: datetime, zone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        self.zone = zone
        layout = QVBoxLayout(self)
        label = QLabel("Remind me again on:", self)
        self.when = QDateTimeEdit(self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy HH:mm")
        make_steppable(self.when).setAccessibleName("Date and time the reminder comes back")
        self.when.setTimeZone(QTimeZone(zone.key.encode()))
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(default.timestamp()),
                                                           QTimeZone(zone.key.encode())))
        label.setBuddy(self.when)
        layout.addWidget(label)
        layout.addWidget(self.when)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> datetime:
        """The chosen instant, in UTC."""
        return datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), UTC)

    @classmethod
    def ask(cls, parent: QWidget | None, default: datetime, zone) -> datetime | None:
        """Ask for a time (modal); None when cancelled. Tests replace this method."""
        dialog = cls(default, zone, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.chosen()
        finally:
            dialog.deleteLater()
