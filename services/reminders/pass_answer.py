"""What one reminders' pass found: :class:`PassAnswer`, and its JSON form.

A pass (:func:`services.reminders.delivery.run_pass`) brings the derived reminders up to
date, takes those due now (marking them shown), and reads what the panel lists and when the
next one comes. The window runs it in a child process
(:mod:`services.reminders.pass_process`), which prints the answer as one JSON object
(:func:`answer_as_json`; ``reminders check --json`` on the command line) that the window reads
back (:func:`answer_from_json`). For the window, the reminders travel as their ids
(``--ids``): it reads them when it shows them
(:class:`services.reminders.listing.ReminderRows`). This module loads no ORM.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.core.instants import instant_from_text
from services.reminders.items import ReminderItem, item_as_json, item_from_json

__all__ = ["PassAnswer", "answer_as_json", "answer_from_json"]


@dataclass(frozen=True)
class PassAnswer:
    """One pass: ``summary`` (what the recomputing changed, in words for the log),
    ``changed`` (it wrote a row), ``taken`` (the reminders that came due and were marked shown
    by this pass), ``outstanding`` (what the panel lists now) and ``next_due`` (the earliest
    pending or snoozed instant; None when nothing waits)."""

    summary: str = ""
    changed: bool = False
    taken: Sequence[ReminderItem] = field(default_factory=list)
    outstanding: Sequence[ReminderItem] = field(default_factory=list)
    next_due: datetime | None = None


def answer_as_json(answer: PassAnswer, ids_only: bool = False) -> str:
    """``answer`` as one line of JSON (with ``ids_only``, each reminder as its id)."""
    def listed(items: Sequence[ReminderItem]) -> list:
        return [item.id if ids_only else item_as_json(item) for item in items]

    return json.dumps({
        "summary": answer.summary,
        "changed": answer.changed,
        "taken": listed(answer.taken),
        "outstanding": listed(answer.outstanding),
        "next_due": None if answer.next_due is None else answer.next_due.isoformat(),
    }, ensure_ascii=False)


def answer_from_json(text: str, listing: Callable[[list[int]], Sequence[ReminderItem]]
                     ) -> PassAnswer:
    """The answer :func:`answer_as_json` wrote; reminders given as ids become
    ``listing(ids)``. Raises ``ValueError`` (``json`` errors among them) when ``text`` is not
    one."""
    try:
        data: dict[str, Any] = json.loads(text)
        return PassAnswer(
            str(data["summary"]), bool(data["changed"]),
            _reminders(data["taken"], listing), _reminders(data["outstanding"], listing),
            instant_from_text(data["next_due"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a reminders' pass answer: {exc!r}") from exc


def _reminders(entries: list, listing: Callable[[list[int]], Sequence[ReminderItem]]
               ) -> Sequence[ReminderItem]:
    if all(isinstance(entry, int) for entry in entries):
        return listing(entries)
    return [item_from_json(entry) for entry in entries]
