"""Applications, their stage history and their offers."""

from __future__ import annotations

from enum import StrEnum

import peewee

from models.base import BaseModel, UTCDateTimeField, new_uid, utc_now


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


class Application(BaseModel):
    """One job the user applied for, directly or through a staffing agency."""

    uid = peewee.CharField(unique=True, default=new_uid)
    company = peewee.CharField()
    role = peewee.CharField()
    posting_url = peewee.TextField(default="")
    channel = peewee.CharField(default=Channel.DIRECT.value)
    agency_name = peewee.CharField(default="")
    recruiter_name = peewee.CharField(default="")
    recruiter_email = peewee.CharField(default="")
    contact_name = peewee.CharField(default="")
    contact_email = peewee.CharField(default="")
    stage = peewee.CharField(default=Stage.APPLIED.value, index=True)
    salary_notes = peewee.TextField(default="")
    notes = peewee.TextField(default="")
    applied_on = peewee.DateField(null=True)
    created_at = UTCDateTimeField(default=utc_now)
    updated_at = UTCDateTimeField(default=utc_now)

    @property
    def is_agency(self) -> bool:
        """True when the application came through a staffing agency."""
        return self.channel == Channel.AGENCY.value


class StageChange(BaseModel):
    """One entry of an application's stage history."""

    application = peewee.ForeignKeyField(
        Application, backref="stage_changes", on_delete="CASCADE"
    )
    from_stage = peewee.CharField(null=True)
    to_stage = peewee.CharField()
    changed_at = UTCDateTimeField(default=utc_now)
    note = peewee.TextField(default="")


class OfferStatus(StrEnum):
    """What the user did with an offer."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Offer(BaseModel):
    """An offer received on an application, with its deadline."""

    uid = peewee.CharField(unique=True, default=new_uid)
    application = peewee.ForeignKeyField(Application, backref="offers", on_delete="CASCADE")
    received_on = peewee.DateField(null=True)
    deadline_at = UTCDateTimeField(null=True)
    deadline_tz = peewee.CharField(default="UTC")
    amount = peewee.DecimalField(max_digits=14, decimal_places=2, null=True)
    currency = peewee.CharField(default="")
    status = peewee.CharField(default=OfferStatus.PENDING.value)
    notes = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utc_now)
