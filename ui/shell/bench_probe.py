"""What ``make bench`` reads from inside the app: ``main.py --benchmark-startup[=PROBE]``.

Every probe starts at the window's first paint and prints one line to standard output,
then quits the app:

- ``paint`` (plain ``--benchmark-startup``): ``first_paint <time.time()> rss_kb <peak>`` once
  the first frame is complete; the app quits 300 ms later.
- ``typing``: a key press (``n``) is posted to the applications' search box at the first
  paint, behind the start-up work already queued (as a key typed the moment the window
  shows would wait for it). Once the list shows the answer, painted (its first rows
  matching that letter, in order, and how many match in all: from the kept list keys,
  or from every application once all are read): ``answered <time.time()>``. The probe
  then waits until every application is read and filtered, and prints
  ``listed <time.time()>`` (scrolling to the end needs that).
- ``section``: a click on the Calendar section of the navigation, posted the same way;
  once the calendar has painted: ``answered <time.time()>``.
- ``stalls``: for :data:`STALL_WINDOW_S` after the first paint, a timer due every
  :data:`TICK_MS` notes how late each tick comes; then ``longest_stall_ms <ms>`` (the
  longest time the UI thread answered nothing, less the tick's own interval), and
  ``longest_stall_at_ms <ms>`` (when it began, counted from the first paint).

``benchmarks/harness.py`` turns these lines into figures. A probe that has not answered
within :data:`GIVE_UP_MS` quits without its line, which the benchmark reports as a failure.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

__all__ = ["GIVE_UP_MS", "PROBES", "STALL_WINDOW_S", "TICK_MS", "start_probe"]

PROBES = ("paint", "typing", "section", "stalls")
#: How long the stall probe watches the UI thread after the first paint.
STALL_WINDOW_S = 2.0
#: The stall probe's tick.
TICK_MS = 4
#: A probe that has not answered by then gives up.
GIVE_UP_MS = 30_000
#: The letter the typing probe types (most generated company names hold an "n").
TYPED = "n"


def start_probe(window, probe: str) -> None:
    """Run ``probe`` (one of :data:`PROBES`) on ``window``, whose first frame is complete."""
    app = QApplication.instance()
    if probe == "typing":
        view = window.view("applications")
        _PaintWatch(window, lambda: _typed_and_answered(view), _Listed(view)).watch(
            view.table.viewport())
        _type(window)
    elif probe == "section":
        _SectionWatch(window, _PaintWatch(window, lambda: True)).arm()
    elif probe == "stalls":
        _StallWatch(window).start()
    QTimer.singleShot(GIVE_UP_MS, app.quit)


def _answered(then=None) -> None:
    """Print the answer line on the next turn of the event loop (the frame is flushed by
    then); then call ``then()``, or quit."""
    def report() -> None:
        print(f"answered {time.time():.6f}", flush=True)
        if then is None:
            QApplication.instance().quit()
        else:
            then()

    QTimer.singleShot(0, report)


def _type(window) -> None:
    search = window.view("applications").search
    search.setFocus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.postEvent(search, QKeyEvent(kind, Qt.Key.Key_N,
                                                 Qt.KeyboardModifier.NoModifier, TYPED))


def _typed_and_answered(view) -> bool:
    index = view.model.index_data
    return index.filter_text == TYPED and (index.complete or index.matched is not None)


class _Listed(QObject):
    """Once the answer is printed: waits for every application to be read and filtered by
    the letter typed, prints ``listed <time.time()>`` and quits."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self._view = view
        self._timer = QTimer(self)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._check)

    def __call__(self) -> None:
        self._timer.start()

    def _check(self) -> None:
        index = self._view.model.index_data
        if index.complete and index.filter_text == TYPED:
            self._timer.stop()
            print(f"listed {time.time():.6f}", flush=True)
            QApplication.instance().quit()


class _PaintWatch(QObject):
    """Calls :func:`_answered` at the first paint of a watched widget once ``done()`` holds,
    then ``then()`` (None: quit)."""

    def __init__(self, parent, done, then=None) -> None:
        super().__init__(parent)
        self._done, self._then, self._fired = done, then, False

    def watch(self, *widgets) -> None:
        """Watch these widgets' paints."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        """Notice the paint that shows the answer."""
        if not self._fired and event.type() == QEvent.Type.Paint and self._done():
            self._fired = True
            _answered(self._then)
        return False


class _SectionWatch(QObject):
    """Posts a click on the Calendar section; ``paints`` answers at the calendar's first
    paint."""

    def __init__(self, window, paints: _PaintWatch) -> None:
        super().__init__(window)
        self._window, self._paints = window, paints

    def arm(self) -> None:
        """Post the click (press and release) on the Calendar item's centre."""
        window = self._window
        window.stack.currentChanged.connect(self._shown)
        row = window.view_keys().index("calendar")
        nav = window.nav
        centre = QPointF(nav.visualItemRect(nav.item(row)).center())
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            QApplication.postEvent(nav.viewport(), QMouseEvent(
                kind, centre, nav.viewport().mapToGlobal(QPoint(int(centre.x()),
                                                                  int(centre.y()))),
                Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier))

    def _shown(self, index: int) -> None:
        if self._window.view_keys()[index] == "calendar":
            widget = self._window.stack.widget(index)
            self._paints.watch(widget, *widget.findChildren(QObject))


class _StallWatch(QObject):
    """Notes the longest gap between ticks of a fast timer after the first paint."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._longest = self._at = 0.0
        self._last = self._until = self._start = 0.0

    def start(self) -> None:
        """Watch for :data:`STALL_WINDOW_S` from now."""
        self._last = self._start = time.perf_counter()
        self._until = self._last + STALL_WINDOW_S
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        stall = (now - self._last) * 1000 - TICK_MS
        if stall > self._longest:
            self._longest, self._at = stall, (self._last - self._start) * 1000
        self._last = now
        if now >= self._until:
            self._timer.stop()
            print(f"longest_stall_ms {self._longest:.1f}", flush=True)
            print(f"longest_stall_at_ms {self._at:.0f}", flush=True)
            QApplication.instance().quit()
