"""Emails composed in the app: drafts, the outbox and what was sent."""

from __future__ import annotations

import peewee

from models.application import Application
from models.base import BaseModel, UTCDateTimeField, new_uid, utc_now
from models.interview import Interviewer, InterviewRound
from models.values import EmailState

__all__ = ["Email", "EmailState"]


class Email(BaseModel):
    """One message to one recipient, kept from its first draft to its delivery."""

    uid = peewee.CharField(unique=True, default=new_uid)
    application = peewee.ForeignKeyField(Application, backref="emails", on_delete="CASCADE")
    round = peewee.ForeignKeyField(
        InterviewRound, backref="emails", null=True, on_delete="SET NULL"
    )
    interviewer = peewee.ForeignKeyField(
        Interviewer, backref="emails", null=True, on_delete="SET NULL"
    )
    template_key = peewee.CharField(default="")
    to_name = peewee.CharField(default="")
    to_address = peewee.CharField(default="")
    subject = peewee.TextField(default="")
    body = peewee.TextField(default="")
    state = peewee.CharField(default=EmailState.DRAFT.value, index=True)
    message_id = peewee.CharField(null=True, unique=True)
    attempts = peewee.IntegerField(default=0)
    error = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utc_now)
    updated_at = UTCDateTimeField(default=utc_now)
    sent_at = UTCDateTimeField(null=True)
    # Threading of a reply to a message read from the mailbox (schema 4). The SQL default
    # lets the upgrade add them to a table that already has rows.
    in_reply_to = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    references = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
