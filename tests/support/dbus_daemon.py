"""The test desktop's D-Bus services themselves, run in a child process by
:class:`tests.support.dbus_services.DesktopServices`
(``python tests/support/dbus_daemon.py serve``).

The watcher (``org.kde.StatusNotifierWatcher``) and the notification daemon
(``org.freedesktop.Notifications``) answer on one bus connection; what they
see is reported on standard output as JSON lines, and commands come on
standard input (``click ID ACTION [TOKEN]``, ``caps A,B,C``, ``stop``). Like
GNOME Shell's daemon (GDBus), ``Notify`` is refused unless its arguments are
``susssasa{sv}i``.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
from collections.abc import Callable

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

WATCHER_NAME = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"

_DOCTYPE = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
"""
_WATCHER_XML = _DOCTYPE + f"""<node>
  <interface name="{WATCHER_NAME}">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
  <interface name="{PROPERTIES}">
    <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="v" direction="out"/></method>
    <method name="GetAll"><arg type="s" direction="in"/><arg type="a{{sv}}" direction="out"/>
    </method>
  </interface>
  <interface name="{INTROSPECTABLE}">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
</node>
"""

_NOTIFICATIONS_XML = _DOCTYPE + f"""<node>
  <interface name="{NOTIFICATIONS_NAME}">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{{sv}}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
  <interface name="{INTROSPECTABLE}">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
</node>
"""


NOTIFY_SIGNATURE = "susssasa{sv}i"
#: What GetCapabilities answers until a test changes it.
CAPABILITIES = ("body", "actions", "icon-static")


class _Server:
    """The watcher and the notification daemon on one bus connection (runs in the child)."""

    def __init__(self, report: Callable[[dict], None], *, notifications: bool = True) -> None:
        self.report = report
        self.items: list[str] = []
        self.capabilities = list(CAPABILITIES)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._outbox: list = []
        self._stop = threading.Event()
        self.conn = open_dbus_connection(bus="SESSION")
        for name in (WATCHER_NAME, NOTIFICATIONS_NAME) if notifications else (WATCHER_NAME,):
            reply = self.conn.send_and_get_reply(message_bus.RequestName(name, 4), timeout=5)
            if reply.body[0] not in (1, 4):  # primary owner, or already owner
                raise RuntimeError(f"could not own {name} on the session bus ({reply.body[0]})")

    def emit(self, path: str, interface: str, member: str, signature: str | None = None,
             body: tuple = ()) -> None:
        """Queue a signal; the serving loop sends it."""
        message = new_signal(DBusAddress(path, interface=interface), member, signature, body)
        with self._lock:
            self._outbox.append(message)

    def stop(self) -> None:
        """Make :meth:`serve` return."""
        self._stop.set()

    def serve(self) -> None:
        """Answer method calls until :meth:`stop`."""
        conn = self.conn
        while not self._stop.is_set():
            with self._lock:
                outbox, self._outbox = self._outbox, []
            for message in outbox:
                conn.send(message)
            try:
                message = conn.receive(timeout=0.02)
            except TimeoutError:
                continue
            if message.header.message_type != MessageType.method_call:
                continue
            try:
                reply = self._answer(message)
            except Exception as exc:  # reported to the caller as a D-Bus error
                self.report({"event": "error", "text": repr(exc)})
                reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s",
                                  (repr(exc),))
            if reply is not None:
                conn.send(reply)
        conn.close()

    def _answer(self, message):
        fields = message.header.fields
        path = fields.get(HeaderFields.path, "")
        interface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        sender = fields.get(HeaderFields.sender, "")
        self.report({"event": "call", "path": path, "member": f"{interface}.{member}"})
        if interface == PEER or member == "Ping":
            return new_method_return(message)
        if member == "Introspect":
            xml = {WATCHER_PATH: _WATCHER_XML, NOTIFICATIONS_PATH: _NOTIFICATIONS_XML}.get(
                path, "<node/>")
            return new_method_return(message, "s", (xml,))
        if path == WATCHER_PATH:
            return self._watcher(message, interface, member, sender)
        if path == NOTIFICATIONS_PATH:
            return self._notifications(message, member, sender)
        return new_error(message, "org.freedesktop.DBus.Error.UnknownObject", "s",
                         (f"no object at {path}",))

    def _watcher_properties(self) -> dict:
        return {
            "RegisteredStatusNotifierItems": ("as", list(self.items)),
            "IsStatusNotifierHostRegistered": ("b", True),
            "ProtocolVersion": ("i", 0),
        }

    def _watcher(self, message, interface: str, member: str, sender: str):
        if interface == PROPERTIES and member == "Get":
            _iface, name = message.body
            props = self._watcher_properties()
            if name not in props:
                return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty", "s",
                                 (name,))
            return new_method_return(message, "v", (props[name],))
        if interface == PROPERTIES and member == "GetAll":
            return new_method_return(message, "a{sv}", (self._watcher_properties(),))
        if member == "RegisterStatusNotifierItem":
            (service,) = message.body
            # An item may pass its bus name or an object path (then the sender is the name).
            item = service if not service.startswith("/") else f"{sender}{service}"
            self.items.append(item)
            self.report({"event": "item", "item": item, "sender": sender})
            self.emit(WATCHER_PATH, WATCHER_NAME, "StatusNotifierItemRegistered", "s", (item,))
            return new_method_return(message)
        if member == "RegisterStatusNotifierHost":
            self.emit(WATCHER_PATH, WATCHER_NAME, "StatusNotifierHostRegistered")
            return new_method_return(message)
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                         (f"{interface}.{member}",))

    def _notifications(self, message, member: str, sender: str):
        if member == "Notify":
            signature = message.header.fields.get(HeaderFields.signature, "")
            if signature != NOTIFY_SIGNATURE:  # what a GDBus-based daemon answers
                return new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s",
                                 (f"Type of message, '({signature})', does not match expected "
                                  f"type '({NOTIFY_SIGNATURE})'",))
            app_name, replaces, icon, summary, body, actions, hints, timeout = message.body
            notification_id = replaces or next(self._ids)
            values = {name: [sig, value if isinstance(value, (str, int, float, bool))
                             else repr(value)] for name, (sig, value) in hints.items()}
            self.report({"event": "notify", "id": notification_id, "app_name": app_name,
                         "summary": summary, "body": body, "actions": list(actions),
                         "hints": sorted(hints), "timeout_ms": timeout, "sender": sender,
                         "hint_values": values, "app_icon": icon})
            return new_method_return(message, "u", (notification_id,))
        if member == "CloseNotification":
            (notification_id,) = message.body
            self.report({"event": "closed", "id": notification_id})
            self.emit(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "NotificationClosed", "uu",
                      (notification_id, 3))
            return new_method_return(message)
        if member == "GetCapabilities":
            return new_method_return(message, "as", (list(self.capabilities),))
        if member == "GetServerInformation":
            return new_method_return(message, "ssss",
                                     ("next-steps-tests", "Next Steps", "1.0", "1.2"))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))


def _child_main() -> int:
    """The child process: serve, report events as JSON lines, obey commands on stdin."""
    out_lock = threading.Lock()

    def report(event: dict) -> None:
        with out_lock:
            sys.stdout.write(json.dumps(event) + "\n")
            sys.stdout.flush()

    server = _Server(report, notifications="--watcher-only" not in sys.argv)

    def commands() -> None:
        for line in sys.stdin:
            parts = line.split()
            if parts and parts[0] == "click":
                if len(parts) > 3:  # the activation token comes first (spec 1.2)
                    server.emit(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "ActivationToken", "us",
                                (int(parts[1]), parts[3]))
                server.emit(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "ActionInvoked", "us",
                            (int(parts[1]), parts[2] if len(parts) > 2 else "default"))
            elif parts and parts[0] == "caps":
                server.capabilities = parts[1].split(",") if len(parts) > 1 else []
                report({"event": "caps", "capabilities": server.capabilities})
            elif parts and parts[0] == "stop":
                break
        server.stop()

    threading.Thread(target=commands, daemon=True).start()
    report({"event": "ready"})
    server.serve()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        sys.exit(_child_main())
    sys.exit("usage: python tests/support/dbus_daemon.py serve [--watcher-only]  "
             "(started by tests.support.dbus_services.DesktopServices)")
