"""Applications, their stage history and their offers."""

from __future__ import annotations

import peewee

from models.base import BaseModel, UTCDateTimeField, new_uid, utc_now
from models.values import OPEN_STAGES, STAGE_LABELS, Channel, OfferStatus, Stage

__all__ = [
    "OPEN_STAGES", "STAGE_LABELS", "Application", "Channel", "Offer", "OfferStatus", "Stage",
    "StageChange",
]


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
