"""The background helper: work runs off the UI thread, results come back on it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from ui.shell.tasks import run_in_background


def test_result_arrives_on_the_ui_thread(qtbot):
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 42

    def done(result):
        seen["result"] = result
        seen["on_ui_thread"] = QThread.currentThread() is qtbot_app_thread()

    run_in_background(work, done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["worker"] != threading.get_ident()
    assert seen["on_ui_thread"]


def test_errors_are_handed_back(qtbot):
    errors = []

    def work():
        raise OSError("disk full")

    run_in_background(work, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], OSError) and str(errors[0]) == "disk full"


def test_many_tasks_each_report_once(qtbot):
    results = []
    for n in range(50):
        run_in_background(lambda n=n: n * n, results.append)
    qtbot.waitUntil(lambda: len(results) == 50, timeout=10000)
    assert sorted(results) == [n * n for n in range(50)]


def qtbot_app_thread():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().thread()
