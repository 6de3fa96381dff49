"""Reminders inside the window: the panel above the sections, the missed-reminders list,
and the custom snooze dialog.

The panel (:class:`ReminderPanel`) lists every outstanding reminder (due, or
shown and not yet done or snoozed) and hides itself when there is none. It
is the reminders' home where the desktop has no system tray, and a second
way to reach them where it has one. :class:`MissedRemindersDialog` lists,
once at start, the reminders that came due while the app was closed. Both
act on the selected reminders: Open, Done, Snooze (an hour, three hours,
tomorrow morning, next Monday morning, or a chosen time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from services.reminders.rules import when_text
from ui.shell.accessible import make_steppable

#: Rows the panel shows before it scrolls.
PANEL_ROWS = 4
CUSTOM_SNOOZE = "Choose a time…"


def open_reminder(window, item) -> None:
    """Show what a reminder is about: the composer for notes, else its application.

    Brings the window to the front first unless it is the active window (it
    may be hidden in the tray). The
    composer is opened through ``window.open_composer(application_id,
    round_id, template_key=…)`` when the window has it, else the application.
    """
    if window is None:
        return
    if not (window.isVisible() and window.isActiveWindow() and not window.isMinimized()):
        if hasattr(window, "bring_to_front"):
            window.bring_to_front()
        else:
            window.showNormal()
            window.raise_()
    target = item.open_target
    if target.what == "composer" and hasattr(window, "open_composer"):
        window.open_composer(target.application_id, target.round_id,
                             template_key=target.template_key)
    elif target.what in ("composer", "editor") and target.application_id is not None:
        window.open_editor(target.application_id)
    elif target.what == "new_application":
        window.open_editor(None)


class ReminderListModel(QAbstractTableModel):
    """Reminders as rows with three columns: what, when it was due, and the details.

    Cells hold plain text, so a screen reader reads what the row shows.
    """

    ItemRole = Qt.ItemDataRole.UserRole + 1
    HEADERS = ("Reminder", "Due", "Details")

    def __init__(self, zone_provider: Callable[[], object], parent=None) -> None:
        super().__init__(parent)
        self._items: list = []
        self._rows: list[tuple[str, str, str]] = []
        self._zone = zone_provider

    def set_items(self, items: Sequence) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._items = list(items)
        zone = self._zone()
        self._rows = [(item.title, when_text(item.due_instant, zone), item.text)
                      for item in self._items]
        self.endResetModel()

    def items(self) -> list:
        """The reminders shown, in order."""
        return list(self._items)

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
            return self._rows[row][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            title, when, text = self._rows[row]
            return f"{title} ({when}): {text}"
        if role == self.ItemRole:
            return self._items[row]
        return None


class SnoozeDialog(QDialog):
    """Choose when a snoozed reminder comes back."""

    def __init__(self, default: datetime, zone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        self.zone = zone
        layout = QVBoxLayout(self)
        label = QLabel("Remind me again on:", self)
        self.when = QDateTimeEdit(self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy HH:mm")
        make_steppable(self.when).setAccessibleName("Date and time the reminder comes back")
        self.when.setTimeZone(QTimeZone(zone.key.encode()))
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(default.timestamp()),
                                                           QTimeZone(zone.key.encode())))
        label.setBuddy(self.when)
        layout.addWidget(label)
        layout.addWidget(self.when)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> datetime:
        """The chosen instant, in UTC."""
        return datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), UTC)

    @classmethod
    def ask(cls, parent: QWidget | None, default: datetime, zone) -> datetime | None:
        """Ask for a time (modal); None when cancelled. Tests replace this method."""
        dialog = cls(default, zone, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.chosen()
        finally:
            dialog.deleteLater()


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
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(name)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 190)
        header.resizeSection(1, 190)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.activated.connect(lambda _index: self.open_current())

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

    # -- contents -------------------------------------------------------------------------------
    def set_items(self, items: Sequence) -> None:
        """Show ``items``, keeping the selection where the same reminders remain."""
        selected = set(self.selected_ids())
        self.model.set_items(items)
        selection = self.view.selectionModel()
        rows = [row for row, item in enumerate(self.model.items()) if item.id in selected]
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
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        items = self.model.items()
        return [items[row] for row in rows if row < len(items)]

    def selected_ids(self) -> list[int]:
        """The ids of the selected reminders."""
        return [item.id for item in self.selected_items()]

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


class ReminderPanel(QFrame):
    """The reminders due, above the window's sections; hidden when there is none.

    Place it with ``window.add_banner(panel)``; it refreshes itself when the
    scheduler says reminders changed.
    """

    def __init__(self, scheduler, opener: Callable[[object], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReminderPanel")
        self.setAccessibleName("Reminders")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#ReminderPanel { background: palette(alternate-base);"
            " border: 1px solid palette(mid); border-radius: 6px; }")
        self.scheduler = scheduler
        self.heading = QLabel(self)
        self.heading.setObjectName("ReminderPanelHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.snooze_all_button = QPushButton("Snooze all for an hour", self)
        self.snooze_all_button.setAccessibleName("Snooze all reminders for an hour")
        self.snooze_all_button.clicked.connect(self.snooze_all)
        self.list = ReminderList(scheduler, opener, self, name="Reminders due")
        row_height = self.fontMetrics().height() + 6
        header_height = self.list.view.header().sizeHint().height()
        self.list.view.setMaximumHeight(header_height + row_height * PANEL_ROWS + 6)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.snooze_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.list)
        scheduler.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Reload the outstanding reminders; hide when there are none."""
        items = self.scheduler.outstanding()
        count = len(items)
        self.heading.setText("1 reminder" if count == 1 else f"{count:,} reminders")
        self.list.set_items(items)
        self.setVisible(bool(items))

    def items(self) -> list:
        """The reminders listed."""
        return self.list.model.items()

    def snooze_all(self) -> None:
        """Snooze every listed reminder for an hour."""
        self.scheduler.snooze_all_for_an_hour()


class MissedRemindersDialog(QDialog):
    """The reminders that came due while Next Steps was closed, listed once at start."""

    def __init__(self, items: Sequence, scheduler, opener: Callable[[object], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MissedRemindersDialog")
        self.setWindowTitle("Reminders while Next Steps was closed")
        self.scheduler = scheduler
        self._ids = [item.id for item in items]
        count = len(items)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setText(
            ("This reminder" if count == 1 else f"These {count:,} reminders")
            + " came due while Next Steps was closed. Open one to act on it, mark it done, "
            "or snooze it until a better moment.")
        self.list = ReminderList(scheduler, opener, self, name="Missed reminders")
        self.list.set_items(items)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close the list of missed reminders")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        self.list.buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        self.resize(720, 360)
        scheduler.changed.connect(self.refresh)

    def refresh(self) -> None:
        """Keep only the listed reminders that are still outstanding."""
        wanted = set(self._ids)
        items = [item for item in self.scheduler.outstanding() if item.id in wanted]
        self.list.set_items(items)

    def items(self) -> list:
        """The reminders listed."""
        return self.list.model.items()
