"""The agenda column of the Calendar section: the entries of the selected day or week.

:class:`AgendaPane` is mixed into :class:`ui.calendar.view.CalendarView`: it builds the
column (title, Day and Week, the list, the words shown when it is empty, the hint), fills
it (:meth:`~AgendaPane.refresh_agenda_now`), and opens an entry's application on a click,
on Enter or from its context menu (which also exports the entry). Besides the view, the
tests and the calendar benchmark call :meth:`~AgendaPane.set_week_mode`,
:meth:`~AgendaPane.agenda_range`, :meth:`~AgendaPane.refresh_agenda_now`,
:meth:`~AgendaPane.open_row` and :meth:`~AgendaPane.entry_menu`; the list model and its
delegate are in :mod:`ui.calendar.agenda`.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.calendar import entries as calendar_entries
from services.calendar.entry_types import CalendarEntry
from ui.calendar.agenda import ENTRY_ROLE, AgendaDelegate, AgendaModel, days_text
from ui.calendar.dialogs import CalendarMessages
from ui.calendar.month import long_day
from ui.shell.accessible import message_label


class _AgendaKeys(QObject):
    """Enter opens the current agenda entry."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.view.open_current()
            return True
        return False


class AgendaPane:
    """The agenda column (mixed into the calendar view: uses its ``grid``, ``zone``,
    ``window_`` and whether the data is loaded)."""

    def _build_agenda(self, splitter: QSplitter) -> QWidget:
        """The right column: the agenda's title with Day and Week, the list, the words
        shown when it is empty, and the hint."""
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.setSpacing(8)
        right_layout.addLayout(self._build_agenda_heading(right))
        self.agenda_model = AgendaModel(self.zone, self)
        self.agenda = QListView(right)
        self.agenda.setAccessibleName("Agenda")
        self.agenda.setModel(self.agenda_model)
        self.agenda.setItemDelegate(AgendaDelegate(self.agenda))
        self.agenda.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.agenda.setUniformItemSizes(True)
        self.agenda.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.agenda.setResizeMode(QListView.ResizeMode.Adjust)
        self.agenda.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.agenda.setMouseTracking(True)
        right_layout.addWidget(self.agenda, 1)
        self.nothing = QLabel(right)
        self.nothing.setWordWrap(True)
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        message_label(self.nothing, "Agenda is empty")
        self.nothing.hide()
        right_layout.addWidget(self.nothing, 1)
        self.hint = QLabel("Click an entry or press Enter to open its application; right-click "
                           "to export it.", right)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        right_layout.addWidget(self.hint)
        return right

    def _build_agenda_heading(self, right: QWidget) -> QHBoxLayout:
        """What the agenda shows (a day or a week), and the Day and Week buttons."""
        heading = QHBoxLayout()
        self.agenda_title = QLabel(right)
        message_label(self.agenda_title, "Agenda shows")
        bold = self.agenda_title.font()
        bold.setBold(True)
        self.agenda_title.setFont(bold)
        self.agenda_title.setWordWrap(True)
        heading.addWidget(self.agenda_title, 1)
        self.day_button = QPushButton("Day", right)
        self.week_button = QPushButton("Week", right)
        self.day_button.setAccessibleName("Agenda of the selected day")
        self.week_button.setAccessibleName("Agenda of the selected week")
        self.range_group = QButtonGroup(self)
        for button in (self.day_button, self.week_button):
            button.setCheckable(True)
            self.range_group.addButton(button)
            heading.addWidget(button)
        self.day_button.setChecked(True)
        return heading

    def _connect_agenda(self) -> None:
        """Day or week, click, Enter and the context menu."""
        self.range_group.buttonToggled.connect(self._on_range_toggled)
        self.agenda.clicked.connect(lambda index: self.open_row(index.row()))
        self.agenda.customContextMenuRequested.connect(self._context_menu)
        self.agenda.installEventFilter(_AgendaKeys(self))

    def agenda_range(self) -> tuple[date, date]:
        """The days the agenda shows: the selected day, or its week."""
        day = self.grid.selected
        if not self._week_mode:
            return day, day
        start = day - timedelta(days=(day.weekday() - self.grid.week_start) % 7)
        return start, start + timedelta(days=6)

    def refresh_agenda_now(self) -> None:
        """Fill the agenda for the selected day or week now."""
        self._agenda_timer.stop()
        self._update_agenda_title()
        if not self._loaded:
            return
        first, last = self.agenda_range()
        entries = calendar_entries.entries_between(first, last, clock.now(), self.zone,
                                                   rules=self._rules)
        self.agenda_model.set_entries(entries, with_day=self._week_mode)
        empty = not entries
        if empty:
            self.nothing.setText("Nothing planned this week." if self._week_mode
                                 else "Nothing planned on this day.")
        self.agenda.setVisible(not empty)
        self.nothing.setVisible(empty)
        self.hint.setVisible(not empty)

    def set_week_mode(self, week: bool) -> None:
        """Show the agenda of the selected week (True) or day (False)."""
        (self.week_button if week else self.day_button).setChecked(True)

    def _on_range_toggled(self, button, checked: bool) -> None:
        if not checked:
            return
        self._week_mode = button is self.week_button
        self.grid.set_highlight_week(self._week_mode)
        self.refresh_agenda_now()

    def _update_agenda_title(self) -> None:
        first, last = self.agenda_range()
        self.agenda_title.setText(f"Week: {days_text(first, last)}" if self._week_mode
                                  else long_day(first))

    def _focus_agenda(self, _day: date) -> None:
        if self.agenda_model.rowCount():
            self.agenda.setFocus()
            if not self.agenda.currentIndex().isValid():
                self.agenda.setCurrentIndex(self.agenda_model.index(0, 0))

    # -- entries ----------------------------------------------------------------------------
    def current_entry(self) -> CalendarEntry | None:
        """The agenda entry with the keyboard focus."""
        index = self.agenda.currentIndex()
        return self.agenda_model.entry(index.row()) if index.isValid() else None

    def open_row(self, row: int) -> None:
        """Open the application of the agenda entry in ``row``."""
        entry = self.agenda_model.entry(row)
        if entry is None:
            return
        if entry.application_id is None:
            CalendarMessages.inform(self, "Reminder", f"{entry.title}\n\nThis reminder belongs "
                                    "to no application.")
            return
        self.window_.open_editor(entry.application_id)

    def open_current(self) -> None:
        """Open the application of the current agenda entry (Enter)."""
        index = self.agenda.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def _context_menu(self, position) -> None:
        index = self.agenda.indexAt(position)
        if not index.isValid():
            index = self.agenda.currentIndex()
        if not index.isValid():
            return
        self.agenda.setCurrentIndex(index)
        entry: CalendarEntry = index.data(ENTRY_ROLE)
        menu = self.entry_menu(entry)
        menu.exec(self.agenda.viewport().mapToGlobal(self.agenda.visualRect(index).center()))
        menu.deleteLater()

    def entry_menu(self, entry: CalendarEntry) -> QMenu:
        """The context menu of an agenda entry."""
        menu = QMenu(self)
        menu.setAccessibleName("Entry actions")
        open_action = QAction("&Open application", menu)
        open_action.setEnabled(entry.application_id is not None)
        open_action.triggered.connect(lambda: self.window_.open_editor(entry.application_id))
        menu.addAction(open_action)
        export_action = QAction("&Export to calendar file…", menu)
        export_action.triggered.connect(lambda: self.export_entry(entry))
        menu.addAction(export_action)
        return menu
