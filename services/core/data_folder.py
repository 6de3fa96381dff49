"""Keeping the data folder private and free of leftovers.

The folder holds a job search: salary notes, emails, names. On POSIX its
folders are 0700 and its files 0600, set when they are made and tightened at
every start for those made by older versions. Copies interrupted by a crash
or a kill (``*.part`` backups, a ``.restoring`` database) are removed at start
and after each backup, unless another process is still writing them.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from services.core.paths import DATABASE_NAME, DataPaths

try:  # POSIX only: a copy in progress holds a lock on its partial file.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger(__name__)

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600

#: Without file locks (Windows), a partial copy this old is taken as abandoned.
ABANDONED_AFTER_S = 3600

#: The names the app itself puts directly in the data folder.
_OWN_FOLDERS = ("backups", "logs", "form-drafts", "requests")
_OWN_PREFIX = "nextsteps"
_PARTIAL_SUFFIXES = (".part", ".restoring")
_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and readable only by its owner, unless it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)


@contextmanager
def claimed_partial(path: Path) -> Iterator[None]:
    """Create ``path`` (0600, empty) for a copy and hold it while the copy is written.

    While held, :func:`remove_leftovers` in any process leaves the file alone.
    The caller renames or removes the file before leaving the block. Raises
    ``OSError`` (and touches nothing) when another process holds the name.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(fd, 0)
    except BaseException:
        os.close(fd)
        raise
    if fcntl is None:
        os.close(fd)  # Windows renames no open file; leftovers are told by their age there
    try:
        yield
    finally:
        if fcntl is not None:
            os.close(fd)


def _abandoned(path: Path) -> bool:
    """True when nobody is writing the partial copy ``path`` any more."""
    if fcntl is None:
        try:
            return time.time() - path.stat().st_mtime > ABANDONED_AFTER_S
        except OSError:
            return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: a copy is being written right now
    finally:
        os.close(fd)
    return True


def _unlink(path: Path, removed: list[Path]) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    removed.append(path)


def remove_leftovers(paths: DataPaths) -> list[Path]:
    """Remove abandoned partial copies (and their journals); return what was removed.

    Also removes the empty ``-wal`` and the ``-shm`` that reading an older
    backup (kept in WAL mode) leaves beside it.
    """
    removed: list[Path] = []
    candidates = [paths.root / f"{DATABASE_NAME}.restoring"]
    if paths.backups.is_dir():
        candidates += [p for p in paths.backups.iterdir() if p.name.endswith(".part")]
    for partial in candidates:
        if partial.exists() and not _abandoned(partial):
            continue
        for suffix in _SIDE_SUFFIXES:
            _unlink(partial.with_name(partial.name + suffix), removed)
        _unlink(partial, removed)
    if paths.backups.is_dir():
        for wal in paths.backups.glob("*.sqlite3-wal"):
            if wal.stat().st_size == 0:
                _unlink(wal.with_name(wal.name[: -len("-wal")] + "-shm"), removed)
                _unlink(wal, removed)
    if removed:
        log.info("removed %d leftover file(s) of interrupted copies", len(removed))
    return removed


def _own_root(paths: DataPaths) -> bool:
    """True when the data folder holds only the app's files (so it may be made private)."""
    for entry in paths.root.iterdir():
        if entry.name not in _OWN_FOLDERS and not entry.name.startswith(_OWN_PREFIX):
            return False
    return True


def _tighten(path: Path, mode: int) -> None:
    try:
        current = stat.S_IMODE(path.lstat().st_mode)
        if path.is_symlink() or current & ~mode == 0:
            return
        os.chmod(path, current & mode)
    except OSError as exc:  # not ours, or a read-only disk: leave it
        log.info("could not make %s private: %s", path, exc)


def make_private(paths: DataPaths) -> None:
    """Folders 0700 and files 0600 on POSIX: the app's own, never the user's other files.

    The data folder itself is tightened only when it holds nothing but the
    app's files (a folder chosen with ``--data-dir`` may be shared with more).
    """
    if os.name != "posix" or not paths.root.is_dir():
        return
    if _own_root(paths):
        _tighten(paths.root, PRIVATE_FOLDER)
    else:
        log.info("%s holds other files too: only the app's own files were made private",
                 paths.root)
    for entry in paths.root.iterdir():
        if entry.name.startswith(_OWN_PREFIX) and entry.is_file():
            _tighten(entry, PRIVATE_FILE)
    for name in _OWN_FOLDERS:
        folder = paths.root / name
        if not folder.is_dir() or folder.is_symlink():
            continue
        _tighten(folder, PRIVATE_FOLDER)
        for entry in folder.iterdir():
            if entry.is_file():
                _tighten(entry, PRIVATE_FILE)


def tidy(paths: DataPaths) -> None:
    """At start: remove leftovers of interrupted copies and make the folder private.

    Never raises: a folder that cannot be tidied is still used as it is.
    """
    try:
        remove_leftovers(paths)
        make_private(paths)
    except OSError as exc:
        log.warning("could not tidy the data folder %s: %s", paths.root, exc)
