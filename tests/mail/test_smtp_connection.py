""""Test connection" against real servers: success, and each failure as its exact sentence."""

from __future__ import annotations

import time

import pytest

from services.mail import account as smtp_account
from services.mail import smtp
from services.mail.smtp_problems import ConnectionProblem
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    PASSWORD,
    account_for,
    free_port,
    mail_server_fixture,
    make_mail_server_fixture,
    silent_server_fixture,
)


def check(server, account=None, password=PASSWORD, timeout=5.0):
    """Run test_connection; return the problem (or None on success)."""
    try:
        smtp.test_connection(account or account_for(server), password, timeout,
                             tls_context=server.client_context())
    except ConnectionProblem as problem:
        return problem
    return None


def test_starttls_server_connects_and_logs_in(mail_server):
    assert check(mail_server) is None
    assert mail_server.auth_attempts == [(account_for(mail_server).username, True)]
    assert mail_server.messages == []


def test_implicit_tls_server_connects_and_logs_in(make_mail_server):
    server = make_mail_server(mode="tls")
    assert check(server) is None
    assert server.auth_attempts == [(account_for(server).username, True)]


def test_plain_security_to_localhost(make_mail_server):
    server = make_mail_server(mode="plain")
    account = account_for(server, security="plain")
    assert smtp_account.validate_account(account) == {}
    assert check(server, account) is None
    assert len(server.auth_attempts) == 1


def test_default_context_verifies_certificates(mail_server):
    """Without the test CA (the app's default context) the test server is not trusted."""
    with pytest.raises(ConnectionProblem) as caught:
        smtp.test_connection(account_for(mail_server), PASSWORD, 5)
    assert caught.value.kind == "certificate"
    assert mail_server.auth_attempts == []


def test_unresolvable_host(mail_server, no_network_names):
    # No DNS in tests: the suite's resolver (tests/conftest.py) answers every name but
    # localhost as unknown, the way a real resolver answers for an unknown name.
    account = account_for(mail_server, host="no-such-host.invalid")
    problem = check(mail_server, account)
    assert no_network_names == ["no-such-host.invalid"]
    no_network_names.clear()
    assert problem.kind == "resolve"
    assert problem.message == (
        "Next Steps cannot find the mail server “no-such-host.invalid”. Check the host name in "
        "Settings → Email account and your internet connection."
    )


def test_connection_refused(mail_server):
    port = free_port()
    problem = check(mail_server, account_for(mail_server, port=port))
    assert problem.kind == "refused"
    assert problem.message == (
        f"The mail server 127.0.0.1 refused the connection on port {port}. Check the port and "
        "security settings (587 for STARTTLS, 465 for implicit TLS)."
    )


def test_silent_server_times_out(silent_server, mail_server):
    started = time.monotonic()
    problem = check(mail_server, account_for(silent_server), timeout=0.5)
    assert time.monotonic() - started < 3
    assert problem.kind == "timeout"
    assert problem.message == (
        "The mail server 127.0.0.1 did not answer within 0.5 seconds. Check the host and port, "
        "or try again later."
    )


def test_untrusted_certificate(make_mail_server):
    server = make_mail_server(untrusted=True)
    problem = check(server)
    assert problem.kind == "certificate"
    assert problem.message.startswith(
        "The mail server's certificate for 127.0.0.1 is not trusted (")
    assert problem.message.endswith(
        "), so Next Steps did not log in or send anything. Check the host name; if it is "
        "right, someone may be intercepting the connection.")
    assert server.auth_attempts == []


def test_untrusted_certificate_on_implicit_tls(make_mail_server):
    server = make_mail_server(mode="tls", untrusted=True)
    problem = check(server)
    assert problem.kind == "certificate"
    assert server.auth_attempts == []


def test_no_starttls_refuses_before_login(make_mail_server):
    server = make_mail_server(mode="no_starttls")
    problem = check(server)
    assert problem.kind == "no_starttls"
    assert problem.message == (
        "The mail server 127.0.0.1 does not offer STARTTLS, so Next Steps did not send your "
        "password over an unencrypted connection. Choose implicit TLS (port 465) or check the "
        "server settings."
    )
    assert server.auth_attempts == []


def test_wrong_password(mail_server):
    problem = check(mail_server, password="wrong-password")
    assert problem.kind == "auth_failed" and problem.code == 535
    assert problem.message == (
        "The mail server rejected the user name or password for zoe@example.com. Check them in "
        "Settings → Email account; some providers need an app password."
    )
    assert "wrong-password" not in problem.message and "wrong-password" not in str(problem)


def test_server_without_auth_on_this_connection(mail_server):
    """Plain security to a server that offers AUTH only after STARTTLS."""
    problem = check(mail_server, account_for(mail_server, security="plain"))
    assert problem.kind == "no_auth"
    assert problem.message == (
        "The mail server 127.0.0.1 does not offer logging in (AUTH) on this connection. Check "
        "the port and security settings."
    )
    assert mail_server.auth_attempts == []


# Non-ASCII user names and passwords log in: tests/mail/test_smtp_utf8_auth.py.


def test_missing_password(mail_server):
    problem = check(mail_server, password="")
    assert problem.kind == "no_password"
    assert mail_server.auth_attempts == []


def test_implicit_tls_to_a_starttls_port(mail_server):
    problem = check(mail_server, account_for(mail_server, security="tls"))
    assert problem.kind == "tls"
    assert "Check that the security setting matches the port" in problem.message


def test_test_connection_is_not_collected_as_a_test():
    assert smtp.test_connection.__test__ is False
