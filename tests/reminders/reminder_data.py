"""What the reminder engine's tests share: the user's zone (:data:`BERLIN`), a wall-clock time
as an instant (:func:`local`), rows written with the ORM (:func:`application`,
:func:`interview`, :func:`email`), a sync for a user in Berlin (:func:`sync`), and what it left
(:func:`rows`, :func:`interview_kinds`, :func:`due_keys`)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from models.application import Application, StageChange
from models.email import Email
from models.interview import Interviewer, InterviewRound
from models.reminder import Reminder
from services.reminders import queries
from services.reminders import sync as reminder_sync
from services.reminders.rules import ReminderKind

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def local(year: int, month: int, day: int, hour: int, minute: int = 0,
          zone: ZoneInfo = BERLIN) -> datetime:
    """A wall-clock time in ``zone`` as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def application(company: str = "Lumen Analytics", stage: str = "awaiting_response", *,
                applied_on: date = date(2024, 5, 1), **extra) -> Application:
    """An application with a first stage change on the day it was applied for."""
    app = Application.create(company=company, role="Data Engineer", stage=stage,
                             applied_on=applied_on, **extra)
    StageChange.create(application=app, from_stage=None, to_stage="applied",
                       changed_at=local(applied_on.year, applied_on.month, applied_on.day, 9))
    return app


def interview(app: Application, starts_at: datetime, people=("José Núñez", "Priya Raman"), *,
              duration: int = 60, title: str = "Technical interview", tz: str = "Europe/Berlin",
              **extra) -> tuple[InterviewRound, list[Interviewer]]:
    """A round with its interviewers."""
    rnd = InterviewRound.create(application=app, title=title, starts_at=starts_at, tz_name=tz,
                                duration_minutes=duration, **extra)
    persons = [Interviewer.create(round=rnd, position=n, name=name, email=_address(name))
               for n, name in enumerate(people)]
    return rnd, persons


def _address(name: str) -> str:
    first = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
    return f"{first.lower()}@example.com"


def email(app: Application, when: datetime, *, rnd=None, person=None, state: str = "sent",
          template: str = "thank_you", to_address: str | None = None) -> Email:
    """A sent (or marked sent, or draft) email."""
    address = to_address if to_address is not None else (person.email if person else "x@y.z")
    return Email.create(application=app, round=rnd, interviewer=person, template_key=template,
                        to_address=address, subject="Thank you", state=state,
                        sent_at=when if state in ("sent", "marked_sent") else None)


def sync(now: datetime) -> reminder_sync.SyncResult:
    """Recompute at ``now`` for a user in Berlin."""
    return reminder_sync.sync(now, BERLIN)


def rows(kind: ReminderKind | str | None = None) -> dict[str, Reminder]:
    """The reminder rows by key (of one kind)."""
    query = Reminder.select()
    if kind is not None:
        query = query.where(Reminder.kind == str(kind))
    return {row.key: row for row in query}


def interview_kinds(items) -> list[ReminderKind]:
    """The kinds of the interview reminders among ``items``."""
    return [item.kind for item in items if item.kind.value.startswith("interview")]


def due_keys(now: datetime, kind: ReminderKind | None = None) -> list[str]:
    """Keys of the reminders due at ``now``."""
    return [item.key for item in queries.due(now) if kind is None or item.kind == kind]
