"""One reminder as the tray, the panel and the notifications show it: :class:`ReminderItem`
(:class:`OpenTarget`: where its "Open" leads), and its JSON form.

The engine (:mod:`services.reminders.queries`) reads items from the database; the window's
process receives them from the reminders' pass in a child process
(:mod:`services.reminders.pass_process`) as JSON (:func:`item_as_json`,
:func:`item_from_json`). This module loads no ORM: the window holds items without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from models import clock
from services.core.instants import instant_from_text
from services.reminders.rules import ReminderKind, interview_title, key_round_uid
from services.reminders.table import SNOOZED, chunks, marks

__all__ = ["ITEM_COLUMNS", "OpenTarget", "ReminderItem", "due_instant_of", "item_as_json",
           "item_from_json", "items_from_rows"]

#: The ``reminder`` table's columns :func:`items_from_rows` reads, in its order.
ITEM_COLUMNS = ("id, key, kind, text, due_at, state, application_id, custom, snoozed_until, "
                "shown_at")


class OpenTarget(NamedTuple):
    """What "Open" shows for a reminder.

    ``what`` is ``"composer"`` (the notes of ``round_id`` with ``template_key``),
    ``"editor"`` (the application ``application_id``), ``"new_application"``
    (an empty editor) or ``"window"`` (just the main window).
    """

    what: str
    application_id: int | None = None
    round_id: int | None = None
    template_key: str = ""


@dataclass(frozen=True)
class ReminderItem:
    """One reminder as the tray, the panel and the notifications show it."""

    id: int
    key: str
    kind: ReminderKind
    text: str
    due_at: datetime
    state: str
    application_id: int | None
    round_id: int | None
    custom: bool
    snoozed_until: datetime | None = None
    shown_at: datetime | None = None

    @property
    def title(self) -> str:
        """The kind in words ("Send a thank-you note", "Offer deadline", …); for the
        evening-before reminder of an interview, "Interview today" or "Interview tomorrow" as
        seen from now (:func:`models.clock.now`, in the user's zone)."""
        if self.kind == ReminderKind.INTERVIEW_TOMORROW:
            return interview_title(self.key, clock.now(), clock.user_zone()) or self.kind.label
        return self.kind.label

    @property
    def due_instant(self) -> datetime:
        """When it is (or was) due: the end of its snooze, or its due instant."""
        return due_instant_of(self.state, self.due_at, self.snoozed_until)

    @property
    def open_target(self) -> OpenTarget:
        """Where "Open" leads: the composer for notes, the application otherwise."""
        templates = {
            ReminderKind.THANK_YOU: "thank_you",
            ReminderKind.RECRUITER_UPDATE: "agency_update",
            ReminderKind.FOLLOW_UP: "follow_up",
        }
        template = templates.get(self.kind)
        if template and self.application_id is not None and self.round_id is not None:
            return OpenTarget("composer", self.application_id, self.round_id, template)
        if self.application_id is not None:
            return OpenTarget("editor", self.application_id)
        if self.kind == ReminderKind.SEARCH_STALLED:
            return OpenTarget("new_application")
        return OpenTarget("window")


def due_instant_of(state: str, due_at: datetime, snoozed_until: datetime | None) -> datetime:
    """When a reminder in ``state`` is (or was) due: the end of its snooze, or ``due_at``
    (the order the panel lists them in)."""
    if state == SNOOZED and snoozed_until is not None:
        return snoozed_until
    return due_at


def items_from_rows(rows: Sequence[tuple], execute: Callable[[str, Sequence], Any]
                    ) -> list[ReminderItem]:
    """The items of ``rows`` (:data:`ITEM_COLUMNS`), earliest due first; ``execute(sql,
    params)`` runs a query on the same database (the ORM's or a plain connection's), for
    the ids of the interview rounds the derived keys name."""
    uids = sorted({uid for row in rows if (uid := key_round_uid(row[1]))})
    round_ids: dict[str, int] = {}
    for chunk in chunks(uids):
        round_ids.update(execute(
            f"SELECT uid, id FROM interview_round WHERE uid IN ({marks(chunk)})", chunk))
    items = []
    for (row_id, key, kind, text, due_at, state, app_id, custom, snoozed_until,
         shown_at) in rows:
        try:
            kind_value = ReminderKind(kind)
        except ValueError:
            kind_value = ReminderKind.CUSTOM
        items.append(ReminderItem(
            row_id, key, kind_value, text or "", instant_from_text(due_at), state, app_id,
            round_ids.get(key_round_uid(key) or ""), bool(custom), instant_from_text(snoozed_until),
            instant_from_text(shown_at),
        ))
    items.sort(key=lambda item: (item.due_instant, item.id))
    return items


def item_as_json(item: ReminderItem) -> dict[str, Any]:
    """``item`` as a JSON object (instants in ISO 8601, with their offset)."""
    return {
        "id": item.id, "key": item.key, "kind": item.kind.value, "text": item.text,
        "due_at": _text(item.due_at), "state": item.state,
        "application_id": item.application_id, "round_id": item.round_id,
        "custom": item.custom,
        "snoozed_until": _text(item.snoozed_until),
        "shown_at": _text(item.shown_at),
    }


def item_from_json(data: dict[str, Any]) -> ReminderItem:
    """The item :func:`item_as_json` wrote (a kind this copy does not know reads as custom).
    Raises ``KeyError``, ``TypeError`` or ``ValueError`` for anything else."""
    try:
        kind = ReminderKind(data["kind"])
    except ValueError:
        kind = ReminderKind.CUSTOM
    return ReminderItem(
        int(data["id"]), str(data["key"]), kind, str(data["text"]),
        instant_from_text(data["due_at"]), str(data["state"]),
        _id_or_none(data["application_id"]), _id_or_none(data["round_id"]),
        bool(data["custom"]), instant_from_text(data["snoozed_until"]),
        instant_from_text(data["shown_at"]),
    )


def _text(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def _id_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
