"""Start at login remembers the data folder in use: ticking "Start Next Steps at login" in
Settings on a folder given with ``--data-dir`` writes that folder into the autostart entry,
and the command in the entry, run as a login runs it (without NEXTSTEPS_DATA_DIR), opens it."""

from __future__ import annotations

import os
import subprocess

from services.core.paths import DataPaths
from services.core.snapshot import read_snapshot
from services.core.store import open_store
from services.reminders import autostart
from services.reminders.autostart import DATA_DIR_FLAG, MINIMIZED_FLAG, Autostart
from tests.conftest import ROOT, subprocess_env
from ui.shell.main_window import MainWindow
from ui.shell.settings_view import GeneralPage


def _general_page(qtbot, paths: DataPaths):
    store = open_store(paths)
    window = MainWindow(paths, read_snapshot(paths), "test", store)
    qtbot.addWidget(window)
    page = GeneralPage(window)
    qtbot.addWidget(page)
    return page, store


def test_the_entry_starts_the_folder_in_use(qtbot, tmp_path, isolated_home):
    folder = tmp_path / "job search 2025"  # as with --data-dir; not NEXTSTEPS_DATA_DIR's
    assert os.environ["NEXTSTEPS_DATA_DIR"] != str(folder)
    page, store = _general_page(qtbot, DataPaths(folder))
    try:
        assert not page.autostart.isChecked()
        page.autostart.setChecked(True)
        page.save()
        assert page.saved.text() == "Saved."
    finally:
        store.close()
    command = Autostart().command()
    assert command[-3:] == [DATA_DIR_FLAG, str(folder.resolve()), MINIMIZED_FLAG]
    assert autostart.is_enabled(folder) and not autostart.is_enabled(tmp_path / "data")

    # Login: no NEXTSTEPS_DATA_DIR. The self-test names the database it opened.
    env = subprocess_env()
    env.pop("NEXTSTEPS_DATA_DIR")
    login = [*command[:-1], "--self-test"]
    done = subprocess.run(login, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=90)
    database = next(line for line in done.stdout.splitlines() if "database:" in line)
    assert database.endswith(str(folder.resolve() / "nextsteps.sqlite3")), done.stdout


def test_an_entry_for_another_folder_is_not_this_folders(qtbot, tmp_path):
    other = tmp_path / "other"
    autostart.enable(data_dir=other)
    page, store = _general_page(qtbot, DataPaths(tmp_path / "mine"))
    try:
        # Unticked here: login opens the other folder. Saving unticked leaves it alone.
        assert not page.autostart.isChecked()
        page.save()
        assert autostart.is_enabled(other)
        # Ticking it here moves start at login to this folder.
        page.autostart.setChecked(True)
        page.save()
    finally:
        store.close()
    assert autostart.is_enabled(tmp_path / "mine") and not autostart.is_enabled(other)


def test_an_older_entry_without_the_folder_means_the_default_folder(tmp_path):
    from services.core.paths import default_data_dir

    auto = Autostart("linux", config_home=tmp_path)
    auto.enable(["/usr/bin/next-steps"])
    assert auto.command() == ["/usr/bin/next-steps", MINIMIZED_FLAG]
    assert auto.data_dir() == default_data_dir().resolve()
    # Enabling again on a folder replaces any folder already in the command.
    auto.enable(["/usr/bin/next-steps", "--data-dir=/old", MINIMIZED_FLAG], data_dir=tmp_path)
    assert auto.command() == ["/usr/bin/next-steps", DATA_DIR_FLAG, str(tmp_path.resolve()),
                              MINIMIZED_FLAG]
