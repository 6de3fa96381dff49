"""Opening the data folder: creation, reopening, damaged files and recovery from backups."""

from __future__ import annotations

import sqlite3

import pytest

from models import database
from models.application import Application
from models.schema import CURRENT_VERSION
from services.core.paths import DataPaths
from services.core.store import StoreProblem, keep_aside_and_restore, open_store
from services.data import backups

BTREE_PAGE_TYPES = {2, 5, 10, 13}  # interior/leaf index, interior/leaf table


# -- helpers ---------------------------------------------------------------------------------


def _fill(count: int, prefix: str = "Company") -> None:
    with Application._meta.database.atomic():
        for i in range(count):
            Application.create(company=f"{prefix} {i}", role="Engineer", notes="n" * 300)


def _close_and_checkpoint(store) -> None:
    """Close the store so the WAL is folded into the main file and removed."""
    store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    database.close()
    for suffix in ("-wal", "-shm"):
        assert not store.paths.database.with_name(store.paths.database.name + suffix).exists()


def _sound_database(paths: DataPaths, *, rows: int = 300, backup: bool = False):
    """A closed, checkpointed database with ``rows`` applications; optionally a backup first.

    When ``backup`` is true the backup holds ``rows`` applications named "Kept n"
    and the live file has 5 more named "Later n" that the backup lacks.
    """
    store = open_store(paths)
    _fill(rows, "Kept")
    info = None
    if backup:
        info = backups.make_backup(store.db, paths.backups)
        _fill(5, "Later")
    _close_and_checkpoint(store)
    return info


def _page_size(path) -> int:
    header = path.read_bytes()[:100]
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _flip_bytes_in_page(path, page: int, start: int = 8, end: int = 64) -> None:
    """XOR bytes ``start:end`` of b-tree ``page`` (1-based) with 0xFF."""
    size = _page_size(path)
    data = bytearray(path.read_bytes())
    base = (page - 1) * size
    assert len(data) >= page * size, "the database is too small for that page"
    assert data[base] in BTREE_PAGE_TYPES, "the chosen page is not a b-tree page"
    for offset in range(base + start, base + end):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _kept_aside_files(paths: DataPaths, label: str) -> list:
    return sorted(paths.root.glob(f"{paths.database.name}.{label}-*"))


def _companies() -> list[str]:
    return [a.company for a in Application.select().order_by(Application.id)]


# -- creating and reopening --------------------------------------------------------------------


def test_empty_folder_gets_a_new_database(data_paths):
    assert not data_paths.root.exists()
    store = open_store(data_paths)
    try:
        assert store.created is True
        assert store.upgraded_from is None
        assert data_paths.database.is_file()
        for folder in (data_paths.backups, data_paths.logs, data_paths.form_drafts):
            assert folder.is_dir()
        assert database.schema_version(store.db) == CURRENT_VERSION
        assert Application.select().count() == 0
    finally:
        store.close()


def test_reopening_keeps_the_data(data_paths):
    first = open_store(data_paths)
    Application.create(company="Café Núñez", role="Backend Developer")
    first.close()

    second = open_store(data_paths)
    try:
        assert second.created is False
        assert _companies() == ["Café Núñez"]
    finally:
        second.close()


def test_zero_byte_database_file_without_backups_is_treated_as_new(data_paths):
    """No backup holds data, so nothing was lost (with one that does, an empty file is a
    loss to report: tests/core/test_lost_data.py)."""
    data_paths.root.mkdir(parents=True)
    data_paths.database.touch()
    assert backups.latest_backup_with_data(data_paths.backups) is None
    store = open_store(data_paths)
    try:
        assert store.created is True
        assert database.schema_version(store.db) == CURRENT_VERSION
        Application.create(company="Lumen", role="Engineer")
    finally:
        store.close()
    assert data_paths.database.stat().st_size > 0
    assert backups.file_problems(data_paths.database) == []


# -- damaged files -----------------------------------------------------------------------------


def _damage_random_bytes(paths: DataPaths) -> None:
    paths.database.write_bytes(bytes(range(256)) * 64)  # not an SQLite header


def _damage_truncate_half(paths: DataPaths) -> None:
    data = paths.database.read_bytes()
    paths.database.write_bytes(data[: len(data) // 2])


def _damage_flip_page_3(paths: DataPaths) -> None:
    _flip_bytes_in_page(paths.database, 3)


DAMAGES = {
    "random-bytes": _damage_random_bytes,
    "truncated": _damage_truncate_half,
    "flipped-page-3": _damage_flip_page_3,
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_database_is_reported_with_the_sound_backup(data_paths, damage):
    good = _sound_database(data_paths, backup=True)
    DAMAGES[damage](data_paths)
    damaged_bytes = data_paths.database.read_bytes()

    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)

    problem = caught.value
    assert problem.kind == "corrupt"
    assert problem.backup is not None
    assert problem.backup.path == good.path
    assert "damaged" in problem.message
    assert "backup" in problem.message
    # Detection itself changes nothing.
    assert data_paths.database.read_bytes() == damaged_bytes


@pytest.mark.parametrize("damage", DAMAGES)
def test_restoring_the_backup_keeps_the_damaged_file_aside(data_paths, damage):
    _sound_database(data_paths, rows=300, backup=True)
    DAMAGES[damage](data_paths)
    damaged_bytes = data_paths.database.read_bytes()
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)

    kept = keep_aside_and_restore(data_paths, caught.value.backup)

    assert kept is not None
    assert kept.parent == data_paths.root
    assert kept.name.startswith(f"{data_paths.database.name}.damaged-")
    assert kept.read_bytes() == damaged_bytes
    assert _kept_aside_files(data_paths, "damaged") == [kept]
    assert not data_paths.database.with_name(data_paths.database.name + ".restoring").exists()

    store = open_store(data_paths)
    try:
        assert store.created is False
        names = _companies()
        assert len(names) == 300
        assert names[0] == "Kept 0"
        assert not any(name.startswith("Later") for name in names)
    finally:
        store.close()


def test_damaged_database_without_backup_is_set_aside_and_the_app_starts_empty(data_paths):
    _sound_database(data_paths, rows=300, backup=False)
    _damage_flip_page_3(data_paths)
    damaged_bytes = data_paths.database.read_bytes()

    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "corrupt"
    assert caught.value.backup is None
    assert "No sound backup" in caught.value.message

    kept = keep_aside_and_restore(data_paths, None)

    assert kept is not None and kept.read_bytes() == damaged_bytes
    assert not data_paths.database.exists()
    store = open_store(data_paths)
    try:
        assert store.created is True
        assert Application.select().count() == 0
    finally:
        store.close()
    assert kept.read_bytes() == damaged_bytes


def test_a_damaged_backup_is_not_offered(data_paths):
    """Only a backup that passes integrity_check is offered for restoring."""
    good = _sound_database(data_paths, backup=True)
    newer = data_paths.backups / "nextsteps-29991231-235959-manual.sqlite3"
    newer.write_bytes(good.path.read_bytes()[:4096])  # a truncated copy
    _damage_flip_page_3(data_paths)

    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)

    assert backups.list_backups(data_paths.backups)[0].path == newer
    assert caught.value.backup.path == good.path


def test_unreadable_data_folder_is_a_folder_problem(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreProblem) as caught:
        open_store(DataPaths(blocker / "data"))
    assert caught.value.kind == "folder"


def test_store_close_is_idempotent(store):
    store.close()
    store.close()
    assert store.db.is_closed()


def test_rows_only_in_the_wal_are_read_after_reopening(data_paths):
    """Rows not yet checkpointed into the main file are there when the store is reopened."""
    store = open_store(data_paths)
    _fill(3)
    wal = data_paths.database.with_name(data_paths.database.name + "-wal")
    # A second connection keeps the WAL from being folded in when the store closes.
    other = sqlite3.connect(data_paths.database)
    try:
        other.execute("SELECT count(*) FROM application").fetchone()
        store.close()
        assert wal.exists() and wal.stat().st_size > 0
        again = open_store(data_paths)
        try:
            assert len(_companies()) == 3
        finally:
            again.close()
    finally:
        other.close()
