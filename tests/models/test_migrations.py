"""Schema creation and the upgrade of a real version-1 database file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from models import migrations
from models.application import Application, StageChange
from models.interview import Interviewer, InterviewRound, RoundSignal
from models.schema import ALL_MODELS, CURRENT_VERSION
from services.core import settings
from services.core.paths import DATABASE_NAME, DataPaths
from services.core.store import StoreProblem, open_store
from services.data import backups
from tests.conftest import FIXTURES

V1_FILE = FIXTURES / "schema_v1.sqlite3"


# -- helpers ---------------------------------------------------------------------------------


def _sqlite(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)


def _version(path: Path) -> int:
    con = _sqlite(path)
    try:
        return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    finally:
        con.close()


def _schema(path: Path) -> dict[str, dict]:
    """Per table: columns as a dict (order-free), index definitions and foreign keys as sets."""
    con = _sqlite(path)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        result = {}
        for table in tables:
            columns = {
                row[1]: (row[2], row[3], row[4], row[5])  # type, notnull, dflt_value, pk
                for row in con.execute(f'PRAGMA table_info("{table}")')
            }
            indexes = set()
            for _seq, name, unique, origin, _partial in con.execute(
                f'PRAGMA index_list("{table}")'
            ):
                cols = tuple(r[2] for r in con.execute(f'PRAGMA index_info("{name}")'))
                indexes.add((cols, bool(unique), origin))
            foreign_keys = {
                (row[2], row[3], row[4], row[6])  # table, from, to, on_delete
                for row in con.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            result[table] = {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}
        return result
    finally:
        con.close()


def _place_v1(paths: DataPaths) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(V1_FILE, paths.root / DATABASE_NAME)


@pytest.fixture
def upgraded(data_paths):
    """The v1 file upgraded by open_store; yields the opened store."""
    _place_v1(data_paths)
    opened = open_store(data_paths)
    yield opened
    opened.close()


def _fresh_schema(tmp_path: Path) -> dict[str, dict]:
    fresh = DataPaths(tmp_path / "fresh")
    opened = open_store(fresh)
    opened.close()
    return _schema(fresh.database)


# -- a new database --------------------------------------------------------------------------


def test_fresh_database_has_current_version_and_every_table(store):
    assert store.created is True
    assert store.upgraded_from is None
    assert _version(store.paths.database) == CURRENT_VERSION
    tables = set(store.db.get_tables())
    assert {model._meta.table_name for model in ALL_MODELS} <= tables
    assert len(ALL_MODELS) == len(tables)
    assert backups.list_backups(store.paths.backups) == []


def test_v1_fixture_is_what_it_claims():
    """The stored old file really is schema 1 (guards against it being regenerated wrongly)."""
    assert _version(V1_FILE) == 1
    assert "timeframe_days" in _schema(V1_FILE)["interview_round"]["columns"]


# -- upgrading the real v1 file ---------------------------------------------------------------


def test_upgrade_backs_up_the_v1_file_first(upgraded):
    assert upgraded.created is False
    assert upgraded.upgraded_from == 1
    assert _version(upgraded.paths.database) == CURRENT_VERSION

    listed = backups.list_backups(upgraded.paths.backups)
    assert len(listed) == 1
    backup = listed[0]
    assert backup.path == upgraded.upgrade_backup
    assert backup.reason == "before-upgrade-v1"
    assert backups.file_problems(backup.path) == []
    assert _version(backup.path) == 1
    con = _sqlite(backup.path)
    try:
        assert con.execute("SELECT company FROM application ORDER BY id").fetchall() == [
            ("Lumen Analytics",),
            ("Café Núñez",),
        ]
        assert con.execute("SELECT timeframe_days FROM interview_round ORDER BY id").fetchall() == [
            (10,),
            (None,),
        ]
    finally:
        con.close()


def test_upgrade_keeps_the_data(upgraded):
    apps = list(Application.select().order_by(Application.id))
    assert [(a.uid, a.company, a.role) for a in apps] == [
        ("a1", "Lumen Analytics", "Data Engineer"),
        ("a2", "Café Núñez", "Backend Developer"),
    ]
    assert apps[0].salary_notes == "€65–70k"
    assert apps[0].notes == "Referred by Ana."
    assert apps[1].notes == "Ünïcode ✓ 日本語"
    assert apps[0].stage == "awaiting_response"
    assert str(apps[0].applied_on) == "2026-09-20"
    # New columns got their defaults.
    for app in apps:
        assert app.channel == "direct"
        assert (app.agency_name, app.recruiter_name, app.recruiter_email) == ("", "", "")
        assert (app.contact_name, app.contact_email) == ("", "")

    changes = list(StageChange.select().order_by(StageChange.id))
    assert [(c.application_id, c.from_stage, c.to_stage) for c in changes] == [
        (1, None, "applied"),
        (1, "applied", "interviewing"),
        (1, "interviewing", "awaiting_response"),
    ]

    rounds = {r.uid: r for r in InterviewRound.select()}
    assert set(rounds) == {"r1", "r2"}
    r1, r2 = rounds["r1"], rounds["r2"]
    assert r1.title == "Technical interview"
    assert r1.closing_phrase == "HR will contact you about next steps"
    assert r1.asked_timeframe is True
    assert (r1.timeframe_value, r1.timeframe_unit) == (10, "days")
    assert (r2.timeframe_value, r2.timeframe_unit) == (None, None)
    for rnd in (r1, r2):
        assert rnd.tz_name == "UTC"
        assert rnd.video_link == ""
        assert rnd.cancelled is False
        assert rnd.ical_uid is None
        assert rnd.ical_sequence == 0
    assert r1.starts_at.isoformat() == "2026-09-30T13:00:00+00:00"

    interviewers = list(Interviewer.select().order_by(Interviewer.id))
    assert [(i.name, i.round.uid) for i in interviewers] == [
        ("José Núñez", "r1"),
        ("Priya Raman", "r1"),
        ("Tom Berg", "r2"),
    ]
    assert sorted(s.signal for s in RoundSignal.select()) == [
        "explained_next_steps",
        "gave_timeframe",
    ]
    assert settings.get("user.name") == "Sam Rivera"


def test_upgraded_schema_equals_a_fresh_one(upgraded, tmp_path):
    upgraded.close()
    got = _schema(upgraded.paths.database)
    want = _fresh_schema(tmp_path)
    assert set(got) == set(want)
    for table in want:
        assert got[table]["columns"] == want[table]["columns"], table
        assert got[table]["indexes"] == want[table]["indexes"], table
        assert got[table]["foreign_keys"] == want[table]["foreign_keys"], table


def test_v1_file_in_wal_mode_upgrades_to_the_same_schema(data_paths, tmp_path):
    """A v1 file left in WAL mode (with rows only in its -wal) upgrades the same way."""
    _place_v1(data_paths)
    keeper = sqlite3.connect(data_paths.database)
    try:
        assert keeper.execute("PRAGMA journal_mode = wal").fetchone()[0] == "wal"
        keeper.execute("INSERT INTO setting VALUES ('ui.theme', '\"dark\"')")
        keeper.commit()
        # A second reader keeps the WAL from being checkpointed when keeper closes.
        reader = sqlite3.connect(data_paths.database)
        reader.execute("SELECT count(*) FROM setting").fetchone()
    finally:
        keeper.close()
    try:
        opened = open_store(data_paths)
    finally:
        reader.close()
    try:
        assert opened.upgraded_from == 1
        assert settings.get("ui.theme") == "dark"
        assert settings.get("user.name") == "Sam Rivera"
        assert InterviewRound.get(InterviewRound.uid == "r1").timeframe_value == 10
    finally:
        opened.close()
    want = _fresh_schema(tmp_path)
    assert _schema(data_paths.database) == want


def test_upgraded_database_has_no_broken_references(upgraded):
    assert upgraded.db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert upgraded.db.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert upgraded.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_upgraded_database_still_cascades(upgraded):
    """The rebuilt tables keep their foreign keys working."""
    Application.get(Application.uid == "a1").delete_instance()
    assert StageChange.select().count() == 0
    assert InterviewRound.select().count() == 0
    assert Interviewer.select().count() == 0
    assert RoundSignal.select().count() == 0
    assert Application.select().count() == 1


def test_upgraded_database_reopens_without_another_upgrade(upgraded):
    upgraded.close()
    again = open_store(upgraded.paths)
    try:
        assert again.upgraded_from is None
        assert again.created is False
        assert Application.select().count() == 2
        assert len(backups.list_backups(upgraded.paths.backups)) == 1
    finally:
        again.close()


# -- databases that must be refused ------------------------------------------------------------


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
    _place_v1(data_paths)
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
    _place_v1(data_paths)
    original = _schema(data_paths.database)

    with pytest.raises(_StepFailed):
        open_store(data_paths)

    assert _version(data_paths.database) == 1
    assert _schema(data_paths.database) == original
    con = _sqlite(data_paths.database)
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
    _place_v1(data_paths)
    db = None
    from models import database

    db = database.connect(data_paths.database)
    try:
        with pytest.raises(_StepFailed):
            migrations.prepare_schema(db)
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.schema_version(db) == 1
    finally:
        db.close()


# -- upgrading the real v2 file ---------------------------------------------------------------

V2_FILE = FIXTURES / "schema_v2.sqlite3"
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


def _rows(path: Path) -> dict[str, list[tuple]]:
    con = _sqlite(path)
    try:
        tables = [row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_version'")]
        return {table: con.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
                for table in tables}
    finally:
        con.close()


def test_v2_fixture_is_what_it_claims():
    assert _version(V2_FILE) == 2
    assert "tz_name" in _schema(V2_FILE)["interview_round"]["columns"]
    assert not any(cols == DUE_INDEX for cols, _u, _o in _schema(V2_FILE)["reminder"]["indexes"])
    assert all(_rows(V2_FILE)[table] for table in (
        "application", "stage_change", "interview_round", "interviewer", "round_signal",
        "offer", "email", "reminder", "template", "setting"))


@pytest.mark.parametrize("with_runtime_index", [False, True])
def test_v2_upgrades_to_the_schema_of_a_new_file_with_its_data(data_paths, tmp_path,
                                                                with_runtime_index):
    _place_v2(data_paths, with_runtime_index=with_runtime_index)
    before = _rows(data_paths.database)
    opened = open_store(data_paths)
    try:
        assert opened.upgraded_from == 2
    finally:
        opened.close()
    assert _version(data_paths.database) == CURRENT_VERSION
    assert _schema(data_paths.database) == _fresh_schema(tmp_path)
    assert (DUE_INDEX, False, "c") in _schema(data_paths.database)["reminder"]["indexes"]
    assert _rows(data_paths.database) == before
    (backup,) = backups.list_backups(data_paths.backups)
    assert backup.reason == "before-upgrade-v2"
    assert _version(backup.path) == 2
    assert _rows(backup.path) == before


def test_the_upgraded_v2_file_answers_next_due_from_the_index(data_paths):
    from datetime import UTC, datetime

    from services.reminders import sync as reminders

    _place_v2(data_paths)
    opened = open_store(data_paths)
    try:
        plan = " ".join(str(row) for row in opened.db.execute_sql(
            "EXPLAIN QUERY PLAN SELECT min(due_at) FROM reminder WHERE state = ?", ("pending",)))
        assert f"COVERING INDEX {reminders.DUE_INDEX}" in plan
        # Pending due 9 Nov 16:00; snoozed until 26 Nov 09:00: the earliest is the pending one.
        assert reminders.next_due_instant(datetime(2026, 11, 25, tzinfo=UTC)) == datetime(
            2026, 11, 9, 16, 0, tzinfo=UTC)
    finally:
        opened.close()
