"""What is sent is what is on screen: edits are saved before every switch, close, send,
export and quit, and text put in by assistive technology counts like typed text."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QAccessible, QTextCursor
from PySide6.QtWidgets import QApplication

from models.email import Email
from services.core.snapshot import read_snapshot
from tests.support.smtp_server import PASSWORD, account_for, mail_server_fixture  # noqa: F401
from ui.mail.composer_dialogs import ComposerDialogs
from ui.shell.main_window import MainWindow

TYPED = " I keep thinking about your question on data contracts."


@pytest.fixture
def window(qtbot, demo_store):
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.resize(1100, 720)
    win.show()
    qtbot.waitExposed(win)
    return win


def open_lumen(window):
    from services.applications.loading import round_choices

    choice = next(c for c in round_choices()
                  if c.company == "Lumen Analytics" and c.round_title == "Technical interview")
    window.open_composer(choice.application_id, choice.round_id)
    composer = window.view("compose")
    assert [d.to_name for d in composer.drafts][1:] == ["Priya Raman", "Lukas Brandt"]
    return composer


def type_at_end(qtbot, composer, text: str = TYPED) -> str:
    """Type ``text`` at the end of the note on screen, as a user would; the body expected."""
    composer.body.setFocus()
    composer.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(composer.body, text)
    return composer.drafts[composer.current_row()].body


def stored(email_id: int) -> Email:
    return Email.get_by_id(email_id)


def allow_sending(monkeypatch, mail_server, composer, confirmed: list | None = None) -> None:
    from services.mail.account import save_account

    save_account(account_for(mail_server), PASSWORD)
    composer.tls_context = mail_server.client_context()
    composer._update_buttons()
    monkeypatch.setattr(ComposerDialogs, "confirm_send_similar",
                        classmethod(lambda cls, parent, text: True))
    monkeypatch.setattr(ComposerDialogs, "confirm_send", classmethod(
        lambda cls, parent, recipients: (confirmed if confirmed is not None else [])
        .append(recipients) or True))


def test_an_edit_made_just_before_switching_is_saved_and_sent(qtbot, window, mail_server,
                                                              monkeypatch):
    composer = open_lumen(window)
    allow_sending(monkeypatch, mail_server, composer)
    priya, lukas = composer.drafts[1], composer.drafts[2]
    composer.recipients.setCurrentRow(1)
    expected = type_at_end(qtbot, composer)
    composer.recipients.setCurrentRow(2)  # at once: well within the 0.3 s autosave pause
    assert stored(priya.email_id).body == expected
    qtbot.wait(400)  # any autosave still pending has run by now
    assert stored(priya.email_id).body == expected
    assert stored(lukas.email_id).body == lukas.body, "Lukas's note is untouched"

    composer.recipients.setCurrentRow(1)
    assert composer.body.toPlainText() == expected
    composer.send_current()
    qtbot.waitUntil(lambda: composer.drafts[1].state == "sent", timeout=20000)
    [message] = mail_server.messages
    assert message.rcpt_tos == [priya.to_address]
    plain = message.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain.rstrip("\n") == expected


def test_an_edit_survives_a_restart_after_switching(qtbot, window, demo_store):
    composer = open_lumen(window)
    composer.recipients.setCurrentRow(2)
    expected = type_at_end(qtbot, composer)
    composer.recipients.setCurrentRow(1)
    again = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(again)
    reopened = open_lumen(again)
    assert reopened.drafts[2].body == expected


def _leave(window, how: str, tmp_path, monkeypatch) -> None:
    if how == "section":
        window.show_view("calendar")
    elif how == "close":
        window.close()
    elif how == "quit":
        QApplication.instance().aboutToQuit.emit()
    elif how == "export":
        from ui.data.file_actions import FileDialogs

        target = tmp_path / "backup.json"
        monkeypatch.setattr(FileDialogs, "save_path", classmethod(lambda cls, p, f: str(target)))
        monkeypatch.setattr(FileDialogs, "tell", classmethod(lambda cls, p, t, x: None))
        window.export("json")


@pytest.mark.parametrize("how", ["section", "close", "quit", "export"])
def test_leaving_the_composer_saves_the_last_edit(qtbot, window, how, tmp_path, monkeypatch):
    composer = open_lumen(window)
    composer.recipients.setCurrentRow(2)
    email_id = composer.drafts[2].email_id
    expected = type_at_end(qtbot, composer)
    _leave(window, how, tmp_path, monkeypatch)
    assert stored(email_id).body == expected
    if how == "export":
        document = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
        assert expected in [row.get("body") for row in document["tables"]["email"]]


def _set_by_assistive_technology(widget, text: str) -> None:
    """What a screen reader's "set text" does: through the widget's accessible interface
    (a QLineEdit then emits textChanged, but not textEdited)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    interface.setText(QAccessible.Text.Value, text)
    assert widget.text() == text


def test_values_from_assistive_technology_are_confirmed_and_sent(qtbot, window, mail_server,
                                                                 monkeypatch):
    composer = open_lumen(window)
    confirmed: list = []
    allow_sending(monkeypatch, mail_server, composer, confirmed)
    composer.recipients.setCurrentRow(2)
    email_id = composer.drafts[2].email_id
    _set_by_assistive_technology(composer.to_name, "Dr. Lukas Brandt")
    _set_by_assistive_technology(composer.to_address, "l.brandt@lumen-analytics.example")
    _set_by_assistive_technology(composer.subject, "Thank you, and the churn dashboard")
    assert "Dr. Lukas Brandt" in composer.preview.toPlainText()

    composer.send_current()
    assert confirmed == [["Dr. Lukas Brandt <l.brandt@lumen-analytics.example>"]]
    qtbot.waitUntil(lambda: stored(email_id).state == "sent", timeout=20000)
    [received] = mail_server.messages
    assert received.rcpt_tos == ["l.brandt@lumen-analytics.example"]
    to = received.message["To"].addresses[0]
    assert (to.display_name, to.addr_spec) == ("Dr. Lukas Brandt",
                                              "l.brandt@lumen-analytics.example")
    assert str(received.message["Subject"]) == "Thank you, and the churn dashboard"
