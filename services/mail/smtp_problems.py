"""What went wrong while talking to the mail server, as a sentence for the user.

:class:`ConnectionProblem` is the one exception connecting, securing, logging
in and sending raise; :func:`problem_from` turns any socket, TLS or SMTP
exception into one, through :data:`_SENTENCES` (one small function per kind of
failure); :func:`reply_text` makes a server's reply safe to show.
:mod:`services.mail.smtp` and :mod:`services.mail.delivery` call them; the
settings page and the tests catch :class:`ConnectionProblem`.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from typing import NamedTuple

from services.mail.account import Account

__all__ = ["ConnectionProblem", "problem_from", "reply_text"]


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


class _Server(NamedTuple):
    """What the sentences name: the server, the user name and the timeout in use."""

    host: str
    port: int
    username: str
    timeout: float


def problem_from(exc: BaseException, account: Account, timeout: float) -> ConnectionProblem:
    """The :class:`ConnectionProblem` (a sentence for the user) describing ``exc``."""
    if isinstance(exc, ConnectionProblem):
        return exc
    server = _Server(account.host.strip(), account.port, account.username, timeout)
    for matches, describe in _SENTENCES:
        if matches(exc):
            return describe(exc, server)
    return ConnectionProblem(
        f"Talking to the mail server {server.host} failed unexpectedly ({type(exc).__name__}).",
        kind="unexpected",
    )


def reply_text(raw: bytes | str) -> str:
    """A server reply made safe to show: decoded, one line, printable, at most 200 characters."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    text = "".join(char if char.isprintable() else " " for char in text)
    text = " ".join(text.split())
    return text[:200] or "no explanation"


# -- which failure it was -----------------------------------------------------------------------


def _of(*types: type[BaseException]) -> Callable[[BaseException], bool]:
    return lambda exc: isinstance(exc, types)


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected)
        and isinstance(exc.__context__, TimeoutError)
    )


def _offers_no_login(exc: BaseException) -> bool:
    return isinstance(exc, smtplib.SMTPNotSupportedError) or (
        type(exc) is smtplib.SMTPException and "authentication method" in str(exc)
    )


# -- the sentences ------------------------------------------------------------------------------


def _unresolved(_exc: BaseException, server: _Server) -> ConnectionProblem:
    return ConnectionProblem(
        f"Next Steps cannot find the mail server “{server.host}”. Check the host name in "
        "Settings → Email account and your internet connection.",
        kind="resolve",
    )


def _untrusted(exc: ssl.SSLCertVerificationError, server: _Server) -> ConnectionProblem:
    reason = exc.verify_message or "verification failed"
    return ConnectionProblem(
        f"The mail server's certificate for {server.host} is not trusted ({reason}), so Next "
        "Steps did not log in or send anything. Check the host name; if it is right, someone "
        "may be intercepting the connection.",
        kind="certificate",
    )


def _no_tls(exc: ssl.SSLError, server: _Server) -> ConnectionProblem:
    return ConnectionProblem(
        f"A secure connection to {server.host}:{server.port} could not be set up "
        f"({exc.reason or exc}). Check that the security setting matches the port (STARTTLS "
        "usually 587, implicit TLS 465).",
        kind="tls",
    )


def _refused(_exc: BaseException, server: _Server) -> ConnectionProblem:
    return ConnectionProblem(
        f"The mail server {server.host} refused the connection on port {server.port}. Check "
        "the port and security settings (587 for STARTTLS, 465 for implicit TLS).",
        kind="refused",
    )


def _silent(_exc: BaseException, server: _Server) -> ConnectionProblem:
    return ConnectionProblem(
        f"The mail server {server.host} did not answer within {server.timeout:g} seconds. "
        "Check the host and port, or try again later.",
        kind="timeout",
    )


def _login_refused(exc: smtplib.SMTPAuthenticationError, server: _Server) -> ConnectionProblem:
    if exc.smtp_code == 535:
        return ConnectionProblem(
            f"The mail server rejected the user name or password for {server.username}. "
            "Check them in Settings → Email account; some providers need an app password.",
            kind="auth_failed", code=535,
        )
    return ConnectionProblem(
        f"The mail server refused the login (reply {exc.smtp_code}: "
        f"{reply_text(exc.smtp_error)}). Check your account settings.",
        kind="auth_failed", code=exc.smtp_code, retryable=400 <= exc.smtp_code < 500,
    )


def _no_login(_exc: BaseException, server: _Server) -> ConnectionProblem:
    return ConnectionProblem(
        f"The mail server {server.host} does not offer a way to log in that Next Steps "
        "supports on this connection. Check the port and security settings.",
        kind="no_auth",
    )


def _rejected(exc: smtplib.SMTPResponseException, server: _Server) -> ConnectionProblem:
    code = exc.smtp_code
    return ConnectionProblem(
        f"The mail server {server.host} answered {code} ({reply_text(exc.smtp_error)})"
        + (". This is temporary; try again later." if 400 <= code < 500 else "."),
        kind="rejected", code=code, retryable=400 <= code < 500,
    )


def _dropped(_exc: BaseException, server: _Server) -> ConnectionProblem:
    return ConnectionProblem(
        f"The mail server {server.host} closed the connection unexpectedly. Try again later.",
        kind="disconnected", retryable=True,
    )


def _unreachable(exc: OSError, server: _Server) -> ConnectionProblem:
    reason = exc.strerror or type(exc).__name__
    return ConnectionProblem(
        f"Next Steps could not reach the mail server {server.host}:{server.port} ({reason}). "
        "Check your internet connection and the account settings.",
        kind="network",
    )


#: Which sentence describes an exception: the first entry that matches wins, so the
#: particular kinds come before the general ones (SSL and SMTP errors are OSErrors too).
_SENTENCES: tuple[tuple[Callable[[BaseException], bool],
                        Callable[[BaseException, _Server], ConnectionProblem]], ...] = (
    (_of(socket.gaierror), _unresolved),
    (_of(ssl.SSLCertVerificationError), _untrusted),
    (_of(ssl.SSLError), _no_tls),
    (_of(ConnectionRefusedError), _refused),
    (_timed_out, _silent),
    (_of(smtplib.SMTPAuthenticationError), _login_refused),
    (_offers_no_login, _no_login),
    (_of(smtplib.SMTPResponseException), _rejected),
    (_of(smtplib.SMTPServerDisconnected, ConnectionError), _dropped),
    (_of(OSError), _unreachable),
)
