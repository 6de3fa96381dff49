"""The fast start: a snapshot for the first paint, the ORM loaded on first need,
integrity checked in the background with recovery offered when it fails."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from models.version import CURRENT_VERSION
from services.core.snapshot import read_snapshot, save_ui_state
from services.core.store import open_store


def test_no_snapshot_for_a_missing_or_empty_database(data_paths):
    assert read_snapshot(data_paths) is None
    data_paths.ensure()
    data_paths.database.write_bytes(b"")
    assert read_snapshot(data_paths) is None


def test_no_snapshot_for_garbage(data_paths):
    data_paths.ensure()
    data_paths.database.write_bytes(b"garbage" * 1000)
    assert read_snapshot(data_paths) is None


@pytest.mark.parametrize("version", [CURRENT_VERSION - 1, CURRENT_VERSION + 1])
def test_no_snapshot_for_another_schema_version(store, version):
    store.db.execute_sql("UPDATE schema_version SET version = ?", (version,))
    assert read_snapshot(store.paths) is None


def test_snapshot_reads_ui_settings_and_count(demo_store):
    from services.core import settings

    settings.put("ui.theme", "dark")
    settings.put("user.name", "Not read at start-up")
    snapshot = read_snapshot(demo_store.paths)
    assert snapshot.application_count == 12
    assert snapshot.setting("ui.theme") == "dark"
    assert "user.name" not in snapshot.settings
    assert snapshot.setting("ui.current_view") == "applications"  # the default


def test_ui_state_is_saved_without_the_orm_and_read_back(store):
    save_ui_state(store.paths, {"ui.current_view": "calendar", "ui.window_geometry": "AAA="})
    from services.core import settings

    assert settings.get("ui.current_view") == "calendar"
    assert read_snapshot(store.paths).setting("ui.window_geometry") == "AAA="
    with pytest.raises(ValueError):
        save_ui_state(store.paths, {"smtp.host": "x"})


def test_painting_does_not_load_the_orm(tmp_path):
    """The first paint must not import peewee (start-up time and memory, see make bench)."""
    import subprocess

    from tests.conftest import ROOT, subprocess_env

    data = tmp_path / "d"
    from services.core.paths import DataPaths

    open_store(DataPaths(data)).close()
    code = (
        "import sys; sys.argv=['main.py']\n"
        "from services.core.paths import DataPaths\n"
        "from ui.shell.app import Startup\n"
        f"s = Startup(DataPaths({str(data)!r}), demo=False, benchmark_startup=False)\n"
        "assert s.instance.acquire()\n"
        "assert s._show_window()\n"
        "s.app.processEvents()\n"
        "print('peewee' in sys.modules)\n"
        "s.window.ensure_store()\n"
        "print('peewee' in sys.modules)\n"
        "s.instance.release()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.stdout.split() == ["False", "True"], result.stderr


def test_window_opens_the_store_on_first_need(qtbot, data_paths):
    from services.core.snapshot import read_snapshot as snap
    from ui.shell.main_window import MainWindow

    open_store(data_paths).close()
    opened = []

    def opener():
        store = open_store(data_paths, check_integrity=False)
        opened.append(store)
        return store

    window = MainWindow(data_paths, snap(data_paths), "test", open_store=opener)
    qtbot.addWidget(window)
    assert window.store is None
    with qtbot.waitSignal(window.store_attached):
        window.refresh_status()
    assert window.store is opened[0]
    assert window.ensure_store() is opened[0] and len(opened) == 1
    opened[0].close()


def test_damage_found_in_the_background_offers_recovery(qtbot, data_paths, monkeypatch):
    """A file that reads fine for the snapshot but fails integrity_check is caught after
    the first paint; choosing to restore keeps the damaged file aside and restarts."""
    from services.data import backups
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    store = open_store(data_paths)
    from models.application import Application

    for n in range(400):
        Application.create(company=f"Company {n}", role="Engineer", notes="x" * 300)
    backups.make_backup(store.db, data_paths.backups, reason="daily")
    store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    raw = bytearray(data_paths.database.read_bytes())
    page = 4096
    # Damage an index page far from the schema so the snapshot still reads.
    con = sqlite3.connect(data_paths.database)
    root = con.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'application_uid'").fetchone()[0]
    con.close()
    start = (root - 1) * page
    raw[start + 8:start + 200] = bytes(reversed(raw[start + 8:start + 200]))
    data_paths.database.write_bytes(bytes(raw))
    assert read_snapshot(data_paths) is not None
    assert backups.file_problems(data_paths.database)

    asked, restarted = [], []
    monkeypatch.setattr(StoreProblemDialog, "ask",
                        staticmethod(lambda p: asked.append(p) or StoreProblemDialog.RESTORE))
    monkeypatch.setattr(app_module, "restart_app", lambda: restarted.append(True))
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    assert startup.instance.acquire()
    try:
        assert startup._show_window()
        # Stop the start-up's timers with the window: a reminder start 1.5 s later would
        # otherwise open this test's data inside the next test.
        qtbot.addWidget(startup.window, before_close_func=lambda _w: startup.shutdown())
        startup._check_integrity_in_background()
        qtbot.waitUntil(lambda: bool(restarted), timeout=10000)
    finally:
        startup.shutdown()
    assert asked[0].kind == "corrupt" and asked[0].backup is not None
    kept = [p for p in data_paths.root.iterdir()
            if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1
    assert not backups.file_problems(data_paths.database)


def test_first_paint_shows_the_first_rows_of_the_list(qtbot, demo_store):
    """make bench's list_first_rows figure is the start-up to first paint: check rows are there."""
    from ui.shell.main_window import MainWindow

    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test",
                        open_store=lambda: demo_store)
    qtbot.addWidget(window)
    painted = []
    window.first_painted.connect(
        lambda: painted.append(window.view("applications").model.rowCount()))
    window.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=5000)
    assert painted[0] == 12


def test_the_first_frame_is_painted_before_the_qt_namespace_is_built(demo_store):
    """Naming ``Qt`` costs about 16 ms (ui/shell/prepaint.py): the first frame, list rows
    included, must not need it. The benchmark mode reports it with its first-frame line."""
    import subprocess

    from tests.conftest import ROOT, subprocess_env

    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(demo_store.paths.root),
         "--benchmark-startup"],
        capture_output=True, text=True, cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert "first_paint" in lines
    assert lines["qt_namespace_loaded"] == "0", result.stdout


def test_the_plain_values_set_before_the_first_paint_are_qts():
    from PySide6.QtCore import Qt

    from ui.applications import table_model as table
    from ui.shell.prepaint import ALIGN_CENTER

    centre = Qt.AlignmentFlag.AlignCenter.value
    assert centre == ALIGN_CENTER
    roles = Qt.ItemDataRole
    ours = (table._DISPLAY, table._TOOLTIP, table._FONT, table._FOREGROUND,
            table._ACCESSIBLE, table._USER)
    assert ours == (
        roles.DisplayRole.value, roles.ToolTipRole.value, roles.FontRole.value,
        roles.ForegroundRole.value, roles.AccessibleTextRole.value, roles.UserRole.value)


def test_the_prepaint_alignment_takes_effect(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from ui.shell.prepaint import ALIGN_CENTER, set_alignment

    label = QLabel()
    qtbot.addWidget(label)
    set_alignment(label, ALIGN_CENTER)
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter


def test_menus_and_shortcuts_are_there_right_after_the_first_paint(qtbot, demo_store):
    from PySide6.QtGui import QKeySequence

    from ui.shell.main_window import MainWindow

    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test",
                        open_store=lambda: demo_store)
    qtbot.addWidget(window)
    menus = window.menuBar().actions()
    assert [action.text() for action in menus] == ["&File", "&View", "&Help"]
    assert all(action.menu().isEmpty() for action in menus)
    window.show()
    qtbot.waitUntil(lambda: not menus[0].menu().isEmpty(), timeout=5000)
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert [action.shortcut().toString() for action in window.view_actions.values()] == [
        f"Ctrl+{number}" for number in range(1, 7)]


def test_the_list_header_shows_the_titles_the_model_gives_screen_readers(qtbot, demo_store):
    from PySide6.QtCore import Qt

    from ui.shell.main_window import MainWindow

    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test",
                        open_store=lambda: demo_store)
    qtbot.addWidget(window)
    view = window.view("applications")
    header = view.table.horizontalHeader()
    assert header.count() == view.model.columnCount()
    for section in range(header.count()):
        shown = header.model().headerData(section, Qt.Orientation.Horizontal)
        assert shown == view.model.headerData(section, Qt.Orientation.Horizontal)
        assert shown == view.model.headerData(section, Qt.Orientation.Horizontal,
                                              Qt.ItemDataRole.AccessibleTextRole)


def test_sorting_and_keys_are_switched_on_right_after_the_first_paint(qtbot, demo_store):
    from PySide6.QtCore import Qt

    from ui.shell.main_window import MainWindow

    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test",
                        open_store=lambda: demo_store)
    qtbot.addWidget(window)
    view = window.view("applications")
    assert not view.table.isSortingEnabled()
    window.show()
    qtbot.waitUntil(view.table.isSortingEnabled, timeout=5000)
    header = view.table.horizontalHeader()
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        2, Qt.SortOrder.AscendingOrder)
    view.ensure_complete()
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_centre(header, 0))
    assert header.sortIndicatorSection() == 0
    companies = [view.model.index(row, 0).data() for row in range(view.model.rowCount())]
    assert companies == sorted(companies, key=str.casefold)


def _section_centre(header, section):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2,
                  header.height() // 2)


@pytest.mark.parametrize(("stored", "expected"), [
    ('"dark"', "dark"), ("true", True), ("false", False), ("12", 12), ("1.5", 1.5),
    ("null", None), ('{"a": [1, "b"]}', {"a": [1, "b"]}), ("[1, 2]", [1, 2]),
    ('"caf\\u00e9 \\ud83d\\ude00"', "café 😀"),
])
def test_snapshot_settings_decode_as_json_does(store, stored, expected):
    import json

    assert json.loads(stored) == expected
    con = sqlite3.connect(store.paths.database)
    with con:
        con.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('ui.x', ?)", (stored,))
        con.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('ui.bad', '{oops')")
    con.close()
    snapshot = read_snapshot(store.paths)
    value = snapshot.setting("ui.x")
    assert value == expected and type(value) is type(expected)
    assert "ui.bad" not in snapshot.settings


def _applications(store, count: int) -> None:
    with sqlite3.connect(store.paths.database) as con:
        con.executemany(
            "INSERT INTO application (uid, company, role, posting_url, channel, agency_name, "
            "recruiter_name, recruiter_email, contact_name, contact_email, stage, "
            "salary_notes, notes, created_at, updated_at) VALUES (?, ?, 'Engineer', '', "
            "'direct', '', '', '', '', '', 'applied', '', '', '2026-01-01T00:00:00+00:00', "
            "'2026-01-01T00:00:00+00:00')",
            [(f"u{number}", f"Company {number:03d}") for number in range(count)])
    con.close()


@pytest.mark.parametrize(("height", "loads_at_once"), [(720, False), (2400, True)])
def test_a_window_taller_than_the_first_screenful_loads_the_rest_at_once(
        qtbot, store, height, loads_at_once):
    """Without a scroll bar there is nothing to scroll down with: the rest must come."""
    from ui.applications.list_view import FIRST_SCREENFUL
    from ui.shell.main_window import MainWindow

    _applications(store, FIRST_SCREENFUL + 20)
    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    window.resize(1100, height)
    view = window.view("applications")
    assert len(view.model.index_data.visible) == FIRST_SCREENFUL
    window.show()
    qtbot.waitUntil(view.table.isSortingEnabled, timeout=5000)  # after the first paint
    started = view._loading or view.model.index_data.complete
    assert started is loads_at_once
    if loads_at_once:
        qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
        assert view.model.rowCount() == FIRST_SCREENFUL + 20
        assert view.table.verticalScrollBar().maximum() == 0


def test_quick_reads_map_no_file_into_memory(store):
    """A mapped read counts the pages around each page read in the process's memory: 45 MB
    before the first paint at 100,000 applications (make bench: peak_rss_100k_mb)."""
    from services.core.snapshot import connect_for_reading

    con = connect_for_reading(store.paths)
    try:
        assert con.execute("PRAGMA mmap_size").fetchone()[0] == 0
        assert con.execute("PRAGMA query_only").fetchone()[0] == 1
    finally:
        con.close()
