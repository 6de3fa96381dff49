"""An empty (0-byte) or missing database while backups still hold the user's data is a loss
to report, with the offer to restore; it is never silently taken as a new database. With no
backup that holds data it is a new database, as on a first start. Daily backup rotation never
deletes the newest backup that holds data.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from models import database
from models.application import Application
from services.core.paths import DataPaths
from services.core.store import StoreProblem, open_store
from services.data import backups
from tests.conftest import ROOT, subprocess_env


def _data_with_daily_backup(paths: DataPaths, now: datetime | None = None):
    opened = open_store(paths)
    Application.create(company="Lumen", role="Data Engineer")
    Application.create(company="Harbor & Pine", role="Analyst")
    opened.close()
    database.close()
    return backups.daily_backup_if_due(paths, now=now)


def _empty_the_database(paths: DataPaths, *, remove: bool = False) -> None:
    for side in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + side).unlink(missing_ok=True)
    if remove:
        paths.database.unlink()
    else:
        paths.database.write_bytes(b"")


def _companies() -> list[str]:
    return [a.company for a in Application.select().order_by(Application.id)]


@pytest.mark.parametrize("remove", [False, True], ids=["empty", "missing"])
def test_an_empty_or_missing_database_with_backups_is_a_loss_to_report(data_paths, remove):
    good = _data_with_daily_backup(data_paths)
    _empty_the_database(data_paths, remove=remove)
    with pytest.raises(StoreProblem) as caught:
        open_store(data_paths)
    problem = caught.value
    assert problem.kind == "lost"
    assert problem.backup.path == good.path
    state = "missing" if remove else "empty"
    assert problem.message.startswith(
        f"Your Next Steps database {data_paths.database} is {state}, but your backups still "
        "hold your data")
    assert f"{good.made_at:%Y-%m-%d %H:%M} UTC" in problem.message
    # Reporting changes nothing: no new database was made over the loss.
    assert data_paths.database.exists() is not remove
    if not remove:
        assert data_paths.database.stat().st_size == 0


def test_backups_without_data_do_not_make_a_new_start_a_loss(data_paths):
    opened = open_store(data_paths)  # a first start: nothing entered yet
    opened.close()
    database.close()
    backups.daily_backup_if_due(data_paths)
    _empty_the_database(data_paths)
    opened = open_store(data_paths)
    try:
        assert opened.created
    finally:
        opened.close()


def test_restoring_the_backup_brings_the_data_back(qtbot, data_paths, monkeypatch):
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    _data_with_daily_backup(data_paths)
    _empty_the_database(data_paths)
    asked = []
    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(
        lambda problem: asked.append(problem.kind) or StoreProblemDialog.RESTORE))
    opened = app_module.open_store_interactively(data_paths)
    assert opened is not None
    try:
        assert asked == ["lost"]
        assert _companies() == ["Lumen", "Harbor & Pine"]
    finally:
        opened.close()
    kept = [p.name for p in data_paths.root.iterdir() if ".empty-" in p.name]
    assert len(kept) == 1  # the empty file is kept aside too, never deleted


def test_starting_empty_is_asked_once_and_keeps_every_backup(qtbot, data_paths, monkeypatch):
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    good = _data_with_daily_backup(data_paths)
    _empty_the_database(data_paths)
    asked = []
    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(
        lambda problem: asked.append(problem.kind) or StoreProblemDialog.EMPTY))
    opened = app_module.open_store_interactively(data_paths)
    assert opened is not None
    try:
        assert asked == ["lost"]
        assert _companies() == []
    finally:
        opened.close()
    database.close()
    again = open_store(data_paths)  # the user's choice holds: no second question
    again.close()
    assert asked == ["lost"]
    assert good.path.exists()


def test_the_window_starts_on_the_restored_data(qtbot, data_paths, monkeypatch):
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    _data_with_daily_backup(data_paths)
    _empty_the_database(data_paths)
    monkeypatch.setattr(StoreProblemDialog, "ask",
                        staticmethod(lambda problem: StoreProblemDialog.RESTORE))
    monkeypatch.setattr(app_module.Startup, "_open_reminders", lambda self: None)
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    assert startup.take_folder()
    try:
        assert startup._show_window()
        qtbot.addWidget(startup.window, before_close_func=lambda _w: startup.shutdown())
        assert startup.window.status_label.text().startswith("2 applications")
    finally:
        startup.shutdown()


def test_rotation_never_deletes_the_last_backup_that_holds_data(data_paths):
    """The data is lost on day 0 and the user starts empty: fifteen days of daily backups of
    the empty database must not rotate the day-0 backup (the only one with data) away."""
    day0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    good = _data_with_daily_backup(data_paths, now=day0)
    _empty_the_database(data_paths)
    open_store(data_paths, accept_empty=True).close()
    database.close()
    for day in range(1, backups.KEEP_DAILY + 2):
        made = backups.daily_backup_if_due(data_paths, now=day0 + timedelta(days=day))
        assert made is not None and not backups.holds_data(made.path)
    daily = [i for i in backups.list_backups(data_paths.backups) if i.reason == "daily"]
    assert good.path in [i.path for i in daily]
    assert backups.latest_backup_with_data(data_paths.backups).path == good.path
    assert len(daily) == backups.KEEP_DAILY + 1  # the 14 newest, and the one with data


def test_rotation_still_deletes_old_backups_when_a_newer_one_holds_data(data_paths):
    day0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    oldest = _data_with_daily_backup(data_paths, now=day0)
    for day in range(1, backups.KEEP_DAILY + 1):
        backups.daily_backup_if_due(data_paths, now=day0 + timedelta(days=day))
    names = [i.path for i in backups.list_backups(data_paths.backups)]
    assert oldest.path not in names and len(names) == backups.KEEP_DAILY


def _run_main(*args: str, data_dir) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, timeout=120, env=subprocess_env(), cwd=ROOT)


def test_the_command_line_reports_the_loss_and_makes_no_new_database(data_paths, tmp_path):
    _data_with_daily_backup(data_paths)
    _empty_the_database(data_paths)
    sentence = f"Your Next Steps database {data_paths.database} is empty, but your backups"
    export = _run_main("export", "-o", str(tmp_path / "out.json"), data_dir=data_paths.root)
    assert export.returncode == 1 and export.stderr.startswith(f"FAIL {sentence}")
    csv = tmp_path / "one.csv"
    csv.write_text("company,role\nLumen,Engineer\n", encoding="utf-8")
    imported = _run_main("import", str(csv), data_dir=data_paths.root)
    assert imported.returncode == 1 and f"FAIL {sentence}" in imported.stderr
    selftest = _run_main("--self-test", data_dir=data_paths.root)
    assert selftest.returncode == 1
    assert selftest.stdout.startswith(f"FAIL database: {sentence}")
    assert data_paths.database.stat().st_size == 0
