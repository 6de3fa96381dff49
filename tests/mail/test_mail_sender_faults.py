"""Sending through a real SMTP server (aiosmtpd, STARTTLS, AUTH) when something goes wrong:
dropped connections and silence (uncertain, never sent twice), temporary and permanent
refusals, a wrong password, no STARTTLS, an untrusted certificate.

Every test ends by asserting how many messages the server holds."""

from __future__ import annotations

import pytest

from models.values import EmailState
from services.mail import sender as mail_sender
from tests.mail.sender_support import INTERVIEWERS, row, send
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    PASSWORD,
    account_for,
    mail_server_fixture,
    make_emails,
    make_mail_server_fixture,
    silent_server_fixture,
)

pytestmark = pytest.mark.usefixtures("store")


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
