"""Adding a reminder of one's own from File → New Reminder."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime

from services.core.snapshot import read_snapshot
from ui.shell.main_window import MainWindow


def test_new_reminder_is_stored_in_the_users_zone(qtbot, demo_store):
    from models.reminder import Reminder

    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "t", demo_store)
    qtbot.addWidget(window)
    window.local_zone_name = lambda: "Europe/Berlin"
    window.new_reminder()
    dialog = window.reminder_dialog
    assert not dialog.save(), "an empty text is refused"
    assert "Write what" in dialog.problem.text()
    dialog.text.setText("Send the portfolio link to Mira")
    dialog.when.setDateTime(QDateTime(2026, 12, 3, 9, 30, 0))
    dialog.application.setCurrentIndex(1)
    assert dialog.save()
    stored = Reminder.get_by_id(dialog.reminder_id)
    assert stored.custom and stored.text == "Send the portfolio link to Mira"
    assert stored.due_at == datetime(2026, 12, 3, 8, 30, tzinfo=UTC)
    assert stored.application_id is not None
