"""What the tests of the dated entries (services.calendar.entries) share: zones, the instant they
happen at (:data:`NOW`), two interviewers (:data:`PEOPLE`), and helpers that write an
application or a round (:func:`make_app`, :func:`make_round`), give a local time as an instant
(:func:`local`) and pick entries by kind (:func:`kinds`, :func:`of_kind`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models.application import Application
from models.interview import Interviewer, InterviewRound
from models.values import Stage
from services.calendar.entry_types import to_instant

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2024, 5, 15, 10, 0, tzinfo=UTC)
PEOPLE = (("José Núñez", "jose@lumen.example"), ("Priya Raman", "priya@lumen.example"))


def make_app(company="Lumen Analytics", role="Data Engineer", stage=Stage.AWAITING_RESPONSE,
             **extra):
    """An application (``extra``: any other field)."""
    return Application.create(company=company, role=role, stage=stage.value, **extra)


def make_round(app, starts_at, *, zone="Europe/Berlin", people=(), title="Technical interview",
               duration=60, **extra):
    """A round of ``app`` in ``zone`` with its interviewers (``people``: name, email pairs)."""
    rnd = InterviewRound.create(application=app, title=title, starts_at=starts_at, tz_name=zone,
                                duration_minutes=duration, **extra)
    for position, (name, email) in enumerate(people):
        Interviewer.create(round=rnd, position=position, name=name, email=email)
    return rnd


def local(year, month, day, hour, minute=0, zone=BERLIN) -> datetime:
    """A wall time in ``zone`` as the instant the entries use."""
    return to_instant(datetime(year, month, day, hour, minute), zone)


def kinds(entries):
    """The kinds of ``entries``, in order."""
    return [entry.kind for entry in entries]


def of_kind(entries, kind):
    """The entries of one kind, in order."""
    return [entry for entry in entries if entry.kind == kind]
