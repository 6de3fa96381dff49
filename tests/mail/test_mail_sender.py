"""Sending through a real SMTP server (aiosmtpd, STARTTLS, AUTH): states, retries, faults.

Every test ends by asserting how many messages the server holds.
"""

from __future__ import annotations

import threading

import pytest

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

pytestmark = pytest.mark.usefixtures("store")

INTERVIEWERS = [
    ("José Álvarez", "jose@example.org"),
    ("Åsa Lindqvist", "asa@example.net"),
    ("François Müller-Øberg", "francois@example.com"),
]
SUBJECT = "Merci pour l'entretien – José"


def send(server, email_id, **options):
    """send_one against ``server`` with its CA trusted and no waiting between retries."""
    options.setdefault("retry_delay", 0)
    options.setdefault("timeout", 5)
    password = options.pop("password", PASSWORD)
    account = options.pop("account", None) or account_for(server)
    return mail_sender.send_one(email_id, account, password,
                                tls_context=server.client_context(), **options)


def row(email_id) -> Email:
    return Email.get_by_id(email_id)


def test_thank_you_to_three_interviewers_arrives_as_three_messages(mail_server):
    ids = make_emails(INTERVIEWERS, subject=SUBJECT)
    assert mail_sender.queue(ids) == ids
    results = [send(mail_server, email_id) for email_id in ids]

    assert [r.state for r in results] == [EmailState.SENT] * 3
    assert len(mail_server.messages) == 3
    for email_id, (name, address), received in zip(ids, INTERVIEWERS, mail_server.messages,
                                                   strict=True):
        stored = row(email_id)
        assert stored.state == "sent" and stored.sent_at is not None
        assert stored.attempts == 1 and stored.error == ""
        assert received.rcpt_tos == [address]
        assert received.mail_from == account_for(mail_server).sender_address
        message = received.message
        assert message["To"].addresses[0].display_name == name
        assert message["To"].addresses[0].addr_spec == address
        assert len(message["To"].addresses) == 1
        assert message["From"].addresses[0].display_name == "Zoé Durand"
        assert str(message["Subject"]) == SUBJECT
        assert message["Message-ID"] == stored.message_id
        assert stored.message_id.endswith("@example.com>")
        assert "Bcc" not in message and "Cc" not in message
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert f"Dear {name}," in plain
        assert f"<p>Dear {name},</p>" in html
    assert len({r.message["Message-ID"] for r in mail_server.messages}) == 3
    assert mail_server.auth_attempts == [(account_for(mail_server).username, True)] * 3


def test_implicit_tls_server(make_mail_server):
    server = make_mail_server(mode="tls")
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    assert send(server, email_id).state == EmailState.SENT
    assert len(server.messages) == 1


def test_localhost_name_is_verified_too(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    account = account_for(mail_server, host="localhost")
    assert send(mail_server, email_id, account=account).state == EmailState.SENT
    assert len(mail_server.messages) == 1


def test_message_id_is_stored_before_connecting_and_kept_on_retry(mail_server, data_paths):
    """Each state change is committed at once: another connection sees it mid-send."""
    import sqlite3

    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    seen = []

    def on_step(_step):
        other = sqlite3.connect(data_paths.database)
        try:
            seen.append(other.execute("SELECT state, message_id, attempts FROM email "
                                      "WHERE id = ?", (email_id,)).fetchone())
        finally:
            other.close()

    mail_server.fail("451_data", times=1)
    result = send(mail_server, email_id, on_step=on_step)
    assert result.state == EmailState.SENT
    message_id = row(email_id).message_id
    connecting = [step for step in seen if step[2] in (1, 2)]
    assert connecting[0] == ("sending", message_id, 1)
    assert ("sending", message_id, 2) in seen
    assert mail_server.data_received == 2
    assert len(mail_server.messages) == 1
    assert mail_server.messages[0].message["Message-ID"] == message_id


def test_only_queued_or_failed_rows_are_sent(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    result = send(mail_server, email_id)  # still a draft
    assert result.state == EmailState.DRAFT
    assert "not sent again" in result.message
    assert len(mail_server.messages) == 0


def test_sent_message_is_never_sent_twice(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    assert send(mail_server, email_id).state == EmailState.SENT
    assert mail_sender.queue([email_id]) == []
    assert send(mail_server, email_id).state == EmailState.SENT
    assert len(mail_server.messages) == 1


# -- faults -------------------------------------------------------------------------------------


def test_dropped_after_data_is_uncertain_and_not_resent(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("drop_after_data")

    result = send(mail_server, email_id, max_attempts=3)
    assert result.state == EmailState.UNCERTAIN
    assert "may or may not have arrived" in result.message
    assert row(email_id).state == "uncertain" and row(email_id).attempts == 1
    assert row(email_id).error == result.message
    assert len(mail_server.messages) == 1

    # Nothing sends it again by itself: not queue, not send_one.
    assert mail_sender.queue([email_id]) == []
    assert send(mail_server, email_id).state == EmailState.UNCERTAIN
    assert len(mail_server.messages) == 1

    # Only the user's explicit confirmation sends a second copy, with the same Message-ID.
    again = mail_sender.resend_uncertain(email_id, account_for(mail_server), PASSWORD,
                                         tls_context=mail_server.client_context(),
                                         retry_delay=0)
    assert again.state == EmailState.SENT
    assert len(mail_server.messages) == 2
    first, second = (m.message["Message-ID"] for m in mail_server.messages)
    assert first == second == row(email_id).message_id


def test_user_can_confirm_an_uncertain_message_arrived(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("drop_after_data")
    assert send(mail_server, email_id).state == EmailState.UNCERTAIN
    assert mail_sender.mark_arrived(email_id)
    assert row(email_id).state == "marked_sent"
    assert not mail_sender.mark_arrived(email_id)
    assert len(mail_server.messages) == 1


def test_no_reply_after_data_is_uncertain_and_not_retried(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("hang_after_data")
    result = send(mail_server, email_id, timeout=1, max_attempts=3)
    assert result.state == EmailState.UNCERTAIN
    assert row(email_id).attempts == 1 and mail_server.data_received == 1
    assert len(mail_server.messages) == 1


def test_451_on_rcpt_is_retried_and_arrives_once(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("451_rcpt", times=2)
    result = send(mail_server, email_id, max_attempts=3)
    assert result.state == EmailState.SENT
    assert row(email_id).attempts == 3 and mail_server.rcpt_commands == 3
    assert len(mail_server.messages) == 1


def test_dropped_before_data_is_retried_and_arrives_once(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("drop_before_data", times=1)
    result = send(mail_server, email_id)
    assert result.state == EmailState.SENT
    assert row(email_id).attempts == 2
    assert mail_server.rcpt_commands == 2
    assert len(mail_server.messages) == 1


def test_dropped_before_data_every_time_fails_after_the_bounded_attempts(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("drop_before_data", times=-1)
    result = send(mail_server, email_id, max_attempts=3)
    assert result.state == EmailState.FAILED
    assert result.message == (
        f"The connection to {mail_server.host} was lost before the message was handed over. "
        "Next Steps tried 3 times; nothing was delivered. Try again later."
    )
    assert row(email_id).attempts == 3 and mail_server.rcpt_commands == 3
    assert len(mail_server.messages) == 0


def test_451_then_success_arrives_once(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("451_data", times=1)
    result = send(mail_server, email_id)
    assert result.state == EmailState.SENT
    assert row(email_id).attempts == 2
    assert len(mail_server.messages) == 1


def test_552_is_permanent_and_not_retried(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    mail_server.fail("552_data", times=-1)
    result = send(mail_server, email_id, max_attempts=3)
    assert result.state == EmailState.FAILED
    assert result.message.startswith("The mail server refused the message (reply 552: ")
    assert result.message.endswith("; it was not sent.")
    assert mail_server.data_received == 1
    assert row(email_id).attempts == 1 and row(email_id).error == result.message
    assert len(mail_server.messages) == 0


def test_wrong_password_fails_clearly_and_keeps_the_stored_password(mail_server):
    from services.mail.account import get_password, save_account

    account = account_for(mail_server)
    save_account(account, PASSWORD)
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    result = send(mail_server, email_id, password="not-the-password", max_attempts=3)
    assert result.state == EmailState.FAILED
    assert result.message == (
        f"The mail server rejected the user name or password for {account.username}. Check "
        "them in Settings → Email account; some providers need an app password. Nothing was "
        "sent; the password is still kept in the keyring."
    )
    assert mail_server.auth_attempts == [(account.username, False)]
    assert get_password(account) == PASSWORD
    assert len(mail_server.messages) == 0


def test_server_without_starttls_is_refused_before_login(make_mail_server):
    server = make_mail_server(mode="no_starttls")
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    result = send(server, email_id)
    assert result.state == EmailState.FAILED
    assert "does not offer STARTTLS" in result.message
    assert server.auth_attempts == []
    assert len(server.messages) == 0


def test_untrusted_certificate_is_refused(make_mail_server):
    server = make_mail_server(untrusted=True)
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    result = send(server, email_id)
    assert result.state == EmailState.FAILED
    assert "certificate" in result.message and "not trusted" in result.message
    assert server.auth_attempts == []
    assert len(server.messages) == 0


def test_silent_server_times_out_with_a_sentence(silent_server):
    # How long it takes: smtp_silent_timeout_s in make bench (benchmarks/mail_bench.py).
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    result = mail_sender.send_one(email_id, account_for(silent_server), PASSWORD,
                                  timeout=0.5, retry_delay=0)
    assert result.state == EmailState.FAILED
    assert result.message == (
        f"The mail server {silent_server.host} did not answer within 0.5 seconds. Check the "
        "host and port, or try again later."
    )
    assert len(silent_server.connections) == 1  # a timeout is not retried


# -- header injection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "address", "subject"),
    [
        ("José", "jose@example.org", "=?utf-8?q?hi=0ABcc:_evil@example.com?="),
        ("José", "jose@example.org", "Thanks\r\nBcc: evil@example.com"),
        ("José", "jose@example.org", "Thanks\nBcc: evil@example.com"),
        ("José\r\nBcc: evil@example.com", "jose@example.org", "Thanks"),
        ("=?utf-8?q?Jos=C3=A9=0ABcc:_evil@example.com?=", "jose@example.org", "Thanks"),
        ("José", "Bob <jose@example.org>\r\nBcc: evil@example.com", "Thanks"),
        ("José", "jose@example.org, evil@example.com", "Thanks"),
        ("José", "jose@example.org\nBcc: evil@example.com", "Thanks"),
        ("José", "José <jose@example.org>", "Thanks"),
        ("José", "\"evil@example.com\" jose@example.org", "Thanks"),
    ],
)
def test_header_injection_never_reaches_the_server(mail_server, name, address, subject):
    [email_id] = make_emails([(name, address)], subject=subject)
    mail_sender.queue([email_id])
    result = send(mail_server, email_id)
    assert result.state == EmailState.FAILED
    assert result.message.startswith("The ")
    assert mail_server.rcpt_commands == 0
    assert len(mail_server.messages) == 0


def test_injection_in_sender_name_never_reaches_the_server(mail_server):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    account = account_for(mail_server, sender_name="Zoé\r\nBcc: evil@example.com")
    result = send(mail_server, email_id, account=account)
    assert result.state == EmailState.FAILED
    assert len(mail_server.messages) == 0 and mail_server.auth_attempts == []


def test_a_look_alike_name_is_quoted_not_obeyed(mail_server):
    [email_id] = make_emails([("Bob <evil@example.com>, Eve", "jose@example.org")])
    mail_sender.queue([email_id])
    assert send(mail_server, email_id).state == EmailState.SENT
    [received] = mail_server.messages
    assert received.rcpt_tos == ["jose@example.org"]
    [to] = received.message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Bob <evil@example.com>, Eve", "jose@example.org")


# -- races, threads, crashes ----------------------------------------------------------------------


def test_double_send_race_between_threads_sends_one_copy(mail_server, store):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    barrier = threading.Barrier(6)
    results = []

    def worker():
        barrier.wait()
        results.append(send(mail_server, email_id))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 6
    assert EmailState.SENT in [r.state for r in results]
    assert sum("not sent again" in r.message for r in results) == 5
    assert row(email_id).state == "sent" and row(email_id).attempts == 1
    assert len(mail_server.messages) == 1


def test_send_one_from_a_worker_thread_uses_its_own_connection(mail_server, store):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    outcome = {}

    def worker():
        outcome["result"] = send(mail_server, email_id)
        outcome["closed_after"] = store.db.is_closed()  # this thread's connection

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert outcome["result"].state == EmailState.SENT
    assert outcome["closed_after"] is True
    assert not store.db.is_closed()  # the main thread's connection is untouched
    assert row(email_id).state == "sent"
    assert len(mail_server.messages) == 1


def test_recover_interrupted_marks_sending_rows_uncertain(mail_server):
    ids = make_emails(INTERVIEWERS)
    Email.update(state="sending").where(Email.id == ids[0]).execute()
    Email.update(state="queued").where(Email.id == ids[1]).execute()
    assert mail_sender.recover_interrupted() == 1
    assert [row(i).state for i in ids] == ["uncertain", "queued", "draft"]
    assert "may or may not have arrived" in row(ids[0]).error
    # An interrupted message is not sent again by an ordinary send.
    assert send(mail_server, ids[0]).state == EmailState.UNCERTAIN
    assert len(mail_server.messages) == 0


def test_queue_only_moves_drafts_and_failed(mail_server):
    ids = make_emails(INTERVIEWERS)
    Email.update(state="failed", error="x").where(Email.id == ids[1]).execute()
    Email.update(state="sent").where(Email.id == ids[2]).execute()
    assert mail_sender.queue(ids) == ids[:2]
    assert [row(i).state for i in ids] == ["queued", "queued", "sent"]
    assert row(ids[1]).error == ""
    assert len(mail_server.messages) == 0


RACE_SCRIPT = """
import os, ssl, sys, time
sys.path.insert(0, os.environ["NEXTSTEPS_ROOT"])
from models import database
from services.mail import sender as mail_sender
from services.mail.account import Account

db_path, email_id, host, port, cafile, ready, go = sys.argv[1:]
database.connect(db_path)
account = Account("Zoé Durand", "zoe@example.com", host, int(port), "starttls",
                  "zoe@example.com")
context = ssl.create_default_context(cafile=cafile)
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
result = mail_sender.send_one(int(email_id), account, os.environ["SMTP_TEST_PASSWORD"],
                              tls_context=context, timeout=10, retry_delay=0)
print(result.state.value)
database.close()
"""


def test_double_send_race_between_processes_sends_one_copy(mail_server, data_paths, tmp_path):
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, subprocess_env

    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    script = tmp_path / "race.py"
    script.write_text(RACE_SCRIPT, encoding="utf-8")
    cafile = mail_server.write_cafile(tmp_path / "ca.pem")
    go = tmp_path / "go"
    env = subprocess_env(NEXTSTEPS_ROOT=str(ROOT), SMTP_TEST_PASSWORD=PASSWORD)
    processes = []
    for number in range(3):
        ready = tmp_path / f"ready-{number}"
        processes.append((ready, subprocess.Popen(
            [sys.executable, str(script), str(data_paths.database), str(email_id),
             mail_server.host, str(mail_server.port), str(cafile), str(ready), str(go)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _p in processes):
        assert time.monotonic() < deadline, "the racing processes did not start"
        time.sleep(0.01)
    go.touch()
    states = []
    for _ready, process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        states.append(out.strip())
    # The winner reports "sent"; the others found the row already claimed ("sending"
    # or, if they looked late, "sent") and sent nothing.
    assert "sent" in states and set(states) <= {"sent", "sending"}
    assert row(email_id).state == "sent" and row(email_id).attempts == 1
    assert len(mail_server.messages) == 1


def test_send_one_through_run_in_background(qtbot, mail_server, store):
    """The composer's way: send_one on Qt's thread pool, the result back on the UI thread."""
    from ui.shell.tasks import run_in_background

    ids = make_emails(INTERVIEWERS)
    mail_sender.queue(ids)
    results = []
    for email_id in ids:
        run_in_background(lambda email_id=email_id: send(mail_server, email_id),
                          results.append)
    qtbot.waitUntil(lambda: len(results) == 3, timeout=20000)
    assert [r.state for r in results] == [EmailState.SENT] * 3
    assert [row(i).state for i in ids] == ["sent"] * 3
    assert not store.db.is_closed()
    assert len(mail_server.messages) == 3
