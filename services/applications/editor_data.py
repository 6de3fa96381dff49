"""What the application editor edits: plain dataclasses, and their JSON-safe dict forms.

The editor works on :class:`ApplicationData` with its :class:`RoundData` and
:class:`InterviewerData`, never on ORM rows, so a form can be kept on disk
while unsaved and the command line can use the same data. The rest of the app
calls :func:`to_dict` and :func:`from_dict` (the form kept on disk and read
back). Checking the data is :mod:`services.applications.validation`; writing
it :mod:`services.applications.saving`; reading it
:mod:`services.applications.loading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.values import Channel, Stage
from services.applications.field_problems import zone_problem

__all__ = ["ApplicationData", "InterviewerData", "RoundData", "from_dict", "to_dict"]


@dataclass
class InterviewerData:
    """One interviewer of a round as the editor holds it."""

    id: int | None = None
    name: str = ""
    title: str = ""
    email: str = ""
    discussed: str = ""


@dataclass
class RoundData:
    """One interview round as the editor holds it.

    ``starts_at`` is timezone-aware in any zone (stored as UTC); ``tz_name`` is
    the IANA zone the user chose. ``signals`` holds keys of
    :data:`services.applications.prospects.SIGNALS`.
    """

    id: int | None = None
    title: str = ""
    starts_at: datetime | None = None
    tz_name: str = "UTC"
    duration_minutes: int = 60
    location: str = ""
    video_link: str = ""
    cancelled: bool = False
    closing_phrase: str = ""
    signals: set[str] = field(default_factory=set)
    asked_timeframe: bool = False
    timeframe_value: int | None = None
    timeframe_unit: str | None = None
    notes: str = ""
    interviewers: list[InterviewerData] = field(default_factory=list)


@dataclass
class ApplicationData:
    """An application with its rounds, as the editor holds it (``id`` None until saved)."""

    id: int | None = None
    company: str = ""
    role: str = ""
    posting_url: str = ""
    channel: str = Channel.DIRECT.value
    agency_name: str = ""
    recruiter_name: str = ""
    recruiter_email: str = ""
    contact_name: str = ""
    contact_email: str = ""
    stage: str = Stage.APPLIED.value
    salary_notes: str = ""
    notes: str = ""
    applied_on: date | None = None
    rounds: list[RoundData] = field(default_factory=list)


# -- to a dict --------------------------------------------------------------------------------


def _instant_to_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _zone_key(value: Any) -> str | None:
    """The IANA key of an instant's zone, so :func:`from_dict` can give back the same zone."""
    if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
        return value.tzinfo.key
    return None


def _round_dict(r: RoundData) -> dict:
    return {
        "id": r.id,
        "title": r.title,
        "starts_at": _instant_to_text(r.starts_at),
        "starts_at_zone": _zone_key(r.starts_at),
        "tz_name": r.tz_name,
        "duration_minutes": r.duration_minutes,
        "location": r.location,
        "video_link": r.video_link,
        "cancelled": r.cancelled,
        "closing_phrase": r.closing_phrase,
        "signals": sorted(r.signals),
        "asked_timeframe": r.asked_timeframe,
        "timeframe_value": r.timeframe_value,
        "timeframe_unit": r.timeframe_unit,
        "notes": r.notes,
        "interviewers": [
            {"id": p.id, "name": p.name, "title": p.title, "email": p.email,
             "discussed": p.discussed}
            for p in r.interviewers
        ],
    }


def to_dict(data: ApplicationData) -> dict:
    """``data`` as JSON-safe values (instants and dates in ISO 8601, signals as sorted lists).

    Each round also carries ``starts_at_zone``, the IANA zone ``starts_at`` was
    expressed in, so the round trip gives back the same zone and wall time.

    Works on invalid data too (an unsaved form may be); :func:`from_dict` reverses it.
    """
    return {
        "id": data.id,
        "company": data.company,
        "role": data.role,
        "posting_url": data.posting_url,
        "channel": data.channel,
        "agency_name": data.agency_name,
        "recruiter_name": data.recruiter_name,
        "recruiter_email": data.recruiter_email,
        "contact_name": data.contact_name,
        "contact_email": data.contact_email,
        "stage": data.stage,
        "salary_notes": data.salary_notes,
        "notes": data.notes,
        "applied_on": data.applied_on.isoformat() if isinstance(data.applied_on, date)
        else data.applied_on,
        "rounds": [_round_dict(r) for r in data.rounds],
    }


# -- from a dict ------------------------------------------------------------------------------


def _instant_from_text(value: Any, zone_key: Any) -> Any:
    """Parse an ISO 8601 instant; with ``zone_key``, the same wall time and fold in that zone."""
    if not isinstance(value, str):
        return value
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or not isinstance(zone_key, str) or zone_problem(zone_key):
        return parsed
    # Keep the wall-clock time as written (even one in a DST gap) and pick the
    # fold whose offset is the one written, so the value compares equal.
    wall = parsed.replace(tzinfo=ZoneInfo(zone_key))
    if wall.utcoffset() != parsed.utcoffset():
        wall = wall.replace(fold=1)
        if wall.utcoffset() != parsed.utcoffset():
            return parsed
    return wall


def _pick(cls: type, values: dict) -> dict:
    names = cls.__dataclass_fields__
    return {k: v for k, v in values.items() if k in names}


def from_dict(d: dict) -> ApplicationData:
    """The :class:`ApplicationData` that :func:`to_dict` produced; missing keys take defaults.

    Unknown keys are ignored, so a form kept by another version still opens.
    """
    rounds = []
    for raw in d.get("rounds") or []:
        values = _pick(RoundData, raw)
        values["interviewers"] = [
            InterviewerData(**_pick(InterviewerData, p)) for p in raw.get("interviewers") or []
        ]
        values["signals"] = set(raw.get("signals") or ())
        if "starts_at" in values:
            values["starts_at"] = _instant_from_text(values["starts_at"],
                                                     raw.get("starts_at_zone"))
        rounds.append(RoundData(**values))
    values = _pick(ApplicationData, d)
    values["rounds"] = rounds
    if isinstance(values.get("applied_on"), str):
        values["applied_on"] = date.fromisoformat(values["applied_on"])
    return ApplicationData(**values)
