"""The application list: search as you type, filter by stage, sort, open, delete with undo."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.values import STAGE_LABELS, Stage
from services.applications.index import COLUMNS, ApplicationIndex
from services.core.snapshot import connect_for_reading
from ui.applications.list_loading import ListLoading
from ui.applications.sort_menu import SortButton
from ui.applications.table_model import COL, ApplicationTableModel, header_labels
from ui.shell.accessible import buddy_label, message_label
from ui.shell.labels import section_title
from ui.shell.prepaint import ALIGN_CENTER, set_alignment

#: Rows loaded before the first paint. The rest are loaded the first time the
#: user searches, filters, sorts or scrolls down (about 15 MB at 10,000 rows); a search
#: before then shows this many of its first rows at once (ui/applications/list_loading.py).
FIRST_SCREENFUL = 40
UNDO_SECONDS = 8


class ConfirmDelete:
    """Asks before deleting an application; tests replace :meth:`ask`."""

    @classmethod
    def ask(cls, parent: QWidget, description: str) -> bool:
        """True when the user confirms deleting ``description``."""
        from PySide6.QtWidgets import QMessageBox  # not needed before the first paint

        answer = QMessageBox.question(
            parent,
            "Delete application",
            f"Delete {description} with its interviews, notes and emails?\n\n"
            f"You can undo this for {UNDO_SECONDS} seconds.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


class ApplicationsView(QWidget):
    """Every application in a fast, searchable, sortable table."""

    editor_requested = Signal(object)  # application id, or None for a new one

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.paths = window.paths
        self.zone = clock.user_zone()
        self.setAccessibleName("Applications")
        self._undo_snapshot = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(10)
        layout.addLayout(self._build_top_row())
        layout.addLayout(self._build_filter_bar())
        self.model = ApplicationTableModel(self._first_index(), self.zone, self)
        layout.addWidget(self._build_table(), 1)

        self.nothing = QLabel(self)
        set_alignment(self.nothing, ALIGN_CENTER)
        self.nothing.setWordWrap(True)
        self.nothing.hide()
        layout.addWidget(self.nothing)
        layout.addWidget(self._build_undo_bar())

        self.loader = ListLoading(self)
        self._update_count()
        # Everything else is loaded when first needed (see FIRST_SCREENFUL); a search or a
        # stage filter first answers from the kept list keys (ListLoading.search).
        self.table.horizontalHeader().sectionPressed.connect(self.ensure_complete)
        self._started = False

    # -- building (before the first paint: no Qt namespace, see ui/shell/prepaint.py) -----
    def _build_top_row(self) -> QHBoxLayout:
        """The title, the number of applications shown and "New application"."""
        top = QHBoxLayout()
        title = section_title("Applications", self)
        top.addWidget(title)
        self.count_label = QLabel(self)
        message_label(self.count_label, "Number of applications shown")
        top.addWidget(self.count_label)
        top.addStretch(1)
        self.new_button = QPushButton("New application", self)
        self.new_button.setToolTip("Add an application (Ctrl+N)")
        self.new_button.setAccessibleName("New application")
        self.new_button.clicked.connect(lambda: self.editor_requested.emit(None))
        top.addWidget(self.new_button)
        return top

    def _build_filter_bar(self) -> QHBoxLayout:
        """The search box, the stage filter and "Sort by…"."""
        bar = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search company, role, people or notes   (Ctrl+F)")
        self.search.setAccessibleName("Search applications")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        bar.addWidget(self.search, 1)
        self.stage_filter = QComboBox(self)
        self.stage_filter.setAccessibleName("Show stage")
        self.stage_filter.addItem("All stages", None)
        self.stage_filter.addItem("Still open", "open")
        for stage in Stage:
            self.stage_filter.addItem(STAGE_LABELS[stage], stage.value)
        self.stage_filter.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(buddy_label("&Stage", self.stage_filter))
        bar.addWidget(self.stage_filter)
        self.sort_button = SortButton(self)
        bar.addWidget(self.sort_button)
        return bar

    def _build_table(self) -> QTableView:
        """The table over :attr:`model`, one application per row."""
        self.table = QTableView(self)
        self.table.setAccessibleName("Application list")
        header = self.table.horizontalHeader()
        # The header shows the titles from a C++ model of their own (see header_labels);
        # hidden while the table takes its model, it never asks the Python model.
        header.hide()
        self.table.verticalHeader().setVisible(False)
        self.table.setModel(self.model)
        header.setModel(header_labels(self))
        header.show()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        # The index comes sorted by stage; the sort arrow and sorting by a click are
        # switched on by after_first_paint().
        header.setSortIndicatorShown(False)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((170, 210, 130, 172, 172, 140, 130, 150)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        return self.table

    def _build_undo_bar(self) -> QFrame:
        """The hidden bar that offers to undo a delete for a few seconds."""
        self.undo_bar = QFrame(self)
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(10, 4, 6, 4)
        self.undo_label = QLabel(self.undo_bar)
        undo_layout.addWidget(self.undo_label, 1)
        self.undo_button = QPushButton("Undo", self.undo_bar)
        self.undo_button.setAccessibleName("Undo delete")
        self.undo_button.clicked.connect(self.undo_delete)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._expire_undo)
        return self.undo_bar

    def after_first_paint(self) -> None:
        """Switch on what waits for the window to be on screen; safe to call again.

        The sort arrow and sorting by a click on a column header or from the
        "Sort by" menu, the keys (Enter opens, Delete deletes, Down leaves the
        search box, Ctrl+F), and loading the rest on scrolling, or at once when the window
        is taller than the first screenful. Before the first paint they would pass Qt enums
        and every event of the table through Python (see ui/shell/prepaint.py); the
        index already comes sorted by stage, and no key or scroll reaches a
        window that is not on screen.
        """
        if self._started:
            return
        self._started = True
        from PySide6.QtCore import Qt  # the Qt namespace: not before the first paint

        index = self.model.index_data
        order = Qt.SortOrder.DescendingOrder if index.descending else Qt.SortOrder.AscendingOrder
        column = COL[index.sort_column]
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.table.setSortingEnabled(True)
        from ui.applications.list_keys import ListKeys  # names Qt: not before the first paint

        keys = ListKeys(self)
        self.table.installEventFilter(keys)
        self.search.installEventFilter(keys)
        bar = self.table.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._load_rest_if_it_would_show)
        self._load_rest_if_it_would_show()
        from PySide6.QtGui import QKeySequence, QShortcut  # not needed before the first paint

        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        # Ctrl+N is File → New Application's (a second Ctrl+N here made both ambiguous).
        self.sort_button.attach(self.table, [column.header for column in COLUMNS],
                                self.ensure_complete)
        self.loader.fill_keys_later()

    # -- loading ------------------------------------------------------------------
    def now(self) -> datetime:
        """The instant that splits past from future rounds in the rows read now."""
        return clock.now()

    @staticmethod
    def first_rows() -> int:
        """How many rows are read before the whole list: :data:`FIRST_SCREENFUL`."""
        return FIRST_SCREENFUL

    @property
    def _loading(self) -> bool:
        return self.loader.loading

    def _first_index(self) -> ApplicationIndex:
        con = connect_for_reading(self.paths)
        try:
            return ApplicationIndex.load_first(con, self.now(), FIRST_SCREENFUL)
        finally:
            con.close()

    def ensure_complete(self, *_args) -> None:
        """Start loading every application unless that is done or under way."""
        if not self.model.index_data.complete and not self._loading:
            self.load_all()

    def _load_rest_if_it_would_show(self, *_args) -> None:
        """Load every application when the list has room for more rows than it holds: a
        window taller than the first screenful has no scroll bar to scroll down with."""
        index = self.model.index_data
        if index.complete or self._loading or len(index.visible) >= index.total:
            return
        if self.table.verticalScrollBar().maximum() == 0:
            self.load_all()

    def _on_scrolled(self, value: int) -> None:
        if value >= self.table.verticalScrollBar().maximum() - 5:
            self.ensure_complete()

    def load_all(self) -> None:
        """Load every application on a worker thread, then show them (keeps filter and sort)."""
        self.loader.load_all()
        self._update_count()

    def show_everything(self, index: ApplicationIndex) -> None:
        """Show the complete ``index`` (every application), with the filter now typed."""
        selected = self.current_id()
        self.model.replace_index(index)
        text, stage = self.search.text(), self.stage_filter.currentData()
        if (index.filter_text, index.stage_filter) != (text, stage or None):
            self.model.set_filter(text, stage)
        if selected is not None:
            self.select_application(selected)
        self._update_count()

    def show_answer(self, index: ApplicationIndex) -> None:
        """Show a search's first rows, read before the whole list (ListLoading.search)."""
        self.model.show_index(index)
        self._update_count()

    def reload_one(self, application_id: int) -> None:
        """Re-read one application after it was saved, and select it."""
        con = connect_for_reading(self.paths)
        try:
            self.model.index_data.upsert(con, application_id, self.now())
        finally:
            con.close()
        self.model.refresh_rows()
        self._update_count()
        self.select_application(application_id)

    # -- filtering ----------------------------------------------------------------
    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""
        self.search.setFocus()
        self.search.selectAll()

    def _apply_filter(self, *_args) -> None:
        text, stage = self.search.text(), self.stage_filter.currentData()
        index = self.model.index_data
        if not index.complete and (index.sort_column, index.descending) == ("stage", False):
            self.loader.search(text, stage)  # then everything is read
            return
        self.filter_rows_at_hand(text, stage)
        self.ensure_complete()

    def filter_rows_at_hand(self, text: str, stage: str | None) -> None:
        """Filter the rows already read (every one once the whole list is read)."""
        self.model.set_filter(text, stage)
        self._update_count()

    def _update_count(self) -> None:
        index = self.model.index_data
        shown, total = len(index.visible), index.total
        matched = shown if index.complete else index.matched
        if matched is not None and matched != total:
            self.count_label.setText(f"{matched:,} of {total:,}")
        elif self._loading:
            self.count_label.setText(f"{total:,} · loading…")
        else:
            self.count_label.setText(f"{total:,}")
        if total == 0:
            self.nothing.setText("No applications yet. Add your first with “New application” "
                                 "(Ctrl+N); every interview, note and date will hang off it.")
        elif matched == 0:
            self.nothing.setText("Nothing matches your search. Try fewer or shorter words; "
                                 "accents and capitals do not matter.")
        nothing = total == 0 or matched == 0
        self.nothing.setVisible(nothing)
        self.table.setVisible(not nothing)

    # -- selection, opening, deleting -----------------------------------------------
    def current_id(self) -> int | None:
        """The application id of the current row."""
        current = self.table.currentIndex()
        return self.model.application_id(current.row()) if current.isValid() else None

    def select_application(self, application_id: int) -> None:
        """Make ``application_id`` the current, visible row (if it passes the filter)."""
        row = self.model.row_of(application_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def open_row(self, row: int) -> None:
        """Open the editor for the application in ``row``."""
        application_id = self.model.application_id(row)
        if application_id is not None:
            self.editor_requested.emit(application_id)

    def open_current(self) -> None:
        """Open the editor for the current row (Enter)."""
        current = self.table.currentIndex()
        if current.isValid():
            self.open_row(current.row())

    def delete_current(self) -> None:
        """Ask, delete the current application, and offer an undo for a few seconds."""
        from services.applications import deletion  # peewee: not before the first paint

        application_id = self.current_id()
        if application_id is None:
            return
        row = self.model.index_data.row(application_id)
        description = f"{row.role} at {row.company}" if row else "this application"
        if not ConfirmDelete.ask(self, description):
            return
        self.window_.ensure_store()
        position = self.table.currentIndex().row()
        self._undo_snapshot = deletion.delete(application_id)
        self.model.index_data.remove(application_id)
        self.model.refresh_rows()
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(min(position, self.model.rowCount() - 1))
        self.undo_label.setText(f"Deleted {description}.")
        self.undo_bar.show()
        self._undo_timer.start(UNDO_SECONDS * 1000)
        self.window_.refresh_status()

    def undo_delete(self) -> None:
        """Bring back the application deleted last."""
        from services.applications import deletion  # peewee: not before the first paint

        snapshot, self._undo_snapshot = self._undo_snapshot, None
        self._undo_timer.stop()
        self.undo_bar.hide()
        if snapshot is None:
            return
        deletion.undo_delete(snapshot)
        self.reload_one(snapshot.application_id)
        self.window_.refresh_status()

    def _expire_undo(self) -> None:
        self._undo_snapshot = None
        self.undo_bar.hide()
