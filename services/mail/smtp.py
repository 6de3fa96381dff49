"""Connecting and logging in to the user's SMTP server, every failure told as a sentence.

Certificates are always verified (``ssl.create_default_context()``; tests may
pass a context that trusts their own CA through ``tls_context=``, never an
unverified one), ``EHLO`` is repeated after ``STARTTLS``, the password is never
sent before TLS is up (except ``plain`` security, which validation allows only
to localhost), and every step has a timeout. Logging in goes through
:mod:`services.mail.smtp_auth` (UTF-8 user names and passwords). ``on_step``
callbacks hear each :class:`Step` (connecting, securing, logging in) as it begins.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from services.mail.account import Account

__all__ = ["ConnectionProblem", "Step", "open_session", "problem_from", "test_connection"]

#: What this computer calls itself in EHLO: an address literal, so the local host
#: name is neither looked up (slow without DNS) nor revealed to the server.
LOCAL_HOSTNAME = "[127.0.0.1]"


class ConnectionProblem(Exception):
    """Connecting, securing or logging in failed; ``message`` says what happened and what to do.

    ``kind`` names the failure (``resolve``, ``refused``, ``timeout``, ``certificate``,
    ``tls``, ``no_starttls``, ``auth_failed``, ``no_auth``, ``disconnected``, ``network``,
    ``greeting``, ``rejected``, ``no_password``);
    ``retryable`` is True for temporary failures worth another attempt; ``code``
    is the server's reply code when there was one.
    """

    def __init__(
        self, message: str, *, kind: str, retryable: bool = False, code: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.retryable = retryable
        self.code = code


class Step(NamedTuple):
    """A stage of talking to the mail server, as it begins: ``key`` is one of
    ``connecting``, ``securing``, ``logging_in``, ``sending`` and ``retrying``;
    ``text`` says it as a short sentence."""

    key: str
    text: str


class _DataPhase:
    """Remembers whether the message content may have reached the server.

    ``data_phase`` is ``"command"`` once ``DATA`` was sent, ``"content"`` once
    the server answered 354, and ``"delivered"`` once the whole message, with
    its final dot, went out: only from then on may the server have taken it, so
    only then does a lost connection leave the delivery uncertain.
    """

    data_phase = ""

    def data(self, msg):
        """Send the message (see :meth:`smtplib.SMTP.data`), tracking the phase."""
        self.data_phase = "command"
        return super().data(msg)

    def send(self, s):
        """Send raw bytes (see :meth:`smtplib.SMTP.send`); notes when the content went out."""
        super().send(s)
        if self.data_phase == "content":
            self.data_phase = "delivered"

    def getreply(self):
        """Read a reply (see :meth:`smtplib.SMTP.getreply`), noting the 354 to DATA."""
        code, text = super().getreply()
        if self.data_phase == "command" and code == 354:
            self.data_phase = "content"
        return code, text


class Session(_DataPhase, smtplib.SMTP):
    """A plain or STARTTLS SMTP connection that tracks the DATA phase."""


class TLSSession(_DataPhase, smtplib.SMTP_SSL):
    """An implicit-TLS (port 465) SMTP connection that tracks the DATA phase."""


def test_connection(
    account: Account,
    password: str | None,
    timeout: float = 10,
    *,
    tls_context: ssl.SSLContext | None = None,
) -> None:
    """Connect, secure the connection, log in and say goodbye.

    Returns None when all of it worked; raises :class:`ConnectionProblem` with a
    sentence otherwise. Nothing is sent.
    """
    session = open_session(account, password, timeout=timeout, tls_context=tls_context)
    close_session(session)


def _no_step(_step: Step) -> None:
    """The default ``on_step``: nobody listens."""


# Not a test, although its name says so: keep pytest from collecting it where it is imported.
test_connection.__test__ = False  # type: ignore[attr-defined]


def open_session(
    account: Account,
    password: str | None,
    *,
    timeout: float = 20,
    tls_context: ssl.SSLContext | None = None,
    on_step: Callable[[Step], None] = _no_step,
) -> smtplib.SMTP:
    """A connected, secured and logged-in SMTP session for ``account``.

    Raises :class:`ConnectionProblem`; the socket is closed on any failure.
    ``on_step`` hears each :class:`Step` as it begins (on the calling thread).
    """
    from services.mail.smtp_auth import login

    username = account.username.strip()
    if username and not password:
        raise ConnectionProblem(
            f"Enter the password for {username}: none is stored for this account.",
            kind="no_password",
        )
    context = tls_context if tls_context is not None else ssl.create_default_context()
    if account.security == "tls":
        session: smtplib.SMTP = TLSSession(
            local_hostname=LOCAL_HOSTNAME, timeout=timeout, context=context
        )
    else:
        session = Session(local_hostname=LOCAL_HOSTNAME, timeout=timeout)
    host = account.host.strip()
    # smtplib takes the name to verify the certificate against from the constructor only
    # (it connects there when given a host); connecting separately keeps the close below.
    session._host = host
    try:
        with translated(account, timeout):
            on_step(Step("connecting", f"Connecting to {host}…"))
            code, _reply = session.connect(host, account.port)
            if code != 220:
                raise ConnectionProblem(
                    f"The server at {host}:{account.port} did not greet like a mail server "
                    f"(reply {code}). Check the host and port.",
                    kind="greeting", code=code, retryable=400 <= code < 500,
                )
            session.ehlo()
            if account.security == "starttls":
                on_step(Step("securing", f"Securing the connection to {host}…"))
                _start_tls(session, account, context)
            if username:
                if not session.has_extn("auth"):
                    raise ConnectionProblem(
                        f"The mail server {host} does not offer logging in (AUTH) on this "
                        "connection. Check the port and security settings.",
                        kind="no_auth",
                    )
                on_step(Step("logging_in", f"Logging in as {username}…"))
                login(session, username, password)
    except BaseException:
        session.close()
        raise
    return session


def _start_tls(session: smtplib.SMTP, account: Account, context: ssl.SSLContext) -> None:
    host = account.host.strip()
    if not session.has_extn("starttls"):
        raise ConnectionProblem(
            f"The mail server {host} does not offer STARTTLS, so Next Steps did not send your "
            "password over an unencrypted connection. Choose implicit TLS (port 465) or check "
            "the server settings.",
            kind="no_starttls",
        )
    code, _reply = session.starttls(context=context)
    if code != 220:
        raise ConnectionProblem(
            f"The mail server {host} refused to start TLS (reply {code}), so Next Steps did "
            "not send your password. Try again later or check the security setting.",
            kind="no_starttls", code=code, retryable=400 <= code < 500,
        )
    session.ehlo()


def close_session(session: smtplib.SMTP) -> None:
    """Say QUIT if the server still listens, and close the socket in any case."""
    try:
        session.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        session.close()


@contextmanager
def translated(account: Account, timeout: float) -> Iterator[None]:
    """Turn socket, TLS and SMTP exceptions raised inside into :class:`ConnectionProblem`."""
    try:
        yield
    except ConnectionProblem:
        raise
    except Exception as exc:
        raise problem_from(exc, account, timeout) from None


def problem_from(exc: BaseException, account: Account, timeout: float) -> ConnectionProblem:
    """The :class:`ConnectionProblem` (a sentence for the user) describing ``exc``."""
    host, port = account.host.strip(), account.port
    if isinstance(exc, ConnectionProblem):
        return exc
    if isinstance(exc, socket.gaierror):
        return ConnectionProblem(
            f"Next Steps cannot find the mail server “{host}”. Check the host name in "
            "Settings → Email account and your internet connection.",
            kind="resolve",
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "verification failed"
        return ConnectionProblem(
            f"The mail server's certificate for {host} is not trusted ({reason}), so Next Steps "
            "did not log in or send anything. Check the host name; if it is right, someone may "
            "be intercepting the connection.",
            kind="certificate",
        )
    if isinstance(exc, ssl.SSLError):
        return ConnectionProblem(
            f"A secure connection to {host}:{port} could not be set up ({exc.reason or exc}). "
            "Check that the security setting matches the port (STARTTLS usually 587, implicit "
            "TLS 465).",
            kind="tls",
        )
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionProblem(
            f"The mail server {host} refused the connection on port {port}. Check the port and "
            "security settings (587 for STARTTLS, 465 for implicit TLS).",
            kind="refused",
        )
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected)
        and isinstance(exc.__context__, TimeoutError)
    ):
        return ConnectionProblem(
            f"The mail server {host} did not answer within {timeout:g} seconds. Check the host "
            "and port, or try again later.",
            kind="timeout",
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        if exc.smtp_code == 535:
            return ConnectionProblem(
                f"The mail server rejected the user name or password for {account.username}. "
                "Check them in Settings → Email account; some providers need an app password.",
                kind="auth_failed", code=535,
            )
        return ConnectionProblem(
            f"The mail server refused the login (reply {exc.smtp_code}: "
            f"{reply_text(exc.smtp_error)}). Check your account settings.",
            kind="auth_failed", code=exc.smtp_code, retryable=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) or (
        type(exc) is smtplib.SMTPException and "authentication method" in str(exc)
    ):
        return ConnectionProblem(
            f"The mail server {host} does not offer a way to log in that Next Steps supports "
            "on this connection. Check the port and security settings.",
            kind="no_auth",
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return ConnectionProblem(
            f"The mail server {host} answered {code} ({reply_text(exc.smtp_error)})"
            + (". This is temporary; try again later." if 400 <= code < 500 else "."),
            kind="rejected", code=code, retryable=400 <= code < 500,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):
        return ConnectionProblem(
            f"The mail server {host} closed the connection unexpectedly. Try again later.",
            kind="disconnected", retryable=True,
        )
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return ConnectionProblem(
            f"Next Steps could not reach the mail server {host}:{port} ({reason}). Check your "
            "internet connection and the account settings.",
            kind="network",
        )
    return ConnectionProblem(
        f"Talking to the mail server {host} failed unexpectedly ({type(exc).__name__}).",
        kind="unexpected",
    )


def reply_text(raw: bytes | str) -> str:
    """A server reply made safe to show: decoded, one line, printable, at most 200 characters."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    text = "".join(char if char.isprintable() else " " for char in text)
    text = " ".join(text.split())
    return text[:200] or "no explanation"
