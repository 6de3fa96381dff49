"""Database backups made with SQLite's backup API, listed, checked and restored."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from services.paths import DataPaths

if TYPE_CHECKING:
    import peewee

_NAME = re.compile(r"^nextsteps-(\d{8}-\d{6})-([a-z0-9-]+)\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    """A backup file with the instant it was made, why, and its size."""

    path: Path
    made_at: datetime
    reason: str
    size: int


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


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
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        con.close()
    messages = [row[0] for row in rows]
    if messages != ["ok"]:
        return messages
    return [] if ours else ["not a Next Steps database (no schema_version table)"]


def make_backup(
    db: peewee.SqliteDatabase, backups_dir: Path, reason: str = "manual"
) -> BackupInfo:
    """Back the live database up into ``backups_dir`` and check the copy.

    The copy is written under a temporary name, checked with
    ``integrity_check``, flushed to disk, then renamed into place, so a
    listed backup is always complete.
    """
    from models.database import backup_to

    backups_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    final = backups_dir / f"nextsteps-{_stamp(now)}-{reason}.sqlite3"
    counter = 1
    while final.exists():
        counter += 1
        final = backups_dir / f"nextsteps-{_stamp(now)}-{reason}-{counter}.sqlite3"
    partial = final.with_suffix(".part")
    try:
        backup_to(db, partial)
        problems = file_problems(partial)
        if problems:
            raise OSError(f"The backup copy failed its integrity check: {problems[0]}")
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
        _fsync_dir(backups_dir)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(final, now, reason, final.stat().st_size)


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
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(_read_only_uri(backup), uri=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        target.commit()
    finally:
        target.close()
        source.close()
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    kept = set_aside(paths, label)
    os.replace(partial, paths.database)
    _fsync_dir(paths.root)
    return kept
