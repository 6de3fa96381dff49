"""Packaging: the PyInstaller build passes its own self-test; the desktop entry and icons.

The slow test builds the one-folder app into a temp folder with the real spec
(``packaging/nextsteps.spec``) through ``tools/package.py`` and runs the frozen
app's ``--demo --self-test`` inside a private D-Bus session with an unlocked
GNOME Keyring: the frozen app must find the Secret Service backend by itself
(``keyrings.alt``, which the other tests use, is not bundled).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "nextsteps.spec"
DESKTOP = ROOT / "packaging" / "linux" / "next-steps.desktop"
PACKAGE_TOOL = ROOT / "tools" / "package.py"
DESKTOP_TOOL = ROOT / "tools" / "desktop_install.py"
MAKE_ICONS = ROOT / "packaging" / "make_icons.py"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"


def _require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install the Debian package {package} "
                    "(tools/system-deps.sh lists it; make test installs it as root)")
    return path


def _validate(path: Path) -> None:
    validator = _require_tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validator, str(path)], capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not output, output


def _desktop_keys(text: str) -> dict[str, str]:
    keys = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys[key.strip()] = value.strip()
    return keys


def _runtime_dependency_modules() -> list[str]:
    """Top-level modules of the distributions in pyproject.toml's ``dependencies``."""
    import tomllib
    from importlib import metadata

    def normalise(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    tops: dict[str, set[str]] = {}
    for top, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            tops.setdefault(normalise(distribution), set()).add(top)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    modules = []
    for requirement in project["dependencies"]:
        name = normalise(re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0])
        found = [top for top in tops.get(name, ())
                 if top.isidentifier() and importlib.util.find_spec(top) is not None]
        assert found, f"{name} from pyproject.toml is not installed"
        modules += found
    return modules


def _run_tool(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run([sys.executable, str(PACKAGE_TOOL), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


# --- the desktop entry ---------------------------------------------------------------------------


def test_desktop_entry_is_valid_without_hints():
    _validate(DESKTOP)


def test_desktop_entry_matches_the_app():
    keys = _desktop_keys(DESKTOP.read_text(encoding="utf-8"))
    assert keys["Type"] == "Application"
    assert keys["Name"] == "Next Steps"
    assert keys["Terminal"] == "false"
    assert keys["Icon"] == "next-steps"
    # The PNGs the entry's icon name refers to exist in the hicolor sizes.
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert (HICOLOR / f"{size}x{size}" / "apps" / "next-steps.png").is_file()
    # Wayland matches the app id (QGuiApplication.desktopFileName) with the file name,
    # X11 matches WM_CLASS's class, which Qt takes from the application name.
    app_source = (ROOT / "ui" / "shell" / "app.py").read_text(encoding="utf-8")
    assert f'setDesktopFileName("{DESKTOP.stem}")' in app_source
    assert f'setApplicationName("{keys["StartupWMClass"]}")' in app_source


def test_install_desktop_writes_a_valid_entry_and_the_icons(tmp_path):
    program = tmp_path / "a folder with spaces" / "NextSteps"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    data_home = tmp_path / "xdg data"
    env = dict(os.environ, XDG_DATA_HOME=str(data_home))

    result = _run_tool("install-desktop", "--exec", str(program), env=env)
    assert result.returncode == 0, result.stderr

    entry = data_home / "applications" / "next-steps.desktop"
    _validate(entry)
    keys = _desktop_keys(entry.read_text(encoding="utf-8"))
    assert keys["Exec"] == f'"{program}"'
    assert keys["TryExec"] == str(program)
    icons = data_home / "icons" / "hicolor"
    for png in HICOLOR.glob("*/apps/next-steps.png"):
        installed = icons / png.relative_to(HICOLOR)
        assert installed.read_bytes() == png.read_bytes()
    assert (icons / "scalable" / "apps" / "next-steps.svg").is_file()

    result = _run_tool("uninstall-desktop", env=env)
    assert result.returncode == 0, result.stderr
    assert not entry.exists()
    assert not list(icons.rglob("next-steps.*"))


def test_install_desktop_refuses_a_missing_program(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    result = _run_tool("install-desktop", "--exec", str(tmp_path / "missing"), env=env)
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert not (tmp_path / "applications").exists()


def test_exec_quoting_follows_the_desktop_entry_specification():
    spec = importlib.util.spec_from_file_location("desktop_install", DESKTOP_TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.exec_quote("/opt/NextSteps/NextSteps") == "/opt/NextSteps/NextSteps"
    assert tool.exec_quote("/a b/c") == '"/a b/c"'
    assert tool.exec_quote("/a$b") == '"/a\\\\$b"'  # \$ in the argument, then \\ in the file
    assert tool.exec_quote("100%") == "100%%"
    text = tool.desktop_entry(["/x y/NextSteps", "--data-dir", "/d"],
                              DESKTOP.read_text(encoding="utf-8"))
    assert 'Exec="/x y/NextSteps" --data-dir /d\n' in text
    assert "TryExec=/x y/NextSteps\n" in text


# --- icons ---------------------------------------------------------------------------------------


def test_windows_and_macos_icons_are_up_to_date():
    result = subprocess.run([sys.executable, str(MAKE_ICONS), "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_windows_and_macos_icons_can_be_read(qapp):
    from PySide6.QtGui import QImageReader

    for name, expected in (
        ("nextsteps.ico", [16, 24, 32, 48, 64, 128, 256]),
        ("nextsteps.icns", [16, 32, 64, 128, 256, 512, 32, 64, 256, 512]),
    ):
        reader = QImageReader(str(ROOT / "packaging" / "icons" / name))
        sizes = []
        for index in range(reader.imageCount()):
            assert reader.jumpToImage(index)
            image = reader.read()
            assert not image.isNull(), (name, index)
            assert image.width() == image.height()
            sizes.append(image.width())
        assert sizes == expected, name


# --- the spec ------------------------------------------------------------------------------------


def test_qt_modules_the_spec_leaves_out_are_not_imported():
    """The spec excludes Qt modules nobody imports; using one means editing the spec."""
    spec_text = SPEC.read_text(encoding="utf-8")
    excluded = set(re.findall(r'"PySide6\.(Qt\w+)"', spec_text))
    assert {"QtNetwork", "QtQml", "QtSql"} <= excluded
    assert not excluded & {"QtCore", "QtGui", "QtWidgets", "QtDBus"}
    sources = [ROOT / "main.py"]
    for package in ("models", "services", "ui"):
        sources += sorted((ROOT / package).rglob("*.py"))
    offenders = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for module in excluded:
            if re.search(rf"PySide6\.{module}\b|from PySide6 import[^\n]*\b{module}\b", text):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, (
        "these Qt modules are excluded in packaging/nextsteps.spec; remove them from its "
        f"excludes (and keep their plugins) to use them: {offenders}")


def test_spec_reads_the_version_the_app_reports():
    from services.core.version import __version__

    text = (ROOT / "services" / "core" / "version.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    assert match and match.group(1) == __version__
    assert "read_version()" in SPEC.read_text(encoding="utf-8")


# --- the build -----------------------------------------------------------------------------------


def _assert_the_self_test_passed(report: dict) -> list[str]:
    """The frozen app's self-test passed, with the Secret Service; its lines."""
    assert report["selftest_rc"] == 0
    lines = report["selftest"]
    assert lines and all(line.startswith("ok   ") for line in lines), lines
    keyring_line = next(line for line in lines if line.startswith("ok   keyring:"))
    assert "keyring.backends.SecretService" in keyring_line, keyring_line
    assert any(line.startswith("ok   views:") for line in lines), lines
    return lines


def _assert_the_folder_holds_what_it_needs_and_no_more(folder: Path, lines: list[str]) -> None:
    """Every resource, the desktop entry, keyring's entry points, the zone data; and what the
    spec leaves out stays out (``lines``: the self-test's, for what Qt reads of ICU's data)."""
    internal = folder / "_internal"
    for resource in (ROOT / "resources").rglob("*"):
        if resource.is_file() and "__pycache__" not in resource.parts:
            assert (internal / resource.relative_to(ROOT)).is_file(), resource
    assert (internal / "packaging" / "linux" / "next-steps.desktop").is_file()
    entry_points = next(internal.glob("keyring-*.dist-info")) / "entry_points.txt"
    assert "SecretService" in entry_points.read_text(encoding="utf-8")
    assert (internal / "tzdata" / "zoneinfo" / "Europe" / "Berlin").is_file()
    # What the spec leaves out stays out.
    assert not list(internal.rglob("libQt6Network*"))
    assert not list(internal.rglob("libgtk-3*"))
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    (icu_data,) = [p for p in internal.rglob("libicudata.so*") if not p.is_symlink()]
    assert icu_data.stat().st_size < 20 * 2**20, "the spec trims ICU's data (30 MB whole)"
    assert any(line.startswith("ok   text:") for line in lines), lines  # what Qt reads of it
    assert not [p for p in folder.rglob("*") if p.is_symlink() and not p.exists()]
    # rapidfuzz's compiled modules are left out: its Python implementation scores the same
    # (tests/mail/test_similarity.py), and the fuzz_py module it falls back to is bundled.
    assert not list(internal.rglob("rapidfuzz/*_cpp*"))


def _assert_every_module_is_bundled(folder: Path) -> None:
    """Every module of the app (many are imported lazily) and the runtime dependencies."""
    # PyInstaller: imported once the test has said clearly when it is not installed.
    from PyInstaller.archive.readers import CArchiveReader

    bundled = set(CArchiveReader(str(folder / "NextSteps")).open_embedded_archive("PYZ.pyz").toc)
    app_modules = {"main", "command_line"}
    for package in ("models", "services", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            app_modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    dependencies = set(_runtime_dependency_modules()) | {
        "playhouse.migrate", "secretstorage", "jeepney", "jinja2.sandbox", "rapidfuzz.fuzz",
        "zoneinfo",
        "keyring.backends.SecretService", "keyring.backends.kwallet", "keyring.backends.libsecret",
        "keyring.backends.chainer", "keyring.backends.fail", "keyring.backends.null",
        "keyring.backends.macOS", "keyring.backends.Windows",
    }
    missing = sorted((app_modules - {"main"} | dependencies) - bundled)
    assert not missing, f"not bundled: {missing}"
    assert "rapidfuzz.fuzz_py" in bundled


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_frozen_app_builds_and_passes_its_self_test_with_a_real_keyring(tmp_path):
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: make test installs it (the test extra)")
    _require_tool("dbus-run-session", "dbus-daemon")
    _require_tool("gnome-keyring-daemon", "gnome-keyring")
    dist = tmp_path / "dist"
    result = _run_tool(
        "build", "--distpath", str(dist), "--workpath", str(tmp_path / "build"),
        "--config-dir", str(tmp_path / "pyinstaller-config"), "--runs", "0", "--no-tarball",
        timeout=280,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]

    report = json.loads((dist / "package-report.json").read_text(encoding="utf-8"))
    lines = _assert_the_self_test_passed(report)
    folder = dist / "NextSteps"
    _assert_the_folder_holds_what_it_needs_and_no_more(folder, lines)
    _assert_every_module_is_bundled(folder)

    from services.core.version import __version__

    version = subprocess.run([str(folder / "NextSteps"), "--version"], capture_output=True,
                             text=True, timeout=60, check=False)
    assert version.stdout.strip() == f"Next Steps {__version__}"
