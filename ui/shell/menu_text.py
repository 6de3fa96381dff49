"""Text the user typed, made safe for a menu entry.

Qt reads a single ``&`` in a menu entry as the mark of its keyboard shortcut
and hides it ("Harbor & Pine" shows as "Harbor  Pine"), so user text is
escaped with :func:`menu_text`. The tray icon's menu is published over D-Bus
(``com.canonical.dbusmenu``) where the desktop's tray is a StatusNotifier
host (KDE, GNOME with the AppIndicator extension, …); there ``_`` is the mark
and Qt turns the first ``&`` into ``_``, so ``_`` is doubled as well.
"""

from __future__ import annotations

__all__ = ["dbus_menus", "menu_text"]


def menu_text(text: str, dbus_menu: bool = False) -> str:
    """``text`` for a menu entry: ``&`` doubled; with ``dbus_menu``, ``_`` doubled too."""
    text = text.replace("&", "&&")
    return text.replace("_", "__") if dbus_menu else text


def dbus_menus() -> bool:
    """True when the tray is a StatusNotifier host, so Qt publishes the menu over D-Bus."""
    # QtDBus: only where the tray menu is published over D-Bus.
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    reply = bus.interface().isServiceRegistered("org.kde.StatusNotifierWatcher")
    return bool(reply.value()) if reply.isValid() else False
