"""Importing, on a worker thread, the modules the first seconds after the paint need.

The reminders' start (1.5 s after the first paint) imports what runs their pass in a child
process, and the mailbox's watcher its client; imported by the UI thread, such imports were
stalls of tens of milliseconds (a key typed then waited for them).
:func:`warm_up_imports` imports :data:`AFTER_PAINT_MODULES` on a daemon thread shortly
before (:data:`WARM_UP_AFTER_MS` after the paint, not at once: modules the first second
does not use would raise the start-up's memory peak), so the UI thread finds them loaded;
:data:`MAILBOX_MODULES` are imported the same way (:func:`import_all`) only once a mailbox
is set up (ui/mail/mailbox_start.py). Only modules that import no Qt are listed: PySide
builds its types lazily, and that is left to the UI thread (tests/shell/test_bench_probe.py
checks the lists).
"""

from __future__ import annotations

import importlib
import logging
import threading

__all__ = ["AFTER_PAINT_MODULES", "MAILBOX_MODULES", "WARM_UP_AFTER_MS", "import_all",
           "warm_up_imports"]

log = logging.getLogger(__name__)

#: When to start importing, counted from the first paint (ms): before the reminders start.
WARM_UP_AFTER_MS = 800
#: The modules, in the order the reminders' start needs them.
AFTER_PAINT_MODULES = (
    "subprocess", "json", "services.core.write_problems", "services.reminders.pass_answer",
    "services.reminders.pass_process",
)
#: The mailbox watcher's, imported only once a mailbox is set up (ui.mail.mailbox_start).
MAILBOX_MODULES = (
    "services.mail.imap.connection", "services.mail.imap.imap_account",
    "services.mail.imap.watcher", "services.mail.imap.pass_process",
    "services.mail.inbox.actions",
)


def import_all(modules: tuple[str, ...]) -> None:
    """Import ``modules`` here (a worker thread); a failure is left for the UI thread's own
    import to say."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the UI thread's own import will say what is wrong
            log.debug("warm-up import of %s failed", name, exc_info=True)


def warm_up_imports(modules: tuple[str, ...] = AFTER_PAINT_MODULES) -> threading.Thread:
    """Import ``modules`` on a daemon thread; return it. (Only modules that import no Qt:
    PySide builds its types lazily, and that is left to the UI thread.)"""
    thread = threading.Thread(target=lambda: import_all(modules), name="warm-up-imports",
                              daemon=True)
    thread.start()
    return thread
