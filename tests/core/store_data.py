"""What the tests of the data's causes share (test_store_causes.py, test_store_full_disk.py):
a data folder with a backup (:func:`data_with_backup`), a folder's files (:func:`listing`),
and the app run from the command line (:func:`run_main`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from models import database
from models.application import Application
from services.core.paths import DataPaths
from services.core.store import open_store
from services.data import backups
from tests.conftest import ROOT, subprocess_env


def data_with_backup(paths: DataPaths, *companies: str) -> backups.BackupInfo:
    """Data with ``companies`` (two by default) and a backup of it, closed again."""
    opened = open_store(paths)
    for company in companies or ("Lumen", "Café Núñez"):
        Application.create(company=company, role="Engineer")
    info = backups.make_backup(opened.db, paths.backups, reason="manual")
    opened.close()
    database.close()
    return info


def listing(folder: Path) -> dict[str, bytes]:
    """The files of ``folder`` and their bytes (not SQLite's -wal and -shm)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def run_main(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    """``main.py`` with ``args`` on ``data_dir``, in a child process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, timeout=120, env=subprocess_env(), cwd=ROOT)
