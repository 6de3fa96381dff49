"""Reading applications back as editor data, their stage history, and rounds to write about.

The rest of the app calls :func:`load` (one application as
:class:`~services.applications.editor_data.ApplicationData`),
:func:`stage_history` (its stages, oldest first) and :func:`round_choices`
(the rounds the composer offers), :func:`application_titles` (for pickers),
:func:`application_count` and :func:`first_interviewer`, and catches
:class:`ApplicationNotFoundError` wherever an application may have been
deleted meanwhile.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from models.application import Application, StageChange
from models.interview import Interviewer, InterviewRound, RoundSignal
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from services.applications.field_problems import zone_problem

__all__ = [
    "ApplicationNotFoundError", "RoundChoice", "StageEntry", "application_count",
    "application_titles", "first_interviewer", "load", "round_choices", "stage_history",
]


class ApplicationNotFoundError(LookupError):
    """No application has the given id (it may have been deleted)."""

    def __init__(self, application_id: int) -> None:
        super().__init__(
            f"Application {application_id} no longer exists; it may have been deleted."
        )
        self.application_id = application_id


class StageEntry(NamedTuple):
    """One step of an application's stage history (``from_stage`` is None for the first)."""

    from_stage: str | None
    to_stage: str
    changed_at: datetime


def _zone_or_utc(tz_name: str) -> Any:
    return UTC if zone_problem(tz_name) else ZoneInfo(tz_name)


def load(application_id: int) -> ApplicationData:
    """The application ``application_id`` as editor data.

    Rounds come ordered by start (rounds without one last), then id; each
    ``starts_at`` is in the round's own zone. Raises
    :class:`ApplicationNotFoundError` when there is no such application.
    """
    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    return ApplicationData(
        id=app.id,
        company=app.company,
        role=app.role,
        posting_url=app.posting_url,
        channel=app.channel,
        agency_name=app.agency_name,
        recruiter_name=app.recruiter_name,
        recruiter_email=app.recruiter_email,
        contact_name=app.contact_name,
        contact_email=app.contact_email,
        stage=app.stage,
        salary_notes=app.salary_notes,
        notes=app.notes,
        applied_on=app.applied_on,
        rounds=_rounds_of(app),
    )


def _rounds_of(app: Any) -> list[RoundData]:
    """The application's rounds with their signals and interviewers, in the editor's order."""
    rows = list(InterviewRound.select().where(InterviewRound.application == app))
    rows.sort(key=lambda r: (r.starts_at is None, r.starts_at or datetime.min.replace(tzinfo=UTC),
                             r.id))
    round_ids = [r.id for r in rows]
    signals: dict[int, set[str]] = {rid: set() for rid in round_ids}
    people: dict[int, list[InterviewerData]] = {rid: [] for rid in round_ids}
    if round_ids:
        for sig in RoundSignal.select().where(RoundSignal.round.in_(round_ids)):
            signals[sig.round_id].add(sig.signal)
        query = (Interviewer.select().where(Interviewer.round.in_(round_ids))
                 .order_by(Interviewer.position, Interviewer.id))
        for p in query:
            people[p.round_id].append(InterviewerData(
                id=p.id, name=p.name, title=p.title, email=p.email, discussed=p.discussed))
    return [
        RoundData(
            id=r.id,
            title=r.title,
            starts_at=r.starts_at.astimezone(_zone_or_utc(r.tz_name)) if r.starts_at else None,
            tz_name=r.tz_name,
            duration_minutes=r.duration_minutes,
            location=r.location,
            video_link=r.video_link,
            cancelled=bool(r.cancelled),
            closing_phrase=r.closing_phrase,
            signals=signals[r.id],
            asked_timeframe=bool(r.asked_timeframe),
            timeframe_value=r.timeframe_value,
            timeframe_unit=r.timeframe_unit,
            notes=r.notes,
            interviewers=people[r.id],
        )
        for r in rows
    ]


def stage_history(application_id: int) -> list[StageEntry]:
    """The stage changes of an application, oldest first."""
    query = (StageChange.select()
             .where(StageChange.application == application_id)
             .order_by(StageChange.changed_at, StageChange.id))
    return [StageEntry(c.from_stage, c.to_stage, c.changed_at) for c in query]


class RoundChoice(NamedTuple):
    """A round the composer can write about: which application, which round, when."""

    application_id: int
    company: str
    role: str
    is_agency: bool
    round_id: int
    round_title: str
    starts_at: datetime | None
    tz_name: str

    def label(self) -> str:
        """“Lumen Analytics · Technical interview, 23 Nov 2026” for a picker."""
        title = self.round_title or "Interview"
        when = ""
        if self.starts_at is not None:
            when = f", {self.starts_at.astimezone(_zone_or_utc(self.tz_name)):%d %b %Y}"
        return f"{self.company} · {title}{when}"


def round_choices() -> list[RoundChoice]:
    """Every non-cancelled round, newest first, for the composer's picker."""
    query = (InterviewRound
             .select(InterviewRound, Application)
             .join(Application)
             .where(InterviewRound.cancelled == False)  # noqa: E712 (peewee expression)
             .order_by(InterviewRound.starts_at.desc(nulls="LAST"), InterviewRound.id.desc()))
    return [
        RoundChoice(rnd.application.id, rnd.application.company, rnd.application.role,
                    rnd.application.channel == "agency", rnd.id, rnd.title, rnd.starts_at,
                    rnd.tz_name)
        for rnd in query
    ]


def application_count() -> int:
    """How many applications the data holds (the status bar's count)."""
    return Application.select().count()


def application_titles() -> list[tuple[int, str]]:
    """Every application as ``(id, "Company · Role")``, by company: what pickers offer."""
    query = Application.select(Application.id, Application.company, Application.role)
    return [(app.id, f"{app.company} · {app.role}" if app.role else app.company)
            for app in query.order_by(Application.company, Application.id)]


def first_interviewer(round_id: int) -> tuple[int, str] | None:
    """The first interviewer of a round as ``(id, name)``, or None when it has none."""
    person = (Interviewer.select(Interviewer.id, Interviewer.name)
              .where(Interviewer.round == round_id).order_by(Interviewer.position).first())
    return None if person is None else (person.id, person.name)
