"""Run work off the UI thread and get its result (and its progress) back on the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ui.shell.memory import release_free_memory_soon

log = logging.getLogger(__name__)

_running: set[_Relay] = set()
#: Worker threads at least: long reads (the integrity check, the whole list at 100,000
#: applications: seconds) must not hold back short ones (a search's first rows), and most
#: of the work waits on SQLite or the disk with the GIL released.
MIN_WORKERS = 4


class _Relay(QObject):
    """Lives on the UI thread; its signals carry the worker's outcome back to it."""

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[..., Any], relay: _Relay, reports: bool) -> None:
        super().__init__()
        self.work = work
        self.relay = relay
        self.reports = reports

    def run(self) -> None:
        try:
            if self.reports:
                result = self.work(lambda value: self._deliver(self.relay.progress, value))
            else:
                result = self.work()
        except Exception as exc:  # handed to the UI thread, which decides what to say
            self._deliver(self.relay.failed, exc)
        else:
            self._deliver(self.relay.finished, result)

    @staticmethod
    def _deliver(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The application is shutting down and the relay is gone: nobody to tell.
            log.debug("background result dropped at shutdown")


def _finished(relay: _Relay) -> None:
    _running.discard(relay)
    if not _running:
        # What the workers freed stays with the C allocator until given back.
        release_free_memory_soon(lambda: not _running)


def run_in_background(
    work: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
) -> None:
    """Run ``work()`` on a worker thread; call ``on_done(result)`` or ``on_error(exc)`` on
    the UI thread. ``work`` must not touch widgets.

    With ``on_progress``, ``work`` is called as ``work(report)``: each ``report(value)``
    on the worker calls ``on_progress(value)`` on the UI thread, in order, before
    ``on_done``."""
    relay = _Relay()
    _running.add(relay)

    def done(result: Any) -> None:
        _finished(relay)
        on_done(result)

    def failed(exc: BaseException) -> None:
        _finished(relay)
        if on_error is None:
            log.error("background task failed", exc_info=exc)
        else:
            on_error(exc)

    relay.finished.connect(done)
    relay.failed.connect(failed)
    if on_progress is not None:
        relay.progress.connect(on_progress)
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_WORKERS:
        pool.setMaxThreadCount(MIN_WORKERS)
    pool.start(_Job(work, relay, on_progress is not None))
