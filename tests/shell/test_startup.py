"""Start-up: the window on empty and demo data, damaged data, the self-test, one instance."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt

from services.core.paths import DataPaths
from services.core.store import open_store
from tests.conftest import ROOT, subprocess_env
from ui.shell.main_window import MainWindow


def make_window(qtbot, store) -> MainWindow:
    from services.core.snapshot import read_snapshot

    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_window_opens_on_empty_data(qtbot, store):
    window = make_window(qtbot, store)
    assert window.nav.count() == 6
    assert [window.nav.item(i).text() for i in range(6)] == [
        "Applications", "Inbox", "Compose", "Calendar", "Dashboard", "Settings"]
    assert window.status_label.text().startswith("0 applications")
    # Set right after the first frame (ui/shell/main_window.py).
    qtbot.waitUntil(lambda: not window.windowIcon().isNull(), timeout=5000)


def test_window_opens_on_demo_data(qtbot, demo_store):
    window = make_window(qtbot, demo_store)
    assert window.status_label.text().startswith("12 applications")


def test_sections_switch_by_shortcut_and_navigation(qtbot, store):
    window = make_window(qtbot, store)
    window.view_actions["calendar"].trigger()
    assert window.current_view_key() == "calendar"
    assert window.nav.currentRow() == 3
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_view_key() == "dashboard"
    assert window.view_actions["settings"].shortcut().toString() == "Ctrl+6"


def test_every_view_builds_and_has_an_accessible_name(qtbot, store):
    window = make_window(qtbot, store)
    for key in window.build_all_views():
        assert window.view(key).accessibleName()


def test_geometry_and_section_are_remembered(qtbot, store):
    window = make_window(qtbot, store)
    window.show_view("dashboard")
    window.resize(760, 540)
    size = (window.width(), window.height())  # the dashboard may need more than asked
    window.save_state()
    window.close()
    again = make_window(qtbot, store)
    assert (again.width(), again.height()) == size
    assert again.current_view_key() == "dashboard"


def _run_main(*args: str, data_dir) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, timeout=60, env=subprocess_env(), cwd=ROOT,
    )


def test_self_test_passes_on_demo_data(tmp_path):
    result = _run_main("--demo", "--self-test", data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    names = [line.split(":")[0].split(maxsplit=1)[1] for line in lines]
    assert names == ["demo data", "data folder", "database", "integrity", "schema",
                     "keyring", "views", "text"]
    assert all(line.startswith("ok") for line in lines)


def test_self_test_fails_clearly_on_a_damaged_database(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / DataPaths(data).database.name).write_bytes(b"this is not a database" * 100)
    result = _run_main("--self-test", data_dir=data)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL database: Your Next Steps database is damaged")


def test_self_test_fails_without_a_usable_keyring(tmp_path):
    env = subprocess_env(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "d"), "--self-test"],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT,
    )
    assert result.returncode == 1
    assert "FAIL keyring: keyring.backends.null.Keyring" in result.stdout


def test_version_and_help():
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"],
                            capture_output=True, text=True, timeout=30, env=subprocess_env())
    assert result.stdout.strip() == "Next Steps 0.1.0"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--help"],
                            capture_output=True, text=True, timeout=30, env=subprocess_env())
    for option in ("--data-dir", "--demo", "--self-test", "--version"):
        assert option in result.stdout


def test_damaged_database_is_kept_aside_and_backup_restored(qtbot, data_paths, monkeypatch):
    from services.core.store import StoreProblem
    from services.data import backups
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    store = open_store(data_paths)
    from models.application import Application

    Application.create(company="Lumen", role="Data Engineer")
    backups.make_backup(store.db, data_paths.backups, reason="daily")
    store.close()
    data_paths.database.write_bytes(b"\0garbage" * 4096)
    for side in ("-wal", "-shm"):
        data_paths.database.with_name(data_paths.database.name + side).unlink(missing_ok=True)

    asked: list[StoreProblem] = []

    def ask(problem):
        asked.append(problem)
        return StoreProblemDialog.RESTORE

    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(ask))
    reopened = app_module.open_store_interactively(data_paths)
    assert reopened is not None
    try:
        assert len(asked) == 1 and asked[0].kind == "corrupt"
        assert "damaged" in asked[0].message and asked[0].backup is not None
        kept = [p for p in data_paths.root.iterdir() if ".damaged-" in p.name]
        assert len(kept) == 1 and kept[0].read_bytes().startswith(b"\0garbage")
        assert [a.company for a in Application.select()] == ["Lumen"]
    finally:
        reopened.close()


def test_quit_choice_leaves_the_damaged_file_alone(data_paths, monkeypatch):
    from ui.shell import app as app_module
    from ui.shell.startup_dialogs import StoreProblemDialog

    data_paths.ensure()
    data_paths.database.write_bytes(b"not sqlite" * 1000)
    monkeypatch.setattr(StoreProblemDialog, "ask", staticmethod(lambda p: StoreProblemDialog.QUIT))
    assert app_module.open_store_interactively(data_paths) is None
    assert data_paths.database.read_bytes() == b"not sqlite" * 1000


def test_single_instance_lock_is_exclusive(data_paths):
    from ui.shell.single_instance import SingleInstance

    first = SingleInstance(data_paths)
    second = SingleInstance(data_paths)
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_stale_lock_after_a_crash_is_cleared(data_paths):
    """A copy killed while holding the lock must not keep the next start out."""
    from ui.shell.single_instance import SingleInstance

    data_paths.ensure()
    crash = textwrap.dedent(f"""
        import os
        from PySide6.QtCore import QLockFile
        lock = QLockFile({str(data_paths.lock_file)!r})
        assert lock.tryLock(0)
        os._exit(0)  # dies without unlocking, like a crash
    """)
    subprocess.run([sys.executable, "-c", crash], check=True, timeout=30, env=subprocess_env())
    assert data_paths.lock_file.exists()
    instance = SingleInstance(data_paths)
    assert instance.acquire()
    instance.release()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_palettes(qtbot, store, theme):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from ui.shell.theme import apply_theme

    app = QApplication.instance()
    old = app.palette()
    try:
        dark = apply_theme(app, theme)
        window_colour = app.palette().color(QPalette.ColorRole.Window)
        assert dark == (theme == "dark")
        assert (window_colour.lightness() < 100) == dark
    finally:
        app.setPalette(old)


def test_the_written_out_light_palette_is_fusions_with_the_apps_teal(qtbot):
    """ui/shell/theme.py writes Fusion's light palette out (reading it from the style costs
    start-up time); only the highlight, accent and link colours are the app's own."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleFactory

    from ui.shell.theme import _light_palette

    fusion = QStyleFactory.create("Fusion").standardPalette()
    ours = _light_palette()
    own = {QPalette.ColorRole.Highlight, QPalette.ColorRole.Link, QPalette.ColorRole.Accent}
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
              QPalette.ColorGroup.Disabled)
    different = []
    for group in groups:
        for role in QPalette.ColorRole:
            if role in (QPalette.ColorRole.NColorRoles, QPalette.ColorRole.NoRole):
                continue
            if role in own and not (group == QPalette.ColorGroup.Disabled
                                    and role != QPalette.ColorRole.Link):
                continue
            if ours.color(group, role).rgba() != fusion.color(group, role).rgba():
                different.append((group.name, role.name))
    assert different == []
    assert ours.color(QPalette.ColorRole.Highlight).name() == "#1f7f92"


def test_the_system_theme_chosen_before_the_paint_is_confirmed_after_it(qtbot):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from ui.shell.theme import confirm_system_theme, system_prefers_dark

    app = QApplication.instance()
    old, old_dark = app.palette(), app.property("nextsteps_dark")
    try:
        wrong = not system_prefers_dark()
        app.setProperty("nextsteps_dark", wrong)
        assert confirm_system_theme(app)
        assert bool(app.property("nextsteps_dark")) == system_prefers_dark()
        dark_window = app.palette().color(QPalette.ColorRole.Window).lightness() < 100
        assert dark_window == system_prefers_dark()
        assert not confirm_system_theme(app)  # agrees now: nothing to do
    finally:
        app.setPalette(old)
        app.setProperty("nextsteps_dark", old_dark)


_THEME_PROBE = """
import json, subprocess, sys
portal = subprocess.Popen([sys.executable, "tests/support/fake_portal.py", sys.argv[1]],
                          stdout=subprocess.PIPE, text=True)
assert portal.stdout.readline().strip() == "ready"
from ui.shell.app import make_application
from ui.shell.prepaint import qt_namespace_loaded
from ui.shell.theme import apply_theme, system_prefers_dark
app = make_application()
first = apply_theme(app, "system", first=True)
namespace = qt_namespace_loaded()
print(json.dumps({"first": first, "namespace": namespace, "qt": system_prefers_dark()}))
portal.kill()
"""


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_theme_chosen_before_the_first_paint_is_the_desktops(scheme):
    """The first paint cannot ask colorScheme() (it would build the Qt namespace, see
    ui/shell/prepaint.py): the platform palette must tell the same. Here the desktop portal
    says dark or light, as GNOME's does, on a private session bus."""
    if shutil.which("dbus-run-session") is None:
        pytest.fail("dbus-run-session is missing: install the Debian package dbus-daemon "
                    "(tools/system-deps.sh lists it; make test installs it as root)")
    env = subprocess_env(QT_QPA_PLATFORMTHEME="xdgdesktopportal")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    result = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-c", _THEME_PROBE, scheme],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {"first": scheme == "dark", "namespace": False, "qt": scheme == "dark"}
