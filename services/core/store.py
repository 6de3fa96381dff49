"""Opening the user's data: folders, database, integrity, upgrades and backups.

Start-up calls :func:`open_store`. When the database cannot be used it
raises :class:`StoreProblem` (see :mod:`services.core.store_problems`) with a
sentence for the user that names the cause: damaged, busy, full, read-only,
not allowed, a disk error, or an empty or missing database while backups
still hold data. For a damaged file and for lost data it carries the backup
the window can offer to restore.

A data folder (or database file) the app may not write to, or on a full
disk, is opened for reading only: ``Store.read_only`` is true and
``Store.read_only_message`` says why in a sentence the window shows as a
banner. Every write then fails, and
:func:`services.core.write_problems.explain_write_error` turns that
failure (like a full disk) into a sentence that says nothing was saved.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from models import database, migrations
from models.base import database_proxy
from services.core import data_folder
from services.core.paths import DataPaths, disk_is_full, has_database, journal_pending, reading_uri
from services.core.store_problems import (
    StoreProblem,
    check_closed_database,
    corrupt_problem,
    header_problem,
    lost_data_problem,
    open_problem,
    problem_for,
)
from services.data import backups

log = logging.getLogger(__name__)


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
    #: Why the store is read-only: "read-only" (the folder or file) or "full" (the disk).
    read_only_cause: str = ""

    def close(self) -> None:
        """Close the database."""
        if not self.db.is_closed():
            self.db.close()


def folder_is_writable(paths: DataPaths) -> bool:
    """True when the app may create and change files in the data folder and its database."""
    root = paths.root
    if not os.access(root, os.W_OK | os.X_OK):
        return False
    database_file = paths.database
    return not database_file.exists() or os.access(database_file, os.R_OK | os.W_OK)


def _folder_exists(paths: DataPaths) -> bool:
    """True when the data folder exists; a :class:`StoreProblem` when it may not be entered."""
    try:
        exists = paths.root.is_dir()
    except PermissionError as exc:
        raise problem_for(paths, "permission", str(exc)) from exc
    if exists and not os.access(paths.root, os.R_OK | os.X_OK):
        raise problem_for(paths, "permission", f"{paths.root}: permission denied")
    return exists


def open_store(
    paths: DataPaths,
    *,
    check_integrity: bool = True,
    read_only: bool = False,
    accept_empty: bool = False,
) -> Store:
    """Open (creating or upgrading as needed) the database in ``paths``.

    A folder the app cannot write to, a full disk or ``read_only`` (the app
    could not take the folder's lock) give a read-only store (see
    :func:`open_read_only`) when the folder already holds a current database,
    and a :class:`StoreProblem` otherwise. An empty or missing database while
    backups hold data is a ``lost`` problem, unless ``accept_empty`` (the user
    chose to start with empty data). Nothing is moved or deleted here.
    """
    if _folder_exists(paths):
        if read_only or not folder_is_writable(paths):
            full = read_only and disk_is_full(paths.root)
            return open_read_only(paths, check_integrity=check_integrity,
                                  cause="full" if full else "read-only")
        if disk_is_full(paths.root):
            if not has_database(paths):
                raise problem_for(paths, "full")
            return open_read_only(paths, check_integrity=check_integrity, cause="full")
    try:
        paths.ensure()
    except OSError as exc:
        raise StoreProblem(
            f"Next Steps cannot create its data folder {paths.root}: {exc.strerror or exc}. "
            "Choose another folder with --data-dir or fix its permissions.",
            kind="folder",
        ) from exc
    data_folder.tidy(paths)
    existed = has_database(paths)
    if not existed and not accept_empty:
        lost = lost_data_problem(paths)
        if lost is not None:
            raise lost
    try:
        return _open_writable(paths, existed=existed, check_integrity=check_integrity)
    except StoreProblem as problem:
        if problem.kind in ("full", "read-only") and existed:
            log.warning("opening %s for reading only: %s", paths.root, problem.detail)
            return open_read_only(paths, check_integrity=check_integrity, cause=problem.kind)
        raise


def _open_writable(paths: DataPaths, *, existed: bool, check_integrity: bool) -> Store:
    """Connect, check, create or upgrade, and switch to WAL; every failure a StoreProblem."""
    db = _connect(paths, existed=existed)
    try:
        if check_integrity and existed:
            problems = database.integrity_problems(db)
            if problems:
                raise corrupt_problem(paths, "; ".join(problems[:5]))
        store = Store(paths=paths, db=db, created=not existed)
        _prepare_schema(store)
        # Only now that the file is known to be ours (not newer, not foreign).
        database.use_wal(db)
    except (peewee.DatabaseError, sqlite3.Error, OSError, UnicodeDecodeError) as exc:
        db.close()
        raise open_problem(paths, exc) from exc
    except BaseException:
        db.close()
        raise
    return store


def _connect(paths: DataPaths, *, existed: bool) -> peewee.SqliteDatabase:
    """The database file checked for a damaged header (created when new), connected."""
    try:
        header = header_problem(paths.database)
        if not existed:
            data_folder.create_private_file(paths.database)
    except OSError as exc:
        raise open_problem(paths, exc) from exc
    if header:
        raise corrupt_problem(paths, header)
    try:
        return database.connect(paths.database)
    except (database.DatabaseOpenError, UnicodeDecodeError) as exc:
        # (SQLite may quote garbage from a damaged schema in its error message.)
        raise open_problem(paths, exc) from exc


def _prepare_schema(store: Store) -> None:
    """Create the schema, or upgrade it after a backup; a schema that is not ours (newer,
    foreign, broken) is a StoreProblem."""
    db, paths = store.db, store.paths

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
    except migrations.SchemaError as exc:
        raise corrupt_problem(paths, str(exc)) from exc


def _why_read_only(paths: DataPaths, cause: str) -> tuple[str, str]:
    """Why the data cannot be changed, and what the user can do about it."""
    if cause == "full":
        return (f"The disk that holds your data folder {paths.root} is full",
                "Free some space on that disk, then start Next Steps again")
    return (f"Your data folder {paths.root} cannot be written to",
            "Fix the folder's permissions (or copy it elsewhere and use --data-dir)")


def read_only_sentence(paths: DataPaths, cause: str = "read-only") -> str:
    """The banner shown while the data is open for reading only (``cause``: read-only, full)."""
    why, fix = _why_read_only(paths, cause)
    return (
        f"{why}, so Next Steps opened your data for reading only: you can look at it and "
        f"export it, but changes cannot be saved. {fix} to make changes."
    )


def read_only_uri(paths: DataPaths, cause: str = "read-only") -> str:
    """The URI that opens the database without writing anything beside it
    (:func:`services.core.paths.reading_uri`); a :class:`StoreProblem` when the last
    changes are still in a journal that cannot be applied without writing."""
    shm = paths.database.with_name(paths.database.name + "-shm")
    if (cause == "full" or not shm.exists()) and journal_pending(paths):
        why, fix = _why_read_only(paths, cause)
        raise StoreProblem(
            f"{why}, and the last changes to your data are still in a journal that only "
            f"a writable folder can apply. {fix}; nothing was changed.",
            kind=cause,
        )
    return reading_uri(paths, full=cause == "full")


def open_read_only(paths: DataPaths, *, check_integrity: bool = True,
                   cause: str = "read-only") -> Store:
    """Open the data for reading only: its folder cannot be written to (``cause`` read-only)
    or its disk is full (``cause`` full).

    Only a database of the current schema can be opened this way (creating
    or upgrading one needs to write); anything else is a :class:`StoreProblem`
    of kind ``cause`` (``"newer"`` for a newer schema).
    """
    why, fix = _why_read_only(paths, cause)
    if not has_database(paths):
        raise StoreProblem(
            f"The disk that holds your data folder {paths.root} is full, and there is no data "
            "there to open yet. Free some space on that disk and try again, or choose another "
            "folder with --data-dir." if cause == "full" else
            f"Next Steps cannot write to its data folder {paths.root}, and there is no data "
            "there to open yet. Choose another folder with --data-dir or fix its permissions.",
            kind=cause,
        )
    uri = read_only_uri(paths, cause)
    db = peewee.SqliteDatabase(uri, uri=True, pragmas=database.PRAGMAS, autoconnect=False)
    try:
        db.connect()
        db.execute_sql("PRAGMA query_only = 1")
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
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
                f"must be upgraded, but {why[0].lower()}{why[1:]}. {fix}; nothing was changed.",
                kind=cause,
            )
    except (peewee.DatabaseError, sqlite3.Error, UnicodeDecodeError) as exc:
        if not db.is_closed():
            db.close()
        raise open_problem(paths, exc) from exc
    except BaseException:
        if not db.is_closed():
            db.close()
        raise
    database_proxy.initialize(db)
    message = read_only_sentence(paths, cause)
    log.info("data opened read-only (%s): %s", cause, paths.root)
    return Store(paths=paths, db=db, read_only=True, read_only_message=message, notes=[message],
                 read_only_cause=cause)


def keep_aside_and_restore(paths: DataPaths, backup: backups.BackupInfo | None) -> Path | None:
    """Move the damaged (or empty) database aside and put ``backup`` in its place (or start
    empty). Returns the name under which the old file was kept.

    The file is checked again first: one that is sound, or that cannot be
    checked because it is busy, on a full disk or not allowed, is never moved;
    the :class:`StoreProblem` saying so is raised instead.
    """
    database.close()
    label = "empty"
    if has_database(paths):
        problem = check_closed_database(paths)
        if problem is None:
            raise StoreProblem(
                f"Your Next Steps database {paths.database} is sound after all, so it was "
                "left as it is. Start Next Steps again to open it.",
                kind="sound",
            )
        if problem.kind != "corrupt":
            raise problem
        label = "damaged"
    if backup is None:
        return backups.set_aside(paths, label)
    return backups.restore_backup(paths, backup.path, label=label)


def open_for_command(paths: DataPaths, err) -> Store | None:
    """The data opened for a command-line command, or None after printing why it cannot be
    opened (``FAIL`` and the problem's sentence, on ``err``)."""
    try:
        return open_store(paths)
    except StoreProblem as problem:
        print(f"FAIL {problem.message}", file=err)
        return None
