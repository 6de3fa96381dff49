"""The table model behind the dashboard's four lists: plain texts, one application per row.

The rest of the app uses :class:`DashboardListModel` (through
:class:`ui.applications.dashboard_cards.ListCard`), :class:`ListRow`, :func:`as_row` and
:data:`APPLICATION_ID_ROLE`, the role that holds a row's application id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

__all__ = ["APPLICATION_ID_ROLE", "DashboardListModel", "ListRow", "as_row"]

#: The item-data role holding a row's application id.
APPLICATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_ID_ROLE = int(APPLICATION_ID_ROLE)
#: Every row's flags, computed once (the tree asks for them for every cell on a reset).
_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
          | Qt.ItemFlag.ItemNeverHasChildren)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


class ListRow(NamedTuple):
    """One row of a dashboard list: its cells' texts, its application and a tooltip."""

    texts: tuple[str, ...]
    application_id: int
    tooltip: str = ""


def as_row(row: ListRow) -> ListRow:
    """A ready :class:`ListRow` as it is (the ``format_row`` of rows given ready)."""
    return row


class DashboardListModel(QAbstractTableModel):
    """A read-only table of :class:`ListRow` (plain texts; the application id in
    :data:`APPLICATION_ID_ROLE`).

    Rows can be given ready (:meth:`set_rows`) or as items with a function that
    turns one into a :class:`ListRow` (:meth:`set_items`); then only the rows a
    view asks for are formatted, once each, so a list of thousands fills at once.
    """

    def __init__(self, headers: Sequence[str], parent=None) -> None:
        """An empty model with these column headers."""
        super().__init__(parent)
        self._headers = tuple(headers)
        self._items: Sequence = ()
        self._format: Callable[[object], ListRow] = as_row
        self._made: dict[int, ListRow] = {}

    def set_rows(self, rows: list[ListRow]) -> None:
        """Replace every row."""
        self.set_items(rows, as_row)

    def set_items(self, items: Sequence, format_row: Callable[[object], ListRow]) -> None:
        """Replace every row: ``format_row(item)`` makes an item's row when first needed.
        Each item has an ``application_id``."""
        self.beginResetModel()
        self._items = items
        self._format = format_row
        self._made = {}
        self.endResetModel()

    def _row(self, number: int) -> ListRow:
        row = self._made.get(number)
        if row is None:
            row = self._made[number] = self._format(self._items[number])
        return row

    def rows(self) -> list[ListRow]:
        """Every row, formatted."""
        return [self._row(number) for number in range(len(self._items))]

    def application_id(self, row: int) -> int | None:
        """The application of ``row`` (None when out of range)."""
        return self._items[row].application_id if 0 <= row < len(self._items) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """How many rows (none under a row: this is a flat table)."""
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """How many columns."""
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        """Plain text for display and screen readers; a tooltip; the application id."""
        if not index.isValid():
            return None
        role = int(role)
        if role == _ID_ROLE:
            return self._items[index.row()].application_id
        row = self._row(index.row())
        if role in (_DISPLAY, _ACCESSIBLE):
            return row.texts[index.column()]
        if role == _TOOLTIP:
            return row.tooltip or row.texts[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY):
        """The column headers."""
        if (orientation == Qt.Orientation.Horizontal and int(role) == _DISPLAY
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows can be selected, not edited; they never have children."""
        return _FLAGS if index.isValid() else _NO_FLAGS
