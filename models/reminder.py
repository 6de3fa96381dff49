"""Reminders: derived from the data or added by the user, each with its state."""

from __future__ import annotations

import peewee

from models.application import Application
from models.base import BaseModel, UTCDateTimeField, new_uid, utc_now
from models.values import ReminderState

__all__ = ["Reminder", "ReminderState"]


class Reminder(BaseModel):
    """A reminder with a due instant. ``key`` identifies a derived one across recomputations."""

    uid = peewee.CharField(unique=True, default=new_uid)
    key = peewee.CharField(unique=True)
    kind = peewee.CharField(index=True)
    application = peewee.ForeignKeyField(
        Application, backref="reminders", null=True, on_delete="CASCADE"
    )
    due_at = UTCDateTimeField(index=True)
    text = peewee.TextField(default="")
    custom = peewee.BooleanField(default=False)
    state = peewee.CharField(default=ReminderState.PENDING.value, index=True)
    snoozed_until = UTCDateTimeField(null=True)
    shown_at = UTCDateTimeField(null=True)
    done_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utc_now)

    class Meta:
        # The earliest pending due instant is one lookup in this covering index, and the
        # earliest snooze end a scan of its snoozed entries (services.reminders.queries.
        # next_due_instant), whatever the number of reminders. Named
        # reminder_state_due_at_snoozed_until (services.reminders.queries.DUE_INDEX).
        indexes = ((("state", "due_at", "snoozed_until"), False),)
