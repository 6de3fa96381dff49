"""A database that cannot be opened is not called damaged unless it is: a full disk, a lock
held by another program, a refused permission and a disk error each get their own sentence,
and only real damage is ever offered to be set aside, after the user confirmed it.

The lock is held by a child process with ``PRAGMA locking_mode=exclusive`` and a write, as
another program would. The full disk is in test_store_full_disk.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from models import database
from models.application import Application
from services.core.paths import DataPaths
from services.core.store import StoreProblem, keep_aside_and_restore, open_store
from services.data import backups
from tests.conftest import ROOT, subprocess_env
from tests.core.store_data import data_with_backup, listing, run_main

_HOLDER = textwrap.dedent("""
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("PRAGMA locking_mode = exclusive")
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE setting SET value = value")
    con.execute("COMMIT")  # exclusive mode keeps the lock after the write
    print("held", flush=True)
    sys.stdin.read()
""")


class LockHolder:
    """Another program holding the database with an exclusive lock until released."""

    def __init__(self, path: Path) -> None:
        self.child = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=subprocess_env())
        assert self.child.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.child.poll() is None:
            self.child.stdin.close()
            self.child.wait(timeout=30)
            self.child.stdout.close()


@pytest.fixture
def held_data(data_paths):
    """A data folder with two applications and a backup, held by another program."""
    data_with_backup(data_paths)
    holder = LockHolder(data_paths.database)
    yield data_paths
    holder.release()


# -- another program holds the database ---------------------------------------------------------


def test_a_database_held_by_another_program_is_busy_not_damaged(held_data):
    before = listing(held_data.root)
    with pytest.raises(StoreProblem) as caught:
        open_store(held_data)
    problem = caught.value
    assert problem.kind == "busy"
    assert "damaged" not in problem.message
    assert problem.message.startswith("Another program is using your Next Steps data")
    assert "try again" in problem.message and "nothing was changed" in problem.message
    assert listing(held_data.root) == before


def test_the_background_check_of_a_held_file_is_busy_not_damage(held_data):
    from services.core.store_problems import check_database

    problem = check_database(held_data)
    assert problem is not None and problem.kind == "busy"


def test_a_held_file_is_never_set_aside_even_when_asked(held_data):
    good = backups.latest_good_backup(held_data.backups)
    before = listing(held_data.root)
    with pytest.raises(StoreProblem) as caught:
        keep_aside_and_restore(held_data, good)
    assert caught.value.kind == "busy"
    assert listing(held_data.root) == before


def test_a_sound_file_is_never_set_aside(data_paths):
    good = data_with_backup(data_paths)
    before = listing(data_paths.root)
    with pytest.raises(StoreProblem) as caught:
        keep_aside_and_restore(data_paths, good)
    assert caught.value.kind == "sound"
    assert listing(data_paths.root) == before


def test_busy_at_start_offers_try_again_and_opens_once_it_is_free(data_paths, monkeypatch):
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    data_with_backup(data_paths)
    holder = LockHolder(data_paths.database)
    asked = []

    def ask(problem):
        asked.append(problem.kind)
        holder.release()  # the user closed the other program
        return StoreProblemDialog.RETRY

    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(ask))
    try:
        opened = app_module.open_store_interactively(data_paths)
    finally:
        holder.release()
    assert opened is not None
    try:
        assert asked == ["busy"]
        assert [a.company for a in Application.select().order_by(Application.id)] == [
            "Lumen", "Café Núñez"]
    finally:
        opened.close()
    assert not [p for p in data_paths.root.iterdir() if ".damaged-" in p.name]


def test_the_command_line_says_busy_not_damaged(held_data, tmp_path):
    export = run_main("export", "-o", str(tmp_path / "out.json"), data_dir=held_data.root)
    assert export.returncode == 1
    assert export.stderr.startswith("FAIL Another program is using your Next Steps data")
    csv = tmp_path / "one.csv"
    csv.write_text("company,role\nLumen,Engineer\n", encoding="utf-8")
    imported = run_main("import", str(csv), data_dir=held_data.root)
    assert imported.returncode == 1
    assert "FAIL Another program is using your Next Steps data" in imported.stderr
    selftest = run_main("--self-test", data_dir=held_data.root)
    assert selftest.returncode == 1
    assert selftest.stdout.startswith("FAIL database: Another program is using your Next Steps "
                                      "data")
    for output in (export.stderr, imported.stderr, selftest.stdout):
        assert "damaged" not in output


# -- permissions and disk errors ----------------------------------------------------------------

_UNPRIVILEGED_OPEN = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, sys.argv[1])
    from services.core.paths import DataPaths
    from services.core.store import StoreProblem, open_store
    os.setgid(65534)
    os.setuid(65534)
    try:
        open_store(DataPaths(sys.argv[2])).close()
        print(json.dumps({"opened": True}))
    except StoreProblem as problem:
        print(json.dumps({"kind": problem.kind, "message": problem.message}))
""")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="needs root to hand the folder to another user")
@pytest.mark.parametrize("folder_mode", [0o755, 0o700])
def test_data_the_user_may_not_read_is_a_permission_problem(folder_mode):
    """Another user's data: a folder that can be listed but whose database (0600) cannot be
    read, and a private folder (0700) that cannot even be entered."""
    base = Path(tempfile.mkdtemp(prefix="ns-permission-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        paths = DataPaths(base / "data")
        data_with_backup(paths)
        os.chmod(paths.root, folder_mode)
        child = subprocess.run(
            [sys.executable, "-c", _UNPRIVILEGED_OPEN, str(ROOT), str(paths.root)],
            capture_output=True, text=True, timeout=60, env=subprocess_env(), cwd="/")
        assert child.returncode == 0, child.stderr
        result = json.loads(child.stdout)
        assert result["kind"] == "permission"
        assert result["message"].startswith("Next Steps is not allowed to open your data file")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("name, text, kind", [
    ("SQLITE_BUSY", "database is locked", "busy"),
    ("SQLITE_FULL", "database or disk is full", "full"),
    ("SQLITE_READONLY", "attempt to write a readonly database", "read-only"),
    ("SQLITE_IOERR_READ", "disk I/O error", "io"),
    ("SQLITE_CORRUPT", "database disk image is malformed", "corrupt"),
    ("SQLITE_NOTADB", "file is not a database", "corrupt"),
])
def test_each_cause_has_its_own_kind_and_only_corruption_is_damage(data_paths, name, text,
                                                                   kind):
    import peewee

    from services.core.store_problems import open_problem

    data_paths.ensure()
    error = sqlite3.OperationalError(text)
    error.sqlite_errorname = name  # as SQLite sets it
    problem = open_problem(data_paths, peewee.OperationalError(error))
    assert problem.kind == kind
    said_damaged = problem.message.startswith("Your Next Steps database is damaged")
    assert said_damaged == (kind == "corrupt")


_EXCLUSIVE_TRANSACTION = textwrap.dedent("""
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    con.execute("INSERT INTO t VALUES (2)")
    print("held", flush=True)
    sys.stdin.read()
""")


def test_integrity_check_of_a_held_file_raises_instead_of_reporting_damage(tmp_path):
    """A writer's exclusive lock (rollback journal) keeps the check from reading: that is no
    problem of the file, so it is raised rather than listed as one."""
    import peewee

    path = tmp_path / "plain.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    db = database.make_database(path)
    db.connect()
    child = subprocess.Popen([sys.executable, "-c", _EXCLUSIVE_TRANSACTION, str(path)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(peewee.OperationalError, match="locked"):
            database.integrity_problems(db)
    finally:
        child.stdin.close()
        child.wait(timeout=30)
        child.stdout.close()
        db.close()
    assert database.is_corruption_error(peewee.OperationalError("database is locked")) is False


# -- what the window offers ---------------------------------------------------------------------


def _buttons_offered(problem, monkeypatch) -> list[str]:
    """The buttons StoreProblemDialog shows for ``problem`` (the box is not shown)."""
    from PySide6.QtWidgets import QMessageBox

    from ui.shell.startup_dialogs import StoreProblemDialog

    seen: list[str] = []
    roles = (QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.DestructiveRole,
             QMessageBox.ButtonRole.RejectRole)  # not the box's own "Show Details..."
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.extend(
        b.text() for b in box.buttons() if box.buttonRole(b) in roles) or 0)
    assert StoreProblemDialog.ask(problem) == StoreProblemDialog.QUIT
    return sorted(seen)  # (shown in the platform's button order)


def test_only_damage_offers_to_set_the_file_aside(qtbot, data_paths, monkeypatch):
    from services.core.store_problems import corrupt_problem, problem_for

    good = data_with_backup(data_paths)
    corrupt = corrupt_problem(data_paths, "page 3: malformed")
    assert _buttons_offered(corrupt, monkeypatch) == sorted([
        f"Restore the backup of {good.made_at:%Y-%m-%d %H:%M}",
        "Set it aside and start empty…", "Quit"])
    for kind in ("busy", "full", "read-only", "permission", "io"):
        offered = _buttons_offered(problem_for(data_paths, kind), monkeypatch)
        assert offered == ["Quit", "Try again"], kind


def test_starting_empty_after_damage_needs_a_confirmation(qtbot, data_paths, monkeypatch):
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import ConfirmStartEmpty, StoreProblemDialog

    data_paths.ensure()
    data_paths.database.write_bytes(b"not sqlite" * 1000)
    answers = iter([StoreProblemDialog.EMPTY, StoreProblemDialog.QUIT])
    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(lambda p: next(answers)))
    monkeypatch.setattr(ConfirmStartEmpty, "ask", staticmethod(lambda p: False))
    assert app_module.open_store_interactively(data_paths) is None
    assert data_paths.database.read_bytes() == b"not sqlite" * 1000

    monkeypatch.setattr(StoreProblemDialog, "ask",
                        staticmethod(lambda p: StoreProblemDialog.EMPTY))
    monkeypatch.setattr(ConfirmStartEmpty, "ask", staticmethod(lambda p: True))
    opened = app_module.open_store_interactively(data_paths)
    assert opened is not None
    opened.close()
    kept = [p for p in data_paths.root.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == b"not sqlite" * 1000


def test_a_busy_file_found_after_the_first_paint_offers_nothing(qtbot, data_paths,
                                                                monkeypatch):
    from services.core.store_problems import problem_for
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    asked = []
    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(lambda p: asked.append(p)))
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    startup._on_integrity_result(problem_for(data_paths, "busy", "database is locked"))
    startup._on_integrity_result(None)
    assert asked == []
