"""Sending says what it is doing (connecting, securing, logging in, sending) and, when it
stops, what really happened: a server that never answered got nothing, so the note is not
sent, never "may have been sent"; only a message handed over in full is uncertain."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from models.email import Email
from models.values import EmailState
from services.mail import sender as mail_sender
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    PASSWORD,
    account_for,
    mail_server_fixture,
    make_emails,
    make_mail_server_fixture,
    silent_server_fixture,
)
from ui.shell.tasks import run_in_background

STARTTLS_STEPS = ["connecting", "securing", "logging_in", "sending"]


def send(server, email_id, steps: list, **options):
    options.setdefault("retry_delay", 0)
    options.setdefault("timeout", 5)
    context = server.client_context() if hasattr(server, "client_context") else None
    return mail_sender.send_one(email_id, account_for(server), PASSWORD, tls_context=context,
                                on_step=lambda step: steps.append(step.key), **options)


def queued_email() -> int:
    [email_id] = make_emails([("José Álvarez", "jose@example.org")])
    mail_sender.queue([email_id])
    return email_id


# -- the background helper carries progress --------------------------------------------------


def test_progress_arrives_on_the_ui_thread_in_order_before_the_result(qtbot):
    seen: list = []
    ui_thread = QApplication.instance().thread()

    def work(report):
        for n in range(20):
            report(n)
        return threading.get_ident()

    def progress(value):
        seen.append((value, QThread.currentThread() is ui_thread))

    run_in_background(work, lambda worker: seen.append(("done", worker)), on_progress=progress)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][0] == "done", timeout=5000)
    assert seen[:-1] == [(n, True) for n in range(20)]
    assert seen[-1][1] != threading.get_ident()


# -- the sender's steps and outcomes -----------------------------------------------------------


@pytest.mark.usefixtures("store")
def test_each_step_is_reported_as_it_begins(mail_server):
    steps: list = []
    assert send(mail_server, queued_email(), steps).state == EmailState.SENT
    assert steps == STARTTLS_STEPS
    assert len(mail_server.messages) == 1


@pytest.mark.usefixtures("store")
def test_retry_is_reported(mail_server):
    steps: list = []
    mail_server.fail("451_rcpt", times=1)
    assert send(mail_server, queued_email(), steps).state == EmailState.SENT
    assert steps == [*STARTTLS_STEPS, "retrying", *STARTTLS_STEPS]
    assert len(mail_server.messages) == 1


@pytest.mark.usefixtures("store")
def test_a_server_that_never_greets_got_nothing(silent_server):
    steps: list = []
    email_id = queued_email()
    result = send(silent_server, email_id, steps, timeout=0.5)
    assert result.state == EmailState.FAILED
    assert result.message == (
        "The mail server 127.0.0.1 did not answer within 0.5 seconds. Check the host and port, "
        "or try again later.")
    assert steps == ["connecting"]
    row = Email.get_by_id(email_id)
    assert row.state == "failed" and row.attempts == 1
    assert len(silent_server.connections) == 1


@pytest.mark.usefixtures("store")
def test_a_server_that_stops_answering_before_data_got_nothing(mail_server):
    steps: list = []
    mail_server.fail("hang_rcpt")
    result = send(mail_server, queued_email(), steps, timeout=1, max_attempts=3)
    assert result.state == EmailState.FAILED
    assert result.message == (
        "The mail server 127.0.0.1 stopped answering for 1 second before the message was "
        "handed over, so it was not sent. Try again later.")
    assert steps == STARTTLS_STEPS, "a server that stopped answering is not retried"
    assert mail_server.messages == [] and mail_server.data_received == 0


@pytest.mark.usefixtures("store")
def test_no_reply_after_the_whole_message_is_uncertain_and_says_so(mail_server):
    steps: list = []
    mail_server.fail("hang_after_data")
    result = send(mail_server, queued_email(), steps, timeout=1, max_attempts=3)
    assert result.state == EmailState.UNCERTAIN
    assert result.message.startswith(
        "The mail server 127.0.0.1 took the whole message but did not confirm it within "
        "1 second, so it may or may not have arrived.")
    assert len(mail_server.messages) == 1


@pytest.mark.usefixtures("store")
def test_a_failing_progress_listener_changes_nothing(mail_server):
    def broken(_step):
        raise RuntimeError("the window is gone")

    email_id = queued_email()
    result = mail_sender.send_one(email_id, account_for(mail_server), PASSWORD,
                                  tls_context=mail_server.client_context(), on_step=broken)
    assert result.state == EmailState.SENT
    assert len(mail_server.messages) == 1


# -- the composer shows the steps ----------------------------------------------------------------


@pytest.fixture
def composer(qtbot, demo_store, monkeypatch):
    from services.applications.loading import round_choices
    from services.core.snapshot import read_snapshot
    from ui.mail.composer_dialogs import ComposerDialogs
    from ui.shell.main_window import MainWindow

    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.resize(1100, 720)
    win.show()
    monkeypatch.setattr(ComposerDialogs, "confirm_send", classmethod(lambda cls, p, r: True))
    monkeypatch.setattr(ComposerDialogs, "confirm_send_similar",
                        classmethod(lambda cls, p, t: True))
    choice = next(c for c in round_choices()
                  if c.company == "Lumen Analytics" and c.round_title == "Technical interview")
    win.open_composer(choice.application_id, choice.round_id)
    view = win.view("compose")
    view.recipients.setCurrentRow(1)
    return view


def _use(composer, server) -> None:
    from services.mail.account import save_account

    save_account(account_for(server), PASSWORD)
    composer.tls_context = server.client_context() if hasattr(server, "client_context") else None
    composer._update_buttons()


def test_the_composer_shows_each_step_then_sent(qtbot, composer, mail_server):
    _use(composer, mail_server)
    steps: list = []
    composer.sending.step.connect(lambda email_id, step: steps.append(step.key))
    composer.send_current()
    qtbot.waitUntil(lambda: composer.drafts[1].state == "sent", timeout=20000)
    assert steps == STARTTLS_STEPS
    assert composer.recipients.item(1).text().endswith("\nsent")
    assert composer.sending.current == {}


def test_a_silent_server_shows_connecting_then_not_sent(qtbot, composer, silent_server):
    _use(composer, silent_server)
    composer.send_timeout = 1.5
    email_id = composer.drafts[1].email_id
    composer.send_current()
    qtbot.waitUntil(lambda: composer.recipients.item(1).text().endswith("\nconnecting…"),
                    timeout=10000)
    assert composer.state_label.text() == "State: Connecting to 127.0.0.1…"
    qtbot.waitUntil(lambda: composer.drafts[1].state == "failed", timeout=20000)
    assert composer.recipients.item(1).text().endswith("\nnot sent")
    assert composer.state_label.text() == (
        "State: not sent. The mail server 127.0.0.1 did not answer within 1.5 seconds. Check "
        "the host and port, or try again later.")
    assert Email.get_by_id(email_id).state == "failed"
    assert "handed over" not in composer.state_label.text()
