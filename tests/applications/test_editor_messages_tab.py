"""The application editor's "Messages" tab (pytest-qt, offscreen): its count of new messages,
reading, the suggested actions with the open form (typed edits saved first, the form shown
as stored after), a new round by hand, a reply that closes the editor for the composer, a
message arriving while the editor is open, and a new application.

Messages are real .eml files of the corpus read through ``take_messages``
(tests/mail/inbox_ui_data.py).
"""

from __future__ import annotations

from models.application import Application, StageChange
from services.mail.inbox import actions
from tests.mail.inbox_ui_data import (
    KESTREL_ROUND,
    NORTHWIND_REJECTION,
    PRIYA_OFFER,
    PRIYA_REPLY,
    add_replies,
    make_window,
    take,
)


def open_editor(qtbot, window, application_id):
    window.open_editor(application_id)
    editor = window.editor
    qtbot.waitExposed(editor)
    return editor


def show_messages(editor):
    editor.tabs.setCurrentWidget(editor.messages_tab)
    return editor.messages_tab.messages


def test_the_third_tab_counts_the_new_messages_until_they_are_read(qtbot, store):
    replies = add_replies(PRIYA_REPLY, PRIYA_OFFER)
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, replies.search.lumen.id)
    assert [editor.tabs.tabText(n) for n in range(3)] == ["&Application", "&Interviews",
                                                          "&Messages (2)"]
    assert editor.tabs.currentIndex() == 0
    assert {v.state for v in actions.messages_for(replies.search.lumen.id)} == {"new"}
    messages = show_messages(editor)
    assert len(messages.views()) == 2
    assert editor.tabs.tabText(2) == "&Messages (1)"  # the first one is on screen: read
    messages.list.setCurrentIndex(messages.model.index(1))
    assert editor.tabs.tabText(2) == "&Messages"
    assert {v.state for v in actions.messages_for(replies.search.lumen.id)} == {"read"}
    assert not messages.detail.open_button.isVisible()  # the application is this one
    editor.reject()


def test_mark_as_rejected_keeps_what_was_typed_and_shows_the_new_stage(qtbot, store):
    replies = add_replies(NORTHWIND_REJECTION)
    northwind = replies.search.northwind.id
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, northwind)
    editor.notes.setPlainText("Typed before the click")
    messages = show_messages(editor)
    assert Application.get_by_id(northwind).stage == "applied"
    with qtbot.waitSignal(messages.changed):
        messages.detail.action_button.click()
    stored = Application.get_by_id(northwind)
    assert stored.stage == "rejected" and stored.notes == "Typed before the click"
    assert editor.stage.currentData() == "rejected" and not editor.is_dirty()
    notes = [c.note for c in StageChange.select().where(StageChange.application == northwind)
             .order_by(StageChange.id)]
    assert notes[-1].startswith("Reply from ")
    history = "\n".join(editor.history.item(n).text() for n in range(editor.history.count()))
    assert "Rejected" in history
    assert messages.views()[0].state == "acted"
    assert messages.detail.state.text() == "Done: you acted on this message."
    assert not messages.detail.action_button.isVisible()
    editor.reject()


def test_a_new_round_by_hand_counts_once_the_editor_saves(qtbot, store):
    replies = add_replies(KESTREL_ROUND)
    kestrel = replies.search.kestrel.id
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, kestrel)
    messages = show_messages(editor)
    assert messages.detail.action_button.text() == "Add the interview"
    messages.detail.action_button.click()
    assert editor.tabs.currentIndex() == 1 and len(editor.data.rounds) == 1
    assert "Interviews tab" in messages.outcome.text()
    assert actions.messages_for(kestrel)[0].state == "read"
    editor.round_editor.title.setText("Second round")
    assert editor.save_keep_open()
    assert actions.messages_for(kestrel)[0].state == "acted"
    assert editor.messages_tab.messages.views()[0].state == "acted"
    editor.reject()


def test_reply_closes_the_editor_and_opens_the_composer(qtbot, store):
    replies = add_replies(PRIYA_REPLY)
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, replies.search.lumen.id)
    editor.salary_notes.setText("Typed, then reply")
    messages = show_messages(editor)
    messages.detail.action_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    assert Application.get_by_id(replies.search.lumen.id).salary_notes == "Typed, then reply"
    assert window.current_view_key() == "compose"
    composer = window.view("compose")
    assert composer.drafts and composer.drafts[0].to_address == "priya.raman@lumen-analytics.com"


def test_a_message_read_by_the_watcher_while_the_editor_is_open_shows_up(qtbot, store):
    replies = add_replies()
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, replies.search.northwind.id)
    assert editor.tabs.tabText(2) == "&Messages"
    assert editor.messages_tab.messages.showing_empty()
    take(NORTHWIND_REJECTION)
    window.refresh_messages()
    assert editor.tabs.tabText(2) == "&Messages (1)"
    assert len(editor.messages_tab.messages.views()) == 1
    editor.reject()


def test_a_new_application_says_its_replies_come_once_it_is_saved(qtbot, store):
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, None)
    empty = editor.messages_tab.messages.empty.text()
    assert empty.startswith("Replies from the company appear here once the application is saved")
    assert editor.tabs.tabText(2) == "&Messages"
    editor.reject()


def test_a_closed_editor_no_longer_hears_the_window(qtbot, store):
    from PySide6.QtCore import QCoreApplication, QEvent

    replies = add_replies(NORTHWIND_REJECTION)
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, replies.search.northwind.id)
    editor.reject()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    take(PRIYA_REPLY)
    window.refresh_messages()  # the deleted tab is not called (no error, no warning)
    assert window.nav.item(1).text() == "Inbox (2)"


def test_a_reply_begun_from_a_message_can_be_taken_up_again(qtbot, store):
    replies = add_replies(PRIYA_REPLY)
    window = make_window(qtbot, store)
    editor = open_editor(qtbot, window, replies.search.lumen.id)
    show_messages(editor).detail.action_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    first = window.view("compose").drafts[0].email_id
    window.show_view("calendar")  # the composer moves on; the reply stays a draft
    editor = open_editor(qtbot, window, replies.search.lumen.id)
    messages = show_messages(editor)
    assert messages.views()[0].state == "acted"
    assert messages.detail.action_button.isVisible()
    assert messages.detail.action_button.text() == "Reply"
    messages.detail.action_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    assert window.current_view_key() == "compose"
    assert [d.email_id for d in window.view("compose").drafts] == [first]
