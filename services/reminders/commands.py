"""``reminders check`` on the command line: one reminders' pass, printed.

It brings the derived reminders up to date, takes the reminders that are due (marking them
shown, as a notification would) and prints them: one line each, or, with ``--json``, the
pass's answer as one JSON object (:mod:`services.reminders.pass_answer`): what came due, what
is outstanding, and when the next one comes. The window runs it in a child process for each
of its passes (:mod:`services.reminders.pass_process`), giving its own "now" and zone
(``--now``, ``--zone``; hidden from the help) so that a pinned clock holds in the child too,
and asking for the reminders as ids (``--ids``: it reads them when it shows them).

Exit code 0; or 1 with a sentence on standard error when the data cannot be opened or
written. With ``--json`` the failure is also one JSON object on standard output,
``{"problem": kind, "message": sentence}`` (``kind`` as
:class:`services.core.write_problems.WriteProblem` names it), for the window to act on.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from models import clock
from services.core.paths import DataPaths
from services.core.write_problems import write_problem
from services.reminders.pass_answer import PassAnswer, answer_as_json

__all__ = ["FAILED", "OK", "run_reminders_check"]

OK, FAILED = 0, 1


def run_reminders_check(paths: DataPaths, *, as_json: bool, now: datetime | None = None,
                        zone: ZoneInfo | None = None, resync: bool = True,
                        ids_only: bool = False, out: TextIO, err: TextIO) -> int:
    """``reminders check [--json]``: one pass at ``now`` in ``zone`` (default: the clock's);
    without ``resync`` only what is due is taken; ``ids_only``: the JSON names each reminder
    by its id (the window's pass). The exit code."""
    # The ORM and the reminders' engine: only this command loads them.
    from services.core.store import StoreProblem, open_store
    from services.reminders.delivery import run_pass

    clock.pin(now, zone)
    now, zone = clock.now().replace(microsecond=0), clock.user_zone()
    try:
        store = open_store(paths, check_integrity=False)
    except StoreProblem as problem:
        return _failed(problem.kind, problem.message, as_json, out, err)
    try:
        answer = run_pass(now, zone, resync)
    except Exception as exc:  # every failure becomes a sentence (and, for the window, a kind)
        problem = write_problem(exc)
        return _failed(problem.kind, problem.message, as_json, out, err)
    finally:
        store.close()
    if as_json:
        print(answer_as_json(answer, ids_only), file=out, flush=True)
    else:
        for item in answer.taken:
            print(f"{item.due_instant.astimezone(zone):%Y-%m-%d %H:%M}  {item.title}: "
                  f"{item.text}", file=out)
    print(_summary(answer, zone), file=err)
    return OK


def _failed(kind: str, message: str, as_json: bool, out: TextIO, err: TextIO) -> int:
    if as_json:
        print(json.dumps({"problem": kind, "message": message}, ensure_ascii=False), file=out)
    print(message, file=err)
    return FAILED


def _summary(answer: PassAnswer, zone: ZoneInfo) -> str:
    """One sentence: how many came due, how many are to act on, when the next one comes."""
    came = len(answer.taken)
    listed = len(answer.outstanding)
    words = [f"{came} reminder{'' if came == 1 else 's'} came due",
             f"{listed} to act on"]
    if answer.next_due is not None:
        words.append(f"the next comes due at "
                     f"{answer.next_due.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})")
    return "; ".join(words) + "."
