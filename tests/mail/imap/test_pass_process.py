"""A pass in a child process (the window's watcher runs each pass so), against the real
Dovecot server: the child reads the keyring and the data folder itself, and what it says is
read back as ``mail check`` documents it. A crash, a timeout and a cancel each end in a
sentence of their own; the child's own words never reach the user."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from models.inbox import InboxMessage
from services.core.store import open_store
from services.mail.imap.connection import ImapProblem
from services.mail.imap.imap_account import ImapAccount, save_imap_account
from services.mail.imap.mail_pass import PassSummary
from services.mail.imap.pass_process import PassProcess, pass_command
from tests.mail.inbox.inbox_data import add_search, message

pytestmark = pytest.mark.slow


@pytest.fixture
def mailbox(imap_server, imap_user, data_paths):
    """The Dovecot user's mailbox saved as the app's account in a data folder with Jana's
    search; the data closed again, as the window's would be to the child."""
    address, password = imap_user
    opened = open_store(data_paths)
    try:
        add_search()
        save_imap_account(ImapAccount(
            host=imap_server.host, port=imap_server.tls_port, security="tls",
            username=address, same_password=False, sent_folder="", folders=()), password)
    finally:
        opened.close()
    return data_paths


def kept_ids(paths) -> list[str]:
    opened = open_store(paths)
    try:
        return sorted(row.message_id for row in InboxMessage.select(InboxMessage.message_id))
    finally:
        opened.close()


def python(code: str) -> list[str]:
    """A child that runs ``code`` instead of the pass (to test how its output is read)."""
    return [sys.executable, "-c", code]


def test_a_pass_in_a_child_keeps_a_reply_once(imap_server, imap_user, mailbox):
    address, password = imap_user
    imap_server.append(address, password, message(message_id="<child.1@lumen-analytics.com>"))
    run = PassProcess(mailbox.root, env={"SSL_CERT_FILE": str(imap_server.ca_file)})
    assert run() == PassSummary(1, "")
    assert run() == PassSummary(0, "")
    assert kept_ids(mailbox) == ["<child.1@lumen-analytics.com>"]


def test_a_failed_pass_is_the_commands_own_sentence(imap_server, imap_user, mailbox):
    run = PassProcess(mailbox.root)  # the test CA is not trusted: the certificate is refused
    with pytest.raises(ImapProblem) as refused:
        run()
    assert refused.value.kind == "pass"
    assert "certificate" in refused.value.message
    assert "Traceback" not in refused.value.message


def test_the_command_is_mail_check_json_on_the_data_folder(tmp_path):
    command = pass_command(tmp_path)
    assert command[-5:] == ["--data-dir", str(tmp_path), "mail", "check", "--json"]
    assert command[0] == sys.executable


def test_sent_copy_sentences_come_before_the_summary(tmp_path):
    code = ("import sys; print('{\"message_id\": \"<a@b>\"}');"
            "print('{\"message_id\": \"<c@d>\"}');"
            "print('The Sent copy could not be added.', file=sys.stderr);"
            "print('2 new messages about your applications.', file=sys.stderr)")
    assert PassProcess(tmp_path, command=python(code))() == PassSummary(
        2, "The Sent copy could not be added.")


def test_a_crash_is_said_in_a_sentence_of_its_own(tmp_path, caplog):
    code = ("import sys; print('Traceback (most recent call last):', file=sys.stderr);"
            "print('KeyError: secret-detail', file=sys.stderr); sys.exit(1)")
    with pytest.raises(ImapProblem) as crashed:
        PassProcess(tmp_path, command=python(code))()
    assert crashed.value.message.startswith("Reading your mail stopped unexpectedly.")
    assert "secret-detail" not in crashed.value.message
    assert "secret-detail" in caplog.text  # kept in the log for whoever looks into it


def test_a_pass_that_takes_too_long_is_ended(tmp_path):
    run = PassProcess(tmp_path, command=python("import time; time.sleep(60)"), timeout_s=0.5)
    with pytest.raises(ImapProblem, match="took longer than"):
        run()


def test_cancel_ends_a_running_pass_at_once_and_refuses_the_next(tmp_path):
    run = PassProcess(tmp_path, command=python("import time; time.sleep(60)"))
    caught: list[BaseException] = []

    def work() -> None:
        try:
            run()
        except ImapProblem as exc:
            caught.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.monotonic() + 10
    while not run.runner.running and time.monotonic() < deadline:  # the child has started
        time.sleep(0.01)
    run.cancel()
    thread.join(10)  # a correctness bound: the sleep would take 60 s
    assert not thread.is_alive() and len(caught) == 1
    assert caught[0].message == "Reading your mail was stopped."
    with pytest.raises(ImapProblem, match="stopped"):
        run()
