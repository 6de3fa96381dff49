"""A full disk is not called damage: the data opens read-only and nothing is moved, a disk that
fills while the data is created says so, and the command line says the same.

The full disk is a real 4 MB tmpfs (tests/support/tmpfs.py)."""

from __future__ import annotations

import json

import pytest

from models.application import Application
from services.core.paths import DataPaths
from services.core.store import StoreProblem, open_store
from tests.core.store_data import data_with_backup, listing, run_main
from tests.support import tmpfs

small_disk = tmpfs.small_disk  # the fixture: a real tmpfs, full or read-only


def test_a_full_disk_opens_the_data_read_only_and_moves_nothing(small_disk):
    paths = DataPaths(small_disk.mount / "data")
    data_with_backup(paths, "Lumen", "Harbor & Pine")
    before = listing(paths.root)
    small_disk.fill(leave=16 * 1024)
    opened = open_store(paths)
    try:
        assert opened.read_only and opened.read_only_cause == "full"
        assert opened.read_only_message.startswith(
            f"The disk that holds your data folder {paths.root} is full, so Next Steps opened "
            "your data for reading only")
        assert "Free some space" in opened.read_only_message
        assert [a.company for a in Application.select().order_by(Application.id)] == [
            "Lumen", "Harbor & Pine"]
    finally:
        opened.close()
    assert listing(paths.root) == before


def test_a_full_disk_without_data_yet_says_the_disk_is_full(small_disk):
    paths = DataPaths(small_disk.mount / "data")
    paths.ensure()
    small_disk.fill(leave=16 * 1024)
    with pytest.raises(StoreProblem) as caught:
        open_store(paths)
    assert caught.value.kind == "full"
    assert "is full" in caught.value.message and "damaged" not in caught.value.message


def test_a_disk_that_fills_while_creating_the_data_says_full(small_disk):
    """Past the free-space check (the disk filled a moment later), SQLite's own error while
    creating the database is read as a full disk, not as damage."""
    from services.core import store as store_module

    paths = DataPaths(small_disk.mount / "data")
    paths.ensure()
    small_disk.fill(leave=16 * 1024)
    with pytest.raises(StoreProblem) as caught:
        store_module._open_writable(paths, existed=False, check_integrity=True)
    assert caught.value.kind == "full", caught.value.detail


def test_the_command_line_on_a_full_disk(small_disk, tmp_path):
    paths = DataPaths(small_disk.mount / "data")
    data_with_backup(paths)
    small_disk.fill(leave=16 * 1024)
    selftest = run_main("--self-test", data_dir=paths.root)
    lines = selftest.stdout.splitlines()
    assert lines[0].startswith("FAIL data folder: disk full: The disk that holds your data "
                               "folder")
    assert any(line.startswith("ok   views: built 6 views") for line in lines), lines
    assert "damaged" not in selftest.stdout
    export = run_main("export", "-o", str(tmp_path / "out.json"), data_dir=paths.root)
    assert export.returncode == 0, export.stderr
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    csv = tmp_path / "one.csv"
    csv.write_text("company,role\nLumen,Engineer\n", encoding="utf-8")
    imported = run_main("import", str(csv), data_dir=paths.root)
    assert imported.returncode == 1
    assert imported.stderr.startswith("FAIL The disk that holds your data folder")
