"""Starting the mailbox watcher (ui/mail/mailbox_start.py): at once when a mailbox is saved,
otherwise only once Settings → Email account saves one, and never twice.

The watcher itself is replaced by a recorder here: what it does against a real IMAP server
is tests/mail/test_mailbox_watch.py's subject; these tests are about when it is made."""

from __future__ import annotations

import subprocess
import sys
from typing import ClassVar

import pytest

from services.core import settings
from services.core.snapshot import read_snapshot
from tests.conftest import ROOT, subprocess_env
from ui.mail import mailbox_start
from ui.mail import mailbox_watch as mailbox_watch_module
from ui.shell.main_window import MainWindow


class _Recorder:
    """Stands in for MailboxWatch: notes that it was made and started."""

    made: ClassVar[list[_Recorder]] = []

    def __init__(self, window) -> None:
        self.window, self.started, self.changes = window, False, 0
        _Recorder.made.append(self)

    def start(self) -> None:
        self.started = True

    def account_changed(self) -> None:
        self.changes += 1


@pytest.fixture
def window(qtbot, demo_store, monkeypatch):
    _Recorder.made = []
    monkeypatch.setattr(mailbox_watch_module, "MailboxWatch", _Recorder)
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    return win


def test_without_a_mailbox_nothing_is_made_until_one_is_saved(qtbot, window):
    assert not settings.get("imap.host")
    mailbox_start.watch_when_set_up(window)
    qtbot.wait(50)
    assert window.mailbox_watch is None and _Recorder.made == []
    window.view("settings")._mail_account_saved(None)  # Settings → Email account saved
    assert window.mailbox_watch is _Recorder.made[0] and window.mailbox_watch.started
    window.view("settings")._mail_account_saved(None)  # saved again: no second watcher
    assert len(_Recorder.made) == 1 and window.mailbox_watch.changes == 1


def test_with_a_mailbox_the_watcher_starts_after_its_modules_load(qtbot, window):
    settings.put("imap.host", "imap.example.org")
    mailbox_start.watch_when_set_up(window)
    qtbot.waitUntil(lambda: window.mailbox_watch is not None, timeout=5000)
    assert window.mailbox_watch.started and len(_Recorder.made) == 1


def test_a_bare_window_starts_no_watcher_when_an_account_is_saved(qtbot, window):
    """Only the start-up offers to start one (tests build windows without a watcher)."""
    window.view("settings")._mail_account_saved(None)
    assert window.mailbox_watch is None and _Recorder.made == []


def test_the_app_at_rest_without_a_mailbox_loads_no_mail_client(tmp_path):
    """A fresh app, its reminders started, and no mailbox: no IMAP, TLS or keyring module."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from services.core.paths import DataPaths\n"
        "from services.core.store import open_store\n"
        "from services.core.snapshot import read_snapshot\n"
        "from ui.shell.main_window import MainWindow\n"
        "from ui.mail.mailbox_start import watch_when_set_up\n"
        "app = QApplication([])\n"
        f"paths = DataPaths(Path({str(tmp_path / 'data')!r}))\n"
        "store = open_store(paths)\n"
        "window = MainWindow(paths, read_snapshot(paths), 'test', store)\n"
        "watch_when_set_up(window)\n"
        "app.processEvents()\n"
        "print(sorted(m for m in ('imaplib', 'ssl', 'keyring', 'ui.mail.mailbox_watch',\n"
        "                         'services.mail.imap.connection') if m in sys.modules))\n"
        "store.close()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(QT_QPA_PLATFORM="offscreen"),
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
