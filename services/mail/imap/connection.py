"""Connecting and logging in to the user's IMAP server, every failure told as a sentence.

Certificates are always verified: ``ssl.create_default_context()``, or the context a
caller passes as ``tls_context=`` (the tests pass one that trusts their own CA, as on
the SMTP side in :mod:`services.mail.smtp`; never an unverified one). Implicit TLS
(``security="tls"``) or ``STARTTLS`` before the password goes out; ``plain`` only to
this computer (a bridge such as Proton Mail Bridge), which validation enforces and
:func:`open_imap` checks again. A user name or password outside ASCII goes through
``AUTHENTICATE PLAIN`` (UTF-8), since ``LOGIN`` cannot carry it. Every step has a timeout.

Every failure is an :class:`ImapProblem`: a sentence naming the host and what to do,
and a ``kind``. The password never appears in a message or a log line, and the problem
is raised outside the handler of the exception it replaces, without a cause, so no
chained exception (whose text might quote the conversation) travels with it.

The settings page calls :func:`test_imap_connection`; the watcher and the command line
call :func:`open_imap` and :func:`close_imap`; the Sent copy :func:`find_sent_folder`.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from services.mail.headers import is_loopback
from services.mail.imap.imap_account import ImapAccount
from services.mail.smtp_problems import reply_text

__all__ = [
    "KINDS",
    "SENT_FOLDER_NAMES",
    "ImapProblem",
    "capabilities",
    "close_imap",
    "find_sent_folder",
    "open_imap",
    "test_imap_connection",
]

log = logging.getLogger(__name__)

#: The kinds of :class:`ImapProblem`.
KINDS = frozenset({"unreachable", "login", "certificate", "timeout", "protocol", "keyring",
                   "pass"})
#: The usual names of the Sent folder, tried in this order when none is marked ``\\Sent``.
SENT_FOLDER_NAMES = ("Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "Gesendet",
                     "Gesendete Objekte", "INBOX.Sent")

_APP_PASSWORD_HINT = "(Gmail, Yahoo and iCloud want an app password)"


class ImapProblem(Exception):
    """Connecting, securing or logging in to the mailbox failed; ``message`` says what
    happened and what to do, ``kind`` is one of :data:`KINDS`."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def open_imap(account: ImapAccount, password: str, *,
              tls_context: ssl.SSLContext | None = None, timeout: float = 30.0) -> IMAPClient:
    """A connected, secured and logged-in IMAPClient for ``account``.

    Raises :class:`ImapProblem`; the connection is closed on any failure.
    """
    _refuse_unsafe(account, password)
    host = account.host.strip()
    context = tls_context if tls_context is not None else ssl.create_default_context()
    client: IMAPClient | None = None
    problem: ImapProblem | None = None
    try:
        client = IMAPClient(host, port=account.port, ssl=account.security == "tls",
                            ssl_context=context, timeout=timeout)
        if account.security == "starttls":
            _start_tls(client, host, context)
        _login(client, account, password)
    except Exception as exc:  # every failure becomes a sentence
        problem = _problem_from(exc, account, password, timeout)
    if problem is not None:
        if client is not None:
            _drop(client)
        log.warning("IMAP: %s:%s failed (%s)", host, account.port, problem.kind)
        raise problem from None
    log.info("IMAP: logged in to %s:%s (%s)", host, account.port, account.security)
    return client


def close_imap(client: IMAPClient) -> None:
    """Say LOGOUT if the server still listens, and close the connection in any case."""
    try:
        client.logout()
    except Exception:  # closing never fails loudly
        _drop(client)


def test_imap_connection(account: ImapAccount, password: str, *,
                         tls_context: ssl.SSLContext | None = None,
                         timeout: float = 15.0) -> str:
    """Connect, log in and EXAMINE INBOX (read-only); a sentence saying it worked.

    Raises :class:`ImapProblem` otherwise. Nothing on the server changes.
    """
    client = open_imap(account, password, tls_context=tls_context, timeout=timeout)
    problem: ImapProblem | None = None
    try:
        count = int(client.select_folder("INBOX", readonly=True)[b"EXISTS"])
    except Exception as exc:  # every failure becomes a sentence
        problem = _problem_from(exc, account, password, timeout)
    close_imap(client)
    if problem is not None:
        raise problem from None
    noun = "message" if count == 1 else "messages"
    return (f"Connected to {account.host.strip()} as {account.username.strip()}: "
            f"INBOX holds {count} {noun}.")


# Not a test, although its name says so: keep pytest from collecting it where it is imported.
test_imap_connection.__test__ = False  # type: ignore[attr-defined]


def capabilities(client: IMAPClient) -> frozenset[str]:
    """The server's capabilities (after login: what the logged-in session offers), upper case."""
    return frozenset(
        (cap.decode("ascii", "replace") if isinstance(cap, bytes) else str(cap)).upper()
        for cap in client.capabilities())


def find_sent_folder(client: IMAPClient, configured: str = "") -> str | None:
    """The folder sent mail belongs in: ``configured`` if the server has it; else the one
    LIST marks ``\\Sent`` (SPECIAL-USE, RFC 6154); else the first of
    :data:`SENT_FOLDER_NAMES` that exists (in any case); None when there is none."""
    listed = client.list_folders()
    names = [name for _flags, _sep, name in listed]
    configured = configured.strip()
    if configured and configured in names:
        return configured
    for flags, _sep, name in listed:
        if any(_text(flag).lower() == "\\sent" for flag in flags):
            return name
    by_lower = {name.lower(): name for name in reversed(names)}
    for usual in ((configured,) if configured else ()) + SENT_FOLDER_NAMES:
        if usual.lower() in by_lower:
            return by_lower[usual.lower()]
    return None


# -- connecting ------------------------------------------------------------------------------


def _refuse_unsafe(account: ImapAccount, password: str) -> None:
    """Problems found before any byte goes out: no password, or plain beyond this computer."""
    host = account.host.strip()
    if account.security not in ("tls", "starttls", "plain"):
        raise ImapProblem(f"Choose implicit TLS or STARTTLS for {host} in Settings → Email "
                          "account.", kind="protocol")
    if account.security == "plain" and not is_loopback(host):
        raise ImapProblem(
            f"Plain, unencrypted connections are only allowed to this computer; Next Steps did "
            f"not connect to {host}. Choose implicit TLS or STARTTLS.", kind="protocol")
    if not password:
        raise ImapProblem(
            f"Enter the password for {account.username.strip()} on {host}: none is stored "
            "for the mailbox.", kind="keyring")


def _start_tls(client: IMAPClient, host: str, context: ssl.SSLContext) -> None:
    if "STARTTLS" not in capabilities(client):
        raise ImapProblem(
            f"The mail server {host} does not offer STARTTLS, so Next Steps did not send your "
            "password over an unencrypted connection. Choose implicit TLS (usually port 993) "
            "or check the server settings.", kind="protocol")
    client.starttls(context)


def _login(client: IMAPClient, account: ImapAccount, password: str) -> None:
    host, username = account.host.strip(), account.username.strip()
    offered = capabilities(client)
    if "LOGINDISABLED" in offered:
        raise ImapProblem(
            f"The mail server {host} does not accept a password on an unencrypted connection, "
            "so Next Steps did not send it. Choose implicit TLS or STARTTLS.", kind="protocol")
    if username.isascii() and password.isascii():
        client.login(username, password)
    elif "AUTH=PLAIN" in offered:
        client.plain_login(username, password)
    else:
        raise ImapProblem(
            f"The mail server {host} accepts only user names and passwords in plain ASCII "
            "letters, digits and signs, so Next Steps did not log in. Check the user name and "
            f"password {_APP_PASSWORD_HINT}.", kind="login")


def _drop(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except Exception:  # the connection may be gone already
        log.debug("IMAP: the connection was already closed")


# -- what went wrong, as a sentence -------------------------------------------------------------


def _problem_from(exc: BaseException, account: ImapAccount, password: str,
                  timeout: float) -> ImapProblem:
    """The :class:`ImapProblem` describing ``exc`` (never quoting ``password``)."""
    if isinstance(exc, ImapProblem):
        return exc
    host, port, user = account.host.strip(), account.port, account.username.strip()
    if isinstance(exc, LoginError):
        return ImapProblem(
            f"The mail server {host} refused the login for {user}: check the user name and "
            f"password {_APP_PASSWORD_HINT}.", kind="login")
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "verification failed"
        return ImapProblem(
            f"The mail server's certificate for {host} is not trusted ({reason}), so Next "
            "Steps did not log in and sent nothing. Check the host name; if it is right, "
            "someone may be intercepting the connection.", kind="certificate")
    if isinstance(exc, ssl.SSLError):
        return ImapProblem(
            f"A secure connection to {host}:{port} could not be set up "
            f"({_detail(exc.reason or exc, password)}). Check that the security setting "
            "matches the port (implicit TLS usually 993, STARTTLS 143).", kind="protocol")
    return _network_problem(exc, account, password, timeout) or ImapProblem(
        f"Talking to the mail server {host} failed unexpectedly ({type(exc).__name__}).",
        kind="protocol")


def _network_problem(exc: BaseException, account: ImapAccount, password: str,
                     timeout: float) -> ImapProblem | None:
    host, port = account.host.strip(), account.port
    if isinstance(exc, socket.gaierror):
        return ImapProblem(
            f"Next Steps cannot find the mail server “{host}”. Check the host name in "
            "Settings → Email account and your internet connection.", kind="unreachable")
    if isinstance(exc, ConnectionRefusedError):
        return ImapProblem(
            f"The mail server {host} refused the connection on port {port}. Check the port "
            "and security settings (993 for implicit TLS, 143 for STARTTLS).",
            kind="unreachable")
    if isinstance(exc, TimeoutError):
        return ImapProblem(
            f"The mail server {host} did not answer within {timeout:g} seconds. Check the "
            "host and port, or try again later.", kind="timeout")
    if isinstance(exc, imaplib.IMAP4.abort | EOFError | ConnectionError):
        return ImapProblem(
            f"The connection to the mail server {host} broke off. Check the port and security "
            "settings, or try again later.", kind="unreachable")
    if isinstance(exc, imaplib.IMAP4.error):
        return ImapProblem(
            f"The mail server {host} answered in a way Next Steps did not expect "
            f"({_detail(exc, password)}). Check the settings, or try again later.",
            kind="protocol")
    if isinstance(exc, OSError):
        return ImapProblem(
            f"Next Steps could not reach the mail server {host}:{port} "
            f"({_detail(exc.strerror or exc, password)}). Check your internet connection and "
            "the host and port.", kind="unreachable")
    return None


def _detail(value: object, password: str) -> str:
    """A server's or the system's words made safe to show: one printable line, the
    password (should a server echo it) replaced."""
    text = str(value)
    if password:
        text = text.replace(password, "•••")
    return reply_text(text).rstrip(". ")


def _text(flag: bytes | str) -> str:
    return flag.decode("ascii", "replace") if isinstance(flag, bytes) else str(flag)
