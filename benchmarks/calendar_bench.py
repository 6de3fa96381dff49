"""In-process timings of the calendar: month switches in the real view, and the .ics export.

Used by the ``calendar`` suite of ``benchmarks/run.py``; runs on its own too::

    python benchmarks/calendar_bench.py DATA_DIR [--runs N]

On a data folder made by ``benchmarks/generate.py`` with at least 50,000 dated
entries (12,000 applications, 25,000 rounds and 37,500 interviewers give about
51,000: the interviews, their thank-you deadlines, and the expected responses
and follow-ups of the open applications):

* month switch: the real :class:`ui.calendar.view.CalendarView`, shown
  offscreen at the size it has in a 1200 x 760 window; one Page Up/Page Down
  key event to the month grid, then a synchronous repaint of the grid. The
  per-month cache is emptied before each switch, so every switch queries the
  database (the cold case; a month seen before costs only the repaint). The
  agenda of the newly selected day is filled in the next turn of the event
  loop; it is timed separately;
* export: reading every entry (``entries_between`` over all dates), writing
  the iCalendar text and saving it atomically.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The viewer's zone in the benchmark.
ZONE = "Europe/Berlin"
#: Months switched per run (back, then forward again, through the populated two years).
SWITCHES = 24
FAR_PAST, FAR_FUTURE = date(1990, 1, 1), date(2100, 1, 1)


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


class _Window:
    """What the calendar view needs from the main window."""

    def __init__(self, paths, store) -> None:
        self.paths = paths
        self._store = store

    def ensure_store(self):
        return self._store

    def open_editor(self, application_id) -> None:  # pragma: no cover - not clicked here
        pass

    def local_zone_name(self) -> str:
        return ZONE


def count_entries(now: datetime) -> int:
    """Every dated entry in the open database."""
    from services.calendar.entries import entries_between

    return len(entries_between(FAR_PAST, FAR_FUTURE, now, ZONE))


def time_month_switches(paths, store, runs: int, now: datetime) -> dict[str, list[float]]:
    """Cold and warm month switches (key event + repaint) and agenda fills, in ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from models import clock
    from ui.calendar.view import CalendarView

    app = QApplication.instance() or QApplication([sys.argv[0]])
    clock.pin(now)  # the view reads "now" from models.clock
    view = CalendarView(_Window(paths, store))
    view.resize(1020, 730)
    view.show()
    app.processEvents()
    grid = view.grid
    times: dict[str, list[float]] = {"cold": [], "warm": [], "agenda": []}

    def press(key) -> float:
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)
        started = time.perf_counter()
        app.sendEvent(grid, event)
        grid.repaint()
        return (time.perf_counter() - started) * 1000

    for run in range(runs + 1):
        for step in range(SWITCHES):
            key = Qt.Key.Key_PageUp if step < SWITCHES // 2 else Qt.Key.Key_PageDown
            view._month_cache.clear()
            gc.collect()
            cold = press(key)
            started = time.perf_counter()
            view.refresh_agenda_now()
            agenda = (time.perf_counter() - started) * 1000
            app.processEvents()
            if run:  # the first run warms up imports and SQLite's page cache
                times["cold"].append(cold)
                times["agenda"].append(agenda)
        for timed in (False, True):  # the first pass fills the per-month cache
            for step in range(SWITCHES):
                key = Qt.Key.Key_PageUp if step < SWITCHES // 2 else Qt.Key.Key_PageDown
                warm = press(key)
                app.processEvents()
                if run and timed:
                    times["warm"].append(warm)
    view.close()
    view.deleteLater()
    app.processEvents()
    return times


def time_export(runs: int, now: datetime) -> tuple[list[float], int, int]:
    """Seconds to read every entry, write the .ics text and save it; the count and size."""
    from services.calendar.entries import entries_between
    from services.calendar.ics_export import export_entries
    from services.core.atomic import write_bytes_atomic

    seconds: list[float] = []
    count = size = 0
    with tempfile.TemporaryDirectory(prefix="nextsteps-ics-") as folder:
        target = Path(folder) / "calendar.ics"
        for run in range(runs + 1):
            gc.collect()
            started = time.perf_counter()
            entries = entries_between(FAR_PAST, FAR_FUTURE, now, ZONE)
            data = export_entries(entries, now=now)
            write_bytes_atomic(target, data)
            elapsed = time.perf_counter() - started
            if run:
                seconds.append(elapsed)
            count, size = len(entries), len(data)
            del entries, data
    return seconds, count, size


def measure(data_dir: Path, runs: int) -> dict:
    """Every calendar timing on one data folder (details to stderr)."""
    from services.core.paths import DataPaths
    from services.core.store import open_store

    now = datetime.now(UTC)
    paths = DataPaths(Path(data_dir))
    store = open_store(paths, check_integrity=False)
    try:
        count = count_entries(now)
        _say(f"calendar: {count:,} dated entries in the data")
        switches = time_month_switches(paths, store, runs, now)
        median = statistics.median
        _say(f"calendar: month switch (key + repaint), cold median "
             f"{median(switches['cold']):.1f} ms, max {max(switches['cold']):.1f}; "
             f"cached month median {median(switches['warm']):.1f} ms; the agenda after it "
             f"median {median(switches['agenda']):.1f} ms")
        export, exported, size = time_export(max(1, min(runs, 5)), now)
        _say(f"calendar: export of {exported:,} entries ({size / 1e6:.1f} MB) median "
             f"{median(export):.2f} s, max {max(export):.2f} s")
    finally:
        store.close()
    return {"entries": count, "switch": switches, "export": export}


def main(argv: list[str] | None = None) -> int:
    """Command line: time the calendar on a data folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    result = measure(args.data_dir, args.runs)
    print(f"month switch median {statistics.median(result['switch']['cold']):.1f} ms; "
          f"export median {statistics.median(result['export']):.2f} s "
          f"({result['entries']:,} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
