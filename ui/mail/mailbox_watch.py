"""The window's side of the mailbox watcher: start it, restart it, stop it, and show what it found.

:class:`MailboxWatch` belongs to the main window (``window.mailbox_watch``). The
start-up (:class:`ui.shell.app.Startup`) calls :meth:`MailboxWatch.start` once
reminders run; nothing else does, so tests build windows without a watcher unless
a test starts one. It runs a :class:`services.mail.imap.watcher.MailboxWatcher`
when a mailbox is saved, ``imap.watch`` is on and the keyring holds its password,
and restarts it when Settings → Email account saves either account
(:meth:`MailboxWatch.account_changed`).

The watcher's callbacks run on its own thread; they reach the UI thread as queued
signals, each tagged with the watcher it came from, so a watcher being replaced
cannot speak for the new one. After a pass that kept messages, the window's
``refresh_messages()`` runs (where the window has it), then one notification per
message not yet announced (:func:`services.mail.inbox.actions.pending_notifications`),
each recorded at once so it is never shown again. A problem is said once (the
watcher says it once per failing streak): in the status bar and as a notification;
recovery is a short status message.
"""

from __future__ import annotations

import logging
import ssl

from PySide6.QtCore import QObject, Qt, Signal

from services.core import settings
from services.core.connection import database
from services.mail.account import KeyringProblem
from services.mail.imap.connection import ImapProblem, open_imap
from services.mail.imap.imap_account import ImapAccount, imap_password, load_imap_account
from services.mail.imap.pass_process import PassProcess
from services.mail.imap.watcher import (
    BACKOFF_S,
    CONNECTION_ERRORS,
    IDLE_RENEW_S,
    POLL_S,
    MailboxWatcher,
    problem_sentence,
)
from services.mail.inbox.actions import mark_notified, notification_text, pending_notifications
from services.mail.sender import thread_connection
from ui.mail.keyring_calls import call_keyring
from ui.mail.mail_notices import MailNotices
from ui.shell.tasks import run_in_background

__all__ = ["PROBLEM_TITLE", "MailboxWatch"]

log = logging.getLogger(__name__)

PROBLEM_TITLE = "Next Steps cannot read your mail"
#: How long the status bar shows that the mailbox works again, or that a check found nothing.
SHORT_MS = 10_000


class _Bridge(QObject):
    """Lives on the UI thread; the watcher's thread emits, the UI thread receives."""

    passed = Signal(int, object)
    problem = Signal(int, str, bool)
    recovered = Signal(int)


class MailboxWatch(QObject):
    """Runs the mailbox watcher for ``window`` and shows what it finds (see the module).

    ``ca_file``, ``timeout``, ``poll_s``, ``idle_renew_s`` and ``backoff_s`` exist for
    tests (a certificate authority to trust besides the system's, short waits); ``notices``
    replaces the desktop notifications (:class:`ui.mail.mail_notices.MailNotices`).
    """

    #: The text of each notification shown: "Lumen Analytics replied: interview invitation".
    notified = Signal(str)
    #: Emitted after the messages of a pass were refreshed and announced.
    pass_shown = Signal()
    #: Emitted with each problem sentence as it is said.
    problem_said = Signal(str)

    def __init__(self, window, *, ca_file: str | None = None,
                 timeout: float = 30.0, poll_s: float = POLL_S,
                 idle_renew_s: float = IDLE_RENEW_S, backoff_s: tuple[float, ...] = BACKOFF_S,
                 notices: MailNotices | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._tls_context = ssl.create_default_context(cafile=ca_file) if ca_file else None
        # The pass process trusts the same authority (Python's ssl reads SSL_CERT_FILE).
        self._pass_env = {"SSL_CERT_FILE": ca_file} if ca_file else {}
        self._timeout = timeout
        self._waits = {"poll_s": poll_s, "idle_renew_s": idle_renew_s, "backoff_s": backoff_s}
        self.notices = notices if notices is not None else MailNotices(window, self)
        self.enabled = False
        self.account: ImapAccount | None = None
        self.watcher: MailboxWatcher | None = None
        self._generation = 0
        self._checking = False
        self._saying_problem = False
        self._bridge = _Bridge(self)
        queued = Qt.ConnectionType.QueuedConnection
        self._bridge.passed.connect(self._passed, queued)
        self._bridge.problem.connect(self._problem, queued)
        self._bridge.recovered.connect(self._recovered, queued)

    # -- life ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Watch from now on (the start-up calls this; tests call it when they want a
        watcher)."""
        self.enabled = True
        self.account_changed()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop watching; wait up to ``timeout`` seconds for the watcher's thread to end."""
        self.enabled = False
        self._stop_watcher(timeout)
        self.notices.shutdown()
        self._update_action()

    def account_changed(self, *_args) -> None:
        """The accounts or ``imap.watch`` changed (Settings → Email account saved): start
        the watcher again with what is saved now."""
        self._stop_watcher(0.5)
        if self._saying_problem:  # about the account as it was
            self._status("", 0)
        self.account = load_imap_account()
        self._update_action()
        if not self.enabled or self.account is None or not settings.get("imap.watch"):
            return
        account, generation = self.account, self._generation
        call_keyring(f"mailbox-watch-{id(self)}-{generation}",
                     lambda: _password_missing(account),
                     lambda missing: self._password_checked(generation, missing),
                     lambda exc: self._password_checked(generation, ""), owner=self)

    @property
    def can_check(self) -> bool:
        """True when "Check mail now" has a mailbox to check."""
        return self.enabled and self.account is not None

    @property
    def running(self) -> bool:
        """True while a watcher's thread runs."""
        return self.watcher is not None and self.watcher.running

    def check_now(self) -> None:
        """Read new mail now: the watcher's next pass at once, or one pass on a worker when
        the mailbox is not watched."""
        if not self.can_check:
            return
        if self.watcher is not None:
            self.watcher.check_now()
            self._status("Checking your mail…", SHORT_MS)
        elif not self._checking:
            self._check_once(self.account)

    # -- the watcher ----------------------------------------------------------------------------
    def _password_checked(self, generation: int, missing: str) -> None:
        if generation != self._generation or not self.enabled or self.account is None:
            return
        if missing:
            log.info("mailbox not watched: no password")
            self._status(f"Your mailbox is not watched for replies. {missing}", 0, problem=True)
            return
        self._start_watcher(self.account, generation)

    def _start_watcher(self, account: ImapAccount, generation: int) -> None:
        bridge = self._bridge
        watcher = MailboxWatcher(
            account, lambda: self._connect(account), run_pass=self._pass_process(),
            on_pass=lambda summary: _emit(bridge.passed, generation, summary),
            on_problem=lambda sentence: _emit(bridge.problem, generation, sentence,
                                              watcher.failures > 0),
            on_recovered=lambda: _emit(bridge.recovered, generation),
            **self._waits)
        self.watcher = watcher
        watcher.start()
        log.info("watching the mailbox %s:%s", account.host, account.port)

    def _stop_watcher(self, timeout: float) -> None:
        self._generation += 1
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop(timeout)

    def _connect(self, account: ImapAccount):
        """On the watcher's thread: a connection of its own to the data (kept while the thread
        runs), the password from the keyring, and a logged-in client."""
        open_thread_connection()
        try:
            password = imap_password(account)
        except KeyringProblem as problem:
            raise ImapProblem(problem.message, kind="keyring") from None
        return open_imap(account, password, tls_context=self._tls_context,
                         timeout=self._timeout)

    def _pass_process(self) -> PassProcess:
        """The runner of each pass: a child process (see services.mail.imap.pass_process)."""
        return PassProcess(self.window.paths.root, env=self._pass_env)

    def _check_once(self, account: ImapAccount) -> None:
        """One pass in a child process, waited for on a worker (the mailbox is saved but not
        watched)."""
        self._checking = True
        generation = self._generation
        self._status("Checking your mail…", SHORT_MS)
        run = self._pass_process()

        def done(summary) -> None:
            self._checking = False
            self._passed(generation, summary)
            if summary.copy_problem:
                self._problem(generation, summary.copy_problem, False)

        def failed(exc: BaseException) -> None:
            self._checking = False
            if not isinstance(exc, ImapProblem | KeyringProblem | CONNECTION_ERRORS):
                log.error("checking the mail failed unexpectedly", exc_info=exc)
            self._problem(generation, problem_sentence(exc, account.host), True)

        run_in_background(run, done, failed)

    # -- what the watcher found -----------------------------------------------------------------
    def _passed(self, generation: int, summary) -> None:
        if generation != self._generation:
            return
        if summary.new and hasattr(self.window, "refresh_messages"):
            self.window.refresh_messages()
        views = pending_notifications()
        for view in views:
            text = notification_text(view)
            self.notices.say(text, view.subject)
            self.notified.emit(text)
        if views:
            mark_notified([view.uid for view in views])
        elif self.watcher is None:
            self._status("No new replies about your applications.", SHORT_MS)
        self.pass_shown.emit()

    def _problem(self, generation: int, sentence: str, reading: bool) -> None:
        if generation != self._generation:
            return
        title = PROBLEM_TITLE if reading else "Next Steps and your mailbox"
        self._status(f"{title}: {sentence}" if reading else sentence, 0, problem=True)
        self.notices.say(title, sentence)
        self.problem_said.emit(sentence)

    def _recovered(self, generation: int) -> None:
        if generation == self._generation:
            self._status("Next Steps can read your mail again.", SHORT_MS)

    # -- the window ------------------------------------------------------------------------------
    def _status(self, text: str, timeout_ms: int, *, problem: bool = False) -> None:
        """Say ``text`` in the status bar (0 ms: until something else is said)."""
        self._saying_problem = problem
        try:
            bar = self.window.statusBar()
        except RuntimeError:  # the window is gone (a check ended while the app quit)
            return
        if text:
            bar.showMessage(text, timeout_ms)
        else:
            bar.clearMessage()

    def _update_action(self) -> None:
        action = getattr(self.window, "check_mail_action", None)
        try:
            if action is not None:
                action.setEnabled(self.can_check)
        except RuntimeError:  # the menus are gone (the app is quitting)
            log.debug("no menu to update")


def _emit(signal, *values) -> None:
    """Emit from the watcher's thread; nobody to tell once the window is gone."""
    try:
        signal.emit(*values)
    except RuntimeError:
        log.debug("mailbox watcher: the window is gone")


def _password_missing(account: ImapAccount) -> str:
    """On a worker: "" when the keyring holds the mailbox's password (or cannot say now:
    the watcher tries, and says so once), else the sentence why not."""
    with thread_connection():  # a shared password needs the SMTP account's settings
        try:
            imap_password(account)
        except KeyringProblem as problem:
            return problem.message if problem.kind == "missing" else ""
    return ""


def open_thread_connection() -> None:
    """Open this thread's own connection to the data, unless it has one (peewee keeps one
    per thread; the watcher's stays open while the thread runs)."""
    db = database()
    if db.is_closed():
        db.connect()
