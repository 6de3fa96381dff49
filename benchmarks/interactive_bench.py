"""Interactive, not just painted: the ``interactive`` and ``startup_100k`` suites of ``make bench``.

Each figure is a start of the real app (``main.py --data-dir D --benchmark-startup=PROBE``,
offscreen, a fresh process per run, interleaved with the bare-window baseline like every
start-up subject); the probes are in ``ui/shell/bench_probe.py``.

``interactive_10k_ms``
    From just before the process is spawned until the first keystroke in the search box is
    answered: a key (``n``) is posted at the first paint, behind the start-up work already
    queued, and the figure is taken once the list has painted the answer: its first rows
    matching that letter, in order, and how many match among the 10,000 (answered from the
    list keys kept in the database while the rest of the list is read). Ratio to the bare
    window's first paint; target 2.0x.
``interactive_10k_full_list_ms``
    The same run, until every application has been read and the whole list is filtered by
    that letter (what scrolling to the end of the answer needs). No target.
``first_section_switch_ms``
    The same for a click on the Calendar section, posted at the first paint, until the
    calendar has painted. Ratio to the bare window's first paint.
``startup_longest_stall_ms``
    The longest time the UI thread answered nothing during the two seconds after the first
    paint (a timer due every 4 ms notes how late each tick comes); the median of the runs
    (the largest goes to stderr). Limit 50 ms.
``startup_100k_ms``, ``interactive_100k_ms``, ``peak_rss_100k_mb``
    The first paint, the first answered keystroke and the whole-lifetime peak RSS with
    100,000 applications (``benchmarks/generate.py``'s data of ``list_filter_100k_ms``).
    Targets 1.6x, 2.2x and 2.0x the bare window. ``interactive_100k_full_list_ms``: as at
    10,000, no target.
"""

from __future__ import annotations

import statistics
import sys

from benchmarks.harness import Figure, Subject, median_peak_rss, median_startup, ratio_figure

APP_10K = "app-10k"
APP_100K = "app-100k"
#: Targets as ratios to the bare window (first paint, or its peak RSS).
INTERACTIVE_10K_TARGET = 2.0
STARTUP_100K_TARGET = 1.6
INTERACTIVE_100K_TARGET = 2.2
PEAK_RSS_100K_TARGET = 2.0
#: The longest stall of the UI thread allowed in the two seconds after the first paint (ms).
STALL_LIMIT_MS = 50


def _probe(ctx, name: str, folder, probe: str) -> Subject:
    base = ctx.app_subject(name, folder)
    return Subject(name, (*base.argv[:-1], f"--benchmark-startup={probe}"), base.cwd)


def subjects_10k(ctx) -> list[Subject]:
    """The probes on 10,000 applications."""
    folder = ctx.generated_data_dir(10_000, 20_000, 30_000)
    return [_probe(ctx, f"{APP_10K}-{probe}", folder, probe)
            for probe in ("typing", "section", "stalls")]


def subjects_100k(ctx) -> list[Subject]:
    """The first paint and the first keystroke on 100,000 applications."""
    folder = ctx.generated_data_dir(100_000, 200_000, 300_000)
    return [ctx.app_subject(APP_100K, folder), _probe(ctx, f"{APP_100K}-typing", folder,
                                                      "typing")]


def _answered(ctx, name: str, figure: str, target: float | None,
              key: str = "answered_ms") -> Figure:
    values = ctx.startup(name).probe_values(key)
    _say(f"{figure}: " + ", ".join(f"{value:.0f}" for value in sorted(values)) + " ms")
    return ratio_figure(figure, statistics.median(values), "ms", ctx.baseline_window, target)


def figures_10k(ctx) -> list[Figure]:
    """``interactive_10k_ms`` (and its ``_full_list_ms``), ``first_section_switch_ms``,
    ``startup_longest_stall_ms``."""
    stalls = ctx.startup(f"{APP_10K}-stalls").probe_values("longest_stall_ms")
    _say("longest stalls after the first paint: "
         + ", ".join(f"{value:.0f}" for value in sorted(stalls)) + " ms")
    return [
        _answered(ctx, f"{APP_10K}-typing", "interactive_10k_ms", INTERACTIVE_10K_TARGET),
        _answered(ctx, f"{APP_10K}-typing", "interactive_10k_full_list_ms", None, "listed_ms"),
        _answered(ctx, f"{APP_10K}-section", "first_section_switch_ms", None),
        Figure("startup_longest_stall_ms", statistics.median(stalls), "ms",
               limit=STALL_LIMIT_MS),
    ]


def figures_100k(ctx) -> list[Figure]:
    """``startup_100k_ms``, ``interactive_100k_ms`` (and its ``_full_list_ms``),
    ``peak_rss_100k_mb``."""
    samples = ctx.startup(APP_100K)
    return [
        median_startup(samples, "startup_100k_ms", ctx.baseline_window, STARTUP_100K_TARGET),
        _answered(ctx, f"{APP_100K}-typing", "interactive_100k_ms", INTERACTIVE_100K_TARGET),
        _answered(ctx, f"{APP_100K}-typing", "interactive_100k_full_list_ms", None,
                  "listed_ms"),
        median_peak_rss(samples, "peak_rss_100k_mb", ctx.baseline_rss, PEAK_RSS_100K_TARGET),
    ]


def _say(message: str) -> None:
    print(f"  interactive: {message}", file=sys.stderr, flush=True)
