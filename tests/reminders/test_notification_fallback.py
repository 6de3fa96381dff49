"""Where there is no notification service on a session bus (Windows, macOS, a desktop without
one), reminders go out as the tray icon's own messages, and clicking the message opens what it
is about (offscreen; the Xvfb tests cover the D-Bus service and Qt's XEmbed balloon)."""

from __future__ import annotations

from services.core.snapshot import read_snapshot
from services.reminders import queries
from services.reminders.rules import ReminderKind
from ui.reminders.notifications import ReminderNotifier
from ui.reminders.scheduler import ReminderScheduler
from ui.shell.main_window import MainWindow
from ui.shell.tray import ReminderTray


def test_a_click_on_the_message_opens_the_reminder(qtbot, demo_store, monkeypatch):
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(window, "bring_to_front", lambda: opened.append("front"))
    monkeypatch.setattr(window, "open_composer",
                        lambda app, rnd, template_key="": opened.append((app, rnd, template_key)))
    scheduler = ReminderScheduler()
    scheduler.start()
    try:
        tray = ReminderTray(window, scheduler, service=None)
        assert isinstance(tray.notifier, ReminderNotifier) and tray.notifier.service is None
        # Offscreen has no tray to draw a message on: record what would be shown.
        shown = []
        monkeypatch.setattr(tray.icon, "showMessage", lambda *args: shown.append(args[:2]))
        thanks = next(i for i in scheduler.outstanding() if i.kind == ReminderKind.THANK_YOU)
        tray.notify([thanks])
        assert shown == [("Send a thank-you note", thanks.text)]
        # What Windows, macOS and Qt's own balloon report when the user clicks the message.
        tray.icon.messageClicked.emit()
        assert opened[-1] == (thanks.application_id, thanks.round_id, "thank_you")
        # Several at once: the click brings the window, whose panel lists them.
        others = [i for i in scheduler.outstanding() if i.id != thanks.id][:2]
        tray.notify(others)
        assert shown[-1][0] == "2 reminders"
        opened.clear()
        tray.icon.messageClicked.emit()
        assert opened == ["front"]
        assert {queries.get(i.id).state for i in others} == {"shown"}
    finally:
        scheduler.stop()
