"""Start at login: the XDG autostart entry for real (in the test's temporary home), the
Windows Run key through a fake ``winreg`` and the macOS LaunchAgent in a temporary folder
(neither platform can run here, so their writers are checked with injected stand-ins)."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from services.reminders import autostart
from services.reminders.autostart import MINIMIZED_FLAG, Autostart, AutostartError

COMMAND = ["/opt/Next Steps/python3", "/home/ana bell/next-steps/main.py"]


def test_linux_entry_in_xdg_config_home(isolated_home):
    auto = Autostart("linux")
    expected = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "next-steps.desktop"
    assert auto.desktop_file == expected
    assert str(expected).startswith(str(isolated_home))  # never the real home
    assert not auto.is_enabled() and auto.command() is None
    assert auto.enable(COMMAND) == expected
    assert auto.is_enabled()
    text = expected.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\n")
    assert "Type=Application\n" in text and "Name=Next Steps\n" in text
    assert ('Exec="/opt/Next Steps/python3" "/home/ana bell/next-steps/main.py" --minimized\n'
            in text)
    assert auto.command() == [*COMMAND, MINIMIZED_FLAG]
    auto.disable()
    assert not expected.exists() and not auto.is_enabled()
    auto.disable()  # twice is fine


def test_linux_entry_without_xdg_config_home(isolated_home, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert Autostart("linux").desktop_file == (
        isolated_home / ".config" / "autostart" / "next-steps.desktop")
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/is/invalid")
    assert Autostart("linux").desktop_file.is_relative_to(isolated_home / ".config")


def test_linux_exec_quoting_round_trips(tmp_path):
    auto = Autostart("linux", config_home=tmp_path)
    tricky = ["/x/$HOME/a\"b`c\\d%e", "plain", "two words", MINIMIZED_FLAG]
    auto.enable(tricky)
    assert auto.command() == tricky
    exec_line = next(line for line in auto.desktop_file.read_text().splitlines()
                     if line.startswith("Exec="))
    assert "%%e" in exec_line and "\\\\$HOME" in exec_line


def test_a_user_disabled_entry_counts_as_disabled(tmp_path):
    auto = Autostart("linux", config_home=tmp_path)
    auto.enable(COMMAND)
    path = auto.desktop_file
    path.write_text(path.read_text().replace("X-GNOME-Autostart-enabled=true",
                                             "X-GNOME-Autostart-enabled=false"))
    assert not auto.is_enabled()
    path.write_text(path.read_text() + "Hidden=true\n")
    assert not auto.is_enabled()


def test_the_default_command_starts_this_copy(isolated_home):
    command = autostart.default_command()
    assert command[0] == sys.executable and command[1].endswith("main.py")
    autostart.enable()
    assert autostart.is_enabled()
    assert Autostart().command() == [*command, MINIMIZED_FLAG]
    autostart.disable()
    assert not autostart.is_enabled()


def test_an_unwritable_folder_is_a_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(AutostartError, match="could not be set to start at login"):
        Autostart("linux", config_home=blocker).enable(COMMAND)


def test_macos_launch_agent(tmp_path):
    auto = Autostart("darwin", home=tmp_path)
    agent = tmp_path / "Library" / "LaunchAgents" / "app.nextsteps.plist"
    assert auto.launch_agent == agent
    assert not auto.is_enabled()
    auto.enable(["/Applications/Next Steps.app/Contents/MacOS/Next Steps"])
    with agent.open("rb") as handle:
        plist = plistlib.load(handle)
    assert plist == {
        "Label": "app.nextsteps",
        "ProgramArguments": ["/Applications/Next Steps.app/Contents/MacOS/Next Steps",
                             MINIMIZED_FLAG],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    assert auto.is_enabled()
    assert auto.command() == plist["ProgramArguments"]
    auto.disable()
    assert not agent.exists()


class FakeWinreg:
    """The part of :mod:`winreg` the Windows writer uses, over a dict (winreg exists only on
    Windows; this stands in for it)."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_READ = 1
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self):
        self.values: dict[tuple[str, str], dict[str, tuple[str, int]]] = {}
        self.created: list[str] = []

    class _Key:
        def __init__(self, store):
            self.store = store

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def OpenKey(self, root, path, _reserved, _access):
        if (root, path) not in self.values:
            raise FileNotFoundError(path)
        return self._Key(self.values[(root, path)])

    def CreateKeyEx(self, root, path, _reserved, _access):
        self.created.append(path)
        return self._Key(self.values.setdefault((root, path), {}))

    def QueryValueEx(self, key, name):
        if name not in key.store:
            raise FileNotFoundError(name)
        return key.store[name]

    def SetValueEx(self, key, name, _reserved, kind, value):
        key.store[name] = (value, kind)

    def DeleteValue(self, key, name):
        if name not in key.store:
            raise FileNotFoundError(name)
        del key.store[name]


def test_windows_run_key():
    registry = FakeWinreg()
    auto = Autostart("win32", registry=registry)
    assert not auto.is_enabled()
    exe = r"C:\Program Files\Next Steps\NextSteps.exe"
    where = auto.enable([exe])
    assert where == r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\NextSteps"
    assert registry.created == [r"Software\Microsoft\Windows\CurrentVersion\Run"]
    value, kind = registry.values[("HKCU", r"Software\Microsoft\Windows\CurrentVersion\Run")][
        "NextSteps"]
    assert value == f'"{exe}" --minimized' and kind == FakeWinreg.REG_SZ
    assert auto.is_enabled() and auto.command() == [exe, MINIMIZED_FLAG]
    auto.disable()
    assert not auto.is_enabled()
    auto.disable()  # not there: nothing to do


@pytest.mark.parametrize("args", [
    [r"C:\Program Files\Next Steps\NextSteps.exe", "--minimized"],
    ['a"b', "c d", "e\\", 'f\\\\"g', "", "x y\\"],
])
def test_windows_command_lines_round_trip(args):
    line = subprocess.list2cmdline(args)
    assert autostart._split_windows(line) == args


def test_the_platform_is_chosen_by_name():
    assert Autostart("win32").platform == "windows"
    assert Autostart("darwin").platform == "darwin"
    assert Autostart("linux").platform == "linux"
    assert Autostart("freebsd13").platform == "linux"  # XDG desktops
