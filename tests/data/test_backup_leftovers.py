"""Backups leave nothing behind: no ``-wal``/``-shm`` beside a copy (backups are kept out of
WAL mode), and a copy killed part-way (``.part``) or a restore killed part-way
(``.restoring``) is removed at the next start, unless another process is still writing it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from models import database
from models.application import Application
from services.core.paths import DataPaths
from services.core.store import open_store
from services.data import backups
from tests.conftest import ROOT, subprocess_env


def _closed_data(paths: DataPaths) -> None:
    opened = open_store(paths)
    for n in range(50):
        Application.create(company=f"Company {n}", role="Engineer", notes="n" * 200)
    opened.close()
    database.close()


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _journal_mode(path) -> bytes:
    """Bytes 18 and 19 of the header: 1, 1 for a rollback journal, 2, 2 for WAL."""
    with open(path, "rb") as handle:
        return handle.read(20)[18:20]


def test_backups_leave_nothing_but_themselves_and_are_not_in_wal_mode(store):
    Application.create(company="Lumen", role="Data Engineer")
    live = backups.make_backup(store.db, store.paths.backups, reason="manual")
    daily = backups.backup_file(store.paths.database, store.paths.backups, "daily")
    assert _names(store.paths.backups) == sorted([live.path.name, daily.path.name])
    for info in (live, daily):
        assert _journal_mode(info.path) == b"\x01\x01"
    # Reading them (as the Data page, the recovery and the rotation do) leaves nothing either.
    assert backups.latest_good_backup(store.paths.backups) is not None
    assert backups.latest_backup_with_data(store.paths.backups) is not None
    assert _names(store.paths.backups) == sorted([live.path.name, daily.path.name])


def test_a_restore_leaves_nothing_beside_the_database(store):
    Application.create(company="Lumen", role="Data Engineer")
    info = backups.make_backup(store.db, store.paths.backups, reason="manual")
    store.close()
    database.close()
    backups.restore_backup(store.paths, info.path)
    assert not [p for p in store.paths.root.iterdir() if ".restoring" in p.name]


_KILLED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from services.data import backups

    def copy(partial):
        # Half a copy and its journal on disk, then the process dies as in a kill.
        partial.write_bytes(b"SQLite format 3\\0" + bytes(65536))
        Path(str(partial) + "-journal").write_bytes(bytes(512))
        os.kill(os.getpid(), signal.SIGKILL)

    # The private writer is driven directly: the copy step is where a kill lands.
    backups._write_backup(copy, Path(sys.argv[2]), "daily", None)
""")


def test_a_backup_killed_part_way_is_cleaned_up_at_the_next_start(data_paths):
    _closed_data(data_paths)
    child = subprocess.run([sys.executable, "-c", _KILLED, str(ROOT), str(data_paths.backups)],
                           capture_output=True, text=True, timeout=60, env=subprocess_env())
    assert child.returncode == -9
    left = _names(data_paths.backups)
    assert any(name.endswith(".part") for name in left)
    assert any(name.endswith(".part-journal") for name in left)
    # A restore killed part-way leaves its copy beside the database.
    restoring = data_paths.database.with_name(data_paths.database.name + ".restoring")
    restoring.write_bytes(b"SQLite format 3\0" + bytes(4096))

    open_store(data_paths).close()  # the next start

    assert _names(data_paths.backups) == []
    assert not restoring.exists()


_SLOW = textwrap.dedent("""
    import sqlite3, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from models.sqlite_files import keep_out_of_wal
    from services.data import backups

    def copy(partial):
        print("copying", flush=True)
        sys.stdin.readline()  # paused half-way until the test says go on
        source = sqlite3.connect(sys.argv[3])
        target = sqlite3.connect(partial)
        source.backup(target)
        keep_out_of_wal(target)
        target.close()
        source.close()

    info = backups._write_backup(copy, Path(sys.argv[2]), "manual", None)
    print(info.path.name, flush=True)
""")


def test_a_backup_still_being_written_by_another_process_is_left_alone(data_paths):
    _closed_data(data_paths)
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW, str(ROOT), str(data_paths.backups),
         str(data_paths.database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=subprocess_env())
    try:
        assert child.stdout.readline().strip() == "copying"
        partial = [p for p in data_paths.backups.iterdir() if p.name.endswith(".part")]
        assert len(partial) == 1

        from services.core import data_folder

        assert data_folder.remove_leftovers(data_paths) == []
        open_store(data_paths).close()  # a start meanwhile (the command line, say)
        assert partial[0].exists()

        child.stdin.write("go on\n")
        child.stdin.flush()
        name = child.stdout.readline().strip()
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
        child.stdin.close()
        child.stdout.close()
    assert _names(data_paths.backups) == [name]
    assert backups.file_problems(data_paths.backups / name) == []


def test_an_older_backup_kept_in_wal_mode_loses_its_side_files_at_start(data_paths):
    """Backups made before this fix are in WAL mode: reading one left an empty ``-wal`` and a
    ``-shm`` beside it. They go at the next start; the backup stays whole."""
    _closed_data(data_paths)
    old = data_paths.backups / "nextsteps-20250101-000000-daily.sqlite3"
    con = sqlite3.connect(data_paths.database)
    target = sqlite3.connect(old)
    con.backup(target)  # a copy of a WAL file, as older versions made it
    target.close()
    con.close()
    assert _journal_mode(old) == b"\x02\x02"
    reader = sqlite3.connect(old.absolute().as_uri() + "?mode=ro", uri=True)
    reader.execute("PRAGMA integrity_check").fetchall()
    reader.close()
    assert len(_names(data_paths.backups)) == 3  # the backup, its -wal and its -shm

    open_store(data_paths).close()

    assert _names(data_paths.backups) == [old.name]
    assert backups.file_problems(old) == []
