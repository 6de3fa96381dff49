"""The day's backup while the app runs: at the start, then once at the start of each new day.

Backups are made per UTC day (:func:`services.data.backups.daily_backup_if_due`). The app
can stay open for days in the tray, so :class:`DailyBackups` arms one single-shot timer
for the next UTC midnight (plus :data:`MARGIN_S`) instead of polling, and checks again
when the app becomes active on a day it has not checked yet: Qt's timers run on the
monotonic clock, which stands still while the machine sleeps, and a resumed machine is
often first seen that way. Each check
runs on a worker thread: leftovers of interrupted copies removed and the folder made
private (:func:`services.core.data_folder.tidy`), then the backup when it is due.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

from models import clock
from services.core.data_folder import tidy
from services.core.paths import DataPaths
from services.data.backups import daily_backup_if_due
from ui.shell.tasks import run_in_background

__all__ = ["MARGIN_S", "DailyBackups", "ms_until_next_day"]

#: After midnight (UTC), wait this long more: a clock a little behind still sees the new day.
MARGIN_S = 60


def ms_until_next_day(now: datetime) -> int:
    """Milliseconds from ``now`` until :data:`MARGIN_S` after the next midnight, UTC."""
    utc = now.astimezone(UTC)
    midnight = datetime.combine(utc.date() + timedelta(days=1), datetime.min.time(), UTC)
    return max(int((midnight - utc).total_seconds() + MARGIN_S) * 1000, 1000)


class DailyBackups(QObject):
    """Checks for the day's backup now (:meth:`start`), at each new day, and when the app
    becomes active on a new day; :meth:`stop` ends it."""

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self._watching = False
        self._checked_day = None

    def start(self) -> None:
        """Check now and arm the timer; check again whenever the app becomes active."""
        app = QGuiApplication.instance()
        if app is not None and not self._watching:
            app.applicationStateChanged.connect(self._on_state)
            self._watching = True
        self.check()

    def check(self) -> None:
        """On a worker: tidy the folder and make the day's backup when due; re-arm."""
        paths = self._paths

        def work():
            tidy(paths)
            return daily_backup_if_due(paths)

        run_in_background(work, lambda _info: None)
        now = clock.now()
        self._checked_day = now.astimezone(UTC).date()
        self.timer.start(ms_until_next_day(now))

    def stop(self) -> None:
        """No more checks."""
        self.timer.stop()
        app = QGuiApplication.instance()
        if app is not None and self._watching:
            app.applicationStateChanged.disconnect(self._on_state)
            self._watching = False

    def _on_state(self, state) -> None:
        if (state == Qt.ApplicationState.ApplicationActive and self.timer.isActive()
                and clock.now().astimezone(UTC).date() != self._checked_day):
            self.check()
