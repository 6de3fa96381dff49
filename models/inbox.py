"""Mail read from the user's mailbox: where each folder's reading stopped, the replies
matched to an application, and the Message-IDs of the messages that matched none."""

from __future__ import annotations

import peewee

from models.application import Application
from models.base import BaseModel, UTCDateTimeField, new_uid, utc_now
from models.email import Email
from models.values import InboxState, SentCopyState

__all__ = [
    "IgnoredMessage", "InboxMessage", "InboxState", "MailFolder", "SentCopy", "SentCopyState",
]


class MailFolder(BaseModel):
    """How far one mailbox folder has been read: its ``UIDVALIDITY`` and the last UID seen.

    A folder whose ``UIDVALIDITY`` changed is read again from the start; the
    Message-IDs already kept keep it from doubling anything.
    """

    name = peewee.CharField(unique=True)
    uid_validity = peewee.IntegerField(default=0)
    last_uid = peewee.IntegerField(default=0)
    checked_at = UTCDateTimeField(null=True)


class InboxMessage(BaseModel):
    """One incoming message about an application, what it means and what the user did.

    ``application`` is empty while two applications fit and the user has not
    chosen (``candidates`` holds their uids, space-separated). ``reasons`` is a
    JSON list of sentences; ``match_reason`` says how the message was matched.
    """

    uid = peewee.CharField(unique=True, default=new_uid)
    message_id = peewee.CharField(unique=True)
    application = peewee.ForeignKeyField(
        Application, backref="inbox_messages", null=True, on_delete="CASCADE"
    )
    candidates = peewee.TextField(default="")
    folder = peewee.CharField(default="")
    from_name = peewee.CharField(default="")
    from_address = peewee.CharField(default="")
    subject = peewee.TextField(default="")
    sent_at = UTCDateTimeField()
    in_reply_to = peewee.TextField(default="")
    references = peewee.TextField(default="")
    kind = peewee.CharField(default="other")
    suggested_stage = peewee.CharField(null=True)
    reasons = peewee.TextField(default="[]")
    match_reason = peewee.TextField(default="")
    match_strength = peewee.IntegerField(default=0)
    deadline = peewee.DateField(null=True)
    text = peewee.TextField(default="")
    calendar_text = peewee.TextField(default="")
    state = peewee.CharField(default=InboxState.NEW.value, index=True)
    notified = peewee.BooleanField(default=False)
    received_at = UTCDateTimeField(default=utc_now)
    handled_at = UTCDateTimeField(null=True)


class IgnoredMessage(BaseModel):
    """A message read and matched to no application: only its Message-ID is kept."""

    message_id = peewee.CharField(unique=True)
    seen_at = UTCDateTimeField(default=utc_now)


class SentCopy(BaseModel):
    """A sent note whose copy still has to reach (or has reached) the Sent folder.

    ``raw`` holds the exact bytes that went out, read as Latin-1 (which turns any
    bytes into text and back unchanged), until the copy is appended; then it is emptied.
    """

    email = peewee.ForeignKeyField(Email, backref="sent_copies", unique=True,
                                   on_delete="CASCADE")
    raw = peewee.TextField(default="")
    state = peewee.CharField(default=SentCopyState.PENDING.value, index=True)
    attempts = peewee.IntegerField(default=0)
    error = peewee.TextField(default="")
    told = peewee.BooleanField(default=False)
    updated_at = UTCDateTimeField(default=utc_now)
