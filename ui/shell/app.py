"""Start the desktop app: one instance, logging, the data, the theme and the window.

A normal start paints the window from a quick snapshot of the database
(:mod:`services.core.snapshot`), then opens the database through the ORM and
checks its integrity on a worker thread. A new, older or unreadable
database is opened the careful way (creation, upgrade with a backup first,
integrity check, the choice of restoring a backup) before any window shows.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from services.core.paths import DataPaths
from ui.shell.restart import restart_app
from ui.shell.single_instance import SingleInstance, hand_over_to_running_copy
from ui.shell.warm_up import WARM_UP_AFTER_MS, warm_up_imports

#: The housekeeping after the first paint (logging, the integrity check, backups,
#: reminders) starts this much after it (ms): a key typed as the window appears is
#: answered first (in about 40 ms at 10,000 applications: interactive_10k_ms of make bench).
SERVICES_AFTER_MS = 120

log = logging.getLogger(__name__)

#: How often a running app checks whether the day's backup is due (UTC days, like
#: services.data.backups.daily_backup_if_due): it can stay open for days in the tray.


def open_store_interactively(paths: DataPaths, *, read_only: bool = False):
    """Open the data, asking the user what to do when it cannot be opened as it is
    (see :mod:`ui.shell.store_recovery`). Returns the Store, or None when the user quits."""
    # Start-up: each step imports what it runs when it runs (not before the first paint).
    from ui.shell.store_recovery import open_store_interactively as ask_and_open

    return ask_and_open(paths, read_only=read_only)


def make_application() -> QApplication:
    """The QApplication with the app's names set (reused if one exists)."""
    app = QApplication.instance()
    if app is None:
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.theme import fusion_arguments, started_on_fusion

        app = QApplication(fusion_arguments(sys.argv[0] if sys.argv else "nextsteps"))
        started_on_fusion(app)
    app.setApplicationName("Next Steps")
    app.setOrganizationName("NextSteps")
    app.setDesktopFileName("next-steps")
    return app


class Startup:
    """Brings the app up and owns what lives as long as it does."""

    def __init__(self, paths: DataPaths, *, demo: bool, benchmark_startup: bool | str,
                 minimized: bool = False) -> None:
        self.paths = paths
        self.minimized = minimized
        self.reminders = None
        self.demo = demo
        self.benchmark_startup = benchmark_startup
        self.app = make_application()
        self.instance = SingleInstance(paths)
        self.store = None
        self.window = None
        self.reporter = None
        self._logging = False
        self._shut_down = False
        self._system_theme = self._theme_corrected = False
        self.backups = None
        #: True when the folder's lock could not be written: the data opens for reading only.
        self.read_only = False
        self._sends = None

    def run(self) -> int:
        """Run until the user quits; return the exit code."""
        if not self.take_folder():
            return hand_over_to_running_copy(self.paths)
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.errors import ErrorReporter

        self.reporter = ErrorReporter(str(self.paths.log_file))
        self.reporter.install()
        try:
            if not self._show_window():
                return 1
            return self.app.exec()
        finally:
            # Start-up: each step imports what it runs when it runs (not before the first paint).
            import gc

            gc.enable()
            self.shutdown()
            self.reporter.uninstall()

    def take_folder(self) -> bool:
        """Take the data folder's lock; False when another copy of the app holds it.

        A lock that cannot even be written (a read-only or full disk) is no other
        copy: the data is then opened for reading only (``read_only``), as it is
        when the lock fits on a disk too full for anything more.
        """
        if self.instance.acquire():
            # Start-up: each step imports what it runs when it runs (not before the first paint).
            from services.core.paths import read_only_uri

            self.read_only = read_only_uri(self.paths) is not None
            return True
        if self.instance.another_copy_runs():
            return False
        log.warning("cannot lock %s; opening the data for reading only", self.paths.root)
        self.read_only = True
        return True

    def shutdown(self) -> None:
        """Stop what runs on timers (reminders, the rest of the start-up), close the data and
        release the folder. Safe to call more than once."""
        self._shut_down = True
        if self.backups is not None:
            self.backups.stop()
        if self._sends is not None:
            self._sends.stop()
        if self.reminders is not None:
            self.reminders.stop()
        if self.window is not None and self.window.mailbox_watch is not None:
            self.window.mailbox_watch.stop(timeout=2.0)
        if self.store is not None:
            self.store.close()
            self.store = None
        self.instance.release()

    def _show_window(self) -> bool:
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from services.core.snapshot import read_snapshot
        from services.core.version import __version__
        from ui.shell.main_window import MainWindow
        from ui.shell.theme import apply_theme

        snapshot = None if self.demo or self.read_only else read_snapshot(self.paths)
        if snapshot is None:
            self._start_logging()
            self.store = open_store_interactively(self.paths, read_only=self.read_only)
            if self.store is None:
                return False
            self._recover_sends()
            if self.demo and not self.store.read_only:
                self._fill_demo()
            snapshot = read_snapshot(self.paths)
            if snapshot is None:
                raise RuntimeError("the database was opened but cannot be read back")
        theme = snapshot.setting("ui.theme")
        apply_theme(self.app, theme, first=True)
        self._system_theme = theme == "system"
        if theme == "system":
            # Follow the desktop when it switches between light and dark.
            self.app.styleHints().colorSchemeChanged.connect(
                lambda _scheme: apply_theme(self.app, "system"))
        # Each benchmark run is a first start: same default size as the bare window.
        self.window = MainWindow(
            self.paths, snapshot, __version__, self.store, open_store=self._open_store_on_demand,
            restart=self._restart, remember_state=not self.benchmark_startup,
        )
        self.instance.activation_requested.connect(self.window.bring_to_front)
        if self._sends is not None:
            self._sends.attach(self.window)
        self.window.first_painted.connect(self._after_first_paint)
        if self.minimized and self._tray_available():
            # Started at login: stay in the tray; the window paints when first opened.
            QTimer.singleShot(0, self._finish_opening)
        else:
            self.minimized = False
            self.window.show()
        return True

    @staticmethod
    def _tray_available() -> bool:
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.reminder_system import tray_available

        return tray_available()

    def _start_logging(self) -> None:
        # Deferred until needed: logging.handlers costs start-up time.
        if self._logging:
            return
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from services.core.logs import setup_logging

        setup_logging(self.paths)
        self._logging = True
        log.info("starting with data in %s", self.paths.root)

    def _fill_demo(self) -> None:
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from services.data import demo as demo_data

        if demo_data.is_empty():
            demo_data.fill_demo()
        else:
            log.info("--demo ignored: the data folder already holds applications")

    def _after_first_paint(self) -> None:
        if self.benchmark_startup:
            # Queued first, so it runs as soon as this frame (the list's rows included) is
            # complete, before any work deferred until after the paint.
            QTimer.singleShot(0, self._report_first_frame)
        QTimer.singleShot(0, self._finish_opening)
        if self.benchmark_startup not in (False, True, "paint"):
            # After the work queued above, as a key typed the moment the window shows waits.
            QTimer.singleShot(0, self._start_probe)

    def _start_probe(self) -> None:
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.bench_probe import start_probe

        start_probe(self.window, self.benchmark_startup)

    def _report_first_frame(self) -> None:
        """The lines ``make bench`` reads (see benchmarks/harness.py)."""
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.prepaint import report_first_frame

        report_first_frame()
        if self.benchmark_startup in (True, "paint"):
            # Stay a moment so work deferred until after the first paint counts in peak memory.
            QTimer.singleShot(300, self.app.quit)

    def _finish_opening(self) -> None:
        """The work after the first paint, one step per turn of the event loop (each a few
        milliseconds, so a key typed meanwhile is answered between them): the colour
        scheme confirmed; :data:`SERVICES_AFTER_MS` later, :meth:`_start_services`, then
        the reminders' timer; before they start, the modules they need are imported on a
        worker (:func:`warm_up_imports`)."""
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        import gc

        # What the start-up allocated lives as long as the app: kept out of the collector's
        # full passes (each one walked all of it, a stall of tens of milliseconds).
        gc.freeze()
        gc.enable()  # command_line.main turns it off until the window is on screen
        if self._shut_down:
            return
        QTimer.singleShot(WARM_UP_AFTER_MS, warm_up_imports)
        if self._system_theme:
            # Start-up: each step imports what it runs when it runs (not before the first paint).
            from ui.shell.theme import confirm_system_theme

            self._theme_corrected = confirm_system_theme(self.app)
        QTimer.singleShot(SERVICES_AFTER_MS, self._start_services)

    def _start_services(self) -> None:
        """Logging; a turn later the integrity check, and a turn after it
        :meth:`_start_writers` (each step a few milliseconds)."""
        if self._shut_down:
            return
        self._start_logging()
        if self._theme_corrected:
            log.info("colour scheme corrected after the first paint")
        QTimer.singleShot(0, self._start_checking)

    def _start_checking(self) -> None:
        """The integrity check, on a worker; then :meth:`_start_writers`."""
        if self._shut_down:
            return
        if self.store is None:
            self._check_integrity_in_background()
        QTimer.singleShot(0, self._start_writers)

    def _start_writers(self) -> None:
        """The answer to later launches and the daily backup; then the reminders."""
        if self._shut_down:
            return
        if self.read_only or (self.store is not None and self.store.read_only):
            # Nothing can be written: no lock to answer on, no backups, and no reminders
            # (keeping them up to date writes); the banner says why.
            log.info("read-only data: no reminders, backups or answers to later launches")
            return
        self.instance.listen()
        if self.backups is None:
            # Start-up: each step imports what it runs when it runs (not before the first paint).
            from ui.shell.daily_backup import DailyBackups

            self.backups = DailyBackups(self.paths, self.app)
            self.backups.start()
        QTimer.singleShot(0, self._open_reminders)

    def _open_reminders(self) -> None:
        # Start-up: reminders load their parts when they start (ui.shell.reminder_system).
        from ui.shell.reminder_system import AFTER_START_MS, start_reminders

        if self.reminders is None:
            self.reminders = start_reminders(self.window, minimized=self.minimized,
                                             delay_ms=AFTER_START_MS)
            self.window.attach_reminders(self.reminders)
            # Queued: a turn of its own after the reminders' (each step stays short).
            self.reminders.started.connect(
                lambda: QTimer.singleShot(0, self._watch_mailbox))
        log.info("main window shown")

    def _watch_mailbox(self) -> None:
        """Once reminders run (their tray shows notifications), watch the mailbox for replies
        (from when one is set up: ui.mail.mailbox_start)."""
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.mail.mailbox_start import watch_when_set_up

        if not self._shut_down and self.window.mailbox_watch is None:
            watch_when_set_up(self.window)

    def _restart(self) -> None:
        """Release the data folder, then start a fresh copy (after a restore)."""
        self.shutdown()
        restart_app()

    def _open_store_on_demand(self):
        """Open the database through the ORM the first time the window needs it."""
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from services.core.store import StoreProblem, open_store
        from ui.shell.store_recovery import RETRY

        while True:
            try:
                self.store = open_store(self.paths, check_integrity=False,
                                        read_only=self.read_only)
                break
            except StoreProblem as problem:
                # The snapshot was readable at start-up: another program holds or changed
                # the file. Trying again is the only choice that keeps this window.
                if self._offer_recovery(problem) != RETRY:
                    raise
        self._recover_sends()
        return self.store

    def _recover_sends(self) -> None:
        """Messages left "sending" by a crash become "uncertain": never resent silently.
        While the data is busy, a banner says so and it is tried again (ui.shell.store_recovery)."""
        if self.store is None or self.store.read_only:
            return
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.store_recovery import InterruptedSends

        if self._sends is None:
            self._sends = InterruptedSends(self.app)
            if self.window is not None:
                self._sends.attach(self.window)
        self._sends.start()

    def _check_integrity_in_background(self) -> None:
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from services.core.store_problems import check_database
        from ui.shell.tasks import run_in_background

        paths = self.paths
        run_in_background(lambda: check_database(paths), self._on_integrity_result)

    def _on_integrity_result(self, problem) -> None:
        if problem is None:
            log.info("integrity check ok")
        elif problem.kind != "corrupt":
            # Not damage: the file could not be checked now (busy, a disk error). It opens
            # normally; a write that fails says why.
            log.warning("integrity check not done (%s): %s", problem.kind, problem.detail)
        else:
            # Start-up: recovery's dialogs load only when the file is damaged.
            from ui.shell.store_recovery import RETRY

            if self._offer_recovery(problem) == RETRY:
                self._check_integrity_in_background()

    def _offer_recovery(self, problem) -> str:
        """Ask about ``problem`` while the window is up; restart on a restored or new file,
        quit when the user says so. Returns what :func:`ui.shell.store_recovery.resolve` did."""
        # Start-up: each step imports what it runs when it runs (not before the first paint).
        from ui.shell.store_recovery import CHANGED, QUIT, resolve

        outcome = resolve(self.paths, problem)
        if outcome == QUIT:
            self.app.quit()
        elif outcome == CHANGED:
            log.warning("the data file changed (%s); restarting", problem.kind)
            self.instance.release()
            restart_app()
        return outcome


def run_gui(paths: DataPaths, *, demo: bool = False, benchmark_startup: bool | str = False,
            minimized: bool = False) -> int:
    """Run the window until the user quits; return the exit code. ``benchmark_startup`` is
    False, or the probe ``make bench`` runs (:mod:`ui.shell.bench_probe`; True: "paint")."""
    return Startup(paths, demo=demo, benchmark_startup=benchmark_startup,
                   minimized=minimized).run()
