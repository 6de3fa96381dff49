"""The system tray icon, its menu and notifications (:class:`ReminderTray`).

:func:`ui.shell.reminder_system.start_reminders` shows it once reminders start,
where the desktop has a system tray. Without a
tray (``QSystemTrayIcon.isSystemTrayAvailable()`` false, as on GNOME without
an extension, or offscreen) the window stays the way to the app, closing it
quits as before, and reminders show in the panel.

With a tray, closing the window hides it and the app keeps running (the
first time, a message says so, remembered in the setting
``ui.tray_hint_shown``); Quit in the tray menu or the File menu really quits:
``QApplication.quit()`` closes every window, and one that hides itself
instead does not hold the quit back (Qt checks that no window is visible).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from services.core import settings
from ui.reminders.notifications import ReminderNotifier, notification_text
from ui.reminders.panel import MissedRemindersDialog, open_reminder
from ui.reminders.scheduler import ReminderScheduler
from ui.reminders.snooze_dialog import SnoozeDialog
from ui.shell.app_icon import app_icon
from ui.shell.menu_text import dbus_menus, menu_text

__all__ = ["ReminderTray", "notification_text"]

log = logging.getLogger(__name__)

#: Reminders listed by name in the tray menu; the rest are counted ("and 4 more…").
MENU_ITEMS = 10
#: Longest text of a reminder in a menu entry.
MENU_TEXT_CHARS = 70

TRAY_HINT_SETTING = "ui.tray_hint_shown"
TRAY_HINT_TITLE = "Next Steps is still running"
TRAY_HINT_TEXT = ("Next Steps keeps running in the tray to remind you of thank-you notes, "
                  "follow-ups and deadlines. Choose Quit in its menu to close it.")


def _short(text: str, limit: int = MENU_TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class ReminderTray(QObject):
    """The tray icon: notifications for due reminders, and a menu rebuilt each time it opens.

    The menu: "Open Next Steps", the reminders due with their count (each a
    submenu: Open, Done, Snooze 1 hour, Snooze until tomorrow morning, Snooze
    until…), "Snooze all for an hour", "Quit". Notifications, with their own
    Open, Done and Snooze, are :attr:`notifier`'s (:mod:`ui.reminders.notifications`;
    ``notifier_options`` go to it, e.g. ``service=None`` for the tray's own messages).
    """

    def __init__(self, window, scheduler: ReminderScheduler,
                 parent: QObject | None = None, **notifier_options) -> None:
        super().__init__(parent)

        self.window = window
        self.scheduler = scheduler
        self.quitting = False
        self._message_click = False
        #: The missed reminders' dialog once made; :attr:`missed_dialog_source` makes it.
        self.missed_dialog: MissedRemindersDialog | None = None
        self.missed_dialog_source: Callable[[], MissedRemindersDialog | None] | None = None
        # The icon is set before the tray icon is shown (no "No Icon set" warning).
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip("Next Steps")
        self.menu = QMenu()
        self.menu.setObjectName("TrayMenu")
        self.menu.setAccessibleName("Next Steps tray menu")
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self._note_message_click)
        self.notifier = ReminderNotifier(
            self.icon, scheduler, open_item=lambda item: open_reminder(window, item),
            show_window=self.show_window, show_missed=self.show_missed, parent=self,
            **notifier_options)
        self._dbus_menu = dbus_menus()
        scheduler.fired.connect(self.notify)
        QApplication.instance().aboutToQuit.connect(self._about_to_quit)
        self.rebuild_menu()

    # -- life -----------------------------------------------------------------------------------
    def show(self) -> None:
        """Show the icon; from now on closing the window keeps the app running."""
        self.icon.show()
        QApplication.instance().setQuitOnLastWindowClosed(False)
        self.window.set_close_policy(self.keep_running_on_close)

    def hide(self) -> None:
        """Hide the icon and stop notifying; closing the window quits again."""
        self.icon.hide()
        self.notifier.shutdown()
        QApplication.instance().setQuitOnLastWindowClosed(True)
        if self.window.keep_running_in_tray == self.keep_running_on_close:
            self.window.set_close_policy(None)

    # -- closing the window ---------------------------------------------------------------------
    def keep_running_on_close(self) -> bool:
        """Called by the window when it is closed: True to hide it and keep running.

        The first time, a message says the app is still in the tray. It is sent
        from the next turn of the event loop: when the close is part of quitting
        (File ▸ Quit, a restart: ``QApplication.quit()`` closes the windows, and
        a window that hid itself does not stop it), the loop ends first and
        nothing is said.
        """
        if self.quitting or not self.icon.isVisible():
            return False
        QTimer.singleShot(0, self, self._say_still_running)
        log.info("window closed; still running in the tray")
        return True

    def _about_to_quit(self) -> None:
        self.quitting = True

    def _say_still_running(self) -> None:

        if self.quitting:
            return
        try:
            if settings.get(TRAY_HINT_SETTING):
                return
            settings.put(TRAY_HINT_SETTING, True)
        except Exception:  # the database went away (a restart); saying it is not worth failing
            log.exception("cannot read or save %s", TRAY_HINT_SETTING)
            return
        self.notifier.say(TRAY_HINT_TITLE, TRAY_HINT_TEXT)

    def quit(self) -> None:
        """Quit the app for real (saving the window's state)."""
        self.quitting = True
        if hasattr(self.window, "quit_app"):
            self.window.quit_app()
        else:
            QApplication.instance().quit()

    # -- notifications --------------------------------------------------------------------------
    def notify(self, items: Sequence) -> None:
        """Show one notification for reminders that came due (grouped when several)."""
        self.notifier.notify(items)

    def notify_missed(self, items: Sequence) -> None:
        """One notification for the reminders that came due while the app was closed;
        clicking it shows their list."""
        self.notifier.notify_missed(items)

    def show_missed(self) -> None:
        """List the reminders that came due while the app was closed: in their dialog while
        the window (and its reminders panel) is hidden, else in the window."""
        if self.missed_dialog is None and self.missed_dialog_source is not None:
            self.missed_dialog = self.missed_dialog_source()
        if self.missed_dialog is None or (self.window.isVisible()
                                          and not self.window.isMinimized()):
            self.show_window()
            return
        self.missed_dialog.show()
        self.missed_dialog.raise_()
        self.missed_dialog.activateWindow()

    def _note_message_click(self) -> None:
        # On an XEmbed tray a click on the icon while a balloon message shows emits
        # messageClicked and then activated(Trigger) for the same click: the first already
        # showed what the message is about, the second must not hide it again.
        self._message_click = True
        QTimer.singleShot(0, self, self._forget_message_click)

    def _forget_message_click(self) -> None:
        self._message_click = False

    def _on_activated(self, reason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            if self._message_click:
                return
            if self.window.isVisible() and not self.window.isMinimized():
                self.window.hide()
            else:
                self.show_window()

    def show_window(self) -> None:
        """Show, un-minimise and raise the window (its panel lists the missed reminders:
        their dialog closes)."""
        if self.missed_dialog is not None:
            self.missed_dialog.close()
        if hasattr(self.window, "bring_to_front"):
            self.window.bring_to_front()
        else:
            self.window.showNormal()
            self.window.raise_()

    # -- the menu -------------------------------------------------------------------------------
    def rebuild_menu(self) -> None:
        """Fill the menu from the reminders outstanding right now."""

        menu = self.menu
        for action in menu.actions():
            sub = action.menu()
            if sub is not None:
                sub.deleteLater()
        menu.clear()
        self._add(menu, "Open Next Steps", self.show_window, "open")
        menu.addSeparator()
        items = self.scheduler.outstanding()
        heading = QAction("No reminders due" if not items else (
            "1 reminder due" if len(items) == 1 else f"{len(items)} reminders due"), menu)
        heading.setEnabled(False)
        heading.setData("count")
        menu.addAction(heading)
        for item in items[:MENU_ITEMS]:
            sub = QMenu(menu_text(f"{item.title}: {_short(item.text)}", self._dbus_menu), menu)
            sub.setToolTipsVisible(True)
            sub.menuAction().setData(f"reminder:{item.id}")
            sub.menuAction().setToolTip(item.text)
            self._add(sub, "Open", lambda _c=False, i=item: open_reminder(self.window, i),
                      "open-item")
            self._add(sub, "Done", lambda _c=False, i=item: self.scheduler.done([i.id]), "done")
            self._add(sub, "Snooze 1 hour",
                      lambda _c=False, i=item: self.scheduler.snooze_for([i.id], "1 hour"),
                      "snooze-hour")
            self._add(sub, "Snooze until tomorrow morning",
                      lambda _c=False, i=item: self.scheduler.snooze_for(
                          [i.id], "Tomorrow morning"), "snooze-morning")
            self._add(sub, "Snooze until…", lambda _c=False, i=item: self._snooze_custom(i),
                      "snooze-custom")
            menu.addMenu(sub)
        if len(items) > MENU_ITEMS:
            self._add(menu, f"and {len(items) - MENU_ITEMS} more…", self.show_window, "more")
        if items:
            self._add(menu, "Snooze all for an hour", self.scheduler.snooze_all_for_an_hour,
                      "snooze-all")
        menu.addSeparator()
        self._add(menu, "Quit", self.quit, "quit")

    @staticmethod
    def _add(menu: QMenu, text: str, slot, key: str) -> QAction:
        action = QAction(text, menu)
        action.setData(key)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _snooze_custom(self, item) -> None:

        default = self.scheduler.snooze_presets()["Tomorrow morning"]
        until = SnoozeDialog.ask(None, default, self.scheduler.zone())
        if until is not None:
            self.scheduler.snooze([item.id], max(until, self.scheduler.now()))

    def action(self, key: str, reminder_id: int | None = None) -> QAction:
        """The menu action with ``key`` (in the submenu of ``reminder_id`` when given);
        tests trigger these."""
        menu = self.menu
        if reminder_id is not None:
            for action in menu.actions():
                if action.data() == f"reminder:{reminder_id}" and action.menu() is not None:
                    menu = action.menu()
                    break
            else:
                raise KeyError(f"reminder {reminder_id} is not in the tray menu")
        for action in menu.actions():
            if action.data() == key:
                return action
        raise KeyError(key)
