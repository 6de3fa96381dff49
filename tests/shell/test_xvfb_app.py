"""The real app on a real X server (Xvfb) in a D-Bus session: window, screenshot, one instance.

Run by ``make test`` under ``xvfb-run -a dbus-run-session`` with QT_QPA_PLATFORM=xcb.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, subprocess_env

pytestmark = pytest.mark.xvfb


def _wait_for_log(log_file, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_file.exists() and text in log_file.read_text(encoding="utf-8"):
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} did not appear in {log_file}")


@pytest.fixture
def running_app(tmp_path):
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.fail("this test needs Xvfb: run it through `make test`")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "--demo"],
        env=subprocess_env(QT_QPA_PLATFORM="xcb"), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for_log(data / "logs" / "nextsteps.log", "main window shown")
        yield proc, data
    finally:
        proc.kill()
        proc.communicate(timeout=10)


def test_demo_window_appears_on_the_x_screen(qapp, running_app, tmp_path):
    from PySide6.QtGui import QGuiApplication

    proc, _data = running_app
    assert proc.poll() is None
    deadline = time.monotonic() + 10
    while True:
        qapp.processEvents()
        image = QGuiApplication.primaryScreen().grabWindow(0).toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 5)
                   for y in range(0, image.height(), 5)}
        if len(colours) > 20 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    image.save(str(tmp_path / "xvfb-demo.png"))
    assert len(colours) > 20, "the X screen is blank: no window was drawn"


def test_second_launch_raises_the_first_and_exits(running_app):
    _proc, data = running_app
    second = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)],
        env=subprocess_env(QT_QPA_PLATFORM="xcb"), cwd=ROOT,
        capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout
    _wait_for_log(data / "logs" / "nextsteps.log", "brought to the front for a second launch")
