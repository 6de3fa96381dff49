"""Connecting and logging in to the user's SMTP server, every failure told as a sentence.

Certificates are always verified (``ssl.create_default_context()``; tests may
pass a context that trusts their own CA through ``tls_context=``, never an
unverified one), ``EHLO`` is repeated after ``STARTTLS``, the password is never
sent before TLS is up (except ``plain`` security, which validation allows only
to localhost), and every step has a timeout. Logging in goes through
:mod:`services.mail.smtp_auth` (UTF-8 user names and passwords). ``on_step``
callbacks hear each :class:`Step` (connecting, securing, logging in) as it begins.
Every failure is a :class:`services.mail.smtp_problems.ConnectionProblem`.

The settings page calls :func:`test_connection`; :mod:`services.mail.delivery`
calls :func:`open_session` and :func:`close_session`.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from services.mail.account import Account
from services.mail.smtp_auth import login
from services.mail.smtp_problems import ConnectionProblem, problem_from

__all__ = ["Step", "close_session", "open_session", "test_connection"]

#: What this computer calls itself in EHLO: an address literal, so the local host
#: name is neither looked up (slow without DNS) nor revealed to the server.
LOCAL_HOSTNAME = "[127.0.0.1]"


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
