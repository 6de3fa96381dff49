"""The agenda beside the month: the entries of the selected day or week, as a list model.

Each row is one :class:`~services.calendar.entry_types.CalendarEntry`. What a row
shows is plain text a screen reader reads as is: the day (in week mode), the
time in the user's zone (or "All day"), the kind in words and the title, e.g.
``09:30–11:30 · Interview · Interview: Kestrel Robotics — Pairing session``.
The delegate draws the same text on two lines with the kind's marker.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from services.calendar.entry_types import CalendarEntry, EntryKind
from ui.calendar.markers import is_dark, marker_icon, paint_marker
from ui.calendar.month import SHORT_DAYS

_Index = QModelIndex | QPersistentModelIndex

#: Role returning the :class:`CalendarEntry` of a row.
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role returning the application id of a row (None for a reminder without one).
APPLICATION_ROLE = Qt.ItemDataRole.UserRole + 2
#: Role returning the first line (when and what kind) of a row.
WHEN_ROLE = Qt.ItemDataRole.UserRole + 3

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when_text(entry: CalendarEntry, zone: ZoneInfo, *, with_day: bool) -> str:
    """``09:30–11:30`` / ``by 15:30`` / ``All day``, with ``Tue 26 Nov`` first in week mode."""
    if entry.all_day:
        text = "All day"
    else:
        start = entry.start.astimezone(zone)
        text = f"{start:%H:%M}"
        if entry.end != entry.start:
            end = entry.end.astimezone(zone)
            text += f"–{end:%H:%M}"
            if end.date() != start.date():
                text += f" ({SHORT_DAYS[end.weekday()]})"
        elif entry.kind in (EntryKind.THANK_YOU_DEADLINE, EntryKind.OFFER_DEADLINE):
            text = f"by {text}"
    if with_day:
        day = entry.day_in(zone)
        text = f"{SHORT_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} · {text}"
    return text


class AgendaModel(QAbstractListModel):
    """The entries of a day or a week, in order, for a ``QListView``."""

    def __init__(self, zone: ZoneInfo, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._entries: list[CalendarEntry] = []
        self._texts: list[tuple[str, str]] = []
        self._with_day = False
        self._icons: dict[tuple[EntryKind, bool], object] = {}

    # -- content ----------------------------------------------------------------------------
    def set_entries(self, entries: list[CalendarEntry], *, with_day: bool) -> None:
        """Show ``entries`` (already in order); ``with_day`` adds the day to each row."""
        self.beginResetModel()
        self._entries = list(entries)
        self._with_day = with_day
        self._texts = [(f"{when_text(e, self.zone, with_day=with_day)} · {e.kind.label}", e.title)
                       for e in self._entries]
        self.endResetModel()

    def entry(self, row: int) -> CalendarEntry | None:
        """The entry of ``row`` (None outside the list)."""
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def entries(self) -> list[CalendarEntry]:
        """Every entry shown, in order."""
        return list(self._entries)

    def row_of(self, uid: str) -> int | None:
        """The row of the entry with ``uid`` (None when not shown)."""
        for row, entry in enumerate(self._entries):
            if entry.uid == uid:
                return row
        return None

    # -- the model --------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The number of entries (a list has no children)."""
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        """Text, tool tip, icon, the entry and its application id for each row."""
        if not index.isValid() or index.parent().isValid() or index.column() != 0:
            return None
        row = index.row()
        if not 0 <= row < len(self._entries):
            return None
        entry = self._entries[row]
        when, title = self._texts[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{when} · {title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{title}\n\n{entry.description}" if entry.description else title
        if role == Qt.ItemDataRole.DecorationRole:
            key = (entry.kind, is_dark())
            icon = self._icons.get(key)
            if icon is None:
                icon = self._icons[key] = marker_icon(entry.kind, 16, key[1])
            return icon
        if role == ENTRY_ROLE:
            return entry
        if role == APPLICATION_ROLE:
            return entry.application_id
        if role == WHEN_ROLE:
            return when
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Rows can be selected; nothing is editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        """The single column is the agenda."""
        if role == Qt.ItemDataRole.DisplayRole and section == 0:
            return "Agenda"
        return None


class AgendaDelegate(QStyledItemDelegate):
    """Two lines per entry: the marker with when and what kind, then the title."""

    MARKER = 14
    PADDING = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """Two lines of text and some air."""
        metrics = QFontMetrics(option.font)
        # No width of its own: the text is elided to the list's width (no sideways scrolling).
        return QSize(1, metrics.height() * 2 + self.PADDING * 2 + 2)

    def paint(self, painter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Selection background, marker, first line muted, title in full colour."""
        entry: CalendarEntry | None = index.data(ENTRY_ROLE)
        if entry is None:
            super().paint(painter, option, index)
            return
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.HighlightedText if selected
                              else QPalette.ColorRole.PlaceholderText)
        metrics = QFontMetrics(option.font)
        left = rect.left() + self.PADDING
        top = rect.top() + self.PADDING
        # On the selection colour the lighter (dark-theme) shades stand out best.
        dark = selected or is_dark(palette)
        paint_marker(painter, entry.kind, QRectF(left, top + (metrics.height() - self.MARKER) / 2,
                                                 self.MARKER, self.MARKER), dark)
        text_left = left + self.MARKER + 8
        width = rect.right() - text_left - self.PADDING
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.92))
        painter.setFont(small)
        painter.setPen(muted)
        when = index.data(WHEN_ROLE) or ""
        painter.drawText(QRectF(text_left, top, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(small).elidedText(when, Qt.TextElideMode.ElideRight,
                                                        int(width)))
        painter.setFont(option.font)
        painter.setPen(text_colour)
        painter.drawText(QRectF(text_left, top + metrics.height() + 2, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(entry.title, Qt.TextElideMode.ElideRight,
                                            int(width)))
        if option.state & QStyle.StateFlag.State_HasFocus:
            focus = palette.color(QPalette.ColorRole.Highlight if not selected
                                  else QPalette.ColorRole.HighlightedText)
            painter.setPen(focus)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.restore()


def days_text(first: date, last: date) -> str:
    """``Mon 25 – Sun 1 Dec`` for a week heading."""
    start = f"{SHORT_DAYS[first.weekday()]} {first.day}"
    if first.month != last.month:
        start += f" {_MONTHS[first.month - 1]}"
    return f"{start} – {SHORT_DAYS[last.weekday()]} {last.day} {_MONTHS[last.month - 1]}"
