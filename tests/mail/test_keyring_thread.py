"""The window calls the keyring off the UI thread, once: a prompt neither freezes it nor
shows twice."""

from __future__ import annotations

import threading

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError
from PySide6.QtCore import QTimer

from services.core.snapshot import read_snapshot
from services.mail.account import password_key, save_settings
from services.mail.secrets import SERVICE_NAME
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    PASSWORD,
    USER,
    account_for,
    mail_server_fixture,
)
from ui.mail import keyring_calls
from ui.mail.account_page import AccountPage
from ui.shell.main_window import MainWindow

#: How long the stand-in prompt waits for the test before giving up (only reached when the
#: window never came back to it, i.e. when the test fails).
UNANSWERED_S = 30


class PromptingKeyring(KeyringBackend):
    """Stands in for a keyring that shows a prompt and waits for the user's answer.

    Not a real keyring because a real one cannot be made to prompt headless:
    gnome-keyring asks through a system prompter on the desktop, which a test can
    neither show nor answer. ``get_password`` waits on a ``threading.Event`` the test
    sets, as the call would wait for the user, and records each call, its thread and
    how many ran at once.
    """

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.answered = threading.Event()
        self.passwords: dict[tuple[str, str], str] = {}
        self.threads: list[int] = []
        self._lock = threading.Lock()
        self._active = 0
        self.most_at_once = 0

    def get_password(self, service, username):
        with self._lock:
            self.threads.append(threading.get_ident())
            self._active += 1
            self.most_at_once = max(self.most_at_once, self._active)
        try:
            if not self.answered.wait(UNANSWERED_S):
                raise KeyringLocked("The prompt was not answered.")
            return self.passwords.get((service, username))
        finally:
            with self._lock:
                self._active -= 1

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password.")


@pytest.fixture
def prompting(store, mail_server):
    """The account of ``mail_server`` saved, its password behind a prompt not yet answered."""
    account, _previous = save_settings(account_for(mail_server))
    backend = PromptingKeyring()
    backend.passwords[(SERVICE_NAME, password_key(account))] = PASSWORD
    keyring.set_keyring(backend)
    yield backend
    backend.answered.set()  # never leave a worker waiting, whatever happened


def _ticking(parent) -> list[int]:
    ticks: list[int] = []
    timer = QTimer(parent)
    timer.timeout.connect(lambda: ticks.append(len(ticks)))
    timer.start(20)
    return ticks


def test_the_account_page_asks_the_keyring_once_and_stays_responsive(qtbot, prompting):
    page = AccountPage()
    qtbot.addWidget(page)
    page.show()
    ticks = _ticking(page)
    qtbot.waitUntil(lambda: len(prompting.threads) == 1, timeout=10000)
    assert page.keyring_line.text() == "Checking the system keyring…"
    page.load()  # the page asks again (e.g. shown again) while the prompt is up
    page.load()
    # The event loop keeps running while the prompt waits (a blocked loop fires no timer).
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10000)
    assert len(prompting.threads) == 1
    assert prompting.threads[0] != threading.get_ident(), "asked on the UI thread"

    prompting.answered.set()
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)
    assert page.password.placeholderText() == f"Stored in {PromptingKeyring.name}"
    assert page.keyring_line.text().startswith("Passwords are kept by ")
    assert len(prompting.threads) == 1, "the prompt showed more than once"


def test_test_connection_waits_for_the_prompt_instead_of_asking_again(
        qtbot, prompting, mail_server):
    page = AccountPage(tls_context=mail_server.client_context(), timeout=5)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: len(prompting.threads) == 1, timeout=10000)
    page.test_button.click()  # needs the stored password: queued behind the open prompt
    page.test_button.click()
    assert page.result.text() == "Reading the password from the system keyring…"
    ticks = _ticking(page)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10000)
    assert len(prompting.threads) == 1

    with qtbot.waitSignal(page.tested, timeout=15000) as signal:
        prompting.answered.set()
    assert signal.args == [f"Connected to 127.0.0.1 and logged in as {USER}. Nothing was sent."]
    assert len(prompting.threads) == 2 and prompting.most_at_once == 1
    assert threading.get_ident() not in prompting.threads


@pytest.fixture
def composer(qtbot, prompting, mail_server, demo_store, monkeypatch):
    """The composer on a demo round with two notes to send; confirmations answered yes."""
    from services.applications.loading import round_choices
    from ui.mail.composer_dialogs import ComposerDialogs

    monkeypatch.setattr(ComposerDialogs, "confirm_send", classmethod(lambda cls, p, r: True))
    monkeypatch.setattr(ComposerDialogs, "confirm_send_similar",
                        classmethod(lambda cls, p, t: True))
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    window.show()
    choice = next(c for c in round_choices()
                  if c.company == "Lumen Analytics" and c.round_title == "Technical interview")
    window.open_composer(choice.application_id, choice.round_id)
    view = window.view("compose")
    view.tls_context = mail_server.client_context()
    return view


def test_send_reads_the_password_once_off_the_ui_thread(qtbot, prompting, mail_server, composer):
    ticks = _ticking(composer)

    composer.send_all()
    qtbot.waitUntil(lambda: len(prompting.threads) == 1, timeout=10000)
    composer.send_all()  # a second press while the prompt is up does nothing
    composer.send_current()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10000)
    assert len(prompting.threads) == 1
    assert all(d.state == "draft" for d in composer.drafts[1:]), "queued before the password"

    prompting.answered.set()
    qtbot.waitUntil(lambda: all(d.state == "sent" for d in composer.drafts), timeout=20000)
    assert len(prompting.threads) == 1
    assert threading.get_ident() not in prompting.threads
    assert sorted(m.rcpt_tos[0] for m in mail_server.messages) == [
        "lukas.brandt@lumen-analytics.example", "priya.raman@lumen-analytics.example"]


def test_a_note_edited_while_the_keyring_is_asked_is_not_sent(qtbot, prompting, mail_server,
                                                              composer):
    composer.recipients.setCurrentRow(1)
    composer.send_current()
    qtbot.waitUntil(lambda: len(prompting.threads) == 1, timeout=10000)
    composer.body.setPlainText("Dear Priya,\n\nA different note than the one confirmed.")
    prompting.answered.set()
    qtbot.waitUntil(lambda: not keyring_calls.is_pending(), timeout=10000)
    qtbot.waitUntil(lambda: composer.state_label.text().startswith("A note changed"),
                    timeout=10000)
    assert composer.state_label.text() == (
        "A note changed while the keyring was asked for the password, so nothing was sent. "
        "Press Send again.")
    assert composer.drafts[1].state == "draft" and mail_server.messages == []
    assert composer.body.toPlainText().endswith("A different note than the one confirmed.")
