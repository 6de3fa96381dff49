"""Who has been thanked: where the thank-you note to each interviewer stands.

:func:`thanked_status` (the application editor's list of notes calls it) gives
one :class:`ThankedEntry` per interviewer of every round that was not
cancelled, and for an agency application one more per round for the
recruiter's update.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from models.email import Email
from models.interview import Interviewer, InterviewRound
from models.values import EmailState
from services.mail.drafts import application_row

__all__ = ["ThankedEntry", "thanked_status"]

#: Templates that are not thank-you notes (they do not count as "thanked").
_NOT_THANKS = frozenset({"follow_up", "more_time", "agency_update"})
#: The state shown for a person when several messages exist: the furthest along wins.
_STATE_RANK = {
    EmailState.SENT.value: 0,
    EmailState.MARKED_SENT.value: 1,
    EmailState.SENDING.value: 2,
    EmailState.QUEUED.value: 3,
    EmailState.UNCERTAIN.value: 4,
    EmailState.FAILED.value: 5,
    EmailState.DRAFT.value: 6,
}


class ThankedEntry(NamedTuple):
    """Where the note to one person of one round stands.

    ``state`` is ``"none"`` (nothing written yet) or an email state. For an
    agency application each round also has an entry for the recruiter's
    update (``interviewer_id`` None).
    """

    interviewer_id: int | None
    name: str
    round_title: str
    state: str
    sent_at: datetime | None
    round_id: int | None = None
    email_id: int | None = None


def _best(emails: list) -> tuple[str, datetime | None, int | None]:
    if not emails:
        return "none", None, None
    best = min(emails, key=lambda e: (_STATE_RANK.get(e.state, 9), -(e.id or 0)))
    return best.state, best.sent_at, best.id


def thanked_status(application_id: int) -> list[ThankedEntry]:
    """For every interviewer of every round (not cancelled): the state of their thank-you.

    Rounds come in date order (undated last), interviewers in their order.
    A person's state is that of their furthest-along thank-you note
    (sent > marked sent > sending > queued > uncertain > failed > draft);
    follow-ups and requests for more time do not count. For an agency
    application each round ends with the recruiter's update.
    """
    app = application_row(application_id)
    rounds = [r for r in InterviewRound.select().where(InterviewRound.application == app.id)
              if not r.cancelled]
    rounds.sort(key=lambda r: (r.starts_at is None, r.starts_at.isoformat() if r.starts_at
                               else "", r.id))
    if not rounds:
        return []
    round_ids = [r.id for r in rounds]
    people: dict[int, list] = {rid: [] for rid in round_ids}
    for person in (Interviewer.select().where(Interviewer.round.in_(round_ids))
                   .order_by(Interviewer.position, Interviewer.id)):
        people[person.round_id].append(person)
    thanks: dict[int, list] = {}
    updates: dict[int, list] = {}
    for email in Email.select().where(Email.application == app.id):
        if email.template_key == "agency_update" and email.interviewer_id is None:
            updates.setdefault(email.round_id, []).append(email)
        elif email.interviewer_id is not None and email.template_key not in _NOT_THANKS:
            thanks.setdefault(email.interviewer_id, []).append(email)
    entries = []
    for rnd in rounds:
        title = rnd.title or "Interview"
        for person in people[rnd.id]:
            state, sent_at, email_id = _best(thanks.get(person.id, []))
            entries.append(ThankedEntry(person.id, person.name, title, state, sent_at,
                                        rnd.id, email_id))
        if app.is_agency:
            state, sent_at, email_id = _best(updates.get(rnd.id, []))
            name = app.recruiter_name.strip() or app.agency_name.strip() or "Recruiter"
            entries.append(ThankedEntry(None, name, title, state, sent_at, rnd.id, email_id))
    return entries
