"""Daily backups without the ORM, keeping the last 14 daily ones and every other kind."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from models.application import Application
from services.core.paths import DataPaths
from services.core.store import open_store
from services.data import backups


def _companies(path) -> list[str]:
    con = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT company FROM application ORDER BY id")]
    finally:
        con.close()


def _closed_database(paths: DataPaths, *companies: str) -> None:
    store = open_store(paths)
    for company in companies:
        Application.create(company=company, role="Engineer")
    store.close()


def _fake_backup(source, folder, stamp: str, reason: str):
    target = folder / f"nextsteps-{stamp}-{reason}.sqlite3"
    shutil.copyfile(source, target)
    return target


def test_backup_file_copies_a_closed_database_without_the_orm(data_paths):
    _closed_database(data_paths, "Lumen", "Café Núñez")
    info = backups.backup_file(data_paths.database, data_paths.backups, "manual")
    assert info.reason == "manual"
    assert backups.file_problems(info.path) == []
    assert _companies(info.path) == ["Lumen", "Café Núñez"]
    assert list(data_paths.backups.glob("*.part")) == []


def test_backup_file_includes_what_another_connection_keeps_in_the_wal(store):
    Application.create(company="Committed", role="Engineer")
    wal = store.paths.database.with_name(store.paths.database.name + "-wal")
    assert wal.stat().st_size > 0
    result = {}
    # From a worker thread, as the app does it after the first paint.
    worker = threading.Thread(target=lambda: result.update(
        info=backups.backup_file(store.paths.database, store.paths.backups, "daily")))
    worker.start()
    worker.join()
    assert _companies(result["info"].path) == ["Committed"]


def test_backup_file_of_nothing_is_an_error(data_paths):
    data_paths.ensure()
    with pytest.raises(OSError, match="no database"):
        backups.backup_file(data_paths.database, data_paths.backups)
    data_paths.database.write_bytes(b"")
    with pytest.raises(OSError, match="no database"):
        backups.backup_file(data_paths.database, data_paths.backups)


def test_backup_file_refuses_to_keep_a_copy_of_a_damaged_file(data_paths):
    data_paths.ensure()
    data_paths.database.write_bytes(b"not a database at all" * 500)
    with pytest.raises(OSError):
        backups.backup_file(data_paths.database, data_paths.backups, "daily")
    assert backups.list_backups(data_paths.backups) == []
    assert list(data_paths.backups.iterdir()) == []


def test_backup_reasons_are_checked():
    with pytest.raises(ValueError):
        backups.make_backup(None, backups.Path("/nonexistent"), reason="../../etc")


def test_counter_suffix_is_not_part_of_the_reason(data_paths):
    _closed_database(data_paths, "A")
    when = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    first = backups.backup_file(data_paths.database, data_paths.backups, "daily", now=when)
    second = backups.backup_file(data_paths.database, data_paths.backups, "daily", now=when)
    assert second.path.name.endswith("-daily-2.sqlite3")
    assert [info.reason for info in backups.list_backups(data_paths.backups)] == ["daily"] * 2
    assert {first.path, second.path} == {i.path for i in backups.list_backups(data_paths.backups)}


# -- daily_backup_if_due ----------------------------------------------------------------------


def test_first_start_of_the_day_makes_one_backup_and_later_starts_none(data_paths):
    _closed_database(data_paths, "Lumen")
    morning = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)

    first = backups.daily_backup_if_due(data_paths, now=morning)
    again = backups.daily_backup_if_due(data_paths, now=morning + timedelta(hours=10))
    next_day = backups.daily_backup_if_due(data_paths, now=morning + timedelta(days=1))

    assert first is not None and first.reason == "daily"
    assert first.made_at == morning
    assert again is None
    assert next_day is not None and next_day.made_at.date() == date(2026, 3, 3)
    assert len(backups.list_backups(data_paths.backups)) == 2


def test_other_kinds_of_backup_do_not_count_as_the_daily_one(data_paths):
    _closed_database(data_paths, "Lumen")
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    backups.backup_file(data_paths.database, data_paths.backups, "manual", now=now)
    assert backups.daily_backup_if_due(data_paths, now=now) is not None


def test_nothing_to_back_up_before_the_first_database(data_paths):
    assert backups.daily_backup_if_due(data_paths) is None
    assert not data_paths.backups.exists()


def test_only_the_last_14_daily_backups_are_kept_and_no_other_kind_is_deleted(data_paths):
    _closed_database(data_paths, "Lumen")
    source = backups.backup_file(data_paths.database, data_paths.backups, "manual").path
    folder = data_paths.backups
    start = date(2026, 1, 1)
    daily = [_fake_backup(source, folder, f"{start + timedelta(days=i):%Y%m%d}-080000", "daily")
             for i in range(20)]
    kept_kinds = [
        _fake_backup(source, folder, "20250101-000000", "before-upgrade-v1"),
        _fake_backup(source, folder, "20250102-000000", "manual"),
        _fake_backup(source, folder, "20250103-000000", "before-import"),
    ]

    made = backups.daily_backup_if_due(data_paths, now=datetime(2026, 2, 1, 8, tzinfo=UTC))

    listed = backups.list_backups(folder)
    dailies = [info.path for info in listed if info.reason == "daily"]
    assert len(dailies) == backups.KEEP_DAILY == 14
    assert dailies[0] == made.path
    assert set(dailies[1:]) == set(daily[-13:])
    for path in daily[:7]:
        assert not path.exists()
    for path in [*kept_kinds, source]:
        assert path.exists()


def test_a_failed_daily_backup_deletes_no_older_one(data_paths, monkeypatch):
    _closed_database(data_paths, "Lumen")
    source = backups.backup_file(data_paths.database, data_paths.backups, "manual").path
    for i in range(20):
        _fake_backup(source, data_paths.backups, f"202601{i + 1:02d}-080000", "daily")
    monkeypatch.setattr(backups, "file_problems", lambda path: ["simulated damage"])
    with pytest.raises(OSError, match="integrity check"):
        backups.daily_backup_if_due(data_paths, now=datetime(2026, 2, 1, tzinfo=UTC))
    monkeypatch.undo()
    assert len([i for i in backups.list_backups(data_paths.backups) if i.reason == "daily"]) == 20


def test_daily_backup_due_looks_at_the_newest_daily_backup(data_paths):
    _closed_database(data_paths, "Lumen")
    made = backups.backup_file(data_paths.database, data_paths.backups, "daily",
                               now=datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    assert made.reason == "daily"
    assert not backups.daily_backup_due(data_paths.backups, date(2026, 3, 2))
    assert backups.daily_backup_due(data_paths.backups, date(2026, 3, 3))


@pytest.mark.parametrize("reason, words", [
    ("daily", "Daily"), ("manual", "Made by you"), ("before-import", "Before an import"),
    ("before-upgrade-v1", "upgrade from data version 1"), ("something-else", "Something else"),
])
def test_reasons_in_words(reason, words):
    assert words in backups.describe_reason(reason)
