"""The open database, for services: the one helper that reaches it, binds one for the
command line, and closes and reopens it around a restore.

The window opens the data once (:func:`services.core.store.open_store`) and every
model is bound to that connection (``models.base.database_proxy``). Services that
run SQL of their own call :func:`database`; code that may run without a window
(the command line's import and export) wraps its work in :func:`bound`; the
Data page's restore calls :func:`close` before it swaps the file and
:func:`reopen` when the swap failed.

peewee is imported inside the functions: the calendar, which reads through
:func:`database`, can be the first view painted, and nothing before the first
paint may load the ORM.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)


def database():
    """The models' database (a ``peewee.DatabaseProxy`` bound to the open file)."""
    # peewee: not before the first paint (see the module's docstring).
    from models.base import database_proxy

    return database_proxy


def is_open() -> bool:
    """True when a database is bound and connected."""
    db = database().obj
    return db is not None and not db.is_closed()


@contextlib.contextmanager
def bound(paths) -> Iterator[None]:
    """The database of ``paths`` bound for the duration: the one already open (the
    window's), or opened here and closed afterwards (the command line)."""
    if is_open():
        yield
        return
    # store: opening the data imports the schema and migrations, which only this path needs.
    from services.core.store import open_store

    store = open_store(paths)
    try:
        yield
    finally:
        store.close()


def close() -> None:
    """Close the open database (before its file is replaced by a restore)."""
    # models.database: the ORM's connection helpers (see the module's docstring).
    from models import database as orm

    orm.close()


def reopen() -> bool:
    """Connect the bound database again after a restore failed before the swap; False when
    that failed too (the app must restart, which the caller says)."""
    db = database().obj
    if db is None or not db.is_closed():
        return db is not None
    try:
        db.connect()
    except Exception as exc:  # any failure means a restart; the caller says so
        log.warning("could not reopen the database", exc_info=exc)
        return False
    return True


@contextlib.contextmanager
def thread_connection() -> Iterator[None]:
    """Make sure this thread has its own open database connection; close it afterwards if
    it was opened here (peewee keeps one connection per thread, and the data is opened
    without autoconnect)."""
    db = database().obj
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()
