"""The upgrade of a real version-4 database file: a backup first, the schema and triggers of a
new file (the list keys added, empty), every row kept byte-identical; then the app fills the
keys and a search answered from them shows what the whole list shows."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from models.list_key import TRIGGERS
from models.schema import CURRENT_VERSION
from services.applications.index import ApplicationIndex
from services.applications.list_keys import connect_for_filling, fill_missing
from services.data import backups
from tests.applications.index_data import NOW
from tests.models.schema_files import (
    LIST_KEY_TABLES,
    MAILBOX_TABLES,
    V4_FILE,
    fresh_schema,
    rows_of,
    schema_of,
    schema_version,
    upgrading,
)


def _triggers(path) -> set[str]:
    with closing(sqlite3.connect(path)) as con:
        return {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}


@pytest.fixture
def upgraded(data_paths):
    """The v4 file upgraded by open_store: (the opened store, the rows it held before)."""
    with upgrading(V4_FILE, data_paths) as result:
        yield result


def test_v4_fixture_is_what_it_claims():
    assert schema_version(V4_FILE) == 4
    schema = schema_of(V4_FILE)
    assert set(MAILBOX_TABLES) <= set(schema)
    assert not set(LIST_KEY_TABLES) & set(schema)
    assert _triggers(V4_FILE) == set()
    rows = rows_of(V4_FILE)
    assert all(rows[table] for table in rows)


def test_v4_upgrades_to_the_schema_of_a_new_file_with_its_data(upgraded, tmp_path):
    opened, before = upgraded
    assert (opened.created, opened.upgraded_from) == (False, 4)
    opened.close()
    assert schema_version(opened.paths.database) == CURRENT_VERSION == 5
    assert schema_of(opened.paths.database) == fresh_schema(tmp_path)
    assert _triggers(opened.paths.database) == set(TRIGGERS)
    assert rows_of(opened.paths.database) == before | {table: [] for table in LIST_KEY_TABLES}


def test_the_v4_upgrade_backs_the_file_up_first(upgraded):
    opened, before = upgraded
    (backup,) = backups.list_backups(opened.paths.backups)
    assert backup.reason == "before-upgrade-v4"
    assert schema_version(backup.path) == 4
    assert rows_of(backup.path) == before


def test_the_upgraded_file_gets_its_keys_and_answers_searches_from_them(upgraded):
    opened, _before = upgraded
    with closing(connect_for_filling(opened.paths)) as con:
        assert fill_missing(con) == 3
    with closing(sqlite3.connect(opened.paths.database)) as con:
        full = ApplicationIndex.load(con, NOW)
        full.set_filter("jose")  # an interviewer of Lumen Analytics, folded
        answer = ApplicationIndex.load_matches(con, NOW, "jose", None, 10)
    assert [row.company for row in full.visible] == ["Lumen Analytics"]
    assert [row.id for row in answer.visible] == [row.id for row in full.visible]
    assert answer.matched == 1
