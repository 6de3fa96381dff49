"""The window's mailbox watcher against the real Dovecot server: a reply appended by the test
reaches the app through IDLE and is announced once; a wrong password is said once; saving
the account restarts the watcher; stopping it ends its thread; nothing runs unless asked."""

from __future__ import annotations

import threading
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from PySide6.QtWidgets import QApplication

from models import clock
from services.core import settings
from services.core.snapshot import read_snapshot
from services.mail.imap.imap_account import (
    ImapAccount,
    load_imap_account,
    save_imap_account,
    store_imap_password,
)
from services.mail.inbox import actions
from tests.support.dbus_services import DesktopServices
from ui.mail import keyring_calls
from ui.mail.mail_notices import MailNotices
from ui.mail.mailbox_form import MailboxForm
from ui.mail.mailbox_watch import PROBLEM_TITLE, MailboxWatch
from ui.shell.main_window import MainWindow

#: A correctness bound (the message must come through IDLE, not the 10-minute poll), not a
#: speed figure.
IDLE_BOUND_MS = 5000


@pytest.fixture
def window(qtbot, demo_store):
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.fill_menus()
    return win


@pytest.fixture
def desktop():
    """A notification daemon on the tests' session bus, reading what the app shows."""
    with DesktopServices() as services:
        yield services


@pytest.fixture
def mailbox(imap_server, imap_user):
    """The Dovecot user's mailbox saved as the app's account, its password in the keyring."""
    address, password = imap_user
    account = save_imap_account(ImapAccount(
        host=imap_server.host, port=imap_server.tls_port, security="tls", username=address,
        same_password=False, sent_folder="", folders=()), password)
    return account, password


@pytest.fixture
def make_watch(qtbot, window, imap_server):
    """Builds the window's watcher (trusting the test CA, short waits after errors), and
    stops it at the end of the test."""
    made: list[MailboxWatch] = []

    def build() -> MailboxWatch:
        watch = MailboxWatch(window, ca_file=str(imap_server.ca_file), timeout=10,
                             backoff_s=(0.1,), notices=MailNotices(window))
        window.mailbox_watch = watch
        made.append(watch)
        return watch

    yield build
    for watch in made:
        watch.stop(timeout=10)


def reply(sender: str, name: str, subject: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = "zoe@example.org"
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="lumen-analytics.example")
    message.set_content(text)
    return message.as_bytes()


INVITATION = ("Dear Zoé,\n\nthank you for your time last week. We would like to invite you to "
              "a final interview with our CTO. Please let us know your availability next "
              "week.\n\nBest regards,\nMira Hoffmann\n")
SECOND = ("Hello Zoé,\n\nwe would like to invite you to meet the team for a second interview "
          "on site. Could you send us a few times that suit you?\n\nJosé\n")


def watcher_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "mailbox-watcher"]


def test_a_reply_arrives_through_idle_and_is_announced_once(
        qtbot, window, desktop, imap_server, mailbox, make_watch):
    _account, password = mailbox
    address = _account.username
    refreshed: list[int] = []
    real_refresh = getattr(window, "refresh_messages", lambda: None)
    window.refresh_messages = lambda: (refreshed.append(1), real_refresh())
    watch = make_watch()
    shown: list[str] = []
    watch.notified.connect(shown.append)
    assert not window.check_mail_action.isEnabled()
    before = {view.uid for view in actions.inbox()}

    watch.start()
    assert window.check_mail_action.isEnabled()
    qtbot.waitUntil(lambda: watch.watcher is not None and watch.watcher.passes >= 1,
                    timeout=20000)  # connected, first pass done: now waiting in IDLE
    imap_server.append(address, password, reply(
        "mira.hoffmann@lumen-analytics.example", "Mira Hoffmann",
        "Invitation to a final interview", INVITATION))
    qtbot.waitUntil(lambda: len(actions.inbox()) > len(before), timeout=IDLE_BOUND_MS)
    qtbot.waitUntil(lambda: bool(shown), timeout=IDLE_BOUND_MS)
    assert refreshed, "the window was not asked to show the new reply"
    assert shown == ["Lumen Analytics replied: interview invitation"]
    assert actions.pending_notifications() == []
    desktop.wait_for(lambda: len(desktop.notifications) == 1, pump=QApplication.processEvents)
    assert desktop.notifications[0].summary == "Lumen Analytics replied: interview invitation"
    assert desktop.notifications[0].body == "Invitation to a final interview"

    # A second reply: announced once, the first never again.
    imap_server.append(address, password, reply(
        "jose.nunez@lumen-analytics.example", "José Núñez", "Meet the team", SECOND))
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=IDLE_BOUND_MS)
    passes = watch.watcher.passes
    window.check_mail_action.trigger()  # File → Check Mail Now: one more pass, nothing new
    qtbot.waitUntil(lambda: watch.watcher.passes > passes, timeout=IDLE_BOUND_MS)
    QApplication.processEvents()
    assert shown == ["Lumen Analytics replied: interview invitation",
                     "Lumen Analytics replied: interview invitation"]
    desktop.wait_for(lambda: len(desktop.notifications) == 2, pump=QApplication.processEvents)
    assert [n.body for n in desktop.notifications] == ["Invitation to a final interview",
                                                       "Meet the team"]

    watch.stop(timeout=10)
    assert not watch.running and watcher_threads() == []
    assert not window.check_mail_action.isEnabled()


def test_a_wrong_password_is_said_once_and_recovery_briefly(
        qtbot, window, desktop, imap_server, imap_user, make_watch):
    address, password = imap_user
    account = save_imap_account(ImapAccount(
        host=imap_server.host, port=imap_server.tls_port, security="tls", username=address,
        same_password=False, sent_folder="", folders=()), "not-the-password")
    watch = make_watch()
    said: list[str] = []
    watch.problem_said.connect(said.append)
    watch.start()
    qtbot.waitUntil(lambda: watch.watcher is not None and watch.watcher.failures >= 4,
                    timeout=30000)
    QApplication.processEvents()
    assert len(said) == 1, said
    assert "refused the login" in said[0]
    assert window.statusBar().currentMessage() == f"{PROBLEM_TITLE}: {said[0]}"
    desktop.wait_for(lambda: desktop.notifications, pump=QApplication.processEvents)
    assert [(n.summary, n.body) for n in desktop.notifications] == [(PROBLEM_TITLE, said[0])]

    store_imap_password(account, password)  # the user fixed it: the next retry works
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Next Steps can read your mail again.", timeout=20000)
    assert len(said) == 1
    assert len(desktop.notifications) == 1


def test_without_a_stored_password_nothing_starts(qtbot, window, imap_server, imap_user,
                                                  make_watch):
    address, _password = imap_user
    save_imap_account(ImapAccount(
        host=imap_server.host, port=imap_server.tls_port, security="tls", username=address,
        same_password=False, sent_folder="", folders=()), None)
    watch = make_watch()
    watch.start()
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)
    assert watch.watcher is None and watcher_threads() == []
    assert window.statusBar().currentMessage().startswith(
        "Your mailbox is not watched for replies. No password is stored for ")


def test_nothing_watches_unless_started(qtbot, window, mailbox, make_watch):
    assert window.mailbox_watch is None  # the start-up makes it; a bare window has none
    watch = make_watch()
    watch.account_changed()  # a saved account alone does not start it
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)
    assert watch.watcher is None and watcher_threads() == []
    assert not window.check_mail_action.isEnabled()


def test_saving_the_account_restarts_or_stops_the_watcher(qtbot, window, imap_server, mailbox,
                                                          make_watch):
    watch = make_watch()
    shown: list[str] = []
    watch.notified.connect(shown.append)
    watch.start()
    qtbot.waitUntil(lambda: watch.running, timeout=10000)
    first = watch.watcher
    form = window.view("settings").findChild(MailboxForm)
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)
    assert form.host.text() == load_imap_account().host
    with qtbot.waitSignal(form.saved, timeout=10000):
        form.save()
    qtbot.waitUntil(lambda: watch.running and watch.watcher is not first, timeout=10000)
    qtbot.waitUntil(lambda: not first.running, timeout=10000)  # told to stop; it ends soon

    form.watch.setChecked(False)
    with qtbot.waitSignal(form.saved, timeout=10000):
        form.save()
    assert settings.get("imap.watch") is False
    qtbot.waitUntil(lambda: watch.watcher is None and watcher_threads() == [], timeout=10000)
    # Not watched, but a saved mailbox can still be checked: File → Check Mail Now, one pass.
    assert window.check_mail_action.isEnabled()
    account, password = mailbox
    imap_server.append(account.username, password, reply(
        "mira.hoffmann@lumen-analytics.example", "Mira Hoffmann",
        "Invitation to a final interview", INVITATION))
    with qtbot.waitSignal(watch.pass_shown, timeout=20000):
        window.check_mail_action.trigger()
    assert shown == ["Lumen Analytics replied: interview invitation"]
    assert watch.watcher is None and watcher_threads() == []
