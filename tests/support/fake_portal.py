"""A desktop portal that answers the appearance settings, for tests (jeepney).

Qt's ``xdgdesktopportal`` platform theme asks ``org.freedesktop.portal.Desktop``
for ``org.freedesktop.appearance`` → ``color-scheme`` at start-up (1 means the
user prefers dark); on GNOME that is the only way Qt learns it. Run::

    python tests/support/fake_portal.py dark|light|none

on a private session bus (``dbus-run-session``): it owns the portal's name,
prints ``ready`` once it does, and answers ``Settings.ReadAll``, ``Read`` and
``ReadOne`` (and the portals' ``version`` property) until killed.
"""

from __future__ import annotations

import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
SETTINGS = "org.freedesktop.portal.Settings"
APPEARANCE = "org.freedesktop.appearance"
#: The portal's values for color-scheme.
SCHEMES = {"none": 0, "dark": 1, "light": 2}


def serve(scheme: int) -> None:
    """Own the portal's name and answer until killed."""
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(NAME, 4), timeout=5)
    if reply.body[0] not in (1, 4):
        raise SystemExit(f"could not own {NAME} ({reply.body[0]})")
    print("ready", flush=True)
    settings = {APPEARANCE: {"color-scheme": ("u", scheme), "contrast": ("u", 0)}}
    while True:
        try:
            message = conn.receive()
        except ConnectionError:  # the bus went away: the test session is over
            return
        if message.header.message_type != MessageType.method_call:
            continue
        fields = message.header.fields
        interface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        if interface == SETTINGS and member == "ReadAll":
            (namespaces,) = message.body
            chosen = {ns: values for ns, values in settings.items()
                      if not namespaces or ns in namespaces}
            conn.send(new_method_return(message, "a{sa{sv}}", (chosen,)))
        elif interface == SETTINGS and member in ("Read", "ReadOne"):
            namespace, key = message.body
            value = settings.get(namespace, {}).get(key)
            if value is None:
                conn.send(new_error(message, "org.freedesktop.portal.Error.NotFound", "s",
                                    (f"{namespace} {key}",)))
            elif member == "Read":  # the old call wraps the value in one more variant
                conn.send(new_method_return(message, "v", (("v", value),)))
            else:
                conn.send(new_method_return(message, "v", (value,)))
        elif interface == "org.freedesktop.DBus.Properties" and member == "Get":
            conn.send(new_method_return(message, "v", (("u", 2),)))  # each portal's version
        else:
            conn.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                                (f"{interface}.{member}",)))


if __name__ == "__main__":
    serve(SCHEMES[sys.argv[1]])
