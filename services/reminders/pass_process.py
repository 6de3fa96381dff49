"""The window's reminders' passes, each in a process of its own.

A pass recomputes the derived reminders from every application (a third of a second of
CPU with 10,000 applications), takes what is due and reads what to list. Run in the
window's process it needed the ORM and the reminders' engine loaded for the app's whole
life, and it left the memory it allocated scattered over the interpreter's arenas: 14 MB
held at rest with 10,000 applications for work done once an hour or after a save. So the
window's scheduler (:mod:`ui.reminders.scheduler`) runs each pass as the command line's
``reminders check --json`` (:mod:`services.reminders.commands`) in a child process
(:class:`ProcessPass`), with its own "now" and zone. The child opens the same data folder
(SQLite allows the two writers, one transaction at a time), runs the pass, prints the
answer (:mod:`services.reminders.pass_answer`) and exits; its memory goes with it. The
reminders come back as ids, read when shown
(:class:`~services.reminders.listing.ReminderRows`).

A refused write (the data busy, read-only, the disk full) comes back as the
:class:`~services.core.write_problems.WriteProblem` the child named, so the scheduler tries
again as it always did; anything else (a crash, a timeout, an answer it cannot read) is a
:class:`ReminderPassError`, with the child's output in the log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from services.core.child_process import ChildRunner, ChildStopped, ChildTimedOut, app_command
from services.core.paths import DataPaths
from services.core.write_problems import WriteProblem
from services.reminders.listing import ReminderRows
from services.reminders.pass_answer import PassAnswer, answer_from_json

__all__ = ["PASS_TIMEOUT_S", "ProcessPass", "ReminderPassError", "pass_command"]

log = logging.getLogger(__name__)

#: The longest one pass may take (a pass over 10,000 applications takes about half a second).
PASS_TIMEOUT_S = 5 * 60


class ReminderPassError(RuntimeError):
    """A pass did not run to its end for a reason other than a refused write."""


def pass_command(data_dir: Path, now: datetime, zone: ZoneInfo, resync: bool = True,
                 head: Sequence[str] | None = None) -> list[str]:
    """``reminders check --json --ids`` on ``data_dir`` at ``now`` in ``zone``, as this copy
    of the app runs it (:func:`services.core.child_process.app_command`; ``head`` instead of
    the app, for the tests)."""
    arguments = ["--data-dir", str(data_dir), "reminders", "check", "--json", "--ids",
                 "--now", now.isoformat(), "--zone", zone.key]
    command = app_command(*arguments) if head is None else [*head, *arguments]
    return command if resync else [*command, "--no-sync"]


class ProcessPass:
    """Runs one reminders' pass per call in a child process; see the module.

    Called from a worker thread as ``run_pass(now, zone, resync)``, like
    :func:`services.reminders.delivery.run_pass_on_worker`. :meth:`cancel` ends a running
    pass at once, from any thread, and refuses the ones after it (the app is closing).
    """

    def __init__(self, data_dir: Path, *, env: Mapping[str, str] | None = None,
                 timeout_s: float = PASS_TIMEOUT_S, head: Sequence[str] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self._head = head
        #: What runs the child (:class:`services.core.child_process.ChildRunner`).
        self.runner = ChildRunner(env=env, timeout_s=timeout_s)

    def __call__(self, now: datetime, zone: ZoneInfo, resync: bool = True) -> PassAnswer:
        """Run one pass; its answer. Raises :class:`WriteProblem` when the child's write was
        refused, :class:`ReminderPassError` when the pass did not end otherwise."""
        command = pass_command(self.data_dir, now, zone, resync, self._head)
        try:
            code, out, err = self.runner.run(command)
        except ChildStopped:
            raise ReminderPassError("the reminders' pass was stopped") from None
        except ChildTimedOut:
            raise ReminderPassError(f"the reminders' pass took longer than "
                                    f"{self.runner.timeout_s:.0f} s") from None
        return self._answer(code, out, err)

    def _answer(self, code: int, out: str, err: str) -> PassAnswer:
        """What the child's exit code and output say (see the module)."""
        if code == 0:
            log.info("reminders' pass: %s", err.strip())
            try:
                return answer_from_json(out, self.listing)
            except ValueError as exc:
                log.error("the reminders' pass answered what cannot be read: %r", out[:2000])
                raise ReminderPassError("the reminders' pass gave no answer") from exc
        problem = _problem(out) if code == 1 else None
        if problem is not None:
            raise WriteProblem(problem.get("message", ""), problem.get("kind", "other"))
        log.error("the reminders' pass stopped (exit code %s): %s", code, err[-4000:])
        raise ReminderPassError(f"the reminders' pass stopped unexpectedly (exit code {code})")

    def listing(self, ids: list[int]) -> ReminderRows:
        """The reminders ``ids`` of this data folder, read when shown."""
        return ReminderRows(DataPaths(self.data_dir), ids)

    def cancel(self) -> None:
        """End a running pass (the child is killed; nothing it did not commit is kept) and
        refuse further passes."""
        self.runner.cancel()


def _problem(out: str) -> dict | None:
    """The ``{"problem": kind, "message": sentence}`` a failed child printed, as
    ``{"kind", "message"}``; None when it printed none."""
    try:
        data = json.loads(out)
    except ValueError:
        return None
    if not isinstance(data, dict) or "problem" not in data:
        return None
    return {"kind": str(data["problem"]), "message": str(data.get("message", ""))}
