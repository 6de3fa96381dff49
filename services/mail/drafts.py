"""The drafts of the notes the composer writes: what one is, reading and editing them.

A note is one row of the ``email`` table (:class:`DraftInfo` is how the
composer shows it). :func:`drafts_for_round` lists a round's notes of one
template; :func:`update_draft` saves an edit in one ``UPDATE`` (cheap enough
for every pause in typing) and only while the message is a draft or failed;
:func:`mark_sent` records a note the user sent from their own mail program.
Every refusal is a :class:`DraftProblem` whose ``message`` is a sentence.

The rows behind a note (:func:`application_row`, :func:`round_row`,
:func:`email_row`, :func:`draft_info`) serve the modules around it:
:mod:`services.mail.drafting` (new drafts from the templates),
:mod:`services.mail.agency` (notes of an agency application go to the
recruiter), :mod:`services.mail.thanked` (who has been thanked) and
:mod:`services.mail.mail_program` (``mailto:`` and ``.eml`` for the user's own
mail program).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from models import clock
from models.application import Application
from models.base import utc_now
from models.email import Email
from models.interview import Interviewer, InterviewRound
from models.values import EmailState
from services.applications.loading import ApplicationNotFoundError
from services.mail.placeholders import format_day

__all__ = [
    "EDITABLE_STATES",
    "DraftInfo",
    "DraftLocked",
    "DraftNotFound",
    "DraftProblem",
    "application_row",
    "draft_info",
    "drafts_for_round",
    "email_row",
    "mark_sent",
    "round_row",
    "update_draft",
]

#: States in which a message may still be edited.
EDITABLE_STATES = frozenset({EmailState.DRAFT.value, EmailState.FAILED.value})
#: States from which the user may say "I sent this myself".
_MARKABLE_STATES = frozenset({EmailState.DRAFT.value, EmailState.FAILED.value,
                              EmailState.UNCERTAIN.value, EmailState.MARKED_SENT.value})


class DraftInfo(NamedTuple):
    """One message as the composer shows it."""

    email_id: int
    interviewer_id: int | None
    to_name: str
    to_address: str
    subject: str
    body: str
    state: str
    sent_at: datetime | None
    error: str


class DraftProblem(Exception):
    """A draft cannot be written or changed; ``message`` is a sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DraftNotFound(DraftProblem, LookupError):
    """The message no longer exists (its application may have been deleted)."""

    def __init__(self, email_id: int) -> None:
        super().__init__("This note no longer exists; its application may have been deleted.")
        self.email_id = email_id


class DraftLocked(DraftProblem):
    """The message is on its way or sent, so it can no longer be changed; ``state`` says which."""

    def __init__(self, message: str, state: str) -> None:
        super().__init__(message)
        self.state = state


# -- the rows behind a note ----------------------------------------------------------------------


def draft_info(email: Email) -> DraftInfo:
    """The note ``email`` as the composer shows it."""
    return DraftInfo(email.id, email.interviewer_id, email.to_name, email.to_address,
                     email.subject, email.body, email.state, email.sent_at, email.error)


def application_row(application_id: int) -> Application:
    """The application; raises :class:`ApplicationNotFoundError` when it is gone."""
    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    return app


def round_row(app: Application, round_id: int | None) -> InterviewRound | None:
    """The round ``round_id`` of ``app`` (None for None); a :class:`DraftProblem` when it
    is gone or belongs to another application."""
    if round_id is None:
        return None
    rnd = InterviewRound.get_or_none(InterviewRound.id == round_id)
    if rnd is None or rnd.application_id != app.id:
        raise DraftProblem(
            f"That interview is no longer part of the application at {app.company}; it may "
            "have been deleted. Choose the interview again."
        )
    return rnd


def email_row(email_id: int) -> Email:
    """The message; raises :class:`DraftNotFound` when it is gone."""
    email = Email.get_or_none(Email.id == email_id)
    if email is None:
        raise DraftNotFound(email_id)
    return email


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(clock.user_zone())
    return f" on {format_day(local.date())} at {local:%H:%M}"


def _locked(email: Email) -> DraftLocked:
    state = email.state
    messages = {
        EmailState.QUEUED.value:
            "This note is waiting to be sent, so it can no longer be changed.",
        EmailState.SENDING.value:
            "This note is being sent right now, so it can no longer be changed.",
        EmailState.SENT.value:
            f"This note was sent{_when(email.sent_at)}, so it can no longer be changed.",
        EmailState.MARKED_SENT.value:
            f"You marked this note as sent{_when(email.sent_at)}, so it can no longer be "
            "changed.",
        EmailState.UNCERTAIN.value:
            "The connection dropped while this note was being sent, so it may already have "
            "arrived; it cannot be changed now. Check with the recipient, or send it again.",
    }
    return DraftLocked(messages.get(state, f"This note cannot be changed (it is {state})."),
                       state)


# -- reading and editing ---------------------------------------------------------------------


def drafts_for_round(round_id: int, template_key: str = "thank_you") -> list[DraftInfo]:
    """Every message of ``template_key`` for a round, in the interviewers' order."""
    query = (Interviewer.select(Interviewer.id, Interviewer.position)
             .where(Interviewer.round == round_id))
    positions = {p.id: (p.position, p.id) for p in query}
    rows = list(Email.select().where((Email.round == round_id)
                                     & (Email.template_key == template_key)))
    rows.sort(key=lambda e: (e.interviewer_id not in positions,
                             positions.get(e.interviewer_id, (0, 0)), e.id))
    return [draft_info(e) for e in rows]


def update_draft(email_id: int, *, subject: str | None = None, body: str | None = None,
                 to_address: str | None = None, to_name: str | None = None) -> None:
    """Save what the user typed (only the fields given), in one ``UPDATE``.

    The text is stored exactly as typed (it is checked before it goes out,
    not here, so nothing typed is ever lost). Raises :class:`DraftLocked`
    unless the message is a draft or failed, :class:`DraftNotFound` when it
    is gone.
    """
    values = {field: value for field, value in (
        (Email.subject, subject), (Email.body, body), (Email.to_address, to_address),
        (Email.to_name, to_name)) if value is not None}
    if not values:
        return
    values[Email.updated_at] = utc_now()
    changed = (Email.update(values)
               .where((Email.id == email_id) & Email.state.in_(sorted(EDITABLE_STATES)))
               .execute())
    if not changed:
        raise _locked(email_row(email_id))


def mark_sent(email_id: int, when: datetime) -> DraftInfo:
    """Record that the user sent this note outside the app, at ``when`` (timezone-aware).

    Allowed for a draft, a failed or an uncertain message (and to correct
    the time of one already marked). Raises :class:`DraftLocked` for one
    being sent or sent by the app.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("mark_sent needs a timezone-aware datetime.")
    changed = (Email.update({Email.state: EmailState.MARKED_SENT.value, Email.sent_at: when,
                             Email.error: "", Email.updated_at: utc_now()})
               .where((Email.id == email_id) & Email.state.in_(sorted(_MARKABLE_STATES)))
               .execute())
    email = email_row(email_id)
    if not changed:
        raise _locked(email)
    return draft_info(email)
