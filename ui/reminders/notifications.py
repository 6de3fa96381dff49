"""Notifications of reminders, with Open, Done and Snooze on the notification itself.

Where the desktop has a notification service on the session bus (Linux),
:class:`ReminderNotifier` sends each notification itself
(:class:`ui.shell.desktop_notifications.NotificationService`) with its actions, the
``desktop-entry`` hint (``next-steps``, the name of the .desktop file) and
normal urgency (GNOME shows no banner for low urgency, which is what
:meth:`QSystemTrayIcon.showMessage` asks for), and acts on the action the user
invokes. Elsewhere (Windows, macOS, no service) it falls back to
:meth:`QSystemTrayIcon.showMessage`, and a click on the message opens what
it is about.

The actions: a single reminder offers Open, Done and "Snooze 1 hour"; several
that came due together offer "Open Next Steps" and "Snooze all for an hour";
the reminders that came due while the app was closed offer "Show them" and
"Snooze all for an hour". Clicking the notification itself (the ``default``
action) does what Open does. A notification whose reminders were all done or
snoozed elsewhere (the panel, the tray menu) is taken away.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QSystemTrayIcon

from services.core.paths import resources_dir
from ui.shell.desktop_notifications import NotificationService

__all__ = ["NOTIFICATION_LINES", "NOTIFICATION_MS", "ReminderNotifier", "notification_text"]

log = logging.getLogger(__name__)

#: Reminders listed in a grouped notification's text.
NOTIFICATION_LINES = 4
#: How long a fallback message stays up where the desktop lets the app decide (ms).
NOTIFICATION_MS = 15_000
#: The longest text of the user's own reminder in a grouped notification (derived reminders
#: are shown whole: their deadline or time must never be cut off).
CUSTOM_LINE_CHARS = 160
#: The .desktop file's name without ".desktop" (packaging/linux/next-steps.desktop).
DESKTOP_ENTRY = "next-steps"
_NORMAL_URGENCY = 1
_AN_HOUR = "1 hour"
#: ``service`` not given: the session bus's notification service, where there is one.
SESSION_SERVICE = object()


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def notification_text(items: Sequence) -> tuple[str, str]:
    """The title and text of one notification for ``items`` (grouped when several: one line
    per reminder, with its whole text, for the first :data:`NOTIFICATION_LINES`)."""
    if len(items) == 1:
        return items[0].title, items[0].text
    lines = [f"• {item.title}: "
             + (_cut(item.text, CUSTOM_LINE_CHARS) if item.custom else " ".join(item.text.split()))
             for item in items[:NOTIFICATION_LINES]]
    if len(items) > NOTIFICATION_LINES:
        lines.append(f"and {len(items) - NOTIFICATION_LINES} more")
    return f"{len(items)} reminders", "\n".join(lines)


class Shown(NamedTuple):
    """What one notification is about: ``kind`` is ``"reminders"``, ``"missed"`` or
    ``"hint"``; ``items`` the reminders it names."""

    kind: str
    items: tuple = ()

    def actions(self) -> list[tuple[str, str]]:
        """The notification's actions as (key, label); ``default`` is a click on it."""
        if self.kind == "hint":
            return [("default", "Open Next Steps")]
        if self.kind == "missed":
            return [("default", "Show them"), ("open", "Show them"),
                    ("snooze", "Snooze all for an hour")]
        if len(self.items) == 1:
            return [("default", "Open"), ("open", "Open"), ("done", "Done"),
                    ("snooze", "Snooze 1 hour")]
        return [("default", "Open Next Steps"), ("open", "Open Next Steps"),
                ("snooze", "Snooze all for an hour")]


class ReminderNotifier(QObject):
    """Shows notifications for the tray and acts on what the user chooses in them.

    ``open_item(item)`` opens what a reminder is about, ``show_window()``
    brings the window up, ``show_missed()`` lists the reminders that came due
    while the app was closed. ``service`` is the notification service (default:
    the session bus's; None: always the tray icon's messages).
    """

    def __init__(self, icon: QSystemTrayIcon, scheduler, *, open_item: Callable[[object], None],
                 show_window: Callable[[], None], show_missed: Callable[[], None],
                 service=SESSION_SERVICE, parent: QObject | None = None) -> None:
        super().__init__(parent)

        self.icon = icon
        self.scheduler = scheduler
        self._open_item, self._show_window, self._show_missed = (open_item, show_window,
                                                                  show_missed)
        self.service = NotificationService.open(self) if service is SESSION_SERVICE else service
        self._waiting: list[tuple[str, str, Shown]] = []
        self._live: dict[int, Shown] = {}
        self._last_message: Shown | None = None
        icon.messageClicked.connect(self._message_clicked)
        scheduler.changed.connect(self._take_away_resolved)
        if self.service is not None:
            self.service.settled.connect(self._flush)
            self.service.action_invoked.connect(self._action_invoked)
            self.service.closed.connect(lambda nid, _reason: self._live.pop(nid, None))
            self.service.activation_token.connect(self._activation_token)
        self._token = ""

    # -- showing ----------------------------------------------------------------------------
    def notify(self, items: Sequence) -> None:
        """One notification for reminders that came due (grouped when several)."""
        if items:
            title, text = notification_text(items)
            self._show(title, text, Shown("reminders", tuple(items)))

    def notify_missed(self, items: Sequence) -> None:
        """One notification for the reminders that came due while the app was closed."""
        if not items:
            return
        count = len(items)
        title = ("1 reminder" if count == 1 else f"{count} reminders") + (
            " came due while Next Steps was closed")
        text = notification_text(items)[1] if count > 1 else items[0].text
        self._show(title, text, Shown("missed", tuple(items)))

    def say(self, title: str, text: str) -> None:
        """A notification that only informs (clicking it shows the window)."""
        self._show(title, text, Shown("hint"))

    @property
    def on_screen(self) -> list[int]:
        """The ids of the service's notifications sent and not yet closed."""
        return list(self._live)

    def shutdown(self) -> None:
        """Close the connection to the notification service."""
        if self.service is not None:
            self.service.shutdown()

    def _show(self, title: str, text: str, shown: Shown) -> None:
        service = self.service
        if service is not None and service.state == "waiting":
            self._waiting.append((title, text, shown))
        elif service is not None and service.state == "ready":
            markup = "body-markup" in service.capabilities
            body = html.escape(text, quote=False) if markup else text
            service.notify(title, body, shown.actions(), self._hints(), self._app_icon(),
                           lambda nid: self._live.__setitem__(nid, shown),
                           lambda: self._show_in_tray(title, text, shown))
        else:
            self._show_in_tray(title, text, shown)

    def _show_in_tray(self, title: str, text: str, shown: Shown) -> None:
        self._last_message = shown
        self.icon.showMessage(title, text, self.icon.icon(), NOTIFICATION_MS)

    def _flush(self, _ready: bool) -> None:
        waiting, self._waiting = self._waiting, []
        for title, text, shown in waiting:
            self._show(title, text, shown)

    @staticmethod
    def _hints() -> dict:
        return {"desktop-entry": ("s", DESKTOP_ENTRY), "urgency": ("y", _NORMAL_URGENCY)}

    @staticmethod
    def _app_icon() -> str:

        path = resources_dir() / "icons" / "hicolor" / "128x128" / "apps" / "next-steps.png"
        return QUrl.fromLocalFile(str(path)).toString() if path.is_file() else DESKTOP_ENTRY

    # -- acting -----------------------------------------------------------------------------
    def _message_clicked(self) -> None:
        if self._last_message is not None:
            self.act(self._last_message, "default")

    def _action_invoked(self, notification_id: int, key: str) -> None:
        shown = self._live.get(notification_id)
        if shown is None:
            return  # another application's notification, or one already handled
        if key in ("done", "snooze"):
            self._live.pop(notification_id, None)
        if self._token:  # lets the window come to the front on Wayland
            os.environ["XDG_ACTIVATION_TOKEN"] = self._token
        try:
            self.act(shown, key)
        finally:
            self._token = ""
            os.environ.pop("XDG_ACTIVATION_TOKEN", None)

    def _activation_token(self, notification_id: int, token: str) -> None:
        if notification_id in self._live:
            self._token = token

    def act(self, shown: Shown, key: str) -> None:
        """Do what action ``key`` of a notification about ``shown`` means."""
        ids = [item.id for item in shown.items]
        log.info("notification action %s on %s %s", key, shown.kind, ids)
        if key == "done" and ids:
            self.scheduler.done(ids)
        elif key == "snooze" and ids:
            self.scheduler.snooze_for(ids, _AN_HOUR)
        elif shown.kind == "missed":
            self._show_missed()
        elif shown.kind == "reminders" and len(shown.items) == 1:
            self._open_item(shown.items[0])
        else:
            self._show_window()

    def _take_away_resolved(self) -> None:
        """Close notifications whose reminders were all done or snoozed elsewhere."""
        if self.service is None or not any(shown.items for shown in self._live.values()):
            return
        left = {item.id for item in self.scheduler.outstanding()}
        for notification_id, shown in list(self._live.items()):
            if shown.items and not any(item.id in left for item in shown.items):
                self._live.pop(notification_id, None)
                self.service.close_notification(notification_id)
