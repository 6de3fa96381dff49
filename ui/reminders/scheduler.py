"""The Qt side of reminders: one timer for the next due instant, and a watch on the clock.

:class:`ReminderScheduler` never counts down to a reminder; it asks the engine
(:func:`services.reminders.queries.next_due_instant`) for the next due instant on the wall
clock and arms ONE single-shot timer for it, capped at :data:`MAX_WAIT_MS`
(an hour) so the derived reminders are recomputed at least that often. It
is re-armed after every change (:meth:`ReminderScheduler.data_changed`, which
the window calls after a save, and every Done or Snooze).

Sleep, resume and clock changes: Qt's timers run on the monotonic clock,
which stands still while the machine sleeps, and the wall clock may be set
or the time zone changed. A cheap watch runs every :data:`WATCH_INTERVAL_MS`
(a minute): it compares how far the wall clock moved with how far the
monotonic clock moved, and looks at the time zone. On a jump (more than
:data:`JUMP_TOLERANCE_S`), a zone change, or when the next due instant has
passed, it checks at once. A jump forward delivers what became due; a jump
back delivers nothing again, because every reminder's state is stored. The
watch itself reads no database: idle, the app does nothing but compare two
clocks once a minute. It also runs when the application becomes active
again (``QGuiApplication.applicationStateChanged``), which is often the first
thing that happens after a resume.

Every check the timers start runs as one pass (``run_pass``): in the app, a child process
(:class:`services.reminders.pass_process.ProcessPass`: the window's process then holds
neither the ORM nor the reminders' engine at rest); by default, a worker thread of this
process (:func:`services.reminders.delivery.run_pass_on_worker`). The pass answers with
what came due, what to list and the next due instant (:class:`PassAnswer`). :meth:`start`
and :meth:`check` run the engine in this process, on the calling thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication

from models import clock
from services.core.write_problems import write_problem
from services.reminders.pass_answer import PassAnswer
from ui.reminders.actions import ReminderActions
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

#: How soon reminders are checked again after the data refused a write (ms).
RETRY_MS = 10_000
#: The longest the timer waits before checking again, whatever is due (ms).
MAX_WAIT_MS = 60 * 60 * 1000
#: How often the clock watch runs (ms).
WATCH_INTERVAL_MS = 60 * 1000
#: A difference between the wall clock and the monotonic clock larger than this is a jump (s).
JUMP_TOLERANCE_S = 30.0


class ReminderScheduler(ReminderActions, QObject):
    """Delivers reminders when they come due; the one place the UI changes their state.

    "Now" and the user's zone come from :mod:`models.clock` (tests pin them);
    ``monotonic`` (seconds) and ``zone`` (a :class:`ZoneInfo`, or a callable
    returning one; default: the user's) can be injected too, so that tests can
    move the wall clock and the monotonic clock apart. ``run_pass(now, zone, resync)`` runs
    one pass on a worker thread (see the module); ``open_store()`` opens the data through
    the ORM before the engine runs in this process (the window's ``ensure_store``);
    ``listing(ids)`` makes the list it reads itself after the user's changes (the pass's
    :class:`services.reminders.listing.ReminderRows`; default: a list of items).

    Signals: :attr:`fired` carries the reminders that just came due (already
    marked shown: a crash after that never repeats them, and they stay listed
    until done or snoozed); :attr:`changed` says the list of outstanding
    reminders may have changed.
    """

    fired = Signal(list)
    changed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        zone: ZoneInfo | Callable[[], ZoneInfo] | None = None,
        run_pass: Callable[[datetime, ZoneInfo, bool], PassAnswer] | None = None,
        open_store: Callable[[], object] | None = None,
        listing: Callable[[list[int]], Sequence] | None = None,
    ) -> None:
        super().__init__(parent)
        self._run_pass = run_pass or _pass_on_worker
        self._open_store = open_store
        self._listing = listing
        #: What the last pass listed (None: read it); :attr:`_actions` counts the user's
        #: changes, so that a pass that ran across one does not list what it changed.
        self._listed: list | None = None
        self._actions = 0
        self._monotonic = monotonic
        if zone is None:
            self._zone: Callable[[], ZoneInfo] = clock.user_zone
        elif callable(zone) and not isinstance(zone, ZoneInfo):
            self._zone = zone
        else:
            self._zone = lambda: zone
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._watch.timeout.connect(self.watch_clock)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.check_in_background)
        #: The data changed since the last recomputing (a due reminder alone needs none).
        self._stale = True
        self._next_due: datetime | None = None
        self._last_wall: datetime | None = None
        self._last_mono = 0.0
        self._zone_key = ""
        self._running = False
        self._state_connected = False
        self._checking = self._check_again = self._again_recompute = False

    # -- time -----------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The current instant (:func:`models.clock.now`), to the second."""
        return clock.now().replace(microsecond=0)

    def zone(self) -> ZoneInfo:
        """The user's time zone for local-time rules (18:00 the day before, 09:00 …)."""
        return self._zone()

    @property
    def next_due(self) -> datetime | None:
        """The instant the timer is armed for (None: nothing waits; checks hourly anyway)."""
        return self._next_due

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._running

    def timer_interval_ms(self) -> int | None:
        """How long the armed timer waits in all (None when not armed); for tests."""
        return self._timer.interval() if self._timer.isActive() else None

    # -- life -----------------------------------------------------------------------------------
    def start(self) -> list:
        """Recompute, take the reminders that came due while the app was closed, and arm.

        Returns those missed reminders (already marked shown): the caller shows
        them once, as a list. :meth:`start_in_background` does the same off the UI thread.
        """
        now, zone = self._begin()
        answer = self._pass_here(now, zone)
        if answer is None:
            return []
        self._keep_listed(answer, self._actions)
        self._started(now, answer)
        return list(answer.taken)

    def start_in_background(self, on_started: Callable[[list, list | None], None]) -> None:
        """As :meth:`start`, with the pass run by ``run_pass`` (a child process in the app, a
        third of a second with 10,000 applications: the window must not wait for it); then,
        on the UI thread, ``on_started(missed, outstanding)`` (the reminders to list, read
        by the pass too; None when the start failed)."""
        now, zone = self._begin()
        self._checking = True  # a check asked for meanwhile follows the start
        actions = self._actions

        def done(answer: PassAnswer) -> None:
            self._keep_listed(answer, actions)
            self._started(now, answer)
            self._checked_once()
            on_started(answer.taken, answer.outstanding)

        def failed(exc: BaseException) -> None:
            if not self._wait_when_refused(exc):
                log.error("reminders could not start", exc_info=exc)
            self._checked_once()
            on_started([], None)

        run_in_background(lambda: self._run_pass(now, zone, True), done, failed)

    def _begin(self) -> tuple[datetime, ZoneInfo]:
        """Start the clock watch; the instant and zone the start computes for."""
        self._stale = False
        now = self.now()
        zone = self.zone()
        self._running = True
        self._remember_clock(zone)
        self._watch.start()
        app = QGuiApplication.instance()
        if app is not None and not self._state_connected:
            app.applicationStateChanged.connect(self._on_application_state)
            self._state_connected = True
        return now, zone

    def _started(self, now: datetime, answer: PassAnswer) -> None:
        log.info("reminders started: %s; %d came due while the app was closed",
                 answer.summary, len(answer.taken))
        if self._running:
            self._arm(now, answer.next_due)

    def stop(self) -> None:
        """Stop every timer."""
        self._running = False
        self._timer.stop()
        self._watch.stop()
        self._soon.stop()
        app = QGuiApplication.instance()
        if app is not None and self._state_connected:
            app.applicationStateChanged.disconnect(self._on_application_state)
        self._state_connected = False

    # -- checking -------------------------------------------------------------------------------
    @Slot()
    def data_changed(self) -> None:
        """The data changed (an application saved, an email sent): recompute soon.

        Several calls in a row are folded into one check.
        """
        if self._running:
            self._stale = True
            self._soon.start()

    @Slot()
    def _on_timer(self) -> None:
        """The timer fired: for a reminder that came due, only deliver it (nothing changed
        that the derived reminders depend on; recomputing them takes a third of a second of
        CPU with 10,000 applications); at the hourly cap, recompute as well."""
        due_now = self._next_due is not None and self.now() >= self._next_due
        self.check_in_background(recompute=self._stale or not due_now)

    @Slot()
    def check(self) -> list:
        """Recompute, deliver what is due now, re-arm; return what was delivered.
        (:meth:`check_in_background` does the same off the UI thread.)"""
        if not self._running:
            return []
        self._soon.stop()
        self._stale = False
        now, zone = self.now(), self.zone()
        answer = self._pass_here(now, zone)
        if answer is None:
            return []
        self._keep_listed(answer, self._actions)
        self._checked(now, zone, answer)
        return list(answer.taken)

    def _pass_here(self, now: datetime, zone: ZoneInfo) -> PassAnswer | None:
        """One pass in this process, on the calling thread (:meth:`start`, :meth:`check`);
        None when the data refused the write (see :meth:`_wait_when_refused`)."""
        # The engine, in this process: only these synchronous calls (the tests').
        from services.reminders.delivery import run_pass

        self._reach_store()
        try:
            return run_pass(now, zone)
        except Exception as exc:
            if not self._wait_when_refused(exc):
                raise
            return None

    def check_in_background(self, recompute: bool = True) -> None:
        """:meth:`check` with the recomputing on a worker thread: what the timers run (after
        every save, and when a reminder comes due; then ``recompute`` is False and only what
        is due is delivered). A check asked for while one runs follows it."""
        if not self._running:
            return
        if self._checking:
            self._check_again = True
            self._again_recompute = self._again_recompute or recompute
            return
        self._soon.stop()
        self._checking, self._check_again, self._again_recompute = True, False, False
        now, zone = self.now(), self.zone()
        if recompute:
            self._stale = False
        actions = self._actions

        def done(answer: PassAnswer) -> None:
            if self._running:
                self._keep_listed(answer, actions)
                self._checked(now, zone, answer)
            self._checked_once()

        def failed(exc: BaseException) -> None:
            if self._running and not self._wait_when_refused(exc):
                log.error("reminders could not be checked", exc_info=exc)
            self._checked_once()

        run_in_background(lambda: self._run_pass(now, zone, recompute), done, failed)

    def _checked_once(self) -> None:
        """A background recomputing ended: run the check asked for meanwhile, if any."""
        self._checking = False
        if self._check_again:
            self.check_in_background(self._again_recompute)

    def _checked(self, now: datetime, zone: ZoneInfo, answer: PassAnswer) -> None:
        """Re-arm and tell what a check found."""
        items = answer.taken
        if items:
            log.info("reminders shown: %s", ", ".join(str(item.id) for item in items))
        self._remember_clock(zone)
        self._arm(now, answer.next_due)
        if items:
            self.fired.emit(list(items))
        if items or answer.changed:
            self.changed.emit()

    def _keep_listed(self, answer: PassAnswer, actions: int) -> None:
        """Keep what ``answer`` lists, unless the user changed a reminder while its pass ran
        (``actions``: :attr:`_actions` when it started)."""
        self._listed = answer.outstanding if actions == self._actions else None

    def _wait_when_refused(self, exc: BaseException) -> bool:
        """When the data refused the write (another program holds a lock, a full or
        read-only disk), check again in :data:`RETRY_MS` and return True; nothing was
        shown, so nothing is lost. Any other error is the caller's to raise."""

        problem = write_problem(exc)
        if problem.kind == "other":
            return False
        log.warning("reminders could not be updated (%s); trying again in %d s",
                    problem.kind, RETRY_MS // 1000)
        self._next_due = None
        self._timer.start(RETRY_MS)
        return True

    @Slot()
    def watch_clock(self) -> bool:
        """The once-a-minute watch: check at once after a clock jump, a time-zone change, or
        when the next due instant has passed. Returns True when it checked."""
        if not self._running:
            return False
        wall = clock.now()
        mono = self._monotonic()
        zone = self.zone()
        reason = ""
        if self._last_wall is not None:
            expected = self._last_wall + timedelta(seconds=mono - self._last_mono)
            drift = (wall - expected).total_seconds()
            if abs(drift) > JUMP_TOLERANCE_S:
                reason = f"the clock jumped by {drift:+.0f} s"
        if not reason and zone.key != self._zone_key:
            reason = f"the time zone changed from {self._zone_key} to {zone.key}"
        if not reason and self._next_due is not None and wall >= self._next_due:
            reason = "a reminder is due"
        self._last_wall, self._last_mono = wall, mono
        if not reason:
            return False
        log.info("checking reminders: %s", reason)
        self._zone_key = zone.key  # a zone change is acted on once, not at each watch until then
        self.check_in_background()
        return True

    def _on_application_state(self, state) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.watch_clock()

    def _remember_clock(self, zone: ZoneInfo) -> None:
        self._last_wall = clock.now()
        self._last_mono = self._monotonic()
        self._zone_key = zone.key

    def _arm(self, now: datetime, next_due: datetime | None) -> None:
        """Arm the timer for ``next_due`` (None: nothing waits), at most an hour away."""
        self._next_due = next_due
        if self._next_due is None:
            wait_ms = MAX_WAIT_MS
        else:
            wait_ms = int(max(0.0, (self._next_due - now).total_seconds()) * 1000)
            wait_ms = min(wait_ms, MAX_WAIT_MS)
        self._timer.start(wait_ms)


def _pass_on_worker(now: datetime, zone: ZoneInfo, resync: bool) -> PassAnswer:
    """The default pass: :func:`services.reminders.delivery.run_pass_on_worker`, on the
    worker thread it is called on, in this process."""
    # The engine, in this process: a scheduler without a pass of its own (the tests').
    from services.reminders.delivery import run_pass_on_worker

    return run_pass_on_worker(now, zone, resync)

