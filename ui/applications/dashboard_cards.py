"""The dashboard's framed cards: a titled list (or a sentence when it is empty), and a chart.

:class:`ui.applications.dashboard_view.DashboardView` builds its four lists as
:class:`ListCard` and its two charts with :func:`chart_card`; :func:`make_card` gives any
frame the cards' look.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.applications.dashboard_list_model import DashboardListModel, ListRow, as_row

__all__ = ["ListCard", "chart_card", "make_card"]


def make_card(frame: QFrame) -> None:
    """A framed panel in the base colour (palette only: a style sheet would slow painting)."""
    frame.setObjectName("DashboardCard")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setFrameShadow(QFrame.Shadow.Plain)
    frame.setBackgroundRole(QPalette.ColorRole.Base)
    frame.setAutoFillBackground(True)


def _bold_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def chart_card(title: str, chart: QWidget, parent: QWidget) -> QFrame:
    """A card with ``title`` in bold over ``chart``."""
    card = QFrame(parent)
    make_card(card)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(10, 8, 10, 8)
    layout.setSpacing(4)
    layout.addWidget(_bold_label(title, card))
    layout.addWidget(chart, 1)
    return card


class ListCard(QFrame):
    """A titled card holding a list, or a sentence when the list is empty."""

    def __init__(self, title: str, headers: Sequence[str], widths: Sequence[str | int | None],
                 empty_text: str, parent: QWidget) -> None:
        """``widths`` per column: a sample text the column must fit, a width in pixels, or
        None for the column that takes the rest of the width."""
        super().__init__(parent)
        make_card(self)
        self.base_title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        self.heading = _bold_label("", self)
        self.heading.setObjectName("DashboardCardTitle")
        layout.addWidget(self.heading)
        self.model = DashboardListModel(headers, self)
        self.list = self._build_list(title)
        self._size_columns(headers, widths)
        self.heading.setBuddy(self.list)
        self.empty = QLabel(empty_text, self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName(f"{title}: {empty_text}")
        holder = QWidget(self)
        self.stack = QStackedLayout(holder)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        layout.addWidget(holder, 1)
        self.set_rows([])

    def _build_list(self, title: str) -> QTableView:
        """A read-only list of whole rows over :attr:`model`, named ``title``."""
        table = QTableView(self)
        table.setAccessibleName(title)
        table.setModel(self.model)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setCornerButtonEnabled(False)
        vertical = table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        header.setMinimumSectionSize(40)
        return table

    def _size_columns(self, headers: Sequence[str], widths: Sequence[str | int | None]) -> None:
        """Give each column its width (see :meth:`__init__`)."""
        header = self.list.horizontalHeader()
        metrics = self.list.fontMetrics()
        for column, width in enumerate(widths):
            if width is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            if isinstance(width, str):
                width = max(metrics.horizontalAdvance(width),
                            metrics.horizontalAdvance(headers[column])) + 16
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.list.setColumnWidth(column, width)

    def set_rows(self, rows: list[ListRow]) -> None:
        """Show ready ``rows`` (none: the sentence instead of the list)."""
        self.set_items(rows, as_row)

    def set_items(self, items: Sequence, format_row: Callable[[object], ListRow]) -> None:
        """Show ``items``, each turned into a row by ``format_row`` when first shown."""
        self.model.set_items(items, format_row)
        self.heading.setText(f"{self.base_title} ({len(items):,})" if items else self.base_title)
        self.stack.setCurrentWidget(self.list if items else self.empty)
