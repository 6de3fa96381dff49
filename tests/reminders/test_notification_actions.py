"""Open, Done and Snooze on the notification itself (Xvfb, a D-Bus session, the test watcher
and notification daemon of tests/support/dbus_services.py): the app sends its own ``Notify`` with
actions, the ``desktop-entry`` hint and normal urgency, and acts on ``ActionInvoked``.

Run by ``make test`` under ``xvfb-run -a dbus-run-session`` with QT_QPA_PLATFORM=xcb.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from models.reminder import Reminder
from services.core.snapshot import read_snapshot
from services.reminders import custom
from services.reminders.rules import ReminderKind
from tests.support.dbus_services import CAPABILITIES, DesktopServices
from tests.support.reminders_ready import reminders_started
from ui.shell.main_window import MainWindow
from ui.shell.reminder_system import start_reminders

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
def running(qtbot, qapp, desktop, demo_store):
    """The demo search's window in the tray with reminders started; the new notifications."""
    assert QSystemTrayIcon.isSystemTrayAvailable(), "the test watcher was not seen by Qt"
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    system = reminders_started(qtbot, start_reminders(window))
    qtbot.waitUntil(lambda: system.tray.notifier.service.state == "ready", timeout=5000)
    window.hide()  # closed to the tray
    seen = len(desktop.notifications)
    yield window, system, lambda: desktop.notifications[seen:]
    system.stop()
    system.tray.icon.deleteLater()
    qapp.setQuitOnLastWindowClosed(True)
    desktop.set_capabilities(CAPABILITIES)
    qapp.processEvents()


def pump():
    QApplication.processEvents()


def _due_now(system, text: str) -> int:
    rid = custom.add_custom(text, system.scheduler.now() - timedelta(seconds=1))
    system.data_changed()
    return rid


def _one_new(desktop, new):
    desktop.wait_for(lambda: new(), pump=pump)
    (note,) = new()
    return note


def test_a_reminder_notification_carries_its_actions_and_hints(running, desktop):
    _window, system, new = running
    _due_now(system, "Send Harbor & Pine the references")
    note = _one_new(desktop, new)
    assert (note.summary, note.body) == ("Reminder", "Send Harbor & Pine the references")
    assert note.app_name == "Next Steps"
    assert note.action_pairs() == [("default", "Open"), ("open", "Open"), ("done", "Done"),
                                   ("snooze", "Snooze 1 hour")]
    assert note.hint_values["desktop-entry"] == ("s", "next-steps")
    assert note.hint_values["urgency"] == ("y", 1)  # normal: GNOME shows low without a banner
    assert note.app_icon.startswith("file://") and note.app_icon.endswith("next-steps.png")
    assert desktop.pid_of(note.sender) == os.getpid()
    assert desktop.errors == []


def test_done_from_the_notification(qtbot, running, desktop):
    _window, system, new = running
    rid = _due_now(system, "Call Ana about the referral")
    note = _one_new(desktop, new)
    assert Reminder.get_by_id(rid).state == "shown"
    desktop.click(note.id, "done")
    qtbot.waitUntil(lambda: Reminder.get_by_id(rid).state == "done", timeout=5000)
    assert rid not in [item.id for item in system.panel.items()]


def test_snooze_from_the_notification(qtbot, running, desktop):
    _window, system, new = running
    rid = _due_now(system, "Update the CV")
    note = _one_new(desktop, new)
    now = system.scheduler.now()
    desktop.click(note.id, "snooze")
    qtbot.waitUntil(lambda: Reminder.get_by_id(rid).state == "snoozed", timeout=5000)
    until = Reminder.get_by_id(rid).snoozed_until
    assert abs((until - (now + timedelta(hours=1))).total_seconds()) < 5


@pytest.mark.parametrize("action", ["open", "default"])
def test_open_from_the_notification_shows_what_it_is_about(qtbot, running, desktop, action,
                                                           monkeypatch):
    window, system, new = running
    tokens = []
    real_bring = window.bring_to_front
    monkeypatch.setattr(window, "bring_to_front", lambda: (
        tokens.append(os.environ.get("XDG_ACTIVATION_TOKEN")), real_bring()))
    thanks = next(i for i in system.scheduler.outstanding() if i.kind == ReminderKind.THANK_YOU)
    system.tray.notify([thanks])
    note = _one_new(desktop, new)
    assert note.summary == "Send a thank-you note"
    desktop.click(note.id, action, token="token-42")
    qtbot.waitUntil(lambda: window.isVisible() and window.current_view_key() == "compose",
                    timeout=5000)
    composer = window.view("compose")
    assert composer.round_picker.currentData() == thanks.round_id
    assert tokens == ["token-42"]  # the activation token, for Wayland
    assert "XDG_ACTIVATION_TOKEN" not in os.environ
    assert Reminder.get_by_id(thanks.id).state == "shown"  # opening changes nothing


def test_a_grouped_notification_snoozes_them_all(qtbot, running, desktop):
    _window, system, new = running
    now = system.scheduler.now() - timedelta(seconds=1)
    ids = [custom.add_custom(text, now) for text in ("Call Ana", "Update the CV")]
    system.data_changed()
    note = _one_new(desktop, new)
    assert note.summary == "2 reminders"
    assert note.action_pairs() == [("default", "Open Next Steps"), ("open", "Open Next Steps"),
                                   ("snooze", "Snooze all for an hour")]
    desktop.click(note.id, "snooze")
    qtbot.waitUntil(lambda: {Reminder.get_by_id(i).state for i in ids} == {"snoozed"},
                    timeout=5000)


def test_done_elsewhere_takes_the_notification_away(qtbot, running, desktop):
    _window, system, new = running
    rid = _due_now(system, "Send the portfolio link")
    note = _one_new(desktop, new)
    qtbot.waitUntil(lambda: note.id in system.tray.notifier.on_screen, timeout=5000)
    system.tray.menu.aboutToShow.emit()  # the menu is rebuilt each time it opens
    system.tray.action("done", rid).trigger()
    desktop.wait_for(lambda: note.id in desktop.closed, pump=pump)
    # An action on a notification that is gone changes nothing.
    desktop.click(note.id, "snooze")
    qtbot.wait(200)
    assert Reminder.get_by_id(rid).state == "done"


def test_markup_is_escaped_where_the_daemon_reads_it(qtbot, qapp, desktop, demo_store):
    desktop.set_capabilities([*CAPABILITIES, "body-markup"])
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    system = reminders_started(qtbot, start_reminders(window, minimized=True))
    try:
        seen = len(desktop.notifications)
        _due_now(system, "Ask <Harbor & Pine> about the start date")
        desktop.wait_for(lambda: [n for n in desktop.notifications[seen:]
                                  if n.summary == "Reminder"], pump=pump)
        (note,) = [n for n in desktop.notifications[seen:] if n.summary == "Reminder"]
        assert note.body == "Ask &lt;Harbor &amp; Pine&gt; about the start date"
    finally:
        system.stop()
        system.tray.icon.deleteLater()
        qapp.setQuitOnLastWindowClosed(True)
        desktop.set_capabilities(CAPABILITIES)


def _published_labels(desktop) -> list[str]:
    """The tray menu's labels as a desktop panel reads them over D-Bus (a thread asks: this
    process answers in its event loop)."""
    import threading

    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    found: dict = {}

    def ask() -> None:
        with open_dbus_connection(bus="SESSION") as conn:
            item = desktop.items[-1]
            props = DBusAddress("/StatusNotifierItem", bus_name=item,
                                interface="org.freedesktop.DBus.Properties")
            path = conn.send_and_get_reply(new_method_call(
                props, "Get", "ss", ("org.kde.StatusNotifierItem", "Menu")), timeout=5).body
            menu = DBusAddress(path[0][1], bus_name=item, interface="com.canonical.dbusmenu")
            conn.send_and_get_reply(new_method_call(menu, "AboutToShow", "i", (0,)), timeout=5)
            found["layout"] = conn.send_and_get_reply(
                new_method_call(menu, "GetLayout", "iias", (0, -1, [])), timeout=5).body[1]

    thread = threading.Thread(target=ask)
    thread.start()
    while thread.is_alive():
        pump()
        thread.join(0.01)
    return [props.get("label", ("s", ""))[1] for _sig, (_id, props, _children)
            in found["layout"][2]]


def _as_shown(label: str) -> str:
    """A dbusmenu label as a panel shows it: "__" is "_", a single "_" marks the shortcut."""
    return "_".join(part.replace("_", "") for part in label.split("__"))


def test_the_tray_menu_keeps_ampersands_and_underscores(qtbot, running, desktop):
    _window, system, _new = running
    desktop.wait_for(lambda: desktop.items, pump=pump)
    rid = _due_now(system, "Send Harbor & Pine the file cv_final.pdf")
    qtbot.waitUntil(lambda: rid in [i.id for i in system.scheduler.outstanding()])
    labels = [_as_shown(label) for label in _published_labels(desktop)]
    assert "Reminder: Send Harbor & Pine the file cv_final.pdf" in labels
