"""Sending through a real SMTP server (aiosmtpd, STARTTLS, AUTH): the messages that arrive, their
states, and header injection that never reaches the server. Faults are in
test_mail_sender_faults.py, races and crashes in test_mail_sender_races.py.

Every test ends by asserting how many messages the server holds.
"""

from __future__ import annotations

import pytest

from models.values import EmailState
from services.mail import sender as mail_sender
from tests.mail.sender_support import INTERVIEWERS, SUBJECT, row, send
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    account_for,
    mail_server_fixture,
    make_emails,
    make_mail_server_fixture,
)

pytestmark = pytest.mark.usefixtures("store")


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
