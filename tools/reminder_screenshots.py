"""Pictures of reminders with demo data.

    python tools/reminder_screenshots.py [OUT_DIR]          # offscreen
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
        env QT_QPA_PLATFORM=xcb python tools/reminder_screenshots.py --tray [OUT_DIR]

The first writes ``reminders-panel.png`` (the main window with its reminders
panel) and ``missed-reminders.png`` (the list shown at start for reminders
that came due while the app was closed) to ``docs/screenshots/`` or
``OUT_DIR``, offscreen.

``--tray`` writes ``tray-notification.png``: the real app on Xvfb, with the
test StatusNotifierWatcher (``tests/support/dbus_services.py``) so it has a tray, and
``dunst`` (``apt-get install dunst``), a real notification daemon, drawing
the notification of two reminders that come due a few seconds after the
start; the picture is the whole X screen. A notification is drawn by the
desktop's daemon, not by the app, which is why this needs one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if "--tray" not in sys.argv:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
WINDOW_SIZE = (1200, 760)


def render(out_dir: Path, data_dir: Path) -> list[Path]:
    """Fill ``data_dir`` with the demo search, start reminders on a window, save both PNGs."""
    # Qt and the app: only once the platform is chosen and ROOT is on sys.path (above).
    from PySide6.QtWidgets import QApplication

    from services.core.paths import DataPaths
    from services.core.snapshot import read_snapshot
    from services.core.store import open_store
    from services.core.version import __version__
    from services.data import demo
    from ui.shell.main_window import MainWindow
    from ui.shell.reminder_system import start_reminders
    from ui.shell.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    paths = DataPaths(data_dir)
    store = open_store(paths)
    try:
        demo.fill_demo()
        apply_theme(app, "light")
        window = MainWindow(paths, read_snapshot(paths), __version__, store)
        window.resize(*WINDOW_SIZE)
        window.show()
        system = start_reminders(window, use_tray=False)
        deadline = time.monotonic() + 30  # the start recomputes the reminders on a worker
        while not system.ready and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        for _ in range(10):
            app.processEvents()
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [out_dir / "reminders-panel.png", out_dir / "missed-reminders.png"]
        window.grab().save(str(written[0]))
        dialog = system.missed_dialog
        if dialog is None:
            raise RuntimeError("the demo data gave no missed reminders to show")
        dialog.resize(820, 380)
        for _ in range(5):
            app.processEvents()
        dialog.grab().save(str(written[1]))
        dialog.close()
        system.stop()
        window.close()
        window.deleteLater()
        app.processEvents()
        return written
    finally:
        store.close()


DUNST_CONFIG = """
[global]
    font = DejaVu Sans 10
    origin = top-right
    offset = 16x40
    width = 420
    frame_width = 1
    frame_color = "#1f7a78"
    corner_radius = 6
    padding = 12
    horizontal_padding = 12
    format = "<b>%s</b>\\n%b"
    icon_position = left
    max_icon_size = 48
[urgency_low]
    background = "#ffffff"
    foreground = "#1d2b2b"
    timeout = 0
[urgency_normal]
    background = "#ffffff"
    foreground = "#1d2b2b"
    timeout = 0
"""


def render_tray_notification(out_dir: Path, data_dir: Path) -> Path:
    """Run the app on Xvfb with a tray and dunst; save the X screen with its notification."""
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise SystemExit("--tray needs Xvfb and a D-Bus session (see the module's help)")
    if shutil.which("dunst") is None:
        raise SystemExit("--tray needs dunst: apt-get install dunst")
    _demo_with_reminders_due_soon(data_dir)
    return _grab_notification(out_dir, data_dir)


def _demo_with_reminders_due_soon(data_dir: Path) -> None:
    """Fill ``data_dir`` with the demo search and two reminders due a few seconds from now."""
    # The app's modules: only once ROOT is on sys.path (above).
    from models import database
    from models.base import database_proxy
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from services.data import demo
    from services.reminders import custom

    store = open_store(DataPaths(data_dir))
    try:
        demo.fill_demo()
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
        custom.add_custom("Send the portfolio link to Orbit Health", due)
        custom.add_custom("Ask Hannah about the Northwind timeline", due)
    finally:
        store.close()
        database.close()
        database_proxy.initialize(None)


def _grab_notification(out_dir: Path, data_dir: Path) -> Path:
    """Start dunst and the app on ``data_dir``; once its reminders are shown, save the screen."""
    # Qt and the test desktop: only once the platform is chosen and ROOT is on sys.path.
    from PySide6.QtGui import QGuiApplication

    from tests.support.dbus_services import DesktopServices

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    config = data_dir / "dunstrc"
    config.write_text(DUNST_CONFIG, encoding="utf-8")
    with DesktopServices(own_notifications=False) as desktop:
        dunst = subprocess.Popen(["dunst", "-config", str(config)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir",
                                 str(data_dir)], cwd=ROOT)
        try:
            desktop.wait_for(lambda: desktop.items, timeout=30)
            log = data_dir / "logs" / "nextsteps.log"
            deadline = time.monotonic() + 30
            while "reminders shown" not in (log.read_text() if log.exists() else ""):
                if time.monotonic() > deadline:
                    raise RuntimeError("the reminders did not come due")
                time.sleep(0.1)
            time.sleep(1.0)  # let dunst draw
            app.processEvents()
            out_dir.mkdir(parents=True, exist_ok=True)
            target = out_dir / "tray-notification.png"
            QGuiApplication.primaryScreen().grabWindow(0).save(str(target))
            return target
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            dunst.terminate()
            dunst.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    """Write the PNGs and print their paths."""
    args = sys.argv[1:] if argv is None else argv
    tray = "--tray" in args
    args = [arg for arg in args if arg != "--tray"]
    out = Path(args[0]) if args else OUT
    with tempfile.TemporaryDirectory(prefix="nextsteps-shots-") as tmp:
        if tray:
            print(render_tray_notification(out, Path(tmp) / "data"))
        else:
            for path in render(out, Path(tmp) / "data"):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
