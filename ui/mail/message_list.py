"""Replies read from the mailbox as a list beside the one on screen, with the one action
that follows from each.

:class:`MessageList` shows :class:`services.mail.inbox.actions.MessageView` objects: the
messages on the left (sender, subject, date, what it means, "New" while unread; in the
inbox also the application), the chosen one on the right
(:class:`ui.mail.message_detail.MessageDetail`). It does what needs no other dialog itself:
opening a message marks it read, "Dismiss", "Not about this application", and for a
message two applications fit, "This one". The suggested action (mark rejected, record the
offer, add the interview, reply) goes to the ``actions`` it was given
(:class:`ui.mail.message_actions.MessageActions`). After every change it emits
``changed``; its owner then calls :meth:`MessageList.set_messages` with fresh views
(``read`` only asks for a recount). The application editor's "Messages" tab and the Inbox
section both use it.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import peewee
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.values import InboxState
from services.core.write_problems import explain_write_error
from services.mail.inbox import actions
from services.mail.inbox.actions import InboxActionProblem, MessageView
from ui.mail.message_detail import MessageDetail
from ui.mail.message_rows import MessageListModel, MessageRowDelegate
from ui.shell.labels import banner_label

__all__ = ["MessageList"]

log = logging.getLogger(__name__)
#: What a write that failed (a full disk, a read-only folder) raises.
WRITE_ERRORS = (peewee.DatabaseError, OSError)


class MessageList(QWidget):
    """Messages on the left, the one chosen on the right, or a calm sentence when none.

    ``actions`` carries out a message's suggested action (``run(view)`` returns the
    sentence to show, "" when nothing happened); ``show_application`` adds each message's
    application to its row and offers "Open the application"; ``name`` is the list's
    accessible name.
    """

    #: A message was acted on, dismissed, moved or chosen: the owner re-reads the messages.
    changed = Signal()
    #: A message was opened and is read now: the owner recounts what is new.
    read = Signal()
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None, actions_handler, *, name: str = "Messages",
                 show_application: bool = False, empty_text: str = "") -> None:
        super().__init__(parent)
        self.actions = actions_handler
        self.show_application = show_application
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.problem = banner_label(self, "problem", "Problem with a message", "MessageProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.problem)
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome.setAccessibleDescription("What was done")
        self.outcome.hide()
        layout.addWidget(self.outcome)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages, 1)
        self.pages.addWidget(self._build_messages(name))
        self.pages.addWidget(self._build_empty(name, empty_text))
        self.pages.setCurrentIndex(1)

    def _build_messages(self, name: str) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal, self.pages)
        self.model = MessageListModel(self, show_application=self.show_application)
        self.list = QListView(splitter)
        self.list.setAccessibleName(name)
        self.list.setModel(self.model)
        self.list.setItemDelegate(MessageRowDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumWidth(260)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.list.activated.connect(self._on_activated)
        self.detail = MessageDetail(splitter, show_application=self.show_application)
        self.detail.action_clicked.connect(self._run_action)
        self.detail.dismiss_clicked.connect(lambda: self._do(actions.dismiss, "Dismissed."))
        self.detail.not_this_clicked.connect(self._not_this)
        self.detail.choose_clicked.connect(self._choose)
        self.detail.open_clicked.connect(self._open_current)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([360, 620])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _build_empty(self, name: str, text: str) -> QWidget:
        """The page shown when there is no message: a calm sentence, centred."""
        page = QWidget(self.pages)
        row = QHBoxLayout(page)
        self.empty = QLabel(text, page)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMaximumWidth(560)
        self.empty.setAccessibleDescription(f"{name}: none")
        row.addStretch(1)
        row.addWidget(self.empty, 4)
        row.addStretch(1)
        return page

    def showing_empty(self) -> bool:
        """True while the sentence for no messages shows instead of the list."""
        return self.pages.currentIndex() == 1

    # -- showing --------------------------------------------------------------------------
    def set_empty_text(self, text: str) -> None:
        """The sentence shown when there is no message."""
        self.empty.setText(text)

    def set_messages(self, views: list[MessageView]) -> None:
        """Show ``views``, keeping the message on screen when it is still among them."""
        keep = self.current()
        self.model.set_views(views)
        self.pages.setCurrentIndex(0 if views else 1)
        row = next((n for n, v in enumerate(views) if keep and v.uid == keep.uid), -1)
        if row < 0 and views and self.isVisible():
            row = 0
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        else:
            self.detail.show_message(None)

    def views(self) -> list[MessageView]:
        """The messages listed, in order."""
        return list(self.model.views)

    def current(self) -> MessageView | None:
        """The message on screen, if any."""
        row = self.list.currentIndex().row()
        return self.model.views[row] if 0 <= row < len(self.model.views) else None

    def select_uid(self, uid: str) -> bool:
        """Open the message ``uid``; False when it is not listed."""
        for row, view in enumerate(self.model.views):
            if view.uid == uid:
                self.list.setCurrentIndex(self.model.index(row))
                return True
        return False

    def say(self, sentence: str, *, problem: bool = False) -> None:
        """Show what happened (or, with ``problem``, what went wrong) above the list."""
        target, other = (self.problem, self.outcome) if problem else (self.outcome, self.problem)
        other.hide()
        target.setText(sentence)
        target.setVisible(bool(sentence))

    def _on_current(self, current: QModelIndex | QPersistentModelIndex, _previous) -> None:
        view = self.model.views[current.row()] if current.isValid() else None
        self.detail.show_message(view)
        self._mark_read()

    def showEvent(self, event) -> None:
        """Shown: open the first message when none is open (and mark what shows as read)."""
        super().showEvent(event)
        if self.current() is None and self.model.views:
            self.list.setCurrentIndex(self.model.index(0))
        self._mark_read()

    def _mark_read(self) -> None:
        """A new message on screen is read now (only while this list is visible)."""
        view = self.current()
        if view is None or view.state != InboxState.NEW.value or not self.isVisible():
            return
        try:
            actions.mark_read(view.uid)
        except InboxActionProblem as problem:
            self.say(problem.message, problem=True)
            return
        except WRITE_ERRORS as exc:  # read-only data: it stays new, nothing else is lost
            log.warning("could not mark a message read: %s", exc)
            return
        row = self.list.currentIndex().row()
        self.model.replace_view(row, replace(view, state=InboxState.READ.value))
        self.read.emit()

    # -- acting ----------------------------------------------------------------------------
    def _do(self, call, sentence: str, *args) -> None:
        view = self.current()
        if view is None:
            return
        try:
            call(view.uid, *args)
        except InboxActionProblem as problem:
            self.say(problem.message, problem=True)
        except WRITE_ERRORS as exc:
            self.say(f"Nothing was changed. {explain_write_error(exc)}", problem=True)
        else:
            self.say(sentence)
        self.changed.emit()

    def _not_this(self) -> None:
        view = self.current()
        about = view.company if view is not None and view.company else "that application"
        self._do(actions.not_about_this, f"Noted: that message is not about {about}. It will "
                                         "not come back.")

    def _choose(self, application_id: int) -> None:
        view = self.current()
        chosen = next((c for c in view.candidates if c[0] == application_id), None) if view \
            else None
        name = chosen[1] if chosen else "that application"
        self._do(actions.choose_application, f"The message is now with {name}.",
                 application_id)

    def _run_action(self) -> None:
        view = self.current()
        if view is None or not view.suggested_action:
            return
        try:
            sentence = self.actions.run(view)
        except InboxActionProblem as problem:
            self.say(problem.message, problem=True)
        except WRITE_ERRORS as exc:
            self.say(f"Nothing was changed. {explain_write_error(exc)}", problem=True)
        else:
            if sentence:
                self.say(sentence)
        self.changed.emit()

    def _open_current(self) -> None:
        view = self.current()
        if view is not None and view.application_id is not None:
            self.open_requested.emit(view.application_id)

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter or a double-click on a row opens its application (in the inbox)."""
        if self.show_application and index.isValid():
            view = self.model.views[index.row()]
            if view.application_id is not None:
                self.open_requested.emit(view.application_id)
