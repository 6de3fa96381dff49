"""Desktop notifications about mail (a reply arrived, the mailbox cannot be read).

Where the app has a tray icon, they go the reminders' way: the tray's
:class:`ui.reminders.notifications.ReminderNotifier` (the desktop's notification
service, or the icon's own message where there is none); clicking one shows the
window. Without a tray (GNOME without its extension) the desktop may still show
notifications: they are sent to its service directly
(:class:`ui.shell.desktop_notifications.NotificationService`). With neither, nothing
pops up; the status bar and the inbox still show what came.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QObject, QUrl

from services.core.paths import resources_dir
from ui.reminders.notifications import DESKTOP_ENTRY
from ui.shell.desktop_notifications import NotificationService

__all__ = ["MailNotices"]

log = logging.getLogger(__name__)

_NORMAL_URGENCY = 1
#: ``service`` not given: the session bus's notification service, opened on first need.
SESSION_SERVICE = object()


class MailNotices(QObject):
    """Says things about mail as desktop notifications for ``window`` (see the module).

    ``service`` is the notification service used without a tray (default: the session
    bus's, opened the first time something is said; None: never).
    """

    def __init__(self, window, parent: QObject | None = None, *,
                 service=SESSION_SERVICE) -> None:
        super().__init__(parent)
        self.window = window
        self._service = service
        self._waiting: list[tuple[str, str]] = []
        self._live: set[int] = set()

    def say(self, title: str, text: str) -> None:
        """One notification; clicking it brings the window up."""
        tray = getattr(getattr(self.window, "reminder_system", None), "tray", None)
        if tray is not None:
            tray.notifier.say(title, text)
            return
        service = self._service_now()
        if service is None or service.state == "missing":
            log.info("no desktop notifications: %s", title)
        elif service.state == "waiting":
            self._waiting.append((title, text))
        else:
            body = html.escape(text, quote=False) if "body-markup" in service.capabilities \
                else text
            service.notify(title, body, [("default", "Open Next Steps")], _hints(),
                           _app_icon(), self._live.add,
                           lambda: log.info("the notification service refused a message"))

    def shutdown(self) -> None:
        """Close the connection to the notification service (if this opened one)."""
        service = self._service
        if isinstance(service, NotificationService):
            service.shutdown()
        self._service = None

    def _service_now(self) -> NotificationService | None:
        if self._service is SESSION_SERVICE:
            self._service = NotificationService.open(self)
            if self._service is not None:
                self._service.settled.connect(self._flush)
                self._service.action_invoked.connect(self._action_invoked)
                self._service.closed.connect(lambda nid, _reason: self._live.discard(nid))
        return self._service

    def _flush(self, _ready: bool) -> None:
        waiting, self._waiting = self._waiting, []
        for title, text in waiting:
            self.say(title, text)

    def _action_invoked(self, notification_id: int, _key: str) -> None:
        if notification_id not in self._live:
            return  # another application's notification
        self._live.discard(notification_id)
        window = self.window
        if hasattr(window, "bring_to_front"):
            window.bring_to_front()
        if "inbox" in getattr(window, "view_keys", lambda: [])():
            window.show_view("inbox")


def _hints() -> dict:
    return {"desktop-entry": ("s", DESKTOP_ENTRY), "urgency": ("y", _NORMAL_URGENCY)}


def _app_icon() -> str:
    path = resources_dir() / "icons" / "hicolor" / "128x128" / "apps" / "next-steps.png"
    return QUrl.fromLocalFile(str(path)).toString() if path.is_file() else DESKTOP_ENTRY
