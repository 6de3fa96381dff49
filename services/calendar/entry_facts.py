"""What the rules of the dated entries take: the facts of each source row, and the settings.

:class:`RoundFacts` (an interview round), :class:`ResponseFacts` (an open
application's latest round), :class:`OfferFacts` and :class:`ReminderFacts`
are plain values, read from the database by
:mod:`services.calendar.fact_queries` or built by hand in tests;
:class:`Rules` holds the settings the rules depend on. The rules themselves
are in :mod:`services.calendar.entry_rules`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from services.applications.prospects import DEFAULT_RESPONSE_BUSINESS_DAYS
from services.applications.validation import MAX_DURATION_MINUTES
from services.calendar.entry_types import Person

__all__ = [
    "DEFAULT_RULES",
    "OfferFacts",
    "ReminderFacts",
    "ResponseFacts",
    "RoundFacts",
    "Rules",
]


class Rules(NamedTuple):
    """The settings the rules depend on (see
    :func:`services.calendar.fact_queries.rules_from_settings`)."""

    follow_up_grace_business_days: int = 2
    default_response_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS
    thanks_after_hours: int = 2


#: The rules with every setting at its default.
DEFAULT_RULES = Rules()


class RoundFacts(NamedTuple):
    """One interview round with what the rules need to know about it.

    ``unthanked`` are the interviewers with no sent email yet; ``thanks_sent``
    is True when an email linked to the round (or, for an agency application,
    to the recruiter) was sent after it started.
    """

    round_id: int
    round_uid: str
    application_id: int
    application_uid: str
    company: str
    role: str
    is_agency: bool
    agency_name: str
    recruiter_name: str
    title: str
    starts_at: datetime
    tz_name: str
    duration_minutes: int
    location: str = ""
    video_link: str = ""
    cancelled: bool = False
    updated_at: datetime | None = None
    interviewers: tuple[Person, ...] = ()
    unthanked: tuple[str, ...] = ()
    thanks_sent: bool = False

    @property
    def ends_at(self) -> datetime:
        """The end of the round (its duration, kept between 1 minute and 24 hours)."""
        minutes = self.duration_minutes
        if not (isinstance(minutes, int) and 1 <= minutes <= MAX_DURATION_MINUTES):
            minutes = min(max(int(minutes or 0), 1), MAX_DURATION_MINUTES)
        return self.starts_at + timedelta(minutes=minutes)


class ResponseFacts(NamedTuple):
    """An application with its latest round that has started: what the response dates need."""

    application_id: int
    application_uid: str
    company: str
    role: str
    stage: str
    is_agency: bool
    agency_name: str
    recruiter_name: str
    round_id: int
    round_title: str
    starts_at: datetime
    tz_name: str
    timeframe_value: int | None
    timeframe_unit: str | None
    updated_at: datetime | None = None


class OfferFacts(NamedTuple):
    """An offer with its deadline."""

    offer_uid: str
    application_id: int
    application_uid: str
    company: str
    role: str
    status: str
    deadline_at: datetime | None
    deadline_tz: str


class ReminderFacts(NamedTuple):
    """A reminder the user added; ``company``/``role`` are empty without an application."""

    reminder_uid: str
    application_id: int | None
    application_uid: str | None
    company: str
    role: str
    text: str
    due_at: datetime
    custom: bool
    state: str
