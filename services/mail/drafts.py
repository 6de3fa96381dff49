"""Drafts of the notes the composer writes: one per interviewer, saved as the user types.

* :func:`prepare_drafts` makes one draft per interviewer of a round from a
  template and returns every draft of that round and template. A person who
  already has a message of that template for that round (in any state, sent
  ones included) gets no second one: reopening the composer shows what the
  user wrote, and nobody is thanked twice by accident.
* For an application through a staffing agency, follow-ups go through the
  recruiter: :func:`agency_guard` explains it, :func:`prepare_recruiter_draft`
  writes to the recruiter, and :func:`prepare_drafts` refuses to write to the
  interviewers (:class:`AgencyOverrideRequired`) unless ``override=True``.
* :func:`update_draft` saves an edit in one ``UPDATE`` (cheap enough for
  every pause in typing) and only while the message is a draft or failed.
* :func:`thanked_status` says who has a draft, who was thanked and when.
* Without an SMTP account the user sends through their own mail program:
  :func:`mailto_url` (RFC 6068), :func:`eml_bytes` (an RFC 5322 message
  marked ``X-Unsent: 1``), then :func:`mark_sent`.

Header fields are checked with :mod:`services.mail.headers` (control
characters and RFC 2047 encoded words are refused: Python 3.11.7 lacks the
fix for CVE-2024-6923), and the ``.eml`` is parsed back and compared with
what was asked for before it is returned.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from typing import NamedTuple
from urllib.parse import quote

from models import clock
from models.values import EmailState
from services.mail.headers import HeaderProblem, address_problem, check_text

__all__ = [
    "EDITABLE_STATES",
    "AgencyGuard",
    "AgencyOverrideRequired",
    "DraftInfo",
    "DraftLocked",
    "DraftNotFound",
    "DraftProblem",
    "HeaderProblem",
    "Recipient",
    "ThankedEntry",
    "agency_guard",
    "drafts_for_round",
    "eml_bytes",
    "mailto_url",
    "mark_sent",
    "prepare_contact_draft",
    "prepare_drafts",
    "prepare_recruiter_draft",
    "thanked_status",
    "update_draft",
]

#: States in which a message may still be edited.
EDITABLE_STATES = frozenset({EmailState.DRAFT.value, EmailState.FAILED.value})
#: States from which the user may say "I sent this myself".
_MARKABLE_STATES = frozenset({EmailState.DRAFT.value, EmailState.FAILED.value,
                              EmailState.UNCERTAIN.value, EmailState.MARKED_SENT.value})
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


class Recipient(NamedTuple):
    """Who a note goes to (``interviewer_id`` is None for the recruiter or HR contact)."""

    interviewer_id: int | None
    name: str
    email: str
    title: str


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


class AgencyGuard(NamedTuple):
    """Why notes of an agency application go to the recruiter, and who that is."""

    message: str
    recruiter: Recipient
    agency_name: str


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


class AgencyOverrideRequired(DraftProblem):
    """Writing to the interviewers of an agency application needs ``override=True``."""

    def __init__(self, guard: AgencyGuard) -> None:
        super().__init__(guard.message)
        self.guard = guard


# -- helpers ------------------------------------------------------------------------------------


def _info(email) -> DraftInfo:
    return DraftInfo(email.id, email.interviewer_id, email.to_name, email.to_address,
                     email.subject, email.body, email.state, email.sent_at, email.error)


def _application(application_id: int):
    from models.application import Application
    from services.applications.editing import ApplicationNotFoundError

    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    return app


def _round(app, round_id: int | None):
    from models.interview import InterviewRound

    if round_id is None:
        return None
    rnd = InterviewRound.get_or_none(InterviewRound.id == round_id)
    if rnd is None or rnd.application_id != app.id:
        raise DraftProblem(
            f"That interview is no longer part of the application at {app.company}; it may "
            "have been deleted. Choose the interview again."
        )
    return rnd


def _email(email_id: int):
    from models.email import Email

    email = Email.get_or_none(Email.id == email_id)
    if email is None:
        raise DraftNotFound(email_id)
    return email


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    from services.mail.templates import format_day

    local = value.astimezone(clock.user_zone())
    return f" on {format_day(local.date())} at {local:%H:%M}"


def _locked(email) -> DraftLocked:
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


def _rendered(app_id: int, round_id: int | None, interviewer_id: int | None, key: str):
    from services.mail.templates import context_for, render_template

    return render_template(key, context_for(app_id, round_id, interviewer_id, key))


# -- the agency guard ---------------------------------------------------------------------------


def _guard_for(app) -> AgencyGuard | None:
    if not app.is_agency:
        return None
    agency = app.agency_name.strip() or "a staffing agency"
    recruiter = app.recruiter_name.strip()
    who = f"your recruiter, {recruiter}" if recruiter else "your recruiter there"
    message = (
        f"Your application at {app.company} came through {agency}, so thank-you notes and "
        f"follow-ups go through {who}. Writing to the interviewers around the agency can look "
        "unprofessional to both sides. Send the recruiter an update and ask them to pass on "
        "your thanks; write to an interviewer directly only if you have a good reason."
    )
    if not (recruiter and app.recruiter_email.strip()):
        message += (" Add the recruiter's name and email address to the application first.")
    title = f"Recruiter at {app.agency_name.strip()}" if app.agency_name.strip() else "Recruiter"
    return AgencyGuard(message, Recipient(None, recruiter, app.recruiter_email.strip(), title),
                       app.agency_name.strip())


def agency_guard(application_id: int) -> AgencyGuard | None:
    """The agency guard for an application, or None when the user applied directly."""
    return _guard_for(_application(application_id))


# -- preparing drafts ---------------------------------------------------------------------------


def drafts_for_round(round_id: int, template_key: str = "thank_you") -> list[DraftInfo]:
    """Every message of ``template_key`` for a round, in the interviewers' order."""
    from models.email import Email
    from models.interview import Interviewer

    query = (Interviewer.select(Interviewer.id, Interviewer.position)
             .where(Interviewer.round == round_id))
    positions = {p.id: (p.position, p.id) for p in query}
    rows = list(Email.select().where((Email.round == round_id)
                                     & (Email.template_key == template_key)))
    rows.sort(key=lambda e: (e.interviewer_id not in positions,
                             positions.get(e.interviewer_id, (0, 0)), e.id))
    return [_info(e) for e in rows]


def prepare_drafts(application_id: int, round_id: int, template_key: str = "thank_you", *,
                   override: bool = False) -> list[DraftInfo]:
    """One draft per interviewer of the round; return every draft of that round and template.

    Interviewers who already have a message of this template for this round
    (a draft, a sent note, any state) keep it untouched. For an agency
    application, raises :class:`AgencyOverrideRequired` unless ``override``.
    Raises :class:`services.mail.templates.TemplateProblem` when the template does
    not render (nothing is created then).
    """
    from models.base import database_proxy, utc_now
    from models.email import Email
    from models.interview import Interviewer

    app = _application(application_id)
    rnd = _round(app, round_id)
    guard = _guard_for(app)
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

    app = _application(application_id)
    rnd = _round(app, round_id)
    guard = _guard_for(app)
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
    app = _application(application_id)
    rnd = _round(app, round_id)
    guard = _guard_for(app)
    if guard is not None:
        name, address = guard.recruiter.name, guard.recruiter.email
    else:
        name, address = app.contact_name.strip(), app.contact_email.strip()
    return _single_draft(app, rnd, template_key, name, address)


def missing_contact_address(application_id: int) -> str | None:
    """Why a note to the application's contact (:func:`prepare_contact_draft`) cannot be
    addressed yet: a sentence naming the missing address (the agency recruiter's, or the HR
    contact's) and where to add it; None when there is an address."""
    app = _application(application_id)
    guard = _guard_for(app)
    if guard is not None:
        if guard.recruiter.email:
            return None
        agency = guard.agency_name or "the staffing agency"
        who = f"your recruiter at {agency}" + (
            f", {guard.recruiter.name}," if guard.recruiter.name else "")
        field = "Recruiter email"
    else:
        if app.contact_email.strip():
            return None
        who = f"the HR contact at {app.company}" + (
            f", {app.contact_name.strip()}," if app.contact_name.strip() else "")
        field = "HR contact email"
    return (f"To ask for more time, Next Steps writes to {who} but has no email address for "
            f"them yet. Add it under “{field}” in “How you applied” on the Application tab, "
            "then choose “Ask for more time” again.")


def _single_draft(app, rnd, template_key: str, name: str, address: str) -> DraftInfo:
    """The one note of ``template_key`` not addressed to an interviewer (per round), created
    from the template when there is none; the editable one is preferred when several exist."""
    from models.base import database_proxy, utc_now
    from models.email import Email

    with database_proxy.atomic("IMMEDIATE"):
        where = ((Email.application == app.id) & (Email.template_key == template_key)
                 & Email.interviewer.is_null(True))
        where &= (Email.round == rnd.id) if rnd is not None else Email.round.is_null(True)
        existing = list(Email.select().where(where).order_by(Email.id))
        if existing:
            editable = [e for e in existing if e.state in EDITABLE_STATES]
            return _info((editable or existing)[-1])
        rendered = _rendered(app.id, rnd.id if rnd else None, None, template_key)
        now = utc_now()
        email = Email.create(
            application=app, round=rnd, interviewer=None, template_key=template_key,
            to_name=name, to_address=address, subject=rendered.subject, body=rendered.body,
            state=EmailState.DRAFT.value, created_at=now, updated_at=now,
        )
    return _info(email)


# -- editing ------------------------------------------------------------------------------------


def update_draft(email_id: int, *, subject: str | None = None, body: str | None = None,
                 to_address: str | None = None, to_name: str | None = None) -> None:
    """Save what the user typed (only the fields given), in one ``UPDATE``.

    The text is stored exactly as typed (it is checked before it goes out,
    not here, so nothing typed is ever lost). Raises :class:`DraftLocked`
    unless the message is a draft or failed, :class:`DraftNotFound` when it
    is gone.
    """
    from models.base import utc_now
    from models.email import Email

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
        raise _locked(_email(email_id))


def mark_sent(email_id: int, when: datetime) -> DraftInfo:
    """Record that the user sent this note outside the app, at ``when`` (timezone-aware).

    Allowed for a draft, a failed or an uncertain message (and to correct
    the time of one already marked). Raises :class:`DraftLocked` for one
    being sent or sent by the app.
    """
    from models.base import utc_now
    from models.email import Email

    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("mark_sent needs a timezone-aware datetime.")
    changed = (Email.update({Email.state: EmailState.MARKED_SENT.value, Email.sent_at: when,
                             Email.error: "", Email.updated_at: utc_now()})
               .where((Email.id == email_id) & Email.state.in_(sorted(_MARKABLE_STATES)))
               .execute())
    email = _email(email_id)
    if not changed:
        raise _locked(email)
    return _info(email)


# -- who has been thanked -----------------------------------------------------------------------


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
    from models.email import Email
    from models.interview import Interviewer, InterviewRound

    app = _application(application_id)
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


# -- through the user's own mail program --------------------------------------------------------


def _checked_fields(email) -> tuple[str, str, str]:
    """The recipient's name and address and the subject, refused if unsafe in a header."""
    to_name = check_text(email.to_name or "", "recipient's name", "to_name")
    to_address = (email.to_address or "").strip()
    if to_address:
        problem = address_problem(to_address, "recipient's address")
        if problem:
            raise HeaderProblem(problem, field="to_address")
    subject = check_text(email.subject or "", "subject", "subject")
    return to_name, to_address, subject


def _crlf(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def mailto_url(email_id: int) -> str:
    """A ``mailto:`` URL (RFC 6068) for the message: address, subject and body, UTF-8.

    Every character outside RFC 3986's unreserved set is percent-encoded
    (``@`` is kept in the address); line breaks in the body become
    ``%0D%0A``. Raises :class:`HeaderProblem` when the address or subject
    is unsafe (a line break, an encoded word, not one plain address).
    """
    email = _email(email_id)
    _to_name, to_address, subject = _checked_fields(email)
    return (f"mailto:{quote(to_address, safe='@')}"
            f"?subject={quote(subject, safe='')}&body={quote(_crlf(email.body), safe='')}")


def eml_bytes(email_id: int, sender_name: str, sender_address: str) -> bytes:
    """The message as an RFC 5322 ``.eml`` file a mail program opens as a draft to send.

    ``multipart/alternative`` with a plain-text and an HTML part, UTF-8,
    ``X-Unsent: 1``. Without a sender address there is no ``From:`` (the mail
    program fills it in); without a recipient address, no ``To:``. Raises
    :class:`HeaderProblem` (a :class:`ValueError`) for an unsafe header
    field, and when the message does not parse back to exactly the headers
    asked for.
    """
    from services.mail.message import html_body

    email = _email(email_id)
    to_name, to_address, subject = _checked_fields(email)
    from_name = check_text(sender_name or "", "sender name", "sender_name")
    from_address = (sender_address or "").strip()
    if from_address:
        problem = address_problem(from_address, "sender address")
        if problem:
            raise HeaderProblem(problem, field="sender_address")
    body = (email.body or "").replace("\r\n", "\n").replace("\r", "\n")

    message = EmailMessage(policy=policy.SMTP)
    expected = {"subject", "date", "x-unsent", "mime-version", "content-type"}
    if from_address:
        message["From"] = Address(display_name=from_name, addr_spec=from_address)
        expected.add("from")
    if to_address:
        message["To"] = Address(display_name=to_name, addr_spec=to_address)
        expected.add("to")
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.local_now())
    message["X-Unsent"] = "1"
    message.set_content(body, cte="quoted-printable")
    message.add_alternative(html_body(body), subtype="html", cte="quoted-printable")
    data = message.as_bytes(policy=policy.SMTP)
    _verify_eml(data, expected, subject, (from_name, from_address), (to_name, to_address))
    return data


def _verify_eml(data: bytes, expected: set[str], subject: str, sender: tuple[str, str],
                recipient: tuple[str, str]) -> None:
    """Parse the file back: exactly the expected headers, each once, saying what was asked."""
    refuse = "The email file was not saved: {}. Check the names, addresses and subject."
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    names = sorted(name.lower() for name in parsed)
    if names != sorted(expected) or parsed.defects:
        extra = sorted(set(names) - expected) or ["a repeated or damaged header"]
        raise HeaderProblem(refuse.format("it would carry unexpected headers ("
                                          + ", ".join(extra) + ")"))
    if str(parsed["Subject"]) != subject:
        raise HeaderProblem(refuse.format("its subject would read differently"))
    for header, (name, address) in (("From", sender), ("To", recipient)):
        if not address:
            continue
        found = parsed[header].addresses
        if len(found) != 1 or found[0].addr_spec != address or found[0].display_name != name:
            raise HeaderProblem(refuse.format(f"its {header} header would be different"))
    parts = [p.get_content_type() for p in parsed.iter_parts()] if parsed.is_multipart() else []
    if parsed.get_content_type() != "multipart/alternative" or parts != ["text/plain",
                                                                         "text/html"]:
        raise HeaderProblem(refuse.format("its text parts could not be built"))
