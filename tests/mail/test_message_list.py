"""The list of replies on its own (pytest-qt, offscreen): rows, the message on screen, reading,
Dismiss, "Not about this application", choosing among candidates, the suggested action's
button, the empty state, and names for every control.

The messages are real .eml files of the corpus read through ``take_messages``
(tests/mail/inbox_ui_data.py); the actions handler is a recorder, since the list itself
only hands the suggested action on (the real ones are tested in test_inbox_view.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

from models import clock
from models.values import InboxState
from services.mail.inbox import actions
from services.mail.inbox.actions import InboxActionProblem
from tests.mail.inbox_ui_data import (
    AMBIGUOUS,
    COPPERLEAF_CALENDAR,
    NORTHWIND_REJECTION,
    PRIYA_OFFER,
    add_replies,
    in_inbox,
)
from ui.mail.message_list import MessageList
from ui.mail.message_rows import MessageRowDelegate


class Recorder:
    """Stands in for MessageActions: records the views it is asked to act on."""

    def __init__(self, answer: str = "Done it.", problem: str = "") -> None:
        self.ran: list = []
        self.answer, self.problem = answer, problem

    def run(self, view) -> str:
        self.ran.append(view)
        if self.problem:
            raise InboxActionProblem(self.problem)
        return self.answer


def make_list(qtbot, views, *, handler=None, show=True, **options) -> MessageList:
    widget = MessageList(None, handler or Recorder(), **options)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.set_messages(views)
    if show:
        widget.show()
        qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def replies(store):
    return add_replies(NORTHWIND_REJECTION, PRIYA_OFFER, AMBIGUOUS, COPPERLEAF_CALENDAR)


def test_the_model_passes_the_model_tester(qtmodeltester, replies):
    from ui.mail.message_rows import MessageListModel

    model = MessageListModel(show_application=True)
    model.set_views(actions.inbox())
    qtmodeltester.check(model, force_py=True)


def test_each_row_says_who_when_what_and_what_it_means(qtbot, replies):
    widget = make_list(qtbot, actions.inbox(), show=False, show_application=True)
    texts = [widget.model.data(widget.model.index(row)) for row in range(widget.model.rowCount())]
    northwind = next(text for text in texts if "Northwind" in text)
    view = in_inbox("Northwind Logistics")
    who, subject, meaning = northwind.split("\n")
    assert who.startswith(f"New · {view.from_name}, ")
    local = view.sent_at.astimezone(clock.user_zone())
    assert f"{local:%d} " in who and f"{local:%H:%M}" in who  # the user's clock, not UTC
    assert subject == view.subject
    assert meaning == "Rejection · Northwind Logistics — Operations Planner"
    assert widget.model.data(widget.model.index(0), Qt.ItemDataRole.FontRole).bold()
    assert isinstance(widget.list.itemDelegate(), MessageRowDelegate)
    ambiguous = next(text for text in texts if "Kestrel" in text)
    assert "Kestrel Group or Kestrel Digital: say which" in ambiguous


def test_the_message_on_screen_says_what_it_means_and_why(qtbot, replies):
    widget = make_list(qtbot, actions.inbox(), show_application=True)
    offer = in_inbox("Lumen Analytics GmbH")
    assert widget.select_uid(offer.uid)
    detail = widget.detail
    assert detail.subject.text() == offer.subject
    assert f"From: {offer.from_name} <{offer.from_address}>" in detail.facts.text()
    assert "About: Lumen Analytics GmbH — Senior Data Analyst" in detail.facts.text()
    assert detail.kind.text() == "What it means: Offer"
    assert all(f"• {reason}" in detail.reasons.text() for reason in offer.reasons)
    assert detail.match.text() == f"Why it is here: {offer.match_reason}"
    assert "They ask for an answer by " in detail.deadline.text()
    assert "Nothing changes until you click it." in detail.suggestion.text()
    assert detail.action_button.text() == "Record the offer"
    assert detail.action_button.isVisible() and detail.dismiss_button.isVisible()
    assert detail.not_this_button.text() == "Not about this application"


def test_mail_text_is_shown_as_plain_text_never_as_markup(qtbot, replies):
    view = replace(in_inbox("Northwind Logistics"), subject="<b>Bold</b> <img src=x>",
                   text="<h1>Hi</h1>")
    widget = make_list(qtbot, [view])
    assert widget.detail.subject.textFormat() == Qt.TextFormat.PlainText
    assert widget.detail.subject.text() == "<b>Bold</b> <img src=x>"
    assert widget.detail.text.toPlainText() == "<h1>Hi</h1>"


def test_the_preview_expands_to_the_whole_text(qtbot, replies):
    view = replace(in_inbox("Northwind Logistics"),
                   text="\n".join(f"Line {n}" for n in range(1, 31)))
    widget = make_list(qtbot, [view])
    detail = widget.detail
    assert "Line 10" in detail.text.toPlainText() and "Line 11" not in detail.text.toPlainText()
    assert detail.expand_button.isVisible()
    detail.expand_button.click()
    assert "Line 30" in detail.text.toPlainText() and detail.expanded
    assert detail.expand_button.text() == "Show less"
    detail.expand_button.click()
    assert "Line 30" not in detail.text.toPlainText()


def test_opening_a_message_marks_it_read_but_a_hidden_list_reads_nothing(qtbot, replies):
    widget = make_list(qtbot, actions.inbox(), show=False)
    assert {view.state for view in actions.inbox()} == {InboxState.NEW.value}
    with qtbot.waitSignal(widget.read):
        widget.show()
    first = widget.current()
    assert first.state == InboxState.READ.value
    stored = {view.uid: view.state for view in actions.inbox()}
    assert stored[first.uid] == "read"
    assert sorted(stored.values()).count("new") == 3
    second = actions.inbox()[1]
    widget.list.setCurrentIndex(widget.model.index(1))
    assert {view.uid: view.state for view in actions.inbox()}[second.uid] == "read"
    assert not widget.model.data(widget.model.index(1), Qt.ItemDataRole.FontRole)
    assert widget.model.data(widget.model.index(1)).startswith(second.from_name)


def test_dismiss_and_not_about_this_application(qtbot, replies):
    rejection, offer = in_inbox("Northwind Logistics"), in_inbox("Lumen Analytics GmbH")
    widget = make_list(qtbot, actions.inbox())
    widget.select_uid(rejection.uid)
    with qtbot.waitSignal(widget.changed):
        widget.detail.dismiss_button.click()
    assert widget.outcome.text() == "Dismissed."
    assert rejection.uid not in {view.uid for view in actions.inbox()}
    assert actions.messages_for(rejection.application_id)[0].state == "dismissed"
    widget.select_uid(offer.uid)
    with qtbot.waitSignal(widget.changed):
        widget.detail.not_this_button.click()
    assert "not about Lumen Analytics GmbH" in widget.outcome.text()
    assert offer.uid not in {view.uid for view in actions.inbox()}
    assert offer.uid not in {view.uid for view in actions.messages_for(offer.application_id)}


def test_a_message_two_applications_fit_asks_which_one(qtbot, replies):
    ambiguous = next(view for view in actions.inbox() if view.candidates)
    widget = make_list(qtbot, [ambiguous])
    detail = widget.detail
    assert detail.choice_holder.isVisible()
    assert detail.choice_label.text() == "&Which application is this about?"
    assert detail.choice_label.buddy() is detail.choice
    assert [detail.choice.itemText(n) for n in range(detail.choice.count())] == [
        "Kestrel Group — Product Manager, Payments", "Kestrel Digital — UX Researcher"]
    assert not detail.action_button.isVisible() and not detail.not_this_button.isVisible()
    assert "Say which one it is about" in detail.suggestion.text()
    detail.choice.setCurrentIndex(1)
    with qtbot.waitSignal(widget.changed):
        detail.choose_button.click()
    assert widget.outcome.text() == "The message is now with Kestrel Digital."
    chosen = next(view for view in actions.inbox() if view.uid == ambiguous.uid)
    assert chosen.company == "Kestrel Digital" and chosen.candidates == ()
    assert chosen.suggested_action == "mark_rejected"
    widget.set_messages([chosen])
    assert not detail.choice_holder.isVisible() and detail.action_button.isVisible()


def test_the_suggested_action_goes_to_the_handler_and_its_sentence_shows(qtbot, replies):
    handler = Recorder("Marked as rejected.")
    rejection = in_inbox("Northwind Logistics")
    widget = make_list(qtbot, [rejection], handler=handler)
    assert widget.detail.action_button.text() == "Mark as rejected"
    assert not widget.detail.action_button.autoDefault()
    with qtbot.waitSignal(widget.changed):
        widget.detail.action_button.click()
    assert [view.uid for view in handler.ran] == [rejection.uid]
    assert widget.outcome.isVisible() and widget.outcome.text() == "Marked as rejected."
    handler.problem = "That application is gone. Nothing was changed."
    widget.detail.action_button.click()
    assert widget.problem.isVisible() and not widget.outcome.isVisible()
    assert widget.problem.text() == "That application is gone. Nothing was changed."


def test_a_handled_message_offers_no_action_twice(qtbot, replies):
    rejection = in_inbox("Northwind Logistics")
    actions.dismiss(rejection.uid)
    (stored,) = actions.messages_for(rejection.application_id)
    widget = make_list(qtbot, [stored])
    detail = widget.detail
    assert not detail.action_button.isVisible() and not detail.dismiss_button.isVisible()
    assert detail.state.text().startswith("You dismissed this message")
    assert widget.model.data(widget.model.index(0)).startswith("Dismissed · ")


def test_the_empty_state_is_a_calm_sentence(qtbot, store):
    widget = make_list(qtbot, [], empty_text="No replies yet.")
    assert widget.showing_empty()
    assert widget.empty.text() == "No replies yet."
    assert widget.current() is None


def test_every_control_has_a_name_and_takes_the_keyboard(qtbot, replies):
    widget = make_list(qtbot, actions.inbox(), show_application=True)
    ambiguous = next(view for view in actions.inbox() if view.candidates)
    widget.select_uid(ambiguous.uid)
    controls = [*widget.findChildren(QAbstractButton), widget.list, widget.detail.text]
    for control in (control for control in controls if control.isVisible()):
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control
    for combo in widget.findChildren(QComboBox):
        assert combo.accessibleName()
        labels = [label for label in widget.findChildren(QWidget)
                  if getattr(label, "buddy", lambda: None)() is combo]
        assert labels, "every combo has a label"


def test_tab_goes_from_the_list_through_the_buttons_and_the_text(qtbot, replies):
    widget = make_list(qtbot, actions.inbox(), show_application=True)
    widget.select_uid(in_inbox("Northwind Logistics").uid)
    widget.activateWindow()
    widget.list.setFocus()
    qtbot.waitUntil(widget.list.hasFocus, timeout=5000)
    detail = widget.detail
    visited = []
    for _ in range(8):
        qtbot.keyClick(widget.focusWidget(), Qt.Key.Key_Tab)
        visited.append(widget.focusWidget())
    assert visited[:5] == [detail.action_button, detail.dismiss_button, detail.not_this_button,
                           detail.open_button, detail.text]
    detail.action_button.setFocus()
    with qtbot.waitSignal(widget.changed):
        qtbot.keyClick(detail.action_button, Qt.Key.Key_Space)
