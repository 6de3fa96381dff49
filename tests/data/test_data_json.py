"""The JSON backup: export, import into empty data (identical), replace, merge, bad files."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from models import database
from models.application import Application
from models.base import database_proxy
from models.interview import InterviewRound
from models.version import CURRENT_VERSION
from services.applications import editor_data, loading, saving
from services.core.paths import DATABASE_NAME, DataPaths
from services.core.store import open_store
from services.data import backup_writer, backups, demo
from services.data import json_export as data_export
from services.data import json_import as data_import
from services.data.backup_format import FORMAT, FORMAT_VERSION, TABLES
from tests.conftest import FIXTURES

V1_FILE = FIXTURES / "schema_v1.sqlite3"


def dump() -> dict[str, list[tuple]]:
    """Every row of every exported table, as stored."""
    result = {}
    for spec in TABLES:
        order = '"key"' if spec.table == "setting" else '"id"'
        result[spec.table] = [tuple(row) for row in database_proxy.execute_sql(
            f'SELECT * FROM "{spec.table}" ORDER BY {order}').fetchall()]
    return result


def reopen(paths: DataPaths):
    database.close()
    return open_store(paths)


def write_doc(path: Path, document) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def exported(demo_store, tmp_path):
    """The demo data exported: (the file, the rows it came from)."""
    from services.core import settings

    settings.put("ui.theme", "dark")
    rows = dump()
    path = tmp_path / "backup.json"
    data_export.export_json(path)
    return path, rows


# -- export ------------------------------------------------------------------------------------


def test_export_has_the_documented_header(exported):
    path, rows = exported
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT == "nextsteps-backup"
    assert document["version"] == FORMAT_VERSION == 1
    assert document["schema_version"] == CURRENT_VERSION == 5
    assert set(document["tables"]) == {spec.table for spec in TABLES}
    assert len(document["tables"]["application"]) == 12
    first_round = document["tables"]["interview_round"][0]
    parent = next(a for a in document["tables"]["application"]
                  if a["id"] == rows["interview_round"][0][2])
    assert first_round["application"] == parent["uid"]  # references by uid, not id
    assert isinstance(first_round["cancelled"], bool)


def test_secrets_are_never_exported_and_never_imported(store, tmp_path, data_paths):
    for key in ("smtp.token", "MyPassword", "api.secret.key", "smtp.host"):
        database_proxy.execute_sql('INSERT INTO "setting" VALUES (?, ?)', [key, '"x"'])
    path = tmp_path / "b.json"
    data_export.export_json(path)
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert [s["key"] for s in document["tables"]["setting"]] == ["smtp.host"]
    for word in ("token", "Password", "secret"):
        assert word not in text

    document["tables"]["setting"].append({"key": "smtp.password", "value": "hunter2"})
    write_doc(path, document)
    database_proxy.execute_sql('DELETE FROM "setting"')
    result = data_import.import_backup(path, "merge")
    assert database_proxy.execute_sql('SELECT "key" FROM "setting"').fetchall() == [
        ("smtp.host",)]
    assert any("secret" in note for note in result.notes)


# -- import into empty data --------------------------------------------------------------------


def test_import_into_an_empty_folder_restores_an_identical_state(exported, tmp_path):
    path, rows = exported
    other = DataPaths(tmp_path / "other")
    reopen(other)

    result = data_import.import_backup(path, "merge", paths=other)

    assert result.mode == "replace"  # blank data: ids are kept too
    assert result.backup is None  # nothing to back up
    assert dump() == rows
    assert result.added["application"] == 12


def test_import_through_the_service_api_is_usable_by_the_editor(exported, tmp_path):
    path, _rows = exported
    reopen(DataPaths(tmp_path / "other"))
    data_import.import_backup(path, "replace")
    lumen = Application.get(Application.company == "Lumen Analytics")
    data = loading.load(lumen.id)
    assert data.rounds and data.rounds[0].interviewers
    data.notes = "edited after the import"
    saving.save(data)


def test_export_of_an_upgraded_v1_database_round_trips(tmp_path):
    v1 = DataPaths(tmp_path / "v1")
    v1.root.mkdir(parents=True)
    shutil.copyfile(V1_FILE, v1.root / DATABASE_NAME)
    store = open_store(v1)
    assert store.upgraded_from == 1
    rows = dump()
    assert len(rows["application"]) == 2 and len(rows["interviewer"]) == 3
    path = tmp_path / "v1.json"
    data_export.export_json(path)

    reopen(DataPaths(tmp_path / "fresh"))
    data_import.import_backup(path, "replace")

    assert dump() == rows
    names = [a.company for a in Application.select().order_by(Application.id)]
    assert names == ["Lumen Analytics", "Café Núñez"]


# -- replace and merge -------------------------------------------------------------------------


def test_replace_replaces_everything_after_a_backup(exported, tmp_path):
    path, rows = exported
    other = DataPaths(tmp_path / "other")
    reopen(other)
    saving.save(editor_data.ApplicationData(company="Only here", role="Dev"))

    result = data_import.import_backup(path, "replace", paths=other)

    assert dump() == rows
    assert result.backup is not None
    info = backups.list_backups(other.backups)[0]
    assert info.reason == "before-import"
    import sqlite3

    con = sqlite3.connect(result.backup)
    try:
        assert con.execute("SELECT company FROM application").fetchall() == [("Only here",)]
    finally:
        con.close()


def test_merge_adds_new_rows_updates_matched_ones_and_deletes_nothing(exported, tmp_path):
    path, _rows = exported
    other = DataPaths(tmp_path / "other")
    reopen(other)
    data_import.import_backup(path, "replace")
    # Local changes: one application edited, one added.
    lumen = Application.get(Application.company == "Lumen Analytics")
    Application.update(notes="local note").where(Application.id == lumen.id).execute()
    local_id = saving.save(editor_data.ApplicationData(company="Local only", role="Dev"))
    # The file changes another application and gains a new one with a round.
    document = json.loads(path.read_text(encoding="utf-8"))
    document["tables"]["application"][1]["role"] = "Changed in the file"
    new_uid = "f" * 32
    document["tables"]["application"].append(
        {"id": 999, "uid": new_uid, "company": "From the file", "role": "QA"})
    document["tables"]["interview_round"].append(
        {"id": 999, "uid": "e" * 32, "application": new_uid, "title": "Screen"})
    write_doc(path, document)

    result = data_import.import_backup(path, "merge", paths=other)

    assert result.mode == "merge"
    assert result.backup is not None
    assert Application.select().count() == 12 + 2
    assert Application.get_by_id(local_id).company == "Local only"
    changed = Application.get(Application.uid == document["tables"]["application"][1]["uid"])
    assert changed.role == "Changed in the file"
    # Lumen is in the file too: merge updates it with the file's values.
    assert Application.get_by_id(lumen.id).notes != "local note"
    added = Application.get(Application.uid == new_uid)
    assert added.id != 999  # ids are not taken from the file in a merge
    assert [r.title for r in InterviewRound.select().where(
        InterviewRound.application == added)] == ["Screen"]

    before = dump()
    again = data_import.import_backup(path, "merge")
    assert dump() == before  # merging the same file twice changes nothing more
    assert again.added.get("application", 0) == 0


def test_merge_attaches_rows_to_a_parent_that_is_only_in_the_data(demo_store, tmp_path):
    lumen = Application.get(Application.company == "Lumen Analytics")
    document = {"format": FORMAT, "version": 1, "schema_version": 2, "tables": {
        "interview_round": [{"uid": "a" * 32, "application": lumen.uid, "title": "Final"}],
    }}
    path = write_doc(tmp_path / "partial.json", document)
    data_import.import_backup(path, "merge")
    assert InterviewRound.get(InterviewRound.uid == "a" * 32).application_id == lumen.id


def test_merge_matches_a_derived_reminder_by_its_key(demo_store, tmp_path):
    path = tmp_path / "b.json"
    data_export.export_json(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    for reminder in document["tables"]["reminder"]:
        reminder["uid"] = "0" * 31 + str(len(reminder["key"]) % 10)
        reminder["state"] = "done"
    document["tables"]["reminder"] = document["tables"]["reminder"][:1]
    write_doc(path, document)
    count = database_proxy.execute_sql('SELECT count(*) FROM "reminder"').fetchone()[0]
    data_import.import_backup(path, "merge")
    assert database_proxy.execute_sql('SELECT count(*) FROM "reminder"').fetchone()[0] == count


# -- bad files ---------------------------------------------------------------------------------


def _mutations():
    def app(doc):
        return doc["tables"]["application"][0]

    def rnd(doc):
        return doc["tables"]["interview_round"][0]

    return {
        "wrong format": (lambda d: d.update(format="something-else"), "not a Next Steps backup"),
        "newer version": (lambda d: d.update(version=FORMAT_VERSION + 1), "newer version"),
        "newer schema": (lambda d: d.update(schema_version=99), "newer version"),
        "version as text": (lambda d: d.update(version="1"), "“version”"),
        "no tables": (lambda d: d.pop("tables"), "“tables”"),
        "unknown table": (lambda d: d["tables"].update(photos=[]), "photos"),
        "table not a list": (lambda d: d["tables"].update(offer={}), "not a list"),
        "entry not an object": (lambda d: d["tables"]["application"].append(5), "a number"),
        "company is a number": (lambda d: app(d).update(company=42), "“company” must be text"),
        "missing company": (lambda d: app(d).pop("company"), "has no “company”"),
        "missing uid": (lambda d: app(d).pop("uid"), "has no “uid”"),
        "empty uid": (lambda d: app(d).update(uid=""), "“uid” is empty"),
        "unknown field": (lambda d: app(d).update(favourite_colour="blue"), "favourite_colour"),
        "NUL in notes": (lambda d: app(d).update(notes="a\x00b"), "NUL"),
        "lone surrogate": (lambda d: app(d).update(notes="bad \ud800 text"), "surrogate"),
        "huge field": (lambda d: app(d).update(notes="x" * 1_000_001), "at most 1,000,000"),
        "bad date": (lambda d: app(d).update(applied_on="yesterday"), "YYYY-MM-DD"),
        "naive instant": (lambda d: rnd(d).update(starts_at="2026-03-01T09:00:00"),
                          "UTC offset"),
        "unknown stage": (lambda d: app(d).update(stage="dreaming"), "not one of"),
        "bool for a number": (lambda d: rnd(d).update(duration_minutes=True),
                              "whole number"),
        "float for a number": (lambda d: rnd(d).update(duration_minutes=60.0), "whole number"),
        "number for a bool": (lambda d: rnd(d).update(cancelled=0), "true or false"),
        "duplicate uid": (lambda d: d["tables"]["application"].append(
            dict(app(d), id=500)), "share the uid"),
        "dangling reference": (lambda d: rnd(d).update(application="9" * 32),
                               "neither in the file nor in your data"),
        "bad amount": (lambda d: d["tables"]["offer"][0].update(amount="a lot"), "amount"),
        "setting of the wrong kind": (lambda d: d["tables"]["setting"].append(
            {"key": "search.weekly_goal", "value": "five"}), "wrong kind"),
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_a_bad_file_changes_nothing_and_says_why(exported, tmp_path, case):
    path, _rows = exported
    document = json.loads(path.read_text(encoding="utf-8"))
    mutate, words = MUTATIONS[case]
    bad = copy.deepcopy(document)
    mutate(bad)
    bad_path = tmp_path / "bad.json"
    bad_path.write_text(json.dumps(bad), encoding="utf-8")
    before = dump()
    backups_before = backups.list_backups(exported[0].parent)

    for mode in ("merge", "replace"):
        with pytest.raises(data_import.ImportProblem) as caught:
            data_import.import_backup(bad_path, mode)
        message = caught.value.message
        assert words in message, message
        assert message.startswith("bad.json cannot be imported:")
        assert message.endswith("Nothing was changed.")
        assert dump() == before
    assert backups.list_backups(exported[0].parent) == backups_before


@pytest.mark.parametrize("content, words", [
    (b"", "not valid JSON"),
    (b"{\"format\": ", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not a UTF-8 text file"),
    (b"[1, 2, 3]", "not a Next Steps backup"),
    (b"{\"format\": \"nextsteps-backup\", \"version\": NaN}", "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
])
def test_files_that_are_not_backups(store, tmp_path, content, words):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(data_import.ImportProblem) as caught:
        data_import.import_backup(path, "merge")
    assert words in caught.value.message


def test_a_missing_file_is_a_sentence(store, tmp_path):
    with pytest.raises(data_import.ImportProblem, match="cannot be read"):
        data_import.import_backup(tmp_path / "nowhere.json", "merge")


def test_a_failure_midway_rolls_everything_back(exported, tmp_path, monkeypatch):
    path, _rows = exported
    reopen(DataPaths(tmp_path / "other"))
    saving.save(editor_data.ApplicationData(company="Kept", role="Dev"))
    before = dump()
    real_insert = backup_writer._insert
    calls = []

    def failing_insert(table, values):
        calls.append(table)
        if table == "email":
            import sqlite3

            raise sqlite3.OperationalError("disk I/O error")
        return real_insert(table, values)

    monkeypatch.setattr(backup_writer, "_insert", failing_insert)
    with pytest.raises(data_import.ImportProblem) as caught:
        data_import.import_backup(path, "replace")
    assert "the disk reported an error" in caught.value.message
    assert "application" in calls  # it had written rows before failing
    assert dump() == before


def test_a_full_disk_during_an_import_changes_nothing(exported, tmp_path):
    path, _rows = exported
    document = json.loads(path.read_text(encoding="utf-8"))
    document["tables"]["application"][-1]["notes"] = "long notes " * 5000
    write_doc(path, document)
    reopen(DataPaths(tmp_path / "other"))
    saving.save(editor_data.ApplicationData(company="Kept", role="Dev"))
    before = dump()
    pages = database_proxy.execute_sql("PRAGMA page_count").fetchone()[0]
    database_proxy.execute_sql(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(data_import.ImportProblem) as caught:
        data_import.import_backup(path, "merge")

    assert "the disk is full" in caught.value.message
    assert dump() == before


def test_blank_data_detection(store):
    assert not data_import.has_user_data()
    demo.fill_demo()
    assert data_import.has_user_data()


def test_invalid_mode_is_a_programming_error(exported):
    with pytest.raises(ValueError):
        data_import.import_backup(exported[0], "append")
