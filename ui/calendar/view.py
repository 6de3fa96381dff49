"""The Calendar section: a month of markers, a legend and the agenda of a day or a week.

Every date comes from :mod:`services.calendar.entries` (the same source as the
reminders). The month grid asks for the counts of its six visible weeks only
(indexed SQL) and keeps them per month until the data may have changed (the
section is shown again, an import, :meth:`CalendarView.refresh`, midnight).

Clicking an agenda entry, or Enter on it, opens its application
(``window.open_editor``). Its context menu exports it to an .ics file; "Export
all upcoming…" (and :meth:`CalendarView.export_all`, for the File menu) writes
every upcoming entry; "Import invitation…", a drop of .ics files, and
:meth:`CalendarView.import_files` import invitations (read on a worker behind a
progress dialog, then written here: :mod:`ui.data.import_job`). Dialogs are class
methods (:class:`ExportDialog`, :class:`ImportDialog`, :class:`ChooseApplication`,
:class:`CalendarMessages`) so tests replace them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.calendar import entries as calendar_entries
from services.calendar.entries import KIND_ORDER, CalendarEntry, EntryKind, zone_of
from ui.calendar.agenda import ENTRY_ROLE, AgendaDelegate, AgendaModel, days_text
from ui.calendar.markers import is_dark, marker_pixmap
from ui.calendar.month import MonthGrid, add_months, long_day, month_title
from ui.shell.accessible import message_label

#: The longest the calendar waits before checking whether the day changed (ms): six hours.
DAY_CHECK_MAX_MS = 6 * 60 * 60 * 1000
log = logging.getLogger(__name__)


# -- dialogs (class methods, replaced in tests) ------------------------------------------------


def _documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(folder) if folder else Path.home()
    return path if path.is_dir() else Path.home()


class ExportDialog:
    """Asks where to save an .ics file."""

    @classmethod
    def ask_path(cls, parent: QWidget, suggested: str) -> str | None:
        """The chosen path (``suggested`` is offered), or None when cancelled."""
        path, _selected = QFileDialog.getSaveFileName(
            parent, "Export to calendar file", suggested,
            "iCalendar files (*.ics);;All files (*)")
        if not path:
            return None
        return path if path.lower().endswith((".ics", ".ical", ".icalendar")) else path + ".ics"


class ImportDialog:
    """Asks which invitation files to import."""

    @classmethod
    def ask_files(cls, parent: QWidget) -> list[str]:
        """The chosen files (empty when cancelled)."""
        files, _selected = QFileDialog.getOpenFileNames(
            parent, "Import calendar invitations", str(_documents_folder()),
            "Calendar invitations (*.ics *.ical *.icalendar *.vcs);;All files (*)")
        return list(files)


class ChooseApplication:
    """Asks which application an imported interview belongs to."""

    @classmethod
    def ask(cls, parent: QWidget, invitation, candidates: list) -> int | None:
        """An application id, or None for "Create a new application". Raises
        :class:`services.calendar.ics_import.ImportCancelled` when the user cancels."""
        from services.calendar.ics_import import ImportCancelled

        dialog = QDialog(parent)
        dialog.setWindowTitle("Which application is this interview for?")
        layout = QVBoxLayout(dialog)
        intro = QLabel(
            f"The invitation {invitation.describe()} does not clearly belong to one of your "
            "applications. Choose the application, or create a new one.", dialog)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        people = ", ".join(f"{p.name} <{p.email}>" for p in invitation.people)
        if people:
            who = QLabel(f"From: {people}", dialog)
            who.setWordWrap(True)
            layout.addWidget(who)
        choices = QListWidget(dialog)
        choices.setAccessibleName("Applications to choose from")
        new_item = QListWidgetItem("Create a new application", choices)
        new_item.setData(Qt.ItemDataRole.UserRole, None)
        for candidate in candidates:
            stage = candidate.stage.replace("_", " ")
            text = f"{candidate.company} — {candidate.role} ({stage})"
            if candidate.reason:
                text += f"\n    {candidate.reason}"
            item = QListWidgetItem(text, choices)
            item.setData(Qt.ItemDataRole.UserRole, candidate.application_id)
        choices.setCurrentRow(1 if candidates and candidates[0].reason else 0)
        layout.addWidget(choices, 1)
        label = QLabel("&Application:", dialog)
        label.setBuddy(choices)
        layout.insertWidget(layout.count() - 1, label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        choices.itemDoubleClicked.connect(lambda _item: dialog.accept())
        layout.addWidget(buttons)
        dialog.resize(560, 420)
        if dialog.exec() != QDialog.DialogCode.Accepted or choices.currentItem() is None:
            raise ImportCancelled()
        return choices.currentItem().data(Qt.ItemDataRole.UserRole)


class CalendarMessages:
    """Messages of the calendar (exports and imports)."""

    @classmethod
    def inform(cls, parent: QWidget, title: str, text: str) -> None:
        """An information message."""
        QMessageBox.information(parent, title, text)

    @classmethod
    def warn(cls, parent: QWidget, title: str, text: str) -> None:
        """A problem, said in a sentence."""
        QMessageBox.warning(parent, title, text)

    @classmethod
    def show_report(cls, parent: QWidget, report) -> None:
        """What an import did: the summary, and every line under "Show Details"."""
        box = QMessageBox(parent)
        box.setWindowTitle("Import invitations")
        box.setIcon(QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning)
        box.setText(report.summary())
        box.setInformativeText("\n".join(line for line in report.lines[:12]
                                         if not line.startswith("    ")))
        box.setDetailedText(report.text())
        box.exec()


# -- the view ----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    from services.applications.index import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:60].rstrip("-") or "entry"


class _AgendaKeys(QObject):
    """Enter opens the current agenda entry."""

    def __init__(self, view: CalendarView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.view.open_current()
            return True
        return False


class CalendarView(QWidget):
    """The month grid, the legend and the agenda, with export and import."""

    #: Applications whose interviews an import created or changed (ids).
    data_changed = Signal(list)
    #: An import of invitations finished (its ImportReport).
    import_finished = Signal(object)

    def __init__(self, window) -> None:
        """The calendar of ``window`` (it has ``paths``, ``ensure_store()``,
        ``open_editor(application_id)`` and ``local_zone_name()``); "now" comes from
        :mod:`models.clock`."""
        super().__init__()
        self.window_ = window
        self.paths = window.paths
        self.setAccessibleName("Calendar")
        self.setAcceptDrops(True)
        self.zone: ZoneInfo = zone_of(window.local_zone_name())
        self._loaded = False
        self._rules = None
        self._month_cache: dict[tuple[date, date], dict] = {}
        self._week_mode = False

        today = self._today()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(6)
        self.title = QLabel(self)
        message_label(self.title, "Month shown")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setMinimumWidth(190)
        self.previous_button = self._tool_button("‹", "Previous month", "Page Up")
        self.next_button = self._tool_button("›", "Next month", "Page Down")
        self.today_button = QPushButton("Today", self)
        self.today_button.setAccessibleName("Go to today")
        self.today_button.setToolTip("Go to today (Home)")
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.title)
        top.addWidget(self.today_button)
        top.addStretch(1)
        self.import_button = QPushButton("Import invitation…", self)
        self.import_button.setAccessibleName("Import calendar invitations")
        self.import_button.setToolTip("Import .ics invitations from Google Calendar, Outlook, "
                                      "Teams, Zoom or Apple Calendar")
        self.export_button = QPushButton("Export all upcoming…", self)
        self.export_button.setAccessibleName("Export all upcoming entries")
        self.export_button.setToolTip("Save every upcoming date as an .ics file for Google "
                                      "Calendar, Outlook, Apple Calendar or Thunderbird")
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(8)
        frame = QFrame(left)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        self.grid = MonthGrid(frame, today=today)
        frame_layout.addWidget(self.grid)
        left_layout.addWidget(frame, 1)
        self.legend = QWidget(left)
        self.legend.setAccessibleName("Legend")
        self._legend_icons: dict[EntryKind, QLabel] = {}
        legend_layout = QGridLayout(self.legend)
        legend_layout.setContentsMargins(4, 0, 4, 0)
        legend_layout.setHorizontalSpacing(14)
        legend_layout.setVerticalSpacing(4)
        for number, kind in enumerate(KIND_ORDER):
            row, column = divmod(number, 3)
            item = QWidget(self.legend)
            item_layout = QHBoxLayout(item)
            item_layout.setContentsMargins(0, 0, 0, 0)
            item_layout.setSpacing(6)
            icon = QLabel(item)
            icon.setAccessibleName(f"{kind.label} marker")
            self._legend_icons[kind] = icon
            text = QLabel(kind.label, item)
            item.setAccessibleName(f"{kind.label}: {_SHAPE_NAMES[kind]}")
            item.setToolTip(f"{kind.label}: {_SHAPE_NAMES[kind]}")
            item_layout.addWidget(icon)
            item_layout.addWidget(text)
            item_layout.addStretch(1)
            legend_layout.addWidget(item, row, column)
        left_layout.addWidget(self.legend)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.setSpacing(8)
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
        right_layout.addLayout(heading)
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
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 400])
        layout.addWidget(splitter, 1)
        right.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        # Connections.
        self.previous_button.clicked.connect(lambda: self.grid.select(
            add_months(self.grid.selected, -1)))
        self.next_button.clicked.connect(lambda: self.grid.select(
            add_months(self.grid.selected, 1)))
        self.today_button.clicked.connect(self.go_today)
        self.import_button.clicked.connect(self.import_invitations)
        self.export_button.clicked.connect(self.export_all)
        self.range_group.buttonToggled.connect(self._on_range_toggled)
        self.grid.day_selected.connect(self._on_day_selected)
        self.grid.month_changed.connect(self._on_month_changed)
        self.grid.day_activated.connect(self._focus_agenda)
        self.agenda.clicked.connect(lambda index: self.open_row(index.row()))
        self.agenda.customContextMenuRequested.connect(self._context_menu)
        self.agenda.installEventFilter(_AgendaKeys(self))

        self._agenda_timer = QTimer(self)
        self._agenda_timer.setSingleShot(True)
        self._agenda_timer.setInterval(0)
        self._agenda_timer.timeout.connect(self.refresh_agenda_now)
        # Single-shot to the next local midnight (capped, since a suspended machine's
        # monotonic timers run late), not a poll: an idle calendar wakes up a few times a day.
        self._day_timer = QTimer(self)
        self._day_timer.setSingleShot(True)
        self._day_timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._day_timer.timeout.connect(self._check_day)
        self._arm_day_timer()

        self._update_legend()
        self._update_title()
        self._update_agenda_title()
        self.setFocusProxy(self.grid)

    def _tool_button(self, text: str, name: str, key: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setAccessibleName(name)
        button.setToolTip(f"{name} ({key})")
        font = button.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        button.setFont(font)
        button.setAutoRaise(True)
        return button

    # -- data -------------------------------------------------------------------------------
    def _today(self) -> date:
        return clock.now().astimezone(self.zone).date()

    def ensure_loaded(self) -> None:
        """Open the data (first use) and fill the month and the agenda."""
        if self._loaded:
            return
        self.window_.ensure_store()
        self._loaded = True
        self._rules = calendar_entries.rules_from_settings()
        self.grid.set_today(self._today())
        self.grid.set_provider(self._counts_for)
        self.refresh_agenda_now()

    def refresh(self) -> None:
        """Read everything again (after the data changed elsewhere). A calendar not shown
        yet reads nothing: it loads when it is first shown."""
        self._month_cache.clear()
        if not self._loaded:
            return
        self._rules = calendar_entries.rules_from_settings()
        self.grid.set_today(self._today())
        self.grid.reload()
        self.refresh_agenda_now()

    def _counts_for(self, first: date, last: date) -> dict:
        key = (first, last)
        counts = self._month_cache.get(key)
        if counts is None:
            counts = calendar_entries.counts_by_day(first, last, clock.now(), self.zone,
                                                    rules=self._rules)
            if len(self._month_cache) > 36:
                self._month_cache.clear()
            self._month_cache[key] = counts
        return counts

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

    # -- navigation -------------------------------------------------------------------------
    def select_day(self, day: date) -> None:
        """Select ``day`` (and its month)."""
        self.grid.select(day)

    def go_today(self) -> None:
        """Select today."""
        self.grid.set_today(self._today())
        self.grid.go_today()
        self.grid.setFocus()

    def set_week_mode(self, week: bool) -> None:
        """Show the agenda of the selected week (True) or day (False)."""
        (self.week_button if week else self.day_button).setChecked(True)

    def _on_range_toggled(self, button, checked: bool) -> None:
        if not checked:
            return
        self._week_mode = button is self.week_button
        self.grid.set_highlight_week(self._week_mode)
        self.refresh_agenda_now()

    def _on_day_selected(self, _day: date) -> None:
        self._update_agenda_title()
        # The grid repaints first; the agenda follows in the next turn of the event loop.
        self._agenda_timer.start()

    def _on_month_changed(self, _month: date) -> None:
        self._update_title()

    def _update_title(self) -> None:
        self.title.setText(month_title(self.grid.month))

    def _update_agenda_title(self) -> None:
        first, last = self.agenda_range()
        self.agenda_title.setText(f"Week: {days_text(first, last)}" if self._week_mode
                                  else long_day(first))

    def _focus_agenda(self, _day: date) -> None:
        if self.agenda_model.rowCount():
            self.agenda.setFocus()
            if not self.agenda.currentIndex().isValid():
                self.agenda.setCurrentIndex(self.agenda_model.index(0, 0))

    def _arm_day_timer(self) -> None:
        now = clock.now().astimezone(self.zone)
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=self.zone)
        wait_ms = int((midnight - now).total_seconds() * 1000) + 1000
        self._day_timer.start(min(max(wait_ms, 1000), DAY_CHECK_MAX_MS))

    def _check_day(self) -> None:
        self._arm_day_timer()
        today = self._today()
        if today != self.grid.today:
            self._month_cache.clear()
            self.grid.set_today(today)
            if self._loaded:
                self.grid.reload()
                self.refresh_agenda_now()

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

    # -- export -----------------------------------------------------------------------------
    def export_entry(self, entry: CalendarEntry) -> bool:
        """Ask where, and save one entry as an .ics file; True when written."""
        from services.calendar.ics_export import export_entry
        from services.core.atomic import write_bytes_atomic

        suggested = str(_documents_folder() / f"{_slug(entry.title)}.ics")
        path = ExportDialog.ask_path(self, suggested)
        if not path:
            return False
        try:
            write_bytes_atomic(Path(path), export_entry(entry))
        except OSError as exc:
            CalendarMessages.warn(self, "Export to calendar file",
                                  f"{path} could not be written: {exc.strerror or exc}. "
                                  "Choose another folder.")
            return False
        CalendarMessages.inform(self, "Export to calendar file",
                                f"Saved “{entry.title}” to {path}. Open it with your calendar "
                                "program to add it; exporting it again later updates it there.")
        return True

    def export_all(self) -> bool:
        """Ask where, and save every upcoming entry as one .ics file; True when written
        (the File menu's "Export calendar…" calls this)."""
        from services.calendar.ics_export import export_file

        self.ensure_loaded()
        suggested = str(_documents_folder() / "next-steps-calendar.ics")
        path = ExportDialog.ask_path(self, suggested)
        if not path:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = export_file(self.paths, path, now=clock.now(), zone=self.zone)
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            CalendarMessages.warn(self, "Export calendar",
                                  f"{path} could not be written: {exc.strerror or exc}. "
                                  "Choose another folder.")
            return False
        QGuiApplication.restoreOverrideCursor()
        noun = "entry" if count == 1 else "entries"
        CalendarMessages.inform(
            self, "Export calendar",
            f"Saved {count} upcoming {noun} to {path}, with alarms and time zones. Import it "
            "into Google Calendar, Outlook, Apple Calendar or Thunderbird; importing a newer "
            "export updates the same events instead of adding copies.")
        return True

    # -- import -----------------------------------------------------------------------------
    def import_invitations(self) -> None:
        """Ask for .ics files and import them."""
        files = ImportDialog.ask_files(self)
        if files:
            self.import_files(files)

    def import_files(self, files: Iterable[str | Path]):
        """Import invitation files: read on a worker behind a progress dialog, then written
        here, asking which application a new interview belongs to when that is not clear;
        show the report and emit ``import_finished`` with it. Returns the running job (None
        when there is nothing to import or another import is running)."""
        from services.calendar.ics_import import user_addresses
        from services.calendar.invitation_files import read_invitation_files
        from ui.data.import_job import busy, start_import

        files = [str(file) for file in files]
        if not files:
            return None
        if busy():
            CalendarMessages.warn(self, "Import invitations", "Another import is still "
                                  "running; import these files when it has finished.")
            return None
        self.window_.ensure_store()
        own, zone = user_addresses(), self.zone

        def read(progress):
            return read_invitation_files(
                files, own_addresses=own, user_zone=zone,
                progress=lambda done, total, name: progress(
                    done, total, f"Reading {name}…" if name else "Read."))

        def write(read_files):
            report = self.apply_invitations(read_files)
            CalendarMessages.show_report(self, report)
            self.import_finished.emit(report)
            return report

        job = start_import(self, "Import invitations", read, write)
        job.failed.connect(lambda sentence: CalendarMessages.warn(
            self, "Import invitations", sentence))
        return job

    def apply_invitations(self, read_files):
        """Write invitation files read by
        :func:`services.calendar.invitation_files.read_invitation_files`
        (on the UI thread: one transaction per file), show their dates; return the report."""
        from services.calendar.invitation_files import apply_invitation_files
        from ui.data.import_job import ImportQuestions

        def choose(invitation, candidates):
            return ChooseApplication.ask(self, invitation, candidates)

        report = apply_invitation_files(
            read_files, now=clock.now(), choose_application=choose,
            accept_partial=lambda file: ImportQuestions.import_valid_events(self, file))
        self._month_cache.clear()
        if self._loaded:
            self.grid.reload()
        if report.starts:
            self.grid.select(report.starts[0].astimezone(self.zone).date())
        if self._loaded:
            self.refresh_agenda_now()
        else:
            self.ensure_loaded()
        if report.application_ids:
            self.data_changed.emit(list(report.application_ids))
        return report

    def dragEnterEvent(self, event) -> None:
        """Accept .ics files dragged onto the calendar."""
        if any(url.isLocalFile() and url.toLocalFile().lower().endswith((".ics", ".ical"))
               for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        """Import the dropped .ics files."""
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        files = [file for file in files if file.lower().endswith((".ics", ".ical"))]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_files(files))

    # -- looks ------------------------------------------------------------------------------
    def _update_legend(self) -> None:
        dark = is_dark(self.palette())
        ratio = self.devicePixelRatioF() or 1.0
        for kind, label in self._legend_icons.items():
            label.setPixmap(marker_pixmap(kind, 14, dark, ratio))

    def changeEvent(self, event) -> None:
        """Redraw the markers when the palette changes (light ↔ dark)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._update_legend()
            self.agenda_model.set_entries(self.agenda_model.entries(),
                                          with_day=self._week_mode)
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        """Load on first show; afterwards, read again (the data may have changed)."""
        super().showEvent(event)
        self._check_day()
        if self._loaded:
            self.refresh()
        else:
            self.ensure_loaded()


_SHAPE_NAMES = {
    EntryKind.INTERVIEW: "filled circle",
    EntryKind.THANK_YOU_DEADLINE: "diamond",
    EntryKind.FOLLOW_UP: "triangle",
    EntryKind.EXPECTED_RESPONSE: "ring",
    EntryKind.OFFER_DEADLINE: "square",
    EntryKind.CUSTOM_REMINDER: "star",
}
