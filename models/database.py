"""Opening the SQLite database: pragmas, integrity check and schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee

from models.base import database_proxy

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


def backup_to(db: peewee.SqliteDatabase, destination: Path | str) -> None:
    """Copy the live database into ``destination`` with SQLite's online backup API."""
    target = sqlite3.connect(str(destination))
    try:
        db.connection().backup(target)
        keep_out_of_wal(target)
    finally:
        target.close()


def keep_out_of_wal(copy: sqlite3.Connection) -> None:
    """Turn a fresh copy made with the backup API back to a rollback journal.

    The copy inherits the live file's WAL flag; in WAL mode every later read
    (even a read-only check) leaves ``-wal`` and ``-shm`` files beside it.
    """
    copy.commit()
    copy.execute("PRAGMA journal_mode = DELETE").fetchone()
    copy.commit()


#: SQLite's result codes that mean the file's contents are damaged or not a database.
_CORRUPTION_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_CORRUPTION_TEXTS = ("malformed", "file is not a database", "not a database")


def is_corruption_error(exc: BaseException) -> bool:
    """True when ``exc`` (or an error it wraps) says the file itself is damaged.

    Only SQLite's corruption and not-a-database codes (and a schema that decodes
    as garbage) count; a lock, a full disk or a refused permission do not.
    """
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UnicodeDecodeError):
            return True
        name = getattr(current, "sqlite_errorname", "") or ""
        if name.startswith(_CORRUPTION_CODES):
            return True
        if not name and any(text in str(current).lower() for text in _CORRUPTION_TEXTS):
            return True
        # peewee keeps the sqlite3 error it wraps in ``orig``.
        stack.extend([current.__cause__, current.__context__, getattr(current, "orig", None),
                      *current.args])
    return False
