"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 with trustme certificates and faults.

Use it from a test module by importing the fixtures (pytest finds them by their
``name=``)::

    from tests.support.smtp_server import (  # noqa: F401
        mail_server_fixture, make_mail_server_fixture)

    def test_something(mail_server):   # STARTTLS required, AUTH required after TLS
        ...
        assert len(mail_server.messages) == 1

``make_mail_server(mode=..., untrusted=...)`` gives other variants (implicit TLS,
no STARTTLS, plain, an untrusted certificate; ``mechanisms=("LOGIN",)`` or
``("PLAIN", "LOGIN")`` to offer AUTH LOGIN); ``silent_server`` accepts TCP and
never says a word. Faults are switched on per server with
``server.fail(fault, times=1)``; see :data:`FAULTS`.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller

USER = "zoe@example.com"
PASSWORD = "correct-horse-battery"
HOST = "127.0.0.1"

#: The faults a server can be told to produce, and what they do.
FAULTS = {
    "drop_after_data": "store the message, then close the connection without replying",
    "drop_before_data": "close the connection when RCPT arrives (before DATA)",
    "hang_after_data": "store the message, then never reply (the client times out)",
    "hang_rcpt": "never reply to RCPT (before DATA; the client times out)",
    "451_rcpt": "reply 451 to RCPT",
    "451_data": "reply 451 to the message data (not stored)",
    "552_data": "reply 552 to the message data (not stored)",
}

# aiosmtpd logs every command at INFO/DEBUG (AUTH lines included, though sanitised);
# the app's own log files are checked for secrets, so keep the test server quiet.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    """One message the server accepted (or stored before dropping the connection)."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed as a mail client would."""
        return BytesParser(policy=policy.default).parsebytes(self.data)


@dataclass
class _Handler:
    """aiosmtpd hooks: AUTH PLAIN (and LOGIN) checked here, messages stored, faults produced."""

    server: MailServer

    async def handle_AUTH(self, server, session, envelope, args):
        # Our own AUTH PLAIN and LOGIN: aiosmtpd's built-in path sets the deprecated
        # Session.login_data on every success, which warns (and warnings fail tests).
        mechanism = args[0].upper()
        self.server.auth_mechanisms.append(mechanism)
        if mechanism == "LOGIN" and "LOGIN" in self.server.mechanisms and len(args) == 1:
            login = await server.challenge_auth("Username:")
            password = (await server.challenge_auth("Password:")
                        if isinstance(login, bytes) else None)
            if not isinstance(login, bytes) or not isinstance(password, bytes):
                return None  # challenge_auth has answered already (aborted or not Base64)
        elif mechanism != "PLAIN" or "PLAIN" not in self.server.mechanisms or len(args) != 2:
            return "504 5.5.4 Unrecognized authentication type"
        else:
            try:
                _authzid, login, password = base64.b64decode(args[1], validate=True).split(b"\0")
            except ValueError:
                return "501 5.5.2 Cannot decode the response"
        login_text = login.decode("utf-8", "replace")
        ok = login_text == self.server.user and password == self.server.password.encode()
        self.server.auth_attempts.append((login_text, ok))
        if not ok:
            return "535 5.7.8 Authentication credentials invalid"
        session.authenticated = True
        return "235 2.7.0 Authentication successful"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not session.authenticated:  # the modes where aiosmtpd itself does not require AUTH
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.server.rcpt_commands += 1
        if self.server._take("drop_before_data"):
            await _drop(server)
        if self.server._take("hang_rcpt"):
            await asyncio.sleep(3600)  # cancelled when the client gives up and disconnects
        if self.server._take("451_rcpt"):
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.server.data_received += 1
        if self.server._take("451_data"):
            return "451 4.3.0 Temporary local problem, try again later"
        if self.server._take("552_data"):
            return "552 5.3.4 Message size exceeds fixed maximum message size"
        self.server.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        if self.server._take("drop_after_data"):
            await _drop(server)
        if self.server._take("hang_after_data"):
            await asyncio.sleep(3600)  # cancelled when the client gives up and disconnects
        return "250 2.0.0 OK: queued"


async def _drop(server) -> None:
    """Cut the connection without a reply; connection_lost() then cancels this coroutine."""
    server.transport.abort()
    await asyncio.sleep(3600)


@dataclass
class MailServer:
    """An aiosmtpd server on 127.0.0.1 with its own CA.

    ``mode``: ``starttls`` (STARTTLS required, AUTH only after TLS), ``tls``
    (implicit TLS, port-465 style), ``no_starttls`` (plain, offers AUTH but no
    STARTTLS) or ``plain`` (no TLS at all, for localhost-only plain security).
    ``untrusted=True`` serves a certificate from a second CA that
    :meth:`client_context` does not trust.
    """

    mode: str = "starttls"
    untrusted: bool = False
    user: str = USER
    password: str = PASSWORD
    mechanisms: tuple[str, ...] = ("PLAIN",)
    messages: list[Received] = field(default_factory=list)
    auth_attempts: list[tuple[str, bool]] = field(default_factory=list)
    auth_mechanisms: list[str] = field(default_factory=list)
    rcpt_commands: int = 0
    data_received: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    port: int = 0
    host: str = HOST

    def __post_init__(self) -> None:
        self.ca = trustme.CA()
        issuer = trustme.CA() if self.untrusted else self.ca
        self._cert = issuer.issue_cert("localhost", "127.0.0.1")
        self._controller: Controller | None = None
        self._lock = threading.Lock()

    # -- faults ------------------------------------------------------------------------------
    def fail(self, fault: str, times: int = 1) -> None:
        """Produce ``fault`` (see :data:`FAULTS`) for the next ``times`` occasions (-1: always)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        self.faults[fault] = times

    def _take(self, fault: str) -> bool:
        with self._lock:
            left = self.faults.get(fault, 0)
            if left == 0:
                return False
            if left > 0:
                self.faults[fault] = left - 1
            return True

    # -- TLS ---------------------------------------------------------------------------------
    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this server's (trusted) CA."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def write_cafile(self, path: Path) -> Path:
        """Write the trusted CA certificate to ``path`` (for a child process)."""
        self.ca.cert_pem.write_to_path(str(path))
        return path

    def _server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        return context

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> MailServer:
        """Start listening on a free port of 127.0.0.1."""
        # Only the given mechanisms are offered (checked by _Handler.handle_AUTH); PLAIN
        # alone unless a test asks for LOGIN. aiosmtpd warns about
        # auth_required without auth_require_tls, so the modes without STARTTLS leave
        # auth_required off and _Handler.handle_MAIL refuses unauthenticated senders.
        # server_hostname: the greeting names localhost (aiosmtpd would look up getfqdn()).
        excluded = [name for name in ("PLAIN", "LOGIN") if name not in self.mechanisms]
        options: dict = {"auth_exclude_mechanism": excluded, "server_hostname": "localhost"}
        if self.mode == "starttls":
            options.update(
                tls_context=self._server_context(),
                require_starttls=True,
                auth_required=True,
                auth_require_tls=True,
            )
        else:
            options.update(auth_required=False, auth_require_tls=False)
        if self.mode == "tls":
            options.update(ssl_context=self._server_context())
        self.port = free_port()
        self._controller = Controller(_Handler(self), hostname=HOST, port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop the server and its thread."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte (a hung mail server)."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((HOST, 0))
        self._listener.listen(8)
        self._listener.settimeout(0.05)
        self.host = HOST
        self.port = self._listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(connection)

    def stop(self) -> None:
        """Close every connection and the listening socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self.connections:
            connection.close()
        self._listener.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(name="mail_server")
def mail_server_fixture():
    """A started STARTTLS server (AUTH required after TLS), stopped after the test."""
    with MailServer() as server:
        yield server


@pytest.fixture(name="make_mail_server")
def make_mail_server_fixture():
    """A factory ``make_mail_server(mode=..., untrusted=...)``; every server is stopped after."""
    servers: list[MailServer] = []

    def make(**options) -> MailServer:
        server = MailServer(**options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(name="silent_server")
def silent_server_fixture():
    """A TCP server that accepts and never greets, closed after the test."""
    server = SilentServer()
    yield server
    server.stop()


# -- helpers for tests that send through these servers ------------------------------------------


def account_for(server, **changes):
    """The :class:`services.mail.account.Account` that reaches ``server`` as :data:`USER`."""
    from services.mail.account import Account

    security = {"starttls": "starttls", "no_starttls": "starttls", "tls": "tls"}.get(
        getattr(server, "mode", "starttls"), "plain"
    )
    return Account(
        sender_name="Zoé Durand",
        sender_address=USER,
        host=server.host,
        port=server.port,
        security=security,
        username=USER,
    )._replace(**changes)


def make_emails(
    recipients: list[tuple[str, str]],
    *,
    subject: str = "Thank you for the interview",
    body: str = "Dear {name},\n\nThank you for your time today.\n\nBest regards,\nZoé",
    company: str = "Acme",
) -> list[int]:
    """One draft per ``(name, address)`` on a new application and round; their ids."""
    from models.application import Application
    from models.email import Email
    from models.interview import Interviewer, InterviewRound

    application = Application.create(company=company, role="Data engineer")
    round_ = InterviewRound.create(application=application, title="Panel interview")
    ids = []
    for position, (name, address) in enumerate(recipients):
        interviewer = Interviewer.create(round=round_, name=name, email=address,
                                         position=position)
        email = Email.create(
            application=application, round=round_, interviewer=interviewer,
            template_key="thank_you", to_name=name, to_address=address,
            subject=subject, body=body.format(name=name),
        )
        ids.append(email.id)
    return ids
