"""In-process timings of the dashboard (``services.applications.dashboard``,
``ui.applications.dashboard_view``).

Used by the ``dashboard`` suite of ``benchmarks/run.py``; runs on its own too::

    python benchmarks/dashboard.py DATA_DIR [--runs N]

What is measured, on a data folder made by ``benchmarks/generate.py``, with
the real view shown offscreen at the size it has in a 1200×760 window:

* ``refresh``: what the user waits for when the dashboard is shown or data
  changed: :meth:`DashboardView.refresh` (the weekly goal read, every figure
  computed with SQL, the charts and the four lists filled) followed by a
  synchronous :meth:`QWidget.repaint` of the whole view;
* ``compute``: :func:`services.applications.dashboard.compute` alone, for the record.

Each figure is the median of several runs after one warm-up.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The size of the dashboard's section in a 1200×760 main window.
VIEW_SIZE = (1020, 700)


class _BenchWindow:
    """What the view needs from the main window."""

    def __init__(self, store) -> None:
        self.store = store
        self.paths = store.paths

    def ensure_store(self):
        return self.store

    def open_editor(self, _application_id) -> None:
        return None

    def local_zone_name(self) -> str:
        return "Europe/Berlin"


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def time_dashboard(data_dir: Path, runs: int) -> dict[str, list[float]]:
    """Times in ms: ``build`` (once), ``refresh`` (refresh + repaint) and ``compute``."""
    import os
    from zoneinfo import ZoneInfo

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from services.applications import dashboard
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from ui.applications.dashboard_view import DashboardView

    app = QApplication.instance() or QApplication([sys.argv[0]])
    store = open_store(DataPaths(Path(data_dir)), check_integrity=False)
    now = datetime.now(UTC)
    try:
        times: dict[str, list[float]] = {"build": [], "refresh": [], "compute": []}
        holder: list = []

        def build() -> None:
            view = DashboardView(_BenchWindow(store), clock=lambda: now)
            view.resize(*VIEW_SIZE)
            view.show()
            app.processEvents()
            view.repaint()
            holder.append(view)

        times["build"].append(_ms(build))
        view = holder[0]
        zone = ZoneInfo("Europe/Berlin")

        def refresh() -> None:
            view.refresh()
            view.repaint()

        for attempt in range(runs + 1):
            app.processEvents()
            gc.collect()
            took = _ms(refresh)
            if attempt:
                times["refresh"].append(took)
            gc.collect()
            took = _ms(lambda: dashboard.compute(now, zone, 5))
            if attempt:
                times["compute"].append(took)
        figures = view.figures
        print(f"  dashboard: {figures.total:,} applications, {len(figures.waiting):,} waiting, "
              f"{len(figures.overdue):,} overdue, {len(figures.upcoming_interviews):,} "
              f"interviews, {len(figures.offers):,} offers", file=sys.stderr, flush=True)
        view.close()
        view.deleteLater()
        app.processEvents()
        return times
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    """Time the dashboard on one data folder and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    times = time_dashboard(args.data_dir, args.runs)
    for name, samples in times.items():
        print(f"{name}: median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
