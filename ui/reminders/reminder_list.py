"""A list of reminders with Open, Done and Snooze for the selected ones.

:class:`ReminderList` is what the window's reminder panel and the missed-reminders dialog
(:mod:`ui.reminders.panel`) show; :class:`ReminderListModel` is its table model (plain
text cells a screen reader reads as shown). Snooze offers the scheduler's presets and
:data:`CUSTOM_SNOOZE`, which asks for a time (:class:`ui.reminders.snooze_dialog.SnoozeDialog`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from services.reminders.listing import ReminderRows, ids_of
from services.reminders.rules import when_text
from ui.reminders.snooze_dialog import SnoozeDialog

CUSTOM_SNOOZE = "Choose a time…"
#: A row whose reminder was removed since the list was read (until the next pass).
_GONE = "This reminder is no longer there."


class ReminderListModel(QAbstractTableModel):
    """Reminders as rows with three columns: what, when it was due, and the details.

    Cells hold plain text, so a screen reader reads what the row shows.
    """

    ItemRole = Qt.ItemDataRole.UserRole + 1
    HEADERS = ("Reminder", "Due", "Details")

    def __init__(self, zone_provider: Callable[[], object], parent=None) -> None:
        super().__init__(parent)
        self._items: list = []
        self._rows: dict[int, tuple[str, str, str]] = {}
        self._zone = zone_provider

    def set_items(self, items: Sequence) -> None:
        """Replace the rows: a list of items, or the ids a pass listed
        (:class:`services.reminders.listing.ReminderRows`, read when shown). A row's texts are
        made when it is first shown: a long search can have thousands of reminders
        outstanding."""
        self.beginResetModel()
        self._items = items if isinstance(items, ReminderRows) else list(items)
        self._rows = {}
        self.endResetModel()

    def _row(self, row: int) -> tuple[str, str, str]:
        """What, when and details of ``row``, made once."""
        texts = self._rows.get(row)
        if texts is None:
            item = self._items[row]
            texts = (item.title, when_text(item.due_instant, self._zone()), item.text) \
                if item is not None else ("", "", _GONE)
            self._rows[row] = texts
        return texts

    def items(self) -> list:
        """The reminders shown, in order."""
        return list(self._items)

    def ids(self) -> list[int]:
        """The ids of the reminders shown, in order."""
        return ids_of(self._items)

    def item(self, row: int):
        """The reminder of ``row`` (None when it is no longer there)."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                 ) -> int:
        """One row per reminder."""
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                    ) -> int:
        """What, when, details."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        """The column names."""
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        """A cell's text (its tooltip: the whole reminder), or the reminder (``ItemRole``)."""
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        row = index.row()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._row(row)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            title, when, text = self._row(row)
            return f"{title} ({when}): {text}"
        if role == self.ItemRole:
            return self._items[row]
        return None


class ReminderList(QWidget):
    """A list of reminders with Open, Done and Snooze for the selected ones."""

    #: Emitted after the user acted on reminders (so a dialog can close when all are handled).
    acted = Signal()

    def __init__(self, scheduler, opener: Callable[[object], None],
                 parent: QWidget | None = None, *, name: str = "Reminders") -> None:
        super().__init__(parent)
        self.scheduler = scheduler
        self.opener = opener
        self.model = ReminderListModel(scheduler.zone, self)
        self.view = self._build_view(name)
        self._build_buttons()
        done_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.view)
        done_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        done_shortcut.activated.connect(self.done_selected)

        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.addWidget(self.open_button)
        self.buttons.addWidget(self.done_button)
        self.buttons.addWidget(self.snooze_button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.buttons)
        self._fill_snooze_menu()
        self._update_buttons()
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

    def _build_view(self, name: str) -> QTreeView:
        """The table of reminders: whole rows selected, several at a time, Enter opens."""
        view = QTreeView(self)
        view.setModel(self.model)
        view.setAccessibleName(name)
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setAllColumnsShowFocus(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 190)
        header.resizeSection(1, 190)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.activated.connect(lambda _index: self.open_current())
        return view

    def _build_buttons(self) -> None:
        """Open, Done, and Snooze with its menu of presets."""
        self.open_button = QPushButton("&Open", self)
        self.open_button.setAccessibleName("Open what the selected reminder is about")
        self.open_button.clicked.connect(self.open_current)
        self.done_button = QPushButton("&Done", self)
        self.done_button.setAccessibleName("Mark the selected reminders done")
        self.done_button.clicked.connect(self.done_selected)
        self.snooze_button = QToolButton(self)
        self.snooze_button.setText("&Snooze")
        self.snooze_button.setAccessibleName("Snooze the selected reminders")
        self.snooze_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.snooze_menu = QMenu(self.snooze_button)
        self.snooze_menu.aboutToShow.connect(self._fill_snooze_menu)
        self.snooze_button.setMenu(self.snooze_menu)

    # -- contents -------------------------------------------------------------------------------
    def set_items(self, items: Sequence) -> None:
        """Show ``items``, keeping the selection where the same reminders remain."""
        selected = set(self.selected_ids())
        self.model.set_items(items)
        selection = self.view.selectionModel()
        rows = [row for row, reminder_id in enumerate(self.model.ids())
                if reminder_id in selected]
        if not rows and self.model.rowCount():
            rows = [0]
        for row in rows:
            selection.select(self.model.index(row, 0), self._ROW_SELECT)
        if rows:
            current = self.model.index(rows[0], 0)
            selection.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(current)
        self._update_buttons()

    _ROW_SELECT = (QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)

    def selected_items(self) -> list:
        """The selected reminders, in list order."""
        return [item for row in self._selected_rows()
                if (item := self.model.item(row)) is not None]

    def selected_ids(self) -> list[int]:
        """The ids of the selected reminders."""
        ids = self.model.ids()
        return [ids[row] for row in self._selected_rows() if row < len(ids)]

    def _selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.view.selectionModel().selectedRows())

    def select_rows(self, rows: Sequence[int]) -> None:
        """Select these rows (tests and keyboard helpers)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), self._ROW_SELECT)

    def _update_buttons(self, *_args) -> None:
        has = bool(self.view.selectionModel().selectedRows())
        for button in (self.open_button, self.done_button, self.snooze_button):
            button.setEnabled(has)

    # -- actions --------------------------------------------------------------------------------
    def open_current(self) -> None:
        """Open what the current (or first selected) reminder is about."""
        index = self.view.currentIndex()
        item = self.model.data(index, ReminderListModel.ItemRole) if index.isValid() else None
        if item is None:
            selected = self.selected_items()
            item = selected[0] if selected else None
        if item is not None:
            self.opener(item)

    def done_selected(self) -> None:
        """Mark the selected reminders done."""
        ids = self.selected_ids()
        if ids:
            self.scheduler.done(ids)
            self.acted.emit()

    def snooze_selected(self, preset: str) -> None:
        """Snooze the selected reminders with a preset, or ask for a time (``CUSTOM_SNOOZE``)."""
        ids = self.selected_ids()
        if not ids:
            return
        if preset == CUSTOM_SNOOZE:
            default = self.scheduler.snooze_presets()["Tomorrow morning"]
            until = SnoozeDialog.ask(self.window(), default, self.scheduler.zone())
            if until is None:
                return
            if until <= self.scheduler.now():
                until = self.scheduler.now() + timedelta(minutes=1)
            self.scheduler.snooze(ids, until)
        else:
            self.scheduler.snooze_for(ids, preset)
        self.acted.emit()

    def _fill_snooze_menu(self) -> None:
        self.snooze_menu.clear()
        zone = self.scheduler.zone()
        for label, until in self.scheduler.snooze_presets().items():
            action = QAction(f"{label} ({when_text(until, zone)})", self.snooze_menu)
            action.setData(label)
            action.triggered.connect(lambda _checked=False, p=label: self.snooze_selected(p))
            self.snooze_menu.addAction(action)
        self.snooze_menu.addSeparator()
        custom = QAction(CUSTOM_SNOOZE, self.snooze_menu)
        custom.setData(CUSTOM_SNOOZE)
        custom.triggered.connect(lambda _checked=False: self.snooze_selected(CUSTOM_SNOOZE))
        self.snooze_menu.addAction(custom)

    def snooze_action(self, preset: str) -> QAction:
        """The snooze menu's action for ``preset`` (tests trigger it)."""
        self._fill_snooze_menu()
        for action in self.snooze_menu.actions():
            if action.data() == preset:
                return action
        raise KeyError(preset)
