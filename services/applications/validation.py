"""Whether the editor's data can be saved: every problem at once, each a sentence.

The rest of the app calls :func:`validate` (field path → sentence; empty when
the data can be saved) and catches :class:`ValidationError`, which
:func:`services.applications.saving.save` raises with the same problems.
Field paths look like ``"company"``, ``"rounds[0].duration_minutes"`` or
``"rounds[1].interviewers[0].email"``; each sentence says what is wrong and
what to do. Validation never changes the user's text. The sentences about one
value (an email address, a zone, a link) are in
:mod:`services.applications.field_problems`.

:data:`MAX_DURATION_MINUTES` is the longest interview the app accepts; the
calendar uses the same limit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from models.values import Channel, Stage
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from services.applications.field_problems import (
    email_problem,
    quoted,
    text_of,
    url_problem,
    zone_problem,
)
from services.applications.prospects import SIGNALS_BY_KEY, timeframe_problem

__all__ = ["MAX_DURATION_MINUTES", "ValidationError", "validate"]

#: The longest interview accepted, in minutes.
MAX_DURATION_MINUTES = 24 * 60


class ValidationError(Exception):
    """The data cannot be saved; ``problems`` maps each field path to a sentence for the user.

    ``str(exc)`` is the first sentence.
    """

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.values()), "The application cannot be saved.")
        super().__init__(first)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(data: ApplicationData) -> dict[str, str]:
    """Every problem that keeps ``data`` from being saved, as field path → sentence.

    An empty dict means the data can be saved. Nothing in ``data`` is changed.
    """
    problems: dict[str, str] = {}
    if not text_of(data.company).strip():
        problems["company"] = "Enter the company's name; every application needs one."
    if not text_of(data.role).strip():
        problems["role"] = "Enter the role you applied for; every application needs one."
    url = url_problem(data.posting_url)
    if url:
        problems["posting_url"] = url
    _check_channel(data, problems)
    for key in ("recruiter_email", "contact_email"):
        mail = email_problem(getattr(data, key))
        if mail:
            problems[key] = mail
    if data.stage not in {s.value for s in Stage}:
        problems["stage"] = (
            f"{quoted(text_of(data.stage))} is not a stage the app knows; choose one from the list."
        )
    if data.applied_on is not None and (
        not isinstance(data.applied_on, date) or isinstance(data.applied_on, datetime)
    ):
        problems["applied_on"] = "Enter the date you applied as a day, or leave it empty."
    for index, rnd in enumerate(data.rounds):
        _check_round(index, rnd, problems)
    return problems


def _check_channel(data: ApplicationData, problems: dict[str, str]) -> None:
    """A known way of applying, and the agency's name when through an agency."""
    if data.channel not in {c.value for c in Channel}:
        problems["channel"] = (
            f"{quoted(text_of(data.channel))} is not a way of applying the app knows; "
            "choose “directly” or “through a staffing agency”."
        )
    elif data.channel == Channel.AGENCY.value and not text_of(data.agency_name).strip():
        problems["agency_name"] = (
            "Enter the staffing agency's name, or choose “directly” if you applied yourself."
        )


# -- one round --------------------------------------------------------------------------------


def _check_round(index: int, rnd: RoundData, problems: dict[str, str]) -> None:
    """Add the problems of round ``index`` (its length, zone, start, time frame, signals and
    interviewers) to ``problems``, keyed ``rounds[index]....``."""
    prefix = f"rounds[{index}]"
    number = index + 1
    found = {
        "duration_minutes": _duration_problem(rnd.duration_minutes, number),
        "tz_name": zone_problem(rnd.tz_name),
        "starts_at": _start_problem(rnd.starts_at, number),
        "timeframe_value": _timeframe_problem(rnd),
        "signals": _signals_problem(rnd.signals),
    }
    for key, sentence in found.items():
        if sentence:
            problems[f"{prefix}.{key}"] = sentence
    for j, person in enumerate(rnd.interviewers):
        _check_interviewer(f"{prefix}.interviewers[{j}]", j + 1, number, person, problems)


def _duration_problem(duration: Any, number: int) -> str | None:
    if not _is_int(duration):
        return f"Enter the length of interview {number} as a whole number of minutes."
    if duration <= 0:
        return (
            f"Interview {number} ends before it starts; give it a duration of at least "
            "one minute."
        )
    if duration > MAX_DURATION_MINUTES:
        return (
            f"Interview {number} would last more than 24 hours; check the duration "
            "(it is in minutes)."
        )
    return None


def _start_problem(starts_at: Any, number: int) -> str | None:
    if starts_at is None:
        return None
    if not isinstance(starts_at, datetime):
        return f"Enter the date and time of interview {number}, or leave it empty."
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        return (
            f"The start of interview {number} has no time zone; choose the zone "
            "it takes place in."
        )
    return None


def _timeframe_problem(rnd: RoundData) -> str | None:
    value = rnd.timeframe_value
    if value is not None and not _is_int(value):
        return "Enter the time frame as a whole number, or leave it empty if none was given."
    return timeframe_problem(value, rnd.timeframe_unit)


def _signals_problem(signals: Any) -> str | None:
    unknown = sorted(str(key) for key in (signals or ()) if key not in SIGNALS_BY_KEY)
    if not unknown:
        return None
    return (
        f"{', '.join(quoted(key) for key in unknown)} "
        f"{'is not a signal' if len(unknown) == 1 else 'are not signals'} the app knows; "
        f"untick {'it' if len(unknown) == 1 else 'them'} and choose from the list."
    )


def _check_interviewer(prefix: str, position: int, number: int, person: InterviewerData,
                       problems: dict[str, str]) -> None:
    """A name for a filled-in interviewer row, and a usable email address."""
    filled = any(
        text_of(v).strip() for v in (person.name, person.title, person.email, person.discussed)
    )
    if filled and not text_of(person.name).strip():
        problems[f"{prefix}.name"] = (
            f"Interviewer {position} of interview {number} needs a name; enter it, "
            "or clear the row to remove this interviewer."
        )
    mail = email_problem(person.email)
    if mail:
        problems[f"{prefix}.email"] = mail
