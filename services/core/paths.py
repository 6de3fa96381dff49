"""The one place that decides where Next Steps keeps its files.

Everything lives under one data folder: the database, its backups and the
logs. The folder is, in order of precedence, the ``--data-dir`` option, the
``NEXTSTEPS_DATA_DIR`` environment variable, or the platform's user data
folder from :mod:`platformdirs`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "NextSteps"
ENV_DATA_DIR = "NEXTSTEPS_DATA_DIR"
DATABASE_NAME = "nextsteps.sqlite3"


class DataPaths:
    """Every path the app writes to, derived from one root folder.

    (A plain class rather than a dataclass: ``dataclasses`` costs start-up time.)
    """

    __slots__ = ("root",)

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataPaths) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"DataPaths({str(self.root)!r})"

    @property
    def database(self) -> Path:
        """The SQLite database file."""
        return self.root / DATABASE_NAME

    @property
    def backups(self) -> Path:
        """Folder of database backups made with SQLite's backup API."""
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        """Folder of rotating log files."""
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        """The current log file."""
        return self.logs / "nextsteps.log"

    @property
    def lock_file(self) -> Path:
        """Lock held by the running instance for this data folder."""
        return self.root / "nextsteps.lock"

    @property
    def requests(self) -> Path:
        """Folder where a second launch leaves a request for the running copy."""
        return self.root / "requests"

    @property
    def form_drafts(self) -> Path:
        """Folder where unsaved editor forms are kept so a crash loses nothing."""
        return self.root / "form-drafts"

    def ensure(self) -> None:
        """Create the data, backup, log and draft folders if they are missing.

        New folders are private (0700 on POSIX): the data is a job search.
        """
        for folder in (self.root, self.backups, self.logs, self.form_drafts):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)


#: Below this much free space on the data folder's disk, the data is opened for reading only.
MIN_FREE_BYTES = 256 * 1024


def disk_is_full(folder: Path) -> bool:
    """True when the disk holding ``folder`` has less than :data:`MIN_FREE_BYTES` free."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # a missing folder; no statvfs on Windows
        return False
    return stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES


def has_database(paths: DataPaths) -> bool:
    """True when the data folder holds a database file with something in it."""
    try:
        return paths.database.stat().st_size > 0
    except OSError:
        return False


def journal_pending(paths: DataPaths) -> bool:
    """True when the database's write-ahead log holds changes not yet in the file."""
    try:
        return paths.database.with_name(paths.database.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def reading_uri(paths: DataPaths, *, full: bool = False) -> str:
    """The SQLite URI that reads the database without writing anything beside it.

    Reading a file in WAL mode needs its shared-memory file: when that file is
    missing and cannot be created, or cannot grow on a ``full`` disk, the file
    is opened as immutable, which is safe while its journal holds nothing.
    """
    # as_uri() percent-encodes "#", "?", "%" and spaces, which SQLite would misread.
    uri = paths.database.absolute().as_uri() + "?mode=ro"
    shm = paths.database.with_name(paths.database.name + "-shm")
    if (full or not shm.exists()) and not journal_pending(paths):
        uri += "&immutable=1"
    return uri


def read_only_uri(paths: DataPaths) -> str | None:
    """:func:`reading_uri` when the data folder cannot be written to or its disk is full;
    None when a plain connection can read (and write) it."""
    full = disk_is_full(paths.root)
    if full or (paths.root.is_dir() and not os.access(paths.root, os.W_OK | os.X_OK)):
        return reading_uri(paths, full=full)
    return None


def default_data_dir() -> Path:
    """The platform's per-user data folder for Next Steps."""
    # platformdirs: only needed without --data-dir; not on every start.
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


def resolve_data_paths(cli_data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
    """Pick the data folder: the option, then the environment, then the platform default."""
    if cli_data_dir:
        root = Path(cli_data_dir)
    elif os.environ.get(ENV_DATA_DIR):
        root = Path(os.environ[ENV_DATA_DIR])
    else:
        root = default_data_dir()
    return DataPaths(root.expanduser().resolve())


def project_root() -> Path:
    """The folder holding ``main.py`` and ``resources/`` in a checkout (``services/core/``
    is two levels below it)."""
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    """The folder of icons, templates and styles, in a checkout or a frozen build."""

    frozen_root = getattr(sys, "_MEIPASS", None)
    base = Path(frozen_root) if frozen_root else project_root()
    return base / "resources"
