"""Before the user confirms sending: the notes as stored, each checked as the sender will.

The confirmation names what :func:`ready_to_send` read from the database (after
the composer saved what is on screen), so what the user confirms is what goes
out. Each note is built and verified with :func:`services.mail.message.prepare`,
the very check :mod:`services.mail.sender` makes before connecting: an address
ending in a dot, a name too long for one header line or a missing subject is
told now, as a sentence, rather than after "Send".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from models.email import Email
from services.mail.drafts import DraftInfo
from services.mail.headers import HeaderProblem
from services.mail.message import prepare

if TYPE_CHECKING:
    from services.mail.account import Account

__all__ = ["NotReady", "ready_to_send"]


class NotReady(NamedTuple):
    """A note that cannot be sent as it stands: who it is for, and why (a sentence)."""

    email_id: int
    name: str
    message: str


def ready_to_send(email_ids: Iterable[int],
                  account: Account) -> tuple[list[DraftInfo], list[NotReady]]:
    """The stored notes in the order asked, and the problems of those that cannot be sent."""

    ids = list(email_ids)
    rows = {row.id: row for row in Email.select().where(Email.id.in_(ids))}
    drafts: list[DraftInfo] = []
    problems: list[NotReady] = []
    for email_id in ids:
        row = rows.get(email_id)
        if row is None:
            problems.append(NotReady(email_id, "", "This note no longer exists; its "
                                                   "application may have been deleted."))
            continue
        drafts.append(DraftInfo(row.id, row.interviewer_id, row.to_name, row.to_address,
                                row.subject, row.body, row.state, row.sent_at, row.error))
        try:
            prepare(row, account)
        except HeaderProblem as problem:
            problems.append(NotReady(email_id, row.to_name or row.to_address, problem.message))
    return drafts, problems
