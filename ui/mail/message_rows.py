"""The rows of a list of replies: the model's plain texts and how a row is drawn.

:class:`MessageListModel` gives each message as one plain text (what a screen reader
reads); :class:`MessageRowDelegate` draws the same words in three lines, as mail programs
do: the sender (bold while new, "New ·" before it) with the date on the right, the
subject, then what it means and, in the inbox, the application. Nothing is told by
colour alone: the state is a word.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from models.values import InboxState
from services.mail.inbox.actions import MessageView
from ui.mail.message_detail import when_text

__all__ = ["MessageListModel", "MessageRowDelegate", "row_lines", "state_text"]

#: What the list says about a message's state (nothing for one opened and not acted on).
_STATE_TEXT = {
    InboxState.NEW.value: "New",
    InboxState.DISMISSED.value: "Dismissed",
    InboxState.ACTED.value: "Done",
}
#: The row's inner margin (pixels) and the gap between its lines.
_PAD, _GAP = 7, 2


def state_text(state: str) -> str:
    """The word the list shows for a message's state ("New", "Done", …; "" when opened)."""
    return _STATE_TEXT.get(state, "")


def row_lines(view: MessageView, show_application: bool) -> tuple[str, str, str, str]:
    """A row's words: who (with its state), when, the subject, and what it means (and, with
    ``show_application``, the application)."""
    state = state_text(view.state)
    sender = view.from_name or view.from_address or "Unknown sender"
    who = f"{state} · {sender}" if state else sender
    about = [view.kind_label]
    if show_application:
        if view.application_id is None:
            about.append(f"{view.company}: say which")
        else:
            about.append(" — ".join(p for p in (view.company, view.role) if p))
    return who, when_text(view.sent_at), view.subject or "(no subject)", " · ".join(about)


class MessageListModel(QAbstractListModel):
    """The messages as plain texts (what a screen reader reads is what the row shows)."""

    def __init__(self, parent=None, *, show_application: bool = False) -> None:
        super().__init__(parent)
        self.views: list[MessageView] = []
        self.show_application = show_application
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        """The number of messages (a list: no children)."""
        return 0 if parent.isValid() else len(self.views)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        """The row's text, its tooltip, and bold while unread."""
        if not index.isValid() or not 0 <= index.row() < len(self.views):
            return None
        view = self.views[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.row_text(view)
        if role == Qt.ItemDataRole.FontRole and view.state == InboxState.NEW.value:
            return self._bold
        if role == Qt.ItemDataRole.UserRole:
            return view.uid
        return None

    def row_text(self, view: MessageView) -> str:
        """``New · Sender, date`` then the subject, then what it means."""
        who, when, subject, about = row_lines(view, self.show_application)
        return f"{who}, {when}\n{subject}\n{about}"

    def set_views(self, views: list[MessageView]) -> None:
        """Show ``views`` (newest first, as the services return them)."""
        self.beginResetModel()
        self.views = list(views)
        self.endResetModel()

    def replace_view(self, row: int, view: MessageView) -> None:
        """Put a changed copy of one message in its row."""
        self.views[row] = view
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole,
                                             Qt.ItemDataRole.FontRole])


class MessageRowDelegate(QStyledItemDelegate):
    """Draws a :class:`MessageListModel` row in three lines (see the module docstring)."""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        """Three lines of text and the margins."""
        lines = QFontMetrics(option.font).lineSpacing()
        return QSize(200, 3 * lines + 2 * _GAP + 2 * _PAD)

    def paint(self, painter, option: QStyleOptionViewItem, index) -> None:
        """The row's background (selection, alternate colour), then its three lines."""
        model = index.model()
        view = model.views[index.row()]
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        style = item.widget.style() if item.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        who, when, subject, about = row_lines(view, model.show_application)
        text, muted = self._colours(option)
        box = option.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        plain, bold = QFont(option.font), QFont(option.font)
        bold.setBold(True)
        height = QFontMetrics(plain).lineSpacing()
        painter.save()
        painter.setPen(muted)
        painter.setFont(plain)
        when_width = QFontMetrics(plain).horizontalAdvance(when) + _PAD
        painter.drawText(QRect(box.left(), box.top(), box.width(), height),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        new = view.state == InboxState.NEW.value
        self._line(painter, QRect(box.left(), box.top(), box.width() - when_width, height),
                   who, bold if new else plain, text)
        top = box.top() + height + _GAP
        self._line(painter, QRect(box.left(), top, box.width(), height), subject,
                   bold if new else plain, text)
        self._line(painter, QRect(box.left(), top + height + _GAP, box.width(), height), about,
                   plain, muted)
        painter.restore()

    @staticmethod
    def _colours(option: QStyleOptionViewItem):
        """The text's colour, and the quieter one of the date and the meaning."""
        palette, group = option.palette, QPalette.ColorGroup.Normal
        if option.state & QStyle.StateFlag.State_Selected:
            chosen = palette.color(group, QPalette.ColorRole.HighlightedText)
            return chosen, chosen
        return (palette.color(group, QPalette.ColorRole.Text),
                palette.color(group, QPalette.ColorRole.PlaceholderText))

    @staticmethod
    def _line(painter, rect: QRect, words: str, font: QFont, colour) -> None:
        painter.setFont(font)
        painter.setPen(colour)
        shown = QFontMetrics(font).elidedText(words, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
