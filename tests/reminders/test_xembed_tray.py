"""An XEmbed system tray for real (Debian's ``trayer`` on Xvfb): a click on the tray icon while
a balloon message shows opens what the message is about, and the window stays up.

Qt emits ``messageClicked`` and then ``activated(Trigger)`` for that one click (it follows
Windows there); the second used to hide the window the first had just shown.
The app runs in a child process (tests/support/xembed_tray_child.py) on a private X server with
``trayer`` and without a D-Bus session, so Qt embeds its icon with XEmbed and shows its own
balloon; ``xdotool`` clicks the icon.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, subprocess_env

pytestmark = pytest.mark.xvfb


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def xembed_display():
    """A private X server (nothing of this test process's windows on it) with trayer holding
    its system tray; the display's name."""
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.fail("this test needs Xvfb: run it through `make test`")
    missing = [tool for tool in ("Xvfb", "trayer", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (Debian: xvfb, trayer, xdotool; "
                    "make system-deps installs them)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                               "800x600x24", "-nolisten", "tcp"], pass_fds=(write_end,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as numbers:
        display = f":{numbers.readline().strip()}"
    tray = subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--widthtype",
                             "request", "--height", "24"],
                            env={**os.environ, "DISPLAY": display},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield display
    finally:
        _stop(tray)
        _stop(server)


def test_a_click_on_the_icon_while_a_balloon_shows_opens_the_reminder(xembed_display,
                                                                      tmp_path):
    env = subprocess_env(QT_QPA_PLATFORM="xcb", NEXTSTEPS_DATA_DIR=str(tmp_path / "data"),
                         DISPLAY=xembed_display)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no StatusNotifier host, no notification service
    env["PYTHONWARNINGS"] = "default"
    started = time.monotonic()
    child_script = ROOT / "tests" / "support" / "xembed_tray_child.py"
    child = subprocess.run([sys.executable, str(child_script),
                            str(tmp_path / "data")], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=90)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    assert child.returncode == 0 and lines, (child.stdout, child.stderr,
                                              time.monotonic() - started)
    result = json.loads(lines[-1])
    assert result["service"] is False  # the balloon is Qt's own: no D-Bus here
    assert result["balloon"] and result["xdotool"] == 0
    assert result["window_visible"], "the click showed the window and hid it again"
    assert result["section"] == "compose"
    assert result["round_shown"] == result["round_wanted"]
