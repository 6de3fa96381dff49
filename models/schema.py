"""The list of tables and the schema version recorded in the database."""

from __future__ import annotations

import peewee

from models.application import Application, Offer, StageChange
from models.base import BaseModel, UTCDateTimeField, utc_now
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage, MailFolder, SentCopy
from models.interview import Interviewer, InterviewRound, RoundSignal
from models.list_key import ListKey
from models.reminder import Reminder
from models.settings import Setting, Template
from models.version import CURRENT_VERSION

__all__ = ["ALL_MODELS", "CURRENT_VERSION", "SchemaVersion"]


class SchemaVersion(BaseModel):
    """One row per schema version the database has been brought to."""

    version = peewee.IntegerField(primary_key=True)
    applied_at = UTCDateTimeField(default=utc_now)


#: Every table of the current schema, in dependency order.
ALL_MODELS: list[type[BaseModel]] = [
    SchemaVersion,
    Application,
    StageChange,
    Offer,
    InterviewRound,
    Interviewer,
    RoundSignal,
    ListKey,
    Email,
    Reminder,
    Template,
    Setting,
    MailFolder,
    InboxMessage,
    IgnoredMessage,
    SentCopy,
]
