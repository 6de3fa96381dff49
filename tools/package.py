"""Build the one-folder app and check it; install the Linux desktop entry.

    python tools/package.py build [--distpath dist] [--workpath build] [--runs 7]
    python tools/package.py install-desktop [--exec PATH]
    python tools/package.py uninstall-desktop

``build`` (what ``make package`` runs):

1. runs PyInstaller on ``packaging/nextsteps.spec`` with ``PYINSTALLER_CONFIG_DIR``
   in ``build/pyinstaller-config`` (its cache of stripped libraries);
2. runs ``<dist>/NextSteps/NextSteps --data-dir TMP --demo --self-test``
   offscreen inside ``dbus-run-session`` with an unlocked ``gnome-keyring-daemon``,
   so the frozen app has to find the real Secret Service keyring backend
   (``PYTHON_KEYRING_BACKEND`` is removed from its environment);
3. measures the folder (like ``du -sm``) and a ``.tar.gz`` of it;
4. measures start-up to the first paint of the frozen app against
   ``python main.py`` in the same run (``--benchmark-startup``, medians of
   interleaved runs after one warm-up each);
5. prints the targets with ok/MISSED and writes ``<dist>/package-report.json``.

The exit code is non-zero when the build or the self-test fails; a missed size
or start-up target is printed as MISSED but does not fail (``--strict`` makes it).

``install-desktop`` installs ``packaging/linux/next-steps.desktop`` and the icons
for the current user under ``$XDG_DATA_HOME`` (default ``~/.local/share``), with
``Exec`` pointing at the built ``dist/NextSteps/NextSteps`` or, without a build,
at ``.venv/bin/next-steps`` (the command ``make run`` installs).

This file is the command line and the steps of ``build``; what the steps run and
measure is in ``tools/package_checks.py``, the desktop entry in
``tools/desktop_install.py``.

Only the standard library is used, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# tools/desktop_install.py and tools/package_checks.py: this file runs as a script, so its
# folder is on sys.path.
from desktop_install import install_desktop, uninstall_desktop
from package_checks import (
    apparent_size_bytes,
    biggest_files,
    disk_usage_bytes,
    make_tarball,
    mb,
    measure_startup,
    run_self_test,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "nextsteps.spec"
APP_NAME = "NextSteps"

#: The targets printed by ``build`` (issue 9).
SIZE_TARGET_MB = 120
STARTUP_TARGET_RATIO = 1.2


# --- helpers -------------------------------------------------------------------------------------


def app_version() -> str:
    """``services/core/version.py``'s ``__version__``, parsed like the spec does."""
    text = (ROOT / "services" / "core" / "version.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    return match.group(1) if match else "0"


def executable_name() -> str:
    """The name of the app's executable in the one-folder build on this platform."""
    return f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME


# --- build ---------------------------------------------------------------------------------------


def run_pyinstaller(distpath: Path, workpath: Path, config_dir: Path) -> None:
    """Build ``<distpath>/NextSteps`` from the spec; raise SystemExit if PyInstaller fails."""
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(config_dir))
    argv = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(distpath), "--workpath", str(workpath), str(SPEC)]
    shown = ["python", *argv[1:]]
    print(f"$ PYINSTALLER_CONFIG_DIR={config_dir} {' '.join(shown)}", flush=True)
    started = time.monotonic()
    result = subprocess.run(argv, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"package: PyInstaller failed (exit code {result.returncode})")
    print(f"built {distpath / APP_NAME} in {time.monotonic() - started:.1f} s", flush=True)


def verdict(ok: bool) -> str:
    """How a target is printed."""
    return "ok" if ok else "MISSED"


def build(args: argparse.Namespace) -> int:
    """The ``build`` command: PyInstaller, self-test, sizes, start-up, report."""
    distpath = Path(args.distpath).resolve()
    workpath = Path(args.workpath).resolve()
    config_dir = Path(args.config_dir).resolve() if args.config_dir else (
        ROOT / "build" / "pyinstaller-config")
    folder = distpath / APP_NAME
    app = folder / executable_name()
    if not args.skip_build:
        run_pyinstaller(distpath, workpath, config_dir)
    if not app.exists():
        raise SystemExit(f"package: {app} does not exist")

    report: dict = {"version": app_version(), "platform": f"{sys.platform}-{platform.machine()}"}
    with tempfile.TemporaryDirectory(prefix="nextsteps-package-") as tmp:
        scratch = Path(tmp)
        rc, data = check_self_test(app, scratch, report)
        check_size(folder, report)
        if not args.no_tarball:
            check_tarball(folder, distpath, report)
        if rc == 0 and args.runs > 0:
            check_startup(app, data, scratch, args.runs, report)

    targets = judge_targets(report)
    report_path = distpath / "package-report.json"
    report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_targets(report, targets, rc, report_path)
    if rc != 0:
        return 1
    if args.strict and not all(ok for _value, ok in targets.values()):
        return 2
    return 0


def check_self_test(app: Path, scratch: Path, report: dict) -> tuple[int, Path]:
    """Step 2: run and print the frozen app's self-test; its exit code and data folder."""
    print(f"\n$ {app.relative_to(ROOT) if app.is_relative_to(ROOT) else app} "
          "--data-dir TMP --demo --self-test   (offscreen, D-Bus session, GNOME Keyring)")
    rc, output, data = run_self_test(app, scratch)
    print(output.rstrip() or "(no output)")
    print(f"self-test exit code: {rc}")
    report["selftest_rc"] = rc
    report["selftest"] = output.strip().splitlines()
    return rc, data


def check_size(folder: Path, report: dict) -> None:
    """Step 3: the folder's size on disk and in files, and its biggest files."""
    size = disk_usage_bytes(folder)
    report["size_mb"] = mb(size)
    report["apparent_mb"] = mb(apparent_size_bytes(folder))
    report["biggest_files"] = [{"path": p, "mb": mb(n)} for p, n in biggest_files(folder)]
    print(f"\nfolder: {folder}: {report['size_mb']} MB on disk "
          f"({report['apparent_mb']} MB in files)")
    if shutil.which("du"):
        du = subprocess.run(["du", "-sm", str(folder)], capture_output=True, text=True,
                            check=False).stdout.split()
        if du:
            report["du_sm"] = int(du[0])
            print(f"du -sm: {du[0]}")
    print("biggest files:")
    for entry in report["biggest_files"]:
        print(f"  {entry['mb']:6.1f} MB  {entry['path']}")


def check_tarball(folder: Path, distpath: Path, report: dict) -> None:
    """Step 3 too: the size of a ``.tar.gz`` of the folder, made beside it."""
    machine = platform.machine().lower() or "unknown"
    tarball = distpath / f"{APP_NAME}-{report['version']}-{sys.platform}-{machine}.tar.gz"
    make_tarball(folder, tarball)
    report["targz_mb"] = mb(tarball.stat().st_size)
    report["targz"] = str(tarball)
    print(f"tar.gz: {tarball}: {report['targz_mb']} MB")


def check_startup(app: Path, data: Path, scratch: Path, runs: int, report: dict) -> None:
    """Step 4: start-up to the first paint, frozen against ``python main.py``."""
    print(f"\nstart-up to first paint, medians of {runs} interleaved runs each "
          "(offscreen, demo data):")
    try:
        startup = measure_startup(app, data, scratch, runs)
    except RuntimeError as problem:
        print(f"start-up could not be measured: {problem}")
        startup = None
    if startup:
        report["startup"] = startup
        report["startup_ratio_to_python"] = startup["ratio"]
        print(f"  frozen app       {startup['frozen_ms']:7.1f} ms  "
              f"(peak RSS {startup['frozen_rss_mb']} MB)")
        print(f"  python main.py   {startup['python_ms']:7.1f} ms  "
              f"(peak RSS {startup['python_rss_mb']} MB)")


def judge_targets(report: dict) -> dict[str, tuple[float, bool]]:
    """Step 5: each measured target as (value, met), also written into ``report``."""
    targets = {
        "size": (report["size_mb"], report["size_mb"] < SIZE_TARGET_MB),
    }
    ratio = report.get("startup_ratio_to_python")
    if ratio is not None:
        targets["startup"] = (ratio, ratio <= STARTUP_TARGET_RATIO)
    report["targets"] = {
        "size_mb": {"limit": SIZE_TARGET_MB, "value": report["size_mb"],
                    "verdict": verdict(targets["size"][1])},
        "startup_ratio_to_python": {
            "limit": STARTUP_TARGET_RATIO, "value": ratio,
            "verdict": verdict(targets["startup"][1]) if "startup" in targets else "not measured"},
    }
    report.setdefault("targz_mb", None)
    report.setdefault("startup_ratio_to_python", None)
    return targets


def print_targets(report: dict, targets: dict[str, tuple[float, bool]], rc: int,
                  report_path: Path) -> None:
    """Step 5 too: the targets with ok/MISSED, the self-test's verdict, the report's path."""
    print("\ntargets:")
    print(f"  folder size      {report['size_mb']:7.1f} MB   < {SIZE_TARGET_MB} MB   "
          f"{verdict(targets['size'][1])}")
    if "startup" in targets:
        print(f"  start-up ratio   {targets['startup'][0]:7.3f} x    <= {STARTUP_TARGET_RATIO}x "
              f"of python main.py   {verdict(targets['startup'][1])}")
    else:
        print("  start-up ratio   not measured")
    print(f"  self-test        exit code {rc}   {'ok' if rc == 0 else 'FAILED'}")
    print(f"report: {report_path}")


# --- the desktop entry ---------------------------------------------------------------------------

def default_exec() -> Path:
    """The built app if there is one, else the ``next-steps`` command of the virtualenv."""
    built = ROOT / "dist" / APP_NAME / executable_name()
    if built.exists():
        return built
    return ROOT / ".venv" / "bin" / "next-steps"




def install_desktop_command(args: argparse.Namespace) -> int:
    """The ``install-desktop`` command: the entry starts ``--exec`` or :func:`default_exec`."""
    program = Path(args.exec).expanduser().resolve() if args.exec else default_exec()
    return install_desktop(program)


# --- command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(description="Build and check the Next Steps app.")
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build dist/NextSteps, self-test it and measure it")
    b.add_argument("--distpath", default=str(ROOT / "dist"))
    b.add_argument("--workpath", default=str(ROOT / "build"))
    b.add_argument("--config-dir", help="PYINSTALLER_CONFIG_DIR (default build/pyinstaller-config)")
    b.add_argument("--runs", type=int, default=7, help="start-up runs per subject (0: skip)")
    b.add_argument("--skip-build", action="store_true", help="check an existing build")
    b.add_argument("--no-tarball", action="store_true", help="do not make the .tar.gz")
    b.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    b.set_defaults(func=build)
    i = commands.add_parser("install-desktop", help="install the .desktop entry and icons")
    i.add_argument("--exec", help="program the entry starts (default: the build, else .venv)")
    i.set_defaults(func=install_desktop_command)
    u = commands.add_parser("uninstall-desktop", help="remove what install-desktop installed")
    u.set_defaults(func=lambda _args: uninstall_desktop())
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
