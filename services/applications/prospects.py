"""What the end of an interview signals, and when to expect an answer.

Nobody can read a hiring decision from the last five minutes of an
interview, so the outlook is deliberately modest: a transparent sum of
the signals the user noticed, with the reasons that produced it, and the
same plan whatever it says. The weights:

* each positive signal adds its weight (1 or 2), each negative one
  subtracts its weight;
* a score of +3 or more reads "leaning positive", -2 or less "leaning
  negative", anything between "undecided";
* with no signals at all the outlook is "undecided".

The expected response date comes from the time frame the user was given,
counted from the day of the interview: business days (Monday to Friday)
when the answer was in business days, calendar days or weeks otherwise.
Without an answer, :data:`DEFAULT_RESPONSE_BUSINESS_DAYS` business days
are assumed, and the date says it was assumed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from models.values import TIMEFRAME_UNIT_LABELS, TimeframeUnit

#: Business days assumed when the user was given no time frame.
DEFAULT_RESPONSE_BUSINESS_DAYS = 10
#: The longest time frame accepted, in calendar days (about a year).
MAX_TIMEFRAME_DAYS = 366

HR_PHRASE = "HR will contact you about next steps"
CLOSING_PHRASE_PRESETS = (
    HR_PHRASE,
    "We'll be in touch soon.",
    "We have a few more candidates to see.",
    "We'd like to move quickly.",
)


class Signal(NamedTuple):
    """A signal the user may have noticed at the end of an interview."""

    key: str
    label: str
    weight: int  # positive or negative
    reason: str


SIGNALS: tuple[Signal, ...] = (
    Signal("explained_next_steps", "Explained the next steps in detail", 2,
           "They walked you through the next steps in detail."),
    Signal("gave_timeframe", "Gave a time frame", 1,
           "They gave you a time frame for their answer."),
    Signal("discussed_start_date", "Talked about a start date", 2,
           "They talked about when you could start."),
    Signal("asked_references", "Asked for references", 2,
           "They asked for your references."),
    Signal("introduced_colleagues", "Introduced you to colleagues", 1,
           "They introduced you to future colleagues."),
    Signal("vague_next_steps", "Was vague about what happens next", -1,
           "They were vague about what happens next."),
    Signal("shrugged", "Shrugged off your questions", -1,
           "They shrugged off your questions."),
    Signal("avoided_eye_contact", "Avoided eye contact", -1,
           "They avoided eye contact at the end."),
    Signal("little_say", "Said they have little say in the decision", -1,
           "The interviewer said they have little say in the decision."),
)
SIGNALS_BY_KEY = {signal.key: signal for signal in SIGNALS}
POSITIVE_KEYS = tuple(s.key for s in SIGNALS if s.weight > 0)
NEGATIVE_KEYS = tuple(s.key for s in SIGNALS if s.weight < 0)

POSITIVE_THRESHOLD = 3
NEGATIVE_THRESHOLD = -2


class Verdict(StrEnum):
    """The three readings of an interview's ending."""

    POSITIVE = "leaning_positive"
    UNDECIDED = "undecided"
    NEGATIVE = "leaning_negative"

    @property
    def label(self) -> str:
        """The verdict as the user reads it."""
        return {
            Verdict.POSITIVE: "Leaning positive",
            Verdict.UNDECIDED: "Undecided",
            Verdict.NEGATIVE: "Leaning negative",
        }[self]


PLAN = (
    "Treat it as undecided until you have an answer in writing.",
    "Keep applying and keep your other interviews.",
    "Follow up if you have heard nothing by the expected date.",
)


class Outlook(NamedTuple):
    """A reading of the signals: the verdict, its score, the reasons and the plan."""

    verdict: Verdict
    score: int
    reasons: tuple[str, ...]
    plan: tuple[str, ...] = PLAN

    def summary(self) -> str:
        """One sentence for the editor."""
        if not self.reasons:
            return "No signals noted yet, so nobody can tell. That is normal."
        return f"{self.verdict.label} (score {self.score:+d}), but nobody can tell yet."


def assess(signals: Iterable[str]) -> Outlook:
    """Read the signals (keys of :data:`SIGNALS`; unknown keys are ignored)."""
    noticed = [SIGNALS_BY_KEY[key] for key in dict.fromkeys(signals) if key in SIGNALS_BY_KEY]
    noticed.sort(key=lambda s: SIGNALS.index(s))
    score = sum(signal.weight for signal in noticed)
    if noticed and score >= POSITIVE_THRESHOLD:
        verdict = Verdict.POSITIVE
    elif noticed and score <= NEGATIVE_THRESHOLD:
        verdict = Verdict.NEGATIVE
    else:
        verdict = Verdict.UNDECIDED
    reasons = tuple(
        f"{'+' if s.weight > 0 else '−'}{abs(s.weight)}  {s.reason}" for s in noticed
    )
    return Outlook(verdict, score, reasons)


def timeframe_problem(value: int | None, unit: str | None) -> str | None:
    """A sentence saying what is wrong with a time frame, or None when it is usable."""
    if value is None:
        return None
    try:
        unit_enum = TimeframeUnit(unit)
    except ValueError:
        return "Choose whether the time frame is in days, business days or weeks."
    if value <= 0:
        return "A time frame must be at least one day; leave it empty if none was given."
    days = value * 7 if unit_enum == TimeframeUnit.WEEKS else value
    if unit_enum == TimeframeUnit.BUSINESS_DAYS:
        days = value * 7 // 5
    if days > MAX_TIMEFRAME_DAYS:
        return (f"{value} {TIMEFRAME_UNIT_LABELS[unit_enum]} is more than a year; check the number "
                "(it is counted from the interview).")
    return None


def add_business_days(start: date, count: int) -> date:
    """The date ``count`` business days (Monday to Friday) after ``start``."""
    day = start
    added = 0
    while added < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


class ExpectedResponse(NamedTuple):
    """When to expect an answer, and how that date was reached."""

    date: date
    assumed: bool
    basis: str


def expected_response(
    interview_day: date,
    value: int | None,
    unit: str | None,
    default_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS,
) -> ExpectedResponse:
    """The expected response date for an interview on ``interview_day``."""
    if value is None or timeframe_problem(value, unit) is not None:
        when = add_business_days(interview_day, default_business_days)
        return ExpectedResponse(
            when, True,
            f"No time frame noted, so {default_business_days} business days are assumed.",
        )
    unit_enum = TimeframeUnit(unit)
    if unit_enum == TimeframeUnit.BUSINESS_DAYS:
        when = add_business_days(interview_day, value)
    elif unit_enum == TimeframeUnit.WEEKS:
        when = interview_day + timedelta(weeks=value)
    else:
        when = interview_day + timedelta(days=value)
    return ExpectedResponse(when, False, f"They said {value} {TIMEFRAME_UNIT_LABELS[unit_enum]}.")
