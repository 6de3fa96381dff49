"""The dashboard view and its charts (ui.applications.dashboard_view,
ui.applications.charts) with demo data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from services.applications.dashboard import StageCount, WeekBar
from services.data import demo
from ui.applications.charts import StageBars, WeeklyBars, _contrast
from ui.applications.dashboard_list_model import APPLICATION_ID_ROLE
from ui.applications.dashboard_view import DashboardView

#: The demo is placed relative to this Wednesday; "now" is noon UTC that day.
TODAY = date(2025, 3, 12)
NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)

@pytest.fixture(autouse=True)
def at_now(pinned_clock):
    """This module's tests happen at :data:`NOW`."""
    pinned_clock.pin(NOW)



class FakeWindow:
    """What the view needs from the main window, recording the editors it opens."""

    def __init__(self, store, zone="Europe/Berlin"):
        self.store = store
        self.paths = store.paths
        self.zone = zone
        self.opened: list[int | None] = []

    def ensure_store(self):
        return self.store

    def open_editor(self, application_id):
        self.opened.append(application_id)

    def local_zone_name(self):
        return self.zone


@pytest.fixture
def demo_window(store):
    demo.fill_demo(today=TODAY)
    return FakeWindow(store)


@pytest.fixture
def view(qtbot, demo_window):
    widget = DashboardView(demo_window)
    qtbot.addWidget(widget)
    widget.resize(1020, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _ids():
    from models.application import Application

    return {app.company: app.id for app in Application.select()}


def _texts(section):
    return [row.texts for row in section.model.rows()]


def test_accessible_names(view):
    assert view.accessibleName() == "Dashboard"
    assert view.waiting.list.accessibleName() == "Waiting for an answer"
    assert view.overdue.list.accessibleName() == "Overdue"
    assert view.interviews.list.accessibleName() == "Interviews in the next 7 days"
    assert view.offers.list.accessibleName() == "Offers"
    assert view.stage_chart.accessibleName() == "Applications by stage"
    assert view.weekly_chart.accessibleName() == "Applications per week"
    assert view.summary.accessibleDescription() == "Summary"  # its name is its text


def test_demo_figures_in_the_lists(view):
    assert view.pages.currentWidget() is view.content
    assert view.summary.text() == "12 applications · 9 still open · 1 this week (goal 5)"
    assert _texts(view.waiting) == [
        ("Northwind Logistics", "Platform Engineer", "waiting 5 days", "Fri 21 Mar"),
        ("Lumen Analytics", "Senior Data Engineer", "waiting 2 days", "Mon 17 Mar"),
    ]
    assert _texts(view.overdue) == [
        ("Northwind Logistics",
         "Update Hannah Okafor at Brightpath Talent on the Panel interview of Fri 07 Mar 2025.",
         "4 days ago"),
        ("Lumen Analytics",
         "Thank Priya Raman and Lukas Brandt for the Technical interview of Mon 10 Mar 2025.",
         "yesterday"),
    ]
    assert _texts(view.interviews) == [
        ("Tomorrow, 09:30", "Kestrel Robotics", "Pairing session"),
        ("Tue 18 Mar, 21:00", "Quill & Ledger", "Hiring manager call"),
    ]
    assert _texts(view.offers) == [("Orbit Health", "Sun 16 Mar, 17:00", "4 days left",
                                    "74,000 EUR")]
    assert view.waiting.heading.text() == "Waiting for an answer (2)"
    assert view.offers.heading.text() == "Offers (1)"


def test_rows_carry_their_application(view):
    ids = _ids()
    model = view.offers.model
    assert model.index(0, 0).data(APPLICATION_ID_ROLE) == ids["Orbit Health"]
    assert "asking for a few more days" not in model.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Deadline"


def test_double_click_opens_the_editor(qtbot, view, demo_window):
    ids = _ids()
    tree = view.waiting.list
    rect = tree.visualRect(view.waiting.model.index(1, 0))
    # A real double-click arrives as press, release, double-click, release.
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert demo_window.opened == []  # one click selects only
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert demo_window.opened == [ids["Lumen Analytics"]]


def test_enter_opens_the_editor(qtbot, view, demo_window):
    ids = _ids()
    tree = view.interviews.list
    tree.setFocus()
    tree.setCurrentIndex(view.interviews.model.index(1, 0))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    tree = view.offers.list
    tree.setFocus()
    tree.setCurrentIndex(view.offers.model.index(0, 2))
    qtbot.keyClick(tree, Qt.Key.Key_Enter)
    assert demo_window.opened == [ids["Quill & Ledger"], ids["Orbit Health"]]


def test_new_application_button(qtbot, view, demo_window):
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert demo_window.opened == [None]


def test_charts_text_equivalents(view):
    assert view.stage_chart.text_equivalent() == (
        "Applications by stage: Offer 1, Interviewing 2, Awaiting response 2, Applied 4, "
        "Accepted 0, Declined 0, Rejected 1, Withdrawn 1, No response 1.")
    assert view.weekly_chart.text_equivalent() == (
        "Applications per week, last 12 weeks (from the week of 23 Dec to this week): "
        "0, 0, 0, 0, 1, 1, 1, 2, 1, 2, 3, 1; goal 5 a week, reached in 0 of 12 weeks.")
    assert view.stage_chart.accessibleDescription() == view.stage_chart.text_equivalent()
    assert view.weekly_chart.accessibleDescription() == view.weekly_chart.text_equivalent()
    assert view.weekly_chart.goal == 5


def test_weekly_goal_comes_from_settings(qtbot, view):
    from services.core import settings

    settings.put("search.weekly_goal", 2)
    view.refresh()
    assert view.weekly_chart.goal == 2
    assert view.weekly_chart.text_equivalent().endswith(
        "goal 2 a week, reached in 3 of 12 weeks.")
    assert view.summary.text().endswith("(goal 2)")


def test_refresh_after_changes(qtbot, view):
    from models.application import Application

    Application.create(company="Zephyr Games", role="Tools Programmer", stage="applied",
                       applied_on=TODAY)
    view.refresh()
    assert view.summary.text() == "13 applications · 10 still open · 2 this week (goal 5)"
    assert view.weekly_chart.weeks()[-1] == (date(2025, 3, 10), 2)


def test_model_passes_qtmodeltester(qtmodeltester, view):
    qtmodeltester.check(view.overdue.model, force_py=True)
    qtmodeltester.check(view.waiting.model, force_py=True)


def test_empty_database_encourages_the_first_application(qtbot, store):
    window = FakeWindow(store)
    widget = DashboardView(window)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.pages.currentWidget() is widget.empty_state
    assert "Start with the first one" in widget.empty_message.text()
    assert not widget.new_button.isVisible()
    qtbot.mouseClick(widget.first_button, Qt.MouseButton.LeftButton)
    assert window.opened == [None]
    assert widget.stage_chart.text_equivalent() == "Applications by stage: no applications yet."


def test_empty_lists_say_so(qtbot, store):
    from models.application import Application

    Application.create(company="Solo", role="Engineer", stage="applied", applied_on=TODAY)
    widget = DashboardView(FakeWindow(store))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.pages.currentWidget() is widget.content
    for section in (widget.waiting, widget.overdue, widget.interviews, widget.offers):
        assert section.stack.currentWidget() is section.empty
        assert section.empty.text()
    assert widget.offers.empty.text() == "No offers waiting for your answer."


def test_works_with_the_real_main_window(qtbot, store):
    from services.core.snapshot import read_snapshot
    from ui.shell.main_window import MainWindow

    demo.fill_demo(today=TODAY)
    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    opened = []
    window.open_editor = opened.append
    widget = DashboardView(window)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.offers.list.setCurrentIndex(widget.offers.model.index(0, 0))
    widget.offers.list.activated.emit(widget.offers.model.index(0, 0))
    assert opened == [_ids()["Orbit Health"]]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_light_and_dark(qtbot, demo_window, tmp_path, theme):
    from ui.shell.theme import apply_theme

    app = QApplication.instance()
    palette, style = app.palette(), app.style().name()
    try:
        apply_theme(app, theme)
        widget = DashboardView(demo_window)
        qtbot.addWidget(widget)
        widget.resize(1200, 760)
        widget.show()
        qtbot.waitExposed(widget)
        image = widget.grab().toImage()
        assert image.save(str(tmp_path / f"dashboard-{theme}.png"))
        assert (image.width(), image.height()) == (1200, 760)
        # The charts' bars stand out from the cards they are drawn on.
        chart = widget.weekly_chart
        bar = chart.palette().color(chart.palette().ColorRole.Highlight)
        base = chart.palette().color(chart.palette().ColorRole.Base)
        assert _contrast(bar, base) >= 3.0
    finally:
        app.setPalette(palette)
        app.setStyle(style)


# --- charts on their own ---------------------------------------------------------------------


def test_stage_bars_paint_and_describe(qtbot):
    chart = StageBars()
    qtbot.addWidget(chart)
    chart.set_counts([StageCount("offer", "Offer", 3), StageCount("rejected", "Rejected", 10)])
    chart.resize(chart.sizeHint())
    chart.show()
    qtbot.waitExposed(chart)
    assert not chart.grab().isNull()
    assert chart.text_equivalent() == "Applications by stage: Offer 3, Rejected 10."
    assert chart._tooltip_at(QPoint(10, 12).toPointF()) == "Offer: 3 applications (still open)"
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    # Over no bar: no tooltip (showing one offscreen would warn that windows cannot be raised).
    point = QPoint(5, chart.height() - 1)
    QApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, point,
                                             chart.mapToGlobal(point)))
    assert not QToolTip.isVisible()
    assert chart.sizeHint().height() >= 2 * chart.fontMetrics().height()


def test_weekly_bars_paint_and_describe(qtbot):
    chart = WeeklyBars()
    qtbot.addWidget(chart)
    weeks = [WeekBar(date(2025, 1, 6) + timedelta(weeks=n), n % 4) for n in range(12)]
    chart.set_weeks(weeks, 3)
    chart.resize(500, 190)
    chart.show()
    qtbot.waitExposed(chart)
    assert not chart.grab().isNull()
    assert chart.text_equivalent() == (
        "Applications per week, last 12 weeks (from the week of 6 Jan to this week): "
        "0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3; goal 3 a week, reached in 3 of 12 weeks.")
    chart.set_weeks(weeks, 0)
    assert chart.text_equivalent().endswith("2, 3.")
    chart.set_weeks([], 5)
    assert chart.text_equivalent() == "Applications per week: nothing to show yet."
    chart.resize(180, 190)  # narrow: labels thin out, nothing breaks
    assert not chart.grab().isNull()

