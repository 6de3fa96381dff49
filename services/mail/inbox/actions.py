"""What the user does with the replies kept from the mailbox: the UI calls these.

Reading: :func:`messages_for` (an application's "Messages"), :func:`inbox` (the
messages still to look at, the ambiguous ones included), :func:`unhandled_count`,
:func:`pending_notifications` with :func:`mark_notified` and
:func:`notification_text`. Each message is a :class:`MessageView`.

Acting, each by the message's uid, each write in one transaction:
:func:`mark_read`, :func:`dismiss`, :func:`not_about_this` (the message leaves
the application; its Message-ID stays known, so it never comes back),
:func:`choose_application` (for a message two applications fit),
:func:`apply_stage` (the user's click on "Mark as rejected": the stage changes with
the message as the stage history's note) and :func:`mark_acted` (after the offer,
round or reply dialog did its work). Nothing here changes a stage by itself.
A message or application that is gone raises :class:`InboxActionProblem`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import peewee

from models import clock
from models.application import Application
from models.base import database_proxy
from models.inbox import InboxMessage
from models.values import InboxState, Stage
from services.applications.saving import record_stage_change
from services.core.instants import MONTHS
from services.mail.inbox.classify import suggest
from services.mail.inbox.taken import join_names, kind_label

__all__ = [
    "ACTION_LABELS", "InboxActionProblem", "MessageView", "apply_stage", "choose_application",
    "dismiss", "inbox", "mark_acted", "mark_notified", "mark_read", "messages_for",
    "not_about_this", "notification_text", "pending_notifications", "stage_note",
    "suggested_action", "unhandled_count",
]

#: The one action each message offers, as its button says it.
ACTION_LABELS = {
    "mark_rejected": "Mark as rejected",
    "record_offer": "Record the offer",
    "add_round": "Add the interview",
    "reply": "Reply",
}
_UNHANDLED = (InboxState.NEW.value, InboxState.READ.value)
_GONE = ("This message is no longer in Next Steps (it went with its application, or was "
         "removed). Nothing was changed.")
_APP_GONE = ("The application this message is about is no longer in Next Steps. Nothing was "
             "changed; choose another application for it, or dismiss it.")


class InboxActionProblem(Exception):
    """An action on a message could not be done; ``message`` says why, in a sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class MessageView:
    """One kept message as the UI shows it.

    ``application_id`` is None while two or more applications fit: ``candidates``
    then lists them as ``(application_id, company, role)``, ``company`` names them
    all ("Kestrel Group or Kestrel Digital") and no action is suggested until the
    user chooses (:func:`choose_application`). ``sent_at`` is aware (UTC);
    ``references`` are the Message-IDs of the message's thread (see
    :meth:`reply_headers`).
    """

    uid: str
    application_id: int | None
    application_uid: str | None
    company: str
    role: str
    candidates: tuple[tuple[int, str, str], ...]
    from_name: str
    from_address: str
    subject: str
    sent_at: datetime
    kind: str
    kind_label: str
    reasons: tuple[str, ...]
    match_reason: str
    suggested_stage: str | None
    suggested_action: str | None
    action_label: str
    deadline: date | None
    text: str
    calendar_text: str
    state: str
    in_reply_to: str
    references: tuple[str, ...]
    message_id: str

    def reply_headers(self) -> tuple[str, str]:
        """``In-Reply-To`` and ``References`` for a reply to this message."""
        thread = [*self.references, self.message_id] if self.message_id else list(self.references)
        return self.message_id, " ".join(dict.fromkeys(thread))


def suggested_action(kind: str, suggested_stage: str | None) -> str | None:
    """The one action a message of ``kind`` offers (see :data:`ACTION_LABELS`), or None."""
    if kind == "rejection":
        return "mark_rejected" if suggested_stage == Stage.REJECTED.value else None
    return {"offer": "record_offer", "invitation": "add_round", "asks": "reply",
            "other": "reply"}.get(kind)


# --- Reading -------------------------------------------------------------------------------------


def _query():
    return (InboxMessage.select(InboxMessage, Application.id, Application.uid,
                                Application.company, Application.role)
            .join(Application, peewee.JOIN.LEFT_OUTER,
                  on=(InboxMessage.application == Application.id))
            .order_by(InboxMessage.sent_at.desc(), InboxMessage.id.desc()))


def _views(rows) -> list[MessageView]:
    rows = list(rows)
    wanted = {uid for row in rows for uid in row.candidates.split()}
    known = {}
    if wanted:
        known = {uid: (app_id, company, role) for app_id, uid, company, role in
                 Application.select(Application.id, Application.uid, Application.company,
                                    Application.role)
                 .where(Application.uid.in_(sorted(wanted))).tuples()}
    return [_view(row, tuple(known[u] for u in row.candidates.split() if u in known))
            for row in rows]


def _view(row, candidates: tuple[tuple[int, str, str], ...]) -> MessageView:
    chosen = row.application_id is not None
    app = row.application if chosen else None  # joined by _query: no further query
    action = suggested_action(row.kind, row.suggested_stage) if chosen else None
    try:
        reasons = tuple(str(r) for r in json.loads(row.reasons or "[]"))
    except (ValueError, TypeError):
        reasons = ()
    return MessageView(
        uid=row.uid, application_id=row.application_id,
        application_uid=app.uid if chosen else None,
        company=app.company if chosen else join_names(c[1] for c in candidates),
        role=app.role if chosen else "", candidates=() if chosen else candidates,
        from_name=row.from_name, from_address=row.from_address, subject=row.subject,
        sent_at=row.sent_at, kind=row.kind, kind_label=kind_label(row.kind), reasons=reasons,
        match_reason=row.match_reason, suggested_stage=row.suggested_stage,
        suggested_action=action, action_label=ACTION_LABELS.get(action, ""),
        deadline=row.deadline, text=row.text, calendar_text=row.calendar_text, state=row.state,
        in_reply_to=row.in_reply_to, references=tuple(row.references.split()),
        message_id=row.message_id)


def messages_for(application_id: int) -> list[MessageView]:
    """The messages about one application, newest first: those matched to it and those it
    is one of the candidates of; not those the user said are not about it."""
    app_uid = (Application.select(Application.uid).where(Application.id == application_id)
               .scalar())
    if app_uid is None:
        return []
    mine = (InboxMessage.application == application_id)
    choosing = (InboxMessage.application.is_null()
                & InboxMessage.candidates.contains(app_uid))
    return _views(_query().where((mine | choosing)
                                 & (InboxMessage.state != InboxState.NOT_THIS.value)))


def inbox(unhandled_only: bool = True) -> list[MessageView]:
    """The kept messages, newest first: only those still to look at (new or read, the
    ambiguous ones included), or every one but those "not about this application"."""
    if unhandled_only:
        where = InboxMessage.state.in_(_UNHANDLED)
    else:
        where = InboxMessage.state != InboxState.NOT_THIS.value
    return _views(_query().where(where))


def unhandled_count() -> int:
    """How many kept messages are still to look at (new or read)."""
    return InboxMessage.select().where(InboxMessage.state.in_(_UNHANDLED)).count()


def pending_notifications() -> list[MessageView]:
    """The kept messages still to look at that no notification has announced, oldest first."""
    rows = _query().where(InboxMessage.state.in_(_UNHANDLED) & (InboxMessage.notified == 0))
    return list(reversed(_views(rows)))


def mark_notified(uids) -> None:
    """Record that the messages ``uids`` were announced (never again)."""
    uids = sorted(set(uids))
    with database_proxy.atomic():
        for start in range(0, len(uids), 500):
            (InboxMessage.update(notified=True)
             .where(InboxMessage.uid.in_(uids[start:start + 500])).execute())


def notification_text(view: MessageView) -> str:
    """"Lumen Analytics replied: interview invitation"."""
    who = view.company or view.from_name or view.from_address or "A company"
    return f"{who} replied: {view.kind_label.lower()}"


# --- Acting --------------------------------------------------------------------------------------


def _now() -> datetime:
    return clock.now().replace(microsecond=0)


def _message(uid: str) -> InboxMessage:
    row = InboxMessage.get_or_none(InboxMessage.uid == uid)
    if row is None:
        raise InboxActionProblem(_GONE)
    return row


def _set_state(uid: str, state: InboxState, handled: bool = True) -> None:
    with database_proxy.atomic():
        _message(uid)
        values = {"state": state.value}
        if handled:
            values["handled_at"] = _now()
        InboxMessage.update(**values).where(InboxMessage.uid == uid).execute()


def mark_read(uid: str) -> None:
    """The user opened the message: new → read (a message already handled stays so)."""
    with database_proxy.atomic():
        _message(uid)
        (InboxMessage.update(state=InboxState.READ.value)
         .where((InboxMessage.uid == uid) & (InboxMessage.state == InboxState.NEW.value))
         .execute())


def dismiss(uid: str) -> None:
    """Put the message aside: it stays on its application, no longer in the inbox."""
    _set_state(uid, InboxState.DISMISSED)


def not_about_this(uid: str) -> None:
    """The message is not about its application: it leaves it and the inbox, and since its
    Message-ID stays known, a later pass never brings it back."""
    _set_state(uid, InboxState.NOT_THIS)


def mark_acted(uid: str) -> None:
    """The suggested action was done through another dialog (offer, round, reply)."""
    _set_state(uid, InboxState.ACTED)


def choose_application(uid: str, application_id: int) -> None:
    """Attach a message two applications fit to the one the user chose; its suggestion is
    made again against that application's stage."""
    with database_proxy.atomic():
        row = _message(uid)
        app = Application.get_or_none(Application.id == application_id)
        if app is None:
            raise InboxActionProblem(
                "That application is no longer in Next Steps. Nothing was changed; choose "
                "another one.")
        state = InboxState.READ.value if row.state == InboxState.NOT_THIS.value else row.state
        reason = row.match_reason
        if row.application_id != app.id:
            reason = f"{reason} You said it is about {app.company}.".strip()
        (InboxMessage.update(application=app.id, candidates="", state=state,
                             suggested_stage=suggest(row.kind, app.stage), match_reason=reason)
         .where(InboxMessage.uid == uid).execute())


def apply_stage(uid: str, stage: str) -> None:
    """The user's click on the suggestion: move the message's application to ``stage``,
    with the message as the stage history's note, and mark the message acted."""
    try:
        stage = Stage(stage).value
    except ValueError:
        raise InboxActionProblem(f"“{stage}” is not a stage Next Steps knows. Nothing was "
                                 "changed.") from None
    with database_proxy.atomic():
        row = _message(uid)
        if row.application_id is None:
            raise InboxActionProblem("Say which application this message is about first; "
                                     "nothing was changed.")
        app = Application.get_or_none(Application.id == row.application_id)
        if app is None:
            raise InboxActionProblem(_APP_GONE)
        now = _now()
        record_stage_change(app, stage, now, stage_note(row.from_name or row.from_address,
                                                        row.sent_at, row.subject))
        (InboxMessage.update(state=InboxState.ACTED.value, handled_at=now)
         .where(InboxMessage.uid == uid).execute())


def stage_note(sender: str, sent_at: datetime, subject: str) -> str:
    """The stage history's note for a change made from a message:
    ``Reply from Mira Hoffmann on 20 Nov 2026: “Subject”``."""
    try:
        day = sent_at.astimezone(clock.user_zone()).date()
    except (OverflowError, ValueError):
        day = sent_at.date()
    return (f"Reply from {sender or 'an unknown sender'} on {day.day} {MONTHS[day.month - 1]} "
            f"{day.year}: “{subject}”")

