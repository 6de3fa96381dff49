"""Passwords and user names with non-ASCII letters log in (AUTH PLAIN per RFC 4616, UTF-8;
AUTH LOGIN where only that is offered), against the real aiosmtpd servers."""

from __future__ import annotations

import pytest

from models.values import EmailState
from services.mail import account as smtp_account
from services.mail import sender as mail_sender
from services.mail import smtp
from services.mail.smtp_problems import ConnectionProblem
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    USER,
    account_for,
    make_emails,
    make_mail_server_fixture,
)

UMLAUT_PASSWORD = "Grüße-Straße-ß7"


def check(server, password=UMLAUT_PASSWORD, **changes):
    """test_connection against ``server``; the problem, or None when it logged in."""
    try:
        smtp.test_connection(account_for(server, **changes), password, 5,
                             tls_context=server.client_context())
    except ConnectionProblem as problem:
        return problem
    return None


@pytest.mark.parametrize("mechanisms", [("PLAIN",), ("LOGIN",), ("PLAIN", "LOGIN")])
def test_non_ascii_password_logs_in(make_mail_server, mechanisms):
    server = make_mail_server(password=UMLAUT_PASSWORD, mechanisms=mechanisms)
    assert check(server) is None
    assert server.auth_attempts == [(USER, True)]
    assert server.auth_mechanisms == [mechanisms[0]], "PLAIN first; LOGIN only as fallback"


def test_non_ascii_user_name_logs_in(make_mail_server):
    server = make_mail_server(user="zoé@exämple.com", password=UMLAUT_PASSWORD)
    assert check(server, username="zoé@exämple.com") is None
    assert server.auth_attempts == [("zoé@exämple.com", True)]


@pytest.mark.parametrize("mechanisms", [("PLAIN",), ("LOGIN",)])
def test_wrong_non_ascii_password_is_one_refused_login(make_mail_server, mechanisms):
    server = make_mail_server(password=UMLAUT_PASSWORD, mechanisms=mechanisms)
    problem = check(server, password="Grüsse-Strasse-ss7")
    assert problem.kind == "auth_failed" and problem.code == 535
    assert "Grüsse" not in problem.message
    assert server.auth_attempts == [(USER, False)], "never retried with another mechanism"


def test_a_message_goes_out_with_a_non_ascii_password(make_mail_server, store):
    server = make_mail_server(password=UMLAUT_PASSWORD)
    [email_id] = make_emails([("José Álvarez", "jose@example.org")])
    mail_sender.queue([email_id])
    result = mail_sender.send_one(email_id, account_for(server), UMLAUT_PASSWORD,
                                  tls_context=server.client_context(), retry_delay=0, timeout=5)
    assert result.state == EmailState.SENT
    assert len(server.messages) == 1
    assert server.messages[0].rcpt_tos == ["jose@example.org"]



def test_an_account_with_a_non_ascii_user_name_is_valid():
    account = smtp_account.Account("Zoë Durand", "zoe@example.org", "mail.example.org", 587,
                                   "starttls", "zoë@exämple.org")
    assert smtp_account.validate_account(account) == {}
