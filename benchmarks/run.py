"""Measure Next Steps against a bare Qt window and check the targets (``make bench``).

    python benchmarks/run.py [--runs N] [--only NAME_SUBSTRING]

Every start-up subject runs in its own processes, N times each after one
discarded warm-up run, interleaved with the bare-window baseline; the table
shows medians and their ratios to the baseline. Figures are written to
``benchmarks/results.json``. The exit code is 0 even when a target is missed
(the table says MISSED); it is non-zero only when a measurement fails.

To add figures, append a :class:`Suite` to :data:`SUITES`: its ``subjects``
(optional) are measured interleaved with the baseline, and its ``figures``
function turns ``ctx.samples`` (or anything else it measures) into
:class:`~benchmarks.harness.Figure` objects.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402
from benchmarks.harness import BenchmarkError, Figure, Samples, Subject  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.json"
BASELINE = "baseline"
#: Highest acceptable ratio to the bare window for start-up time and peak memory.
TARGET_RATIO = 1.5


@dataclass
class Context:
    """What every suite can use: the temp folder, the child environment, data folders,
    the samples measured for all subjects and the baseline figures."""

    root: Path
    env: dict[str, str]
    runs: int
    launcher: harness.Launcher
    python: str = sys.executable
    samples: dict[str, Samples] = field(default_factory=dict)
    baseline_window: Figure | None = None
    baseline_rss: Figure | None = None
    _data_dirs: dict[str, Path] = field(default_factory=dict)

    def app_subject(self, name: str, data_dir: Path) -> Subject:
        """The real app started on ``data_dir`` in its start-up benchmark mode."""
        return Subject(
            name,
            (self.python, str(ROOT / "main.py"), "--data-dir", str(data_dir),
             "--benchmark-startup"),
            ROOT,
        )

    def generated_data_dir(self, applications: int, rounds: int, interviewers: int) -> Path:
        """A data folder filled by ``benchmarks/generate.py`` (generated once per run)."""
        key = f"data-{applications}-{rounds}-{interviewers}"
        if key not in self._data_dirs:
            from benchmarks.generate import generate

            folder = self.root / key
            started = time.perf_counter()
            generate(folder, applications, rounds, interviewers)
            print(f"  generated {applications} applications, {rounds} rounds, "
                  f"{interviewers} interviewers in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr, flush=True)
            self._data_dirs[key] = folder
        return self._data_dirs[key]

    def empty_data_dir(self) -> Path:
        """A fresh data folder, primed by one app run so its database already exists."""
        key = "data-empty"
        if key not in self._data_dirs:
            folder = self.root / key
            harness.run_once(self.launcher, self.app_subject("prime empty data folder", folder),
                             self.env)
            self._data_dirs[key] = folder
        return self._data_dirs[key]

    def startup(self, subject_name: str) -> Samples:
        """The samples measured for one subject."""
        return self.samples[subject_name]


@dataclass(frozen=True)
class Suite:
    """A group of figures: the subjects it needs measured, and how it computes its figures."""

    name: str
    provides: tuple[str, ...]
    figures: Callable[[Context], list[Figure]]
    subjects: Callable[[Context], list[Subject]] = lambda ctx: []

    def matches(self, text: str) -> bool:
        """True when ``text`` is part of the suite's name or of a figure it provides."""
        return any(text in name for name in (self.name, *self.provides))


def baseline_subject(ctx: Context) -> Subject:
    """The bare QMainWindow every start-up figure is compared with."""
    return Subject(BASELINE, (ctx.python, str(ROOT / "benchmarks" / "baseline_window.py")), ROOT)


# --- Suites ---------------------------------------------------------------------------------

APP_EMPTY = "app-empty"
APP_10K = "app-10k"


def _empty_subjects(ctx: Context) -> list[Subject]:
    return [ctx.app_subject(APP_EMPTY, ctx.empty_data_dir())]


def _empty_figures(ctx: Context) -> list[Figure]:
    return [harness.median_startup(ctx.startup(APP_EMPTY), "startup_empty_ms",
                                   ctx.baseline_window)]


def _10k_subjects(ctx: Context) -> list[Subject]:
    return [ctx.app_subject(APP_10K, ctx.generated_data_dir(10_000, 20_000, 30_000))]


def _10k_figures(ctx: Context) -> list[Figure]:
    samples = ctx.startup(APP_10K)
    return [
        harness.median_startup(samples, "startup_10k_ms", ctx.baseline_window, TARGET_RATIO),
        # The Applications section is the default one: the app's first paint shows the first
        # rows of the list (tests/shell/test_fast_start.py checks that), so this is the same sample.
        harness.median_startup(samples, "list_first_rows_10k_ms", ctx.baseline_window,
                               TARGET_RATIO),
        harness.median_peak_rss(samples, "peak_rss_10k_mb", ctx.baseline_rss, TARGET_RATIO),
    ]


#: Absolute targets of the application list's data (ms), see services/applications/index.py.
LIST_FILTER_10K_MS = 16
LIST_FILTER_100K_MS = 50
LIST_SORT_100K_MS = 100


def _list_figures(ctx: Context) -> list[Figure]:
    """The application list timed in this process (no subjects): typing and sorting through
    the real model and table view (each step ends with a repaint), loading, at 10,000 and
    100,000 applications. Details go to stderr."""
    import sqlite3
    import statistics
    from contextlib import closing
    from datetime import UTC, datetime

    from benchmarks import list_index as bench
    from services.applications.index import ApplicationIndex

    runs = max(3, ctx.runs)
    now = datetime.now(UTC)
    median = statistics.median
    figures = []
    folders = {"10k": ctx.generated_data_dir(10_000, 20_000, 30_000),
               "100k": ctx.generated_data_dir(100_000, 200_000, 300_000)}
    load_10k = bench.time_load(folders["10k"], runs, now)
    first = {size: bench.time_load_first(folder, runs, now) for size, folder in folders.items()}
    print(f"  list: load 10k {median(load_10k):.1f} ms; load_first(60) 10k "
          f"{median(first['10k']):.2f} ms, 100k {median(first['100k']):.2f} ms",
          file=sys.stderr, flush=True)
    limits = {"10k": LIST_FILTER_10K_MS, "100k": LIST_FILTER_100K_MS}
    for size, folder in folders.items():
        with closing(sqlite3.connect(bench.database(folder))) as con:
            started = time.perf_counter()
            index = ApplicationIndex.load(con, now)
            print(f"  list {size}: loaded in {time.perf_counter() - started:.2f} s",
                  file=sys.stderr, flush=True)
        every, by_position = bench.time_typing(index, runs)
        print(f"  list {size}: index-only keystroke median {median(every):.2f} ms; by letter "
              + ", ".join(f"{median(p):.1f}" for p in by_position) + " ms",
              file=sys.stderr, flush=True)
        view = bench.ListView(index)
        every, worst = bench.time_typing_in_view(view, runs)
        print(f"  list {size}: keystroke through the view median {median(every):.2f} ms, "
              f"max {max(every):.1f}; one letter after clearing median {median(worst):.1f}, "
              f"max {max(worst):.1f} ms", file=sys.stderr, flush=True)
        figures.append(Figure(f"list_filter_{size}_ms", median(every), "ms",
                              limit=limits[size]))
        if size == "100k":
            figures.append(Figure("list_filter_worst_100k_ms", median(worst), "ms"))
            slowest = bench.time_sorting_in_view(view, runs)
            figures.append(Figure("list_sort_100k_ms", slowest, "ms", limit=LIST_SORT_100K_MS))
        view.close()
        del view, index
    figures.append(Figure("list_load_10k_ms", median(load_10k), "ms"))
    figures.append(Figure("list_load_first_100k_ms", median(first["100k"]), "ms"))
    return figures


#: Absolute target of the dashboard (ms): compute, fill and repaint at 10,000 applications.
DASHBOARD_10K_MS = 50


def _dashboard_figures(ctx: Context) -> list[Figure]:
    """The dashboard timed in this process (no subjects): refresh (every figure computed,
    charts and lists filled) plus a synchronous repaint of the shown view, at 10,000
    applications. Details go to stderr (see benchmarks/dashboard.py)."""
    import statistics

    from benchmarks import dashboard as bench

    times = bench.time_dashboard(ctx.generated_data_dir(10_000, 20_000, 30_000),
                                 max(5, ctx.runs))
    median = statistics.median
    print(f"  dashboard 10k: built in {times['build'][0]:.1f} ms; refresh + repaint median "
          f"{median(times['refresh']):.1f} ms (max {max(times['refresh']):.1f}); compute "
          f"alone median {median(times['compute']):.1f} ms", file=sys.stderr, flush=True)
    return [Figure("dashboard_10k_ms", median(times["refresh"]), "ms", limit=DASHBOARD_10K_MS)]


SUITES: list[Suite] = [
    Suite("startup_empty", ("startup_empty_ms",), _empty_figures, _empty_subjects),
    Suite("startup_10k", ("startup_10k_ms", "list_first_rows_10k_ms", "peak_rss_10k_mb"),
          _10k_figures, _10k_subjects),
    Suite("list_index", ("list_filter_10k_ms", "list_filter_100k_ms", "list_filter_worst_100k_ms",
                         "list_sort_100k_ms", "list_load_10k_ms", "list_load_first_100k_ms"),
          _list_figures),
    Suite("dashboard", ("dashboard_10k_ms",), _dashboard_figures),
    # benchmarks/interactive_bench.py says how each of these figures is measured.
    Suite("interactive", ("interactive_10k_ms", "interactive_10k_full_list_ms",
                          "first_section_switch_ms", "startup_longest_stall_ms"),
          lambda ctx: _interactive_bench().figures_10k(ctx),
          lambda ctx: _interactive_bench().subjects_10k(ctx)),
    Suite("startup_100k", ("startup_100k_ms", "interactive_100k_ms",
                           "interactive_100k_full_list_ms", "peak_rss_100k_mb"),
          lambda ctx: _interactive_bench().figures_100k(ctx),
          lambda ctx: _interactive_bench().subjects_100k(ctx)),
    # benchmarks/reminders_bench.py says how each reminder figure is measured.
    Suite("reminders", ("reminders_next_due_100k_ms",),
          lambda ctx: _reminders_bench().next_due_figures(ctx)),
    Suite("idle_cpu", ("idle_cpu_per_minute_s", "startup_after_paint_cpu_s", "idle_rss_10k_mb"),
          lambda ctx: _reminders_bench().idle_figures(ctx)),
    # benchmarks/calendar_bench.py says how each calendar figure is measured.
    Suite("calendar", ("calendar_month_switch_50k_ms", "ics_export_50k_s"),
          lambda ctx: _calendar_figures(ctx)),
    # benchmarks/mail_bench.py says how each mail figure is measured.
    Suite("mail", ("similarity_6x300_ms", "smtp_silent_timeout_s", "account_test_max_stall_ms"),
          lambda ctx: _mail_bench().figures(ctx.runs)),
    # benchmarks/imports_bench.py says how each import figure is measured.
    Suite("imports", ("ics_unfold_800k_lines_s", "ics_parse_8mb_s", "csv_import_100k_s",
                      "csv_import_1m_blank_peak_mb"),
          lambda ctx: _imports_bench().figures(ctx.runs)),
    # benchmarks/inbox_bench.py says how each inbox figure is measured (needs root and Dovecot).
    Suite("inbox", ("inbox_first_pass_10k_s", "inbox_idle_pass_ms", "inbox_peak_rss_ratio",
                    "list_filter_idle_ms", "list_filter_during_sync_ms",
                    "inbox_suggestion_precision", "inbox_suggestion_recall"),
          lambda ctx: _inbox_bench().figures(ctx)),
]


#: Absolute targets of the calendar: a month switch repaints within a frame (ms), and
#: every entry is exported within 2 s, at about 50,000 dated entries.
CALENDAR_SWITCH_50K_MS = 16
ICS_EXPORT_50K_S = 2


def _calendar_figures(ctx: Context) -> list[Figure]:
    """The calendar timed in this process on 12,000 applications, 25,000 rounds and
    37,500 interviewers (about 51,000 dated entries): details go to stderr."""
    import statistics

    from benchmarks import calendar_bench

    folder = ctx.generated_data_dir(12_000, 25_000, 37_500)
    result = calendar_bench.measure(folder, max(3, ctx.runs))
    if result["entries"] < 50_000:
        raise BenchmarkError(f"the calendar data has only {result['entries']:,} entries")
    return [
        Figure("calendar_month_switch_50k_ms", statistics.median(result["switch"]["cold"]),
               "ms", limit=CALENDAR_SWITCH_50K_MS),
        Figure("ics_export_50k_s", statistics.median(result["export"]), "s",
               limit=ICS_EXPORT_50K_S),
    ]


def _mail_bench():
    from benchmarks import mail_bench

    return mail_bench


def _imports_bench():
    from benchmarks import imports_bench

    return imports_bench


def _reminders_bench():
    from benchmarks import reminders_bench

    return reminders_bench


def _interactive_bench():
    from benchmarks import interactive_bench

    return interactive_bench


def _inbox_bench():
    from benchmarks import inbox_bench

    return inbox_bench


# --- Running --------------------------------------------------------------------------------


def select_suites(only: str | None) -> list[Suite]:
    """The suites matching ``--only`` (all of them without it)."""
    if not only:
        return list(SUITES)
    return [suite for suite in SUITES if suite.matches(only)]


def merge_results(figures: list[Figure], path: Path) -> list[dict]:
    """Earlier results in ``path`` with this run's figures replacing those of the same name."""
    fresh = [figure.as_json() for figure in figures]
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return fresh
    by_name = {entry["name"]: entry for entry in fresh}
    merged = [by_name.pop(entry.get("name"), entry) for entry in earlier
              if isinstance(entry, dict)]
    return merged + [entry for entry in fresh if entry["name"] in by_name]


def run(runs: int, only: str | None, results_path: Path = RESULTS) -> list[Figure]:
    """Measure the baseline and the selected suites, print the table, write the results."""
    suites = select_suites(only)
    if not suites:
        names = ", ".join(name for suite in SUITES for name in (suite.name, *suite.provides))
        raise BenchmarkError(f"--only {only!r} matches no suite or figure; known: {names}")
    print(f"Machine: {harness.machine_note()}")
    print(f"Runs: {runs} per subject (medians; one warm-up run each discarded; interleaved)")
    with (tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp,
          harness.Launcher() as launcher):
        root = Path(tmp)
        harness.compile_project(ROOT)
        ctx = Context(root=root, env=harness.child_env(root / "home"), runs=runs,
                      launcher=launcher)
        subjects = [baseline_subject(ctx)]
        for suite in suites:
            for subject in suite.subjects(ctx):
                if subject.name not in {known.name for known in subjects}:
                    subjects.append(subject)
        ctx.samples = harness.measure_interleaved(launcher, subjects, ctx.env, runs)
        ctx.baseline_window = harness.median_startup(ctx.samples[BASELINE], "baseline_window_ms")
        ctx.baseline_rss = harness.median_peak_rss(ctx.samples[BASELINE], "baseline_rss_mb")
        figures = [ctx.baseline_window, ctx.baseline_rss]
        for suite in suites:
            figures.extend(suite.figures(ctx))
    print()
    print(harness.format_table(figures))
    if only:
        data = merge_results(figures, results_path)
        results_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    else:
        harness.write_results(figures, results_path)
    shown = results_path.relative_to(ROOT) if results_path.is_relative_to(ROOT) else results_path
    print(f"\nWrote {shown}")
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line of ``make bench`` (pass options with ``make bench ARGS="--runs 3"``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="measured runs per subject (11)")
    parser.add_argument("--only", metavar="NAME_SUBSTRING",
                        help="run only the suites whose name or figure names contain this; "
                        "the baseline is always measured and results.json is merged, not replaced")
    parser.add_argument("--results", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        run(args.runs, args.only, args.results.resolve())
    except BenchmarkError as error:
        print(f"\nbenchmark error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
