"""Starting the window's mailbox watcher once a mailbox is set up.

The start-up (:class:`ui.shell.app.Startup`) calls :func:`watch_when_set_up` once
reminders run. With a mailbox saved it imports the watcher's modules on a worker
(:data:`ui.shell.warm_up.MAILBOX_MODULES`: imported by the UI thread they were a
stall) and then starts the watcher; without one it only leaves
``window.start_mailbox_watch``, which Settings → Email account calls when a mailbox
is saved (:class:`ui.shell.settings_view.SettingsView`). Until then none of the
watcher's modules is imported (IMAP, TLS, email parsing, the keyring: about 11 MB at
rest for nothing), nor the ORM: the setting is read through a plain connection.
"""

from __future__ import annotations

import sqlite3

from services.core import settings
from services.core.snapshot import connect_for_reading
from ui.shell.tasks import run_in_background
from ui.shell.warm_up import MAILBOX_MODULES, import_all

__all__ = ["watch_when_set_up"]


def watch_when_set_up(window) -> None:
    """Start ``window``'s mailbox watcher soon if a mailbox is saved, or when one is."""
    window.start_mailbox_watch = lambda: _start(window)
    if _mailbox_saved(window):
        run_in_background(lambda: import_all(MAILBOX_MODULES), lambda _none: _start(window))


def _mailbox_saved(window) -> bool:
    """True when the data of ``window`` holds a mailbox (its ``imap.host``)."""
    try:
        con = connect_for_reading(window.paths)
    except sqlite3.Error:
        return False
    try:
        return bool(settings.read_from(con, "imap.host"))
    finally:
        con.close()


def _start(window) -> None:
    # The watcher's modules: only once there is a mailbox to watch.
    from ui.mail.mailbox_watch import MailboxWatch

    if window.mailbox_watch is None:
        window.mailbox_watch = MailboxWatch(window)
        window.mailbox_watch.start()
