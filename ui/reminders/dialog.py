"""Adding a reminder of your own: a text, a date and time, and optionally an application."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from models import clock
from services.applications.loading import application_titles
from services.reminders.custom import add_custom
from ui.shell.accessible import make_steppable, message_label


class CustomReminderDialog(QDialog):
    """Asks for the reminder; :meth:`save` stores it through services.reminders.custom."""

    def __init__(self, window, zone_name: str, application_id: int | None = None) -> None:
        super().__init__(window)
        self.setWindowTitle("New reminder")
        self.zone = ZoneInfo(zone_name)
        self.reminder_id: int | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Call Mira about the team lunch")
        self.when = QDateTimeEdit(self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        make_steppable(self.when)
        start = (clock.now().astimezone(self.zone) + timedelta(days=1)).replace(hour=9, minute=0,
                                                                        second=0, microsecond=0)
        self.when.setDateTime(QDateTime(start.year, start.month, start.day, 9, 0, 0))
        self.application = QComboBox(self)
        self.application.addItem("No application", None)
        for app_id, title in application_titles():
            self.application.addItem(title, app_id)
        if application_id is not None:
            self.application.setCurrentIndex(max(self.application.findData(application_id), 0))
        for text, widget in (("&Remind me to", self.text), ("&When", self.when),
                             ("&About", self.application)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        message_label(self.problem, "Problem")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def due_at(self) -> datetime:
        """The chosen moment in the user's zone, as a UTC instant."""
        value = self.when.dateTime()
        date, time = value.date(), value.time()
        local = datetime(date.year(), date.month(), date.day(), time.hour(), time.minute(),
                         tzinfo=self.zone)
        return local.astimezone(UTC)

    def save(self) -> bool:
        """Store the reminder; on a problem, say so and keep what was typed."""

        if not self.text.text().strip():
            self.problem.setText("Write what the reminder is about.")
            self.problem.show()
            return False
        try:
            self.reminder_id = add_custom(self.text.text(), self.due_at(),
                                          self.application.currentData())
        except ValueError as exc:
            self.problem.setText(getattr(exc, "message", str(exc)))
            self.problem.show()
            return False
        self.accept()
        return True
