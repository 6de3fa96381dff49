"""Settings → Email account: the SMTP account, its password in the keyring, "Test connection".

The password field never shows a stored password; it only says where one is
kept. "Test connection" runs on a worker thread (``ui.shell.tasks.run_in_background``)
so the window stays responsive while a slow server times out; every keyring call
(the password's state, reading and saving it) goes through ``ui.mail.keyring_calls``,
off the UI thread and one at a time, so a keyring's prompt shows once. Problems are
sentences next to the field they concern; nothing typed is cleared by an error.
"""

from __future__ import annotations

import logging
import ssl

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.mail.account import (
    DEFAULT_PORTS,
    Account,
    AccountProblem,
    KeyringProblem,
    load_account,
    password_state,
    save_settings,
    update_password,
    validate_account,
)
from services.mail.smtp import test_connection as try_account
from services.mail.smtp_problems import ConnectionProblem
from ui.mail.keyring_calls import call_keyring, is_pending, read_password
from ui.mail.mailbox_form import MailboxForm
from ui.shell.accessible import message_label, message_line
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

#: (stored value, what the user reads)
SECURITY_LABELS = (
    ("starttls", "STARTTLS (port 587)"),
    ("tls", "Implicit TLS (port 465)"),
    ("plain", "Plain (localhost only)"),
)


class AccountPage(QWidget):
    """The form for the SMTP account, with Save and Test connection.

    ``tls_context`` and ``timeout`` exist for tests (a context trusting a test CA,
    a short timeout); the app uses the defaults, which verify certificates
    against the system's trust store.
    """

    #: Emitted with the stored :class:`services.mail.account.Account` after Save.
    saved = Signal(object)
    #: Emitted with the result sentence when a connection test ends.
    tested = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        tls_context: ssl.SSLContext | None = None,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(parent)
        self._tls_context = tls_context
        self._timeout = timeout
        self.testing = False
        self.problem_labels: dict[str, QLabel] = {}

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_intro())
        layout.addWidget(self._build_form())
        layout.addLayout(self._build_buttons())
        self._build_messages(layout)
        self.mailbox = MailboxForm(self)  # the incoming mail (IMAP), below the SMTP account
        layout.addWidget(self.mailbox)
        layout.addStretch(1)

        self._previous_security = "starttls"
        self.security.currentIndexChanged.connect(self._security_changed)
        for edit in (self.sender_name, self.sender_address, self.host, self.username,
                     self.password):
            edit.returnPressed.connect(self.save)
        self.load()
        self.sender_address.textChanged.connect(self.mailbox.suggest_provider)
        self.mailbox.suggest_provider(self.sender_address.text())
        self.saved.connect(self.mailbox.password_changed)

    def _build_intro(self) -> QLabel:
        """What the account is for, and where the password is kept."""
        intro = QLabel(
            "Send thank-you notes from your own email account. The password is kept only in "
            "your system's keyring; without an account, notes can still go through your mail "
            "app.", self)
        intro.setWordWrap(True)
        return intro

    def _build_fields(self, box: QGroupBox) -> None:
        """The account's fields, and the note on the stored password."""
        self.sender_name = QLineEdit(box)
        self.sender_name.setPlaceholderText("Zoé Durand")
        self.sender_address = QLineEdit(box)
        self.sender_address.setPlaceholderText("you@example.com")
        self.host = QLineEdit(box)
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox(box)
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security = QComboBox(box)
        for value, label in SECURITY_LABELS:
            self.security.addItem(label, value)
        self.username = QLineEdit(box)
        self.username.setPlaceholderText("often your email address")
        self.password = QLineEdit(box)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = QLabel(box)
        self.password_note.setWordWrap(True)
        message_label(self.password_note, "Password status")

    def _build_form(self) -> QGroupBox:
        """The fields in a form, each with its label and the place for its problem."""
        box = QGroupBox("Email account (SMTP)", self)
        form = QFormLayout(box)
        self._build_fields(box)
        rows = (
            ("sender_name", "Sender &name", self.sender_name, "Sender name"),
            ("sender_address", "Sender &address", self.sender_address, "Sender address"),
            ("host", "SMTP &host", self.host, "SMTP host"),
            ("port", "&Port", self.port, "Port"),
            ("security", "Securit&y", self.security, "Security"),
            ("username", "&User name", self.username, "User name"),
            ("password", "Pass&word", self.password, "Password"),
        )
        for key, text, widget, name in rows:
            widget.setAccessibleName(name)
            label = QLabel(text, box)
            label.setBuddy(widget)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(widget)
            problem = QLabel(box)
            problem.setWordWrap(True)
            message_label(problem, f"{name} problem")
            problem.hide()
            cell.addWidget(problem)
            if key == "password":
                cell.addWidget(self.password_note)
            self.problem_labels[key] = problem
            form.addRow(label, cell)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        """Save and Test connection."""
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save", self)
        self.save_button.setAccessibleName("Save email account")
        self.save_button.clicked.connect(self.save)
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setAccessibleName("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        return buttons

    def _build_messages(self, layout: QVBoxLayout) -> None:
        """What saving did, what the connection test found, and what the keyring said."""
        self.status = message_line(layout, self, "Account status")
        self.result = message_line(layout, self, "Connection test result")
        self.keyring_line = message_line(layout, self, "Keyring status")

    # -- reading and writing ----------------------------------------------------------------
    def load(self) -> None:
        """Fill the form from the saved account (if any); the keyring's state follows."""
        account = load_account()
        if account is not None:
            self.sender_name.setText(account.sender_name)
            self.sender_address.setText(account.sender_address)
            self.host.setText(account.host)
            self.security.blockSignals(True)
            self.security.setCurrentIndex(max(self.security.findData(account.security), 0))
            self.security.blockSignals(False)
            self._previous_security = account.security
            self.port.setValue(account.port)
            self.username.setText(account.username)
        self._read_password_state(account)

    def account(self):
        """The :class:`services.mail.account.Account` the form describes now."""
        return Account(
            sender_name=self.sender_name.text().strip(),
            sender_address=self.sender_address.text().strip(),
            host=self.host.text().strip(),
            port=self.port.value(),
            security=self.security.currentData(),
            username=self.username.text().strip(),
        )

    def save(self) -> bool:
        """Validate and store the account's fields, then hand the typed password to the
        keyring on a worker thread; ``saved`` is emitted once the keyring has answered.

        Returns False when nothing was saved (a field to correct, or the previous save
        still waiting for the keyring).
        """
        if is_pending(self._call_name("save")):
            self.status.setText("The keyring has not answered yet; the password is still "
                                "being saved. Save again once it has.")
            return False
        account = self.account()
        if not self._show_problems(account):
            self.status.setText("Nothing was saved: please correct the fields marked above.")
            return False
        try:
            stored, previous = save_settings(account)
        except AccountProblem as problem:  # validated above; kept for safety
            self._show_problems(account, problem.problems)
            return False
        password = self.password.text()

        def work():  # keyring calls only
            update_password(previous, stored, password or None)
            return password_state(stored)

        self.save_button.setEnabled(False)
        self.status.setText("Saving the password in the system keyring…" if password
                            else "Saving…")
        call_keyring(self._call_name("save"), work,
                     lambda state: self._saved(stored, password, state),
                     lambda exc: self._not_saved(stored, exc), owner=self)
        return True

    def _saved(self, stored, password: str, state) -> None:
        self.save_button.setEnabled(True)
        if self.password.text() == password:  # unless the user typed again meanwhile
            self.password.clear()
        self._show_password_state(state)
        self.status.setText("Saved.")
        self.saved.emit(stored)

    def _not_saved(self, stored, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, KeyringProblem):
            reason = exc.message
        else:
            log.error("saving the password failed unexpectedly: %s", type(exc).__name__)
            reason = (f"The keyring stopped unexpectedly ({type(exc).__name__}); see the log "
                      "for details.")
        self.status.setText(f"The account was saved, but not the password. {reason}")
        self.saved.emit(stored)

    # -- test connection -------------------------------------------------------------------
    def test_connection(self) -> None:
        """Try the form's account (typed or stored password) on a worker thread."""
        if self.testing:
            return
        account = self.account()
        if not self._show_problems(account):
            self.result.setText("Correct the fields marked above, then test again.")
            return
        password = self.password.text()
        self.testing = True
        self.test_button.setEnabled(False)
        if password or not account.username:
            self._start_test(account, password)
            return
        self.result.setText("Reading the password from the system keyring…")
        read_password(self._call_name("test"), account,
                      lambda stored: self._start_test(account, stored), self._finish_test,
                      owner=self)

    def _start_test(self, account, password: str) -> None:
        self.result.setText(f"Testing the connection to {account.host}…")
        timeout, context = self._timeout, self._tls_context

        def work() -> None:
            try_account(account, password, timeout, tls_context=context)

        def done(_result) -> None:
            login = f" and logged in as {account.username}" if account.username else ""
            self._finish_test(f"Connected to {account.host}{login}. Nothing was sent.")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConnectionProblem):
                self._finish_test(exc.message)
            else:
                log.error("connection test failed unexpectedly: %s", type(exc).__name__)
                self._finish_test("The connection test stopped unexpectedly "
                                  f"({type(exc).__name__}); see the log for details.")

        run_in_background(work, done, failed)

    def _finish_test(self, sentence: str) -> None:
        try:
            self.testing = False
            self.test_button.setEnabled(True)
            self.result.setText(sentence)
        except RuntimeError:  # the page was closed while the test ran
            return
        self.tested.emit(sentence)

    # -- helpers -----------------------------------------------------------------------------
    def _show_problems(self, account, problems: dict[str, str] | None = None) -> bool:
        problems = validate_account(account) if problems is None else problems
        for key, label in self.problem_labels.items():
            text = problems.get(key, "")
            label.setText(text)
            label.setVisible(bool(text))
        return not problems

    def _call_name(self, what: str) -> str:
        return f"account-page-{id(self)}-{what}"

    def _read_password_state(self, account) -> None:
        """Ask the keyring, on a worker thread, what to say about it and the password."""
        if call_keyring(self._call_name("state"), lambda: password_state(account),
                        self._show_password_state, self._state_unreadable, owner=self):
            self.keyring_line.setText("Checking the system keyring…")

    def _show_password_state(self, state) -> None:
        """Show a :class:`services.mail.account.PasswordState`."""
        self.keyring_line.setText(state.status.message)
        if state.stored:
            self.password.setPlaceholderText(f"Stored in {state.where}")
            self.password_note.setText(
                f"A password is stored in {state.where}. Type a new one only to change it.")
        else:
            self.password.setPlaceholderText("")
            self.password_note.setText("No password is stored yet.")

    def _state_unreadable(self, exc: BaseException) -> None:
        log.error("the keyring could not be asked: %s", type(exc).__name__)
        self.keyring_line.setText(f"The system keyring could not be asked ({type(exc).__name__})"
                                  "; see the log for details.")

    def _security_changed(self, _index: int) -> None:
        security = self.security.currentData()
        if self.port.value() == DEFAULT_PORTS.get(self._previous_security):
            self.port.setValue(DEFAULT_PORTS[security])
        self._previous_security = security
