"""The watcher thread against a real Dovecot: IDLE brings new mail, a broken account is
said once, a restart doubles nothing.

The waits below are correctness bounds (a message must arrive through IDLE, not a
10-minute poll), not speed figures.
"""

from __future__ import annotations

import threading
import time

import pytest

from models.inbox import InboxMessage
from services.mail.imap.connection import ImapProblem, open_imap
from services.mail.imap.imap_account import ImapAccount
from services.mail.imap.watcher import MailboxWatcher
from tests.mail.inbox.inbox_data import add_search, message

pytestmark = pytest.mark.slow

ARRIVAL_BOUND_S = 5


def wait_for(condition, bound_s: float) -> bool:
    """Whether ``condition()`` turns true within ``bound_s`` seconds."""
    deadline = time.monotonic() + bound_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def reply(number: int) -> bytes:
    """A reply from Priya, told apart by ``number``."""
    return message(f"Thank you for your patience, part {number}.",
                   message_id=f"<watch.{number}@lumen-analytics.com>")


class Recorder:
    """The watcher's callbacks, recorded (they run on its thread)."""

    def __init__(self) -> None:
        self.passes, self.problems, self.recovered = [], [], 0
        self.lock = threading.Lock()

    def on_pass(self, summary) -> None:
        with self.lock:
            self.passes.append(summary.new)

    def on_problem(self, sentence: str) -> None:
        with self.lock:
            self.problems.append(sentence)

    def on_recovered(self) -> None:
        self.recovered += 1


def watcher_for(server, address, password, recorder, **options) -> MailboxWatcher:
    """A watcher on ``server`` as ``address``, trusting the server's test CA."""
    account = ImapAccount(host=server.host, port=server.tls_port, security="tls",
                          username=address, same_password=False, sent_folder="", folders=())

    def connect():
        return open_imap(account, password, tls_context=server.client_context(), timeout=10)

    return MailboxWatcher(account, connect, on_pass=recorder.on_pass,
                          on_problem=recorder.on_problem, on_recovered=recorder.on_recovered,
                          **options)


@pytest.fixture
def search(store):
    return add_search()


def kept() -> int:
    return InboxMessage.select().count()


def kept_ids() -> list[str]:
    return sorted(row.message_id for row in InboxMessage.select(InboxMessage.message_id))


def test_idle_brings_a_new_reply_within_seconds_and_a_restart_doubles_nothing(
        imap_server, imap_user, search):
    address, password = imap_user
    imap_server.append(address, password, reply(1))
    recorder = Recorder()
    watcher = watcher_for(imap_server, address, password, recorder)
    watcher.start()
    try:
        assert wait_for(lambda: recorder.passes, ARRIVAL_BOUND_S)
        imap_server.append(address, password, reply(2))
        assert wait_for(lambda: len(recorder.passes) == 2, ARRIVAL_BOUND_S)
    finally:
        watcher.stop()
    assert not watcher.running
    assert recorder.passes == [1, 1]
    assert kept_ids() == ["<watch.1@lumen-analytics.com>", "<watch.2@lumen-analytics.com>"]
    again = Recorder()
    second = watcher_for(imap_server, address, password, again)
    second.start()
    try:
        assert wait_for(lambda: second.passes >= 1, ARRIVAL_BOUND_S)
    finally:
        second.stop()
    assert again.passes == [] and kept() == 2


def test_a_refused_login_is_said_once_however_often_it_is_retried(
        imap_server, imap_user, search):
    address, _password = imap_user
    recorder = Recorder()
    watcher = watcher_for(imap_server, address, "wrong", recorder, backoff_s=(0.05,))
    watcher.start()
    try:
        assert wait_for(lambda: watcher.failures >= 3, 10)
    finally:
        watcher.stop()
    assert len(recorder.problems) == 1
    assert "refused the login" in recorder.problems[0]


def test_check_now_ends_a_poll_at_once(imap_server, imap_user, search, monkeypatch):
    address, password = imap_user
    recorder = Recorder()
    watcher = watcher_for(imap_server, address, password, recorder, poll_s=3600)
    # Without IDLE the watcher polls; this server offers IDLE, so hide it for this test.
    monkeypatch.setattr("imapclient.IMAPClient.capabilities", lambda _self: (b"IMAP4REV1",))
    watcher.start()
    try:
        assert wait_for(lambda: watcher.passes >= 1, ARRIVAL_BOUND_S)
        imap_server.append(address, password, reply(3))
        watcher.check_now()
        assert wait_for(lambda: recorder.passes, ARRIVAL_BOUND_S)
    finally:
        watcher.stop()
    assert recorder.passes == [1]
    assert kept_ids() == ["<watch.3@lumen-analytics.com>"]


def test_a_problem_is_a_sentence_not_the_servers_words():
    problem = ImapProblem("The server refused the login.", kind="login")
    from services.mail.imap.watcher import problem_sentence

    assert problem_sentence(problem, "h") == "The server refused the login."
    assert "h" in problem_sentence(OSError("secret details"), "h")
    assert "secret" not in problem_sentence(OSError("secret details"), "h")
