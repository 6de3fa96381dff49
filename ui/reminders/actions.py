"""What the user does to reminders, through the scheduler: :class:`ReminderActions`.

The panel, the tray menu and the notifications list the outstanding reminders and mark them
done or snoozed through :class:`ui.reminders.scheduler.ReminderScheduler`, which takes these
methods from :class:`ReminderActions`. The list comes from the scheduler's last pass (run in a
child process: the window's process holds no ORM at rest); a change the user makes runs in
this process, opening the data through the ORM when first needed (the scheduler's
``open_store``), and the list is then read from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from services.reminders.listing import ids_of
from services.reminders.snooze_times import snooze_presets

__all__ = ["ReminderActions"]


class ReminderActions:
    """The user's side of :class:`ui.reminders.scheduler.ReminderScheduler` (see the
    module). The scheduler provides ``now()``, ``zone()``, ``changed``, ``_arm(now, next_due)``,
    ``_running``, ``_open_store``, ``_listing`` (ids to a list read when shown, or None),
    ``_listed`` (what its last pass listed, or None) and ``_actions`` (how many changes the
    user made)."""

    def outstanding(self) -> Sequence:
        """The reminders to list (due, or shown and not yet done or snoozed): what the last
        pass listed, or, after the user changed one, read now (as ids whose items are read
        when shown, with the scheduler's ``listing``)."""
        if self._listed is not None:
            return self._listed
        # The engine, in this process: only after the user's actions (or without a pass).
        from services.reminders import queries

        self._reach_store()
        if self._listing is not None:
            self._listed = self._listing(queries.outstanding_ids(self.now()))
            return self._listed
        return queries.outstanding(self.now())

    def snooze_presets(self) -> dict[str, datetime]:
        """The snooze choices for now ("1 hour", "Tomorrow morning", …)."""
        return snooze_presets(self.now(), self.zone())

    def done(self, ids: Iterable[int]) -> int:
        """Mark reminders done; committed at once."""
        # The engine, in this process: only for the user's actions.
        from services.reminders import states

        self._reach_store()
        changed = states.done(list(ids), self.now())
        self._after_action()
        return changed

    def snooze(self, ids: Iterable[int], until: datetime) -> int:
        """Snooze reminders until ``until``; committed at once."""
        # The engine, in this process: only for the user's actions.
        from services.reminders import states

        self._reach_store()
        changed = states.snooze(list(ids), until)
        self._after_action()
        return changed

    def snooze_for(self, ids: Iterable[int], preset: str) -> int:
        """Snooze reminders with one of :meth:`snooze_presets` ("1 hour", …)."""
        return self.snooze(ids, self.snooze_presets()[preset])

    def snooze_all_for_an_hour(self) -> int:
        """Snooze every outstanding reminder for an hour."""
        return self.snooze_for(ids_of(self.outstanding()), "1 hour")

    def _after_action(self) -> None:
        self._actions += 1
        self._listed = None
        if self._running:
            # The engine, in this process: after the user's actions (the ORM is loaded then).
            from services.reminders.queries import next_due_instant

            now = self.now()
            self._arm(now, next_due_instant(now))
        self.changed.emit()

    def _reach_store(self) -> None:
        """Open the data through the ORM if it is not yet (``open_store``): the engine runs
        in this process."""
        if self._open_store is not None:
            self._open_store()
