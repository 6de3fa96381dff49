"""Interview rounds, their interviewers and what the end of each round signalled."""

from __future__ import annotations

import peewee

from models.application import Application
from models.base import BaseModel, UTCDateTimeField, new_uid, utc_now
from models.values import TimeframeUnit

__all__ = ["InterviewRound", "Interviewer", "RoundSignal", "TimeframeUnit"]


class InterviewRound(BaseModel):
    """One interview: when (a UTC instant plus the zone it was set in), where, and how it ended."""

    uid = peewee.CharField(unique=True, default=new_uid)
    application = peewee.ForeignKeyField(Application, backref="rounds", on_delete="CASCADE")
    title = peewee.CharField(default="")
    starts_at = UTCDateTimeField(null=True, index=True)
    tz_name = peewee.CharField(default="UTC")
    duration_minutes = peewee.IntegerField(default=60)
    location = peewee.TextField(default="")
    video_link = peewee.TextField(default="")
    cancelled = peewee.BooleanField(default=False)
    closing_phrase = peewee.TextField(default="")
    asked_timeframe = peewee.BooleanField(default=False)
    timeframe_value = peewee.IntegerField(null=True)
    timeframe_unit = peewee.CharField(null=True)
    notes = peewee.TextField(default="")
    ical_uid = peewee.CharField(null=True, index=True)
    ical_sequence = peewee.IntegerField(default=0)
    created_at = UTCDateTimeField(default=utc_now)
    updated_at = UTCDateTimeField(default=utc_now)


class Interviewer(BaseModel):
    """A person who interviewed the user in a round."""

    uid = peewee.CharField(unique=True, default=new_uid)
    round = peewee.ForeignKeyField(InterviewRound, backref="interviewers", on_delete="CASCADE")
    position = peewee.IntegerField(default=0)
    name = peewee.CharField()
    title = peewee.CharField(default="")
    email = peewee.CharField(default="")
    discussed = peewee.TextField(default="")


class RoundSignal(BaseModel):
    """One signal the user noticed at the end of a round (keys in
    services.applications.prospects)."""

    round = peewee.ForeignKeyField(InterviewRound, backref="signals", on_delete="CASCADE")
    signal = peewee.CharField()

    class Meta:
        indexes = ((("round", "signal"), True),)
