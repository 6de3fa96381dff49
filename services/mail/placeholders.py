"""The placeholders of the email templates, and their values for one message.

:data:`PLACEHOLDER_HELP` names every placeholder a template may use and what
it holds (:data:`PLACEHOLDERS`: the names alone); :func:`sample_context` gives
example values for previews; :func:`context_for` builds the real values of
one message from the database (unknown values are empty strings, so the
templates test them with ``{% if … %}``). Dates and names are written in
English by :func:`format_day` and :func:`first_name_of`; :func:`one_line` and
:func:`normalise_newlines` are the clean-ups every template text and value
goes through.

The composer (:mod:`services.mail.drafting`) and the template editor call
:func:`context_for`; :mod:`services.mail.template_rendering` checks names
against :data:`PLACEHOLDERS`. No jinja2 here: importing this module stays cheap.
"""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import clock
from models.application import Application, Offer, OfferStatus
from models.interview import Interviewer, InterviewRound
from services.applications.loading import (
    ApplicationNotFoundError,
    first_interviewer,
    round_choices,
)
from services.applications.prospects import expected_response
from services.core import settings

__all__ = [
    "PLACEHOLDERS",
    "PLACEHOLDER_HELP",
    "ContextProblem",
    "context_for",
    "first_name_of",
    "format_day",
    "normalise_newlines",
    "one_line",
    "sample_context",
]

#: Every placeholder a template may use, with what it holds (for the editor's help).
PLACEHOLDER_HELP: dict[str, str] = {
    "first_name": "the recipient's first name",
    "full_name": "the recipient's full name",
    "title": "the recipient's job title",
    "company": "the company",
    "role": "the role you applied for",
    "round_date": "the day of the interview, such as “Tuesday 24 November”",
    "round_title": "the interview's title, such as “Technical interview”",
    "discussed": "what you discussed with this person",
    "user_name": "your name",
    "signature": "your signature (your name when you have not set one)",
    "recruiter_name": "the agency recruiter's name",
    "agency_name": "the staffing agency's name",
    "offer_deadline": "the offer's deadline, such as “Friday 28 November at 17:00”",
    "expected_date": "when you expected an answer, such as “Monday 1 December”",
}
PLACEHOLDERS: tuple[str, ...] = tuple(PLACEHOLDER_HELP)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir",
                         "dame", "herr", "frau", "mme", "mlle", "m"})


class ContextProblem(LookupError):
    """The data a template needs is not there (a deleted round or interviewer, say)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sample_context() -> dict[str, str]:
    """Example values for every placeholder, for previews without real data."""
    return {
        "first_name": "Priya",
        "full_name": "Priya Raman",
        "title": "Staff Data Engineer",
        "company": "Lumen Analytics",
        "role": "Senior Data Engineer",
        "round_date": "Tuesday 24 November",
        "round_title": "Technical interview",
        "discussed": "data contracts and how I test pipelines",
        "user_name": "Sam Rivera",
        "signature": "Sam Rivera",
        "recruiter_name": "Hannah Okafor",
        "agency_name": "Brightpath Talent",
        "offer_deadline": "Friday 27 November at 17:00",
        "expected_date": "Tuesday 1 December",
    }


# -- text -----------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and runs of spaces become one space."""
    return " ".join((text or "").split())


def normalise_newlines(text: str) -> str:
    """``text`` with every line break (``\\r\\n``, ``\\r``) as ``\\n``."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def format_day(day: date, today: date | None = None) -> str:
    """``day`` as “Tuesday 24 November” (with the year when it is not this year), in English."""
    today = today or clock.today()
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def first_name_of(full_name: str) -> str:
    """The first name in ``full_name``, past a title such as “Dr.” or “Ms”."""
    words = (full_name or "").split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in _HONORIFICS:
        words = words[1:]
    return words[0] if words else ""


def _is_titlecase(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:] == word[1:].lower()


def _clean_discussed(text: str) -> str:
    """One line with no trailing full stop, so it fits mid-sentence (“about {{ discussed }}.”).

    A capital on the first word is lowered (“Data contracts” → “data
    contracts”), except for what looks like a name or an acronym: a word with
    capitals inside (HIPAA, JavaScript), the word “I”, or one followed by
    a capitalised word (New York, Google Cloud).
    """
    text = one_line(text).rstrip(" .;,")
    words = text.split(" ")
    first = words[0] if words else ""
    next_word = words[1] if len(words) > 1 else ""
    if (len(first) > 1 and first[0].isupper() and first[1:] == first[1:].lower()
            and first.isalpha() and not _is_titlecase(next_word)):
        text = first[0].lower() + text[1:]
    return text


def _zone(name: str | None):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _join_topics(people) -> str:
    topics = [f"{_clean_discussed(p.discussed)} with {p.name}" for p in people
              if one_line(p.discussed)]
    if len(topics) <= 1:
        return topics[0] if topics else ""
    return ", ".join(topics[:-1]) + ", and " + topics[-1]


# -- the values of one message ----------------------------------------------------------------


def context_for(application_id: int, round_id: int | None, interviewer_id: int | None,
                template_key: str) -> dict[str, str]:
    """Every placeholder of :data:`PLACEHOLDERS` for one message, from the database.

    The recipient is the recruiter for ``agency_update`` (and for any
    template on an agency application when no interviewer is given), the
    interviewer ``interviewer_id`` when given, or else the application's HR
    contact. Without ``round_id`` the latest round that has started is used.
    Dates are in the round's (or the offer deadline's) own time zone.
    Raises :class:`services.applications.loading.ApplicationNotFoundError` or
    :class:`ContextProblem`.
    """
    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    rnd = _round_of(app, round_id)
    people = []
    if rnd is not None:
        people = list(rnd.interviewers.order_by(Interviewer.position, Interviewer.id))
    person = _interviewer_of(app, rnd, interviewer_id)
    full_name, title, discussed = _recipient(app, people, person, template_key)
    round_title, round_date, expected_date = _round_days(rnd)
    user_name = one_line(str(settings.get("user.name") or ""))
    signature = normalise_newlines(str(settings.get("user.signature") or "")).strip("\n")
    return {
        "first_name": first_name_of(full_name),
        "full_name": one_line(full_name),
        "title": one_line(title),
        "company": one_line(app.company),
        "role": one_line(app.role),
        "round_date": round_date,
        "round_title": one_line(round_title),
        "discussed": _clean_discussed(discussed),
        "user_name": user_name,
        "signature": signature or user_name,
        "recruiter_name": one_line(app.recruiter_name if app.is_agency else ""),
        "agency_name": one_line(app.agency_name if app.is_agency else ""),
        "offer_deadline": _offer_deadline(app),
        "expected_date": expected_date,
    }


def _round_of(app: Application, round_id: int | None) -> InterviewRound | None:
    """The round ``round_id`` of ``app``; without one, the latest that has started."""
    if round_id is None:
        now = clock.now()
        started = [r for r in app.rounds if r.starts_at is not None and r.starts_at <= now
                   and not r.cancelled]
        return max(started, key=lambda r: r.starts_at, default=None)
    rnd = InterviewRound.get_or_none(InterviewRound.id == round_id)
    if rnd is None or rnd.application_id != app.id:
        raise ContextProblem(
            f"That interview is no longer part of the application at {app.company}; "
            "it may have been deleted. Reopen the composer from the interview."
        )
    return rnd


def _interviewer_of(app: Application, rnd: InterviewRound | None,
                    interviewer_id: int | None) -> Interviewer | None:
    """The interviewer ``interviewer_id``, who must belong to ``rnd`` (or to ``app``)."""
    if interviewer_id is None:
        return None
    person = Interviewer.get_or_none(Interviewer.id == interviewer_id)
    if person is None or (rnd is not None and person.round_id != rnd.id) or (
            rnd is None and person.round.application_id != app.id):
        raise ContextProblem(
            "That interviewer is no longer part of this interview; they may have been "
            "removed. Reopen the composer from the interview."
        )
    return person


def _recipient(app: Application, people: list[Interviewer], person: Interviewer | None,
               template_key: str) -> tuple[str, str, str]:
    """The recipient's full name and title, and what was discussed with them."""
    if template_key == "agency_update" or (person is None and app.is_agency):
        title = f"Recruiter at {app.agency_name}" if app.agency_name else "Recruiter"
        return app.recruiter_name, title, _join_topics(people)
    if person is not None:
        return person.name, person.title, person.discussed
    # The HR contact; when they also interviewed the user, their topic is used.
    same = [p for p in people if (app.contact_email and p.email.casefold()
                                  == app.contact_email.casefold())
            or (app.contact_name and p.name.casefold() == app.contact_name.casefold())]
    return app.contact_name, "", same[0].discussed if same else ""


def _round_days(rnd: InterviewRound | None) -> tuple[str, str, str]:
    """The round's title, its day and the day an answer was expected, in its own zone."""
    if rnd is None:
        return "", "", ""
    if rnd.starts_at is None:
        return rnd.title or "Interview", "", ""
    local_day = rnd.starts_at.astimezone(_zone(rnd.tz_name)).date()
    default_days = settings.get("outlook.default_response_business_days")
    expected = expected_response(
        local_day, rnd.timeframe_value, rnd.timeframe_unit,
        int(default_days) if isinstance(default_days, int) else 10,
    )
    return rnd.title or "Interview", format_day(local_day), format_day(expected.date)


def _offer_deadline(app: Application) -> str:
    """The deadline of the application's earliest pending offer, in the deadline's zone."""
    offer = (Offer.select()
             .where((Offer.application == app) & (Offer.status == OfferStatus.PENDING.value)
                    & Offer.deadline_at.is_null(False))
             .order_by(Offer.deadline_at).first())
    if offer is None:
        return ""
    local = offer.deadline_at.astimezone(_zone(offer.deadline_tz))
    return f"{format_day(local.date())} at {local:%H:%M}"


def preview_context() -> tuple[dict, str]:
    """Placeholder values for the template editor's preview: the latest past interview with
    its first interviewer (or the latest one to come), else example values; with a line
    saying which."""
    now = clock.now()
    choices = round_choices()  # newest first; past interviews are what notes are about
    past = [c for c in choices if c.starts_at is not None and c.starts_at <= now]
    for choice in past + [c for c in choices if c not in past]:
        person = first_interviewer(choice.round_id)
        if person is None:
            continue
        context = context_for(choice.application_id, choice.round_id, person[0], "thank_you")
        return context, f"Preview with {person[1]}, {choice.label()}"
    return sample_context(), "Preview with example values (no interview with interviewers yet)"
