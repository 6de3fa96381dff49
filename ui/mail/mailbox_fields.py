"""The widgets of the "Incoming mail (replies)" form (:mod:`ui.mail.mailbox_form` acts on them),
and what the form says about the stored password.

Every field has a label that is its buddy (Qt publishes a combo box's current value as
its accessible name on Linux, so the label names it) and a place for its problem below
it. Plain security is allowed only to this computer; the security field's hint says so.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import (
    QCheckBox,
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

from services.mail.account import KeyringProblem, backend_name
from services.mail.imap.imap_account import DEFAULT_PORTS, ImapAccount, imap_password
from services.mail.secrets import KeyringStatus, keyring_status
from services.mail.sender import thread_connection
from ui.shell.accessible import message_label, message_line

__all__ = ["SECURITY_HINT", "SECURITY_LABELS", "MailboxFields", "StoredPasswords",
           "password_note", "stored_passwords"]

#: (stored value, what the user reads)
SECURITY_LABELS = (
    ("tls", "Implicit TLS (port 993)"),
    ("starttls", "STARTTLS (port 143)"),
    ("plain", "Plain (this computer only)"),
)
SECURITY_HINT = ("Plain, unencrypted connections are allowed only to this computer "
                 "(localhost), for a bridge such as Proton Mail Bridge.")


class MailboxFields(QGroupBox):
    """The form's widgets: the provider offer (``fill_button``, ``provider_note``), the
    fields with their labels and problems (``problem_labels``), ``watch``, ``save_button``
    and ``test_button``, and the status lines (``status``, ``result``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Incoming mail (replies)", parent)
        self.problem_labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        intro = QLabel("Next Steps reads your inbox (never changing anything in it) to find "
                       "the replies to your applications, and puts a copy of each note it "
                       "sends in your Sent folder.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._build_provider_row())
        self._build_fields()
        layout.addLayout(self._build_form())
        self.watch = QCheckBox("Watch the mailbox for replies", self)
        self.watch.setAccessibleName("Watch the mailbox for replies")
        layout.addWidget(self.watch)
        layout.addLayout(self._build_buttons())
        self._build_messages(layout)

    # -- building ----------------------------------------------------------------------------
    def _build_provider_row(self) -> QHBoxLayout:
        """"Fill in for <provider>", shown when the sender address is a known provider's."""
        row = QHBoxLayout()
        self.fill_button = QPushButton(self)
        self.fill_button.setAccessibleName("Fill in the provider's settings")
        self.fill_button.hide()
        row.addWidget(self.fill_button)
        row.addStretch(1)
        self.provider_note = QLabel(self)
        self.provider_note.setWordWrap(True)
        message_label(self.provider_note, "Provider note")
        self.provider_note.hide()
        outer = QVBoxLayout()
        outer.addLayout(row)
        outer.addWidget(self.provider_note)
        return outer

    def _build_fields(self) -> None:
        self.host = QLineEdit(self)
        self.host.setPlaceholderText("imap.example.com")
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORTS["tls"])
        self.security = QComboBox(self)
        for value, label in SECURITY_LABELS:
            self.security.addItem(label, value)
        self.security.setToolTip(SECURITY_HINT)
        self.security.setAccessibleDescription(SECURITY_HINT)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText("often your email address")
        self.same_password = QCheckBox("Same password as for sending", self)
        self.same_password.setAccessibleName("Same password as for sending")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = QLabel(self)
        self.password_note.setWordWrap(True)
        message_label(self.password_note, "Incoming mail password status")
        self.sent_folder = QLineEdit(self)
        self.sent_folder.setPlaceholderText("blank: found automatically")
        self.folders = QLineEdit(self)
        self.folders.setPlaceholderText("separated by commas, e.g. Jobs, Recruiters")

    def _build_form(self) -> QFormLayout:
        """Each field with its label (its buddy) and the place for its problem."""
        form = QFormLayout()
        rows = (
            ("host", "IMAP h&ost", self.host, "IMAP host"),
            ("port", "IMAP po&rt", self.port, "IMAP port"),
            ("security", "IMAP se&curity", self.security, "IMAP security"),
            ("username", "IMAP user na&me", self.username, "IMAP user name"),
            ("same_password", "", self.same_password, "Same password as for sending"),
            ("password", "&IMAP password", self.password, "IMAP password"),
            ("sent_folder", "Sent fo&lder", self.sent_folder, "Sent folder"),
            ("folders", "Other folders (&besides INBOX)", self.folders,
             "Other folders to watch"),
        )
        for key, text, widget, name in rows:
            widget.setAccessibleName(name)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(widget)
            if key == "security":
                hint = QLabel(SECURITY_HINT, self)
                hint.setWordWrap(True)
                cell.addWidget(hint)
            problem = QLabel(self)
            problem.setWordWrap(True)
            message_label(problem, f"{name} problem")
            problem.hide()
            cell.addWidget(problem)
            if key == "password":
                cell.addWidget(self.password_note)
            self.problem_labels[key] = problem
            label = QLabel(text, self)
            if text:
                label.setBuddy(widget)
            form.addRow(label, cell)
        return form

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Sa&ve incoming mail", self)
        self.save_button.setAccessibleName("Save incoming mail account")
        self.test_button = QPushButton("Test mailbo&x connection", self)
        self.test_button.setAccessibleName("Test the mailbox connection")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        return buttons

    def _build_messages(self, layout: QVBoxLayout) -> None:
        self.status = message_line(layout, self, "Incoming mail status")
        self.result = message_line(layout, self, "Mailbox connection test result")

class StoredPasswords(NamedTuple):
    """What the keyring holds for the mailbox: its status, whether the password in question
    is the sending account's (``same``) or the mailbox's own, whether it is stored, and
    where (the backend's name)."""

    status: KeyringStatus
    same: bool
    stored: bool
    where: str


def stored_passwords(account: ImapAccount) -> StoredPasswords:
    """Ask the keyring whether it holds the password ``account`` logs in with. Runs on a
    worker thread: keyring calls, and (for a shared password) the SMTP account's settings
    on a connection of the thread's own."""
    status = keyring_status()
    stored = False
    if status.usable:
        with thread_connection():
            try:
                stored = bool(imap_password(account))
            except KeyringProblem:
                stored = False
    return StoredPasswords(status, account.same_password, stored,
                           backend_name() if stored else "")


def password_note(state: StoredPasswords | None, same: bool) -> str:
    """What the form says about the password in use (``state`` None: not asked yet)."""
    if state is not None and not state.status.usable:
        return state.status.message
    if same:
        if state is None:
            return "The password of the sending account is used."
        if state.stored:
            return f"The password of the sending account is used; it is stored in {state.where}."
        return ("The password of the sending account is used, but none is stored yet: save "
                "it with the sending account above.")
    if state is not None and state.stored:
        return f"A password is stored in {state.where}. Type a new one only to change it."
    return "No password is stored yet."
