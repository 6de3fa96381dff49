"""Opening the user's data: folders, database, integrity, upgrades and backups.

Start-up calls :func:`open_store`. When the database cannot be used it
raises :class:`StoreProblem` with a sentence for the user and, for a damaged
file, the newest sound backup so the window can offer to restore it.

A data folder (or database file) the app may not write to is opened for
reading only: ``Store.read_only`` is true and ``Store.read_only_message``
says so in a sentence the window shows as a banner. Every write then fails,
and :func:`explain_write_error` turns that failure (like a full disk) into a
sentence that says nothing was saved.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from models import database, migrations
from services import backups
from services.paths import DataPaths

log = logging.getLogger(__name__)


class StoreProblem(Exception):
    """The data cannot be opened; ``message`` says why in words for the user."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        backup: backups.BackupInfo | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.backup = backup
        self.detail = detail


@dataclass
class Store:
    """The opened data: its paths, the connected database and what happened on opening."""

    paths: DataPaths
    db: peewee.SqliteDatabase
    created: bool = False
    upgraded_from: int | None = None
    upgrade_backup: Path | None = None
    notes: list[str] = field(default_factory=list)
    read_only: bool = False
    read_only_message: str = ""

    def close(self) -> None:
        """Close the database."""
        if not self.db.is_closed():
            self.db.close()


def corrupt_problem(paths: DataPaths, detail: str) -> StoreProblem:
    """The problem to show for a damaged database, with the newest sound backup if any."""
    good = backups.latest_good_backup(paths.backups)
    message = (
        "Your Next Steps database is damaged and cannot be opened safely. "
        "The damaged file will be kept aside, untouched."
    )
    if good:
        message += f" The latest sound backup is from {good.made_at:%Y-%m-%d %H:%M} UTC."
    else:
        message += " No sound backup was found, so the app can start with an empty database."
    return StoreProblem(message, kind="corrupt", backup=good, detail=detail)


def folder_is_writable(paths: DataPaths) -> bool:
    """True when the app may create and change files in the data folder and its database."""
    root = paths.root
    if not os.access(root, os.W_OK | os.X_OK):
        return False
    database_file = paths.database
    return not database_file.exists() or os.access(database_file, os.R_OK | os.W_OK)


def open_store(paths: DataPaths, *, check_integrity: bool = True) -> Store:
    """Open (creating or upgrading as needed) the database in ``paths``.

    A folder the app cannot write to gives a read-only store (see
    :func:`open_read_only`) when it already holds a current database, and a
    :class:`StoreProblem` of kind ``"read-only"`` otherwise.
    """
    if paths.root.is_dir() and not folder_is_writable(paths):
        return open_read_only(paths, check_integrity=check_integrity)
    try:
        paths.ensure()
    except OSError as exc:
        raise StoreProblem(
            f"Next Steps cannot create its data folder {paths.root}: {exc.strerror or exc}. "
            "Choose another folder with --data-dir or fix its permissions.",
            kind="folder",
        ) from exc
    existed = paths.database.exists() and paths.database.stat().st_size > 0
    try:
        db = database.connect(paths.database)
    except database.DatabaseOpenError as exc:
        raise corrupt_problem(paths, str(exc)) from exc
    except UnicodeDecodeError as exc:
        # SQLite quoted garbage from a damaged schema in its error message.
        raise corrupt_problem(paths, f"unreadable error message from SQLite: {exc}") from exc
    try:
        if check_integrity and existed:
            problems = database.integrity_problems(db)
            if problems:
                raise corrupt_problem(paths, "; ".join(problems[:5]))
        store = Store(paths=paths, db=db, created=not existed)

        def before_upgrade(found: int) -> None:
            info = backups.make_backup(db, paths.backups, reason=f"before-upgrade-v{found}")
            store.upgraded_from = found
            store.upgrade_backup = info.path
            log.info("backed up schema v%s to %s before upgrading", found, info.path)

        try:
            migrations.prepare_schema(db, before_upgrade)
        except migrations.NewerSchemaError as exc:
            raise StoreProblem(str(exc), kind="newer") from exc
        except migrations.ForeignDatabaseError as exc:
            raise StoreProblem(
                f"{paths.database} is not a Next Steps database. "
                "Move it away or choose another folder with --data-dir.",
                kind="foreign",
            ) from exc
        except (peewee.DatabaseError, migrations.SchemaError, UnicodeDecodeError) as exc:
            raise corrupt_problem(paths, str(exc)) from exc
        # Only now that the file is known to be ours (not newer, not foreign).
        database.use_wal(db)
    except BaseException:
        db.close()
        raise
    return store


def read_only_sentence(paths: DataPaths) -> str:
    """The banner shown while the data is open for reading only."""
    return (
        f"Your data folder {paths.root} cannot be written to, so Next Steps opened your data "
        "for reading only: you can look at it and export it, but changes cannot be saved. "
        "Fix the folder's permissions (or copy it elsewhere and use --data-dir) to make changes."
    )


def _read_only_uri(paths: DataPaths) -> str:
    """The URI that opens the database without writing anything beside it.

    A database in WAL mode needs its shared-memory file: when that file is
    missing (after a clean close) and cannot be created, the file is opened
    as immutable, which is safe because no one can write to the folder.
    """
    uri = paths.database.absolute().as_uri() + "?mode=ro"
    shm = paths.database.with_name(paths.database.name + "-shm")
    wal = paths.database.with_name(paths.database.name + "-wal")
    if not shm.exists():
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreProblem(
                f"Your data folder {paths.root} cannot be written to, and the last changes to "
                "your data are still in a journal that only a writable folder can apply. "
                "Fix the folder's permissions, then start Next Steps again; nothing was changed.",
                kind="read-only",
            )
        uri += "&immutable=1"
    return uri


def open_read_only(paths: DataPaths, *, check_integrity: bool = True) -> Store:
    """Open the data in a folder the app cannot write to, for reading only.

    Only a database of the current schema can be opened this way (creating
    or upgrading one needs to write); anything else is a :class:`StoreProblem`
    with ``kind == "read-only"`` (``"newer"`` for a newer schema).
    """
    from models.base import database_proxy

    if not paths.database.is_file() or paths.database.stat().st_size == 0:
        raise StoreProblem(
            f"Next Steps cannot write to its data folder {paths.root}, and there is no data "
            "there to open yet. Choose another folder with --data-dir or fix its permissions.",
            kind="read-only",
        )
    db = peewee.SqliteDatabase(
        _read_only_uri(paths), uri=True, pragmas=database.PRAGMAS, autoconnect=False
    )
    try:
        db.connect()
        db.execute_sql("PRAGMA query_only = 1")
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        if not db.is_closed():
            db.close()
        raise corrupt_problem(paths, str(exc)) from exc
    try:
        if check_integrity:
            problems = database.integrity_problems(db)
            if problems:
                raise corrupt_problem(paths, "; ".join(problems[:5]))
        found = database.schema_version(db)
        if found > migrations.CURRENT_VERSION:
            raise StoreProblem(str(migrations.NewerSchemaError(found)), kind="newer")
        if found != migrations.CURRENT_VERSION:
            raise StoreProblem(
                f"Your data in {paths.root} was saved by an older version of Next Steps and "
                "must be upgraded, but the folder cannot be written to. Fix the folder's "
                "permissions and start again; nothing was changed.",
                kind="read-only",
            )
    except BaseException:
        db.close()
        raise
    database_proxy.initialize(db)
    message = read_only_sentence(paths)
    log.info("data opened read-only: %s", paths.root)
    return Store(paths=paths, db=db, read_only=True, read_only_message=message, notes=[message])


# -- turning a failed write into a sentence ------------------------------------------------------


class WriteProblem(Exception):
    """A write failed for a reason the user can act on; ``message`` says so.

    ``kind`` is ``"full"``, ``"read-only"``, ``"busy"``, ``"io"`` or ``"other"``.
    Nothing was saved when this is raised from a transaction.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class StorageFullError(WriteProblem):
    """The disk (or the database's size limit) is full; nothing was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "full")


_FULL = (
    "Your disk is full, so nothing was saved. Free some space on the disk that holds your "
    "data, then try again; what you entered is still here."
)
_READ_ONLY = (
    "Your data cannot be changed because its folder or file is read-only, so nothing was "
    "saved. Fix the permissions of the data folder, then try again; what you entered is "
    "still here."
)
_BUSY = (
    "Another program (perhaps another copy of Next Steps) kept your data busy, so nothing was "
    "saved. Try again in a moment; what you entered is still here."
)
_IO = (
    "The disk reported an error while saving, so nothing was saved. Check the disk or the "
    "drive your data is on, then try again; what you entered is still here."
)


def _causes(exc: BaseException):
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        # peewee keeps the sqlite3 error it wraps in ``orig``.
        stack.extend([current.__cause__, current.__context__, getattr(current, "orig", None)])
        stack.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))


def write_problem(exc: BaseException) -> WriteProblem:
    """The :class:`WriteProblem` (a :class:`StorageFullError` for a full disk) for ``exc``."""
    for cause in _causes(exc):
        if isinstance(cause, WriteProblem):
            return cause
        name = getattr(cause, "sqlite_errorname", "") or ""
        text = str(cause).lower()
        number = getattr(cause, "errno", None) if isinstance(cause, OSError) else None
        if name == "SQLITE_FULL" or "disk is full" in text or number in (
            errno.ENOSPC, getattr(errno, "EDQUOT", -1)
        ):
            return StorageFullError(_FULL)
        if name.startswith("SQLITE_READONLY") or "readonly database" in text or (
            number in (errno.EROFS, errno.EACCES, errno.EPERM)
        ):
            return WriteProblem(_READ_ONLY, "read-only")
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
            return WriteProblem(_BUSY, "busy")
        if name.startswith("SQLITE_IOERR") or "disk i/o error" in text or number == errno.EIO:
            return WriteProblem(_IO, "io")
    return WriteProblem(
        "Nothing was saved because of an unexpected problem; what you entered is still "
        f"here. Try again, and if it keeps failing, look at the log. ({exc})",
        "other",
    )


def explain_write_error(exc: BaseException) -> str:
    """A sentence for the user about a failed save: what happened and what to do."""
    return write_problem(exc).message


def keep_aside_and_restore(paths: DataPaths, backup: backups.BackupInfo | None) -> Path | None:
    """Move the damaged database aside and put ``backup`` in its place (or start empty).

    Returns the name under which the damaged file was kept.
    """
    database.close()
    if backup is None:
        return backups.set_aside(paths, "damaged")
    return backups.restore_backup(paths, backup.path, label="damaged")
