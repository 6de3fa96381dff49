"""The child process of tests/reminders/test_xembed_tray.py: the app's tray on a real XEmbed tray.

    python tests/support/xembed_tray_child.py DATA_DIR

Run on an X display where ``trayer`` holds the system tray, without a D-Bus
session (so Qt embeds its icon with XEmbed and shows messages as its own
balloons). It fills DATA_DIR with the demo search, starts reminders, hides
the window to the tray, notifies one thank-you reminder (a balloon), clicks
the tray icon with ``xdotool`` (a real X click) while the balloon shows, and
prints one JSON line: whether the window is visible afterwards and which
section it shows.

A child process because Qt decides once per process whether the tray is a
StatusNotifier host, and other Xvfb tests start one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def wait_until(app, predicate, timeout: float = 10.0) -> bool:
    """Process events until ``predicate()`` is true; False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def top_level(app, class_name: str):
    """The visible top-level widget of a Qt class (QBalloonTip, QSystemTrayIconSys)."""
    for widget in app.allWidgets():
        if widget.metaObject().className() == class_name and widget.isVisible():
            return widget
    return None


def main(data_dir: str) -> int:
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication([sys.argv[0]])
    if not wait_until(app, QSystemTrayIcon.isSystemTrayAvailable):
        print(json.dumps({"error": "no XEmbed tray on this display"}), flush=True)
        return 2
    from services.core.paths import DataPaths
    from services.core.snapshot import read_snapshot
    from services.core.store import open_store
    from services.data import demo
    from services.reminders.rules import ReminderKind
    from ui.shell.main_window import MainWindow
    from ui.shell.reminder_system import start_reminders

    paths = DataPaths(Path(data_dir))
    store = open_store(paths)
    demo.fill_demo()
    window = MainWindow(paths, read_snapshot(paths), "test", store)
    window.show()
    wait_until(app, window.isVisible)
    system = start_reminders(window)
    # The start recomputes the reminders on a worker; the tray comes once that is done.
    if not wait_until(app, lambda: system.ready, timeout=20):
        print(json.dumps({"error": "reminders never became ready"}), flush=True)
        return 2
    window.hide()
    thanks = next(i for i in system.scheduler.outstanding() if i.kind == ReminderKind.THANK_YOU)
    system.tray.notify([thanks])
    balloon_shown = wait_until(app, lambda: top_level(app, "QBalloonTip") is not None)
    icon = top_level(app, "QSystemTrayIconSys")
    clicked = subprocess.run(["xdotool", "mousemove", "--window", str(int(icon.winId())), "8",
                              "8", "click", "1"], capture_output=True, text=True, timeout=20)
    wait_until(app, lambda: top_level(app, "QBalloonTip") is None, timeout=5)
    for _ in range(20):  # let anything the click queued run
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps({
        "service": system.tray.notifier.service is not None,
        "balloon": balloon_shown,
        "xdotool": clicked.returncode,
        "window_visible": window.isVisible(),
        "section": window.current_view_key(),
        "round_shown": window.view("compose").round_picker.currentData()
        if window.current_view_key() == "compose" else None,
        "round_wanted": thanks.round_id,
    }), flush=True)
    system.stop()
    store.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    sys.exit(main(sys.argv[1]))
