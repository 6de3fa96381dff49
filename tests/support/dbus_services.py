"""A system tray and a notification daemon on the session bus, for tests (jeepney).

:class:`DesktopServices` owns ``org.kde.StatusNotifierWatcher`` (so Qt's
``QSystemTrayIcon.isSystemTrayAvailable()`` is true and the icon registers
itself as a StatusNotifierItem) and ``org.freedesktop.Notifications`` (so
``QSystemTrayIcon.showMessage()`` becomes a ``Notify`` call whose summary and
body the test can read; so do the app's own ``Notify`` calls, with their
actions, hints and icon)::

    with DesktopServices() as desktop:
        ...  # create the tray icon, show a message
        desktop.wait_for(lambda: desktop.notifications)
        desktop.click(desktop.notifications[-1].id)  # ActionInvoked "default"
        desktop.click(desktop.notifications[-1].id, "done", token="t1")  # a button

Like GNOME Shell's daemon (GDBus), it refuses a ``Notify`` whose argument
types are not ``susssasa{sv}i``. :meth:`DesktopServices.set_capabilities`
changes what ``GetCapabilities`` answers (e.g. ``body-markup``).

Run under ``dbus-run-session`` (``make test-xvfb`` does), so the bus and
everything on it ends with the test run. Qt asks the watcher once per
process whether a tray exists, so start the services before the first
``isSystemTrayAvailable()`` call and keep them running.

The services run in a child process (see :class:`DesktopServices` for why
not a thread): ``python tests/support/dbus_daemon.py serve``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jeepney import MessageType
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from tests.support.dbus_daemon import (
    CAPABILITIES,
    NOTIFICATIONS_NAME,
    NOTIFICATIONS_PATH,
    NOTIFY_SIGNATURE,
    WATCHER_NAME,
)

__all__ = ["CAPABILITIES", "NOTIFICATIONS_NAME", "NOTIFICATIONS_PATH", "NOTIFY_SIGNATURE",
           "WATCHER_NAME", "DesktopServices", "Notification"]

DAEMON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dbus_daemon.py")


@dataclass(frozen=True)
class Notification:
    """One ``Notify`` call as the daemon received it (``hints`` holds the hint names;
    ``hint_values`` maps each to its D-Bus signature and value, e.g. ``("y", 1)``)."""

    id: int
    app_name: str
    summary: str
    body: str
    actions: tuple[str, ...]
    hints: tuple[str, ...]
    timeout_ms: int
    sender: str
    hint_values: dict = field(default_factory=dict)
    app_icon: str = ""

    def action_pairs(self) -> list[tuple[str, str]]:
        """The actions as (key, label) pairs."""
        return list(zip(self.actions[::2], self.actions[1::2], strict=True))



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
    capabilities: list[str] = field(default_factory=lambda: list(CAPABILITIES))
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
            [sys.executable, DAEMON, "serve",
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

    def click(self, notification_id: int, action: str = "default", token: str = "") -> None:
        """Emit ``ActionInvoked(id, action)``, as a daemon does when the user clicks (after
        ``ActivationToken(id, token)`` when a token is given)."""
        self._command(f"click {int(notification_id)} {action}" + (f" {token}" if token else ""))

    def set_capabilities(self, capabilities) -> None:
        """What ``GetCapabilities`` answers from now on (default :data:`CAPABILITIES`);
        returns once the daemon has taken them."""
        wanted = list(capabilities)
        self._command("caps " + ",".join(wanted))
        self.wait_for(lambda: self.capabilities == wanted)

    def _command(self, line: str) -> None:
        if self._proc is None:
            raise RuntimeError("the services are not running")
        self._proc.stdin.write(line + "\n")
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
                    event["sender"],
                    {name: tuple(value) for name, value in event["hint_values"].items()},
                    event["app_icon"]))
            elif kind == "closed":
                self.closed.append(event["id"])
            elif kind == "caps":
                self.capabilities = list(event["capabilities"])
            elif kind == "error":
                self.errors.append(event["text"])

