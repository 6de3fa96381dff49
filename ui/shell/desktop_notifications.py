"""The desktop's notification service (``org.freedesktop.Notifications``) over the session bus.

Qt's :meth:`QSystemTrayIcon.showMessage` cannot send buttons (actions) nor
hints, so reminders are notified here with a ``Notify`` call of their own,
and the service's ``ActionInvoked``, ``NotificationClosed`` and
``ActivationToken`` signals come back as Qt signals.

Why jeepney and not QtDBus: PySide6 turns every Python int into a D-Bus
``int32`` and has no way to write the ``uint32`` that ``Notify``'s
``replaces_id`` needs nor the byte of the ``urgency`` hint; services built
on GDBus (GNOME Shell, xfce4-notifyd) refuse a call whose types differ.
jeepney writes exact types; keyring already depends on it on Linux.

Nothing here blocks the event loop once connected: replies and signals are
read when the bus socket is readable (:class:`QSocketNotifier`). Opening the
connection (authentication and ``Hello``) takes under a millisecond on a
local socket, with jeepney's one-second limit on authentication.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

__all__ = ["NOTIFICATIONS_NAME", "NOTIFICATIONS_PATH", "NotificationService"]

log = logging.getLogger(__name__)

NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
#: How long the service may take to answer ``GetCapabilities`` (a daemon started by D-Bus
#: activation) before notifications fall back to the tray icon's own messages (ms).
ANSWER_MS = 3000


class NotificationService(QObject):
    """One connection to the notification service; :meth:`open` returns None without a bus.

    :attr:`state` is ``"waiting"`` until the service answers ``GetCapabilities``,
    then ``"ready"`` (:attr:`capabilities` holds its answer) or ``"missing"``
    (no such service, no answer within :data:`ANSWER_MS`, or the bus went
    away); :attr:`settled` is emitted with True or False when that is known.
    """

    settled = Signal(bool)
    action_invoked = Signal(int, str)
    closed = Signal(int, int)
    activation_token = Signal(int, str)

    @classmethod
    def open(cls, parent: QObject | None = None) -> NotificationService | None:
        """Connect to the session bus; None where there is none (Windows, macOS, no session)."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return None
        try:
            # jeepney: only where a D-Bus session bus exists (Linux desktops).
            from jeepney.io.blocking import open_dbus_connection

            connection = open_dbus_connection(bus="SESSION")
        except Exception as exc:  # no jeepney, no bus, a refused or slow socket
            log.info("no session bus for notifications: %s", exc)
            return None
        return cls(connection, parent)

    def __init__(self, connection, parent: QObject | None = None) -> None:
        """Take over ``connection`` (a connected jeepney ``DBusConnection``)."""
        super().__init__(parent)
        self._connection = connection
        self._replies: dict[int, tuple[Callable, Callable | None]] = {}
        self.state = "waiting"
        self.capabilities: frozenset[str] = frozenset()
        self._reader = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._reader.activated.connect(self._read)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._settle(False, "no answer"))
        self._timer.start(ANSWER_MS)
        self._subscribe()
        self._call("GetCapabilities", None, (), self._got_capabilities,
                   lambda _message: self._settle(False, "no notification service"))
        QTimer.singleShot(0, self, self._drain)  # what arrived with the answer to Hello

    # -- calls ------------------------------------------------------------------------------
    def notify(self, summary: str, body: str, actions: Sequence[tuple[str, str]],
               hints: dict, app_icon: str, on_shown: Callable[[int], None],
               on_failed: Callable[[], None]) -> None:
        """Send ``Notify``; ``on_shown(id)`` with the service's id, or ``on_failed()``."""
        flat = [part for pair in actions for part in pair]
        self._call("Notify", "susssasa{sv}i",
                   ("Next Steps", 0, app_icon, summary, body, flat, hints, -1),
                   lambda message: on_shown(int(message.body[0])), lambda _m: on_failed())

    def close_notification(self, notification_id: int) -> None:
        """Ask the service to take a notification away."""
        self._call("CloseNotification", "u", (int(notification_id),), lambda _m: None)

    def shutdown(self) -> None:
        """Close the connection (nothing is sent or received after this)."""
        self._timer.stop()
        self._reader.setEnabled(False)
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.state = "missing"

    # -- plumbing ---------------------------------------------------------------------------
    def _subscribe(self) -> None:
        # jeepney: only where a D-Bus session bus exists (Linux desktops).
        from jeepney import MatchRule, message_bus

        rule = MatchRule(type="signal", sender=NOTIFICATIONS_NAME, interface=NOTIFICATIONS_NAME,
                         path=NOTIFICATIONS_PATH)
        self._send(message_bus.AddMatch(rule), lambda _m: None)

    def _call(self, method: str, signature: str | None, body: tuple, on_reply: Callable,
              on_error: Callable | None = None) -> None:
        # jeepney: only where a D-Bus session bus exists (Linux desktops).
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS_NAME,
                              interface=NOTIFICATIONS_NAME)
        self._send(new_method_call(address, method, signature, body), on_reply, on_error)

    def _send(self, message, on_reply: Callable, on_error: Callable | None = None) -> None:
        connection = self._connection
        if connection is None:
            if on_error is not None:
                on_error(None)
            return
        serial = next(connection.outgoing_serial)
        self._replies[serial] = (on_reply, on_error)
        try:
            connection.send(message, serial=serial)
        except OSError as exc:
            self._replies.pop(serial, None)
            self._lost(exc)
            if on_error is not None:
                on_error(None)

    def _read(self, *_args) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            data = connection.sock.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError as exc:
            self._lost(exc)
            return
        if not data:
            self._lost(EOFError("the bus closed the connection"))
            return
        connection.parser.add_data(data)
        self._drain()

    def _drain(self) -> None:
        while self._connection is not None:
            message = self._connection.parser.get_next_message()
            if message is None:
                return
            self._dispatch(message)

    def _dispatch(self, message) -> None:
        # jeepney: only where a D-Bus session bus exists (Linux desktops).
        from jeepney import HeaderFields, MessageType

        fields = message.header.fields
        kind = message.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            on_reply, on_error = self._replies.pop(fields.get(HeaderFields.reply_serial, -1),
                                                   (None, None))
            handler = on_reply if kind == MessageType.method_return else on_error
            if handler is not None:
                handler(message)
            return
        if kind != MessageType.signal or fields.get(HeaderFields.interface) != NOTIFICATIONS_NAME:
            return
        member = fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            self.action_invoked.emit(int(message.body[0]), str(message.body[1]))
        elif member == "NotificationClosed":
            self.closed.emit(int(message.body[0]), int(message.body[1]))
        elif member == "ActivationToken":
            self.activation_token.emit(int(message.body[0]), str(message.body[1]))

    def _got_capabilities(self, message) -> None:
        self.capabilities = frozenset(str(cap) for cap in message.body[0])
        self._settle(True, ", ".join(sorted(self.capabilities)))

    def _settle(self, ready: bool, detail: str) -> None:
        self._timer.stop()
        state = "ready" if ready else "missing"
        if state == self.state:
            return
        self.state = state
        log.info("desktop notifications %s (%s)", "ready" if ready else "unavailable", detail)
        self.settled.emit(ready)

    def _lost(self, exc: BaseException) -> None:
        log.warning("lost the session bus: %s", exc)
        self._reader.setEnabled(False)
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self._settle(False, "the bus went away")
