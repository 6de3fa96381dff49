"""The Qt timer side: one timer for the next due instant, the clock watch, and the actions."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from models import clock as app_clock
from models.reminder import Reminder
from services.reminders import custom, delivery, queries
from services.reminders import sync as reminder_sync
from ui.reminders import scheduler as reminder_scheduler
from ui.reminders.scheduler import MAX_WAIT_MS, ReminderScheduler

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2024, 5, 14, 8, 0, tzinfo=UTC)


class Clock:
    """A wall clock and a monotonic clock the test moves by hand."""

    def __init__(self, wall: datetime) -> None:
        self.wall = wall
        self.mono = 5000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        """Time passes: both clocks move."""
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds

    def jump(self, seconds: float, passed: float = 60.0) -> None:
        """The wall clock is set (or the machine slept): it moves ``seconds`` while the
        monotonic clock moves ``passed``."""
        self.wall += timedelta(seconds=seconds)
        self.mono += passed


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def scheduler(qtbot, store, clock):
    app_clock.pin(clock.now)
    sched = ReminderScheduler(monotonic=clock.monotonic, zone=BERLIN)
    yield sched
    sched.stop()


def test_start_lists_what_came_due_while_closed_and_marks_it_shown(scheduler, clock):
    early = custom.add_custom("Call Ana", START - timedelta(hours=2), now=START)
    later = custom.add_custom("Update CV", START + timedelta(minutes=30), now=START)
    missed = scheduler.start()
    assert [item.id for item in missed] == [early]
    assert Reminder.get_by_id(early).state == "shown"
    assert Reminder.get_by_id(later).state == "pending"
    # The timer waits exactly for the next due instant.
    assert scheduler.next_due == START + timedelta(minutes=30)
    assert scheduler.timer_interval_ms() == 30 * 60 * 1000
    assert [item.id for item in scheduler.outstanding()] == [early]


def test_the_timer_waits_at_most_an_hour(scheduler):
    scheduler.start()
    assert scheduler.next_due is None
    assert scheduler.timer_interval_ms() == MAX_WAIT_MS
    custom.add_custom("Far away", START + timedelta(days=3), now=START)
    scheduler.check()
    assert scheduler.next_due == START + timedelta(days=3)
    assert scheduler.timer_interval_ms() == MAX_WAIT_MS


def test_the_timer_fires_when_a_reminder_comes_due(qtbot, store):
    base = START + timedelta(seconds=1)
    t0 = time.monotonic()
    # A clock that runs: the scheduler's real QTimer has to fire.
    app_clock.pin(lambda: base + timedelta(seconds=time.monotonic() - t0))
    sched = ReminderScheduler(zone=BERLIN)
    rid = custom.add_custom("Send the portfolio", base + timedelta(seconds=1), now=base)
    try:
        assert sched.start() == []
        assert 0 < sched.timer_interval_ms() <= 1000
        with qtbot.waitSignal(sched.fired, timeout=5000) as fired:
            pass
        assert [item.id for item in fired.args[0]] == [rid]
        assert Reminder.get_by_id(rid).state == "shown"
    finally:
        sched.stop()


def test_a_jump_forward_delivers_what_became_due_and_a_jump_back_nothing(qtbot, scheduler,
                                                                           clock):
    rid = custom.add_custom("Follow up with Orbit", START + timedelta(hours=2), now=START)
    scheduler.start()
    clock.advance(60)
    assert scheduler.watch_clock() is False  # a normal minute: nothing to do
    # The machine slept three hours: the monotonic clock moved a minute, the wall clock three
    # hours. The watch notices and delivers the reminder once.
    clock.jump(3 * 3600)
    with qtbot.waitSignal(scheduler.fired, timeout=1000) as fired:
        assert scheduler.watch_clock() is True
    assert [item.id for item in fired.args[0]] == [rid]
    # The clock is set back three hours: it checks, and delivers nothing again.
    clock.jump(-3 * 3600)
    with qtbot.assertNotEmitted(scheduler.fired):
        assert scheduler.watch_clock() is True
    clock.jump(3 * 3600)
    with qtbot.assertNotEmitted(scheduler.fired):
        assert scheduler.watch_clock() is True
    assert Reminder.get_by_id(rid).state == "shown"


def test_the_watch_reads_no_database_when_nothing_happened(scheduler, clock, monkeypatch):
    scheduler.start()

    def refuse(*_args, **_kwargs):
        raise AssertionError("the idle watch touched the database")

    for module, name in ((reminder_sync, "sync"), (queries, "due"),
                         (queries, "next_due_instant"), (queries, "outstanding")):
        monkeypatch.setattr(module, name, refuse)
    for _ in range(5):
        clock.advance(60)
        assert scheduler.watch_clock() is False


def test_the_watch_checks_when_the_due_instant_passed(qtbot, scheduler, clock):
    rid = custom.add_custom("Call Ana", START + timedelta(seconds=90), now=START)
    scheduler.start()
    clock.advance(120)  # the timer did not fire (a coarse timer, a busy loop…)
    with qtbot.waitSignal(scheduler.fired, timeout=1000) as fired:
        assert scheduler.watch_clock() is True
    assert [item.id for item in fired.args[0]] == [rid]


def test_a_time_zone_change_recomputes(store, clock):
    zones = [BERLIN]
    app_clock.pin(clock.now)
    sched = ReminderScheduler(monotonic=clock.monotonic, zone=lambda: zones[0])
    try:
        sched.start()
        clock.advance(60)
        assert sched.watch_clock() is False
        zones[0] = ZoneInfo("America/New_York")
        clock.advance(60)
        assert sched.watch_clock() is True
        clock.advance(60)
        assert sched.watch_clock() is False
    finally:
        sched.stop()


def test_becoming_active_runs_the_watch(scheduler, clock):
    scheduler.start()
    clock.jump(7200)
    calls = []
    scheduler.check_in_background = lambda: calls.append(1)  # type: ignore[method-assign]
    scheduler._on_application_state(Qt.ApplicationState.ApplicationActive)
    assert calls == [1]


def test_data_changes_are_folded_into_one_check(qtbot, scheduler, monkeypatch):
    scheduler.start()
    calls = []
    real_sync = reminder_sync.sync
    monkeypatch.setattr(delivery, "sync", lambda *a: calls.append(1) or real_sync(*a))
    for _ in range(3):
        scheduler.data_changed()
    qtbot.waitUntil(lambda: calls == [1], timeout=2000)
    qtbot.wait(50)
    assert calls == [1]


def test_nothing_happens_before_start_or_after_stop(scheduler, clock):
    scheduler.data_changed()
    assert scheduler.check() == []
    assert scheduler.watch_clock() is False
    scheduler.start()
    assert scheduler.running
    scheduler.stop()
    assert not scheduler.running and scheduler.timer_interval_ms() is None


def test_done_and_snooze_commit_at_once_and_rearm(qtbot, scheduler, clock):
    a = custom.add_custom("Call Ana", START - timedelta(minutes=5), now=START)
    b = custom.add_custom("Update CV", START - timedelta(minutes=4), now=START)
    c = custom.add_custom("Read about Orbit", START - timedelta(minutes=3), now=START)
    scheduler.start()
    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        assert scheduler.done([a]) == 1
    assert Reminder.get_by_id(a).state == "done"
    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        scheduler.snooze_for([b], "Tomorrow morning")
    row = Reminder.get_by_id(b)
    assert (row.state, row.snoozed_until) == ("snoozed", datetime(2024, 5, 15, 7, tzinfo=UTC))
    assert scheduler.next_due == datetime(2024, 5, 15, 7, tzinfo=UTC)
    assert scheduler.snooze_all_for_an_hour() == 1
    assert Reminder.get_by_id(c).snoozed_until == START + timedelta(hours=1)
    assert scheduler.next_due == START + timedelta(hours=1)
    assert scheduler.timer_interval_ms() == 3600 * 1000
    assert scheduler.outstanding() == []


def test_the_default_clock_and_zone_are_the_apps(qtbot, store):
    app_clock.pin(START.replace(microsecond=123456), "America/Chicago")
    sched = ReminderScheduler()
    assert sched.now() == START
    assert sched.zone() == ZoneInfo("America/Chicago")


_LOCK_HOLDER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE setting SET value = value")
print("held", flush=True)
sys.stdin.read()
con.execute("COMMIT")
"""


def test_a_write_lock_held_by_another_program_delays_reminders_without_losing_them(
        qtbot, store, clock, caplog):
    """Another program holds a write lock when reminders start: nothing is raised, nothing is
    marked shown; the scheduler tries again and then delivers what came due."""
    import subprocess
    import sys

    from models.base import database_proxy
    from tests.conftest import subprocess_env

    app_clock.pin(clock.now)
    rid = custom.add_custom("Call Ana", START - timedelta(hours=2), now=START)
    database_proxy.execute_sql("PRAGMA busy_timeout = 100")  # the lock is refused quickly
    holder = subprocess.Popen([sys.executable, "-c", _LOCK_HOLDER, str(store.paths.database)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=subprocess_env())
    sched = ReminderScheduler(monotonic=clock.monotonic, zone=BERLIN)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert sched.start() == []
        assert sched.timer_interval_ms() == reminder_scheduler.RETRY_MS
        assert "reminders could not be updated (busy)" in caplog.text
        assert Reminder.get_by_id(rid).state == "pending"
        holder.communicate("", timeout=20)
        with qtbot.waitSignal(sched.fired, timeout=1000) as fired:
            sched.check()
        assert [item.id for item in fired.args[0]] == [rid]
        assert Reminder.get_by_id(rid).state == "shown"
    finally:
        sched.stop()
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_the_start_in_the_background_recomputes_off_the_ui_thread(qtbot, scheduler,
                                                                  monkeypatch):
    early = custom.add_custom("Call Ana", START - timedelta(hours=2), now=START)
    threads = []
    real_sync = reminder_sync.sync

    def recorded(*args):
        threads.append(threading.current_thread())
        return real_sync(*args)

    monkeypatch.setattr(delivery, "sync", recorded)
    answers = []
    scheduler.start_in_background(lambda missed, outstanding: answers.append(
        ([m.id for m in missed], [o.id for o in outstanding])))
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers == [([early], [early])]
    assert threads and threads[0] is not threading.main_thread()
    assert Reminder.get_by_id(early).state == "shown"
    assert scheduler.timer_interval_ms() == MAX_WAIT_MS


def test_a_check_asked_for_while_one_runs_follows_it_once(qtbot, scheduler, monkeypatch):
    scheduler.start()
    release, calls = threading.Event(), []
    real_sync = reminder_sync.sync

    def slow(*args):
        calls.append(1)
        release.wait(10)  # a correctness bound: the test releases it at once
        return real_sync(*args)

    monkeypatch.setattr(delivery, "sync", slow)
    scheduler.data_changed()
    qtbot.waitUntil(lambda: calls == [1], timeout=5000)
    custom.add_custom("Added meanwhile", START - timedelta(minutes=5), now=START)
    scheduler.data_changed()
    scheduler.data_changed()
    qtbot.wait(50)
    assert calls == [1]  # the second waits for the first
    with qtbot.waitSignal(scheduler.fired, timeout=5000) as fired:
        release.set()
    qtbot.waitUntil(lambda: not scheduler._checking, timeout=5000)
    assert len(calls) == 2
    assert [item.text for item in fired.args[0]] == ["Added meanwhile"]


def test_a_reminder_coming_due_is_delivered_without_recomputing_them_all(qtbot, store):
    """Recomputing the derived reminders takes a third of a second of CPU with 10,000
    applications; a reminder that simply came due needs none of it. After a save, or at
    the hourly cap, they are recomputed."""
    base = START + timedelta(seconds=1)
    t0 = time.monotonic()
    app_clock.pin(lambda: base + timedelta(seconds=time.monotonic() - t0))
    sched = ReminderScheduler(zone=BERLIN)
    rid = custom.add_custom("Send the portfolio", base + timedelta(seconds=1), now=base)
    syncs = []
    real_sync = reminder_sync.sync
    try:
        sched.start()
        delivery.sync = lambda *a: syncs.append(1) or real_sync(*a)
        with qtbot.waitSignal(sched.fired, timeout=5000) as fired:
            pass
        assert [item.id for item in fired.args[0]] == [rid]
        assert syncs == []
        sched.data_changed()
        qtbot.waitUntil(lambda: syncs == [1], timeout=5000)
    finally:
        delivery.sync = real_sync
        sched.stop()
