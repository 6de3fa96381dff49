"""The upgrade of a real version-2 database file: the schema of a new file, the data kept, and
the reminders' due index answering the next due reminder."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime

import pytest

from models.schema import CURRENT_VERSION
from services.core.paths import DATABASE_NAME, DataPaths
from services.core.store import open_store
from services.data import backups
from services.reminders import queries
from tests.models.schema_files import (
    MAILBOX_TABLES,
    V2_FILE,
    fresh_schema,
    rows_of,
    schema_of,
    schema_version,
    upgraded_rows,
)

DUE_INDEX = ("state", "due_at", "snoozed_until")


def _place_v2(paths: DataPaths, *, with_runtime_index: bool = False) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    target = paths.root / DATABASE_NAME
    shutil.copyfile(V2_FILE, target)
    if with_runtime_index:  # what schema 2's services.reminders.sync made at run time
        con = sqlite3.connect(target)
        con.execute('CREATE INDEX "reminder_state_due_at_snoozed_until" ON "reminder" '
                    '("state", "due_at", "snoozed_until")')
        con.commit()
        con.close()


def test_v2_fixture_is_what_it_claims():
    assert schema_version(V2_FILE) == 2
    assert "tz_name" in schema_of(V2_FILE)["interview_round"]["columns"]
    assert not any(cols == DUE_INDEX for cols, _u, _o in schema_of(V2_FILE)["reminder"]["indexes"])
    assert not set(MAILBOX_TABLES) & set(schema_of(V2_FILE))
    assert all(rows_of(V2_FILE)[table] for table in (
        "application", "stage_change", "interview_round", "interviewer", "round_signal",
        "offer", "email", "reminder", "template", "setting"))


@pytest.mark.parametrize("with_runtime_index", [False, True])
def test_v2_upgrades_to_the_schema_of_a_new_file_with_its_data(data_paths, tmp_path,
                                                                with_runtime_index):
    _place_v2(data_paths, with_runtime_index=with_runtime_index)
    before = rows_of(data_paths.database)
    opened = open_store(data_paths)
    try:
        assert opened.upgraded_from == 2
    finally:
        opened.close()
    assert schema_version(data_paths.database) == CURRENT_VERSION
    assert schema_of(data_paths.database) == fresh_schema(tmp_path)
    assert (DUE_INDEX, False, "c") in schema_of(data_paths.database)["reminder"]["indexes"]
    # Every row kept byte for byte; what schema 4 added is empty (or its default).
    assert rows_of(data_paths.database) == upgraded_rows(before)
    (backup,) = backups.list_backups(data_paths.backups)
    assert backup.reason == "before-upgrade-v2"
    assert schema_version(backup.path) == 2
    assert rows_of(backup.path) == before


def test_the_upgraded_v2_file_answers_next_due_from_the_index(data_paths):
    _place_v2(data_paths)
    opened = open_store(data_paths)
    try:
        plan = " ".join(str(row) for row in opened.db.execute_sql(
            "EXPLAIN QUERY PLAN SELECT min(due_at) FROM reminder WHERE state = ?", ("pending",)))
        assert f"COVERING INDEX {queries.DUE_INDEX}" in plan
        # Pending due 9 Nov 16:00; snoozed until 26 Nov 09:00: the earliest is the pending one.
        assert queries.next_due_instant(datetime(2026, 11, 25, tzinfo=UTC)) == datetime(
            2026, 11, 9, 16, 0, tzinfo=UTC)
    finally:
        opened.close()
