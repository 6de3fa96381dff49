"""Database backups made with SQLite's backup API, listed, checked and restored."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from models import clock
from models.sqlite_files import backup_to, keep_out_of_wal
from services.core.data_folder import claimed_partial
from services.core.paths import DataPaths

if TYPE_CHECKING:
    import peewee

log = logging.getLogger(__name__)

_NAME = re.compile(r"^nextsteps-(\d{8}-\d{6})-([a-z0-9-]+?)(?:-(\d+))?\.sqlite3$")
_REASON = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Why a backup was made (the reasons this version writes).
DAILY = "daily"
MANUAL = "manual"
BEFORE_IMPORT = "before-import"

#: How many daily backups are kept; older daily ones are deleted. Backups made
#: for any other reason (before an upgrade, before an import, by the user) are kept.
KEEP_DAILY = 14


@dataclass(frozen=True)
class BackupInfo:
    """A backup file with the instant it was made, why, and its size."""

    path: Path
    made_at: datetime
    reason: str
    size: int


def _stamp(now: datetime | None = None) -> str:
    return (now or clock.now()).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_only_uri(path: Path) -> str:
    # as_uri() percent-encodes "#", "?", "%" and spaces, which SQLite would
    # otherwise read as the start of a fragment, a query or an escape.
    return Path(path).absolute().as_uri() + "?mode=ro"


def file_problems(path: Path) -> list[str]:
    """What ``integrity_check`` says of a database file; empty when it is sound.

    A file without the app's ``schema_version`` table (such as an empty one,
    which SQLite reads as a sound empty database) is not a usable backup either.
    """
    try:
        con = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
        ours = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        # A damaged schema can make SQLite quote bytes that are not UTF-8.
        return [str(exc)]
    finally:
        con.close()
    messages = [row[0] for row in rows]
    if messages != ["ok"]:
        return messages
    return [] if ours else ["not a Next Steps database (no schema_version table)"]


def _unique_name(backups_dir: Path, reason: str, now: datetime) -> Path:
    final = backups_dir / f"nextsteps-{_stamp(now)}-{reason}.sqlite3"
    counter = 1
    while final.exists():
        counter += 1
        final = backups_dir / f"nextsteps-{_stamp(now)}-{reason}-{counter}.sqlite3"
    return final


def _write_backup(
    copy: Callable[[Path], None], backups_dir: Path, reason: str, now: datetime | None
) -> BackupInfo:
    """Run ``copy(partial_path)``, check the copy, flush it and rename it into place."""
    if not _REASON.match(reason):
        raise ValueError(f"a backup reason is lower-case letters, digits and hyphens: {reason!r}")
    backups_dir.mkdir(parents=True, exist_ok=True)
    now = (now or clock.now()).astimezone(UTC).replace(microsecond=0)
    final = _unique_name(backups_dir, reason, now)
    partial = final.with_suffix(".part")
    with claimed_partial(partial):
        try:
            copy(partial)
            problems = file_problems(partial)
            if problems:
                raise OSError(f"The backup copy failed its integrity check: {problems[0]}")
            with open(partial, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, final)
            _fsync_dir(backups_dir)
        finally:
            _remove_partial(partial)
    return BackupInfo(final, now, reason, final.stat().st_size)


def _remove_partial(partial: Path) -> None:
    """Remove a partial copy and any journal SQLite left beside it."""
    for suffix in ("-journal", "-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    partial.unlink(missing_ok=True)


def make_backup(
    db: peewee.SqliteDatabase,
    backups_dir: Path,
    reason: str = "manual",
    *,
    now: datetime | None = None,
) -> BackupInfo:
    """Back the live database up into ``backups_dir`` and check the copy.

    The copy is written under a temporary name, checked with
    ``integrity_check``, flushed to disk, then renamed into place, so a
    listed backup is always complete.
    """

    return _write_backup(lambda partial: backup_to(db, partial), backups_dir, reason, now)


def backup_file(
    source: Path, backups_dir: Path, reason: str = "manual", *, now: datetime | None = None
) -> BackupInfo:
    """Back the database file ``source`` up without the ORM (any thread, own connection).

    Uses SQLite's backup API through a read-only ``sqlite3`` connection, so
    rows still in the write-ahead log are included and a writer in another
    connection is never disturbed. The copy is checked like :func:`make_backup`'s.
    Raises ``OSError`` when ``source`` is missing or the copy is not sound.
    """
    source = Path(source)
    if not source.is_file() or source.stat().st_size == 0:
        raise OSError(f"There is no database at {source} to back up.")

    def copy(partial: Path) -> None:
        try:
            _copy_file(source, partial, timeout=10.0)
        except sqlite3.Error as exc:
            raise OSError(f"{source.name} could not be backed up: {exc}") from exc

    return _write_backup(copy, backups_dir, reason, now)


def _copy_file(source: Path, partial: Path, timeout: float = 5.0) -> None:
    """Copy the database file ``source`` into ``partial`` with SQLite's backup API (through
    its own read-only connection), out of WAL mode."""

    origin = sqlite3.connect(_read_only_uri(source), uri=True, timeout=timeout)
    try:
        target = sqlite3.connect(partial)
        try:
            origin.backup(target)
            keep_out_of_wal(target)
        finally:
            target.close()
    finally:
        origin.close()


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Every backup in ``backups_dir``, newest first."""
    found = []
    if not backups_dir.is_dir():
        return found
    for path in backups_dir.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        made_at = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        found.append(BackupInfo(path, made_at, match.group(2), path.stat().st_size))
    found.sort(key=lambda info: (info.made_at, info.path.name), reverse=True)
    return found


def latest_good_backup(backups_dir: Path) -> BackupInfo | None:
    """The newest backup that passes ``integrity_check``, if any."""
    for info in list_backups(backups_dir):
        if not file_problems(info.path):
            return info
    return None


def set_aside(paths: DataPaths, label: str) -> Path | None:
    """Rename the database (with its WAL and shared-memory files) out of the way.

    Returns the new name of the database file, or None when there was none.
    The database must be closed.
    """
    source = paths.database
    if not source.exists():
        return None
    stamp = _stamp()
    target = source.with_name(f"{source.name}.{label}-{stamp}")
    counter = 1
    # Never replace a file kept aside earlier in the same second.
    while any(
        target.with_name(target.name + suffix).exists() for suffix in ("", "-wal", "-shm")
    ):
        counter += 1
        target = source.with_name(f"{source.name}.{label}-{stamp}-{counter}")
    for suffix in ("-wal", "-shm"):
        side = source.with_name(source.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(source, target)
    _fsync_dir(source.parent)
    return target


def restore_backup(paths: DataPaths, backup: Path, *, label: str = "replaced") -> Path | None:
    """Put ``backup`` in place of the database; return where the old file was kept.

    The backup is copied under a temporary name first and renamed in one
    step, so the data folder always holds either the old or the new file.
    The database must be closed.
    """
    problems = file_problems(backup)
    if problems:
        raise OSError(f"{backup.name} cannot be restored: {problems[0]}")
    partial = paths.database.with_name(paths.database.name + ".restoring")
    with claimed_partial(partial):
        try:
            _copy_file(backup, partial)
            with open(partial, "rb+") as handle:
                os.fsync(handle.fileno())
            kept = set_aside(paths, label)
            os.replace(partial, paths.database)
            _fsync_dir(paths.root)
        finally:
            _remove_partial(partial)
    return kept


def describe_reason(reason: str) -> str:
    """Why a backup was made, in words for the user."""
    if reason == DAILY:
        return "Daily"
    if reason == MANUAL:
        return "Made by you"
    if reason == BEFORE_IMPORT:
        return "Before an import"
    match = re.fullmatch(r"before-upgrade-v(\d+)", reason)
    if match:
        return f"Before the upgrade from data version {match.group(1)}"
    return reason.replace("-", " ").capitalize()


#: A backup holds the user's data when one of these finds a row (as services.data.json_import's
#: has_user_data decides for the open database); a table an older schema lacks is skipped.
_DATA_QUERIES = (
    'SELECT 1 FROM "application" LIMIT 1',
    'SELECT 1 FROM "email" LIMIT 1',
    'SELECT 1 FROM "reminder" LIMIT 1',
    'SELECT 1 FROM "template" WHERE "builtin" = 0 LIMIT 1',
)


def holds_data(path: Path) -> bool:
    """True when the database file ``path`` holds applications, emails, reminders or own
    templates (not just the tables and built-in templates of a new database)."""
    try:
        con = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error:
        return False
    try:
        for sql in _DATA_QUERIES:
            try:
                if con.execute(sql).fetchone():
                    return True
            except sqlite3.OperationalError:
                continue  # no such table (an older schema) or unreadable: look further
        return False
    except (sqlite3.Error, UnicodeDecodeError):
        return False
    finally:
        con.close()


def latest_backup_with_data(backups_dir: Path) -> BackupInfo | None:
    """The newest sound backup that holds the user's data (see :func:`holds_data`)."""
    for info in list_backups(backups_dir):
        if holds_data(info.path) and not file_problems(info.path):
            return info
    return None


def prune_daily(backups_dir: Path, keep: int = KEEP_DAILY) -> list[Path]:
    """Delete daily backups beyond the newest ``keep``; return the deleted paths.

    Only backups whose reason is ``daily`` are ever deleted; those made before
    an upgrade or an import, or by the user, are kept whatever their age. The
    newest backup that holds data is never deleted, so days of starts on an
    empty database cannot rotate the last copy of the user's data away.
    """
    daily = [info for info in list_backups(backups_dir) if info.reason == DAILY]
    doomed = daily[keep:]
    keeper = latest_backup_with_data(backups_dir) if doomed else None
    deleted = []
    for info in doomed:
        if keeper is not None and info.path == keeper.path:
            continue
        try:
            info.path.unlink()
        except FileNotFoundError:
            continue
        deleted.append(info.path)
    if deleted:
        _fsync_dir(backups_dir)
    return deleted


def daily_backup_due(backups_dir: Path, today: date | None = None) -> bool:
    """True when no daily backup was made today (UTC) or later."""
    today = today or clock.today()
    for info in list_backups(backups_dir):
        if info.reason == DAILY:
            return info.made_at.date() < today
    return True


def daily_backup_if_due(
    paths: DataPaths, today: date | None = None, *, now: datetime | None = None
) -> BackupInfo | None:
    """Make the day's backup at the first start of a day (UTC); None when not due.

    Safe on a worker thread: it uses its own ``sqlite3`` connection (no ORM).
    Nothing is done when there is no database yet. After a new daily backup
    the daily ones beyond :data:`KEEP_DAILY` are deleted (never other kinds).
    Raises ``OSError`` when the copy cannot be written or is not sound; older
    backups are then left as they were.
    """
    now = now or clock.now()
    today = today or now.astimezone(UTC).date()
    database = paths.database
    if not database.is_file() or database.stat().st_size == 0:
        return None
    if not daily_backup_due(paths.backups, today):
        return None
    info = backup_file(database, paths.backups, DAILY, now=now)
    deleted = prune_daily(paths.backups)
    log.info("daily backup written to %s (%d old daily backups deleted)", info.path, len(deleted))
    return info
