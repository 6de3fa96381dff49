"""Databases the upgrade must refuse or roll back: a newer schema and a foreign SQLite file are
left byte-identical, and a failed upgrade step leaves the file as it was."""

from __future__ import annotations

import sqlite3

import pytest

from models import database, migrations
from models.application import Application
from models.schema import CURRENT_VERSION
from services.core.store import StoreProblem, open_store
from services.data import backups
from tests.models.schema_files import open_read_only, place_v1, schema_of, schema_version


def test_newer_schema_is_refused_and_the_file_left_alone(data_paths):
    first = open_store(data_paths)
    Application.create(company="Lumen", role="Engineer")
    first.close()
    con = sqlite3.connect(data_paths.database)
    con.execute(
        "INSERT INTO schema_version VALUES (?, '2030-01-01T00:00:00+00:00')",
        (CURRENT_VERSION + 1,),
    )
    con.commit()
    con.close()
    before = data_paths.database.read_bytes()

    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)

    assert caught.value.kind == "newer"
    assert "newer version" in caught.value.message
    assert data_paths.database.read_bytes() == before
    assert backups.list_backups(data_paths.backups) == []


def test_newer_schema_in_rollback_journal_mode_is_left_byte_identical(data_paths):
    """A file never opened in WAL mode must not be switched to WAL before being refused."""
    place_v1(data_paths)
    con = sqlite3.connect(data_paths.database)
    con.execute("INSERT INTO schema_version VALUES (?, '2030-01-01T00:00:00+00:00')", (99,))
    con.commit()
    con.close()
    before = data_paths.database.read_bytes()

    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)

    assert caught.value.kind == "newer"
    assert data_paths.database.read_bytes() == before


def test_foreign_sqlite_file_is_refused_and_left_alone(data_paths):
    data_paths.root.mkdir(parents=True)
    con = sqlite3.connect(data_paths.database)
    con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    con.execute("INSERT INTO photos (path) VALUES ('/tmp/cat.jpg')")
    con.commit()
    con.close()
    before = data_paths.database.read_bytes()

    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)

    assert caught.value.kind == "foreign"
    assert data_paths.database.read_bytes() == before


class _StepFailed(Exception):
    pass


def test_failed_upgrade_step_rolls_everything_back(data_paths, monkeypatch):
    def half_step(db):
        db.execute_sql(
            "ALTER TABLE application ADD COLUMN \"channel\" VARCHAR(255) NOT NULL DEFAULT 'x'"
        )
        db.execute_sql("UPDATE application SET notes = 'overwritten'")
        raise _StepFailed("boom")

    monkeypatch.setitem(migrations.UPGRADES, 2, half_step)
    place_v1(data_paths)
    original = schema_of(data_paths.database)

    with pytest.raises(_StepFailed):
        open_store(data_paths)

    assert schema_version(data_paths.database) == 1
    assert schema_of(data_paths.database) == original
    con = open_read_only(data_paths.database)
    try:
        assert con.execute("SELECT notes FROM application ORDER BY id").fetchall() == [
            ("Referred by Ana.",),
            ("Ünïcode ✓ 日本語",),
        ]
        assert con.execute("SELECT count(*) FROM stage_change").fetchone()[0] == 3
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    # The backup made before the attempt is there, and the real upgrade still works.
    assert len(backups.list_backups(data_paths.backups)) == 1
    monkeypatch.undo()
    again = open_store(data_paths)
    try:
        assert again.upgraded_from == 1
        assert Application.select().count() == 2
        assert again.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        again.close()


def test_failed_upgrade_leaves_foreign_keys_on_for_the_connection(data_paths, monkeypatch):
    """A step that fails must not leave the shared connection with foreign keys off."""
    seen = {}

    def failing(db):
        seen["db"] = db
        raise _StepFailed("boom")

    monkeypatch.setitem(migrations.UPGRADES, 2, failing)
    place_v1(data_paths)
    db = None
    db = database.connect(data_paths.database)
    try:
        with pytest.raises(_StepFailed):
            migrations.prepare_schema(db)
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.schema_version(db) == 1
    finally:
        db.close()
