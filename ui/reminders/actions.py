"""What the user does to reminders, through the scheduler: :class:`ReminderActions`.

The panel, the tray menu and the notifications list the outstanding reminders and mark them
done or snoozed through :class:`ui.reminders.scheduler.ReminderScheduler`, which takes these
methods from :class:`ReminderActions`. The list comes from the scheduler's last pass (run in a
child process: the window's process holds no ORM at rest); a change the user makes runs in
this process, opening the data through the ORM when first needed (the scheduler's
``open_store``), and the list is then read from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services.reminders.snooze_times import snooze_presets

__all__ = ["ReminderActions"]


class ReminderActions:
    """The user's side of :class:`ui.reminders.scheduler.ReminderScheduler` (see the
    module). The scheduler provides ``now()``, ``zone()``, ``changed``, ``_arm(now)``,
    ``_running``, ``_open_store``, ``_listed`` (what its last pass listed, or None) and
    ``_actions`` (how many changes the user made)."""

    def outstanding(self) -> list:
        """The reminders to list (due, or shown and not yet done or snoozed): what the last
        pass listed, or, after the user changed one, read now."""
        if self._listed is not None:
            return list(self._listed)
        # The engine, in this process: only after the user's actions (or without a pass).
        from services.reminders.queries import outstanding

        self._reach_store()
        return outstanding(self.now())

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
        return self.snooze_for([item.id for item in self.outstanding()], "1 hour")

    def _after_action(self) -> None:
        self._actions += 1
        self._listed = None
        if self._running:
            self._arm(self.now())
        self.changed.emit()

    def _reach_store(self) -> None:
        """Open the data through the ORM if it is not yet (``open_store``): the engine runs
        in this process."""
        if self._open_store is not None:
            self._open_store()
