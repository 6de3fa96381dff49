"""The mailbox watcher: a thread that reads new mail as it arrives, off the UI thread.

It connects, runs a pass (:func:`services.mail.imap.mail_pass.run_pass`), then
waits for new mail: with ``IDLE`` where the server offers it (RFC 2177: the
client must renew an IDLE at least every 29 minutes, or the server may drop
it; it is renewed after :data:`IDLE_RENEW_S`), otherwise by checking every
:data:`POLL_S`. After an error it waits longer each time (:data:`BACKOFF_S`)
and says so once per failing streak, not at every retry; it says when the
account works again. Waits are a ``select`` on a socket pair (a self-pipe that
:meth:`MailboxWatcher.stop` and :meth:`MailboxWatcher.check_now` write to), so they end at
once when asked; ``select`` timeouts are relative, so they also hold where the clocks are
shifted (``threading.Event.wait`` with a timeout waits on an absolute monotonic deadline,
which libfaketime, used by the any-hour test runs, turns into a wait of hours).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable

import peewee

from services.core.connection import thread_connection
from services.mail.account import KeyringProblem
from services.mail.imap.connection import ImapProblem, close_imap
from services.mail.imap.imap_account import ImapAccount
from services.mail.imap.mail_pass import PassSummary, run_pass
from services.mail.imap.sent_copy import append_pending

__all__ = ["BACKOFF_S", "IDLE_RENEW_S", "POLL_S", "MailboxWatcher", "in_process"]

log = logging.getLogger(__name__)

#: Renew an IDLE after this many seconds (below the 29 minutes RFC 2177 allows).
IDLE_RENEW_S = 25 * 60
#: Without IDLE, check this often.
POLL_S = 10 * 60
#: The waits after the 1st, 2nd, ... failure in a row; the last one repeats.
BACKOFF_S = (15, 60, 5 * 60, 15 * 60, 30 * 60)
#: How long one ``IDLE`` check blocks before looking at the stop and wake flags.
_IDLE_TICK_S = 1.0

#: What a dropped or broken connection raises in the IMAP client.
CONNECTION_ERRORS = (imaplib.IMAP4.error, OSError, socket.timeout, ssl.SSLError, EOFError)


def problem_sentence(exc: BaseException, host: str) -> str:
    """A sentence for an error that stopped a pass (never the error's own text, which
    may quote the conversation with the server)."""
    if isinstance(exc, ImapProblem | KeyringProblem):
        return exc.message
    if isinstance(exc, peewee.OperationalError):
        return ("Next Steps could not save the mail it read, because another program is "
                "using your data. It tries again shortly.")
    return (f"The connection to {host} broke off while Next Steps was reading your mail. "
            "It tries again shortly; nothing read so far is lost.")


class Bell:
    """A flag that a waiting thread can be woken by: :meth:`ring` sets it, :meth:`sleep`
    waits until it is set or the time is up."""

    def __init__(self) -> None:
        self._flag = threading.Event()
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)

    def ring(self) -> None:
        """Set the flag and wake a sleeper."""
        self._flag.set()
        with contextlib.suppress(OSError):  # full (a wake is pending anyway) or closed
            self._write.send(b"!")

    def is_set(self) -> bool:
        """True once rung, until :meth:`clear`."""
        return self._flag.is_set()

    def clear(self) -> None:
        """Unset the flag and forget pending wakes."""
        self._flag.clear()
        with contextlib.suppress(OSError):  # drained (BlockingIOError) or closed
            while self._read.recv(4096):
                continue

    def sleep(self, seconds: float) -> None:
        """Wait up to ``seconds`` unless the flag is or gets set."""
        if not self._flag.is_set():
            select.select([self._read], [], [], max(seconds, 0))

    def close(self) -> None:
        """Close the socket pair."""
        self._read.close()
        self._write.close()


def in_process(account: ImapAccount) -> Callable[[object], PassSummary]:
    """A pass on the calling thread with the watcher's ``client``: INBOX and the account's
    folders, then the pending Sent copies."""
    def run(client) -> PassSummary:
        result = run_pass(client, ("INBOX", *account.folders))
        copies = append_pending(client, account)
        return PassSummary(len(result.new_matches), copies.problem)
    return run


class MailboxWatcher:
    """Watch the mailbox on a thread of its own until :meth:`stop`.

    ``connect()`` returns a logged-in ``IMAPClient`` for ``account`` (or raises
    :class:`ImapProblem`). Each pass is ``run_pass(client)``, which returns a
    :class:`~services.mail.imap.mail_pass.PassSummary`: by default :func:`in_process`; the
    window passes a :class:`~services.mail.imap.pass_process.PassProcess`, which has
    ``cancel()``, called by :meth:`stop`. The callbacks run on the watcher's thread:
    ``on_pass(summary)`` after every pass that kept new messages,
    ``on_problem(sentence)`` once when the account stops working (and once for a
    Sent copy that could not be added), ``on_recovered()`` when it works again.
    """

    def __init__(self, account: ImapAccount, connect: Callable[[], object], *,
                 on_pass: Callable[[PassSummary], None],
                 on_problem: Callable[[str], None],
                 on_recovered: Callable[[], None] = lambda: None,
                 run_pass: Callable[[object], PassSummary] | None = None,
                 poll_s: float = POLL_S, idle_renew_s: float = IDLE_RENEW_S,
                 backoff_s: tuple[float, ...] = BACKOFF_S) -> None:
        self._account, self._connect = account, connect
        self._on_pass, self._on_problem, self._on_recovered = on_pass, on_problem, on_recovered
        self._poll_s, self._idle_renew_s, self._backoff_s = poll_s, idle_renew_s, backoff_s
        self._pass = run_pass if run_pass is not None else in_process(account)
        self._stop = threading.Event()
        self._wake = Bell()
        self._thread: threading.Thread | None = None
        self.failures = 0
        self.passes = 0

    # -- control ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start watching (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mailbox-watcher",
                                            daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching and wait up to ``timeout`` seconds for the thread to end."""
        self._stop.set()
        self._wake.ring()
        cancel = getattr(self._pass, "cancel", None)
        if cancel is not None:
            cancel()
        if self._thread is None:
            self._wake.close()
        else:
            self._thread.join(timeout)

    def check_now(self) -> None:
        """Run a pass as soon as possible (ends a wait or an IDLE)."""
        self._wake.ring()

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # -- the loop --------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            client = None
            try:
                with thread_connection():
                    client = self._connect()
                    self._serve(client)
            except (ImapProblem, KeyringProblem, peewee.OperationalError,
                    *CONNECTION_ERRORS) as exc:
                self._failed(exc)
            finally:
                if client is not None:
                    close_imap(client)
        self._wake.close()

    def _serve(self, client) -> None:
        """Pass, wait, pass again, until stopped or the connection fails."""
        idle = b"IDLE" in set(client.capabilities())
        while not self._stop.is_set():
            self._wake.clear()
            summary = self._pass(client)
            self.passes += 1
            if self.failures:
                self.failures = 0
                self._on_recovered()
            if summary.new:
                self._on_pass(summary)
            if summary.copy_problem:
                self._on_problem(summary.copy_problem)
            if idle:
                self._idle(client)
            else:
                self._wake.sleep(self._poll_s)
                client.noop()

    def _idle(self, client) -> None:
        """Wait in IDLE on INBOX (examined: read-only) until new mail, a wake, a stop, or
        the renewal time."""
        client.select_folder("INBOX", readonly=True)
        client.idle()
        renew_at = time.monotonic() + self._idle_renew_s
        try:
            while not self._stop.is_set() and not self._wake.is_set():
                responses = client.idle_check(timeout=min(_IDLE_TICK_S, self._idle_renew_s))
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    return
                if time.monotonic() >= renew_at:
                    return
        finally:
            client.idle_done()

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        sentence = problem_sentence(exc, self._account.host)
        log.warning("mailbox watcher: %s (%s)", type(exc).__name__, sentence)
        if self.failures == 1:
            self._on_problem(sentence)
        wait = self._backoff_s[min(self.failures, len(self._backoff_s)) - 1]
        self._wake.clear()
        if not self._stop.is_set():
            self._wake.sleep(wait)
