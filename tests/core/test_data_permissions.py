"""The data folder holds a job search (salary notes, emails, names): on POSIX its folders
are 0700 and its files 0600, whatever the umask, and a folder made by an older version
(0755 folders, 0644 files) is tightened at the next start. The user's own files in a folder
chosen with --data-dir are left alone.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from models import database
from models.application import Application
from services.applications.form_drafts import write_draft
from services.core.logs import setup_logging
from services.core.paths import DataPaths
from services.core.store import open_store
from services.data import backups

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def open_umask():
    """The most permissive umask: every private mode must be set on purpose."""
    old = os.umask(0)
    yield
    os.umask(old)


def _modes(root: Path) -> dict[str, int]:
    """The mode of every file and folder under ``root``; a file that goes away while the
    folder is read (a backup's temporary copy and its journal, written on a worker thread
    while a test waits) is left out."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        try:
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
        except FileNotFoundError:
            continue
    return found


def _too_open(root: Path) -> dict[str, str]:
    return {name: oct(mode) for name, mode in _modes(root).items() if mode & 0o077}


def _use_every_part(paths: DataPaths) -> None:
    """Data, a backup, a daily backup, the log, a form draft and the folder's lock."""
    from ui.shell.single_instance import SingleInstance

    opened = open_store(paths)
    Application.create(company="Lumen", role="Data Engineer", salary_notes="95k asked")
    backups.make_backup(opened.db, paths.backups, reason="manual")
    handler = setup_logging(paths)
    logging.getLogger("nextsteps.test").warning("a line in the log")
    write_draft(paths, "application-new", {"company": "Harbor & Pine"})
    assert paths.database.with_name(paths.database.name + "-wal").exists()
    assert _too_open(paths.root) == {}  # the journal and shared memory too (as the file)
    opened.close()
    database.close()
    backups.daily_backup_if_due(paths)
    lock = SingleInstance(paths)
    assert lock.acquire()
    try:
        assert paths.lock_file.exists()
        assert _too_open(paths.root) == {}
    finally:
        lock.release()
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_a_new_data_folder_is_private(data_paths, open_umask, qtbot):
    _use_every_part(data_paths)
    modes = _modes(data_paths.root)
    assert modes["."] == 0o700
    for name in ("backups", "logs", "form-drafts"):
        assert modes[name] == 0o700
    assert modes["nextsteps.sqlite3"] == 0o600
    assert modes["logs/nextsteps.log"] == 0o600
    assert sum(name.startswith("backups/") for name in modes) == 2
    assert _too_open(data_paths.root) == {}


def test_an_older_open_folder_is_tightened_at_start(data_paths, open_umask):
    opened = open_store(data_paths)
    backups.make_backup(opened.db, data_paths.backups, reason="manual")
    opened.close()
    database.close()
    data_paths.log_file.write_text("old log\n", encoding="utf-8")
    for path in [data_paths.root, *data_paths.root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)  # as older versions left them
    assert _too_open(data_paths.root)

    open_store(data_paths).close()

    assert _too_open(data_paths.root) == {}
    assert backups.file_problems(backups.list_backups(data_paths.backups)[0].path) == []


def test_the_users_other_files_are_left_alone(tmp_path, open_umask):
    shared = tmp_path / "Documents"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    letter = shared / "cover-letter.txt"
    letter.write_text("Dear hiring team", encoding="utf-8")
    os.chmod(letter, 0o644)
    paths = DataPaths(shared)
    open_store(paths).close()
    database.close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # not only ours: not made private
    assert stat.S_IMODE(letter.stat().st_mode) == 0o644
    assert stat.S_IMODE(paths.database.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.backups.stat().st_mode) == 0o700


def test_the_window_tightens_the_folder_after_the_first_paint(qtbot, data_paths, open_umask):
    """The fast start never opens the ORM before the first paint: the folder is tightened
    with the day's backup on a worker thread."""
    from ui.shell import app as app_module

    open_store(data_paths).close()
    database.close()
    os.chmod(data_paths.root, 0o755)
    os.chmod(data_paths.database, 0o644)
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    assert startup.take_folder()
    try:
        assert startup._show_window()
        qtbot.addWidget(startup.window, before_close_func=lambda _w: startup.shutdown())
        qtbot.waitUntil(lambda: _too_open(data_paths.root) == {}, timeout=10000)
    finally:
        startup.shutdown()


def test_tidying_a_folder_that_cannot_be_changed_does_not_fail(data_paths, monkeypatch):
    data_paths.ensure()

    def refuse(path, mode):
        raise PermissionError(1, "Operation not permitted", str(path))

    os.chmod(data_paths.root, 0o755)
    monkeypatch.setattr(os, "chmod", refuse)  # root may chmod anything: play another owner
    from services.core import data_folder

    data_folder.tidy(data_paths)
    monkeypatch.undo()
    assert stat.S_IMODE(data_paths.root.stat().st_mode) == 0o755
