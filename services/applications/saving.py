"""Writing the editor's data: one application with its rounds, signals and interviewers.

The rest of the app calls :func:`save`. It validates first
(:func:`services.applications.validation.validate`; nothing is written when
anything is wrong) and then writes in one transaction: the application, a
stage change when the stage differs from the stored one, and each round with
its signals and interviewers. Rows still listed keep their ids, so emails stay
linked to their round and interviewer; rows no longer listed are deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models import clock
from models.application import Application, StageChange
from models.base import database_proxy
from models.interview import Interviewer, InterviewRound, RoundSignal
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from services.applications.field_problems import text_of
from services.applications.validation import ValidationError, validate

__all__ = ["record_stage_change", "save"]


def save(data: ApplicationData, now: datetime | None = None) -> int:
    """Validate and write ``data`` in one transaction; return the application's id.

    Raises :class:`~services.applications.validation.ValidationError` with every
    problem when the data is not valid; nothing is written then, nor when
    anything fails midway. ``now`` (default: the current UTC instant) stamps
    ``updated_at`` and the stage change recorded when the stage differs from
    the stored one.
    """
    problems = validate(data)
    if problems:
        raise ValidationError(problems)
    if now is None:
        now = clock.now().replace(microsecond=0)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("save(now=...) needs a timezone-aware instant")
    now = now.astimezone(UTC)
    with database_proxy.atomic():
        app, previous = _write_application(data, now)
        _record_stage(app, previous, data.stage, now)
        _write_rounds(app, data.rounds, now)
    return app.id


def _write_application(data: ApplicationData, now: datetime) -> tuple[Any, str | None]:
    """Create or update the application row; return it and its stage before (None if new)."""
    values = {
        "company": text_of(data.company).strip(),
        "role": text_of(data.role).strip(),
        "posting_url": text_of(data.posting_url).strip(),
        "channel": data.channel,
        "agency_name": text_of(data.agency_name).strip(),
        "recruiter_name": text_of(data.recruiter_name).strip(),
        "recruiter_email": text_of(data.recruiter_email).strip(),
        "contact_name": text_of(data.contact_name).strip(),
        "contact_email": text_of(data.contact_email).strip(),
        "stage": data.stage,
        "salary_notes": text_of(data.salary_notes),
        "notes": text_of(data.notes),
        "applied_on": data.applied_on,
        "updated_at": now,
    }
    app = None
    if data.id is not None:
        app = Application.get_or_none(Application.id == data.id)
    if app is None:
        # A new application, or one deleted while its form was open: the
        # user's input is saved as a new application rather than lost.
        return Application.create(created_at=now, **values), None
    previous = app.stage
    for key, value in values.items():
        setattr(app, key, value)
    app.save()
    return app, previous


def _record_stage(app: Any, previous: str | None, stage: str, now: datetime) -> None:
    if previous != stage:
        StageChange.create(application=app, from_stage=previous, to_stage=stage, changed_at=now)


def record_stage_change(app: Any, stage: str, now: datetime, note: str = "") -> bool:
    """Move the stored application ``app`` to ``stage`` with a stage-history entry carrying
    ``note``; False (nothing written) when it is already there. Call it inside a transaction."""
    if app.stage == stage:
        return False
    StageChange.create(application=app, from_stage=app.stage, to_stage=stage, changed_at=now,
                       note=note)
    Application.update(stage=stage, updated_at=now).where(Application.id == app.id).execute()
    app.stage = stage
    app.updated_at = now
    return True


class _Kept:
    """The stored rounds and interviewers of one application, and the ids written so far."""

    def __init__(self, app: Any) -> None:
        self.rounds = {r.id: r for r in InterviewRound.select().where(
            InterviewRound.application == app)}
        self.people = {
            p.id: p
            for p in Interviewer.select().join(InterviewRound).where(
                InterviewRound.application == app)
        }
        self.round_ids: set[int] = set()
        self.people_ids: set[int] = set()

    def delete_the_rest(self) -> None:
        """Delete the stored interviewers and rounds no longer listed."""
        gone_people = sorted(set(self.people) - self.people_ids)
        if gone_people:
            Interviewer.delete().where(Interviewer.id.in_(gone_people)).execute()
        gone_rounds = sorted(set(self.rounds) - self.round_ids)
        if gone_rounds:
            InterviewRound.delete().where(InterviewRound.id.in_(gone_rounds)).execute()


def _write_rounds(app: Any, rounds: list[RoundData], now: datetime) -> None:
    """Upsert rounds, their signals and interviewers; delete those no longer listed."""
    kept = _Kept(app)
    for rnd in rounds:
        row = _write_round(app, rnd, kept, now)
        _write_signals(row, set(rnd.signals or ()))
        _write_interviewers(row, rnd.interviewers, kept)
    kept.delete_the_rest()


def _write_round(app: Any, rnd: RoundData, kept: _Kept, now: datetime) -> Any:
    """Create or update one round row (an id met twice is written once, then created)."""
    values = {
        "title": text_of(rnd.title),
        "starts_at": rnd.starts_at.astimezone(UTC) if rnd.starts_at is not None else None,
        "tz_name": rnd.tz_name,
        "duration_minutes": rnd.duration_minutes,
        "location": text_of(rnd.location),
        "video_link": text_of(rnd.video_link),
        "cancelled": bool(rnd.cancelled),
        "closing_phrase": text_of(rnd.closing_phrase),
        "asked_timeframe": bool(rnd.asked_timeframe),
        "timeframe_value": rnd.timeframe_value,
        "timeframe_unit": rnd.timeframe_unit,
        "notes": text_of(rnd.notes),
        "updated_at": now,
    }
    row = kept.rounds.get(rnd.id) if rnd.id not in kept.round_ids else None
    if row is None:
        row = InterviewRound.create(application=app, created_at=now, **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.save()
    kept.round_ids.add(row.id)
    return row


def _write_signals(row: Any, wanted: set[str]) -> None:
    """Make the round's stored signals exactly ``wanted``."""
    have = {s.signal for s in RoundSignal.select().where(RoundSignal.round == row)}
    if have - wanted:
        RoundSignal.delete().where(
            (RoundSignal.round == row) & (RoundSignal.signal.in_(sorted(have - wanted)))
        ).execute()
    for key in sorted(wanted - have):
        RoundSignal.create(round=row, signal=key)


def _is_empty_interviewer(person: InterviewerData) -> bool:
    return not any(
        text_of(v).strip() for v in (person.name, person.title, person.email, person.discussed)
    )


def _write_interviewers(row: Any, interviewers: list[InterviewerData], kept: _Kept) -> None:
    """Create or update the round's filled-in interviewers, in the order listed."""
    people = [p for p in interviewers if not _is_empty_interviewer(p)]
    for position, person in enumerate(people):
        person_values = {
            "round": row,
            "position": position,
            "name": text_of(person.name).strip(),
            "title": text_of(person.title),
            "email": text_of(person.email).strip(),
            "discussed": text_of(person.discussed),
        }
        existing = kept.people.get(person.id) if person.id not in kept.people_ids else None
        if existing is None:
            existing = Interviewer.create(**person_values)
        else:
            for key, value in person_values.items():
                setattr(existing, key, value)
            existing.save()
        kept.people_ids.add(existing.id)
