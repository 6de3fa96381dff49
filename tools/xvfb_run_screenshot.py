"""Screenshot of ``make run ARGS="--demo"`` on a real X server (xvfb-make-run-demo.png).

Run inside an X server, e.g. with no screen at all::

    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \\
        .venv/bin/python tools/xvfb_run_screenshot.py

It starts ``make run ARGS="--demo --data-dir TMP"`` (a new data folder), waits
until the app's log says the window is shown, plus a moment for it to paint
(before the reminders start 1.5 s later and list what came due), grabs the
whole screen with Qt and stops the app. Xvfb has no window manager: the
window has no frame.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "screenshots" / "xvfb-make-run-demo.png"
SHOWN = "main window shown"


def main() -> int:
    """Start the app, grab the screen once its window is up, stop the app."""
    if not os.environ.get("DISPLAY"):
        print("no DISPLAY: run this inside xvfb-run (see the docstring)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
        app = subprocess.Popen(["make", "run", f"ARGS=--demo --data-dir {data}"], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        try:
            log = data / "logs" / "nextsteps.log"
            deadline = time.monotonic() + 60
            while not (log.is_file() and SHOWN in log.read_text(encoding="utf-8")):
                if time.monotonic() > deadline or app.poll() is not None:
                    print("the window did not come up; see make run", file=sys.stderr)
                    return 1
                time.sleep(0.1)
            time.sleep(0.5)
            from PySide6.QtWidgets import QApplication

            qt = QApplication([sys.argv[0], "-platform", "xcb"])
            shot = qt.primaryScreen().grabWindow(0)
            if not shot.save(str(TARGET)):
                print(f"could not write {TARGET}", file=sys.stderr)
                return 1
            print(f"wrote {TARGET} ({shot.width()}x{shot.height()})")
        finally:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
