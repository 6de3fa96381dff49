"""Reminders inside the window (offscreen: no tray, ever): the panel, the missed list, the
actions, and the window staying the way to the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QSystemTrayIcon, QToolButton

from models.reminder import Reminder
from services.core.snapshot import read_snapshot
from services.reminders import custom, queries
from services.reminders.items import ReminderItem
from services.reminders.rules import ReminderKind
from tests.support.reminders_ready import reminders_started
from ui.reminders import panel as reminder_panel
from ui.reminders.panel import MissedRemindersDialog, ReminderPanel
from ui.reminders.reminder_list import CUSTOM_SNOOZE
from ui.reminders.snooze_dialog import SnoozeDialog
from ui.shell.main_window import MainWindow
from ui.shell.reminder_system import ReminderSystem, start_reminders
from ui.shell.tray import notification_text


def make_window(qtbot, store) -> MainWindow:
    win = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def started(qtbot, demo_store):
    """The demo search with reminders started on its window, as after a normal start."""
    win = make_window(qtbot, demo_store)
    system = reminders_started(qtbot, start_reminders(win))
    yield win, system
    if system.missed_dialog is not None:
        system.missed_dialog.close()
    system.stop()


def test_offscreen_has_no_tray_so_the_panel_shows_the_reminders(started):
    win, system = started
    assert QSystemTrayIcon.isSystemTrayAvailable() is False
    assert system.tray is None
    panel = system.panel
    assert isinstance(panel, ReminderPanel)
    assert win.banners.indexOf(panel) >= 0
    assert panel.isVisible()
    outstanding = queries.outstanding(system.scheduler.now())
    assert outstanding and [i.id for i in panel.items()] == [i.id for i in outstanding]
    assert panel.heading.text() == f"{len(outstanding)} reminders"
    kinds = {item.kind for item in panel.items()}
    assert {ReminderKind.THANK_YOU, ReminderKind.RECRUITER_UPDATE} <= kinds
    # The window is the way to the app: closing it really closes it.
    assert getattr(win, "keep_running_in_tray", None) is None
    win.close()
    assert not win.isVisible()


def test_the_missed_reminders_are_listed_once(qtbot, started, demo_store):
    win, system = started
    # Shown once, where they stay useful: in the panel above the list; their dialog (for a
    # start minimised to a tray, where the panel cannot be seen) stays closed.
    assert system._missed_dialog is None  # a dialog nobody opens is not made
    dialog = system.missed_dialog
    assert isinstance(dialog, MissedRemindersDialog) and not dialog.isVisible()
    assert system.panel.isVisible()
    panel_ids = [i.id for i in system.panel.items()]
    assert set(system.missed_ids) <= set(panel_ids)
    assert len(panel_ids) == len(set(panel_ids))
    assert [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and isinstance(w, MissedRemindersDialog)] == []
    assert [i.id for i in dialog.items()] == system.missed_ids
    assert {Reminder.get_by_id(i).state for i in system.missed_ids} == {"shown"}
    assert str(len(system.missed_ids)) in dialog.intro.text()
    dialog.close()
    system.stop()
    # A second start on the same data: nothing came due meanwhile, so no list.
    again = reminders_started(qtbot, start_reminders(win))
    try:
        assert again.missed_ids == [] and again.missed_dialog is None
    finally:
        again.stop()


def test_done_in_the_panel(started):
    _win, system = started
    panel = system.panel
    before = panel.items()
    panel.list.select_rows([0, 1])
    panel.list.done_button.click()
    assert {Reminder.get_by_id(i.id).state for i in before[:2]} == {"done"}
    assert [i.id for i in panel.items()] == [i.id for i in before[2:]]
    # The missed list follows.
    assert before[0].id not in [i.id for i in system.missed_dialog.items()]


def test_snooze_presets_and_a_chosen_time(started, monkeypatch):
    _win, system = started
    panel = system.panel
    first, second = panel.items()[:2]
    panel.list.select_rows([0])
    now = system.scheduler.now()
    panel.list.snooze_action("1 hour").trigger()
    row = Reminder.get_by_id(first.id)
    assert row.state == "snoozed"
    assert abs((row.snoozed_until - (now + timedelta(hours=1))).total_seconds()) < 5
    assert first.id not in [i.id for i in panel.items()]
    chosen = datetime(2031, 1, 6, 8, 30, tzinfo=UTC)
    asked = []

    def ask(_parent, default, zone):
        asked.append((default, zone))
        return chosen

    monkeypatch.setattr(SnoozeDialog, "ask", staticmethod(ask))
    panel.list.select_rows([0])
    assert panel.list.selected_ids() == [second.id]
    panel.list.snooze_action(CUSTOM_SNOOZE).trigger()
    assert Reminder.get_by_id(second.id).snoozed_until == chosen
    assert asked and asked[0][0] == system.scheduler.snooze_presets()["Tomorrow morning"]
    # Cancelling the dialog changes nothing.
    monkeypatch.setattr(SnoozeDialog, "ask", staticmethod(lambda *a: None))
    third = panel.items()[0]
    panel.list.select_rows([0])
    panel.list.snooze_action(CUSTOM_SNOOZE).trigger()
    assert Reminder.get_by_id(third.id).state == "shown"


def test_snooze_all_for_an_hour(started):
    _win, system = started
    panel = system.panel
    ids = [i.id for i in panel.items()]
    panel.snooze_all_button.click()
    assert {Reminder.get_by_id(i).state for i in ids} == {"snoozed"}
    assert panel.items() == [] and not panel.isVisible()


def test_open_leads_to_the_composer_or_the_application(started, monkeypatch):
    win, system = started
    opened = []
    monkeypatch.setattr(win, "bring_to_front", lambda: opened.append("front"))
    monkeypatch.setattr(win, "open_composer",
                        lambda app, rnd, template_key="": opened.append(("composer", app, rnd,
                                                                         template_key)))
    monkeypatch.setattr(win, "open_editor", lambda app: opened.append(("editor", app)))
    panel = system.panel
    items = panel.items()
    thanks = next(n for n, i in enumerate(items) if i.kind == ReminderKind.THANK_YOU)
    panel.list.select_rows([thanks])
    panel.list.view.setCurrentIndex(panel.list.model.index(thanks, 0))
    panel.list.open_button.click()
    item = items[thanks]
    assert [e for e in opened if e != "front"] == [
        ("composer", item.application_id, item.round_id, "thank_you")]
    agency = next(n for n, i in enumerate(items) if i.kind == ReminderKind.RECRUITER_UPDATE)
    panel.list.view.setCurrentIndex(panel.list.model.index(agency, 0))
    panel.list.open_current()
    assert opened[-1][3] == "agency_update"
    custom = next(n for n, i in enumerate(items) if i.kind == ReminderKind.CUSTOM)
    panel.list.view.setCurrentIndex(panel.list.model.index(custom, 0))
    panel.list.open_current()
    assert opened[-1] == ("editor", items[custom].application_id)
    # Opening changes no state.
    assert Reminder.get_by_id(item.id).state == "shown"


def test_open_without_a_composer_opens_the_application():
    calls = []

    class Window:
        def isVisible(self):
            return False

        def bring_to_front(self):
            calls.append("front")

        def open_editor(self, application_id):
            calls.append(("editor", application_id))

    item = ReminderItem(1, "thanks:round:r:round", ReminderKind.THANK_YOU, "t",
                                datetime(2024, 5, 14, tzinfo=UTC), "shown", 4, 9, False)
    reminder_panel.open_reminder(Window(), item)
    assert calls == ["front", ("editor", 4)]
    stall = ReminderItem(2, "stall:2024-05-01", ReminderKind.SEARCH_STALLED, "t",
                                 datetime(2024, 5, 14, tzinfo=UTC), "shown", None, None, False)
    reminder_panel.open_reminder(Window(), stall)
    assert calls[-1] == ("editor", None)


def test_keyboard_enter_opens_and_delete_marks_done(qtbot, started, monkeypatch):
    win, system = started
    opened = []
    monkeypatch.setattr(win, "bring_to_front", lambda: None)
    monkeypatch.setattr(win, "open_composer", lambda *a, **k: opened.append(a))
    monkeypatch.setattr(win, "open_editor", lambda *a: opened.append(a))
    view = system.panel.list.view
    view.setFocus()
    first = system.panel.items()[0]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert Reminder.get_by_id(first.id).state == "done"


def test_every_control_has_an_accessible_name(started):
    _win, system = started
    for widget in (system.panel, system.missed_dialog):
        for button in widget.findChildren(QPushButton) + widget.findChildren(QToolButton):
            assert button.accessibleName(), button.text()
        assert widget.findChild(type(system.panel.list.view)).accessibleName()
    model = system.panel.list.model
    assert [model.headerData(n, Qt.Orientation.Horizontal) for n in range(3)] == [
        "Reminder", "Due", "Details"]
    index = model.index(0, 2)
    assert model.data(index) == system.panel.items()[0].text
    assert model.data(index, Qt.ItemDataRole.AccessibleTextRole) == model.data(index)


def test_the_panel_hides_when_nothing_is_due(qtbot, store):
    win = make_window(qtbot, store)
    system = reminders_started(qtbot, start_reminders(win))
    try:
        assert isinstance(system, ReminderSystem)
        assert system.panel.items() == [] and not system.panel.isVisible()
        assert system.missed_dialog is None
        rid = custom.add_custom("Call Ana", system.scheduler.now() - timedelta(minutes=1))
        with qtbot.waitSignal(system.scheduler.fired, timeout=3000):
            system.data_changed()
        assert [i.id for i in system.panel.items()] == [rid]
        assert system.panel.isVisible() and system.panel.heading.text() == "1 reminder"
    finally:
        system.stop()


def test_grouped_notification_text():
    def item(n, kind=ReminderKind.THANK_YOU):
        return ReminderItem(n, f"k{n}", kind, f"Thank person {n}",
                                    datetime(2024, 5, 14, tzinfo=UTC), "shown", 1, None, False)

    assert notification_text([item(1)]) == ("Send a thank-you note", "Thank person 1")
    title, text = notification_text([item(n) for n in range(1, 7)])
    assert title == "6 reminders"
    assert text.splitlines() == [f"• Send a thank-you note: Thank person {n}" for n in range(1, 5)
                                 ] + ["and 2 more"]


def test_screenshots_tool_renders_both_pictures(tmp_path):
    from PySide6.QtGui import QImage

    from tools import reminder_screenshots

    written = reminder_screenshots.render(tmp_path / "shots", tmp_path / "data")
    assert [p.name for p in written] == ["reminders-panel.png", "missed-reminders.png"]
    for path in written:
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 500
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 10, f"{path.name} is blank"


def test_a_normal_start_starts_reminders_a_moment_after_the_first_paint(qtbot, demo_store):
    from ui.shell.reminder_system import AFTER_START_MS

    assert 500 <= AFTER_START_MS <= 5000
    win = make_window(qtbot, demo_store)
    system = start_reminders(win, delay_ms=50)
    try:
        assert not system.is_started and system.panel is None
        system.data_changed()  # before the start: nothing to do yet
        with qtbot.waitSignal(system.started, timeout=3000):
            pass
        assert system.is_started and system.panel.items()
        system.start()  # a second time: nothing happens
        assert win.banners.count() == 1
    finally:
        if system.missed_dialog is not None:
            system.missed_dialog.close()
        system.stop()
