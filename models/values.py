"""The fixed values stored in the database (stages, channels, states, units).

Plain enums with no ORM import, so start-up code and pure services can use them.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where an application stands. The values are stored in the database."""

    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    AWAITING_RESPONSE = "awaiting_response"
    OFFER = "offer"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    NO_RESPONSE = "no_response"

    @property
    def label(self) -> str:
        """The stage as the user reads it."""
        return STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """True while the process is still going on."""
        return self in OPEN_STAGES


STAGE_LABELS = {
    Stage.APPLIED: "Applied",
    Stage.INTERVIEWING: "Interviewing",
    Stage.AWAITING_RESPONSE: "Awaiting response",
    Stage.OFFER: "Offer",
    Stage.ACCEPTED: "Accepted",
    Stage.DECLINED: "Declined",
    Stage.REJECTED: "Rejected",
    Stage.WITHDRAWN: "Withdrawn",
    Stage.NO_RESPONSE: "No response",
}

OPEN_STAGES = frozenset({Stage.APPLIED, Stage.INTERVIEWING, Stage.AWAITING_RESPONSE, Stage.OFFER})


class Channel(StrEnum):
    """How the user applied."""

    DIRECT = "direct"
    AGENCY = "agency"


class OfferStatus(StrEnum):
    """What the user did with an offer."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class TimeframeUnit(StrEnum):
    """The unit of the answer to "how long does the process take?"."""

    DAYS = "days"
    BUSINESS_DAYS = "business_days"
    WEEKS = "weeks"


class EmailState(StrEnum):
    """An email's place in its life: draft → queued → sending → sent, failed or uncertain."""

    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    MARKED_SENT = "marked_sent"


class ReminderState(StrEnum):
    """Whether a reminder is waiting, was shown, is snoozed or is done."""

    PENDING = "pending"
    SHOWN = "shown"
    SNOOZED = "snoozed"
    DONE = "done"


TIMEFRAME_UNIT_LABELS = {
    TimeframeUnit.DAYS: "days",
    TimeframeUnit.BUSINESS_DAYS: "business days",
    TimeframeUnit.WEEKS: "weeks",
}


class InboxState(StrEnum):
    """What the user did with a message matched to an application."""

    NEW = "new"  # not yet opened
    READ = "read"  # opened, nothing done
    ACTED = "acted"  # the suggested action was taken
    DISMISSED = "dismissed"  # put aside
    NOT_THIS = "not_this"  # "Not about this application"


class SentCopyState(StrEnum):
    """Where the copy of a sent note stands in the account's Sent folder."""

    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"  # the provider keeps its own copy (Gmail)
