"""A system tray and a notification daemon on the session bus, for tests (jeepney).

:class:`DesktopServices` owns ``org.kde.StatusNotifierWatcher`` (so Qt's
``QSystemTrayIcon.isSystemTrayAvailable()`` is true and the icon registers
itself as a StatusNotifierItem) and ``org.freedesktop.Notifications`` (so
``QSystemTrayIcon.showMessage()`` becomes a ``Notify`` call whose summary and
body the test can read)::

    with DesktopServices() as desktop:
        ...  # create the tray icon, show a message
        desktop.wait_for(lambda: desktop.notifications)
        desktop.click(desktop.notifications[-1].id)  # ActionInvoked "default"

Run under ``dbus-run-session`` (``make test-xvfb`` does), so the bus and
everything on it ends with the test run. Qt asks the watcher once per
process whether a tray exists, so start the services before the first
``isSystemTrayAvailable()`` call and keep them running.

The services run in a child process (see :class:`DesktopServices` for why
not a thread); ``python tests/dbus_services.py serve`` is that child.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Notification:
    """One ``Notify`` call as the daemon received it (``hints`` holds the hint names only)."""

    id: int
    app_name: str
    summary: str
    body: str
    actions: tuple[str, ...]
    hints: tuple[str, ...]
    timeout_ms: int
    sender: str


class _Server:
    """The watcher and the notification daemon on one bus connection (runs in the child)."""

    def __init__(self, report: Callable[[dict], None], *, notifications: bool = True) -> None:
        self.report = report
        self.items: list[str] = []
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
            app_name, replaces, _icon, summary, body, actions, hints, timeout = message.body
            notification_id = replaces or next(self._ids)
            self.report({"event": "notify", "id": notification_id, "app_name": app_name,
                         "summary": summary, "body": body, "actions": list(actions),
                         "hints": sorted(hints), "timeout_ms": timeout, "sender": sender})
            return new_method_return(message, "u", (notification_id,))
        if member == "CloseNotification":
            (notification_id,) = message.body
            self.report({"event": "closed", "id": notification_id})
            self.emit(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "NotificationClosed", "uu",
                      (notification_id, 3))
            return new_method_return(message)
        if member == "GetCapabilities":
            return new_method_return(message, "as", (["body", "actions", "icon-static"],))
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
                server.emit(NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "ActionInvoked", "us",
                            (int(parts[1]), parts[2] if len(parts) > 2 else "default"))
            elif parts and parts[0] == "stop":
                break
        server.stop()

    threading.Thread(target=commands, daemon=True).start()
    report({"event": "ready"})
    server.serve()
    return 0


@dataclass
class DesktopServices:
    """The watcher and the notification daemon, served by a child process.

    A thread in the test process would not do: PySide6 keeps Python's GIL
    during Qt's blocking D-Bus calls (``Notify`` is one), so a Python thread
    could never answer and Qt would wait for its 25-second D-Bus timeout.
    The child reports what it sees as JSON lines, read here by a thread into
    :attr:`items`, :attr:`notifications`, :attr:`closed` and :attr:`calls`.
    """

    items: list[str] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: False: only the watcher (a real notification daemon, e.g. dunst, shows the messages).
    own_notifications: bool = True

    def __post_init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()

    # -- life -------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> DesktopServices:
        """Start the child, wait until it owns both names."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            raise RuntimeError("no D-Bus session: run the tests under dbus-run-session")
        self._proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "serve",
             *([] if self.own_notifications else ["--watcher-only"])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self._reader = threading.Thread(target=self._read, name="test-desktop-events",
                                        daemon=True)
        self._reader.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"the test D-Bus services did not start: {self.errors}")
        return self

    def stop(self) -> None:
        """Stop the child (its names go with its connection) and wait for it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.write("stop\n")
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
        proc.stdout.close()

    def __enter__(self) -> DesktopServices:
        """Start and return the services."""
        return self.start()

    def __exit__(self, *exc_info) -> None:
        """Stop the services."""
        self.stop()

    # -- what tests use ---------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0,
                 pump: Callable[[], None] | None = None) -> None:
        """Wait until ``predicate()`` is true, calling ``pump()`` (e.g. Qt's processEvents)
        meanwhile; raise AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s; D-Bus calls seen: "
                                     f"{self.calls[-20:]}; errors: {self.errors}")
            if pump is not None:
                pump()
            time.sleep(0.01)

    def pid_of(self, bus_name: str) -> int | None:
        """The process id behind a bus name (asked of the bus itself); None once it is gone."""
        with open_dbus_connection(bus="SESSION") as conn:
            reply = conn.send_and_get_reply(
                message_bus.GetConnectionUnixProcessID(bus_name), timeout=5)
        if reply.header.message_type == MessageType.error:
            return None
        return int(reply.body[0])

    def click(self, notification_id: int, action: str = "default") -> None:
        """Emit ``ActionInvoked(id, action)``, as a daemon does when the user clicks."""
        if self._proc is None:
            raise RuntimeError("the services are not running")
        self._proc.stdin.write(f"click {int(notification_id)} {action}\n")
        self._proc.stdin.flush()

    # -- events -----------------------------------------------------------------------------
    def _read(self) -> None:
        for line in self._proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                self.errors.append(line.strip())
                continue
            kind = event.pop("event", "")
            if kind == "ready":
                self._ready.set()
            elif kind == "call":
                self.calls.append((event["path"], event["member"]))
            elif kind == "item":
                self.items.append(event["item"])
            elif kind == "notify":
                self.notifications.append(Notification(
                    event["id"], event["app_name"], event["summary"], event["body"],
                    tuple(event["actions"]), tuple(event["hints"]), event["timeout_ms"],
                    event["sender"]))
            elif kind == "closed":
                self.closed.append(event["id"])
            elif kind == "error":
                self.errors.append(event["text"])


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        sys.exit(_child_main())
    sys.exit("usage: python tests/dbus_services.py serve [--watcher-only]  "
             "(started by DesktopServices)")
