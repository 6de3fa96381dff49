"""Another program holds a write lock on the database when the app starts: messages a crash
left "sending" cannot be marked "uncertain" yet. The window says the data is busy (not
"Something went wrong") and tries again by itself until it works.

The lock is held by a child process in a write transaction (BEGIN IMMEDIATE), as a sync tool
or a database browser would; the window reads meanwhile (WAL).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from PySide6.QtWidgets import QLabel

from models import database
from services.core.paths import DataPaths
from services.core.store import open_store
from tests.conftest import subprocess_env

_WRITER = textwrap.dedent("""
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE setting SET value = value")
    print("held", flush=True)
    sys.stdin.read()
    con.execute("COMMIT")
""")


def _demo_with_a_message_left_sending(paths: DataPaths) -> int:
    from services.data import demo

    opened = open_store(paths)
    demo.fill_demo()
    opened.close()
    database.close()
    con = sqlite3.connect(paths.database)
    with con:
        email_id = con.execute("SELECT min(id) FROM email").fetchone()[0]
        con.execute("UPDATE email SET state = 'sending' WHERE id = ?", (email_id,))
    con.close()
    return email_id


def _state(paths: DataPaths, email_id: int) -> str:
    con = sqlite3.connect(paths.database.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        return con.execute("SELECT state FROM email WHERE id = ?", (email_id,)).fetchone()[0]
    finally:
        con.close()


def _data_banners(window) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel)
            if label.objectName() == "DataBanner"]


def test_a_write_lock_at_start_is_said_and_the_recovery_retried(qtbot, data_paths,
                                                                monkeypatch):
    from ui.shell import app as app_module
    from ui.shell import store_recovery

    email_id = _demo_with_a_message_left_sending(data_paths)
    monkeypatch.setattr(store_recovery, "RETRY_MS", 100)
    # The reminders' start is not what this test is about (it starts 1.5 s after the paint).
    monkeypatch.setattr(app_module.Startup, "_open_reminders", lambda self: None)
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(data_paths.database)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=subprocess_env())
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    try:
        assert writer.stdout.readline().strip() == "held"
        assert startup.take_folder()
        assert startup._show_window()
        qtbot.addWidget(startup.window, before_close_func=lambda _w: startup.shutdown())
        qtbot.waitExposed(startup.window)
        startup.window.ensure_store()  # a view needs the data: no error, a sentence
        assert _data_banners(startup.window) == [store_recovery._BANNERS["busy"]]
        assert "busy" in _data_banners(startup.window)[0]
        qtbot.waitUntil(lambda: startup._sends.banner.isVisible(), timeout=5000)
        assert _state(data_paths, email_id) == "sending"

        writer.stdin.close()  # the other program lets go
        writer.wait(timeout=30)
        qtbot.waitUntil(lambda: startup._sends.recovered == 1, timeout=30000)
        assert _state(data_paths, email_id) == "uncertain"
        qtbot.waitUntil(lambda: _data_banners(startup.window) == [], timeout=5000)
    finally:
        if writer.poll() is None:
            writer.stdin.close()
            writer.wait(timeout=30)
        writer.stdout.close()
        startup.shutdown()


def test_without_a_lock_the_recovery_happens_at_once(qtbot, data_paths, monkeypatch):
    from ui.shell import app as app_module

    email_id = _demo_with_a_message_left_sending(data_paths)
    monkeypatch.setattr(app_module.Startup, "_open_reminders", lambda self: None)
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    try:
        assert startup.take_folder()
        assert startup._show_window()
        qtbot.addWidget(startup.window, before_close_func=lambda _w: startup.shutdown())
        startup.window.ensure_store()
        assert startup._sends.recovered == 1
        assert _data_banners(startup.window) == []
        assert _state(data_paths, email_id) == "uncertain"
    finally:
        startup.shutdown()
