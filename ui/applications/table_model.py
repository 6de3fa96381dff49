"""The Qt table model of the application list, over :class:`ApplicationIndex`.

Filtering and sorting happen in the index over precomputed keys: a
``QSortFilterProxyModel`` over 100,000 Python rows took 3.3 s to filter every
column and 17.6 s to sort on this project's machine, against 8-9 ms and 36 ms
in Python. This model only presents ``index.visible``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QFont, QPalette, QStandardItemModel
from PySide6.QtWidgets import QApplication

from services.applications.index import COLUMNS, ApplicationIndex
from services.applications.prospects import Verdict

_Index = QModelIndex | QPersistentModelIndex

#: Column numbers, in the order of :data:`COLUMNS`.
COL = {column.key: number for number, column in enumerate(COLUMNS)}
# Roles as the plain ints of Qt.ItemDataRole (tests check they match). data() runs for
# every cell and role on each repaint, and naming Qt's ``Qt`` namespace before the first
# paint costs about 16 ms: PySide builds all of its 130-odd Python enums at once.
_DISPLAY = 0  # DisplayRole
_TOOLTIP = 3  # ToolTipRole
_FONT = 6  # FontRole
_FOREGROUND = 9  # ForegroundRole
_ACCESSIBLE = 11  # AccessibleTextRole
_USER = 256  # UserRole
#: Role returning the application id of a row.
ID_ROLE = _USER + 1
#: Role returning the value the column sorts by.
SORT_ROLE = _USER + 2
_ID = ID_ROLE
_SORT = SORT_ROLE
_COMPANY = COL["company"]
_OUTLOOK = COL["outlook"]
_KEYS = tuple(column.key for column in COLUMNS)
_TEXT_ROLES = (_DISPLAY, _ACCESSIBLE)

_OUTLOOK_COLOURS = {
    Verdict.POSITIVE: ("#1b7a3d", "#6fd08f"),
    Verdict.NEGATIVE: ("#a33a2b", "#f08a7a"),
}


def header_labels(parent=None) -> QStandardItemModel:
    """The list's column titles in a model of their own, for the table's header.

    The header paints from this C++ model, so painting it runs no Python and
    converts no Qt enum before the first paint (``headerData`` receives a
    ``Qt.Orientation``). :class:`ApplicationTableModel` still answers
    ``headerData`` with the same texts for screen readers and other views.
    """
    labels = QStandardItemModel(0, len(COLUMNS), parent)
    labels.setHorizontalHeaderLabels([column.header for column in COLUMNS])
    return labels


class ApplicationTableModel(QAbstractTableModel):
    """Rows are ``index.visible``; columns are :data:`COLUMNS`."""

    def __init__(self, index: ApplicationIndex, zone: ZoneInfo, parent=None) -> None:
        super().__init__(parent)
        self._index = index
        self.zone = zone
        self._bold = QFont()
        self._bold.setBold(True)
        self._texts: dict[int, tuple[str, ...]] = {}

    # -- the index ----------------------------------------------------------------
    @property
    def index_data(self) -> ApplicationIndex:
        """The index behind the model."""
        return self._index

    def replace_index(self, index: ApplicationIndex) -> None:
        """Swap in another index (the full one after the first paint), keeping filter and sort."""
        index.sort_by(self._index.sort_column, self._index.descending)
        index.set_filter(self._index.filter_text, self._index.stage_filter)
        self.show_index(index)

    def show_index(self, index: ApplicationIndex) -> None:
        """Show another index as it is (a search's first rows, already filtered)."""
        self.beginResetModel()
        self._index = index
        self._texts.clear()
        self.endResetModel()

    def set_filter(self, text: str, stage: str | None) -> None:
        """Filter the rows (typing in the search box, choosing a stage)."""
        self.beginResetModel()
        self._index.set_filter(text, stage)
        self.endResetModel()

    def application_id(self, row: int) -> int | None:
        """The application id shown in ``row``."""
        if 0 <= row < len(self._index.visible):
            return self._index.visible[row].id
        return None

    def row_of(self, application_id: int) -> int | None:
        """The row showing ``application_id``, if visible."""
        return self._index.position_of(application_id)

    def refresh_rows(self) -> None:
        """Tell the view that rows were added, removed or changed."""
        self.beginResetModel()
        self._texts.clear()
        self.endResetModel()

    # -- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of visible applications."""
        return 0 if parent.isValid() else len(self._index.visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=_DISPLAY):
        """Column titles (read by screen readers; the list's header shows
        :func:`header_labels`, which hold the same texts)."""
        # Qt's namespace: not before the first paint (PySide builds its enums on first use).
        from PySide6.QtCore import Qt

        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS)
        return COLUMNS[section].header if horizontal and int(role) in _TEXT_ROLES else None

    def _row_texts(self, row) -> tuple[str, ...]:
        texts = self._texts.get(row.id)
        if texts is None:
            texts = tuple(row.display(key, self.zone) for key in _KEYS)
            self._texts[row.id] = texts
        return texts

    def data(self, index: _Index, role: int = _DISPLAY):
        """Plain text for display; ids, sort keys, tooltips and emphasis by role.

        Display texts are formatted once per row and cached: a repaint asks for
        every visible cell several times over.
        """
        if not index.isValid():
            return None
        return self._value(index.row(), index.column(), int(role))

    def _value(self, position: int, column: int, role: int):
        if role in (_DISPLAY, _ACCESSIBLE):
            return self._row_texts(self._index.visible[position])[column]
        if role == _FONT:
            return self._bold if column == _COMPANY else None
        if role == _FOREGROUND:
            if column != _OUTLOOK:
                return None
            row = self._index.visible[position]
            colours = _OUTLOOK_COLOURS.get(row.outlook) if row.outlook else None
            if colours:
                dark = QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
                return QColor(colours[1] if dark else colours[0])
            return None
        if role == _ID:
            return self._index.visible[position].id
        if role == _SORT:
            return repr(self._index.visible[position].sort_key(_KEYS[column]))
        if role == _TOOLTIP:
            return self._tooltip(self._index.visible[position], _KEYS[column])
        return None

    def _tooltip(self, row, key: str) -> str | None:
        if key == "channel" and row.is_agency:
            return f"Through the staffing agency {row.agency_name}: follow-ups go through " \
                   "the recruiter."
        if key == "expected_response" and row.expected_response:
            return "When to expect an answer; follow up if you hear nothing by then."
        return None

    # flags() is QAbstractTableModel's: rows are enabled and selectable, never editable in
    # place (Enter opens the editor).

    def sort(self, column: int, order=None) -> None:
        """Sort by ``column`` in the index (precomputed keys); ascending unless ``order`` is
        Qt.SortOrder.DescendingOrder."""
        # Qt's namespace: not before the first paint (PySide builds its enums on first use).
        from PySide6.QtCore import Qt

        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self.application_id(old.row()) for old in before]
        self._index.sort_by(COLUMNS[column].key, order == Qt.SortOrder.DescendingOrder)
        after = []
        for old, application_id in zip(before, ids, strict=True):
            row = None if application_id is None else self.row_of(application_id)
            after.append(QModelIndex() if row is None else self.index(row, old.column()))
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
