"""A read-only or full disk: the window opens the data for reading only with its banner (the
folder's lock cannot be written there, which is not another running copy), and the self-test
says "read-only" or "disk full" while every view still builds.

Real disks: a tmpfs remounted read-only stops root too, and a full one refuses every write
(tests/support/tmpfs.py). The window runs in a child process, as the user starts it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from models import database
from services.core.paths import DataPaths
from services.core.store import open_store
from tests.conftest import ROOT, subprocess_env
from tests.support import tmpfs

small_disk = tmpfs.small_disk  # the fixture: a real tmpfs, full or read-only

#: Starts the app as main.py does, then reports what the window shows and quits. Dialogs are
#: replaced so that nothing waits for a click: each prints what it would have said.
_WINDOW = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel
    import ui.shell.errors, ui.shell.startup_dialogs
    from services.core.paths import DataPaths
    from ui.shell import app as app_module

    seen = {"errors": [], "dialogs": []}
    ui.shell.errors.ErrorReporter.show_dialog = lambda self, exc: seen["errors"].append(repr(exc))
    ui.shell.startup_dialogs.StoreProblemDialog.ask = staticmethod(
        lambda problem: seen["dialogs"].append(problem.kind) or "quit")
    startup = app_module.Startup(DataPaths(sys.argv[2]), demo=False, benchmark_startup=False)

    def report():
        window = startup.window
        seen["banners"] = [label.text() for label in window.findChildren(QLabel)
                           if label.objectName() == "ReadOnlyBanner"]
        seen["status"] = window.status_label.text()
        seen["views"] = window.build_all_views()
        startup.app.quit()

    # Later than the reminders' start (reminder_system.AFTER_START_MS after the first paint).
    QTimer.singleShot(4000, report)
    seen["code"] = startup.run()
    print(json.dumps(seen))
""")


def _data_on(disk) -> DataPaths:
    """The demo's job search (with reminders, which a start keeps up to date) on ``disk``."""
    from services.data import demo

    paths = DataPaths(disk.mount / "data")
    opened = open_store(paths)
    demo.fill_demo()
    opened.close()
    database.close()
    return paths


def _start_window(paths: DataPaths) -> dict:
    child = subprocess.run([sys.executable, "-c", _WINDOW, str(ROOT), str(paths.root)],
                           capture_output=True, text=True, timeout=120, env=subprocess_env(),
                           cwd=ROOT)
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout.strip().splitlines()[-1])


def _self_test(paths: DataPaths) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(paths.root), "--self-test"],
        capture_output=True, text=True, timeout=120, env=subprocess_env(), cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("disk_state", ["read-only", "full"])
def test_the_window_opens_read_only_with_its_banner(small_disk, disk_state):
    paths = _data_on(small_disk)
    if disk_state == "read-only":
        small_disk.read_only()
    else:
        small_disk.fill(leave=16 * 1024)
    seen = _start_window(paths)
    assert seen["code"] == 0
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert seen["status"].startswith("12 applications")
    assert len(seen["banners"]) == 1
    banner = seen["banners"][0]
    assert "opened your data for reading only" in banner
    if disk_state == "read-only":
        assert banner.startswith(f"Your data folder {paths.root} cannot be written to")
    else:
        assert banner.startswith(f"The disk that holds your data folder {paths.root} is full")
    assert seen["views"] == ["applications", "inbox", "compose", "calendar", "dashboard",
                             "settings"]


@pytest.mark.parametrize("disk_state, line", [
    ("read-only", "FAIL data folder: read-only: Your data folder "),
    ("full", "FAIL data folder: disk full: The disk that holds your data folder "),
])
def test_the_self_test_names_the_cause_and_still_builds_the_views(small_disk, disk_state,
                                                                  line):
    paths = _data_on(small_disk)
    if disk_state == "read-only":
        small_disk.read_only()
    else:
        small_disk.fill(leave=16 * 1024)
    lines = _self_test(paths)
    assert lines[0].startswith(line), lines
    assert "ok   database: " + str(paths.database) in lines
    assert any(entry.startswith("ok   views: built 6 views") for entry in lines), lines
    assert not any("cannot be read back" in entry for entry in lines)


def test_a_lock_that_cannot_be_written_is_not_another_copy(qtbot, small_disk):
    from ui.shell.single_instance import SingleInstance, ask_running_instance_to_activate

    paths = _data_on(small_disk)
    running = SingleInstance(paths)
    assert running.acquire()
    try:
        second = SingleInstance(paths)
        assert not second.acquire() and second.another_copy_runs()
    finally:
        running.release()
    small_disk.read_only()
    third = SingleInstance(paths)
    assert not third.acquire()
    assert not third.another_copy_runs()
    assert ask_running_instance_to_activate(paths, timeout_s=0.1) is False  # no traceback
    third.listen()  # nothing to answer on a read-only disk, and no traceback either
    third.release()
