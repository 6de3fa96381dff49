"""Settings → Email account, "Incoming mail (replies)": provider suggestion, validation that
keeps what was typed, saving to the settings and the real keyring, Test connection against
the real Dovecot server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox

from services.core import settings
from services.mail.account import Account, save_account
from services.mail.imap.imap_account import imap_password, load_imap_account
from ui.mail import keyring_calls
from ui.mail.account_page import AccountPage
from ui.mail.mailbox_form import MailboxForm

pytestmark = pytest.mark.usefixtures("store")

CANARY = "canary-Imap-7f3a9c41"
STORED_IN = "Stored in the Secret Service (GNOME Keyring)"


def settle(qtbot) -> None:
    """Wait for the keyring's answers (they come from a worker thread)."""
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)


def make_form(qtbot, **options) -> MailboxForm:
    form = MailboxForm(**options)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    settle(qtbot)
    return form


def fill(form: MailboxForm, host="imap.example.com", port=993, security="tls",
         username="zoe@example.com", password=CANARY) -> None:
    form.host.setText(host)
    form.security.setCurrentIndex(form.security.findData(security))
    form.port.setValue(port)
    form.username.setText(username)
    form.same_password.setChecked(False)
    form.password.setText(password)


def test_every_control_is_named_and_the_security_choice_labelled(qtbot):
    form = make_form(qtbot)
    controls = (form.findChildren(QLineEdit) + form.findChildren(QSpinBox)
                + form.findChildren(QComboBox) + form.findChildren(QPushButton)
                + form.findChildren(QCheckBox))
    assert len(controls) >= 12
    for control in controls:
        if isinstance(control.parent(), QSpinBox | QComboBox):
            continue  # their own inner line edits
        assert control.accessibleName(), control
    labels = [child for child in form.children()
              if isinstance(child, QLabel) and child.buddy() is form.security]
    assert [label.text() for label in labels] == ["IMAP se&curity"]
    assert "only to this computer" in form.security.accessibleDescription()
    assert [form.security.itemData(i) for i in range(form.security.count())] == [
        "tls", "starttls", "plain"]
    assert form.password.echoMode() == QLineEdit.EchoMode.Password
    # "Same password as for sending" switches the password field off, and back on.
    form.same_password.setChecked(True)
    assert not form.password.isEnabled()
    form.same_password.setChecked(False)
    assert form.password.isEnabled()


def test_the_sender_address_offers_its_providers_settings(qtbot):
    page = AccountPage()
    qtbot.addWidget(page)
    page.show()
    settle(qtbot)
    form = page.mailbox
    assert not form.fill_button.isVisible()
    page.sender_address.setText("zoe.durand@gmail.com")
    assert form.fill_button.isVisible()
    assert form.fill_button.text() == "Fill in for Gmail"
    qtbot.mouseClick(form.fill_button, Qt.MouseButton.LeftButton)
    assert form.host.text() == "imap.gmail.com"
    assert (form.port.value(), form.security.currentData()) == (993, "tls")
    assert form.username.text() == "zoe.durand@gmail.com"
    assert form.provider_note.isVisible()
    assert "app password" in form.provider_note.text()
    page.sender_address.setText("zoe@lumen-analytics.example")
    assert not form.fill_button.isVisible()


def test_problems_are_sentences_next_to_the_fields_and_nothing_typed_is_lost(qtbot):
    form = make_form(qtbot)
    fill(form, host="imap example.com", username="")
    form.folders.setText("Jobs, Recruiters")
    assert form.save() is False
    assert form.problem_labels["host"].isVisible()
    assert "imap example.com" in form.problem_labels["host"].text()
    assert form.problem_labels["username"].text().startswith("Enter the user name")
    assert not form.problem_labels["port"].isVisible()
    assert form.status.text() == "Nothing was saved: please correct the fields marked above."
    assert load_imap_account() is None
    # What was typed is all still there, the password included.
    assert form.host.text() == "imap example.com"
    assert form.password.text() == CANARY
    assert form.folders.text() == "Jobs, Recruiters"

    fill(form, host="imap.example.com", security="plain")
    assert form.save() is False
    assert "only allowed to this computer" in form.problem_labels["security"].text()
    assert not form.problem_labels["host"].isVisible()
    assert form.security.currentData() == "plain"


def test_save_writes_the_settings_and_the_keyring_never_the_database(qtbot, data_paths):
    form = make_form(qtbot)
    fill(form)
    form.sent_folder.setText("Gesendet")
    form.folders.setText("Jobs, Recruiters")
    form.watch.setChecked(True)
    with qtbot.waitSignal(form.saved, timeout=10000) as saved:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    account = load_imap_account()
    assert saved.args == [account]
    assert (account.host, account.port, account.security, account.username) == (
        "imap.example.com", 993, "tls", "zoe@example.com")
    assert (account.sent_folder, account.folders, account.same_password) == (
        "Gesendet", ("Jobs", "Recruiters"), False)
    assert settings.get("imap.watch") is True
    assert imap_password(account) == CANARY
    # Never shown again: the field is empty and says where the password is kept.
    assert form.password.text() == ""
    assert form.password.placeholderText() == STORED_IN
    assert form.password_note.text().startswith("A password is stored in the Secret Service")
    assert form.status.text() == "Saved."
    # Nothing of it in the data folder's files (the database and its write-ahead log).
    files = [path for path in data_paths.root.rglob("*") if path.is_file()]
    assert data_paths.database in files
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), f"the password reached {path}"

    again = make_form(qtbot)
    assert again.host.text() == "imap.example.com" and again.password.text() == ""
    assert again.password.placeholderText() == STORED_IN
    assert again.folders.text() == "Jobs, Recruiters" and again.watch.isChecked()


def test_sharing_needs_a_sending_account_then_uses_its_password(qtbot):
    form = make_form(qtbot)
    fill(form, password="")
    form.same_password.setChecked(True)
    assert form.save() is True
    qtbot.waitUntil(lambda: form.problem_labels["same_password"].isVisible(), timeout=10000)
    assert "no SMTP account" in form.problem_labels["same_password"].text()
    assert load_imap_account() is None
    assert form.host.text() == "imap.example.com"

    smtp = save_account(Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587,
                                "starttls", "zoe@example.com"), "smtp-secret-5b")
    form.password_changed()
    settle(qtbot)
    assert form.password_note.text() == ("The password of the sending account is used; it is "
                                         "stored in the Secret Service (GNOME Keyring).")
    with qtbot.waitSignal(form.saved, timeout=10000):
        form.save()
    account = load_imap_account()
    assert account.same_password is True
    assert imap_password(account) == "smtp-secret-5b" and smtp.host == "smtp.example.com"
    assert not form.password.isEnabled()


def test_test_connection_answers_in_a_sentence(qtbot, imap_server, imap_user):
    address, password = imap_user
    form = make_form(qtbot, tls_context=imap_server.client_context(), timeout=10)
    fill(form, host=imap_server.host, port=imap_server.tls_port, username=address,
         password="not-the-password")
    with qtbot.waitSignal(form.tested, timeout=20000) as tested:
        qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    assert "refused the login" in tested.args[0]
    assert form.result.text() == tested.args[0]
    assert form.test_button.isEnabled()

    form.password.setText(password)
    with qtbot.waitSignal(form.tested, timeout=20000) as tested:
        form.test_connection()
    assert tested.args[0] == (f"Connected to {imap_server.host} as {address}: INBOX holds 0 "
                              "messages.")

    # With nothing typed, the stored password is used.
    with qtbot.waitSignal(form.saved, timeout=10000):
        form.save()
    assert form.password.text() == ""
    with qtbot.waitSignal(form.tested, timeout=20000) as tested:
        form.test_connection()
    assert tested.args[0].startswith(f"Connected to {imap_server.host}")
