"""Email templates and key-value settings."""

from __future__ import annotations

import peewee

from models.base import BaseModel, UTCDateTimeField, utc_now


class Template(BaseModel):
    """An email template; built-in ones are seeded from resources and may be edited."""

    key = peewee.CharField(unique=True)
    name = peewee.CharField()
    subject = peewee.TextField(default="")
    body = peewee.TextField(default="")
    builtin = peewee.BooleanField(default=False)
    updated_at = UTCDateTimeField(default=utc_now)


class Setting(BaseModel):
    """One setting; the value is JSON text. Secrets are never stored here."""

    key = peewee.CharField(primary_key=True)
    value = peewee.TextField()
