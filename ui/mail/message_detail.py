"""One reply on screen: who wrote, when, what it means and why, its text, and its buttons.

:class:`ui.mail.message_list.MessageList` shows the message chosen in its list here. Every
text that comes from the mail is shown as plain text (a subject cannot turn into markup).
The buttons only emit signals; the list acts on them.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.values import InboxState
from services.core.instants import list_day_text
from services.mail.inbox.actions import MessageView
from ui.shell.accessible import buddy_label, message_label

__all__ = ["MessageDetail", "day_text", "when_text"]

#: How many lines of a message show before "Show the whole message".
PREVIEW_LINES = 10
#: Qt's "no maximum" for a widget's size (QWIDGETSIZE_MAX).
_UNLIMITED = 16777215
#: What the state line says about a message the user already dealt with.
_HANDLED = {
    InboxState.DISMISSED.value: "You dismissed this message; it stays here for reference.",
    InboxState.ACTED.value: "Done: you acted on this message.",
}
#: What each suggested action does, said beside its button.
_ACTION_HINTS = {
    "mark_rejected": "Moves the application to “Rejected”, with this message as the note in "
                     "its stage history.",
    "record_offer": "Opens the offer, with the answer date from the message filled in.",
    "add_round": "Adds the interview from the calendar invitation in the message.",
    "add_round_by_hand": "Opens a new interview round in the editor for you to fill in.",
    "reply": "Opens a reply in the composer, in the same thread.",
}


def day_text(day: date) -> str:
    """``Tue 17 Nov 2026``, as the application list writes days."""
    return list_day_text(day)


def when_text(when: datetime) -> str:
    """An instant on the user's clock: ``Tue 17 Nov 2026, 14:05``."""
    try:
        local = when.astimezone(clock.user_zone())
    except (OverflowError, ValueError):
        local = when
    return f"{list_day_text(local.date())}, {local:%H:%M}"


def _plain_label(parent: QWidget, *, bold: bool = False, role: str = "") -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    # Selectable by mouse only: Tab goes from button to button, not through every label.
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    if role:
        message_label(label, role)
    return label


def _button(text: str, parent: QWidget, name: str = "") -> QPushButton:
    button = QPushButton(text, parent)
    button.setAutoDefault(False)  # Enter in the editor saves; it never acts on a message
    button.setAccessibleName(name or text.replace("&", ""))
    return button


class MessageDetail(QWidget):
    """The message on screen (or a sentence asking to choose one)."""

    action_clicked = Signal()
    dismiss_clicked = Signal()
    not_this_clicked = Signal()
    choose_clicked = Signal(int)
    open_clicked = Signal()

    def __init__(self, parent: QWidget | None, *, show_application: bool = False) -> None:
        super().__init__(parent)
        self.show_application = show_application
        self.view: MessageView | None = None
        self._expanded = False
        self.setAccessibleName("Message")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 4, 4)
        layout.setSpacing(6)
        self.subject = _plain_label(self, bold=True, role="Subject")
        font = self.subject.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.subject.setFont(font)
        layout.addWidget(self.subject)
        self.facts = _plain_label(self, role="From, date and application")
        layout.addWidget(self.facts)
        layout.addWidget(self._build_meaning())
        layout.addLayout(self._build_choice())
        layout.addLayout(self._build_buttons())
        self.state = _plain_label(self, role="What you did with it")
        layout.addWidget(self.state)
        layout.addLayout(self._build_text(), 1)
        self.show_message(None)

    # -- building ---------------------------------------------------------------------------
    def _build_meaning(self) -> QFrame:
        """What the message means (bold), its reasons, why it is here, the suggestion."""
        self.meaning_box = QFrame(self)
        self.meaning_box.setObjectName("MessageMeaning")
        self.meaning_box.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.meaning_box)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(4)
        self.kind = _plain_label(self.meaning_box, bold=True, role="What it means")
        self.reasons = _plain_label(self.meaning_box, role="Why it reads so")
        self.match = _plain_label(self.meaning_box, role="Why it is about this application")
        self.deadline = _plain_label(self.meaning_box, role="Answer wanted by")
        self.suggestion = _plain_label(self.meaning_box, role="Suggested next step")
        for label in (self.kind, self.reasons, self.match, self.deadline, self.suggestion):
            box.addWidget(label)
        return self.meaning_box

    def _build_choice(self) -> QHBoxLayout:
        """For a message two applications fit: which one, and "This one"."""
        row = QHBoxLayout()
        self.choice_holder = QWidget(self)
        inner = QHBoxLayout(self.choice_holder)
        inner.setContentsMargins(0, 0, 0, 0)
        self.choice = QComboBox(self.choice_holder)
        self.choice.setAccessibleName("Which application is this about?")
        self.choice_label = buddy_label("&Which application is this about?", self.choice)
        self.choose_button = _button("This one", self.choice_holder,
                                     "This one: the message is about the chosen application")
        self.choose_button.clicked.connect(self._on_choose)
        inner.addWidget(self.choice_label)
        inner.addWidget(self.choice, 1)
        inner.addWidget(self.choose_button)
        row.addWidget(self.choice_holder, 1)
        return row

    def _build_buttons(self) -> QHBoxLayout:
        """The suggested action, Dismiss, Not about this application, Open the application."""
        row = QHBoxLayout()
        self.action_button = _button("", self)
        font = self.action_button.font()
        font.setBold(True)
        self.action_button.setFont(font)
        self.action_button.clicked.connect(self.action_clicked)
        self.dismiss_button = _button("Dismiss", self)
        self.dismiss_button.setToolTip("Put it aside: it leaves the inbox and stays with its "
                                       "application")
        self.dismiss_button.clicked.connect(self.dismiss_clicked)
        self.not_this_button = _button("Not about this application", self)
        self.not_this_button.setToolTip("It was attached to the wrong application: take it "
                                        "away (it will not come back)")
        self.not_this_button.clicked.connect(self.not_this_clicked)
        self.open_button = _button("Open the application", self)
        self.open_button.clicked.connect(self.open_clicked)
        self.open_button.setVisible(self.show_application)
        for button in (self.action_button, self.dismiss_button, self.not_this_button,
                       self.open_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _build_text(self) -> QVBoxLayout:
        """The message's text (a preview until "Show the whole message")."""
        column = QVBoxLayout()
        column.setSpacing(4)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Message text")
        self.text.setTabChangesFocus(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        column.addWidget(self.text, 1)
        self.expand_button = _button("Show the whole message", self)
        self.expand_button.clicked.connect(self.toggle_whole_text)
        expand_row = QHBoxLayout()
        expand_row.addWidget(self.expand_button)
        expand_row.addStretch(1)
        column.addLayout(expand_row)
        self.hint = _plain_label(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setText("Choose a message on the left to read it.")
        column.addWidget(self.hint)
        column.addStretch(0)  # takes the room the preview leaves (see _show_text)
        self._text_column = column
        return column

    # -- showing ----------------------------------------------------------------------------
    def show_message(self, view: MessageView | None) -> None:
        """Show ``view`` (None: only the sentence asking to choose one)."""
        self.view = view
        self._expanded = False
        shown = view is not None
        for widget in (self.subject, self.facts, self.meaning_box, self.state, self.text,
                       self.dismiss_button, self.not_this_button):
            widget.setVisible(shown)
        self.hint.setVisible(not shown)
        if view is None:
            for widget in (self.choice_holder, self.action_button, self.open_button,
                           self.expand_button):
                widget.hide()
            return
        self.subject.setText(view.subject or "(no subject)")
        self.facts.setText(self._facts(view))
        self._show_meaning(view)
        self._show_choice(view)
        self._show_buttons(view)
        self._show_text()

    def _facts(self, view: MessageView) -> str:
        sender = view.from_name or view.from_address or "an unknown sender"
        if view.from_name and view.from_address:
            sender = f"{view.from_name} <{view.from_address}>"
        lines = [f"From: {sender}", f"Sent: {when_text(view.sent_at)}"]
        if self.show_application and view.application_id is not None:
            lines.append("About: " + " — ".join(p for p in (view.company, view.role) if p))
        return "\n".join(lines)

    def _show_meaning(self, view: MessageView) -> None:
        self.kind.setText(f"What it means: {view.kind_label}")
        self.reasons.setText("\n".join(f"• {reason}" for reason in view.reasons))
        self.reasons.setVisible(bool(view.reasons))
        self.match.setText(f"Why it is here: {view.match_reason}" if view.match_reason else "")
        self.match.setVisible(bool(view.match_reason))
        self.deadline.setText(f"They ask for an answer by {day_text(view.deadline)}."
                              if view.deadline else "")
        self.deadline.setVisible(view.deadline is not None)
        handled = view.state in _HANDLED
        if view.suggested_action and not handled:
            key = view.suggested_action
            if key == "add_round" and not view.calendar_text.strip():
                key = "add_round_by_hand"
            hint = _ACTION_HINTS.get(key, "")
            self.suggestion.setText(f"Suggested: {view.action_label}. {hint} Nothing changes "
                                    "until you click it.")
        elif view.application_id is None:
            self.suggestion.setText("Two or more of your applications fit this message. Say "
                                    "which one it is about; then it suggests what to do.")
        else:
            self.suggestion.setText("")
        self.suggestion.setVisible(bool(self.suggestion.text()))

    def _show_choice(self, view: MessageView) -> None:
        self.choice.clear()
        for app_id, company, role in view.candidates:
            self.choice.addItem(" — ".join(p for p in (company, role) if p), app_id)
        self.choice_holder.setVisible(view.application_id is None and bool(view.candidates))

    def _show_buttons(self, view: MessageView) -> None:
        handled = view.state in _HANDLED
        self.action_button.setText(view.action_label)
        self.action_button.setAccessibleName(view.action_label)
        # A reply can always be taken up again (the one being written reopens).
        again = view.suggested_action == "reply" and view.state == InboxState.ACTED.value
        self.action_button.setVisible(bool(view.suggested_action) and (not handled or again))
        self.dismiss_button.setVisible(not handled)
        self.not_this_button.setVisible(view.application_id is not None)
        self.open_button.setVisible(self.show_application and view.application_id is not None)
        self.state.setText(_HANDLED.get(view.state, ""))
        self.state.setVisible(handled)

    def _lines(self) -> list[str]:
        text = (self.view.text if self.view else "").replace("\r\n", "\n").strip("\n")
        return text.split("\n") if text else []

    def _show_text(self) -> None:
        lines = self._lines()
        long = len(lines) > PREVIEW_LINES
        if self._expanded or not long:
            shown = "\n".join(lines)
        else:
            shown = "\n".join([*lines[:PREVIEW_LINES], "…"])
        self.text.setPlainText(shown or "(The message has no text.)")
        # The preview's box holds the preview; the whole message takes all the room there is.
        lines_high = self.text.fontMetrics().lineSpacing() * (PREVIEW_LINES + 4)
        self.text.setMaximumHeight(_UNLIMITED if self._expanded else lines_high + 12)
        self._text_column.setStretch(self._text_column.count() - 1, 0 if self._expanded else 1)
        self.expand_button.setVisible(long)
        self.expand_button.setText("Show less" if self._expanded else "Show the whole message")
        self.expand_button.setAccessibleName(self.expand_button.text())

    def toggle_whole_text(self) -> None:
        """Show the whole text, or the preview again."""
        self._expanded = not self._expanded
        self._show_text()

    def _on_choose(self) -> None:
        app_id = self.choice.currentData()
        if app_id is not None:
            self.choose_clicked.emit(int(app_id))

    @property
    def expanded(self) -> bool:
        """True while the whole text shows."""
        return self._expanded

