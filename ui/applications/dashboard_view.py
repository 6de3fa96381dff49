"""The dashboard: where the search stands, what is waiting, what is overdue, what is next.

:class:`DashboardView` is built with the main window (it uses ``window.paths``,
``window.ensure_store()``, ``window.open_editor(id)`` and
``window.local_zone_name()``), computes :class:`services.applications.dashboard.DashboardFigures`
and shows them: two charts (:mod:`ui.applications.charts`) and four lists, each row of
which opens its application with a double-click or Enter. Call
:meth:`DashboardView.refresh` when the view is shown and after saves.

The lists are :class:`QTableView` widgets over one small table model
(:class:`DashboardListModel`) that holds plain texts, so thousands of rows
cost next to nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import NamedTuple
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedLayout,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.applications.dashboard import (
    INTERVIEW_DAYS,
    DashboardFigures,
    InterviewItem,
    OfferItem,
    OverdueItem,
    WaitingItem,
)
from ui.applications.charts import StageBars, WeeklyBars
from ui.shell.accessible import message_label
from ui.shell.labels import section_title

__all__ = ["APPLICATION_ID_ROLE", "DashboardListModel", "DashboardView", "ListRow"]

#: The item-data role holding a row's application id.
APPLICATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

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
        self._format: Callable[[object], ListRow] = _as_row
        self._made: dict[int, ListRow] = {}

    def set_rows(self, rows: list[ListRow]) -> None:
        """Replace every row."""
        self.set_items(rows, _as_row)

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


def _make_card(frame: QFrame) -> None:
    """A framed panel in the base colour (palette only: a style sheet would slow painting)."""
    frame.setObjectName("DashboardCard")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setFrameShadow(QFrame.Shadow.Plain)
    frame.setBackgroundRole(QPalette.ColorRole.Base)
    frame.setAutoFillBackground(True)


def _as_row(row: ListRow) -> ListRow:
    return row


# --- Words for days --------------------------------------------------------------------------


def short_day(day: date, today: date) -> str:
    """``Mon 03 Mar``, with the year when it is not this year's."""
    text = f"{_WEEKDAYS[day.weekday()]} {day.day:02d} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def days_left_text(days: int | None) -> str:
    """``"4 days left"``, ``"1 day left"``, ``"today"``, ``"1 day ago"``, ``"2 days ago"``."""
    if days is None:
        return "no deadline"
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day left" if days == 1 else f"{days:,} days left"
    return "1 day ago" if days == -1 else f"{-days:,} days ago"


def waited_text(days: int) -> str:
    """``"waiting 9 days"`` (``"since today"`` on the first day)."""
    if days <= 0:
        return "since today"
    return "waiting 1 day" if days == 1 else f"waiting {days:,} days"


def ago_text(day: date, today: date) -> str:
    """``"today"``, ``"yesterday"``, ``"3 days ago"``."""
    days = (today - day).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days:,} days ago"


def amount_text(amount: Decimal | None, currency: str) -> str:
    """``"74,000 EUR"`` (cents only when there are some); empty without an amount."""
    if amount is None:
        return ""
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{number} {currency}".strip()


# --- The view ----------------------------------------------------------------------------------


class _Section(QFrame):
    """A titled card holding a list, or a sentence when the list is empty."""

    def __init__(self, title: str, headers: Sequence[str], widths: Sequence[str | int | None],
                 empty_text: str, parent: QWidget) -> None:
        """``widths`` per column: a sample text the column must fit, a width in pixels, or
        None for the column that takes the rest of the width."""
        super().__init__(parent)
        _make_card(self)
        self.base_title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        self.heading = QLabel(self)
        self.heading.setObjectName("DashboardCardTitle")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.model = DashboardListModel(headers, self)
        self.list = QTableView(self)
        self.list.setAccessibleName(title)
        self.list.setModel(self.model)
        self.list.setShowGrid(False)
        self.list.setWordWrap(False)
        self.list.setCornerButtonEnabled(False)
        vertical = self.list.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.list.fontMetrics().height() + 6)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.list.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        header.setMinimumSectionSize(40)
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

    def set_rows(self, rows: list[ListRow]) -> None:
        self.set_items(rows, _as_row)

    def set_items(self, items: Sequence, format_row: Callable[[object], ListRow]) -> None:
        self.model.set_items(items, format_row)
        self.heading.setText(f"{self.base_title} ({len(items):,})" if items else self.base_title)
        self.stack.setCurrentWidget(self.list if items else self.empty)


class DashboardView(QWidget):
    """Charts and lists that keep the whole search in view (accessible name "Dashboard").

    ``window`` provides ``paths``, ``ensure_store()``, ``open_editor(id)`` and
    ``local_zone_name()``; "now" comes from :mod:`models.clock`.
    """

    def __init__(self, window) -> None:
        """Build the view and show the current figures."""
        super().__init__()
        self.window_ = window
        self.setAccessibleName("Dashboard")
        self.figures: DashboardFigures | None = None
        try:
            self.zone = ZoneInfo(window.local_zone_name())
        except (ValueError, KeyError, AttributeError):
            self.zone = ZoneInfo("UTC")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 12)
        outer.setSpacing(10)
        top = QHBoxLayout()
        title = section_title("Dashboard", self)
        top.addWidget(title)
        self.summary = QLabel(self)
        message_label(self.summary, "Summary")
        top.addWidget(self.summary, 1)
        self.new_button = QPushButton("New application", self)
        self.new_button.setAccessibleName("New application")
        self.new_button.setToolTip("Keep the search going: add an application")
        self.new_button.clicked.connect(lambda: self.window_.open_editor(None))
        top.addWidget(self.new_button)
        outer.addLayout(top)

        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)
        self.content = QWidget(self.pages)
        self.pages.addWidget(self.content)
        self.empty_state = self._build_empty_state()
        self.pages.addWidget(self.empty_state)

        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(10)
        charts = QHBoxLayout()
        charts.setSpacing(10)
        self.stage_chart = StageBars(self.content)
        self.weekly_chart = WeeklyBars(self.content)
        self.stage_card = self._chart_card("Applications by stage", self.stage_chart)
        self.weekly_card = self._chart_card("Applications per week", self.weekly_chart)
        charts.addWidget(self.stage_card, 2)
        charts.addWidget(self.weekly_card, 3)
        body.addLayout(charts)

        grid = QGridLayout()
        grid.setSpacing(10)
        company = "Kestrel Robotics"
        self.waiting = _Section(
            "Waiting for an answer", ("Company", "Role", "Waiting", "Expected"),
            (company, None, "waiting 999 days", "Wed 30 Sep 2024"),
            "Nothing is waiting for an answer.", self.content)
        self.overdue = _Section(
            "Overdue", ("Company", "What to do", "Due"), (company, None, "99 days ago"),
            "Nothing is overdue.", self.content)
        self.interviews = _Section(
            f"Interviews in the next {INTERVIEW_DAYS} days", ("When", "Company", "Round"),
            ("Tomorrow, 09:30", company, None),
            f"No interviews in the next {INTERVIEW_DAYS} days.", self.content)
        # "Sun 06 Dec, 14:00", or with the year in the last days of December: as wide as the
        # dates shown need (a handful of rows), never cut.
        self.interviews.list.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.offers = _Section(
            "Offers", ("Company", "Deadline", "Left", "Amount"),
            (None, "Wed 30 Sep, 17:00", "99 days left", "999,000 EUR"),
            "No offers waiting for your answer.", self.content)
        for number, section in enumerate((self.waiting, self.overdue, self.interviews,
                                          self.offers)):
            grid.addWidget(section, number // 2, number % 2)
            section.list.activated.connect(
                lambda index, section=section: self._open(section, index.row()))
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        body.addLayout(grid, 1)

        # F5 only: some desktops add Ctrl+R to Refresh, which is File → New Reminder.
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        self.refresh()

    # -- building -------------------------------------------------------------------
    def _chart_card(self, title: str, chart: QWidget) -> QFrame:
        card = QFrame(self.content)
        _make_card(card)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        heading = QLabel(title, card)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        layout.addWidget(chart, 1)
        return card

    def _build_empty_state(self) -> QWidget:
        page = QWidget(self.pages)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        heading = QLabel("Your search at a glance", page)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.empty_message = QLabel(
            "Once you add applications, this page shows what is waiting for an answer and "
            "since when, what is overdue, your next interviews, offers with their deadlines, "
            "and how many applications you send each week. Start with the first one: every "
            "interview, note and date hangs off it.", page)
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_message.setFixedWidth(500)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.empty_message)
        row.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addSpacing(12)
        self.first_button = QPushButton("Add your first application", page)
        self.first_button.setAccessibleName("Add your first application")
        self.first_button.clicked.connect(lambda: self.window_.open_editor(None))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.first_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        page.setAccessibleName("No applications yet")
        return page

    # -- figures ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the figures from the database and show them."""
        from services.applications import dashboard
        from services.core import settings

        self.window_.ensure_store()
        goal = settings.get("search.weekly_goal")
        if not isinstance(goal, int) or isinstance(goal, bool) or goal < 0:
            goal = settings.DEFAULTS["search.weekly_goal"]
        self.show_figures(dashboard.compute(clock.now(), self.zone, goal))

    def show_figures(self, figures: DashboardFigures) -> None:
        """Show ``figures`` (charts, lists, summary, or the empty state)."""
        self.figures = figures
        if figures.is_empty:
            self.summary.setText("")
            self.new_button.hide()
            self.pages.setCurrentWidget(self.empty_state)
            for section in self._sections():
                section.set_rows([])
            self.stage_chart.set_counts([])
            self.weekly_chart.set_weeks([], 0)
            return
        self.new_button.show()
        self.pages.setCurrentWidget(self.content)
        today = figures.today
        this_week = figures.weekly[-1].count if figures.weekly else 0
        noun = "application" if figures.total == 1 else "applications"
        self.summary.setText(
            f"{figures.total:,} {noun} · {figures.open_count:,} still open · "
            f"{this_week:,} this week (goal {figures.weekly_goal:,})")
        self.stage_chart.set_counts(figures.by_stage)
        self.weekly_chart.set_weeks(figures.weekly, figures.weekly_goal)
        self.waiting.set_items(figures.waiting, partial(self._waiting_row, today=today))
        self.overdue.set_items(figures.overdue, partial(self._overdue_row, today=today))
        self.interviews.set_items(figures.upcoming_interviews,
                                  partial(self._interview_row, today=today))
        self.offers.set_items(figures.offers, partial(self._offer_row, today=today))

    def _sections(self) -> tuple[_Section, ...]:
        return (self.waiting, self.overdue, self.interviews, self.offers)

    @staticmethod
    def _waiting_row(item: WaitingItem, today: date) -> ListRow:
        if item.expected is None:
            expected, tip = "", ""
        else:
            expected = short_day(item.expected, today)
            passed = " (that day has passed)" if item.expected < today else ""
            tip = f"Answer expected by {expected}{passed}"
        since = f"Waiting since {short_day(item.since, today)}"
        return ListRow((item.company, item.role, waited_text(item.days), expected),
                       item.application_id, f"{since}. {tip}".strip(". ") + ".")

    @staticmethod
    def _overdue_row(item: OverdueItem, today: date) -> ListRow:
        due = ago_text(item.due, today)
        return ListRow((item.company, item.text, due), item.application_id,
                       f"{item.text} Due {short_day(item.due, today)}.")

    def _interview_row(self, item: InterviewItem, today: date) -> ListRow:
        local = item.starts_at.astimezone(self.zone)
        days = (local.date() - today).days
        day = {0: "Today", 1: "Tomorrow"}.get(days, short_day(local.date(), today))
        when = f"{day}, {local.hour:02d}:{local.minute:02d}"
        title = item.title.strip() or "Interview"
        tip = f"{title} for {item.role} at {item.company}, {item.duration_minutes} minutes"
        if item.tz_name and item.tz_name != self.zone.key:
            there = item.starts_at.astimezone(_zone_or_utc(item.tz_name))
            tip += f" ({there.hour:02d}:{there.minute:02d} {item.tz_name})"
        return ListRow((when, item.company, title), item.application_id, tip)

    def _offer_row(self, item: OfferItem, today: date) -> ListRow:
        if item.deadline is None:
            deadline = "no deadline"
        else:
            local = item.deadline.astimezone(self.zone)
            deadline = f"{short_day(local.date(), today)}, {local.hour:02d}:{local.minute:02d}"
        left = days_left_text(item.days_left)
        tip = f"Offer for {item.role} at {item.company}"
        if item.days_left is not None and 0 <= item.days_left <= 3:
            tip += ". The deadline is close: asking for a few more days is a normal request."
        return ListRow((item.company, deadline, left, amount_text(item.amount, item.currency)),
                       item.application_id, tip)

    # -- opening ---------------------------------------------------------------------
    def _open(self, section: _Section, row: int) -> None:
        application_id = section.model.application_id(row)
        if application_id is not None:
            self.window_.open_editor(application_id)


def _zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
