"""The Linux desktop entry and icons of Next Steps, installed for the current user.

``python tools/package.py install-desktop`` and ``uninstall-desktop`` (see
``tools/package.py``) call :func:`install_desktop` and :func:`uninstall_desktop`:
``packaging/linux/next-steps.desktop`` with ``Exec`` and ``TryExec`` pointing at
the program (:func:`desktop_entry`, quoted as the specification says by
:func:`exec_quote`) and the icons go under ``$XDG_DATA_HOME`` (default
``~/.local/share``), and the desktop's caches are refreshed where its tools exist.

Only the standard library is used, so this runs before anything is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESKTOP_TEMPLATE = ROOT / "packaging" / "linux" / "next-steps.desktop"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
SVG_ICON = ROOT / "resources" / "icons" / "nextsteps.svg"
DESKTOP_ID = "next-steps"

_EXEC_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def exec_quote(argument: str) -> str:
    """One argument of a desktop entry's ``Exec`` key, quoted as the specification says.

    Arguments with reserved characters go in double quotes, where ``"``, `````,
    ``$`` and ``\\`` take a backslash; ``%`` is doubled; then the value is escaped
    as a desktop-entry string (``\\`` becomes ``\\\\``).
    """
    text = argument.replace("%", "%%")
    if any(ch in _EXEC_RESERVED for ch in text):
        text = '"' + re.sub(r'(["`$\\])', r"\\\1", text) + '"'
    return text.replace("\\", "\\\\")


def desktop_entry(exec_argv: list[str], template: str | None = None) -> str:
    """The desktop entry of ``packaging/linux/next-steps.desktop`` with ``Exec`` running
    ``exec_argv`` and ``TryExec`` naming its program (an absolute path)."""
    text = template if template is not None else DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    exec_line = "Exec=" + " ".join(exec_quote(arg) for arg in exec_argv)
    try_exec_line = "TryExec=" + exec_argv[0].replace("\\", "\\\\")
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = exec_line
        elif line.startswith("TryExec="):
            line = try_exec_line
        lines.append(line)
    return "\n".join(lines) + "\n"


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def icon_targets(base: Path) -> list[tuple[Path, Path]]:
    """(source, destination) of every icon file installed under ``base/icons/hicolor``."""
    pairs = []
    for source in sorted(HICOLOR.glob(f"*/apps/{DESKTOP_ID}.png")):
        pairs.append((source, base / "icons" / "hicolor" / source.relative_to(HICOLOR)))
    if SVG_ICON.exists():
        pairs.append((SVG_ICON, base / "icons" / "hicolor" / "scalable" / "apps"
                      / f"{DESKTOP_ID}.svg"))
    return pairs


def refresh_caches(base: Path) -> None:
    """Tell the desktop about the new entry and icons, where the tools exist."""
    applications = base / "applications"
    if shutil.which("update-desktop-database"):
        subprocess.run(["update-desktop-database", "-q", str(applications)], check=False)
    hicolor = base / "icons" / "hicolor"
    # A user-level icon cache hides icons added later without refreshing it, so only an
    # existing cache is refreshed; without one, GTK and Qt read the folder itself.
    if shutil.which("gtk-update-icon-cache") and (hicolor / "icon-theme.cache").exists():
        subprocess.run(["gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor)], check=False)


def install_desktop(program: Path) -> int:
    """Install the desktop entry starting ``program``, and the icons, for the current user."""
    if not program.exists():
        print(f"install-desktop: {program} does not exist: run `make package` (or `make run` "
              "once) first, or give --exec PATH", file=sys.stderr)
        return 1
    base = data_home()
    entry = base / "applications" / f"{DESKTOP_ID}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry([str(program)]), encoding="utf-8")
    print(f"installed {entry} (Exec={program})")
    for source, target in icon_targets(base):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    print(f"installed the icons under {base / 'icons' / 'hicolor'} "
          f"({len(icon_targets(base))} files, {DESKTOP_ID}.png/.svg)")
    refresh_caches(base)
    print("Next Steps is now in the applications menu. Remove it with "
          "`python tools/package.py uninstall-desktop`.")
    return 0


def uninstall_desktop() -> int:
    """Remove what ``install-desktop`` installed."""
    base = data_home()
    removed = 0
    for path in [base / "applications" / f"{DESKTOP_ID}.desktop",
                 *(target for _source, target in icon_targets(base))]:
        if path.exists():
            path.unlink()
            removed += 1
    refresh_caches(base)
    print(f"removed {removed} files from {base}")
    return 0
