"""Start Next Steps at login, minimised to the tray, the usual way on each platform.

* **Linux** (and other XDG desktops): an autostart entry
  ``$XDG_CONFIG_HOME/autostart/next-steps.desktop`` (``~/.config`` when
  ``XDG_CONFIG_HOME`` is unset), as the XDG Autostart specification says.
* **Windows**: a value ``NextSteps`` under the registry key
  ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` (a Startup-folder
  shortcut would need a ``.lnk`` writer, i.e. pywin32; the Run key is the
  other usual way and needs only :mod:`winreg`).
* **macOS**: a LaunchAgent ``~/Library/LaunchAgents/app.nextsteps.plist``
  with ``RunAtLoad``.

The command always ends with ``--minimized`` (:data:`MINIMIZED_FLAG`), so
the app starts in the tray instead of showing its window. Given the data
folder in use, it also says ``--data-dir FOLDER`` (:data:`DATA_DIR_FLAG`): at
login neither the option the app was started with nor ``NEXTSTEPS_DATA_DIR``
is there, and the app would open the default folder instead.

:class:`Autostart` takes the platform, the folders and the registry module
as arguments, so the Windows and macOS writers can be checked on any
machine; :func:`is_enabled`, :func:`enable` and :func:`disable` use the
running platform.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from services.core.atomic import write_bytes_atomic, write_text_atomic
from services.core.paths import default_data_dir, project_root

__all__ = [
    "DATA_DIR_FLAG",
    "DESKTOP_FILE_NAME",
    "LAUNCH_AGENT_LABEL",
    "MINIMIZED_FLAG",
    "RUN_KEY",
    "RUN_VALUE_NAME",
    "Autostart",
    "AutostartError",
    "default_command",
    "disable",
    "enable",
    "is_enabled",
]

MINIMIZED_FLAG = "--minimized"
DATA_DIR_FLAG = "--data-dir"
DESKTOP_FILE_NAME = "next-steps.desktop"
LAUNCH_AGENT_LABEL = "app.nextsteps"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE_NAME = "NextSteps"


class AutostartError(OSError):
    """Start at login could not be changed; the message says why and what to do."""


def default_command() -> list[str]:
    """The command that starts this copy of the app (frozen build or ``python main.py``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    main = project_root() / "main.py"
    return [sys.executable, str(main)]


def _with_flag(command: Sequence[str], data_dir: str | os.PathLike[str] | None = None
               ) -> list[str]:
    parts = [str(part) for part in command]
    if not parts:
        raise AutostartError("There is no command to start Next Steps with.")
    if data_dir is not None:
        head, _folder = _split_data_dir(parts)
        parts = [part for part in head if part != MINIMIZED_FLAG]
        parts += [DATA_DIR_FLAG, str(Path(data_dir).expanduser().resolve())]
    if MINIMIZED_FLAG not in parts:
        parts.append(MINIMIZED_FLAG)
    return parts


def _split_data_dir(parts: Sequence[str]) -> tuple[list[str], str | None]:
    """The arguments without ``--data-dir FOLDER`` (or ``--data-dir=FOLDER``), and FOLDER."""
    rest: list[str] = []
    folder = None
    index = 0
    while index < len(parts):
        part = parts[index]
        if part == DATA_DIR_FLAG and index + 1 < len(parts):
            folder, index = parts[index + 1], index + 2
            continue
        if part.startswith(DATA_DIR_FLAG + "="):
            folder = part[len(DATA_DIR_FLAG) + 1:]
        else:
            rest.append(part)
        index += 1
    return rest, folder


def _desktop_exec(parts: Sequence[str]) -> str:
    """The ``Exec`` value: arguments quoted as the Desktop Entry specification requires."""
    quoted = []
    for part in parts:
        if part and all(c.isalnum() or c in "-_./=:,+@" for c in part):
            quoted.append(part.replace("%", "%%"))
        else:
            escaped = (part.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
                       .replace("$", "\\$").replace("%", "%%"))
            quoted.append(f'"{escaped}"')
    # In a desktop file's string values a backslash is itself escaped.
    return " ".join(quoted).replace("\\", "\\\\")


def _parse_desktop_exec(value: str) -> list[str]:
    """The arguments of an ``Exec`` value written by :func:`_desktop_exec`."""
    text = value.replace("\\\\", "\\")  # the string-level escape of a backslash
    parts = _split_command(text, " ", _desktop_escape)
    return [part.replace("%%", "%") for part in parts]


def _desktop_escape(text: str, index: int, quoted: bool) -> tuple[str, int] | None:
    """Inside quotes, a backslash before ``"``, a backquote, ``$`` or a backslash stands for
    that character (the Desktop Entry specification); elsewhere it is an ordinary one."""
    if quoted and index + 1 < len(text) and text[index + 1] in '"`$\\':
        return text[index + 1], index + 2
    return None


def _windows_command(parts: Sequence[str]) -> str:
    """A command line Windows parses back into ``parts`` (``subprocess.list2cmdline``)."""
    return subprocess.list2cmdline(list(parts))


class Autostart:
    """Start at login for one platform (``linux``, ``windows`` or ``darwin``).

    ``config_home`` (Linux: default ``$XDG_CONFIG_HOME`` or ``~/.config``),
    ``home`` (macOS: default ``~``) and ``registry`` (Windows: default the
    :mod:`winreg` module; any object with the same functions and constants)
    can be given, so each writer can be tested anywhere.
    """

    def __init__(self, platform: str | None = None, *, config_home: Path | None = None,
                 home: Path | None = None, registry: Any = None) -> None:
        """Choose the platform and where its files or registry live."""
        name = (platform or sys.platform).lower()
        if name.startswith("win"):
            self.platform = "windows"
        elif name == "darwin" or name.startswith("mac"):
            self.platform = "darwin"
        else:
            self.platform = "linux"
        self._config_home = config_home
        self._home = home
        self._registry = registry

    # -- where --------------------------------------------------------------------------------
    @property
    def desktop_file(self) -> Path:
        """The XDG autostart entry (Linux)."""
        base = self._config_home
        if base is None:
            env = os.environ.get("XDG_CONFIG_HOME", "")
            # The XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
            base = Path(env) if env and os.path.isabs(env) else Path.home() / ".config"
        return Path(base) / "autostart" / DESKTOP_FILE_NAME

    @property
    def launch_agent(self) -> Path:
        """The LaunchAgent property list (macOS)."""
        home = self._home if self._home is not None else Path.home()
        return Path(home) / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"

    def _winreg(self):
        if self._registry is not None:
            return self._registry
        import winreg  # only on Windows

        return winreg

    # -- the three operations -----------------------------------------------------------------
    def is_enabled(self, data_dir: str | os.PathLike[str] | None = None) -> bool:
        """True when Next Steps is set to start at login (with ``data_dir``: on that data
        folder)."""
        if data_dir is not None:
            folder = self.data_dir()
            return folder is not None and folder == Path(data_dir).expanduser().resolve()
        if self.platform == "windows":
            return self._read_run_value() is not None
        if self.platform == "darwin":
            return self.launch_agent.is_file()
        return self._desktop_entry_enabled()

    def data_dir(self) -> Path | None:
        """The data folder the login start opens (None when not enabled); an entry without
        ``--data-dir`` (written by an older version) opens the platform's default folder."""
        command = self.command()
        if command is None:
            return None
        _rest, folder = _split_data_dir(command)
        if folder is None:
            return default_data_dir().expanduser().resolve()
        return Path(folder).expanduser().resolve()

    def command(self) -> list[str] | None:
        """The command that starts at login (None when not enabled)."""
        if self.platform == "windows":
            value = self._read_run_value()
            return None if value is None else _split_windows(value)
        if self.platform == "darwin":
            if not self.launch_agent.is_file():
                return None
            with self.launch_agent.open("rb") as handle:
                return list(plistlib.load(handle).get("ProgramArguments", []))
        if not self._desktop_entry_enabled():
            return None
        for line in self.desktop_file.read_text(encoding="utf-8").splitlines():
            if line.startswith("Exec="):
                return _parse_desktop_exec(line[5:])
        return None

    def enable(self, command: Sequence[str] | None = None,
               data_dir: str | os.PathLike[str] | None = None) -> Path | str:
        """Start ``command`` (default: this copy of the app) at login, with ``--minimized``
        and, when given, ``--data-dir data_dir`` (the folder in use).

        Returns the file written, or the registry value's path on Windows.
        """
        parts = _with_flag(command if command is not None else default_command(), data_dir)
        try:
            if self.platform == "windows":
                return self._write_run_value(parts)
            if self.platform == "darwin":
                return self._write_launch_agent(parts)
            return self._write_desktop_entry(parts)
        except OSError as exc:
            raise AutostartError(
                f"Next Steps could not be set to start at login ({exc.strerror or exc}). "
                "Check that your user folder is writable, then try again.") from exc

    def disable(self) -> None:
        """Stop starting at login (nothing happens when it was not enabled)."""
        try:
            if self.platform == "windows":
                self._delete_run_value()
            elif self.platform == "darwin":
                self.launch_agent.unlink(missing_ok=True)
            else:
                self.desktop_file.unlink(missing_ok=True)
        except OSError as exc:
            raise AutostartError(
                f"Next Steps could not stop starting at login ({exc.strerror or exc}). "
                "Check that your user folder is writable, then try again.") from exc

    # -- Linux --------------------------------------------------------------------------------
    def _write_desktop_entry(self, parts: Sequence[str]) -> Path:
        text = "\n".join([
            "[Desktop Entry]",
            "Type=Application",
            "Name=Next Steps",
            "GenericName=Job search companion",
            "Comment=Reminders for thank-you notes, follow-ups and deadlines",
            f"Exec={_desktop_exec(parts)}",
            "Icon=next-steps",
            "Terminal=false",
            "Categories=Office;",
            "X-GNOME-Autostart-enabled=true",
            "",
        ])
        write_text_atomic(self.desktop_file, text)
        return self.desktop_file

    def _desktop_entry_enabled(self) -> bool:
        path = self.desktop_file
        if not path.is_file():
            return False
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = (part.strip() for part in line.partition("="))
            if (key, value.lower()) in (("Hidden", "true"), ("X-GNOME-Autostart-enabled",
                                                               "false")):
                return False
        return True

    # -- macOS --------------------------------------------------------------------------------
    def _write_launch_agent(self, parts: Sequence[str]) -> Path:
        data = plistlib.dumps({
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(parts),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        })
        write_bytes_atomic(self.launch_agent, data)
        return self.launch_agent

    # -- Windows ------------------------------------------------------------------------------
    def _read_run_value(self) -> str | None:
        reg = self._winreg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, RUN_VALUE_NAME)
        except FileNotFoundError:
            return None
        return str(value)

    def _write_run_value(self, parts: Sequence[str]) -> str:
        reg = self._winreg()
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, RUN_VALUE_NAME, 0, reg.REG_SZ, _windows_command(parts))
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{RUN_VALUE_NAME}"

    def _delete_run_value(self) -> None:
        reg = self._winreg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, RUN_VALUE_NAME)
        except FileNotFoundError:
            return


def _split_windows(command: str) -> list[str]:
    """Split a Windows command line into its arguments (the C runtime's rules, which
    :func:`subprocess.list2cmdline` writes for)."""
    return _split_command(command, " \t", _windows_escape)


def _windows_escape(text: str, index: int, _quoted: bool) -> tuple[str, int]:
    """A run of backslashes: before a quote, each pair stands for one backslash and an odd
    one left over escapes the quote; elsewhere they are ordinary characters."""
    end = index
    while end < len(text) and text[end] == "\\":
        end += 1
    count = end - index
    if end < len(text) and text[end] == '"':
        if count % 2:  # an escaped quote
            return "\\" * (count // 2) + '"', end + 1
        return "\\" * (count // 2), end
    return "\\" * count, end


#: Reads what a backslash at ``index`` stands for: the characters and the index after them,
#: or None when it is an ordinary character (arguments: the text, the index, whether the
#: backslash lies inside quotes).
_EscapeReader = Callable[[str, int, bool], tuple[str, int] | None]


def _split_command(text: str, separators: str, escape: _EscapeReader) -> list[str]:
    """Split a command line into its arguments, for both formats above: ``"`` starts and
    ends a quoted stretch, a separator outside quotes ends an argument, and ``escape`` says
    what a backslash stands for."""
    parts: list[str] = []
    current: list[str] = []
    in_argument = quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        escaped = escape(text, index, quoted) if char == "\\" else None
        if escaped is not None:
            characters, index = escaped
            current.append(characters)
            in_argument = True
            continue
        if char == '"':
            quoted, in_argument = not quoted, True
        elif char in separators and not quoted:
            if in_argument:
                parts.append("".join(current))
                current, in_argument = [], False
        else:
            current.append(char)
            in_argument = True
        index += 1
    if in_argument:
        parts.append("".join(current))
    return parts


def is_enabled(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when this user's login starts Next Steps (on the running platform); with
    ``data_dir``, only when it starts on that data folder."""
    return Autostart().is_enabled(data_dir)


def enable(command: Sequence[str] | None = None,
           data_dir: str | os.PathLike[str] | None = None) -> Path | str:
    """Start Next Steps at login, minimised to the tray, on ``data_dir`` when given (see
    :meth:`Autostart.enable`)."""
    return Autostart().enable(command, data_dir)


def disable() -> None:
    """Stop starting Next Steps at login."""
    Autostart().disable()
