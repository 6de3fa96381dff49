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

Only the standard library is used, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "nextsteps.spec"
DESKTOP_TEMPLATE = ROOT / "packaging" / "linux" / "next-steps.desktop"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
SVG_ICON = ROOT / "resources" / "icons" / "nextsteps.svg"
APP_NAME = "NextSteps"
DESKTOP_ID = "next-steps"

#: The targets printed by ``build`` (issue 9).
SIZE_TARGET_MB = 120
STARTUP_TARGET_RATIO = 1.2

SELFTEST_TIMEOUT_S = 180
STARTUP_TIMEOUT_S = 60
KEYRING_PASSWORD = "next-steps-package-check"


# --- helpers -------------------------------------------------------------------------------------


def app_version() -> str:
    """``services/core/version.py``'s ``__version__``, parsed like the spec does."""
    text = (ROOT / "services" / "core" / "version.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    return match.group(1) if match else "0"


def executable_name() -> str:
    """The name of the app's executable in the one-folder build on this platform."""
    return f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME


def disk_usage_bytes(folder: Path) -> int:
    """Bytes the folder takes on disk, counted like ``du`` (allocated blocks, links once)."""
    total = 0
    seen: set[tuple[int, int]] = set()
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        key = (info.st_dev, info.st_ino)
        if key in seen:
            continue
        seen.add(key)
        blocks = getattr(info, "st_blocks", None)
        total += blocks * 512 if blocks is not None else info.st_size
    return total


def apparent_size_bytes(folder: Path) -> int:
    """Sum of the file sizes (what a download or an archive has to hold)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def biggest_files(folder: Path, count: int = 12) -> list[tuple[str, int]]:
    """The largest files of the folder, largest first, as (relative path, bytes)."""
    files = [(str(p.relative_to(folder)), p.lstat().st_size)
             for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(files, key=lambda item: -item[1])[:count]


def mb(size: float) -> float:
    """Bytes to MiB, one decimal (``du -m`` counts MiB too)."""
    return round(size / (1024 * 1024), 1)


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment for the frozen app: a temp home, offscreen, no display, bus or keyring
    override of the caller's."""
    env = {key: value for key, value in os.environ.items() if key not in {
        "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND",
        "XDG_RUNTIME_DIR", "NEXTSTEPS_DATA_DIR", "PYTHONPATH", "PYTHONHOME",
        "PYTHONWARNINGS", "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH",
    }}
    runtime = home / "run"
    for sub in ("", ".local/share", ".config", ".cache", "run"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env.update({
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    })
    env.update(extra)
    return env


def with_keyring_session(argv: list[str]) -> list[str]:
    """``argv`` wrapped in a private D-Bus session with an unlocked GNOME Keyring.

    Without ``dbus-run-session`` or ``gnome-keyring-daemon`` the command runs as it is
    (and the self-test then says which backend it found instead).
    """
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        return argv
    script = (
        'printf %s "$NS_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock '
        '--components=secrets >/dev/null; exec "$@"'
    )
    return ["dbus-run-session", "--", "sh", "-c", script, "sh", *argv]


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


def run_self_test(app: Path, scratch: Path) -> tuple[int, str, Path]:
    """Run the frozen app's ``--demo --self-test``; return (exit code, its output, data dir)."""
    data = scratch / "selftest-data"
    env = isolated_env(scratch / "selftest-home", NS_KEYRING_PASSWORD=KEYRING_PASSWORD)
    argv = with_keyring_session([str(app), "--data-dir", str(data), "--demo", "--self-test"])
    if argv[0] != "dbus-run-session":
        print("note: dbus-run-session or gnome-keyring-daemon is missing "
              "(tools/system-deps.sh installs them); the keyring check may fail")
    try:
        result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=SELFTEST_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return 124, f"self-test did not finish within {SELFTEST_TIMEOUT_S} s", data
    output = result.stdout
    if result.returncode != 0:
        noise = ("fd limit", "Operation not permitted")
        stderr = "\n".join(line for line in result.stderr.splitlines()
                           if not any(n in line for n in noise))
        output += ("\n--- stderr ---\n" + stderr) if stderr.strip() else ""
    return result.returncode, output, data


def make_tarball(folder: Path, target: Path) -> Path:
    """``folder`` as a gzip-compressed tar file (compression level 6, like ``gzip``)."""
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    return target


def first_paint_seconds(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Seconds from just before spawning ``argv`` to the first paint it reports, and its RSS."""
    t0 = time.time()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=STARTUP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError(f"{argv[0]} did not paint within {STARTUP_TIMEOUT_S} s") from None
    match = re.search(r"first_paint (\d+(?:\.\d+)?) rss_kb (\d+)", out)
    if proc.returncode != 0 or not match:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode} without a first paint:\n"
                           + "\n".join(err.splitlines()[-15:]))
    return float(match.group(1)) - t0, int(match.group(2))


def measure_startup(app: Path, template_data: Path, scratch: Path, runs: int) -> dict:
    """Median time to first paint of the frozen app and of ``python main.py``, interleaved."""
    env = isolated_env(scratch / "startup-home")
    subjects = {}
    for name, argv in (
        ("frozen", [str(app)]),
        ("python", [sys.executable, str(ROOT / "main.py")]),
    ):
        data = scratch / f"startup-data-{name}"
        shutil.copytree(template_data, data, ignore=shutil.ignore_patterns("*.lock", "requests"))
        subjects[name] = [*argv, "--data-dir", str(data), "--benchmark-startup"]
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    rss: dict[str, list[int]] = {name: [] for name in subjects}
    for argv in subjects.values():  # warm-up: page cache, first-run files
        first_paint_seconds(argv, env, ROOT)
    order = list(subjects)
    for i in range(runs):
        for name in (order if i % 2 == 0 else order[::-1]):
            seconds, kb = first_paint_seconds(subjects[name], env, ROOT)
            samples[name].append(seconds)
            rss[name].append(kb)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "runs": runs,
        "frozen_ms": round(medians["frozen"] * 1000, 1),
        "python_ms": round(medians["python"] * 1000, 1),
        "ratio": round(medians["frozen"] / medians["python"], 3),
        "frozen_rss_mb": round(statistics.median(rss["frozen"]) / 1024, 1),
        "python_rss_mb": round(statistics.median(rss["python"]) / 1024, 1),
        "frozen_samples_ms": [round(s * 1000, 1) for s in samples["frozen"]],
        "python_samples_ms": [round(s * 1000, 1) for s in samples["python"]],
    }


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
        print(f"\n$ {app.relative_to(ROOT) if app.is_relative_to(ROOT) else app} "
              "--data-dir TMP --demo --self-test   (offscreen, D-Bus session, GNOME Keyring)")
        rc, output, data = run_self_test(app, scratch)
        print(output.rstrip() or "(no output)")
        print(f"self-test exit code: {rc}")
        report["selftest_rc"] = rc
        report["selftest"] = output.strip().splitlines()

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

        if not args.no_tarball:
            machine = platform.machine().lower() or "unknown"
            tarball = distpath / f"{APP_NAME}-{report['version']}-{sys.platform}-{machine}.tar.gz"
            make_tarball(folder, tarball)
            report["targz_mb"] = mb(tarball.stat().st_size)
            report["targz"] = str(tarball)
            print(f"tar.gz: {tarball}: {report['targz_mb']} MB")

        if rc == 0 and args.runs > 0:
            print(f"\nstart-up to first paint, medians of {args.runs} interleaved runs each "
                  "(offscreen, demo data):")
            try:
                startup = measure_startup(app, data, scratch, args.runs)
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
    report_path = distpath / "package-report.json"
    report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print("\ntargets:")
    print(f"  folder size      {report['size_mb']:7.1f} MB   < {SIZE_TARGET_MB} MB   "
          f"{verdict(targets['size'][1])}")
    if "startup" in targets:
        print(f"  start-up ratio   {ratio:7.3f} x    <= {STARTUP_TARGET_RATIO}x of python main.py"
              f"   {verdict(targets['startup'][1])}")
    else:
        print("  start-up ratio   not measured")
    print(f"  self-test        exit code {rc}   {'ok' if rc == 0 else 'FAILED'}")
    print(f"report: {report_path}")
    if rc != 0:
        return 1
    if args.strict and not all(ok for _value, ok in targets.values()):
        return 2
    return 0


# --- the desktop entry ---------------------------------------------------------------------------

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


def default_exec() -> Path:
    """The built app if there is one, else the ``next-steps`` command of the virtualenv."""
    built = ROOT / "dist" / APP_NAME / executable_name()
    if built.exists():
        return built
    return ROOT / ".venv" / "bin" / "next-steps"


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


def install_desktop(args: argparse.Namespace) -> int:
    """Install the desktop entry and the icons for the current user."""
    program = Path(args.exec).expanduser().resolve() if args.exec else default_exec()
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


def uninstall_desktop(_args: argparse.Namespace) -> int:
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
    i.set_defaults(func=install_desktop)
    u = commands.add_parser("uninstall-desktop", help="remove what install-desktop installed")
    u.set_defaults(func=uninstall_desktop)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
