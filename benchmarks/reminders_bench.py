"""Reminder figures: the next due instant among 100,000 reminders, and an idle app's CPU.

Used by the ``reminders`` and ``idle_cpu`` suites of ``benchmarks/run.py``; runs on its own
too::

    python benchmarks/reminders_bench.py next-due [--runs N]
    python benchmarks/reminders_bench.py idle DATA_DIR [--seconds 300]

``reminders_next_due_100k_ms``
    :func:`services.reminders.queries.next_due_instant` in this process on a database holding
    100,000 reminders spread over two years up to a month ahead, in the states a long
    search leaves them: past ones mostly done (94 %), some shown and never acted on
    (5 %), a few snoozed (1 %); future ones pending (about 4 %). The median of many calls
    after one warm-up call, with the ``(state, due_at, snoozed_until)`` index the schema
    has (``models.reminder.Reminder.Meta.indexes``). Limit 5 ms. The
    worst case (all 100,000 pending) is printed as a detail.

``idle_cpu_per_minute_s``
    The real app (``main.py --data-dir D``, offscreen, on 10,000 generated
    applications) left alone for five minutes, three times (a fresh start each time); the
    figure is the worst of the three, per minute. Method: start it; wait for its log to say
    "main window shown" (written after the first paint, once the start-up work has
    been started: logging, the integrity check, the backup) and then "reminders ready"
    (reminders start 1.5 s after the first paint); then wait until its CPU time has
    stopped moving for 2 s (the start-up work is over); then read its CPU time (user +
    system, all threads, from ``/proc/<pid>/stat``, in clock ticks of 10 ms) at the
    start and the end of the five minutes.
    Limit 0.1 s per minute.

``startup_after_paint_cpu_s``
    Counting from the first paint instead, as a literal reading of the target would,
    adds the start-up work done after the first paint (the rest of the list, the
    integrity check, the daily backup, the first reminder sync), which is not idleness;
    it is this figure: the CPU time from the log's first line (logging starts in the
    first turn of the event loop after the first paint) until the app has settled.

``idle_rss_10k_mb``
    The idle app's resident memory (``VmRSS``) at the end of the last idle stretch, with its ratio
    to the bare window's peak: what the app costs once everything, reminders included,
    is loaded (the start-up peak, ``peak_rss_10k_mb``, is taken 300 ms after the first
    paint). Target :data:`IDLE_RSS_TARGET`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Reminders stored for the next-due figure.
REMINDERS = 100_000
#: Calls timed per run for the next-due figure.
CALLS = 50
NEXT_DUE_LIMIT_MS = 5
#: The most CPU an idle app may use per minute (s).
IDLE_LIMIT_S = 0.1
#: The idle app's resident memory, as a ratio to the bare window's peak.
IDLE_RSS_TARGET = 1.5
#: How long each idle measurement lasts, and how many are made per bench run.
IDLE_SECONDS = 300.0
IDLE_RUNS = 3
#: CPU time that has not moved for this long means the start-up work is over (s).
SETTLE_S = 2.0
#: The longest wait for the app to settle (s).
SETTLE_TIMEOUT_S = 30.0


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


# -- the next due instant ----------------------------------------------------------------------


def populate(data_dir: Path, now: datetime, count: int = REMINDERS, *, seed: int = 7,
             all_pending: bool = False) -> None:
    """Create the app's database in ``data_dir`` with ``count`` reminders (see the module)."""
    # The app's modules: only once ROOT is on sys.path (above).
    from services.core.paths import DataPaths
    from services.core.store import open_store

    rng = random.Random(seed)
    store = open_store(DataPaths(data_dir))
    try:
        rows = []
        kinds = ("thank_you", "follow_up", "offer_deadline", "interview_tomorrow",
                 "interview_soon", "search_stalled", "custom")
        start = now - timedelta(days=730)
        span = int(timedelta(days=760).total_seconds())
        for n in range(count):
            due = start + timedelta(seconds=rng.randrange(span))
            kind = rng.choice(kinds)
            snoozed = None
            shown = done = None
            if all_pending or due > now:
                state = "pending"
            else:
                draw = rng.random()
                if draw < 0.94:
                    state, shown, done = "done", due, due + timedelta(hours=rng.randrange(48))
                elif draw < 0.99:
                    state, shown = "shown", due
                else:
                    state, shown = "snoozed", due
                    snoozed = now + timedelta(minutes=rng.randrange(1, 72 * 60))
            text = lambda value: None if value is None else value.isoformat(  # noqa: E731
                timespec="seconds")
            rows.append((f"{n:032x}", f"{kind}:bench:{n}", kind, text(due), "A reminder",
                         int(kind == "custom"), state, text(snoozed), text(shown), text(done),
                         text(now)))
        with store.db.atomic():
            for begin in range(0, len(rows), 500):
                chunk = rows[begin:begin + 500]
                store.db.execute_sql(
                    "INSERT INTO reminder (uid, key, kind, due_at, text, custom, state, "
                    "snoozed_until, shown_at, done_at, created_at) VALUES "
                    + ",".join(["(?,?,?,?,?,?,?,?,?,?,?)"] * len(chunk)),
                    [value for row in chunk for value in row],
                )
    finally:
        store.close()


def time_next_due(data_dir: Path, now: datetime, calls: int = CALLS) -> list[float]:
    """Milliseconds per :func:`services.reminders.queries.next_due_instant` call (after a
    warm-up)."""
    # The app's modules: only once ROOT is on sys.path (above).
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from services.reminders import queries

    store = open_store(DataPaths(data_dir), check_integrity=False)
    try:
        queries.next_due_instant(now)
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            queries.next_due_instant(now)
            times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        store.close()


def next_due_ms(root: Path, runs: int) -> tuple[float, float]:
    """The median next-due time (ms) on the realistic states, and on all-pending rows."""
    now = datetime.now(UTC).replace(microsecond=0)
    realistic = root / "reminders-100k"
    started = time.perf_counter()
    populate(realistic, now)
    _say(f"reminders: stored {REMINDERS:,} reminders in {time.perf_counter() - started:.1f} s")
    times = [t for _ in range(max(1, runs)) for t in time_next_due(realistic, now)]
    worst = root / "reminders-100k-pending"
    populate(worst, now, all_pending=True)
    worst_times = time_next_due(worst, now, 20)
    median, worst_median = statistics.median(times), statistics.median(worst_times)
    _say(f"reminders: next due instant median {median:.3f} ms, max {max(times):.3f} ms over "
         f"{len(times)} calls; all {REMINDERS:,} pending: "
         f"{worst_median:.1f} ms")
    shutil.rmtree(realistic, ignore_errors=True)
    shutil.rmtree(worst, ignore_errors=True)
    return median, worst_median


# -- idle CPU -----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process and all its threads, and of the child
    processes it waited for (the app's reminders' and mailbox passes), from /proc
    (seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field: str) -> float:
    """A memory figure of a live process from /proc/<pid>/status (``VmRSS``, ``VmHWM``), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class IdleResult:
    """What :func:`measure_idle` found (seconds)."""

    idle_cpu: float
    after_paint_cpu: float
    settle_wait: float
    seconds: float
    rss_mb: float = 0.0
    peak_mb: float = 0.0


def measure_idle(data_dir: Path, env: dict[str, str], seconds: float = IDLE_SECONDS,
                 python: str = sys.executable) -> IdleResult:
    """Start the app on ``data_dir``, let it settle, and read its CPU time over ``seconds``."""
    log = data_dir / "logs" / "nextsteps.log"
    offset = log.stat().st_size if log.exists() else 0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([python, str(ROOT / "main.py"), "--data-dir", str(data_dir)],
                                cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            # Logging starts in the first turn of the event loop after the first paint.
            _wait_for_log(proc, out, log, offset, b"starting with data in")
            at_paint = cpu_seconds(proc.pid)
            _wait_for_log(proc, out, log, offset, b"main window shown")
            # Reminders start a moment after the first paint.
            _wait_for_log(proc, out, log, offset, b"reminders ready")
            settle_wait = _wait_until_settled(proc.pid, at_paint)
            begin = cpu_seconds(proc.pid)
            time.sleep(seconds)
            if proc.poll() is not None:
                raise RuntimeError("the app exited during the idle minute")
            end = cpu_seconds(proc.pid)
            rss_mb = memory_mb(proc.pid, "VmRSS")
            peak_mb = memory_mb(proc.pid, "VmHWM")
        finally:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=30)
    return IdleResult(end - begin, begin - at_paint, settle_wait, seconds, rss_mb, peak_mb)


def _wait_for_log(proc: subprocess.Popen, out, log: Path, offset: int, text: bytes) -> None:
    """Wait until the app's log, past ``offset``, holds ``text``; fail (with the app's output,
    from ``out``) when the app exits, or after 120 s."""
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            out.seek(0)
            raise RuntimeError("the app exited during the idle benchmark: "
                               + out.read().decode(errors="replace")[-2000:])
        if log.exists():
            with log.open("rb") as handle:
                handle.seek(offset)
                if text in handle.read():
                    return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app did not log {text!r} within 120 s")
        time.sleep(0.005)


def _wait_until_settled(pid: int, cpu: float) -> float:
    """Wait until the app's CPU time (``cpu`` now) has not moved for SETTLE_S, at most
    SETTLE_TIMEOUT_S; return the seconds waited."""
    settle_started = time.monotonic()
    last, still_since = cpu, time.monotonic()
    while time.monotonic() - still_since < SETTLE_S:
        if time.monotonic() - settle_started > SETTLE_TIMEOUT_S:
            break
        time.sleep(0.1)
        now_cpu = cpu_seconds(pid)
        if now_cpu != last:
            last, still_since = now_cpu, time.monotonic()
    return time.monotonic() - settle_started


# -- the suites ---------------------------------------------------------------------------------


def next_due_figures(ctx) -> list:
    """The ``reminders`` suite: ``reminders_next_due_100k_ms``."""
    # benchmarks.harness: only once ROOT is on sys.path (above).
    from benchmarks.harness import Figure

    median, _worst = next_due_ms(ctx.root, ctx.runs)
    return [Figure("reminders_next_due_100k_ms", median, "ms", limit=NEXT_DUE_LIMIT_MS)]


def idle_figures(ctx) -> list:
    """The ``idle_cpu`` suite: ``idle_cpu_per_minute_s`` (the worst of :data:`IDLE_RUNS`
    idle stretches of :data:`IDLE_SECONDS`, per minute), the start-up work after the paint,
    and the idle app's memory (``idle_rss_10k_mb``: resident at the end of the last stretch;
    its ratio is to the bare window's peak)."""
    # benchmarks.harness: only once ROOT is on sys.path (above).
    from benchmarks.harness import Figure, ratio_figure

    folder = ctx.generated_data_dir(10_000, 20_000, 30_000)
    results = []
    for run in range(1, IDLE_RUNS + 1):
        result = measure_idle(folder, ctx.env, python=ctx.python)
        results.append(result)
        _say(f"idle {run}/{IDLE_RUNS}: settled {result.settle_wait:.1f} s after the reminders "
             f"started; {result.after_paint_cpu:.2f} s of CPU from the first paint until then; "
             f"{result.idle_cpu:.2f} s of CPU in the following {result.seconds:.0f} s "
             f"(resolution 0.01 s); resident {result.rss_mb:.1f} MB, lifetime peak "
             f"{result.peak_mb:.1f} MB")
    per_minute = max(result.idle_cpu / (result.seconds / 60) for result in results)
    return [
        Figure("idle_cpu_per_minute_s", per_minute, "s", limit=IDLE_LIMIT_S),
        Figure("startup_after_paint_cpu_s",
               statistics.median(result.after_paint_cpu for result in results), "s"),
        ratio_figure("idle_rss_10k_mb", results[-1].rss_mb, "MB", ctx.baseline_rss,
                     IDLE_RSS_TARGET),
    ]


def main(argv: list[str] | None = None) -> int:
    """Command line: one of the two measurements, printed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    next_due = sub.add_parser("next-due")
    next_due.add_argument("--runs", type=int, default=3)
    idle = sub.add_parser("idle")
    idle.add_argument("data_dir", type=Path)
    idle.add_argument("--seconds", type=float, default=IDLE_SECONDS)
    args = parser.parse_args(argv)
    if args.what == "next-due":
        with tempfile.TemporaryDirectory(prefix="nextsteps-reminders-") as tmp:
            median, worst = next_due_ms(Path(tmp), args.runs)
        print(f"reminders_next_due_100k_ms {median:.3f} (all pending: {worst:.1f})")
        return 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = measure_idle(args.data_dir, env, args.seconds)
    print(f"idle cpu in {args.seconds:.0f} s: {result.idle_cpu:.2f} s "
          f"(after paint until settled: {result.after_paint_cpu:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
