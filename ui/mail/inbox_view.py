"""The Inbox section: the replies from every application still to look at.

:class:`InboxView` is built by the window the first time it is shown (:mod:`ui.shell.views`)
and lists :func:`services.mail.inbox.actions.inbox` in a
:class:`ui.mail.message_list.MessageList`: each row names its application, Enter or
"Open the application" opens it in the editor, and each message offers its one suggested
action (:class:`ui.mail.message_actions.MessageActions`), "Dismiss" and "Not about this
application". After every change it asks the window to recount
(``window.refresh_messages()``, which refreshes this view too). Where no mailbox is set up
it says how to set one up.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.mail.imap.imap_account import load_imap_account
from services.mail.inbox import actions
from ui.mail.message_actions import MessageActions
from ui.mail.message_list import MessageList
from ui.shell.accessible import message_label
from ui.shell.labels import section_title

__all__ = ["InboxView", "empty_text", "mailbox_hint"]

_NONE_YET = ("No replies to look at. When a company writes back about one of your "
             "applications, its message appears here, with what it means and what to do next.")
_NO_MAILBOX = ("Next Steps is not reading a mailbox yet. To have it watch for replies, set up "
               "your mailbox in Settings → Email account, under “Incoming mail”.")


def mailbox_hint() -> str:
    """How to set up the mailbox, or "" when one is set up."""
    return "" if load_imap_account() is not None else _NO_MAILBOX


def empty_text(first: str = _NONE_YET, hint: str | None = None) -> str:
    """``first``, and how to set up the mailbox when none is (``hint``: already read)."""
    hint = mailbox_hint() if hint is None else hint
    return f"{first}\n\n{hint}" if hint else first


class InboxView(QWidget):
    """Replies to look at (accessible name "Inbox"); ``window`` is the main window."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.setAccessibleName("Inbox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(section_title("Inbox", self))
        self.summary = QLabel(self)
        message_label(self.summary, "Summary")
        top.addWidget(self.summary, 1)
        self.setup_button = QPushButton("Set up the mailbox…", self)
        self.setup_button.setToolTip("Settings → Email account: the mailbox Next Steps reads")
        self.setup_button.clicked.connect(self.open_mailbox_settings)
        top.addWidget(self.setup_button)
        layout.addLayout(top)
        self.actions = MessageActions(window, self)
        self.messages = MessageList(self, self.actions, name="Replies to look at",
                                    show_application=True)
        self.messages.changed.connect(self._on_changed)
        self.messages.open_requested.connect(window.open_editor)
        layout.addWidget(self.messages, 1)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        refreshed = getattr(window, "messages_refreshed", None)
        if refreshed is not None:
            refreshed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Read the replies to look at again."""
        self.window_.ensure_store()
        views = actions.inbox()
        hint = mailbox_hint()
        self.messages.set_empty_text(empty_text(_NONE_YET, hint))
        self.messages.set_messages(views)
        count = len(views)
        self.summary.setText(
            f"{count:,} {'reply' if count == 1 else 'replies'} to look at · nothing changes "
            "until you click" if count else "")
        self.setup_button.setVisible(bool(hint))

    def showEvent(self, event) -> None:
        """Shown: read the replies again (the watcher may have brought new ones)."""
        self.refresh()
        super().showEvent(event)

    def _on_changed(self) -> None:
        refresh = getattr(self.window_, "refresh_messages", None)
        if refresh is not None:
            refresh()
        else:
            self.refresh()

    def open_mailbox_settings(self) -> None:
        """Show Settings → Email account."""
        self.window_.show_view("settings")
        self.window_.view("settings").show_tab("Email account")
