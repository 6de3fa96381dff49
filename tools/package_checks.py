"""What ``tools/package.py build`` measures of the one-folder app, and how it runs it.

:func:`run_self_test` runs the frozen app's ``--demo --self-test`` in a temporary
home (:func:`isolated_env`) inside a private D-Bus session with an unlocked GNOME
Keyring (:func:`with_keyring_session`); :func:`disk_usage_bytes`,
:func:`apparent_size_bytes`, :func:`biggest_files` and :func:`make_tarball` size
the folder; :func:`measure_startup` times the first paint of the frozen app
against ``python main.py`` (:func:`first_paint_seconds`, interleaved runs).

Only the standard library is used, so this runs before anything is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SELFTEST_TIMEOUT_S = 180
STARTUP_TIMEOUT_S = 60
KEYRING_PASSWORD = "next-steps-package-check"


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
