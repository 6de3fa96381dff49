"""A small AT-SPI client for tests: what a screen reader reads of a running Qt app (jeepney).

It talks to the accessibility bus the way Orca does: asks the session bus
(``org.a11y.Bus``) for the accessibility bus's address, finds the application
among the registry's children, and walks its tree of accessible objects:
role, name, description, text, actions, relations and states. Actions can be
run (``do_action``), and editable text set (``set_text``), as a screen
reader's user would through them.

The app must run with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` on a real X
server (Xvfb) in the same D-Bus session (``dbus-run-session``); the session
bus starts the accessibility bus (Debian's ``at-spi2-core``) on first use.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from jeepney import DBusAddress, DBusErrorResponse, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

ACCESSIBLE = "org.a11y.atspi.Accessible"
ACTION = "org.a11y.atspi.Action"
TEXT = "org.a11y.atspi.Text"
EDITABLE_TEXT = "org.a11y.atspi.EditableText"
SELECTION = "org.a11y.atspi.Selection"
PROPERTIES = "org.freedesktop.DBus.Properties"
REGISTRY = ("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root")
DEVICE_EVENT_CONTROLLER = ("org.a11y.atspi.Registry",
                           "/org/a11y/atspi/registry/deviceeventcontroller",
                           "org.a11y.atspi.DeviceEventController")
#: GenerateKeyboardEvent's type for "press and release this keysym".
KEY_SYM = 3

#: AT-SPI relation type 2: this object is labelled by the target.
RELATION_LABELLED_BY = 2
#: AT-SPI state bits used by the tests.
STATE_EXPANDED = 10
STATE_SHOWING = 25


@dataclass
class Node:
    """One accessible object as the screen reader reads it."""

    bus: str
    path: str
    role: int
    role_name: str
    name: str
    description: str
    interfaces: list[str]
    text: str | None
    actions: list[str]
    labelled_by: list[str]
    states: set[int]
    children: list[Node] = field(default_factory=list)

    @property
    def showing(self) -> bool:
        """True when the object is on screen."""
        return STATE_SHOWING in self.states

    def walk(self) -> Iterator[Node]:
        """This node and every node below it."""
        yield self
        for child in self.children:
            yield from child.walk()

    def as_dict(self) -> dict:
        """The node without its children, for messages."""
        return {"role": self.role_name, "name": self.name, "description": self.description,
                "text": self.text, "actions": self.actions, "labelled_by": self.labelled_by}


class AtspiClient:
    """A connection to the accessibility bus, reading one application's tree."""

    def __init__(self) -> None:
        session = open_dbus_connection("SESSION")
        try:
            bus = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus")
            (address,) = session.send_and_get_reply(new_method_call(bus, "GetAddress")).body
        finally:
            session.close()
        self.conn = open_dbus_connection(address)
        self.conn.send_and_get_reply(new_method_call(
            DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                        interface="org.freedesktop.DBus"), "Hello"))

    def close(self) -> None:
        """Leave the accessibility bus."""
        self.conn.close()

    def __enter__(self) -> AtspiClient:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- raw calls --------------------------------------------------------------------
    def call(self, bus: str, path: str, interface: str, method: str,
             signature: str | None = None, body: tuple = ()):
        """One method call; returns the reply's body. An error reply (the object went away
        while the tree was read) raises DBusErrorResponse, as it would from a proxy."""
        address = DBusAddress(path, bus_name=bus, interface=interface)
        reply = self.conn.send_and_get_reply(
            new_method_call(address, method, signature, body), timeout=10)
        if reply.header.message_type == MessageType.error:
            raise DBusErrorResponse(reply)
        return reply.body

    def prop(self, bus: str, path: str, interface: str, name: str):
        """One property's value."""
        ((_sig, value),) = self.call(bus, path, PROPERTIES, "Get", "ss", (interface, name))
        return value

    # -- applications -------------------------------------------------------------------
    def applications(self) -> list[tuple[str, str, str]]:
        """(bus, path, name) of every application registered on the bus."""
        found = []
        for bus, path in self.call(*REGISTRY, ACCESSIBLE, "GetChildren")[0]:
            try:
                found.append((bus, path, self.prop(bus, path, ACCESSIBLE, "Name")))
            except DBusErrorResponse:
                continue
        return found

    def wait_for_application(self, name: str, timeout: float = 30.0) -> tuple[str, str]:
        """(bus, path) of the application called ``name``, once it is registered."""
        deadline = time.monotonic() + timeout
        while True:
            for bus, path, app_name in self.applications():
                if app_name == name:
                    return bus, path
            if time.monotonic() > deadline:
                raise AssertionError(f"no application {name!r} on the accessibility bus: "
                                     f"{self.applications()}")
            time.sleep(0.2)

    # -- reading --------------------------------------------------------------------------
    def node(self, bus: str, path: str, depth: int = 60,
             prune: Callable[[Node], bool] | None = None) -> Node:
        """The object at ``path`` and (to ``depth`` levels) its children; a node for which
        ``prune`` is true is read without its children (long tables)."""
        interfaces = list(self.call(bus, path, ACCESSIBLE, "GetInterfaces")[0])
        role = self.call(bus, path, ACCESSIBLE, "GetRole")[0]
        node = Node(
            bus=bus, path=path, role=role,
            role_name=self.call(bus, path, ACCESSIBLE, "GetRoleName")[0],
            name=self.prop(bus, path, ACCESSIBLE, "Name"),
            description=self.prop(bus, path, ACCESSIBLE, "Description"),
            interfaces=interfaces,
            text=self._text(bus, path) if TEXT in interfaces else None,
            actions=[a[0] for a in self.call(bus, path, ACTION, "GetActions")[0]]
            if ACTION in interfaces else [],
            labelled_by=self._labels(bus, path),
            states=self._states(bus, path),
        )
        if depth > 0 and not (prune and prune(node)):
            for child_bus, child_path in self.call(bus, path, ACCESSIBLE, "GetChildren")[0]:
                if child_path == "/org/a11y/atspi/null":
                    continue
                try:
                    node.children.append(self.node(child_bus, child_path, depth - 1, prune))
                except DBusErrorResponse:
                    continue  # the object went away while we read
        return node

    def _text(self, bus: str, path: str) -> str:
        count = self.prop(bus, path, TEXT, "CharacterCount")
        return self.call(bus, path, TEXT, "GetText", "ii", (0, count))[0]

    def _labels(self, bus: str, path: str) -> list[str]:
        names = []
        for kind, targets in self.call(bus, path, ACCESSIBLE, "GetRelationSet")[0]:
            if kind == RELATION_LABELLED_BY:
                for target_bus, target_path in targets:
                    names.append(self.prop(target_bus, target_path, ACCESSIBLE, "Name"))
        return names

    def _states(self, bus: str, path: str) -> set[int]:
        words = self.call(bus, path, ACCESSIBLE, "GetState")[0]
        return {bit + 32 * n for n, word in enumerate(words) for bit in range(32)
                if word & (1 << bit)}

    # -- acting -------------------------------------------------------------------------
    def do_action(self, node: Node, action: str) -> None:
        """Run ``node``'s action called ``action`` (as listed in ``node.actions``)."""
        self.call(node.bus, node.path, ACTION, "DoAction", "i", (node.actions.index(action),))

    def key(self, keysym: int) -> None:
        """Press and release the key ``keysym`` (an X keysym), as the keyboard would: the
        registry's device event controller sends it to the focused window."""
        self.call(*DEVICE_EVENT_CONTROLLER, "GenerateKeyboardEvent", "isu",
                  (keysym, "", KEY_SYM))

    def set_text(self, node: Node, text: str) -> None:
        """Replace the text of an editable field."""
        self.call(node.bus, node.path, EDITABLE_TEXT, "SetTextContents", "s", (text,))

    def select_child(self, node: Node, index: int) -> None:
        """Select the ``index``-th child of a list or tab bar (Selection interface)."""
        self.call(node.bus, node.path, SELECTION, "SelectChild", "i", (index,))


def _dump(node: Node, depth: int = 0) -> Iterator[dict]:
    yield {"depth": depth, **node.as_dict()}
    for child in node.children:
        yield from _dump(child, depth + 1)


if __name__ == "__main__":
    # python tests/support/atspi_client.py "Next Steps": the app's tree as JSON lines, one per
    # object.
    import json
    import sys

    with AtspiClient() as client:
        found = client.wait_for_application(sys.argv[1] if len(sys.argv) > 1 else "Next Steps")
        for entry in _dump(client.node(*found)):
            print(json.dumps(entry, ensure_ascii=False))
