"""The composer as a user drives it: drafts per interviewer, the guards, mail-app paths."""

from __future__ import annotations

import pytest

from services.core.snapshot import read_snapshot
from tests.support.smtp_server import mail_server_fixture  # noqa: F401  (a pytest fixture)
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_store):
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def _round(company: str, title: str):
    from services.applications.loading import round_choices

    return next(c for c in round_choices() if c.company == company and c.round_title == title)


def open_round(window, company, title):
    choice = _round(company, title)
    window.open_composer(choice.application_id, choice.round_id)
    return window.view("compose")


def test_one_draft_per_interviewer(window):
    composer = open_round(window, "Lumen Analytics", "Technical interview")
    names = [d.to_name for d in composer.drafts]
    assert names == ["José Núñez", "Priya Raman", "Lukas Brandt"]
    assert composer.recipients.count() == 3
    # José was already thanked in the demo data: shown as sent, read-only.
    assert composer.drafts[0].state == "sent"
    assert composer.current_row() == 1, "the first draft still to write is shown"
    assert not composer.body.isReadOnly()
    composer.recipients.setCurrentRow(0)
    assert composer.body.isReadOnly()
    composer.recipients.setCurrentRow(1)
    assert "Priya" in composer.body.toPlainText()
    assert composer.to_address.text() == "priya.raman@lumen-analytics.example"
    assert "Priya" in composer.preview.toPlainText()


def test_similarity_warning_appears_and_disappears(qtbot, window):
    composer = open_round(window, "Lumen Analytics", "Technical interview")
    # Fresh drafts from one template read alike.
    assert composer.similar.isVisibleTo(composer)
    assert "Priya Raman’s note reads like Lukas Brandt’s" in composer.similar.text()
    assert composer.body.extraSelections(), "shared passages are highlighted"
    personal = {
        1: "Dear Priya,\n\nYour question about testing data contracts stayed with me: I went "
           "home and sketched how I would version the schemas for the billing events, and I "
           "think consumer-driven contract tests would catch most of the breakages you "
           "described from last spring.\n\nThank you for the time,\nSam",
        2: "Hi Lukas,\n\nIt was a pleasure to hear how the churn dashboard grew out of a "
           "spreadsheet. The idea of exposing cohort definitions as a shared table for "
           "analysts is something I would love to help build, and I have a couple of ideas "
           "about freshness alerts too.\n\nBest regards,\nSam",
    }
    for row, text in personal.items():
        composer.recipients.setCurrentRow(row)
        composer.body.setPlainText(text)
    qtbot.waitUntil(lambda: not composer.similar.isVisibleTo(composer), timeout=3000)
    assert composer.body.extraSelections() == []


def test_edits_are_saved_and_survive_a_restart(qtbot, window, demo_store):
    composer = open_round(window, "Lumen Analytics", "Technical interview")
    composer.recipients.setCurrentRow(2)
    composer.subject.setText("Thank you, Lukas")
    composer.subject.textEdited.emit("Thank you, Lukas")
    composer.body.setPlainText("A personal note for Lukas about the churn dashboard.")
    composer.flush()
    again = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(again)
    choice = _round("Lumen Analytics", "Technical interview")
    again.open_composer(choice.application_id, choice.round_id)
    reopened = again.view("compose")
    lukas = next(d for d in reopened.drafts if d.to_name == "Lukas Brandt")
    assert lukas.subject == "Thank you, Lukas"
    assert lukas.body == "A personal note for Lukas about the churn dashboard."
    assert len(reopened.drafts) == 3


def test_agency_banner_and_override(window):
    composer = open_round(window, "Northwind Logistics", "Panel interview")
    assert composer.agency_banner.isVisibleTo(composer)
    assert "recruiter" in composer.agency_text.text().lower()
    assert composer.drafts == []
    composer.prepare_for_recruiter()
    assert [d.to_address for d in composer.drafts] == ["hannah.okafor@brightpath.example"]
    composer.prepare_with_override()
    addresses = {d.to_address for d in composer.drafts}
    assert {"greta.lindqvist@northwind.example", "omar.haddad@northwind.example"} <= addresses


def test_without_an_account_mail_app_paths_work(qtbot, window, monkeypatch, tmp_path):
    from email import message_from_bytes, policy

    from ui.mail.composer_dialogs import ComposerDialogs

    opened = []
    monkeypatch.setattr("ui.mail.composer_exports.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toString()) or True)
    composer = open_round(window, "Orbit Health", "Final interview")
    assert not composer.send_button.isEnabled()
    assert "No email account" in composer.account_hint.text()
    composer.recipients.setCurrentRow(0)
    composer.open_in_mail_app()
    assert opened and opened[0].startswith("mailto:daniel.weiss@orbithealth.example")
    target = tmp_path / "note.eml"
    monkeypatch.setattr(ComposerDialogs, "eml_path", classmethod(lambda cls, p, s: str(target)))
    composer.save_eml()
    parsed = message_from_bytes(target.read_bytes(), policy=policy.default)
    assert parsed["To"].addresses[0].addr_spec == "daniel.weiss@orbithealth.example"
    composer.copy_current()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text().startswith("Subject: ")
    composer.mark_current_sent()
    assert composer.drafts[0].state == "marked_sent"
    assert composer.body.isReadOnly()


def test_write_notes_from_the_round_and_thanked_status(qtbot, window):
    view = window.view("applications")
    view.ensure_complete()
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    view.search.setText("lumen")
    window.open_editor(view.model.application_id(0))
    editor = window.editor
    qtbot.waitExposed(editor)
    editor.tabs.setCurrentIndex(1)
    editor.round_list.setCurrentRow(1)
    thanked = editor.round_editor.thanked.text()
    assert "José Núñez: thanked" in thanked and "Priya Raman: not yet" in thanked
    qtbot.mouseClick(editor.round_editor.compose_button, qtbot_left())
    assert not editor.isVisible()
    assert window.current_view_key() == "compose"
    composer = window.view("compose")
    assert [d.to_name for d in composer.drafts] == ["José Núñez", "Priya Raman", "Lukas Brandt"]


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_send_all_through_a_real_smtp_server(qtbot, window, mail_server, monkeypatch):
    """Personal notes to two interviewers leave through the account and arrive once each."""
    from services.mail.account import save_account
    from tests.support.smtp_server import PASSWORD, account_for
    from ui.mail.composer_dialogs import ComposerDialogs

    save_account(account_for(mail_server), PASSWORD)
    monkeypatch.setattr(ComposerDialogs, "confirm_send", classmethod(lambda cls, p, r: True))
    monkeypatch.setattr(ComposerDialogs, "confirm_send_similar",
                        classmethod(lambda cls, p, t: True))
    composer = open_round(window, "Lumen Analytics", "Technical interview")
    composer.tls_context = mail_server.client_context()
    assert composer.send_all_button.isEnabled()
    composer.send_all()
    qtbot.waitUntil(lambda: all(d.state == "sent" for d in composer.drafts), timeout=20000)
    recipients = sorted(m.rcpt_tos[0] for m in mail_server.messages)
    assert recipients == ["lukas.brandt@lumen-analytics.example",
                          "priya.raman@lumen-analytics.example"]
    assert composer.body.isReadOnly()
    assert "sent" in composer.recipients.item(1).text()


def test_asking_for_more_time_goes_to_the_hr_contact(window):
    choice = _round("Orbit Health", "Final interview")
    window.open_composer(choice.application_id, choice.round_id, "more_time")
    composer = window.view("compose")
    assert [(d.to_name, d.to_address) for d in composer.drafts] == [
        ("Daniel Weiss", "daniel.weiss@orbithealth.example")]
    assert "more" in composer.body.toPlainText().lower()
