"""The Inbox section in the real window (pytest-qt, offscreen): the navigation's count, each
suggested action carried out for real (the stage and its history change only on the click;
the offer dialog with the message's answer date; the invitation imported from the message's
calendar part; a new round by hand; a threaded reply in the composer), Dismiss, "Not about
this application", choosing among candidates, the dashboard's "N new replies", the empty
state, and opening an application.

Messages are real .eml files of the corpus read through ``take_messages``
(tests/mail/inbox_ui_data.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models import clock
from models.application import Application, StageChange
from models.email import Email
from models.interview import InterviewRound
from services.applications import offers
from services.core import settings
from services.mail.inbox import actions
from tests.mail.inbox_ui_data import (
    AMBIGUOUS,
    COPPERLEAF_CALENDAR,
    KESTREL_ROUND,
    NORTHWIND_REJECTION,
    PRIYA_OFFER,
    PRIYA_REPLY,
    add_replies,
    in_inbox,
    make_window,
    take,
)
from ui.applications.offer_dialog import OfferDialog

ALL = (NORTHWIND_REJECTION, PRIYA_REPLY, PRIYA_OFFER, KESTREL_ROUND, AMBIGUOUS,
       COPPERLEAF_CALENDAR)


def nav_text(window, key: str) -> str:
    return window.nav.item(window.view_keys().index(key)).text()


def open_inbox(window, company: str | None = None):
    window.show_view("inbox")
    view = window.view("inbox")
    if company is not None:
        assert view.messages.select_uid(in_inbox(company).uid)
    return view


def click_action(qtbot, view) -> None:
    with qtbot.waitSignal(view.messages.changed):
        view.messages.detail.action_button.click()


def test_the_navigation_counts_the_replies_and_follows_refresh_messages(qtbot, store):
    replies = add_replies(NORTHWIND_REJECTION)
    window = make_window(qtbot, store)
    qtbot.waitUntil(lambda: nav_text(window, "inbox") == "Inbox (1)", timeout=5000)
    assert window.view_actions["inbox"].shortcut().toString() == "Ctrl+2"
    take(PRIYA_REPLY, AMBIGUOUS)  # a pass of the watcher …
    assert nav_text(window, "inbox") == "Inbox (1)"
    with qtbot.waitSignal(window.messages_refreshed):
        window.refresh_messages()  # … and its call after the pass
    assert nav_text(window, "inbox") == "Inbox (3)"
    window.view_actions["inbox"].trigger()
    assert window.current_view_key() == "inbox"
    assert len(window.view("inbox").messages.views()) == 3
    actions.dismiss(in_inbox("Northwind Logistics").uid)
    for view in actions.inbox():
        actions.not_about_this(view.uid)
    window.refresh_messages()
    assert nav_text(window, "inbox") == "Inbox"
    assert replies.search.northwind.id


def test_mark_as_rejected_changes_the_stage_only_on_the_click(qtbot, store):
    replies = add_replies(NORTHWIND_REJECTION)
    northwind = replies.search.northwind
    window = make_window(qtbot, store)
    view = open_inbox(window, "Northwind Logistics")
    assert view.messages.detail.action_button.text() == "Mark as rejected"
    # Reading, opening and refreshing change nothing.
    window.refresh_messages()
    assert Application.get_by_id(northwind.id).stage == "applied"
    assert not StageChange.select().where(StageChange.application == northwind.id).exists()
    click_action(qtbot, view)
    assert Application.get_by_id(northwind.id).stage == "rejected"
    (change,) = StageChange.select().where(StageChange.application == northwind.id)
    assert (change.from_stage, change.to_stage) == ("applied", "rejected")
    assert change.note.startswith("Reply from ") and "Northwind" in change.note
    assert "now marked as rejected" in view.messages.outcome.text()
    assert view.messages.views() == [] and nav_text(window, "inbox") == "Inbox"
    assert view.messages.showing_empty()


def test_dismiss_and_not_about_this_application_take_the_message_away(qtbot, store):
    add_replies(NORTHWIND_REJECTION, PRIYA_REPLY)
    window = make_window(qtbot, store)
    view = open_inbox(window, "Northwind Logistics")
    with qtbot.waitSignal(view.messages.changed):
        view.messages.detail.dismiss_button.click()
    assert [v.company for v in view.messages.views()] == ["Lumen Analytics GmbH"]
    assert nav_text(window, "inbox") == "Inbox (1)"
    view.messages.select_uid(in_inbox("Lumen Analytics GmbH").uid)
    with qtbot.waitSignal(view.messages.changed):
        view.messages.detail.not_this_button.click()
    assert view.messages.views() == [] and nav_text(window, "inbox") == "Inbox"
    assert "Settings → Email account" in view.messages.empty.text()


def test_choosing_among_candidates_then_acting(qtbot, store):
    replies = add_replies(AMBIGUOUS)
    window = make_window(qtbot, store)
    view = open_inbox(window)
    detail = view.messages.detail
    assert view.messages.current().candidates
    detail.choice.setCurrentIndex(detail.choice.findData(replies.search.kestrel.id))
    with qtbot.waitSignal(view.messages.changed):
        detail.choose_button.click()
    assert view.messages.current().company == "Kestrel Group"
    assert detail.action_button.isVisible() and detail.action_button.text() == "Mark as rejected"
    click_action(qtbot, view)
    assert Application.get_by_id(replies.search.kestrel.id).stage == "rejected"
    assert Application.get_by_id(replies.search.kestrel_digital.id).stage == "interviewing"


def test_reply_opens_the_composer_threaded(qtbot, store):
    add_replies(PRIYA_REPLY)
    message = in_inbox("Lumen Analytics GmbH")
    window = make_window(qtbot, store)
    view = open_inbox(window, "Lumen Analytics GmbH")
    assert view.messages.detail.action_button.text() == "Reply"
    click_action(qtbot, view)
    assert window.current_view_key() == "compose"
    composer = window.view("compose")
    assert message.subject.startswith("Re: ")
    assert composer.subject.text() == message.subject  # no "Re: Re:"
    assert composer.to_address.text() == message.from_address
    assert composer.to_name.text() == message.from_name
    assert composer.body.toPlainText().startswith("Dear Priya,")
    assert "> " in composer.body.toPlainText()  # the message answered, quoted
    email = Email.get_by_id(composer.drafts[0].email_id)
    assert email.in_reply_to == message.message_id
    assert email.references.split() == [*message.references, message.message_id]
    assert email.template_key == "reply" and email.state == "draft"
    assert actions.messages_for(message.application_id)[0].state == "acted"
    assert nav_text(window, "inbox") == "Inbox"


def test_record_the_offer_with_the_answer_date_from_the_message(qtbot, store, monkeypatch):
    replies = add_replies(PRIYA_OFFER)
    message = in_inbox("Lumen Analytics GmbH")
    assert message.deadline is not None
    seen = {}

    def ask(cls, parent, application_id, offer_id=None, zone_name="UTC", on_more_time=None,
            *, received_on=None, deadline=None):
        dialog = cls(parent, application_id, offer_id, zone_name, received_on=received_on,
                     deadline=deadline)
        seen["deadline"] = dialog.deadline_day.date().toPython()
        seen["received"] = dialog.received.date().toPython()
        seen["checked"] = dialog.has_deadline.isChecked()
        dialog.amount.setText("68,000")
        saved = dialog.save()
        dialog.deleteLater()
        return saved

    monkeypatch.setattr(OfferDialog, "ask", classmethod(ask))
    window = make_window(qtbot, store)
    view = open_inbox(window, "Lumen Analytics GmbH")
    assert view.messages.detail.action_button.text() == "Record the offer"
    click_action(qtbot, view)
    assert seen["deadline"] == message.deadline and seen["checked"]
    assert seen["received"] == message.sent_at.astimezone(clock.user_zone()).date()
    (offer,) = offers.offers_for(replies.search.lumen.id)
    assert offer.deadline.date() == message.deadline and str(offer.amount) == "68000.00"
    assert actions.messages_for(replies.search.lumen.id)[0].state == "acted"
    assert view.messages.outcome.text() == "The offer from Lumen Analytics GmbH is recorded."


def test_cancelling_the_offer_dialog_changes_nothing(qtbot, store, monkeypatch):
    replies = add_replies(PRIYA_OFFER)
    monkeypatch.setattr(OfferDialog, "ask", classmethod(lambda cls, *a, **k: None))
    window = make_window(qtbot, store)
    view = open_inbox(window, "Lumen Analytics GmbH")
    click_action(qtbot, view)
    assert offers.offers_for(replies.search.lumen.id) == []
    assert actions.messages_for(replies.search.lumen.id)[0].state == "read"
    assert not view.messages.outcome.isVisible()


def test_add_the_interview_from_the_calendar_invitation_in_the_message(qtbot, store):
    replies = add_replies(COPPERLEAF_CALENDAR)
    window = make_window(qtbot, store)
    view = open_inbox(window, "Copperleaf Games")
    assert view.messages.detail.action_button.text() == "Add the interview"
    click_action(qtbot, view)
    (round_,) = InterviewRound.select().where(InterviewRound.application == replies.copperleaf.id)
    assert round_.ical_uid and round_.title.startswith("Final round")
    assert round_.tz_name and round_.starts_at.year == 2026
    assert "Created: the interview" in view.messages.outcome.text()
    assert actions.messages_for(replies.copperleaf.id)[0].state == "acted"


def test_add_the_interview_by_hand_when_the_message_has_no_invitation(qtbot, store):
    replies = add_replies(KESTREL_ROUND)
    window = make_window(qtbot, store)
    view = open_inbox(window, "Kestrel Group")
    click_action(qtbot, view)
    editor = window.editor
    qtbot.waitExposed(editor)
    assert editor.tabs.currentIndex() == 1 and len(editor.data.rounds) == 1
    assert actions.messages_for(replies.search.kestrel.id)[0].state == "read"  # not yet
    editor.round_editor.title.setText("Second round")
    assert editor.save()
    assert actions.messages_for(replies.search.kestrel.id)[0].state == "acted"
    assert nav_text(window, "inbox") == "Inbox"


def test_enter_on_a_row_opens_its_application(qtbot, store):
    replies = add_replies(NORTHWIND_REJECTION)
    window = make_window(qtbot, store)
    view = open_inbox(window, "Northwind Logistics")
    view.messages.list.setFocus()
    qtbot.keyClick(view.messages.list, Qt.Key.Key_Return)
    editor = window.editor
    qtbot.waitExposed(editor)
    assert editor.application_id == replies.search.northwind.id
    editor.reject()


def test_the_dashboard_line_shows_only_while_replies_wait(qtbot, store):
    add_replies()
    window = make_window(qtbot, store)
    window.show_view("dashboard")
    dashboard = window.view("dashboard")
    assert not dashboard.replies_button.isVisible()
    take(NORTHWIND_REJECTION, PRIYA_REPLY)
    window.refresh_messages()
    assert dashboard.replies_button.isVisible()
    assert dashboard.replies_button.text() == "2 new replies"
    dashboard.replies_button.click()
    assert window.current_view_key() == "inbox"


@pytest.mark.parametrize("mailbox", [False, True])
def test_the_empty_inbox_says_how_to_set_up_the_mailbox(qtbot, store, mailbox):
    if mailbox:
        settings.put("imap.host", "imap.example.org")
    window = make_window(qtbot, store)
    view = open_inbox(window)
    empty = view.messages.empty.text()
    assert view.messages.showing_empty()
    assert empty.startswith("No replies to look at. When a company writes back")
    assert ("Settings → Email account" in empty) is not mailbox
    assert view.setup_button.isVisible() is not mailbox
    if not mailbox:
        view.setup_button.click()
        settings_view = window.view("settings")
        assert window.current_view_key() == "settings"
        assert "Email account" in settings_view.tabs.tabText(settings_view.tabs.currentIndex())
