"""The Calendar section (ui.calendar.view) with demo data: markers, agenda, keys, looks.

Export and import are in test_calendar_view_files.py; the shared fixtures in conftest.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QWidget

from services.calendar.entry_types import EntryKind
from services.core.snapshot import read_snapshot
from tests.calendar.view_support import TODAY, agenda_titles, app_id, select
from ui.calendar import view as calendar_view
from ui.calendar.agenda import AgendaModel
from ui.calendar.view import CalendarView
from ui.shell.main_window import MainWindow
from ui.shell.theme import apply_theme

pytestmark = pytest.mark.usefixtures("at_now")


# -- the month -----------------------------------------------------------------------------------


def test_the_month_shows_markers_for_the_demo_dates(view, window):
    assert view.accessibleName() == "Calendar"
    assert window.store_asked >= 1
    grid = view.grid
    assert grid.month == date(2024, 5, 1)
    assert grid.selected == TODAY and grid.today == TODAY
    assert view.title.text() == "May 2024"
    expected = {
        date(2024, 5, 13): {EntryKind.INTERVIEW: 1, EntryKind.EXPECTED_RESPONSE: 1},
        date(2024, 5, 14): {EntryKind.THANK_YOU_DEADLINE: 1, EntryKind.CUSTOM_REMINDER: 1},
        date(2024, 5, 15): {EntryKind.FOLLOW_UP: 1},
        date(2024, 5, 16): {EntryKind.INTERVIEW: 1},
        date(2024, 5, 17): {EntryKind.THANK_YOU_DEADLINE: 1},
        date(2024, 5, 18): {EntryKind.CUSTOM_REMINDER: 1},
        date(2024, 5, 19): {EntryKind.OFFER_DEADLINE: 1},
        date(2024, 5, 20): {EntryKind.EXPECTED_RESPONSE: 1},
        date(2024, 5, 21): {EntryKind.INTERVIEW: 1},  # 16:00 in New York is 22:00 in Berlin
        date(2024, 5, 22): {EntryKind.FOLLOW_UP: 1, EntryKind.THANK_YOU_DEADLINE: 1},
        date(2024, 5, 24): {EntryKind.EXPECTED_RESPONSE: 1},
        date(2024, 5, 28): {EntryKind.FOLLOW_UP: 1},
    }
    for day, counts in expected.items():
        assert grid.counts(day) == counts, day
    assert grid.counts(date(2024, 5, 12)) == grid.counts(date(2024, 5, 23)) == {}
    assert "1 follow-up" in grid.accessibleDescription()


def test_selecting_a_day_fills_the_agenda_and_a_click_opens_the_application(qtbot, view,
                                                                             window):
    assert agenda_titles(view) == ["Follow up: Orbit Health"]
    assert view.agenda_title.text() == "Wednesday 15 May 2024"
    qtbot.mouseClick(view.grid, Qt.MouseButton.LeftButton,
                     pos=view.grid.cell_center(date(2024, 5, 16)).toPoint())
    assert view.grid.selected == date(2024, 5, 16)
    qtbot.waitUntil(lambda: agenda_titles(view) == [
        "Interview: Kestrel Robotics — Pairing session"])
    index = view.agenda_model.index(0, 0)
    assert index.data() == ("09:30–11:30 · Interview · Interview: Kestrel Robotics — "
                            "Pairing session")
    rect = view.agenda.visualRect(index)
    qtbot.mouseClick(view.agenda.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.opened == [app_id("Kestrel Robotics")]


def test_enter_on_an_agenda_entry_opens_its_application(qtbot, view, window):
    select(qtbot, view, date(2024, 5, 19))
    assert agenda_titles(view) == ["Offer deadline: Orbit Health"]
    assert view.agenda_model.index(0, 0).data().startswith("by 17:00 · Offer deadline")
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)  # Enter on the day goes to its agenda
    assert view.agenda.hasFocus() or view.agenda.currentIndex().isValid()
    qtbot.keyClick(view.agenda, Qt.Key.Key_Return)
    assert window.opened == [app_id("Orbit Health")]


def test_a_reminder_without_an_application_says_so(qtbot, view, window, messages):
    select(qtbot, view, date(2024, 5, 18))
    (entry,) = view.agenda_model.entries()
    assert entry.application_id is None
    view.open_row(0)
    assert window.opened == []
    assert messages[-1][0] == "inform" and "belongs to no application" in messages[-1][2]


def test_keyboard_moves_days_and_months_and_home_returns(qtbot, view):
    grid = view.grid
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected == date(2024, 5, 16)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected == date(2024, 5, 23)
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected == date(2024, 5, 15)
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert grid.selected == date(2024, 6, 15) and grid.month == date(2024, 6, 1)
    assert view.title.text() == "June 2024"
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert grid.selected == date(2024, 4, 15) and view.title.text() == "April 2024"
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert grid.selected == TODAY and grid.month == date(2024, 5, 1)
    for _ in range(40):
        qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected == TODAY - timedelta(weeks=40)
    qtbot.mouseClick(view.today_button, Qt.MouseButton.LeftButton)
    assert grid.selected == TODAY
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert grid.month == date(2024, 6, 1)
    qtbot.mouseClick(view.previous_button, Qt.MouseButton.LeftButton)
    assert grid.month == date(2024, 5, 1)
    qtbot.waitUntil(lambda: view.agenda_title.text() == "Wednesday 15 May 2024")


def test_a_click_on_a_day_of_the_next_month_moves_there(qtbot, view):
    grid = view.grid
    last = grid.last_visible()
    assert last.month == 6
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(last).toPoint())
    assert grid.selected == last and grid.month == date(2024, 6, 1)


def test_week_start_follows_the_locale(qtbot, window, messages):
    previous = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        us = CalendarView(window)
        qtbot.addWidget(us)
        assert us.grid.week_start == 6  # Sunday
        assert us.grid.first_visible() == date(2024, 4, 28)
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        de = CalendarView(window)
        qtbot.addWidget(de)
        assert de.grid.week_start == 0  # Monday
        assert de.grid.first_visible() == date(2024, 4, 29)
    finally:
        QLocale.setDefault(previous)


def test_week_mode_lists_the_whole_week(qtbot, view):
    view.set_week_mode(True)
    first, last = view.agenda_range()
    assert (last - first).days == 6
    assert first.weekday() == view.grid.week_start
    entries = view.agenda_model.entries()
    days = {entry.day_in(view.zone) for entry in entries}
    assert len(days) >= 5 and all(first <= day <= last for day in days)
    assert view.agenda_title.text().startswith("Week: ")
    assert all(view.agenda_model.index(row, 0).data()[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri",
                                                              "Sat", "Sun")
               for row in range(view.agenda_model.rowCount()))
    qtbot.mouseClick(view.day_button, Qt.MouseButton.LeftButton)
    assert view.agenda_range() == (TODAY, TODAY)


def test_an_empty_day_says_nothing_is_planned(qtbot, view):
    select(qtbot, view, date(2024, 5, 12))
    assert view.agenda_model.rowCount() == 0
    assert view.nothing.isVisible() and not view.agenda.isVisible()
    assert view.nothing.text() == "Nothing planned on this day."


def test_the_agenda_model_passes_the_model_tester(qtmodeltester, view):
    view.set_week_mode(True)
    assert view.agenda_model.rowCount() > 3
    qtmodeltester.check(view.agenda_model)
    empty = AgendaModel(view.zone)
    qtmodeltester.check(empty)


def test_legend_names_every_kind_with_its_shape(view):
    names = {w.accessibleName() for w in view.legend.findChildren(QWidget)}
    assert {"Interview: filled circle", "Thank-you deadline: diamond", "Follow-up: triangle",
            "Expected response: ring", "Offer deadline: square",
            "Reminder: star"} <= names


# -- looks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_renders_in_light_and_dark_at_screenshot_size(qtbot, window, messages, theme, tmp_path):
    app = QApplication.instance()
    old_palette, old_dark = app.palette(), app.property("nextsteps_dark")
    try:
        apply_theme(app, theme)
        widget = CalendarView(window)
        qtbot.addWidget(widget)
        widget.resize(1020, 730)  # the section's size in a 1200 x 760 window
        widget.show()
        qtbot.waitExposed(widget)
        image = widget.grab().toImage()
        assert image.width() >= 1000
        background = image.pixelColor(widget.grid.mapTo(widget, widget.grid.rect().center()))
        assert (background.lightness() < 100) == (theme == "dark")
        widget.grab().save(str(tmp_path / f"calendar-{theme}.png"))
    finally:
        app.setPalette(old_palette)
        app.setProperty("nextsteps_dark", old_dark)


def test_works_inside_the_real_main_window(qtbot, demo, data_paths, messages, monkeypatch):
    window = MainWindow(data_paths, read_snapshot(data_paths), "t", demo)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(window, "open_editor", opened.append)
    view = CalendarView(window)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    select(qtbot, view, date(2024, 5, 16))
    view.open_row(0)
    assert opened == [app_id("Kestrel Robotics")]


# -- the dialogs themselves (their modal loops replaced) ---------------------------------------


def test_the_day_is_checked_at_local_midnight_not_every_minute(pinned_clock, view):
    """An idle calendar wakes up when the day changes (a single-shot timer to the next
    local midnight, capped at six hours), and then marks the new today."""
    timer = view._day_timer
    assert timer.isSingleShot() and timer.isActive()
    # NOW is 10:00 in Berlin: the next check is the cap, six hours away.
    assert timer.interval() == calendar_view.DAY_CHECK_MAX_MS
    pinned_clock.pin(datetime(2024, 5, 15, 21, 59, 30, tzinfo=UTC))  # 23:59:30 in Berlin
    view._check_day()
    assert view.grid.today == TODAY
    assert timer.interval() == 31_000
    pinned_clock.pin(datetime(2024, 5, 15, 22, 0, 1, tzinfo=UTC))  # 00:00:01 in Berlin
    view._check_day()
    assert view.grid.today == TODAY + timedelta(days=1)
