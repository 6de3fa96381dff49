"""Waiting for reminders to be ready: the start recomputes them on a worker thread."""

from __future__ import annotations

#: A correctness bound, not a speed figure: the recomputing takes milliseconds here.
READY_BOUND_MS = 10_000


def reminders_started(qtbot, system):
    """``system`` (a ReminderSystem) once its start has finished (:attr:`ready`)."""
    qtbot.waitUntil(lambda: system.ready, timeout=READY_BOUND_MS)
    return system
