"""Opening the SQLite database: pragmas, integrity check and schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee

from models.base import database_proxy
from models.sqlite_files import is_corruption_error

#: Set on every connection. WAL mode is written into the file itself, so it is
#: switched on by :func:`use_wal` only once the file is known to be ours.
PRAGMAS = (
    ("foreign_keys", 1),
    ("busy_timeout", 5000),
    ("synchronous", "full"),
)


class DatabaseOpenError(Exception):
    """The database file could not be opened as an SQLite database."""


def make_database(path: Path | str) -> peewee.SqliteDatabase:
    """A peewee database for ``path`` with the app's pragmas, not yet connected."""
    return peewee.SqliteDatabase(str(path), pragmas=PRAGMAS, autoconnect=False)


def connect(path: Path | str) -> peewee.SqliteDatabase:
    """Open ``path`` with foreign keys on and bind every model to it (see :func:`use_wal`)."""
    db = make_database(path)
    try:
        db.connect()
        # Reading the schema forces SQLite to look at the file's header.
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        if not db.is_closed():
            db.close()
        raise DatabaseOpenError(str(exc)) from exc
    database_proxy.initialize(db)
    return db


def use_wal(db: peewee.SqliteDatabase) -> None:
    """Switch the file to WAL mode (a change written into its header, so call it after checks)."""
    db.execute_sql("PRAGMA journal_mode = wal").fetchone()


def close() -> None:
    """Close the bound database, checkpointing its WAL."""
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


def integrity_problems(db: peewee.SqliteDatabase, *, quick: bool = False) -> list[str]:
    """What ``PRAGMA integrity_check`` (or ``quick_check``) reports; empty when sound.

    An error that does not mean damage (the file is locked, the disk is full or
    failing) is raised rather than reported as a problem of the file.
    """
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = db.execute_sql(f"PRAGMA {pragma}").fetchall()
    except (peewee.DatabaseError, sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if not is_corruption_error(exc):
            raise  # locked, full, unreadable: a reason to say, not damage
        return [str(exc)]
    messages = [row[0] for row in rows]
    return [] if messages == ["ok"] else messages


def schema_version(db: peewee.SqliteDatabase) -> int:
    """The highest schema version recorded, 0 for a database with no tables yet."""
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)
