"""Start the desktop app: one instance, logging, the data, the theme and the window."""

from __future__ import annotations

import logging
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from services.paths import DataPaths
from services.store import Store, StoreProblem, keep_aside_and_restore, open_store
from ui.single_instance import SingleInstance, ask_running_instance_to_activate
from ui.startup_dialogs import StoreProblemDialog

log = logging.getLogger(__name__)


def open_store_interactively(paths: DataPaths) -> Store | None:
    """Open the data; on a damaged file, keep it aside and restore a backup if the user agrees."""
    for _attempt in range(3):
        try:
            return open_store(paths)
        except StoreProblem as problem:
            log.error("cannot open the data: %s (%s)", problem.message, problem.detail)
            choice = StoreProblemDialog.ask(problem)
            if choice == StoreProblemDialog.QUIT:
                return None
            backup = problem.backup if choice == StoreProblemDialog.RESTORE else None
            kept = keep_aside_and_restore(paths, backup)
            log.warning("damaged database kept aside as %s; restored %s", kept,
                        backup.path if backup else "nothing (empty data)")
    return None


def make_application() -> QApplication:
    """The QApplication with the app's names set (reused if one exists)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Next Steps")
    app.setOrganizationName("NextSteps")
    app.setDesktopFileName("next-steps")
    return app


def run_gui(paths: DataPaths, *, demo: bool = False, benchmark_startup: bool = False) -> int:
    """Run the window until the user quits; return the exit code."""
    app = make_application()
    instance = SingleInstance(paths)
    if not instance.acquire():
        if ask_running_instance_to_activate(paths):
            print("Next Steps is already running; its window was brought to the front.")
            return 0
        QMessageBox.warning(
            None, "Next Steps is already running",
            f"Another copy of Next Steps is using {paths.root} but does not answer. "
            "Close it, or start this one with another --data-dir.",
        )
        return 1

    from services.logs import setup_logging
    from ui.errors import ErrorReporter

    setup_logging(paths)
    reporter = ErrorReporter(str(paths.log_file))
    reporter.install()
    log.info("starting with data in %s", paths.root)

    store = open_store_interactively(paths)
    if store is None:
        instance.release()
        return 1
    from services import settings
    from services.version import __version__
    from ui.main_window import MainWindow
    from ui.theme import apply_theme

    apply_theme(app, settings.get("ui.theme"))
    if demo:
        from services import demo as demo_data

        if demo_data.is_empty():
            demo_data.fill_demo()
        else:
            log.info("--demo ignored: the data folder already holds applications")

    window = MainWindow(store, __version__)
    instance.activation_requested.connect(window.bring_to_front)

    def after_first_paint() -> None:
        if benchmark_startup:
            import resource

            rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"first_paint {time.time():.6f} rss_kb {rss_kb}", flush=True)
            # Stay a moment so work deferred until after the first paint counts in peak memory.
            QTimer.singleShot(300, app.quit)
            return
        instance.listen()
        log.info("main window shown")

    window.first_painted.connect(after_first_paint)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
        instance.release()
        reporter.uninstall()
