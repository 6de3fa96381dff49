"""Writing new drafts from the templates: one per interviewer, or one to the contact.

* :func:`prepare_drafts` makes one draft per interviewer of a round from a
  template and returns every draft of that round and template. A person who
  already has a message of that template for that round (in any state, sent
  ones included) gets no second one: reopening the composer shows what the
  user wrote, and nobody is thanked twice by accident. For an agency
  application it refuses (:class:`services.mail.agency.AgencyOverrideRequired`)
  unless ``override=True``.
* :func:`prepare_recruiter_draft` writes the update to the agency recruiter,
  :func:`prepare_contact_draft` a note to the application's contact (the
  recruiter, or the HR contact); each is made once per round and template.
* :func:`start_reply` writes a reply to a message read from the mailbox (threaded by
  its ``in_reply_to`` and ``references``); a reply still being written is reused.

The composer calls these four. They render the templates, so this module
loads jinja2: import it only when the composer opens.
"""

from __future__ import annotations

import re
from datetime import datetime

from models import clock
from models.application import Application
from models.base import database_proxy, utc_now
from models.email import Email
from models.interview import Interviewer, InterviewRound
from models.values import EmailState
from services.core import settings
from services.mail.agency import AgencyOverrideRequired, guard_for
from services.mail.drafts import (
    EDITABLE_STATES,
    DraftInfo,
    DraftProblem,
    application_row,
    draft_info,
    drafts_for_round,
    round_row,
)
from services.mail.placeholders import (
    context_for,
    first_name_of,
    format_day,
    normalise_newlines,
    one_line,
)
from services.mail.template_rendering import Rendered
from services.mail.templates import render_template

__all__ = ["prepare_contact_draft", "prepare_drafts", "prepare_recruiter_draft", "start_reply"]

#: How many lines of the message answered a reply quotes below the signature.
QUOTED_LINES = 40
#: Subjects that already say "reply" (English, German, Scandinavian, Dutch).
_REPLY_PREFIX = re.compile(r"(re|aw|sv|antw)\s*:", re.IGNORECASE)


def prepare_drafts(application_id: int, round_id: int, template_key: str = "thank_you", *,
                   override: bool = False) -> list[DraftInfo]:
    """One draft per interviewer of the round; return every draft of that round and template.

    Interviewers who already have a message of this template for this round
    (a draft, a sent note, any state) keep it untouched. For an agency
    application, raises :class:`AgencyOverrideRequired` unless ``override``.
    Raises :class:`services.mail.template_rendering.TemplateProblem` when the
    template does not render (nothing is created then).
    """
    app = application_row(application_id)
    rnd = round_row(app, round_id)
    guard = guard_for(app)
    if guard is not None and not override:
        raise AgencyOverrideRequired(guard)
    # IMMEDIATE: two composers (or a double click) cannot both see "no draft" and add one.
    with database_proxy.atomic("IMMEDIATE"):
        people = list(rnd.interviewers.order_by(Interviewer.position, Interviewer.id))
        having = {
            e.interviewer_id for e in Email.select(Email.interviewer)
            .where((Email.round == rnd.id) & (Email.template_key == template_key)
                   & Email.interviewer.is_null(False))
        }
        now = utc_now()
        for person in people:
            if person.id in having:
                continue
            rendered = _rendered(app.id, rnd.id, person.id, template_key)
            Email.create(
                application=app, round=rnd, interviewer=person, template_key=template_key,
                to_name=person.name, to_address=person.email.strip(),
                subject=rendered.subject, body=rendered.body,
                state=EmailState.DRAFT.value, created_at=now, updated_at=now,
            )
    return drafts_for_round(rnd.id, template_key)


def prepare_recruiter_draft(application_id: int, round_id: int | None) -> DraftInfo:
    """The update to the agency recruiter about a round (``agency_update``), made once.

    An existing update for that round is returned as it is (the editable one
    when there is one). Raises :class:`DraftProblem` for a direct application.
    """

    app = application_row(application_id)
    rnd = round_row(app, round_id)
    guard = guard_for(app)
    if guard is None:
        raise DraftProblem(
            f"Your application at {app.company} did not come through a staffing agency, so "
            "there is no recruiter to update; write to the interviewers instead."
        )
    return _single_draft(app, rnd, "agency_update", guard.recruiter.name, guard.recruiter.email)


def prepare_contact_draft(application_id: int, round_id: int | None,
                          template_key: str = "more_time") -> DraftInfo:
    """A note to the application's contact, made once per round and template: the agency
    recruiter for an agency application, otherwise the HR contact (asking for more time on
    an offer, a follow-up). Without a contact address the draft has none yet; the user adds
    it before sending. An existing draft is returned as it is.
    """
    app = application_row(application_id)
    rnd = round_row(app, round_id)
    guard = guard_for(app)
    if guard is not None:
        name, address = guard.recruiter.name, guard.recruiter.email
    else:
        name, address = app.contact_name.strip(), app.contact_email.strip()
    return _single_draft(app, rnd, template_key, name, address)


def _single_draft(app: Application, rnd: InterviewRound | None, template_key: str, name: str,
                  address: str) -> DraftInfo:
    """The one note of ``template_key`` not addressed to an interviewer (per round), created
    from the template when there is none; the editable one is preferred when several exist."""
    with database_proxy.atomic("IMMEDIATE"):
        where = ((Email.application == app.id) & (Email.template_key == template_key)
                 & Email.interviewer.is_null(True))
        where &= (Email.round == rnd.id) if rnd is not None else Email.round.is_null(True)
        existing = list(Email.select().where(where).order_by(Email.id))
        if existing:
            editable = [e for e in existing if e.state in EDITABLE_STATES]
            return draft_info((editable or existing)[-1])
        rendered = _rendered(app.id, rnd.id if rnd else None, None, template_key)
        now = utc_now()
        email = Email.create(
            application=app, round=rnd, interviewer=None, template_key=template_key,
            to_name=name, to_address=address, subject=rendered.subject, body=rendered.body,
            state=EmailState.DRAFT.value, created_at=now, updated_at=now,
        )
    return draft_info(email)


def _rendered(app_id: int, round_id: int | None, interviewer_id: int | None,
              key: str) -> Rendered:
    return render_template(key, context_for(app_id, round_id, interviewer_id, key))


def start_reply(application_id: int, *, to_name: str, to_address: str, subject: str,
                in_reply_to: str, references: str, quoted_text: str = "",
                quoted_sent_at: datetime | None = None) -> DraftInfo:
    """A reply on ``application_id`` to the message ``in_reply_to`` from ``to_name``
    <``to_address``>: "Re: " and its subject, a greeting, the user's signature and the start
    of the message answered (``quoted_text``, sent at ``quoted_sent_at``), quoted. A reply
    to that message still being written is returned as it is instead. Raises
    :class:`ApplicationNotFoundError` when the application is gone.
    """
    app = application_row(application_id)
    in_reply_to, references = in_reply_to.strip(), " ".join(references.split())
    with database_proxy.atomic("IMMEDIATE"):
        if in_reply_to:
            existing = (Email.select().where(
                (Email.application == app.id) & (Email.in_reply_to == in_reply_to)
                & Email.state.in_(sorted(EDITABLE_STATES))).order_by(Email.id.desc()).first())
            if existing is not None:
                return draft_info(existing)
        subject = one_line(subject)
        if not _REPLY_PREFIX.match(subject):
            subject = f"Re: {subject}".strip()
        now = utc_now()
        email = Email.create(
            application=app, round=None, interviewer=None, template_key="reply",
            to_name=one_line(to_name), to_address=one_line(to_address), subject=subject,
            body=_reply_body(to_name, quoted_text, quoted_sent_at), in_reply_to=in_reply_to,
            references=references, state=EmailState.DRAFT.value, created_at=now,
            updated_at=now)
    return draft_info(email)


def _reply_body(to_name: str, quoted_text: str, sent_at: datetime | None) -> str:
    """The greeting, room to write, the signature, and the message answered, quoted."""
    first = first_name_of(one_line(to_name))
    greeting = f"Dear {first}," if first else "Hello,"
    signature = normalise_newlines(str(settings.get("user.signature") or "")).strip("\n")
    signature = signature or one_line(str(settings.get("user.name") or ""))
    top = f"{greeting}\n\n\n\nBest regards,\n{signature}".rstrip() + "\n"
    lines = normalise_newlines(quoted_text).strip("\n").split("\n")
    if not any(line.strip() for line in lines):
        return top
    if len(lines) > QUOTED_LINES:
        lines = [*lines[:QUOTED_LINES], "[…]"]
    when = ""
    if sent_at is not None:
        when = f"On {format_day(sent_at.astimezone(clock.user_zone()).date())}, "
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"{top}\n{when}{one_line(to_name) or 'they'} wrote:\n{quoted}\n"
