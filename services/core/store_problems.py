"""Why the data cannot be opened, told apart and said in a sentence with what to do.

A database that cannot be opened is not necessarily damaged. Another program
may hold it (busy), its disk may be full or mounted read-only, the user may
not be allowed to read it, or the disk may have failed a read. Only SQLite's
corruption codes, a file that does not start with SQLite's header and the
failures ``integrity_check`` reports are damage (``kind == "corrupt"``), and
only damage is ever offered to be set aside.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from models import sqlite_files
from services.core.paths import DataPaths, disk_is_full, has_database
from services.data import backups

#: The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"

#: Problems that trying again can solve without changing the file (the window offers it).
RETRYABLE = frozenset({"busy", "full", "read-only", "permission", "io", "folder"})


class StoreProblem(Exception):
    """The data cannot be opened; ``message`` says why in words for the user.

    ``kind`` is one of ``corrupt``, ``lost`` (the database is empty or missing
    while backups hold data), ``busy``, ``full``, ``read-only``, ``permission``,
    ``io``, ``folder``, ``newer`` or ``foreign``. ``backup`` is the backup to
    offer (for ``corrupt`` and ``lost``).
    """

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


def causes(exc: BaseException):
    """``exc`` and every error it wraps (causes, contexts, peewee's wrapped sqlite3 error)."""
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


def mounted_read_only(folder: Path) -> bool:
    """True when ``folder`` is on a file system mounted read-only."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def header_problem(path: Path) -> str:
    """Why ``path`` is not an SQLite file by its first bytes; empty when it is (or is empty).

    Raises ``OSError`` when the file cannot be read (a permission problem, not damage).
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return ""
    if head and head != SQLITE_HEADER:
        return "the file does not start with SQLite's header"
    return ""


def cause_kind(paths: DataPaths, exc: BaseException) -> str:
    """What kept the data from opening: busy, full, read-only, permission or io.

    Errors SQLite names exactly (a lock, a full disk) decide alone; a vaguer one
    (such as "disk I/O error" while creating the shared-memory file on a full
    disk) is explained by looking at the disk and the file.
    """
    said = ""
    for cause in causes(exc):
        name = getattr(cause, "sqlite_errorname", "") or ""
        text = str(cause).lower()
        number = getattr(cause, "errno", None) if isinstance(cause, OSError) else None
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
            return "busy"
        if name == "SQLITE_FULL" or "disk is full" in text or number in (
            errno.ENOSPC, getattr(errno, "EDQUOT", -1)
        ):
            return "full"
        if not said and (name.startswith("SQLITE_READONLY") or number == errno.EROFS
                         or "readonly database" in text):
            said = "read-only"
        if not said and (name in ("SQLITE_PERM", "SQLITE_AUTH") or number in (
            errno.EACCES, errno.EPERM
        )):
            said = "permission"
    if disk_is_full(paths.root):
        return "full"
    if mounted_read_only(paths.root):
        return "read-only"
    database_file = paths.database
    if database_file.exists() and not os.access(database_file, os.R_OK):
        return "permission"
    return said or "io"


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


def lost_problem(paths: DataPaths, backup: backups.BackupInfo) -> StoreProblem:
    """An empty or missing database while ``backup`` (the newest with data) holds data."""
    state = "empty" if paths.database.exists() else "missing"
    return StoreProblem(
        f"Your Next Steps database {paths.database} is {state}, but your backups still hold "
        f"your data: the newest one with data is from {backup.made_at:%Y-%m-%d %H:%M} UTC. "
        "Restoring that backup in Next Steps brings your data back. Starting with empty data "
        "instead keeps every backup, so you can still restore one later from Settings → Data.",
        kind="lost", backup=backup,
    )


def problem_for(paths: DataPaths, kind: str, detail: str = "") -> StoreProblem:
    """The sentence for a cause that is not damage (see :func:`cause_kind`)."""
    messages = {
        "busy": "Another program is using your Next Steps data right now (perhaps another "
                "copy of Next Steps, or a backup or sync tool), so it cannot be opened. Close "
                "that program and try again; nothing was changed.",
        "full": f"The disk that holds your data folder {paths.root} is full, so Next Steps "
                "cannot open your data. Free some space on that disk and try again; nothing "
                "was changed.",
        "read-only": f"Your data folder {paths.root} cannot be written to, so Next Steps "
                     "cannot open your data. Fix the folder's permissions (or choose another "
                     "folder with --data-dir) and try again; nothing was changed.",
        "permission": f"Next Steps is not allowed to open your data file {paths.database}. "
                      "Make sure the data folder and its files belong to you (fix their "
                      "permissions), then try again; nothing was changed.",
        "io": "The disk reported an error while Next Steps was reading your data. This does "
              "not mean the file is damaged, and nothing was changed. Check the disk or the "
              "drive your data is on, then try again.",
    }
    return StoreProblem(messages[kind], kind=kind, detail=detail)


def open_problem(paths: DataPaths, exc: BaseException) -> StoreProblem:
    """The :class:`StoreProblem` for an error met while opening or checking the database."""
    detail = str(exc) or type(exc).__name__
    if sqlite_files.is_corruption_error(exc):
        return corrupt_problem(paths, detail)
    return problem_for(paths, cause_kind(paths, exc), detail)


def check_database(paths: DataPaths) -> StoreProblem | None:
    """Check the database file with its own read-only connection (any thread).

    None when it is sound; a ``corrupt`` problem only for real damage, another
    kind when it could not be checked (busy, full, not allowed, disk error).
    """
    path = paths.database
    try:
        header = header_problem(path)
    except OSError as exc:
        return open_problem(paths, exc)
    if header:
        return corrupt_problem(paths, header)
    try:
        con = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True, timeout=5.0)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        return open_problem(paths, exc)
    messages = [row[0] for row in rows]
    return None if messages == ["ok"] else corrupt_problem(paths, "; ".join(messages[:5]))


def lost_data_problem(paths: DataPaths) -> StoreProblem | None:
    """A ``lost`` problem when the database is empty or missing but a backup holds data."""
    if has_database(paths):
        return None
    backup = backups.latest_backup_with_data(paths.backups)
    return lost_problem(paths, backup) if backup is not None else None


def check_closed_database(paths: DataPaths) -> StoreProblem | None:
    """:func:`check_database` on a closed file, without leaving a new ``-wal``/``-shm``
    beside it (reading a file in WAL mode creates them)."""
    sides = [paths.database.with_name(paths.database.name + s) for s in ("-wal", "-shm")]
    present = [side.exists() for side in sides]
    problem = check_database(paths)
    wal, shm = sides
    if not present[0] and wal.exists() and wal.stat().st_size == 0:
        wal.unlink()
        if not present[1]:
            shm.unlink(missing_ok=True)
    return problem
