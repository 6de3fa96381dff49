"""Faults: a full disk during a save, a read-only data folder, damaged database files."""

from __future__ import annotations

import copy
import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import peewee
import pytest

from models import database
from models.application import Application
from models.base import database_proxy
from services.applications import editor_data, loading, saving
from services.core import store as store_module
from services.core.paths import DATABASE_NAME, DataPaths
from services.core.store import StoreProblem, open_store
from services.core.write_problems import (
    StorageFullError,
    WriteProblem,
    explain_write_error,
    write_problem,
)
from services.data import backups
from tests.conftest import FIXTURES, ROOT, subprocess_env

V1_FILE = FIXTURES / "schema_v1.sqlite3"


def _limit_to_current_size() -> None:
    """Make every write that needs a new page fail with SQLITE_FULL, as on a full disk."""
    pages = database_proxy.execute_sql("PRAGMA page_count").fetchone()[0]
    database_proxy.execute_sql(f"PRAGMA max_page_count = {pages}")


def _lift_limit() -> None:
    database_proxy.execute_sql("PRAGMA max_page_count = 1073741823")


def _rows(table: str) -> list[tuple]:
    return database_proxy.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()


def _big_application() -> editor_data.ApplicationData:
    return editor_data.ApplicationData(
        company="Lumen Analytics", role="Data Engineer", notes="A long note. " * 4000,
        rounds=[editor_data.RoundData(
            title="Technical", starts_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
            signals={"gave_timeframe"},
            interviewers=[editor_data.InterviewerData(name="José Núñez",
                                                      discussed="Pipelines " * 500)])],
    )


# -- a full disk ------------------------------------------------------------------------------


def test_a_full_disk_during_a_save_saves_nothing_keeps_the_input_and_explains(store):
    saving.save(editor_data.ApplicationData(company="Already here", role="Dev"))
    before = {table: _rows(table) for table in ("application", "interview_round",
                                                  "interviewer", "round_signal", "stage_change")}
    data = _big_application()
    typed = copy.deepcopy(data)
    _limit_to_current_size()

    with pytest.raises(peewee.OperationalError) as caught:
        saving.save(data)

    problem = write_problem(caught.value)
    assert isinstance(problem, StorageFullError)
    assert problem.kind == "full"
    sentence = explain_write_error(caught.value)
    assert "disk is full" in sentence
    assert "nothing was saved" in sentence
    assert "still here" in sentence
    assert data == typed  # the editor's data is untouched: the user can retry
    assert {table: _rows(table) for table in before} == before

    _lift_limit()
    new_id = saving.save(data)  # the retry works with the very same input
    assert Application.get_by_id(new_id).notes == typed.notes


def test_a_full_disk_while_updating_keeps_the_old_version_whole(store):
    app_id = saving.save(_big_application())
    saved = loading.load(app_id)
    before = {table: _rows(table) for table in ("application", "interview_round",
                                                  "interviewer", "round_signal")}
    edited = loading.load(app_id)
    edited.notes = "Rewritten. " * 8000
    edited.rounds.append(editor_data.RoundData(title="Final"))
    _limit_to_current_size()
    with pytest.raises(peewee.OperationalError) as caught:
        saving.save(edited)
    assert write_problem(caught.value).kind == "full"
    assert {table: _rows(table) for table in before} == before
    assert loading.load(app_id) == saved


@pytest.mark.parametrize("exc, kind", [
    (OSError(errno.ENOSPC, "No space left on device"), "full"),
    (sqlite3.OperationalError("database or disk is full"), "full"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    (PermissionError(errno.EACCES, "Permission denied"), "read-only"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
    (sqlite3.OperationalError("database is locked"), "busy"),
    (sqlite3.OperationalError("disk I/O error"), "io"),
    (ValueError("something else"), "other"),
])
def test_write_errors_become_sentences(exc, kind):
    wrapped = peewee.OperationalError(exc)  # as peewee wraps sqlite3's errors
    for candidate in (exc, wrapped):
        problem = write_problem(candidate)
        assert problem.kind == kind
        assert isinstance(problem, WriteProblem)
        assert problem.message.endswith((".", ")"))
        assert "nothing was saved" in problem.message.lower()
        assert explain_write_error(candidate) == problem.message


def test_a_real_sqlite_full_error_is_recognised_by_its_code(store):
    _limit_to_current_size()
    with pytest.raises(peewee.OperationalError) as caught:
        Application.create(company="x", role="y", notes="z" * 100_000)
    causes = [c for c in (caught.value.__cause__, caught.value.__context__) if c is not None]
    assert any(getattr(c, "sqlite_errorname", "") == "SQLITE_FULL" for c in causes) or (
        "full" in str(caught.value))
    assert isinstance(write_problem(caught.value), StorageFullError)


# -- a read-only data folder --------------------------------------------------------------------


def _closed_store_with(paths: DataPaths, *companies: str) -> None:
    opened = open_store(paths)
    for company in companies:
        Application.create(company=company, role="Engineer")
    opened.close()
    database.close()


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def read_only_folder(data_paths, monkeypatch):
    """The data folder made read-only (chmod, and the check patched for root, who ignores it)."""
    _closed_store_with(data_paths, "Lumen", "Café Núñez")
    monkeypatch.setattr(store_module, "folder_is_writable", lambda paths: False)
    os.chmod(data_paths.database, 0o444)
    os.chmod(data_paths.root, 0o555)
    yield data_paths
    os.chmod(data_paths.root, 0o755)
    os.chmod(data_paths.database, 0o644)


def test_a_read_only_folder_opens_the_data_for_reading_only(read_only_folder):
    before = _listing(read_only_folder.root)
    opened = open_store(read_only_folder)
    try:
        assert opened.read_only is True
        assert "reading only" in opened.read_only_message
        assert opened.notes == [opened.read_only_message]
        assert [a.company for a in Application.select().order_by(Application.id)] == [
            "Lumen", "Café Núñez"]
        with pytest.raises(peewee.OperationalError) as caught:
            saving.save(editor_data.ApplicationData(company="New", role="Dev"))
        assert write_problem(caught.value).kind == "read-only"
        assert "read-only" in explain_write_error(caught.value)
    finally:
        opened.close()
    assert _listing(read_only_folder.root) == before


def test_a_read_only_folder_can_still_be_exported(read_only_folder, tmp_path):
    from services.data.json_export import export_json

    opened = open_store(read_only_folder)
    try:
        result = export_json(tmp_path / "out.json")
    finally:
        opened.close()
    assert result.counts["application"] == 2


def test_a_read_only_folder_without_data_is_refused_with_a_sentence(data_paths, monkeypatch):
    data_paths.ensure()
    monkeypatch.setattr(store_module, "folder_is_writable", lambda paths: False)
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "read-only"
    assert "cannot write" in caught.value.message


def test_a_read_only_folder_with_data_to_upgrade_is_refused(data_paths, monkeypatch):
    data_paths.root.mkdir(parents=True)
    shutil.copyfile(V1_FILE, data_paths.database)
    before = data_paths.database.read_bytes()
    monkeypatch.setattr(store_module, "folder_is_writable", lambda paths: False)
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "read-only"
    assert "older version" in caught.value.message
    assert data_paths.database.read_bytes() == before


def test_a_read_only_folder_with_a_newer_schema_is_refused(data_paths, monkeypatch):
    _closed_store_with(data_paths, "Lumen")
    con = sqlite3.connect(data_paths.database)
    con.execute("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00+00:00')")
    con.commit()
    con.close()
    monkeypatch.setattr(store_module, "folder_is_writable", lambda paths: False)
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "newer"


def test_a_read_only_folder_with_unapplied_changes_in_the_wal_is_refused(data_paths,
                                                                       monkeypatch):
    _closed_store_with(data_paths, "Lumen")
    wal = data_paths.database.with_name(DATABASE_NAME + "-wal")
    wal.write_bytes(b"x" * 4096)  # a WAL left by a crash, without its -shm
    monkeypatch.setattr(store_module, "folder_is_writable", lambda paths: False)
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "read-only"
    assert "journal" in caught.value.message


_UNPRIVILEGED_CHILD = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, sys.argv[1])
    import peewee
    from models.application import Application
    from services.applications import editor_data, saving
    from services.core.paths import DataPaths
    from services.core.store import StoreProblem, open_store
    from services.core.write_problems import explain_write_error
    if os.geteuid() == 0:  # root ignores permissions: become nobody, imports already done
        os.setgid(65534)
        os.setuid(65534)
    result = {}
    try:
        store = open_store(DataPaths(sys.argv[2]))
    except StoreProblem as problem:
        result["problem"] = [problem.kind, problem.message]
    else:
        result["read_only"] = store.read_only
        result["companies"] = [a.company for a in Application.select().order_by(Application.id)]
        try:
            saving.save(editor_data.ApplicationData(company="New", role="Dev"))
            result["write"] = "saved"
        except peewee.DatabaseError as exc:
            result["write"] = explain_write_error(exc)
        store.close()
    print(json.dumps(result))
""")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_that_is_really_read_only_for_the_user(tmp_path):
    """No patching: the folder belongs to someone else (or is chmod 555), as in real life."""
    base = Path(tempfile.mkdtemp(prefix="ns-readonly-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        paths = DataPaths(base / "data")
        _closed_store_with(paths, "Lumen", "Café Núñez")
        for folder in (paths.root, paths.backups, paths.logs, paths.form_drafts):
            os.chmod(folder, 0o555 if os.geteuid() != 0 else 0o755)
        os.chmod(paths.database, 0o444 if os.geteuid() != 0 else 0o644)
        before = _listing(paths.root)
        child = subprocess.run(
            [sys.executable, "-c", _UNPRIVILEGED_CHILD, str(ROOT), str(paths.root)],
            capture_output=True, text=True, timeout=60, env=subprocess_env(), cwd="/",
        )
        assert child.returncode == 0, child.stderr
        result = json.loads(child.stdout)
        assert result.get("read_only") is True, result
        assert result["companies"] == ["Lumen", "Café Núñez"]
        assert "read-only" in result["write"]
        assert _listing(paths.root) == before
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                os.chmod(folder, 0o755)
        shutil.rmtree(base, ignore_errors=True)


# -- damaged database files ---------------------------------------------------------------------


def _sound(paths: DataPaths):
    opened = open_store(paths)
    with Application._meta.database.atomic():
        for i in range(200):
            Application.create(company=f"Kept {i}", role="Engineer", notes="n" * 300)
    info = backups.make_backup(opened.db, paths.backups)
    opened.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    opened.close()
    database.close()
    return info


def _zero_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = bytes(100)
    path.write_bytes(bytes(data))


def _first_page_only(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:4096])


def _text_file(path: Path) -> None:
    path.write_text("company,role\nLumen,Engineer\n" * 200, encoding="utf-8")


def _flip_everywhere(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 200, len(data), 997):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES = {
    "header-zeroed": _zero_header,
    "first-page-only": _first_page_only,
    "not-sqlite-text": _text_file,
    "bytes-flipped-across-the-file": _flip_everywhere,
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_files_are_detected_left_alone_and_the_backup_offered(data_paths, damage):
    good = _sound(data_paths)
    DAMAGES[damage](data_paths.database)
    damaged = data_paths.database.read_bytes()
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "corrupt"
    assert caught.value.backup.path == good.path
    assert data_paths.database.read_bytes() == damaged


def test_an_empty_file_without_backups_starts_a_new_database(data_paths):
    """Without a backup that holds data nothing was lost; with one, an empty file is a loss
    to report (tests/core/test_lost_data.py)."""
    data_paths.ensure()
    data_paths.database.write_bytes(b"")
    opened = open_store(data_paths)
    try:
        assert opened.created
    finally:
        opened.close()


def test_an_empty_file_with_a_backup_that_holds_data_is_not_started_anew(data_paths):
    _sound(data_paths)
    data_paths.database.write_bytes(b"")
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    assert caught.value.kind == "lost"
    assert data_paths.database.read_bytes() == b""


def test_the_first_paint_snapshot_survives_a_damaged_schema(data_paths):
    from services.core.snapshot import read_snapshot

    _sound(data_paths)
    _flip_everywhere(data_paths.database)
    assert read_snapshot(data_paths) is None
