"""Settings → Email account, "Incoming mail (replies)": the IMAP account the watcher reads.

The form sits below the SMTP form (:mod:`ui.mail.account_page`) and follows its
patterns: the password field never shows a stored password, only where one is kept;
every keyring call goes through :mod:`ui.mail.keyring_calls` (off the UI thread, one
at a time); "Test connection" runs on a worker thread; problems are sentences next to
the field they concern, and nothing typed is cleared by an error. When the sender
address belongs to a known provider (:func:`services.mail.imap.providers.provider_for`),
a button offers that provider's settings and shows its note on app passwords.
"""

from __future__ import annotations

import logging
import ssl

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from services.core import settings
from services.mail.account import AccountProblem, KeyringProblem
from services.mail.imap.connection import ImapProblem, test_imap_connection
from services.mail.imap.imap_account import (
    DEFAULT_PORTS,
    ImapAccount,
    imap_password,
    load_imap_account,
    save_imap_account,
    validate_imap_account,
)
from services.mail.imap.providers import provider_for
from services.mail.sender import thread_connection
from ui.mail.keyring_calls import call_keyring, is_pending
from ui.mail.mailbox_fields import (
    MailboxFields,
    StoredPasswords,
    password_note,
    stored_passwords,
)
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

WATCH_SETTING = "imap.watch"


class MailboxForm(MailboxFields):
    """The IMAP account's fields, with Save and Test connection.

    ``tls_context`` and ``timeout`` exist for tests (a context trusting a test CA, a
    short timeout); the app verifies certificates against the system's trust store.
    """

    #: Emitted with the stored :class:`ImapAccount` after Save (the watcher restarts).
    saved = Signal(object)
    #: Emitted with the result sentence when a connection test ends.
    tested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *,
                 tls_context: ssl.SSLContext | None = None, timeout: float = 15.0) -> None:
        super().__init__(parent)
        self._tls_context, self._timeout = tls_context, timeout
        self.testing = False
        self.provider = None
        self.sender_address = ""
        self._state: StoredPasswords | None = None
        self._previous_security = "tls"
        self.security.currentIndexChanged.connect(self._security_changed)
        self.same_password.toggled.connect(self._same_password_toggled)
        self.fill_button.clicked.connect(self.fill_in_provider)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        for edit in (self.host, self.username, self.password, self.sent_folder, self.folders):
            edit.returnPressed.connect(self.save)
        self.load()

    # -- the provider -----------------------------------------------------------------------
    def suggest_provider(self, address: str) -> None:
        """Offer "Fill in for <provider>" when ``address`` (the sender address) is a known
        provider's; hide the offer otherwise."""
        self.provider = provider_for(address.strip()) if "@" in address else None
        self.sender_address = address.strip()
        if self.provider is None:
            self.fill_button.hide()
            return
        self.fill_button.setText(f"Fill in for {self.provider.name}")
        self.fill_button.setAccessibleName(f"Fill in the settings for {self.provider.name}")
        self.fill_button.show()

    def fill_in_provider(self) -> None:
        """Put the provider's server, port and security in the form, the sender address as
        the user name when none is typed, and show its note on app passwords."""
        provider = self.provider
        if provider is None:
            return
        self.host.setText(provider.imap_host)
        self._set_security(provider.imap_security)
        self.port.setValue(provider.imap_port)
        if not self.username.text().strip():
            self.username.setText(self.sender_address)
        if provider.sent_folder and not self.sent_folder.text().strip():
            self.sent_folder.setText(provider.sent_folder)
        note = provider.note
        self.provider_note.setText(note or f"Filled in the settings for {provider.name}.")
        self.provider_note.show()

    # -- reading and writing ----------------------------------------------------------------
    def load(self) -> None:
        """Fill the form from the saved account (if any); the keyring's answer follows."""
        account = load_imap_account()
        if account is not None:
            self.host.setText(account.host)
            self._set_security(account.security)
            self.port.setValue(account.port)
            self.username.setText(account.username)
            self.same_password.setChecked(account.same_password)
            self.sent_folder.setText(account.sent_folder)
            self.folders.setText(", ".join(account.folders))
        else:
            self.same_password.setChecked(bool(settings.get("imap.same_as_smtp")))
        self.watch.setChecked(bool(settings.get(WATCH_SETTING)))
        self._state = None
        self.show_password_note()
        if account is not None:  # nothing saved yet: no keyring call (it may prompt)
            self._read_password_state(account)

    def account(self) -> ImapAccount:
        """The :class:`ImapAccount` the form describes now."""
        folders = tuple(name.strip() for name in self.folders.text().split(",")
                        if name.strip())
        return ImapAccount(
            host=self.host.text().strip(), port=self.port.value(),
            security=self.security.currentData(), username=self.username.text().strip(),
            same_password=self.same_password.isChecked(),
            sent_folder=self.sent_folder.text().strip(), folders=folders)

    def save(self) -> bool:
        """Validate, then store the account (and the typed password, in the keyring) on a
        worker thread; ``saved`` follows once the keyring has answered. False when nothing
        was saved (a field to correct, or the previous save still waiting)."""
        if is_pending(self._call_name("save")):
            self.status.setText("The keyring has not answered yet; the password is still "
                                "being saved. Save again once it has.")
            return False
        account = self.account()
        if not self._show_problems(account):
            self.status.setText("Nothing was saved: please correct the fields marked above.")
            return False
        password = "" if account.same_password else self.password.text()
        watch = self.watch.isChecked()

        def work():  # the settings and the keyring; no widgets
            with thread_connection():
                settings.put(WATCH_SETTING, watch)  # first: kept when only the keyring fails
                stored = save_imap_account(account, password or None)
            return stored, stored_passwords(stored)

        self.save_button.setEnabled(False)
        self.status.setText("Saving the password in the system keyring…" if password
                            else "Saving…")
        call_keyring(self._call_name("save"), work,
                     lambda answer: self._saved(password, *answer), self._not_saved,
                     owner=self)
        return True

    def _saved(self, password: str, stored: ImapAccount, state) -> None:
        self.save_button.setEnabled(True)
        if self.password.text() == password:  # unless the user typed again meanwhile
            self.password.clear()
        self._show_password_state(state)
        self.status.setText("Saved." if self.watch.isChecked() else
                            "Saved. The mailbox is not watched until you tick “Watch the "
                            "mailbox for replies”.")
        self.saved.emit(stored)

    def _not_saved(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, AccountProblem):
            self._show_problems(self.account(), exc.problems)
            self.status.setText("Nothing was saved: please correct the fields marked above.")
            return
        if isinstance(exc, KeyringProblem):
            self.status.setText(f"The mailbox was saved, but not the password. {exc.message}")
        else:
            log.error("saving the mailbox failed unexpectedly: %s", type(exc).__name__)
            self.status.setText(f"Saving stopped unexpectedly ({type(exc).__name__}); see the "
                                "log for details.")
        stored = load_imap_account()
        if stored is not None:
            self.saved.emit(stored)

    # -- test connection --------------------------------------------------------------------
    def test_connection(self) -> None:
        """Try the form's account (typed or stored password) on a worker thread."""
        if self.testing:
            return
        account = self.account()
        if not self._show_problems(account):
            self.result.setText("Correct the fields marked above, then test again.")
            return
        password = "" if account.same_password else self.password.text()
        self.testing = True
        self.test_button.setEnabled(False)
        if password:
            self._start_test(account, password)
            return
        self.result.setText("Reading the password from the system keyring…")

        def stored_password() -> str:
            with thread_connection():  # a shared password: the SMTP account's settings
                return imap_password(account)

        call_keyring(self._call_name("test"), stored_password,
                     lambda stored: self._start_test(account, stored), self._test_failed,
                     owner=self)

    def _start_test(self, account: ImapAccount, password: str) -> None:
        self.result.setText(f"Testing the connection to {account.host}…")
        context, timeout = self._tls_context, self._timeout
        run_in_background(lambda: test_imap_connection(account, password, tls_context=context,
                                                       timeout=timeout),
                          self._finish_test, self._test_failed)

    def _test_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImapProblem | KeyringProblem):
            self._finish_test(exc.message)
        else:
            log.error("mailbox test failed unexpectedly: %s", type(exc).__name__)
            self._finish_test("The connection test stopped unexpectedly "
                              f"({type(exc).__name__}); see the log for details.")

    def _finish_test(self, sentence: str) -> None:
        try:
            self.testing = False
            self.test_button.setEnabled(True)
            self.result.setText(sentence)
        except RuntimeError:  # the page was closed while the test ran
            return
        self.tested.emit(sentence)

    # -- helpers ----------------------------------------------------------------------------
    def _show_problems(self, account: ImapAccount, problems: dict | None = None) -> bool:
        problems = validate_imap_account(account) if problems is None else problems
        for key, label in self.problem_labels.items():
            text = problems.get(key, "")
            label.setText(text)
            label.setVisible(bool(text))
        return not problems

    def _call_name(self, what: str) -> str:
        return f"mailbox-form-{id(self)}-{what}"

    def password_changed(self, *_args) -> None:
        """The sending account was saved: its password may have changed."""
        if self.same_password.isChecked():
            self._read_password_state(self.account())

    def show_password_note(self) -> None:
        """The password field is off while the sending account's password is used; the note
        says where the password in use is kept, as far as the keyring has said."""
        same = self.same_password.isChecked()
        self.password.setEnabled(not same)
        state = self._state if self._state is not None and self._state.same == same else None
        own = state is not None and state.stored and not same
        self.password.setPlaceholderText(f"Stored in {state.where}" if own else "")
        self.password_note.setText(password_note(state, same))

    def _same_password_toggled(self, same: bool) -> None:
        self.show_password_note()
        if self._state is not None and self._state.same != same:
            self._read_password_state(self.account())

    def _read_password_state(self, account: ImapAccount) -> None:
        call_keyring(self._call_name(f"state-{account.same_password}"),
                     lambda: stored_passwords(account), self._show_password_state,
                     self._state_unreadable, owner=self)

    def _show_password_state(self, state: StoredPasswords) -> None:
        self._state = state
        self.show_password_note()

    def _state_unreadable(self, exc: BaseException) -> None:
        log.error("the keyring could not be asked: %s", type(exc).__name__)
        self.password_note.setText(f"The system keyring could not be asked "
                                   f"({type(exc).__name__}); see the log for details.")

    def _set_security(self, security: str) -> None:
        self.security.blockSignals(True)
        self.security.setCurrentIndex(max(self.security.findData(security), 0))
        self.security.blockSignals(False)
        self._previous_security = self.security.currentData()

    def _security_changed(self, _index: int) -> None:
        security = self.security.currentData()
        if self.port.value() == DEFAULT_PORTS.get(self._previous_security):
            self.port.setValue(DEFAULT_PORTS[security])
        self._previous_security = security
