"""Connecting to the mailbox (services.mail.imap.connection) against a real Dovecot: implicit
TLS and STARTTLS, plain only to this computer, every failure as a sentence, the Sent folder
found, and the password in no message, exception chain or log record."""

from __future__ import annotations

import base64
import logging
import ssl
import traceback

import pytest
import trustme

from services.mail.imap.connection import (
    ImapProblem,
    capabilities,
    close_imap,
    find_sent_folder,
    open_imap,
    test_imap_connection,
)
from services.mail.imap.imap_account import ImapAccount, validate_imap_account
from tests.support.smtp_server import SilentServer, free_port

MESSAGE = (b"From: Lumen Analytics <jobs@lumen.example>\r\nTo: zoe@example.org\r\n"
           b"Subject: Your interview\r\nMessage-ID: <1@lumen.example>\r\n\r\nHello Zoe.\r\n")


def account_for(server, address: str, **changes) -> ImapAccount:
    """The account that reaches ``server`` over implicit TLS as ``address``."""
    return ImapAccount(host=server.host, port=server.tls_port, security="tls",
                       username=address, same_password=False, sent_folder="",
                       folders=())._replace(**changes)


def other_ca_context() -> ssl.SSLContext:
    """A verifying context that trusts a CA the server's certificate does not come from."""
    context = ssl.create_default_context()
    trustme.CA().configure_trust(context)
    return context


def test_implicit_tls_logs_in_and_counts_the_inbox(imap_server, imap_user):
    address, password = imap_user
    imap_server.append(address, password, MESSAGE)
    said = test_imap_connection(account_for(imap_server, address), password,
                                tls_context=imap_server.client_context())
    assert said == f"Connected to 127.0.0.1 as {address}: INBOX holds 1 message."
    # EXAMINE is read-only: the message is still unread.
    assert imap_server.messages(address, password)[0][2] == ()


def test_starttls_logs_in_and_offers_what_the_watcher_needs(imap_server, imap_user):
    address, password = imap_user
    account = account_for(imap_server, address, port=imap_server.starttls_port,
                          security="starttls")
    client = open_imap(account, password, tls_context=imap_server.client_context(), timeout=10)
    try:
        assert {"IDLE", "UIDPLUS", "SPECIAL-USE"} <= capabilities(client)
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 0
    finally:
        close_imap(client)


def test_plain_login_to_this_computer_works_for_a_bridge(imap_server, imap_user):
    address, password = imap_user
    account = account_for(imap_server, address, port=imap_server.starttls_port,
                          security="plain")
    assert validate_imap_account(account) == {}
    assert "INBOX holds 0 messages" in test_imap_connection(account, password)


def test_a_server_that_wants_tls_first_gets_no_password(imap_server, imap_user):
    address, password = imap_user
    account = account_for(imap_server, address, host=imap_server.strict_host,
                          port=imap_server.starttls_port, security="plain")
    with pytest.raises(ImapProblem) as refused:
        open_imap(account, password, timeout=10)
    assert refused.value.kind == "protocol"
    assert refused.value.message == (
        "The mail server 127.0.0.2 does not accept a password on an unencrypted connection, "
        "so Next Steps did not send it. Choose implicit TLS or STARTTLS.")
    assert f"user=<{address}>" not in imap_server.log()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_wrong_password_gives_the_login_sentence(imap_server, imap_user, security):
    address, _password = imap_user
    port = imap_server.tls_port if security == "tls" else imap_server.starttls_port
    account = account_for(imap_server, address, port=port, security=security)
    with pytest.raises(ImapProblem) as refused:
        open_imap(account, "not-the-password", tls_context=imap_server.client_context(),
                  timeout=10)
    assert refused.value.kind == "login"
    assert refused.value.message == (
        f"The mail server 127.0.0.1 refused the login for {address}: check the user name and "
        "password (Gmail, Yahoo and iCloud want an app password).")


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_certificate_from_another_ca_is_refused_and_nothing_is_sent(imap_server, imap_user,
                                                                       security):
    address, password = imap_user
    port = imap_server.tls_port if security == "tls" else imap_server.starttls_port
    account = account_for(imap_server, address, port=port, security=security)
    for context in (other_ca_context(), None):  # None: the system's CAs, which do not know it
        with pytest.raises(ImapProblem) as refused:
            open_imap(account, password, tls_context=context, timeout=10)
        assert refused.value.kind == "certificate"
        assert refused.value.message.startswith(
            "The mail server's certificate for 127.0.0.1 is not trusted (")
        assert "so Next Steps did not log in and sent nothing" in refused.value.message
    assert f"user=<{address}>" not in imap_server.log()


def test_plain_to_another_host_is_refused_before_connecting():
    account = ImapAccount(host="imap.example.com", port=143, security="plain",
                          username="zoe@example.com", same_password=False, sent_folder="",
                          folders=())
    assert validate_imap_account(account) == {"security": (
        "Plain, unencrypted connections are only allowed to this computer (localhost, for a "
        "bridge); choose implicit TLS or STARTTLS for imap.example.com.")}
    with pytest.raises(ImapProblem) as refused:
        open_imap(account, "secret-pw")
    assert refused.value.kind == "protocol"
    assert "only allowed to this computer" in refused.value.message
    # (no_network_names checks that the host name was not even looked up)


def test_a_closed_port_is_unreachable():
    port = free_port()
    account = ImapAccount(host="127.0.0.1", port=port, security="tls", username="zoe",
                          same_password=False, sent_folder="", folders=())
    with pytest.raises(ImapProblem) as refused:
        open_imap(account, "secret-pw", timeout=5)
    assert refused.value.kind == "unreachable"
    assert refused.value.message == (
        f"The mail server 127.0.0.1 refused the connection on port {port}. Check the port "
        "and security settings (993 for implicit TLS, 143 for STARTTLS).")


def test_a_server_that_never_answers_times_out():
    silent = SilentServer()
    try:
        account = ImapAccount(host=silent.host, port=silent.port, security="starttls",
                              username="zoe", same_password=False, sent_folder="", folders=())
        with pytest.raises(ImapProblem) as refused:
            open_imap(account, "secret-pw", timeout=0.5)
    finally:
        silent.stop()
    assert refused.value.kind == "timeout"
    assert refused.value.message == (
        "The mail server 127.0.0.1 did not answer within 0.5 seconds. Check the host and "
        "port, or try again later.")


def test_implicit_tls_on_the_starttls_port_says_the_setting_does_not_match(imap_server,
                                                                            imap_user):
    address, password = imap_user
    account = account_for(imap_server, address, port=imap_server.starttls_port)
    with pytest.raises(ImapProblem) as refused:
        open_imap(account, password, tls_context=imap_server.client_context(), timeout=10)
    assert refused.value.kind == "protocol"
    assert "Check that the security setting matches the port" in refused.value.message


def test_no_password_is_a_sentence_before_connecting(imap_server, imap_user):
    address, _password = imap_user
    with pytest.raises(ImapProblem) as refused:
        open_imap(account_for(imap_server, address), "")
    assert refused.value.kind == "keyring"
    assert refused.value.message == (
        f"Enter the password for {address} on 127.0.0.1: none is stored for the mailbox.")


def test_a_non_ascii_password_logs_in(imap_server):
    imap_server.add_user("zoe.utf8@example.org", "pässwörd-ünïcode")
    account = account_for(imap_server, "zoe.utf8@example.org", port=imap_server.starttls_port,
                          security="starttls")
    said = test_imap_connection(account, "pässwörd-ünïcode",
                                tls_context=imap_server.client_context())
    assert said.startswith("Connected to 127.0.0.1 as zoe.utf8@example.org")


def test_closing_a_dropped_connection_is_quiet(imap_server, imap_user):
    address, password = imap_user
    client = open_imap(account_for(imap_server, address), password,
                       tls_context=imap_server.client_context())
    imap_server.kick(address)
    close_imap(client)


def _open(imap_server, address, password):
    return open_imap(account_for(imap_server, address), password,
                     tls_context=imap_server.client_context())


def test_find_sent_folder_prefers_the_special_use_flag(imap_server, imap_user):
    address, password = imap_user
    imap_server.create_folder(address, password, "Sent Items")  # a usual name, no flag
    imap_server.create_folder(address, password, "Mail I sent", special_use="\\Sent")
    client = _open(imap_server, address, password)
    try:
        assert find_sent_folder(client) == "Mail I sent"
        assert find_sent_folder(client, "Sent Items") == "Sent Items"  # the configured one
        assert find_sent_folder(client, "No such folder") == "Mail I sent"
    finally:
        close_imap(client)


def test_find_sent_folder_by_its_usual_name(imap_server, imap_user):
    address, password = imap_user
    client = _open(imap_server, address, password)
    try:
        assert find_sent_folder(client) is None
        client.create_folder("Gesendet")
        assert find_sent_folder(client) == "Gesendet"
        client.create_folder("Sent Messages")
        assert find_sent_folder(client) == "Sent Messages"  # earlier in the usual order
        client.create_folder("Sent")  # declared \Sent on this server
        assert find_sent_folder(client) == "Sent"
    finally:
        close_imap(client)


CANARY = "canary-Imap-5f0c2e91"


def test_the_password_never_reaches_a_message_a_chain_or_the_log(imap_server, caplog):
    caplog.set_level(logging.DEBUG)
    imap_server.add_user("canary@example.org", "the-real-password")
    texts: list[str] = []
    for security in ("tls", "starttls"):
        port = imap_server.tls_port if security == "tls" else imap_server.starttls_port
        for password in (CANARY, CANARY + "-ünï"):  # LOGIN, and AUTHENTICATE PLAIN
            account = account_for(imap_server, "canary@example.org", port=port,
                                  security=security)
            with pytest.raises(ImapProblem) as refused:
                open_imap(account, password, tls_context=imap_server.client_context(),
                          timeout=10)
            assert refused.value.kind == "login"
            texts += _everything_said(refused.value)
    for context in (other_ca_context(), None):
        with pytest.raises(ImapProblem) as refused:
            open_imap(account_for(imap_server, "canary@example.org"), CANARY,
                      tls_context=context, timeout=10)
        texts += _everything_said(refused.value)
    texts += [record.getMessage() for record in caplog.records]
    assert any("LOGIN" in text or "AUTHENTICATE" in text for text in texts)  # it was logged
    texts.append(imap_server.log())
    forms = [CANARY] + [base64.b64encode(f"\0canary@example.org\0{password}".encode()).decode()
                        for password in (CANARY, CANARY + "-ünï")]
    for text in texts:
        for form in forms:
            assert form not in text


def _everything_said(problem: BaseException) -> list[str]:
    """The problem's texts and those of every exception chained to it."""
    said = [*traceback.format_exception(problem)]
    seen: BaseException | None = problem
    while seen is not None:
        said += [str(seen), repr(seen), *map(str, seen.args)]
        seen = seen.__cause__ or seen.__context__
    return said
