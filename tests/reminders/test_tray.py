"""The tray for real: on Xvfb in a D-Bus session with a StatusNotifierWatcher and a
notification daemon (tests/support/dbus_services.py), the icon registers, due reminders arrive as
notifications whose text we read, and the menu's actions work.

Run by ``make test`` under ``xvfb-run -a dbus-run-session`` with QT_QPA_PLATFORM=xcb.
Qt asks once per process whether a tray exists, so the services start before the first
tray in this process and stay up for the module.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from models.reminder import Reminder
from services.core import settings
from services.core.snapshot import read_snapshot
from services.reminders import custom
from services.reminders.rules import ReminderKind
from tests.support.dbus_services import DesktopServices
from tests.support.reminders_ready import reminders_started
from ui.shell.main_window import MainWindow
from ui.shell.reminder_system import start_reminders
from ui.shell.tray import TRAY_HINT_TITLE

pytestmark = pytest.mark.xvfb


@pytest.fixture(scope="module")
def desktop():
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.fail("this test needs Xvfb: run it through `make test`")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail("this test needs a D-Bus session: run it through `make test`")
    with DesktopServices() as services:
        yield services


@pytest.fixture
def app_with_tray(qtbot, qapp, desktop, demo_store):
    """The demo search's window with reminders started, as after a normal start."""
    assert QSystemTrayIcon.isSystemTrayAvailable(), "the test watcher was not seen by Qt"
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    seen = len(desktop.notifications)
    system = reminders_started(qtbot, start_reminders(window))
    yield window, system, seen
    if system.missed_dialog is not None:
        system.missed_dialog.close()
    system.stop()
    system.tray.icon.deleteLater()
    qapp.setQuitOnLastWindowClosed(True)
    qapp.processEvents()


def pump():
    QApplication.processEvents()


def new_notifications(desktop, seen: int):
    return desktop.notifications[seen:]


def test_the_tray_icon_registers_with_the_watcher(app_with_tray, desktop):
    window, system, _seen = app_with_tray
    assert system.tray is not None and system.tray.icon.isVisible()
    # The item registered with the watcher is a connection of this very process.
    desktop.wait_for(lambda: desktop.items, pump=pump)
    assert desktop.pid_of(desktop.items[-1]) == os.getpid()
    # With a tray the window still opens normally, and the missed reminders are listed once:
    # in the panel (their dialog is for a start minimised to the tray).
    assert window.isVisible() and system.panel.isVisible()
    assert not system.missed_dialog.isVisible()
    assert not QApplication.instance().quitOnLastWindowClosed()


def test_a_due_reminder_arrives_as_a_notification(qtbot, app_with_tray, desktop):
    _window, system, seen = app_with_tray
    now = system.scheduler.now()
    rid = custom.add_custom("Push the tooling demo before the pairing session",
                            now - timedelta(seconds=1))
    with qtbot.waitSignal(system.scheduler.fired, timeout=3000):
        system.data_changed()
    desktop.wait_for(lambda: new_notifications(desktop, seen), pump=pump)
    (note,) = new_notifications(desktop, seen)
    assert note.summary == "Reminder"
    assert note.body == "Push the tooling demo before the pairing session"
    assert Reminder.get_by_id(rid).state == "shown"
    # Several at once: one grouped notification.
    for text in ("Call Ana about the referral", "Update the CV"):
        custom.add_custom(text, now - timedelta(seconds=1))
    system.data_changed()
    desktop.wait_for(lambda: len(new_notifications(desktop, seen)) == 2, pump=pump)
    grouped = new_notifications(desktop, seen)[1]
    assert grouped.summary == "2 reminders"
    assert grouped.body.splitlines() == ["• Reminder: Call Ana about the referral",
                                         "• Reminder: Update the CV"]


def test_missed_reminders_at_a_minimized_start_are_one_notification(qtbot, desktop,
                                                                     demo_store):
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    seen = len(desktop.notifications)
    system = reminders_started(qtbot, start_reminders(window, minimized=True))
    try:
        assert system.missed_ids and system._missed_dialog is None  # made only when asked for
        desktop.wait_for(lambda: new_notifications(desktop, seen), pump=pump)
        (note,) = new_notifications(desktop, seen)
        assert note.summary == f"{len(system.missed_ids)} reminders came due while Next Steps " \
                               "was closed"
        # Clicking it shows their list; the window stays in the tray until asked for.
        desktop.click(note.id)
        qtbot.waitUntil(lambda: system.tray.missed_dialog is not None
                        and system.tray.missed_dialog.isVisible(), timeout=5000)
        assert system.missed_dialog is system.tray.missed_dialog
        assert [i.id for i in system.missed_dialog.items()] == system.missed_ids
        assert not window.isVisible()
        # Opening the window closes the list: the panel shows the same reminders.
        system.tray.action("open").trigger()
        qtbot.waitUntil(window.isVisible, timeout=5000)
        assert not system.missed_dialog.isVisible() and system.panel.isVisible()
    finally:
        if system.tray.missed_dialog is not None:
            system.tray.missed_dialog.close()
        system.stop()
        system.tray.icon.deleteLater()
        QApplication.instance().setQuitOnLastWindowClosed(True)


def test_the_menu_lists_the_reminders_and_its_actions_work(app_with_tray, monkeypatch):
    window, system, _seen = app_with_tray
    tray = system.tray
    tray.menu.aboutToShow.emit()
    outstanding = system.scheduler.outstanding()
    texts = [a.text() for a in tray.menu.actions() if a.text()]
    assert texts[0] == "Open Next Steps"
    assert texts[1] == f"{len(outstanding)} reminders due"
    assert texts[-2:] == ["Snooze all for an hour", "Quit"]
    first, second, third = outstanding[:3]
    submenu = tray.action("open-item", first.id).parent()
    assert [a.text() for a in submenu.actions()] == [
        "Open", "Done", "Snooze 1 hour", "Snooze until tomorrow morning", "Snooze until…"]

    tray.action("done", first.id).trigger()
    assert Reminder.get_by_id(first.id).state == "done"
    tray.menu.aboutToShow.emit()  # rebuilt each time it opens
    with pytest.raises(KeyError):
        tray.action("done", first.id)

    now = system.scheduler.now()
    tray.action("snooze-hour", second.id).trigger()
    row = Reminder.get_by_id(second.id)
    assert row.state == "snoozed"
    assert abs((row.snoozed_until - (now + timedelta(hours=1))).total_seconds()) < 5
    tray.menu.aboutToShow.emit()
    tray.action("snooze-morning", third.id).trigger()
    assert Reminder.get_by_id(third.id).snoozed_until == (
        system.scheduler.snooze_presets()["Tomorrow morning"])

    opened = []
    monkeypatch.setattr(window, "bring_to_front", lambda: opened.append("front"))
    monkeypatch.setattr(window, "open_composer", lambda *a, **k: opened.append(("composer", a)))
    monkeypatch.setattr(window, "open_editor", lambda *a: opened.append(("editor", a)))
    tray.menu.aboutToShow.emit()
    item = system.scheduler.outstanding()[0]
    tray.action("open-item", item.id).trigger()
    assert opened and opened[-1][0] in ("composer", "editor")
    tray.action("open").trigger()
    assert opened[-1] == "front"

    left = [i.id for i in system.scheduler.outstanding()]
    tray.action("snooze-all").trigger()
    assert {Reminder.get_by_id(i).state for i in left} == {"snoozed"}
    tray.menu.aboutToShow.emit()
    assert [a.text() for a in tray.menu.actions() if a.text()][1] == "No reminders due"


def test_closing_the_window_keeps_the_app_in_the_tray(qtbot, app_with_tray, desktop):
    window, system, seen = app_with_tray
    system.missed_dialog.close()
    assert settings.get("ui.tray_hint_shown") is False
    window.close()
    assert not window.isVisible()
    assert system.tray.icon.isVisible()
    desktop.wait_for(lambda: new_notifications(desktop, seen), pump=pump)
    (hint,) = new_notifications(desktop, seen)
    assert hint.summary == TRAY_HINT_TITLE and "Quit" in hint.body
    assert settings.get("ui.tray_hint_shown") is True
    # The second time it says nothing.
    window.show()
    qtbot.waitExposed(window)
    window.close()
    assert not window.isVisible()
    qtbot.wait(200)
    assert len(new_notifications(desktop, seen)) == 1
    # Quitting closes it for real.
    closed = []
    window.destroyed.connect(lambda *_: closed.append(1))
    window.show()
    system.tray.quitting = True
    window.close()
    assert not window.isVisible() and window.keep_running_in_tray() is False


def test_quit_from_the_tray_quits(app_with_tray, monkeypatch):
    window, system, _seen = app_with_tray
    tray = system.tray
    quits = []
    monkeypatch.setattr(window, "quit_app", lambda: quits.append("window"))
    tray.menu.aboutToShow.emit()
    tray.action("quit").trigger()
    assert quits == ["window"] and tray.quitting
    assert window.keep_running_in_tray() is False  # so the window closes for real


def test_clicking_a_notification_opens_its_reminder(qtbot, app_with_tray, desktop, monkeypatch):
    window, system, seen = app_with_tray
    opened = []
    monkeypatch.setattr(window, "bring_to_front", lambda: None)
    monkeypatch.setattr(window, "open_composer",
                        lambda app, rnd, template_key="": opened.append((app, rnd, template_key)))
    thanks = next(i for i in system.scheduler.outstanding() if i.kind == ReminderKind.THANK_YOU)
    system.tray.notify([thanks])
    desktop.wait_for(lambda: new_notifications(desktop, seen), pump=pump)
    desktop.click(new_notifications(desktop, seen)[-1].id)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened == [(thanks.application_id, thanks.round_id, "thank_you")]


def test_file_quit_really_quits_and_says_nothing_about_the_tray(qapp, app_with_tray, desktop):
    """File ▸ Quit (and a restart) call QApplication.quit(): the window hides instead of
    closing, which does not hold the quit back, and the "still running" message, due in the
    next turn of the loop, never comes."""
    window, system, seen = app_with_tray
    system.missed_dialog.close()
    assert window.isVisible()
    QTimer.singleShot(100, window.quit_app)
    # A safety net (the test fails, not hangs), stopped afterwards: fired later, its exit()
    # would make every event loop of the tests that follow return at once.
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(lambda: qapp.exit(7))
    safety.start(10_000)
    code = qapp.exec()
    safety.stop()
    assert code == 0
    assert not window.isVisible()
    assert settings.get("ui.tray_hint_shown") is False
    qapp.processEvents()
    assert [n for n in desktop.notifications[seen:] if n.summary == TRAY_HINT_TITLE] == []
