"""Keyboard and assistive technology reach everything (offscreen, real widgets).

Ctrl+N in the list, sorting without a mouse, the section list's "Toggle",
the date fields' Increase and Decrease, and a name for every combo box. The
same things as a screen reader sees them over AT-SPI: tests/shell/test_atspi.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtGui import QAccessible, QAction, QShortcut
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMenu

from services.core.snapshot import read_snapshot
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_store):
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    view = win.view("applications")
    # Menus, shortcuts and the sort menu are switched on right after the first paint.
    qtbot.waitUntil(lambda: view._started and win._menus_filled, timeout=5000)
    view.ensure_complete()
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    return win


def _companies(view) -> list[str]:
    return [row.company for row in view.model.index_data.visible]


def _active_keys(window) -> list[str]:
    """Every key sequence that a key press in ``window`` could trigger now."""
    keys = []
    for action in window.findChildren(QAction):
        # An action in a menu works while the window does; one on a widget, while it shows.
        widgets = [w for w in action.associatedObjects() if hasattr(w, "isVisible")]
        if action.isEnabled() and any(isinstance(w, QMenu) or w.isVisible() for w in widgets):
            keys += [sequence.toString() for sequence in action.shortcuts()]
    for shortcut in window.findChildren(QShortcut):
        if shortcut.isEnabled() and shortcut.parent().isVisible():
            keys += [sequence.toString() for sequence in shortcut.keys()]  # noqa: SIM118
    return [key for key in keys if key]


# -- Ctrl+N (item 3) ---------------------------------------------------------------------
def test_ctrl_n_in_the_application_list_opens_a_new_application(qtbot, window):
    from PySide6.QtCore import Qt

    view = window.view("applications")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor
    qtbot.waitExposed(editor)
    assert editor.windowTitle() == "New application"
    editor.reject()


@pytest.mark.parametrize("section", ["applications", "inbox", "compose", "calendar",
                                     "dashboard", "settings"])
def test_no_key_is_claimed_twice_in_any_section(window, section):
    window.show_view(section)
    keys = _active_keys(window)
    assert "Ctrl+N" in keys
    assert sorted(key for key in set(keys) if keys.count(key) > 1) == []


# -- sorting from the keyboard (item 4) ------------------------------------------------------
def _choose_in_menu(qtbot, *keys) -> list[str]:
    """Press ``keys`` in the menu that is opening; return the menu's entries."""
    from PySide6.QtCore import Qt

    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    menu = QApplication.activePopupWidget()
    entries = [action.text() for action in menu.actions() if not action.isSeparator()]
    for key in keys:
        qtbot.keyClick(menu, key if isinstance(key, Qt.Key) else Qt.Key(ord(key.upper())))
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=5000)
    return entries


# A menu is a popup: the offscreen platform can neither raise it nor let it grab the keyboard,
# and says so; the menu itself works as on screen.
@pytest.mark.qt_log_ignore("This plugin does not support raise",
                           "This plugin does not support grabbing the keyboard")
def test_the_list_sorts_from_the_keyboard(qtbot, window):
    from PySide6.QtCore import Qt

    view = window.view("applications")
    button = view.sort_button
    assert button.accessibleName() == "Sort by"
    assert button.accessibleDescription() == "Sorted by Stage, ascending"
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    entries = _choose_in_menu(qtbot, Qt.Key.Key_Down, Qt.Key.Key_Return)  # the first: Company
    assert entries == ["Company", "Role", "Stage", "Last interview", "Next interview",
                       "Expected response", "Outlook", "Channel",
                       "&Ascending (A to Z, oldest first)", "&Descending (Z to A, newest first)"]
    names = _companies(view)
    assert names == sorted(names, key=str.casefold)
    assert view.table.horizontalHeader().sortIndicatorSection() == 0
    assert button.accessibleDescription() == "Sorted by Company, ascending"

    # Alt+O opens the same menu; D is "Descending".
    qtbot.keyClick(view.table, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    _choose_in_menu(qtbot, "d")
    assert _companies(view) == sorted(names, key=str.casefold, reverse=True)
    assert button.accessibleDescription() == "Sorted by Company, descending"


def test_the_sort_menu_keeps_the_selected_application(qtbot, window):
    view = window.view("applications")
    view.select_application(view.model.index_data.visible[3].id)
    chosen = view.current_id()
    view.sort_button.sort_by(1)
    assert view.current_id() == chosen
    roles = [row.role for row in view.model.index_data.visible]
    assert roles == sorted(roles, key=str.casefold)


# -- the section list's Toggle and the date fields' Increase/Decrease (item 5) ----------------
def test_toggling_a_section_in_the_list_switches_to_it(window):
    nav = QAccessible.queryAccessibleInterface(window.nav)
    dashboard = nav.child(4)
    assert dashboard.text(QAccessible.Text.Name) == "Dashboard"
    dashboard.actionInterface().doAction("Toggle")
    assert window.current_view_key() == "dashboard"
    # Toggling the section on screen keeps it, still selected.
    dashboard.actionInterface().doAction("Toggle")
    assert window.current_view_key() == "dashboard"
    assert window.nav.currentItem().isSelected()
    nav.selectionInterface().select(nav.child(5))
    assert window.current_view_key() == "settings"


def test_toggling_a_round_in_the_editor_shows_that_round(window):
    from models.application import Application

    window.open_editor(Application.get(Application.company == "Lumen Analytics").id)
    editor = window.editor
    editor.tabs.setCurrentIndex(1)
    assert editor.round_editor.title.text() == "Technical interview"
    rounds = QAccessible.queryAccessibleInterface(editor.round_list)
    rounds.child(0).actionInterface().doAction("Toggle")
    assert editor.round_list.currentRow() == 0
    assert editor.round_editor.title.text() == "Phone screen"
    editor.reject()


def _step(widget, steps: int) -> None:
    """What Qt's AT-SPI bridge does for Increase (steps > 0) and Decrease: add the step size
    to the Value interface's current value."""
    value = QAccessible.queryAccessibleInterface(widget).valueInterface()
    for _ in range(abs(steps)):
        step = value.minimumStepSize()
        value.setCurrentValue(value.currentValue() + (step if steps > 0 else -step))


def test_date_and_time_fields_step_on_increase_and_decrease(qtbot, window):
    from PySide6.QtCore import QDate, QTime

    window.open_editor(None)
    editor = window.editor
    editor.applied_on.setDate(QDate(2024, 2, 28))
    _step(editor.applied_on, 2)
    assert editor.applied_on.date() == QDate(2024, 3, 1)
    _step(editor.applied_on, -1)
    assert editor.applied_on.date() == QDate(2024, 2, 29)
    editor.add_round()
    rounds = editor.round_editor
    rounds.day.setDate(QDate(2024, 12, 31))
    _step(rounds.day, 1)
    assert rounds.day.date() == QDate(2025, 1, 1)
    assert editor.data.rounds[0].starts_at.date() == date(2025, 1, 1)  # stored as typed
    rounds.start.setTime(QTime(10, 0))
    _step(rounds.start, 2)
    assert rounds.start.time() == QTime(10, 30)
    rounds.end.setTime(QTime(23, 50))
    _step(rounds.end, 3)  # stops at the end of the day
    assert rounds.end.time() == QTime(23, 59)
    editor._draft_timer.stop()
    editor.done(0)


def test_offer_and_reminder_date_fields_step_too(qtbot, window):
    from PySide6.QtCore import QDate, QTime

    from models.application import Application
    from ui.applications.offer_dialog import OfferDialog
    from ui.reminders.dialog import CustomReminderDialog

    orbit = Application.get(Application.company == "Orbit Health")
    dialog = OfferDialog(window, orbit.id, None, "Europe/Berlin")
    dialog.received.setDate(QDate(2024, 6, 30))
    _step(dialog.received, 1)
    assert dialog.received.date() == QDate(2024, 7, 1)
    dialog.deadline_time.setTime(QTime(17, 0))
    _step(dialog.deadline_time, -1)
    assert dialog.deadline_time.time() == QTime(16, 45)
    reminder = CustomReminderDialog(window, "Europe/Berlin")
    before = reminder.when.dateTime()
    _step(reminder.when, 1)
    assert reminder.when.dateTime() == before.addDays(1)
    for opened in (dialog, reminder):
        opened.done(0)  # as Cancel, without asking about the changes made here
        opened.deleteLater()


# -- combo boxes have names (item 2) and message labels read their text (item 1) ---------------
def _labels_of(widget) -> list[str]:
    iface = QAccessible.queryAccessibleInterface(widget)
    return [label.text(QAccessible.Text.Name)
            for label, _kind in iface.relations(QAccessible.RelationFlag.Label)]


def test_every_combo_box_is_labelled(qtbot, window):
    from models.application import Application
    from ui.applications.offer_dialog import OfferDialog
    from ui.mail.account_page import AccountPage

    window.build_all_views()
    window.open_editor(Application.get(Application.company == "Lumen Analytics").id)
    orbit = Application.get(Application.company == "Orbit Health")
    offer = OfferDialog(window, orbit.id, None, "Europe/Berlin")
    combos = window.findChildren(QComboBox) + offer.findChildren(QComboBox)
    assert len(combos) >= 10
    # A label of its own (a QLabel whose buddy it is), not only a group box's title.
    unlabelled = [combo.accessibleName() or combo.currentText() for combo in combos
                  if not any(isinstance(sibling, QLabel) and sibling.buddy() is combo
                             for sibling in combo.parentWidget().children())]
    assert unlabelled == []
    expected = {
        window.view("applications").stage_filter: "Stage",
        window.editor.stage: "Current stage",
        window.editor.round_editor.zone: "time zone",
        window.editor.round_editor.timeframe_unit: "unit",
        window.view("compose").round_picker: "Interview",
        window.view("compose").template_picker: "Kind of note",
        window.view("settings").general.theme: "Theme",
        window.view("settings").findChild(AccountPage).security: "Security",
        offer.zone: "time zone",
    }
    for combo, label in expected.items():
        assert label in _labels_of(combo), combo.accessibleName()
    window.editor._draft_timer.stop()
    window.editor.done(0)
    offer.done(0)
    offer.deleteLater()


def test_message_labels_are_read_as_their_text(qtbot, window):
    from ui.shell.settings_view import SettingsView

    status = QAccessible.queryAccessibleInterface(window.status_label)
    assert status.text(QAccessible.Text.Name) == window.status_label.text()
    assert status.text(QAccessible.Text.Name).startswith("12 applications · data in ")
    assert status.text(QAccessible.Text.Description) == "Status"
    settings = window.view("settings")
    assert isinstance(settings, SettingsView)
    settings.general.save()
    saved = QAccessible.queryAccessibleInterface(settings.general.saved)
    assert saved.text(QAccessible.Text.Name) == "Saved."
    assert saved.text(QAccessible.Text.Description) == "Settings status"
