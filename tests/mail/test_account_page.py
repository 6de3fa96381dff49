"""Settings → Email account: saving to settings and keyring, validation, Test connection."""

from __future__ import annotations

import json

import keyring
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QSpinBox

from models.settings import Setting
from services.mail.account import get_password, load_account
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    PASSWORD,
    USER,
    mail_server_fixture,
    silent_server_fixture,
)
from ui.mail import keyring_calls
from ui.mail.account_page import AccountPage

pytestmark = pytest.mark.usefixtures("store")


def make_page(qtbot, **options) -> AccountPage:
    page = AccountPage(**options)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    # The keyring's state arrives from a worker thread (ui.mail.keyring_calls).
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)
    return page


def fill(page: AccountPage, host="127.0.0.1", port=587, password=PASSWORD,
         security="starttls") -> None:
    page.sender_name.setText("Zoé Durand")  # setText: keyClicks cannot type "é" safely
    page.sender_address.setText(USER)
    page.host.setText(host)
    page.security.setCurrentIndex(page.security.findData(security))
    page.port.setValue(port)
    page.username.setText(USER)
    page.password.setText(password)


def test_every_control_has_an_accessible_name(qtbot):
    page = make_page(qtbot)
    controls = page.findChildren(QLineEdit) + page.findChildren(QSpinBox) + \
        page.findChildren(QComboBox) + page.findChildren(QPushButton)
    assert len(controls) >= 9
    for control in controls:
        if isinstance(control.parent(), QSpinBox | QComboBox):
            continue  # the spin box's and combo box's own inner line edits
        assert control.accessibleName(), control
    assert page.password.echoMode() == QLineEdit.EchoMode.Password
    assert [page.security.itemText(i) for i in range(page.security.count())] == [
        "STARTTLS (port 587)", "Implicit TLS (port 465)", "Plain (localhost only)"]
    assert page.keyring_line.text().startswith("Passwords are kept by ")


def test_save_writes_settings_and_keyring_never_the_password(qtbot):
    page = make_page(qtbot)
    fill(page, host="smtp.example.com", password="typed-secret-42")
    with qtbot.waitSignal(page.saved, timeout=2000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    account = load_account()
    assert account.host == "smtp.example.com" and account.sender_name == "Zoé Durand"
    assert get_password(account) == "typed-secret-42"
    for row in Setting.select():
        assert "typed-secret-42" not in row.key + row.value
    assert {row.key for row in Setting.select()} >= {"smtp.host", "smtp.username", "smtp.port"}
    assert json.loads(Setting.get(Setting.key == "smtp.port").value) == 587
    # The stored password is never shown again, only where it is kept.
    assert page.password.text() == ""
    assert page.password.placeholderText() == "Stored in the Secret Service (GNOME Keyring)"
    assert "A password is stored" in page.password_note.text()
    assert page.status.text() == "Saved."

    again = make_page(qtbot)
    assert again.host.text() == "smtp.example.com" and again.password.text() == ""
    assert again.password.placeholderText().startswith("Stored in ")


def test_problems_are_sentences_next_to_the_fields_and_nothing_is_lost(qtbot):
    page = make_page(qtbot)
    fill(page, host="smtp example.com", password="typed-secret-42")
    page.sender_address.setText("Zoé <zoe@example.com>")
    assert page.save() is False
    assert page.problem_labels["host"].isVisible()
    assert page.problem_labels["host"].text().startswith("“smtp example.com” is not a valid host")
    assert page.problem_labels["sender_address"].isVisible()
    assert not page.problem_labels["port"].isVisible()
    assert "Nothing was saved" in page.status.text()
    assert load_account() is None
    # What was typed is still there, password included.
    assert page.host.text() == "smtp example.com"
    assert page.password.text() == "typed-secret-42"
    page.host.setText("smtp.example.com")
    page.sender_address.setText("zoe@example.com")
    assert page.save() is True
    assert not page.problem_labels["host"].isVisible()


def test_plain_security_is_refused_for_a_remote_host(qtbot):
    page = make_page(qtbot)
    fill(page, host="smtp.example.com", security="plain")
    assert page.save() is False
    assert "only allowed to this computer" in page.problem_labels["security"].text()


def test_security_choice_moves_the_default_port(qtbot):
    page = make_page(qtbot)
    assert page.port.value() == 587
    page.security.setCurrentIndex(page.security.findData("tls"))
    assert page.port.value() == 465
    page.security.setCurrentIndex(page.security.findData("plain"))
    assert page.port.value() == 25
    page.port.setValue(2525)  # a port the user chose is kept
    page.security.setCurrentIndex(page.security.findData("starttls"))
    assert page.port.value() == 2525


def test_keyring_problem_is_shown_and_the_account_kept(qtbot):
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        page = make_page(qtbot)
        assert page.keyring_line.text().startswith("No system keyring is available")
        fill(page, host="smtp.example.com", password="typed-secret-42")
        with qtbot.waitSignal(page.saved, timeout=10000):
            assert page.save() is True  # the fields are saved; the keyring's refusal follows
        assert page.status.text().startswith("The account was saved, but not the password. ")
        assert load_account() is not None
        assert page.password.text() == "typed-secret-42"
    finally:
        keyring.set_keyring(previous)


def test_test_connection_succeeds_against_the_real_server(qtbot, mail_server):
    page = make_page(qtbot, tls_context=mail_server.client_context(), timeout=5)
    fill(page, port=mail_server.port)
    with qtbot.waitSignal(page.tested, timeout=10000) as signal:
        page.test_button.click()
    assert signal.args == [f"Connected to 127.0.0.1 and logged in as {USER}. Nothing was sent."]
    assert page.result.text() == signal.args[0]
    assert page.test_button.isEnabled()
    assert mail_server.auth_attempts == [(USER, True)]
    assert len(mail_server.messages) == 0


def test_test_connection_uses_the_stored_password(qtbot, mail_server):
    page = make_page(qtbot, tls_context=mail_server.client_context(), timeout=5)
    fill(page, port=mail_server.port)
    with qtbot.waitSignal(page.saved, timeout=10000):
        assert page.save()
    assert page.password.text() == ""
    with qtbot.waitSignal(page.tested, timeout=10000):
        page.test_button.click()
    assert page.result.text().startswith("Connected to 127.0.0.1")


def test_test_connection_reports_a_wrong_password(qtbot, mail_server):
    page = make_page(qtbot, tls_context=mail_server.client_context(), timeout=5)
    fill(page, port=mail_server.port, password="wrong-password")
    with qtbot.waitSignal(page.tested, timeout=10000):
        page.test_button.click()
    assert page.result.text() == (
        f"The mail server rejected the user name or password for {USER}. Check them in "
        "Settings → Email account; some providers need an app password."
    )
    assert page.password.text() == "wrong-password"  # kept, so it can be corrected
    assert mail_server.auth_attempts == [(USER, False)]


def test_ui_stays_responsive_while_a_silent_server_times_out(qtbot, silent_server):
    page = make_page(qtbot, timeout=1.5)
    fill(page, port=silent_server.port)
    ticks = []
    timer = QTimer(page)
    timer.timeout.connect(lambda: ticks.append(len(ticks)))
    timer.start(20)
    page.test_button.click()
    assert not page.test_button.isEnabled()
    assert page.result.text() == "Testing the connection to 127.0.0.1…"
    page.test_button.click()  # a second click while testing does nothing
    with qtbot.waitSignal(page.tested, timeout=10000):
        pass
    timer.stop()
    assert page.result.text() == (
        "The mail server 127.0.0.1 did not answer within 1.5 seconds. Check the host and port, "
        "or try again later."
    )
    # The event loop kept running while the test waited (a blocked loop fires a timer once,
    # after it is free again). How long the longest stall is: account_test_max_stall_ms in
    # make bench (benchmarks/mail_bench.py).
    assert len(ticks) >= 5
    assert len(silent_server.connections) == 1
