"""Backups: made with SQLite's backup API, listed newest first, checked, restored."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from models.application import Application
from services.core.paths import DataPaths
from services.core.store import open_store
from services.data import backups

NAME = re.compile(r"^nextsteps-\d{8}-\d{6}-[a-z0-9-]+\.sqlite3$")


# -- helpers ---------------------------------------------------------------------------------


def _companies(path: Path) -> list[str]:
    con = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT company FROM application ORDER BY id")]
    finally:
        con.close()


def _add(*companies: str) -> None:
    for company in companies:
        Application.create(company=company, role="Engineer")


def _backup_named(source: BackupSource, stamp: str, reason: str = "manual") -> Path:
    """A copy of a real backup under a chosen time stamp."""
    target = source.folder / f"nextsteps-{stamp}-{reason}.sqlite3"
    shutil.copyfile(source.path, target)
    return target


class BackupSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent


@pytest.fixture
def one_backup(store) -> BackupSource:
    """A real, sound backup of a store with one application, in the store's backups folder."""
    _add("Lumen Analytics")
    info = backups.make_backup(store.db, store.paths.backups)
    return BackupSource(info.path)


# -- make_backup ------------------------------------------------------------------------------


def test_backup_is_sound_named_by_the_pattern_and_complete(store):
    _add("Lumen Analytics", "Café Núñez")
    info = backups.make_backup(store.db, store.paths.backups, reason="before-upgrade-v1")

    assert info.path.parent == store.paths.backups
    assert NAME.match(info.path.name)
    assert info.path.name.endswith("-before-upgrade-v1.sqlite3")
    assert info.reason == "before-upgrade-v1"
    assert info.size == info.path.stat().st_size > 0
    assert info.made_at.tzinfo is not None
    assert backups.file_problems(info.path) == []
    assert _companies(info.path) == ["Lumen Analytics", "Café Núñez"]
    assert list(store.paths.backups.glob("*.part")) == []
    assert backups.list_backups(store.paths.backups) == [info]


def test_backup_includes_rows_that_are_still_only_in_the_wal(store, tmp_path):
    _add("Checkpointed")
    store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _add("Only in WAL 1", "Only in WAL 2")
    wal = store.paths.database.with_name(store.paths.database.name + "-wal")
    assert wal.stat().st_size > 0
    # The main file alone does not have the new rows yet.
    main_only = tmp_path / "main-only.sqlite3"
    shutil.copyfile(store.paths.database, main_only)
    assert _companies(main_only) == ["Checkpointed"]

    info = backups.make_backup(store.db, store.paths.backups)

    assert _companies(info.path) == ["Checkpointed", "Only in WAL 1", "Only in WAL 2"]
    assert backups.file_problems(info.path) == []


def test_two_backups_in_a_row_get_distinct_names(store):
    first = backups.make_backup(store.db, store.paths.backups)
    second = backups.make_backup(store.db, store.paths.backups)
    assert first.path != second.path
    assert first.path.exists() and second.path.exists()
    assert len(backups.list_backups(store.paths.backups)) == 2


# -- list_backups and latest_good_backup -------------------------------------------------------


def test_list_backups_newest_first_ignoring_other_files(one_backup):
    folder = one_backup.folder
    older = _backup_named(one_backup, "20260101-090000")
    newest = _backup_named(one_backup, "20261231-235959", "before-upgrade-v1")
    middle = _backup_named(one_backup, "20260615-120000")
    one_backup.path.unlink()
    # Files that are not backups.
    (folder / "notes.txt").write_text("hello")
    (folder / "nextsteps-20270101-000000-manual.part").write_bytes(b"partial")
    (folder / "nextsteps-20270101-000000-manual.sqlite3-journal").write_bytes(b"j")
    (folder / "nextsteps-2027-manual.sqlite3").write_bytes(b"bad stamp")
    (folder / "other-20270101-000000-manual.sqlite3").write_bytes(b"other app")

    listed = backups.list_backups(folder)

    assert [info.path for info in listed] == [newest, middle, older]
    assert listed[0].reason == "before-upgrade-v1"
    assert listed[0].made_at.isoformat() == "2026-12-31T23:59:59+00:00"
    assert listed[2].size == older.stat().st_size


def test_list_backups_of_a_missing_folder_is_empty(tmp_path):
    assert backups.list_backups(tmp_path / "nowhere") == []
    assert backups.latest_good_backup(tmp_path / "nowhere") is None


def test_latest_good_backup_skips_a_damaged_newer_one(one_backup):
    good = _backup_named(one_backup, "20260101-090000")
    one_backup.path.unlink()
    truncated = one_backup.folder / "nextsteps-20260301-090000-manual.sqlite3"
    truncated.write_bytes(good.read_bytes()[:4096])
    garbage = one_backup.folder / "nextsteps-20260401-090000-manual.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    empty = one_backup.folder / "nextsteps-20260501-090000-manual.sqlite3"
    empty.write_bytes(b"")

    assert backups.list_backups(one_backup.folder)[0].path == empty
    assert backups.file_problems(truncated) != []
    assert backups.file_problems(garbage) != []
    assert backups.latest_good_backup(one_backup.folder).path == good


def test_checking_a_backup_does_not_create_or_change_files(one_backup, tmp_path):
    missing = tmp_path / "missing.sqlite3"
    assert backups.file_problems(missing) != []
    assert not missing.exists()
    before = one_backup.path.read_bytes()
    assert backups.file_problems(one_backup.path) == []
    assert one_backup.path.read_bytes() == before


@pytest.mark.parametrize("folder_name", ["data #1", "data ?x", "data %41", "data ü space"])
def test_backups_work_in_folders_with_uri_special_characters(tmp_path, folder_name):
    """'#', '?' and '%' mean something in an SQLite URI; a data folder may contain them."""
    paths = DataPaths(tmp_path / folder_name)
    beside = sorted(p.name for p in tmp_path.iterdir())
    store = open_store(paths)
    try:
        _add("Lumen Analytics")
        info = backups.make_backup(store.db, paths.backups)
    finally:
        store.close()
    assert backups.latest_good_backup(paths.backups) == info

    damaged = paths.backups / "nextsteps-29990101-000000-manual.sqlite3"
    damaged.write_bytes(b"not a database" * 300)
    assert backups.file_problems(damaged) != []
    assert backups.latest_good_backup(paths.backups) == info

    backups.restore_backup(paths, info.path)
    assert _companies(paths.database) == ["Lumen Analytics"]
    # Nothing was created beside the folder by a misread path.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*beside, folder_name])


# -- restore_backup ---------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_restore_refuses_a_damaged_backup_and_changes_nothing(store):
    _add("Current")
    good = backups.make_backup(store.db, store.paths.backups)
    store.close()
    damaged = store.paths.backups / "nextsteps-20260101-000000-manual.sqlite3"
    damaged.write_bytes(good.path.read_bytes()[:2048])
    before = _files(store.paths.root)

    with pytest.raises(OSError, match="cannot be restored"):
        backups.restore_backup(store.paths, damaged)

    assert _files(store.paths.root) == before
    assert _companies(store.paths.database) == ["Current"]


@pytest.mark.parametrize("kind", ["empty", "foreign"])
def test_restore_refuses_a_file_that_is_not_one_of_our_databases(store, kind):
    """An empty file or another app's database passes integrity_check but is no backup."""
    store.close()
    candidate = store.paths.backups / "nextsteps-20260101-000000-manual.sqlite3"
    if kind == "empty":
        candidate.write_bytes(b"")
    else:
        con = sqlite3.connect(candidate)
        con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
        con.commit()
        con.close()
    before = _files(store.paths.root)

    assert backups.file_problems(candidate) != []
    assert backups.latest_good_backup(store.paths.backups) is None
    with pytest.raises(OSError, match="cannot be restored"):
        backups.restore_backup(store.paths, candidate)
    assert _files(store.paths.root) == before


def test_restore_refuses_a_missing_backup(store):
    store.close()
    before = _files(store.paths.root)
    with pytest.raises(OSError):
        backups.restore_backup(store.paths, store.paths.backups / "nextsteps-gone.sqlite3")
    assert _files(store.paths.root) == before


def test_restore_puts_the_backup_in_place_and_keeps_the_old_database(store):
    _add("From backup")
    info = backups.make_backup(store.db, store.paths.backups)
    _add("Added later")
    store.close()
    previous = store.paths.database.read_bytes()

    kept = backups.restore_backup(store.paths, info.path)

    assert kept is not None and kept.parent == store.paths.root
    assert kept.name.startswith(f"{store.paths.database.name}.replaced-")
    assert kept.read_bytes() == previous
    assert _companies(kept) == ["From backup", "Added later"]
    assert _companies(store.paths.database) == ["From backup"]
    assert not list(store.paths.root.glob("*.restoring"))
    # The backup itself is left as it was.
    assert backups.file_problems(info.path) == []
    reopened = open_store(store.paths)
    try:
        assert [a.company for a in Application.select()] == ["From backup"]
    finally:
        reopened.close()


def test_restore_moves_a_leftover_wal_aside_with_the_old_database(store, tmp_path):
    """After a crash the -wal belongs to the old file; it must not be applied to the backup."""
    _add("From backup")
    info = backups.make_backup(store.db, store.paths.backups)
    _add("Only in the crashed WAL")
    crashed = DataPaths(tmp_path / "crashed")
    crashed.ensure()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(
            store.paths.database.with_name(store.paths.database.name + suffix),
            crashed.database.with_name(crashed.database.name + suffix),
        )
    store.close()

    kept = backups.restore_backup(crashed, info.path)

    assert not crashed.database.with_name(crashed.database.name + "-wal").exists()
    assert kept.with_name(kept.name + "-wal").exists()
    assert _companies(crashed.database) == ["From backup"]
    assert _companies(kept) == ["From backup", "Only in the crashed WAL"]


def test_two_restores_in_the_same_second_keep_both_old_databases(store, monkeypatch):
    _add("First")
    info = backups.make_backup(store.db, store.paths.backups)
    store.close()
    monkeypatch.setattr(backups, "_stamp", lambda now=None: "20260101-120000")

    kept_first = backups.restore_backup(store.paths, info.path)
    con = sqlite3.connect(store.paths.database)
    con.execute(
        "INSERT INTO application (uid, company, role, posting_url, channel, agency_name, "
        "recruiter_name, recruiter_email, contact_name, contact_email, stage, salary_notes, "
        "notes, created_at, updated_at) VALUES ('x', 'Second', 'r', '', 'direct', '', '', '', "
        "'', '', 'applied', '', '', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
    )
    con.commit()
    con.close()
    kept_second = backups.restore_backup(store.paths, info.path)

    assert kept_first != kept_second
    assert _companies(kept_first) == ["First"]
    assert _companies(kept_second) == ["First", "Second"]
    assert _companies(store.paths.database) == ["First"]


def test_set_aside_without_a_database_does_nothing(data_paths):
    data_paths.ensure()
    assert backups.set_aside(data_paths, "damaged") is None
    assert sorted(p.name for p in data_paths.root.iterdir()) == sorted(
        ["backups", "logs", "form-drafts"]
    )
