"""The dashboard: where the search stands, what is waiting, what is overdue, what is next.

:class:`DashboardView` is built with the main window (it uses ``window.paths``,
``window.ensure_store()``, ``window.open_editor(id)`` and
``window.local_zone_name()``), computes :class:`services.applications.dashboard.DashboardFigures`
and shows them: two charts (:mod:`ui.applications.charts`) and four lists, each row of
which opens its application with a double-click or Enter; while replies read from the
mailbox wait to be looked at, "N new replies" opens the Inbox. Call
:meth:`DashboardView.refresh` when the view is shown and after saves.

The lists are :class:`QTableView` widgets in cards (:mod:`ui.applications.dashboard_cards`)
over one small table model (:mod:`ui.applications.dashboard_list_model`) that holds plain
texts, so thousands of rows cost next to nothing to show; :mod:`ui.applications.dashboard_rows`
words each row.
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.applications import dashboard
from services.applications.dashboard import INTERVIEW_DAYS, DashboardFigures
from services.core import settings
from services.mail.inbox.actions import unhandled_count
from ui.applications.charts import StageBars, WeeklyBars
from ui.applications.dashboard_cards import ListCard, chart_card
from ui.applications.dashboard_rows import interview_row, offer_row, overdue_row, waiting_row
from ui.shell.accessible import message_label
from ui.shell.labels import section_title

__all__ = ["DashboardView"]


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
        outer.addLayout(self._build_top_row())

        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)
        self.content = QWidget(self.pages)
        self.pages.addWidget(self.content)
        self.empty_state = self._build_empty_state()
        self.pages.addWidget(self.empty_state)

        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(10)
        body.addLayout(self._build_charts())
        body.addLayout(self._build_lists(), 1)

        # F5 only: some desktops add Ctrl+R to Refresh, which is File → New Reminder.
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        refreshed = getattr(window, "messages_refreshed", None)
        if refreshed is not None:
            refreshed.connect(self.refresh_replies)
        self.refresh()

    # -- building -------------------------------------------------------------------
    def _build_top_row(self) -> QHBoxLayout:
        """The title, the summary sentence and "New application"."""
        top = QHBoxLayout()
        title = section_title("Dashboard", self)
        top.addWidget(title)
        self.summary = QLabel(self)
        message_label(self.summary, "Summary")
        top.addWidget(self.summary, 1)
        self.replies_button = QPushButton(self)
        self.replies_button.setToolTip("Replies from companies you have not dealt with yet: "
                                       "open the Inbox")
        self.replies_button.clicked.connect(lambda: self.window_.show_view("inbox"))
        self.replies_button.hide()
        top.addWidget(self.replies_button)
        self.new_button = QPushButton("New application", self)
        self.new_button.setAccessibleName("New application")
        self.new_button.setToolTip("Keep the search going: add an application")
        self.new_button.clicked.connect(lambda: self.window_.open_editor(None))
        top.addWidget(self.new_button)
        return top

    def _build_charts(self) -> QHBoxLayout:
        """The two chart cards side by side."""
        charts = QHBoxLayout()
        charts.setSpacing(10)
        self.stage_chart = StageBars(self.content)
        self.weekly_chart = WeeklyBars(self.content)
        self.stage_card = chart_card("Applications by stage", self.stage_chart, self.content)
        self.weekly_card = chart_card("Applications per week", self.weekly_chart, self.content)
        charts.addWidget(self.stage_card, 2)
        charts.addWidget(self.weekly_card, 3)
        return charts

    def _build_lists(self) -> QGridLayout:
        """The four lists, two by two; Enter or a double-click opens a row's application."""
        grid = QGridLayout()
        grid.setSpacing(10)
        company = "Kestrel Robotics"
        self.waiting = ListCard(
            "Waiting for an answer", ("Company", "Role", "Waiting", "Expected"),
            (company, None, "waiting 999 days", "Wed 30 Sep 2024"),
            "Nothing is waiting for an answer.", self.content)
        self.overdue = ListCard(
            "Overdue", ("Company", "What to do", "Due"), (company, None, "99 days ago"),
            "Nothing is overdue.", self.content)
        self.interviews = ListCard(
            f"Interviews in the next {INTERVIEW_DAYS} days", ("When", "Company", "Round"),
            ("Tomorrow, 09:30", company, None),
            f"No interviews in the next {INTERVIEW_DAYS} days.", self.content)
        # "Sun 06 Dec, 14:00", or with the year in the last days of December: as wide as the
        # dates shown need (a handful of rows), never cut.
        self.interviews.list.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.offers = ListCard(
            "Offers", ("Company", "Deadline", "Left", "Amount"),
            (None, "Wed 30 Sep, 17:00", "99 days left", "999,000 EUR"),
            "No offers waiting for your answer.", self.content)
        for number, section in enumerate(self._sections()):
            grid.addWidget(section, number // 2, number % 2)
            section.list.activated.connect(
                lambda index, section=section: self._open(section, index.row()))
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return grid

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
        self.window_.ensure_store()
        goal = settings.get("search.weekly_goal")
        self.show_figures(dashboard.compute(clock.now(), self.zone, goal))
        self.refresh_replies()

    def refresh_replies(self) -> None:
        """Show "N new replies" (it opens the Inbox) while replies wait to be looked at."""
        count = unhandled_count() if hasattr(self.window_, "show_view") else 0
        text = f"{count:,} new {'reply' if count == 1 else 'replies'}"
        self.replies_button.setText(text)
        self.replies_button.setAccessibleName(f"{text}: open the Inbox")
        self.replies_button.setVisible(count > 0)

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
        self.waiting.set_items(figures.waiting, partial(waiting_row, today=today))
        self.overdue.set_items(figures.overdue, partial(overdue_row, today=today))
        self.interviews.set_items(figures.upcoming_interviews,
                                  partial(interview_row, today=today, zone=self.zone))
        self.offers.set_items(figures.offers, partial(offer_row, today=today, zone=self.zone))

    def _sections(self) -> tuple[ListCard, ...]:
        return (self.waiting, self.overdue, self.interviews, self.offers)

    # -- opening ---------------------------------------------------------------------
    def _open(self, section: ListCard, row: int) -> None:
        application_id = section.model.application_id(row)
        if application_id is not None:
            self.window_.open_editor(application_id)

