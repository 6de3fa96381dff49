"""What one reminders' pass found: :class:`PassAnswer`, and its JSON form.

A pass (:func:`services.reminders.delivery.run_pass`) brings the derived reminders up to
date, takes those due now (marking them shown), and reads what the panel lists and when the
next one comes. The window runs it in a child process
(:mod:`services.reminders.pass_process`), which prints the answer as one JSON object
(:func:`answer_as_json`; ``reminders check --json`` on the command line) that the window reads
back (:func:`answer_from_json`). This module loads no ORM.
"""

from __future__ import annotations

import json
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
    taken: list[ReminderItem] = field(default_factory=list)
    outstanding: list[ReminderItem] = field(default_factory=list)
    next_due: datetime | None = None


def answer_as_json(answer: PassAnswer) -> str:
    """``answer`` as one line of JSON."""
    return json.dumps({
        "summary": answer.summary,
        "changed": answer.changed,
        "taken": [item_as_json(item) for item in answer.taken],
        "outstanding": [item_as_json(item) for item in answer.outstanding],
        "next_due": None if answer.next_due is None else answer.next_due.isoformat(),
    }, ensure_ascii=False)


def answer_from_json(text: str) -> PassAnswer:
    """The answer :func:`answer_as_json` wrote. Raises ``ValueError`` (``json`` errors
    among them) when ``text`` is not one."""
    try:
        data: dict[str, Any] = json.loads(text)
        return PassAnswer(
            str(data["summary"]), bool(data["changed"]),
            [item_from_json(item) for item in data["taken"]],
            [item_from_json(item) for item in data["outstanding"]],
            instant_from_text(data["next_due"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a reminders' pass answer: {exc!r}") from exc
