"""The wiring of reminders at start: :class:`ReminderSystem` and :func:`start_reminders`.

:func:`start_reminders` is called once after the first paint: a moment later
(:data:`AFTER_START_MS`) it starts the
:class:`~ui.reminders.scheduler.ReminderScheduler`, puts the
:class:`~ui.reminders.panel.ReminderPanel` above the window's sections, and,
where the desktop has a system tray, shows a :class:`~ui.shell.tray.ReminderTray`.
This module is imported right after the first paint, so it imports none of
them itself: they load when reminders start. The scheduler's passes run in a child process
(:class:`services.reminders.pass_process.ProcessPass`), so the ORM loads in this process
only when the user acts on a reminder.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

if TYPE_CHECKING:  # imported when reminders start, not when the app does
    from ui.reminders.panel import MissedRemindersDialog, ReminderPanel
    from ui.reminders.scheduler import ReminderScheduler
    from ui.shell.tray import ReminderTray

__all__ = ["AFTER_START_MS", "ReminderSystem", "start_reminders", "tray_available"]

log = logging.getLogger(__name__)


#: How long after the first paint a normal start waits before starting reminders (ms): the
#: window, its list and the integrity check come first; nothing about reminders is urgent to
#: the second.
AFTER_START_MS = 1500


class ReminderSystem(QObject):
    """Everything reminders need while the app runs (kept by :class:`ui.shell.app.Startup`).

    :meth:`start` starts the scheduler (its passes in a child process on the window's data
    folder), puts the panel above the window's sections, shows the tray icon where there
    is a tray, and, once the first pass is done, lists the reminders that came due while
    the app was closed (:attr:`missed_ids`) and emits :attr:`started`.
    """

    started = Signal()

    def __init__(self, window: QWidget, *, scheduler: ReminderScheduler | None = None,
                 use_tray: bool | None = None, minimized: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.scheduler: ReminderScheduler | None = scheduler
        self.use_tray = use_tray
        self.minimized = minimized
        self.panel: ReminderPanel | None = None
        self.tray: ReminderTray | None = None
        #: The reminders that came due while the app was closed (their ids: the panel lists
        #: them; their dialog reads them when asked for).
        self.missed_ids: list[int] = []
        self._pass = None
        self._missed_dialog: MissedRemindersDialog | None = None
        self._timer: QTimer | None = None
        self._starting = False
        self._opener = None
        #: True once the start's recomputing is done and :attr:`started` was emitted.
        self.ready = False

    @property
    def is_started(self) -> bool:
        """True once :meth:`start` ran (its recomputing may still be under way)."""
        return self._starting

    def start_later(self, delay_ms: int) -> None:
        """Start after ``delay_ms`` (cancelled if the window goes away first)."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.start)
        self._timer.start(delay_ms)

    def start(self) -> None:
        """Start reminders now (see the class); does nothing the second time. The
        reminders are recomputed on a worker (a third of a second with 10,000
        applications); the panel and the tray come once that is done."""
        if self._starting:
            return
        self._starting = True
        # Start-up: what reminders need loads when they start (see the module's docstring).
        from services.reminders.pass_process import ProcessPass
        from ui.reminders.scheduler import ReminderScheduler

        if self.scheduler is None:
            self._pass = ProcessPass(self.window.paths.root)
            self.scheduler = ReminderScheduler(self, run_pass=self._pass,
                                               open_store=self.window.ensure_store,
                                               listing=self._pass.listing)
        self.scheduler.start_in_background(self._show)

    def _show(self, missed: Sequence, outstanding: Sequence | None) -> None:
        """The start's pass is done: the panel; then, a turn of the event loop each (no step
        holds the UI thread long: ``make bench`` counts its stalls), its place above the
        sections, the tray icon, and what came due while the app was closed."""
        # Start-up: what reminders need loads when they start (see the module's docstring).
        from services.reminders.listing import ids_of
        from ui.reminders.panel import ReminderPanel, open_reminder

        window = self.window
        self._opener = lambda item: open_reminder(window, item)
        self.missed_ids = ids_of(missed)
        self.panel = ReminderPanel(self.scheduler, self._opener, window, outstanding)
        QTimer.singleShot(0, self, lambda: self._place_panel(missed))

    def _place_panel(self, missed: Sequence) -> None:
        """Put the panel above the sections (the window lays itself out again)."""
        if hasattr(self.window, "add_banner"):
            self.window.add_banner(self.panel)
        QTimer.singleShot(0, self, lambda: self._show_tray(missed))

    def _show_tray(self, missed: Sequence) -> None:
        """Show the tray icon where there is a tray."""
        if tray_available() if self.use_tray is None else self.use_tray:
            # Start-up: the tray's module only where there is a tray.
            from ui.shell.tray import ReminderTray

            self.tray = ReminderTray(self.window, self.scheduler, self)
            self.tray.show()
        notify = missed if self.minimized and self.tray is not None else []
        QTimer.singleShot(0, self, lambda: self._show_missed(notify))

    @property
    def missed_dialog(self) -> MissedRemindersDialog | None:
        """The list of what came due while the app was closed, made when first asked for
        (the tray's notification of a start minimised to it opens it; otherwise the panel
        lists them, and a dialog of thousands of rows nobody opens is not kept). None when
        nothing came due."""
        if self._missed_dialog is None and self.missed_ids:
            # Start-up: what reminders need loads when they start (see the module's docstring).
            from ui.reminders.panel import MissedRemindersDialog

            self._missed_dialog = MissedRemindersDialog(self.missed_ids, self.scheduler,
                                                        self._opener, self.window)
            if self.tray is not None:
                self.tray.missed_dialog = self._missed_dialog
        return self._missed_dialog

    def _show_missed(self, notify: Sequence) -> None:
        """List what came due while the app was closed (in the panel; their dialog only for
        a tray start, which notifies ``notify``); then :attr:`started`."""
        if self.missed_ids and self.tray is not None:
            self.tray.missed_dialog_source = lambda: self.missed_dialog
            if notify:
                self.tray.notify_missed(notify)
        log.info("reminders ready (%s tray; %d missed)", "with a" if self.tray else "no",
                 len(self.missed_ids))
        self.ready = True
        self.started.emit()

    def data_changed(self) -> None:
        """The data changed (a save, a sent email): recompute the reminders soon (before the
        start there is nothing to do: the start computes them)."""
        if self.scheduler is not None:
            self.scheduler.data_changed()

    def stop(self) -> None:
        """Stop the timers and remove the tray icon."""
        if self._timer is not None:
            self._timer.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        if self._pass is not None:
            self._pass.cancel()
        if self.tray is not None:
            self.tray.hide()


def tray_available() -> bool:
    """True when the desktop has a system tray (never offscreen)."""
    return QSystemTrayIcon.isSystemTrayAvailable()


def start_reminders(window: QWidget, *, scheduler: ReminderScheduler | None = None,
                    use_tray: bool | None = None, minimized: bool = False,
                    delay_ms: int = 0) -> ReminderSystem:
    """Start reminders for ``window``, now or ``delay_ms`` later; return their owner.

    Puts the panel above the sections (``window.add_banner``), shows the tray
    icon where there is a tray (``use_tray`` overrides the detection), and
    lists the reminders that came due while the app was closed once: in the
    panel, or, when the app started ``minimized`` in the tray (the panel cannot
    be seen), in one notification that opens their dialog. Call
    :meth:`ReminderSystem.data_changed` after saves. A normal start passes
    ``delay_ms=AFTER_START_MS``.
    """
    system = ReminderSystem(window, scheduler=scheduler, use_tray=use_tray,
                            minimized=minimized)
    if delay_ms > 0:
        system.start_later(delay_ms)
    else:
        system.start()
    return system
