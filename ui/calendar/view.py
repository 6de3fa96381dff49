"""The Calendar section: a month of markers, a legend and the agenda of a day or a week.

Every date comes from :mod:`services.calendar.entries` (the same source as the
reminders). The month grid asks for the counts of its six visible weeks only
(indexed SQL) and keeps them per month until the data may have changed (the
section is shown again, an import, :meth:`CalendarView.refresh`, midnight).

:class:`CalendarView` is what the window builds (:mod:`ui.shell.views`). This module
holds its layout, its data and navigation; the agenda column is
:class:`ui.calendar.agenda_pane.AgendaPane` (clicking an entry, or Enter on it, opens its
application; its context menu exports it), export and import of .ics files are
:class:`ui.calendar.ics_files.IcsFiles` (:meth:`~ui.calendar.ics_files.IcsFiles.export_all`
for the File menu, :meth:`~ui.calendar.ics_files.IcsFiles.import_files` and drops), both
mixed into the view. Its dialogs are class methods in :mod:`ui.calendar.dialogs` so tests
replace them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.calendar import entries as calendar_entries
from services.calendar.entry_types import KIND_ORDER, EntryKind
from services.calendar.fact_queries import rules_from_settings
from services.core.instants import zone_of
from ui.calendar.agenda_pane import AgendaPane
from ui.calendar.ics_files import IcsFiles
from ui.calendar.markers import is_dark, marker_pixmap
from ui.calendar.month import MonthGrid, add_months, month_title
from ui.shell.accessible import message_label

#: The longest the calendar waits before checking whether the day changed (ms): six hours.
DAY_CHECK_MAX_MS = 6 * 60 * 60 * 1000
log = logging.getLogger(__name__)


class CalendarView(AgendaPane, IcsFiles, QWidget):
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
        layout.addLayout(self._build_top())
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        left = self._build_month(splitter, today)
        right = self._build_agenda(splitter)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 400])
        layout.addWidget(splitter, 1)
        right.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._connect()
        self._start_timers()
        self._update_legend()
        self._update_title()
        self._update_agenda_title()
        self.setFocusProxy(self.grid)

    def _build_top(self) -> QHBoxLayout:
        """The month's title between Previous, Next and Today; Import and Export."""
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
        return top

    def _build_month(self, splitter: QSplitter, today: date) -> QWidget:
        """The left column: the month grid in a frame, and the legend under it."""
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
        self.legend = self._build_legend(left)
        left_layout.addWidget(self.legend)
        return left

    def _build_legend(self, left: QWidget) -> QWidget:
        """One marker and name per kind of entry, three to a row."""
        legend = QWidget(left)
        legend.setAccessibleName("Legend")
        self._legend_icons: dict[EntryKind, QLabel] = {}
        legend_layout = QGridLayout(legend)
        legend_layout.setContentsMargins(4, 0, 4, 0)
        legend_layout.setHorizontalSpacing(14)
        legend_layout.setVerticalSpacing(4)
        for number, kind in enumerate(KIND_ORDER):
            row, column = divmod(number, 3)
            item = QWidget(legend)
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
        return legend

    def _connect(self) -> None:
        """The buttons, the grid and the agenda to what they do."""
        self.previous_button.clicked.connect(lambda: self.grid.select(
            add_months(self.grid.selected, -1)))
        self.next_button.clicked.connect(lambda: self.grid.select(
            add_months(self.grid.selected, 1)))
        self.today_button.clicked.connect(self.go_today)
        self.import_button.clicked.connect(self.import_invitations)
        self.export_button.clicked.connect(self.export_all)
        self.grid.day_selected.connect(self._on_day_selected)
        self.grid.month_changed.connect(self._on_month_changed)
        self.grid.day_activated.connect(self._focus_agenda)
        self._connect_agenda()

    def _start_timers(self) -> None:
        """The agenda's refresh after a new day is selected, and the check for midnight."""
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
        self._rules = rules_from_settings()
        self.grid.set_today(self._today())
        self.grid.set_provider(self._counts_for)
        self.refresh_agenda_now()

    def refresh(self) -> None:
        """Read everything again (after the data changed elsewhere). A calendar not shown
        yet reads nothing: it loads when it is first shown."""
        self._month_cache.clear()
        if not self._loaded:
            return
        self._rules = rules_from_settings()
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

    # -- navigation -------------------------------------------------------------------------
    def select_day(self, day: date) -> None:
        """Select ``day`` (and its month)."""
        self.grid.select(day)

    def go_today(self) -> None:
        """Select today."""
        self.grid.set_today(self._today())
        self.grid.go_today()
        self.grid.setFocus()

    def _on_day_selected(self, _day: date) -> None:
        self._update_agenda_title()
        # The grid repaints first; the agenda follows in the next turn of the event loop.
        self._agenda_timer.start()

    def _on_month_changed(self, _month: date) -> None:
        self._update_title()

    def _update_title(self) -> None:
        self.title.setText(month_title(self.grid.month))

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
