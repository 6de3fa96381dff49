"""The benchmark machinery: figures, timed child processes, medians, the table and results.

A *subject* is a command that shows a window and, once its first frame is
complete (every widget of it painted: for the app, the list's rows too),
prints one line ``first_paint <time.time()> rss_kb <ru_maxrss>`` and quits 300 ms
later (``benchmarks/baseline_window.py`` and ``main.py --benchmark-startup``
both do). Start-up time is measured from just before the process is spawned
to the instant the child printed; peak memory is the child's whole-lifetime
``ru_maxrss`` as returned by :func:`os.wait4`. Children are spawned and reaped
by a small separate process (:class:`Launcher`) so the runner's own memory
never leaks into their ``ru_maxrss``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: How long a child may take to paint and exit before it counts as hung.
CHILD_TIMEOUT_S = 60.0
#: Lines of a failing child's stderr shown in the error.
STDERR_TAIL_LINES = 25

_UNIT_DECIMALS = {"ms": 1, "MB": 1, "s": 3, "KB": 0}
_RATIO_DECIMALS = 3


class BenchmarkError(Exception):
    """A measurement could not be taken (a child failed, hung or printed nothing)."""


@dataclass
class Figure:
    """One measured figure; ``target`` is the highest acceptable ratio to the baseline,
    ``limit`` the highest acceptable value itself (in ``unit``), for absolute targets, and
    ``floor`` the lowest acceptable value, for figures where more is better."""

    name: str
    value: float
    unit: str
    ratio_to_baseline: float | None = None
    target: float | None = None
    limit: float | None = None
    floor: float | None = None

    @property
    def verdict(self) -> str:
        """``ok`` or ``MISSED`` against the target, limit or floor; empty without one."""
        if self.floor is not None:
            return "ok" if self.value >= self.floor else "MISSED"
        if self.limit is not None:
            return "ok" if self.value <= self.limit else "MISSED"
        if self.target is None or self.ratio_to_baseline is None:
            return ""
        return "ok" if self.ratio_to_baseline <= self.target else "MISSED"

    @property
    def target_text(self) -> str:
        """The target as the table shows it: ``≤1.5x``, ``<16 ms`` or ``≥0.95``; empty
        without one."""
        if self.floor is not None:
            return f"≥{self.floor:g}"
        if self.limit is not None:
            return f"<{self.limit:g} {self.unit}"
        return "" if self.target is None else f"≤{self.target:g}x"

    def as_json(self) -> dict:
        """The figure as written to ``results.json``, rounded sensibly."""
        decimals = _UNIT_DECIMALS.get(self.unit, 3)
        data = {
            "name": self.name,
            "value": round(self.value, decimals),
            "unit": self.unit,
            "ratio_to_baseline": None
            if self.ratio_to_baseline is None
            else round(self.ratio_to_baseline, _RATIO_DECIMALS),
        }
        if self.limit is not None:
            data["limit"] = self.limit
        if self.floor is not None:
            data["floor"] = self.floor
        return data


def ratio_figure(
    name: str, value: float, unit: str, baseline: Figure | None, target: float | None = None
) -> Figure:
    """A figure whose ratio is ``value / baseline.value`` (None without a baseline)."""
    ratio = value / baseline.value if baseline is not None and baseline.value else None
    return Figure(name, value, unit, ratio, target)


@dataclass(frozen=True)
class Subject:
    """A command measured for start-up time and peak memory, run from ``cwd``."""

    name: str
    argv: tuple[str, ...]
    cwd: Path | None = None


@dataclass(frozen=True)
class Sample:
    """One run of a subject: start-up time, RSS at first paint and whole-lifetime peak RSS;
    ``probe`` holds what a probe of ``main.py --benchmark-startup=PROBE`` printed
    (``answered_ms``: from the spawn to its ``answered`` line; ``longest_stall_ms``)."""

    startup_ms: float
    first_paint_rss_kb: int
    peak_rss_kb: int
    probe: dict[str, float] = field(default_factory=dict)


@dataclass
class Samples:
    """All the kept runs of one subject."""

    subject: Subject
    runs: list[Sample] = field(default_factory=list)

    def median_startup_ms(self) -> float:
        """Median start-up time in milliseconds."""
        return statistics.median(sample.startup_ms for sample in self.runs)

    def median_peak_rss_mb(self) -> float:
        """Median whole-lifetime peak RSS in MB (KB / 1024)."""
        return statistics.median(sample.peak_rss_kb for sample in self.runs) / 1024

    def probe_values(self, key: str) -> list[float]:
        """Every run's ``key`` from its probe (see :class:`Sample`)."""
        return [sample.probe[key] for sample in self.runs]


def compile_project(root: Path) -> None:
    """Cache the bytecode of the app's packages, as an installed copy would have it."""
    import compileall

    for package in ("models", "services", "ui"):
        compileall.compile_dir(str(root / package), quiet=1)


def child_env(home: Path) -> dict[str, str]:
    """The environment for measured children: offscreen, no display or session bus,
    a file keyring, and HOME/XDG folders inside ``home`` so real user data is never touched.
    """
    env = dict(os.environ)
    # PYTHONDONTWRITEBYTECODE would make every start recompile the project's modules;
    # an installed app has its bytecode cached (see compile_project).
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "NEXTSTEPS_DATA_DIR",
                 "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    folders = {
        "HOME": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_RUNTIME_DIR": home / "runtime",
    }
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    folders["XDG_RUNTIME_DIR"].chmod(0o700)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    return env


def _tail(text: str, lines: int = STDERR_TAIL_LINES) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept) or "    (empty)"


def _parse_probe(stdout: str, t0: float) -> dict[str, float]:
    """What a probe printed: ``answered <time.time()>`` and ``listed <time.time()>`` (kept as
    ms from ``t0``) and ``longest_stall_ms <ms>``."""
    found: dict[str, float] = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("answered", "listed"):
            found[f"{parts[0]}_ms"] = (float(parts[1]) - t0) * 1000
        elif len(parts) == 2 and parts[0] == "longest_stall_ms":
            found["longest_stall_ms"] = float(parts[1])
    return found


def _parse_first_paint(stdout: str) -> tuple[float, int] | None:
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "first_paint" and parts[2] == "rss_kb":
            return float(parts[1]), int(parts[3])
    return None


class Launcher:
    """The process that spawns and reaps the measured children (see ``benchmarks/launcher.py``).

    Children are never spawned by the runner itself: a child's ``ru_maxrss``
    would start at the runner's own peak RSS. Use as a context manager.
    """

    def __init__(self, python: str = sys.executable) -> None:
        """Start the launcher process with ``python`` (the running interpreter by default)."""
        self._proc = subprocess.Popen(
            [python, str(Path(__file__).resolve().parent / "launcher.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )

    def run(self, argv: Sequence[str], cwd: Path | None, env: dict[str, str],
            timeout: float) -> dict:
        """Have the launcher run one child; return its report (see the launcher's protocol)."""
        request = {"argv": list(argv), "cwd": str(cwd) if cwd else None, "env": env,
                   "timeout": timeout}
        try:
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        except (BrokenPipeError, OSError) as exc:
            raise BenchmarkError(f"the benchmark launcher stopped: {exc}") from exc
        if not line:
            raise BenchmarkError(
                f"the benchmark launcher stopped (exit code {self._proc.poll()})"
            )
        return json.loads(line)

    def close(self) -> None:
        """Let the launcher finish and wait for it."""
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc.stdout.close()

    def __enter__(self) -> Launcher:
        """The launcher itself."""
        return self

    def __exit__(self, *exc_info) -> None:
        """Close the launcher."""
        self.close()


def run_once(
    launcher: Launcher, subject: Subject, env: dict[str, str], timeout: float = CHILD_TIMEOUT_S
) -> Sample:
    """Start ``subject`` once through ``launcher``, wait for it to exit, return what it measured.

    Raises :class:`BenchmarkError` when the child exits non-zero, runs longer
    than ``timeout`` seconds, or never prints its ``first_paint`` line.
    """
    report = launcher.run(subject.argv, subject.cwd, env, timeout)
    stdout, stderr = report["stdout"], report["stderr"]
    command = " ".join(subject.argv)
    if report["timed_out"]:
        raise BenchmarkError(
            f"{subject.name}: no first paint and exit within {timeout:.0f} s; killed.\n"
            f"  command: {command}\n  stderr tail:\n{_tail(stderr)}"
        )
    if report["returncode"] != 0:
        raise BenchmarkError(
            f"{subject.name}: exited with code {report['returncode']}.\n"
            f"  command: {command}\n  stderr tail:\n{_tail(stderr)}"
        )
    parsed = _parse_first_paint(stdout)
    if parsed is None:
        raise BenchmarkError(
            f"{subject.name}: exited without printing a 'first_paint <t> rss_kb <n>' line.\n"
            f"  command: {command}\n  stdout tail:\n{_tail(stdout)}\n"
            f"  stderr tail:\n{_tail(stderr)}"
        )
    first_paint, rss_kb = parsed
    return Sample((first_paint - report["t0"]) * 1000, rss_kb, report["maxrss_kb"],
                  _parse_probe(stdout, report["t0"]))


def measure_interleaved(
    launcher: Launcher,
    subjects: Sequence[Subject],
    env: dict[str, str],
    runs: int,
    *,
    warmup: bool = True,
    progress: bool = True,
) -> dict[str, Samples]:
    """Run every subject ``runs`` times, round-robin, after one discarded warm-up run each.

    Interleaving (a, b, c, a, b, c, ...) spreads the machine's noise over all
    subjects instead of letting it land on one. Returns samples by subject name.
    Progress goes to stderr, one line per round, unless ``progress`` is False.
    """
    results = {subject.name: Samples(subject) for subject in subjects}
    names = ", ".join(subject.name for subject in subjects)
    if warmup:
        for subject in subjects:
            run_once(launcher, subject, env)
        _progress(progress, f"warm-up done ({names})")
    for index in range(runs):
        for subject in subjects:
            results[subject.name].runs.append(run_once(launcher, subject, env))
        _progress(progress, f"run {index + 1}/{runs} done")
    return results


def median_startup(samples: Samples, name: str, baseline: Figure | None = None,
                   target: float | None = None) -> Figure:
    """The median start-up time of ``samples`` as a figure in ms, with its ratio to ``baseline``."""
    return ratio_figure(name, samples.median_startup_ms(), "ms", baseline, target)


def median_peak_rss(samples: Samples, name: str, baseline: Figure | None = None,
                    target: float | None = None) -> Figure:
    """The median whole-lifetime peak RSS of ``samples`` as a figure in MB."""
    return ratio_figure(name, samples.median_peak_rss_mb(), "MB", baseline, target)


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(f"  {message}", file=sys.stderr, flush=True)


def machine_note() -> str:
    """Cores, OS, Python and PySide6 versions: enough to read the figures in context."""
    try:
        import PySide6

        pyside = PySide6.__version__
    except ImportError:  # pragma: no cover - the benchmarks need PySide6 anyway
        pyside = "not installed"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        usable = os.cpu_count()
    return (
        f"{os.cpu_count()} cores ({usable} usable), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PySide6 {pyside}"
    )


def _format_value(figure: Figure) -> str:
    decimals = _UNIT_DECIMALS.get(figure.unit, 3)
    return f"{figure.value:.{decimals}f}"


def format_table(figures: Iterable[Figure]) -> str:
    """The figures as an aligned text table: name, value, unit, ratio, target, verdict."""
    header = ("name", "value", "unit", "ratio", "target", "verdict")
    rows = [header]
    for figure in figures:
        ratio = "" if figure.ratio_to_baseline is None else f"{figure.ratio_to_baseline:.3f}x"
        rows.append((figure.name, _format_value(figure), figure.unit, ratio,
                     figure.target_text, figure.verdict))
    widths = [max(len(row[col]) for row in rows) for col in range(len(header))]
    right = {1, 3}
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[col]) if col in right else cell.ljust(widths[col])
                 for col, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_results(figures: Iterable[Figure], path: Path) -> None:
    """Write the figures to ``path`` as a JSON list of {name, value, unit, ratio_to_baseline}."""
    data = [figure.as_json() for figure in figures]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
