"""The application editor's "Messages" tab: the replies read from the mailbox about it.

:func:`build_messages_tab` adds the tab to :class:`ui.applications.editor.ApplicationEditor`
(as ``editor.messages_tab``); its title counts the messages not opened yet ("Messages (2)").
It lists :func:`services.mail.inbox.actions.messages_for` in a
:class:`ui.mail.message_list.MessageList`, handled ones too. The suggested actions are the
inbox's (:class:`ui.mail.message_actions.MessageActions`), adapted to the open form
(:class:`EditorMessageActions`): what was typed is saved first, the form shows what the
action stored afterwards, the new round is added in the Interviews tab, and a reply closes
the editor for the composer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from models.values import InboxState
from services.mail.inbox import actions
from services.mail.inbox.actions import MessageView
from ui.mail.inbox_view import empty_text
from ui.mail.message_actions import MessageActions
from ui.mail.message_list import MessageList

__all__ = ["EditorMessageActions", "MessagesTab", "build_messages_tab"]

TITLE = "&Messages"
_NONE_YET = ("No replies about this application yet. When the company writes back, its "
             "message appears here, with what it means and what to do next.")
_NOT_SAVED = ("Replies from the company appear here once the application is saved and "
              "Next Steps reads your mailbox.")


class EditorMessageActions(MessageActions):
    """The suggested actions as the open editor needs them."""

    def __init__(self, editor) -> None:
        super().__init__(editor.parent(), editor)
        self.editor = editor
        #: Messages whose new round is being added by hand: done once the editor saves.
        self.pending: list[str] = []
        editor.saved.connect(self._on_saved)

    def ready(self) -> bool:
        """Save what was typed first (nothing typed is lost); False when it cannot be saved
        (the editor then says why)."""
        editor = self.editor
        if editor.application_id is None:
            return False
        return not editor.is_dirty() or editor.save_keep_open()

    def applications_changed(self, application_ids: list[int]) -> None:
        """Show what the action stored in the form (the window hears ``saved``)."""
        self.editor.show_stored()

    def ask_more_time(self, application_id: int) -> None:
        """The request for more time, as the editor's own offer button makes it."""
        self.editor.ask_more_time()

    def new_round(self, view: MessageView) -> str:
        """A new round in the Interviews tab; the message is done once the editor saves."""
        self.pending.append(view.uid)
        self.editor.add_round()
        return ("Enter the interview's day, time and people in the Interviews tab, then save; "
                "the message then counts as done.")

    def _on_saved(self, _application_id: int) -> None:
        pending, self.pending = self.pending, []
        for uid in pending:
            self.acted_later(uid)

    def open_reply(self, draft) -> None:
        """Close the editor (its form is saved) and show the reply in the composer."""
        self.editor.accept()
        self.window.open_reply(draft)


class MessagesTab(QWidget):
    """The tab's page: the messages about the editor's application."""

    def __init__(self, editor) -> None:
        super().__init__()
        self.editor = editor
        self.window_ = editor.parent()
        layout = QVBoxLayout(self)
        self.actions = EditorMessageActions(editor)
        self.messages = MessageList(self, self.actions, name="Messages about this application")
        self.messages.changed.connect(self._on_changed)
        self.messages.read.connect(self.update_title)
        layout.addWidget(self.messages)
        editor.saved.connect(lambda _id: self.refresh())
        refreshed = getattr(self.window_, "messages_refreshed", None)
        if refreshed is not None:
            refreshed.connect(self.refresh)

    def refresh(self) -> None:
        """Read the application's messages again and count the new ones in the title."""
        application_id = self.editor.application_id
        if application_id is None:
            self.messages.set_empty_text(empty_text(_NOT_SAVED))
            self.messages.set_messages([])
        else:
            self.messages.set_empty_text(empty_text(_NONE_YET))
            self.messages.set_messages(actions.messages_for(application_id))
        self.update_title()

    def new_count(self) -> int:
        """How many of the messages listed were not opened yet."""
        return sum(1 for view in self.messages.views() if view.state == InboxState.NEW.value)

    def update_title(self) -> None:
        """"Messages (2)" while two are new; "Messages" otherwise."""
        index = self.editor.tabs.indexOf(self)
        if index >= 0:
            count = self.new_count()
            self.editor.tabs.setTabText(index, f"{TITLE} ({count})" if count else TITLE)

    def _on_changed(self) -> None:
        refresh = getattr(self.window_, "refresh_messages", None)
        if refresh is not None:
            refresh()  # the window refreshes this tab too (messages_refreshed)
        if refresh is None or not hasattr(self.window_, "messages_refreshed"):
            self.refresh()


def build_messages_tab(editor) -> MessagesTab:
    """Add the "Messages" tab to ``editor.tabs`` (as ``editor.messages_tab``) and fill it."""
    editor.messages_tab = MessagesTab(editor)
    editor.tabs.addTab(editor.messages_tab, TITLE)
    editor.messages_tab.refresh()
    return editor.messages_tab
