"""The offer dialog (ui.applications.offer_dialog.OfferDialog): record, edit, decide,
advice on decline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialog

from services.applications import offers
from ui.applications import offer_dialog
from ui.applications.offer_dialog import OfferDialog

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)

@pytest.fixture(autouse=True)
def at_now(pinned_clock):
    """This module's tests happen at :data:`NOW`."""
    pinned_clock.pin(NOW)



@pytest.fixture(autouse=True)
def discard_without_asking(monkeypatch):
    """Closing a dialog with unsaved edits at the end of a test must not open a message box."""
    monkeypatch.setattr(offer_dialog.ConfirmDiscard, "ask", classmethod(lambda cls, p: True))


def _app(company, stage):
    from models.application import Application

    return Application.create(company=company, role="Backend Developer", stage=stage,
                              applied_on=date(2025, 2, 1))


@pytest.fixture
def orbit(store):
    """An application with a pending offer (deadline Fri 14 Mar, 17:00 in Berlin)."""
    app = _app("Orbit Health", "awaiting_response")
    offer_id = offers.record_offer(
        app.id, date(2025, 3, 10),
        datetime.combine(date(2025, 3, 14), time(17), tzinfo=ZoneInfo("Europe/Berlin")),
        "Europe/Berlin", Decimal("74000"), "EUR", "Start date flexible", now=NOW)
    return app.id, offer_id


def _dialog(qtbot, application_id, offer_id=None) -> OfferDialog:
    dialog = OfferDialog(None, application_id, offer_id, "Europe/Berlin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _stage(application_id) -> str:
    from models.application import Application

    return Application.get_by_id(application_id).stage


def test_existing_offer_is_shown(qtbot, orbit):
    app_id, offer_id = orbit
    dialog = _dialog(qtbot, app_id, offer_id)
    assert dialog.windowTitle() == "Offer from Orbit Health"
    assert dialog.received.date() == QDate(2025, 3, 10)
    assert dialog.has_deadline.isChecked()
    assert dialog.deadline_day.date() == QDate(2025, 3, 14)
    assert dialog.deadline_time.time() == QTime(17, 0)
    assert dialog.zone.currentText() == "Europe/Berlin"
    assert dialog.amount.text() == "74,000"
    assert dialog.currency.currentText() == "EUR"
    assert dialog.notes.toPlainText() == "Start date flexible"
    for button in (dialog.more_time_button, dialog.accept_button, dialog.decline_button):
        assert button.isVisible()
    assert not dialog.is_dirty()


def test_record_a_new_offer(qtbot, store):
    app = _app("Quill & Ledger", "interviewing")
    dialog = _dialog(qtbot, app.id)
    assert dialog.windowTitle() == "Record an offer from Quill & Ledger"
    assert not dialog.decline_button.isVisible()
    assert dialog.received.date() == QDate(2025, 3, 12)
    assert dialog.deadline_day.date() == QDate(2025, 3, 19)
    dialog.amount.setText("$140,000")
    dialog.currency.setCurrentText("usd")
    dialog.zone.setCurrentText("America/New_York")
    dialog.notes.setPlainText("Équipe à Montréal")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save),
                         Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    record = offers.load_offer(saved.args[0])
    assert record.amount == Decimal("140000.00")
    assert record.currency == "USD"
    assert record.deadline == datetime(2025, 3, 19, 17, tzinfo=ZoneInfo("America/New_York"))
    assert record.notes == "Équipe à Montréal"
    assert _stage(app.id) == "offer"


def test_problems_are_sentences_and_nothing_typed_is_lost(qtbot, store):
    app = _app("Kestrel", "interviewing")
    dialog = _dialog(qtbot, app.id)
    dialog.amount.setText("74k")
    dialog.currency.setCurrentText("EURO")
    dialog.zone.setCurrentText("Mars/Olympus")
    dialog.notes.setPlainText("keep me")
    assert dialog.save() is None
    assert dialog.problems.isVisible()
    text = dialog.problems.text()
    assert "“74k” is not an amount" in text
    assert "“EURO” is not a currency code" in text
    assert "“Mars/Olympus” is not a time zone" in text
    assert dialog.focusWidget() is dialog.zone.lineEdit() or dialog.focusWidget() is dialog.zone
    assert (dialog.amount.text(), dialog.currency.currentText(), dialog.zone.currentText(),
            dialog.notes.toPlainText()) == ("74k", "EURO", "Mars/Olympus", "keep me")
    assert offers.offers_for(app.id) == []
    dialog.amount.setText("74000")
    dialog.currency.setCurrentText("EUR")
    dialog.zone.setCurrentText("Europe/Berlin")
    assert dialog.save() is not None
    assert not dialog.problems.isVisible()


def test_decline_with_other_processes_open_shows_advice_then_declines(qtbot, orbit):
    app_id, offer_id = orbit
    _app("Lumen Analytics", "awaiting_response")
    dialog = _dialog(qtbot, app_id, offer_id)
    assert not dialog.advice.isVisible()
    with qtbot.assertNotEmitted(dialog.declined_offer):
        qtbot.mouseClick(dialog.decline_button, Qt.MouseButton.LeftButton)
    assert dialog.advice.isVisible()
    assert dialog.advice.title.text() == "Before you decline: ask for more time?"
    assert "1 other application still open" in dialog.advice.message.text()
    assert dialog.advice.go_on_button.text() == "Decline anyway"
    assert dialog.advice.better_button.text() == "Ask for more time"
    assert dialog.isVisible()  # not modal: the dialog is still there, nothing decided yet
    assert offers.load_offer(offer_id).status == "pending"
    with qtbot.waitSignal(dialog.declined_offer) as declined:
        qtbot.mouseClick(dialog.advice.go_on_button, Qt.MouseButton.LeftButton)
    assert declined.args == [offer_id]
    assert offers.load_offer(offer_id).status == "declined"
    assert _stage(app_id) == "declined"
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_advice_better_way_asks_for_more_time_instead(qtbot, orbit):
    app_id, offer_id = orbit
    _app("Lumen Analytics", "awaiting_response")
    dialog = _dialog(qtbot, app_id, offer_id)
    dialog.decline_button.click()
    with qtbot.waitSignal(dialog.ask_more_time) as asked, \
            qtbot.assertNotEmitted(dialog.declined_offer):
        qtbot.mouseClick(dialog.advice.better_button, Qt.MouseButton.LeftButton)
    assert asked.args == [app_id]
    assert offers.load_offer(offer_id).status == "pending"
    assert _stage(app_id) == "offer"


def test_dismissing_the_advice_changes_nothing(qtbot, orbit):
    app_id, offer_id = orbit
    _app("Lumen Analytics", "applied")
    dialog = _dialog(qtbot, app_id, offer_id)
    dialog.decline_button.click()
    dialog.advice.close_button.click()
    assert not dialog.advice.isVisible()
    assert dialog.isVisible()
    assert offers.load_offer(offer_id).status == "pending"


def test_decline_without_other_processes_declines_at_once(qtbot, orbit):
    app_id, offer_id = orbit
    _app("Helix Bio", "rejected")
    dialog = _dialog(qtbot, app_id, offer_id)
    with qtbot.waitSignal(dialog.declined_offer):
        dialog.decline_button.click()
    assert not dialog.advice.isVisible()
    assert offers.load_offer(offer_id).status == "declined"


def test_ask_for_more_time_emits_the_application(qtbot, orbit):
    app_id, offer_id = orbit
    dialog = _dialog(qtbot, app_id, offer_id)
    dialog.notes.setPlainText("Asked for a week more")
    with qtbot.waitSignal(dialog.ask_more_time) as asked:
        qtbot.mouseClick(dialog.more_time_button, Qt.MouseButton.LeftButton)
    assert asked.args == [app_id]
    assert offers.load_offer(offer_id).notes == "Asked for a week more"  # edits were kept
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_accept(qtbot, orbit):
    app_id, offer_id = orbit
    dialog = _dialog(qtbot, app_id, offer_id)
    with qtbot.waitSignal(dialog.accepted_offer) as accepted:
        dialog.accept_button.click()
    assert accepted.args == [offer_id]
    assert offers.load_offer(offer_id).status == "accepted"
    assert _stage(app_id) == "accepted"


def test_a_decided_offer_offers_no_decisions(qtbot, orbit):
    app_id, offer_id = orbit
    offers.accept_offer(offer_id, NOW)
    dialog = _dialog(qtbot, app_id, offer_id)
    assert dialog.status_label.text() == "You accepted this offer."
    assert not dialog.accept_button.isVisible()
    assert not dialog.decline_button.isVisible()


def test_a_decision_with_invalid_edits_saves_nothing(qtbot, orbit):
    app_id, offer_id = orbit
    dialog = _dialog(qtbot, app_id, offer_id)
    dialog.amount.setText("lots")
    with qtbot.assertNotEmitted(dialog.accepted_offer):
        dialog.accept_button.click()
    assert dialog.problems.isVisible()
    assert offers.load_offer(offer_id).status == "pending"


def test_no_deadline(qtbot, store):
    app = _app("Pine & Co.", "interviewing")
    dialog = _dialog(qtbot, app.id)
    dialog.has_deadline.setChecked(False)
    assert not dialog.zone.isEnabled()
    dialog.zone.setCurrentText("nonsense")  # ignored without a deadline
    offer_id = dialog.save()
    assert offers.load_offer(offer_id).deadline is None


def test_cancel_with_changes_asks_first(qtbot, orbit, monkeypatch):
    app_id, offer_id = orbit
    answers = [False, True]
    monkeypatch.setattr(offer_dialog.ConfirmDiscard, "ask",
                        classmethod(lambda cls, parent: answers.pop(0)))
    dialog = _dialog(qtbot, app_id, offer_id)
    dialog.amount.setText("80000")
    dialog.reject()
    assert dialog.isVisible()
    dialog.reject()
    assert not dialog.isVisible()
    assert offers.load_offer(offer_id).amount == Decimal("74000.00")


def test_ask_returns_the_offer_id_and_reports_more_time(qtbot, orbit, monkeypatch):
    app_id, offer_id = orbit

    def fake_exec(self):
        self.request_more_time()
        return self.result()

    monkeypatch.setattr(OfferDialog, "exec", fake_exec)
    asked = []
    assert OfferDialog.ask(None, app_id, offer_id, "Europe/Berlin",
                           on_more_time=asked.append) == offer_id
    assert asked == [app_id]


def test_every_control_has_an_accessible_name(qtbot, orbit):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit

    app_id, offer_id = orbit
    dialog = _dialog(qtbot, app_id, offer_id)
    widgets = [w for kind in (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit)
               for w in dialog.findChildren(kind)]
    assert len(widgets) > 10
    for widget in widgets:
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
            continue
        if widget.parent() is not None and widget.parent().inherits("QAbstractSpinBox"):
            continue
        name = widget.accessibleName() or (widget.text() if hasattr(widget, "text") else "")
        assert name, widget
