"""The day's backup while the app runs (ui/shell/daily_backup.py): one single-shot timer to
just after the next UTC midnight, and a check when the app becomes active on a new day
(a machine that slept), never a poll."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models import clock
from ui.shell import daily_backup
from ui.shell.daily_backup import DailyBackups, ms_until_next_day


def test_a_new_day_seen_on_activation_checks_again_and_the_same_day_does_not(
        qtbot, data_paths, monkeypatch):
    checks: list[int] = []
    monkeypatch.setattr(daily_backup, "tidy", lambda _paths: None)
    monkeypatch.setattr(daily_backup, "daily_backup_if_due", lambda _paths: checks.append(1))
    backups = DailyBackups(data_paths)
    backups.start()
    try:
        qtbot.waitUntil(lambda: checks == [1], timeout=5000)
        assert backups.timer.isSingleShot()
        assert backups.timer.interval() == ms_until_next_day(clock.now())
        active = Qt.ApplicationState.ApplicationActive
        QApplication.instance().applicationStateChanged.emit(active)
        qtbot.wait(100)
        assert checks == [1]  # the same day: nothing to do
        tomorrow = clock.now() + timedelta(days=1)
        monkeypatch.setattr(clock, "now", lambda: tomorrow)
        QApplication.instance().applicationStateChanged.emit(active)
        qtbot.waitUntil(lambda: checks == [1, 1], timeout=5000)
    finally:
        backups.stop()
    assert not backups.timer.isActive()
