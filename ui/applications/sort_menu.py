"""Sorting a table from the keyboard: a "Sort by" button with a menu of its columns.

Column headers take no keyboard focus and offer a screen reader no action,
so the list's sort is also a button (Tab to it, or Alt+O) whose menu names
every column and the order.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QTableView, QWidget


class SortButton(QPushButton):
    """"Sort by…" with a menu: one entry per column, then A to Z or Z to A.

    Built before the window's first paint as a plain button; :meth:`attach`
    adds the menu right after it (menus and Qt's enums cost start-up time,
    see ui/shell/prepaint.py). Its accessible description says how the list is
    sorted now.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__("S&ort by…", parent)
        self.setAccessibleName("Sort by")
        self.setToolTip("Sort the list by one of its columns (Alt+O)")
        self._table: QTableView | None = None
        self._before: Callable[[], None] | None = None

    def attach(self, table: QTableView, titles: list[str],
               before_sort: Callable[[], None] | None = None) -> None:
        """Give the button its menu for ``table``, whose columns are called ``titles``;
        ``before_sort`` runs before each sort (loading every row, say)."""
        # Qt's namespace and menus: not before the first paint (PySide builds enums on first use).
        from PySide6.QtGui import QActionGroup
        from PySide6.QtWidgets import QMenu

        self._table, self._before = table, before_sort
        menu = QMenu("Sort by", self)
        self.columns = QActionGroup(menu)
        for column, title in enumerate(titles):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, c=column: self.sort_by(c))
            self.columns.addAction(action)
        menu.addSeparator()
        self.orders = QActionGroup(menu)
        for descending, text in ((False, "&Ascending (A to Z, oldest first)"),
                                 (True, "&Descending (Z to A, newest first)")):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.triggered.connect(
                lambda _checked=False, d=descending: self.sort_by(None, descending=d))
            self.orders.addAction(action)
        self.setMenu(menu)
        table.horizontalHeader().sortIndicatorChanged.connect(self._show_sort)
        self._show_sort()

    def sort_by(self, column: int | None, descending: bool | None = None) -> None:
        """Sort by ``column`` (None: the current one), ascending unless ``descending``
        (None: a new column ascending, the current column in its current order)."""
        # Qt's namespace and menus: not before the first paint (PySide builds enums on first use).
        from PySide6.QtCore import Qt

        header = self._table.horizontalHeader()
        current = header.sortIndicatorSection()
        if column is None:
            column = current
        if descending is None:
            descending = (column == current
                          and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        if self._before is not None:
            self._before()
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self._table.sortByColumn(column, order)

    def _show_sort(self, *_args) -> None:
        # Qt's namespace and menus: not before the first paint (PySide builds enums on first use).
        from PySide6.QtCore import Qt

        header = self._table.horizontalHeader()
        column = header.sortIndicatorSection()
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        actions = self.columns.actions()
        if 0 <= column < len(actions):
            actions[column].setChecked(True)
            title = actions[column].text()
            self.setAccessibleDescription(
                f"Sorted by {title}, {'descending' if descending else 'ascending'}")
        self.orders.actions()[1 if descending else 0].setChecked(True)
