"""In-process timings of the application list's data (``services.applications.index``).

Used by the ``list_index`` suite of ``benchmarks/run.py``; runs on its own too::

    python benchmarks/list_index.py DATA_DIR [--runs N]

What is measured, on a data folder made by ``benchmarks/generate.py``:

* typing: the first six characters of a few company names present in the data,
  typed one at a time after clearing the search (each ``set_filter`` timed),
  the median over every keystroke of every repetition; and the worst case, a
  one-letter search right after clearing (the whole list is scanned);
* sorting: ``sort_by`` every column, both directions, with the per-column
  cache dropped first (the first sort by a column, the slow one);
* loading: ``load`` and ``load_first(limit=60)`` with a fresh connection.

Per-keystroke and per-column details go to stderr.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.applications.index import COLUMNS, ApplicationIndex  # noqa: E402

#: Rows the first paint asks for.
FIRST_SCREENFUL = 60
#: Characters typed per company name.
TYPED = 6
#: Companies typed per repetition.
COMPANIES = 4
WORST_LETTERS = ("a", "e", "q", "x", "z")


def database(data_dir: Path) -> Path:
    """The database file of a data folder."""
    return data_dir / "nextsteps.sqlite3"


def _ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def time_load(data_dir: Path, runs: int, now: datetime) -> list[float]:
    """``load`` times in ms, each with a fresh connection."""
    times = []
    for _ in range(runs):
        with closing(sqlite3.connect(database(data_dir))) as con:
            times.append(_ms(lambda con=con: ApplicationIndex.load(con, now)))
        gc.collect()
    return times


def time_load_first(data_dir: Path, runs: int, now: datetime) -> list[float]:
    """``load_first(limit=60)`` times in ms, each with a fresh connection (one warm-up)."""
    times = []
    for attempt in range(runs + 1):
        with closing(sqlite3.connect(database(data_dir))) as con:
            took = _ms(lambda con=con: ApplicationIndex.load_first(con, now, FIRST_SCREENFUL))
        if attempt:
            times.append(took)
    return times


def typed_prefixes(index: ApplicationIndex, count: int = COMPANIES) -> list[str]:
    """The first :data:`TYPED` characters of ``count`` company names spread over the data."""
    rows = sorted(index.visible, key=lambda row: row.id)
    names: list[str] = []
    step = max(1, len(rows) // count)
    for row in rows[::step]:
        prefix = row.company[:TYPED]
        if prefix not in names:
            names.append(prefix)
        if len(names) == count:
            break
    return names


def time_typing(index: ApplicationIndex, runs: int) -> tuple[list[float], list[list[float]]]:
    """Every keystroke's ``set_filter`` time in ms, and the times by position in the word."""
    prefixes = typed_prefixes(index)
    every: list[float] = []
    by_position: list[list[float]] = [[] for _ in range(TYPED)]
    for _ in range(runs):
        for prefix in prefixes:
            index.set_filter("")
            gc.collect()
            for length in range(1, len(prefix) + 1):
                took = _ms(lambda length=length, prefix=prefix:
                           index.set_filter(prefix[:length]))
                every.append(took)
                by_position[length - 1].append(took)
    index.set_filter("")
    _say(f"typed {', '.join(repr(p) for p in prefixes)} ({runs} times each)")
    return every, by_position


def time_worst_case(index: ApplicationIndex, runs: int) -> list[float]:
    """One letter typed right after clearing the search: the whole list is scanned."""
    times = []
    for _ in range(runs):
        for letter in WORST_LETTERS:
            index.set_filter("")
            times.append(_ms(lambda letter=letter: index.set_filter(letter)))
    index.set_filter("")
    return times


def time_sorting(index: ApplicationIndex, runs: int) -> dict[tuple[str, bool], list[float]]:
    """``sort_by`` times in ms per (column, descending), the column's cache dropped first."""
    times: dict[tuple[str, bool], list[float]] = {}
    for _ in range(runs):
        for column in COLUMNS:
            for descending in (False, True):
                if (column.key, descending) == ("stage", False):
                    continue  # the default order itself, always at hand
                index.sort_by("stage")
                index._forget_orders()
                gc.collect()
                took = _ms(lambda column=column, descending=descending:
                           index.sort_by(column.key, descending))
                times.setdefault((column.key, descending), []).append(took)
    index.sort_by("stage")
    return times


def report_sorting(times: dict[tuple[str, bool], list[float]], index: ApplicationIndex) -> float:
    """Print per-column medians (and the cached re-sort); return the slowest median."""
    slowest = 0.0
    for (column, descending), samples in times.items():
        median = statistics.median(samples)
        slowest = max(slowest, median)
        index.sort_by(column, descending)
        index.sort_by("stage")
        cached = _ms(lambda column=column, descending=descending:
                     index.sort_by(column, descending))
        index.sort_by("stage")
        _say(f"sort_by({column!r}, descending={descending}): first {median:.1f} ms "
             f"(max {max(samples):.1f}), cached {cached:.2f} ms")
    return slowest


def main(argv: list[str] | None = None) -> int:
    """Time the list data on one data folder and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    print(f"load: {statistics.median(time_load(args.data_dir, args.runs, now)):.1f} ms")
    print(f"load_first: "
          f"{statistics.median(time_load_first(args.data_dir, args.runs, now)):.2f} ms")
    with closing(sqlite3.connect(database(args.data_dir))) as con:
        index = ApplicationIndex.load(con, now)
    every, _ = time_typing(index, args.runs)
    print(f"keystroke: median {statistics.median(every):.2f} ms, max {max(every):.1f} ms")
    worst = time_worst_case(index, args.runs)
    print(f"one letter after clearing: median {statistics.median(worst):.1f} ms")
    print(f"slowest sort: {report_sorting(time_sorting(index, args.runs), index):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())


class ListView:
    """The real table (model and view) over an index, shown offscreen, for timing what
    the user sees: a keystroke or a sort is only done once the view has repainted."""

    def __init__(self, index: ApplicationIndex) -> None:
        import os
        from zoneinfo import ZoneInfo

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication, QTableView

        from ui.applications.table_model import ApplicationTableModel

        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        self.model = ApplicationTableModel(index, ZoneInfo("Europe/Berlin"))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.resize(1100, 640)
        self.painted = False
        paint = QEvent.Type.Paint
        owner = self

        class _PaintWatch(QObject):
            def eventFilter(self, _watched, event) -> bool:
                if event.type() == paint:
                    owner.painted = True
                return False

        self._watch = _PaintWatch()
        self.view.viewport().installEventFilter(self._watch)
        self.view.show()
        self.settle()

    def settle(self) -> None:
        """Let Qt do what the change asked for, up to and including one paint of the table
        (the delayed layout and the update are posted events; nothing is painted twice)."""
        self.painted = False
        for _ in range(20):
            self.app.processEvents()
            if self.painted:
                return
        self.view.viewport().repaint()

    def type_text(self, text: str) -> None:
        """What one keystroke does: filter through the model, then repaint."""
        self.model.set_filter(text, None)
        self.settle()

    def sort(self, column: int, descending: bool) -> None:
        """What a header click does: sort through the model, then repaint."""
        from PySide6.QtCore import Qt

        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.model.sort(column, order)
        self.settle()

    def close(self) -> None:
        """Close the view."""
        self.view.close()
        self.view.deleteLater()
        self.app.processEvents()


def time_typing_in_view(view: ListView, runs: int) -> tuple[list[float], list[float]]:
    """Keystroke times through the view (every keystroke; one letter after clearing)."""
    index = view.model.index_data
    prefixes = typed_prefixes(index)
    every: list[float] = []
    for _ in range(runs):
        for prefix in prefixes:
            view.type_text("")
            gc.collect()
            for length in range(1, len(prefix) + 1):
                every.append(_ms(lambda length=length, prefix=prefix:
                                 view.type_text(prefix[:length])))
    worst = []
    for _ in range(runs):
        for letter in WORST_LETTERS:
            view.type_text("")
            worst.append(_ms(lambda letter=letter: view.type_text(letter)))
    view.type_text("")
    return every, worst


def time_sorting_in_view(view: ListView, runs: int) -> float:
    """The slowest column's median first sort through the view (cache dropped first)."""
    index = view.model.index_data
    slowest = 0.0
    for number, column in enumerate(COLUMNS):
        samples = []
        for _ in range(runs):
            view.sort(2, False)
            index._forget_orders()
            gc.collect()
            samples.append(_ms(lambda number=number: view.sort(number, True)))
        median = statistics.median(samples)
        _say(f"view sort by {column.key}: {median:.1f} ms")
        slowest = max(slowest, median)
    view.sort(2, False)
    return slowest
