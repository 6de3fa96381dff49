"""Schema creation and the upgrade of a real version-1 database file."""

from __future__ import annotations

import sqlite3

import pytest

from models.application import Application, StageChange
from models.interview import Interviewer, InterviewRound, RoundSignal
from models.schema import ALL_MODELS, CURRENT_VERSION
from services.core import settings
from services.core.store import open_store
from services.data import backups
from tests.models.schema_files import (
    V1_FILE,
    fresh_schema,
    open_read_only,
    place_v1,
    schema_of,
    schema_version,
)

# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def upgraded(data_paths):
    """The v1 file upgraded by open_store; yields the opened store."""
    place_v1(data_paths)
    opened = open_store(data_paths)
    yield opened
    opened.close()


# -- a new database --------------------------------------------------------------------------


def test_fresh_database_has_current_version_and_every_table(store):
    assert store.created is True
    assert store.upgraded_from is None
    assert schema_version(store.paths.database) == CURRENT_VERSION
    tables = set(store.db.get_tables())
    assert {model._meta.table_name for model in ALL_MODELS} <= tables
    assert len(ALL_MODELS) == len(tables)
    assert backups.list_backups(store.paths.backups) == []


def test_v1_fixture_is_what_it_claims():
    """The stored old file really is schema 1 (guards against it being regenerated wrongly)."""
    assert schema_version(V1_FILE) == 1
    assert "timeframe_days" in schema_of(V1_FILE)["interview_round"]["columns"]


# -- upgrading the real v1 file ---------------------------------------------------------------


def test_upgrade_backs_up_the_v1_file_first(upgraded):
    assert upgraded.created is False
    assert upgraded.upgraded_from == 1
    assert schema_version(upgraded.paths.database) == CURRENT_VERSION

    listed = backups.list_backups(upgraded.paths.backups)
    assert len(listed) == 1
    backup = listed[0]
    assert backup.path == upgraded.upgrade_backup
    assert backup.reason == "before-upgrade-v1"
    assert backups.file_problems(backup.path) == []
    assert schema_version(backup.path) == 1
    con = open_read_only(backup.path)
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
    got = schema_of(upgraded.paths.database)
    want = fresh_schema(tmp_path)
    assert set(got) == set(want)
    for table in want:
        assert got[table]["columns"] == want[table]["columns"], table
        assert got[table]["indexes"] == want[table]["indexes"], table
        assert got[table]["foreign_keys"] == want[table]["foreign_keys"], table


def test_v1_file_in_wal_mode_upgrades_to_the_same_schema(data_paths, tmp_path):
    """A v1 file left in WAL mode (with rows only in its -wal) upgrades the same way."""
    place_v1(data_paths)
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
    want = fresh_schema(tmp_path)
    assert schema_of(data_paths.database) == want


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
