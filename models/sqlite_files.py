"""The SQLite file with the standard ``sqlite3`` module alone: copies made with the
backup API, and telling damage from every other error.

No peewee here: the integrity check and the daily backup run shortly after the first
paint, and importing the ORM then (with OpenSSL through ``hashlib``) was about 8 MB of
the start-up's peak memory. :mod:`models.database` uses them too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import peewee

__all__ = ["backup_to", "is_corruption_error", "keep_out_of_wal"]


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
