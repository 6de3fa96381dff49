"""The application editor's service: validate, save, load, delete and undo a delete.

The editor works on plain dataclasses (:class:`ApplicationData` with its
:class:`RoundData` and :class:`InterviewerData`), never on ORM rows, so a form
can be kept on disk while unsaved (:func:`to_dict` / :func:`from_dict`) and the
command line can use the same functions.

* :func:`validate` returns every problem at once, keyed by a field path such as
  ``"company"``, ``"rounds[0].duration_minutes"`` or
  ``"rounds[1].interviewers[0].email"``, each a sentence saying what is wrong
  and what to do. Validation never changes the user's text.
* :func:`save` writes an application with its rounds, signals and interviewers
  in one transaction, records stage changes, and keeps the ids of rows that
  are still there so emails stay linked to their interviewer.
* :func:`delete` takes a snapshot of every row under an application before
  deleting it; :func:`undo_delete` puts those rows back with the same ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parseaddr
from typing import Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import peewee

from models import clock
from models.base import database_proxy
from models.values import Channel, Stage
from services.applications.prospects import SIGNALS_BY_KEY, timeframe_problem

__all__ = [
    "MAX_DURATION_MINUTES",
    "ApplicationData",
    "ApplicationNotFoundError",
    "DeletedApplication",
    "InterviewerData",
    "RoundData",
    "StageEntry",
    "UndoError",
    "ValidationError",
    "delete",
    "email_problem",
    "from_dict",
    "load",
    "save",
    "stage_history",
    "to_dict",
    "undo_delete",
    "validate",
    "zone_problem",
]

#: The longest interview accepted, in minutes.
MAX_DURATION_MINUTES = 24 * 60

#: Names ``zoneinfo`` finds on some systems that are not IANA zones the user could mean.
_NOT_IANA_ZONES = frozenset({"localtime", "posixrules", "Factory"})


# -- the editor's data ------------------------------------------------------------------------


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


class StageEntry(NamedTuple):
    """One step of an application's stage history (``from_stage`` is None for the first)."""

    from_stage: str | None
    to_stage: str
    changed_at: datetime


class ValidationError(Exception):
    """The data cannot be saved; ``problems`` maps each field path to a sentence for the user.

    ``str(exc)`` is the first sentence.
    """

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.values()), "The application cannot be saved.")
        super().__init__(first)


class ApplicationNotFoundError(LookupError):
    """No application has the given id (it may have been deleted)."""

    def __init__(self, application_id: int) -> None:
        super().__init__(
            f"Application {application_id} no longer exists; it may have been deleted."
        )
        self.application_id = application_id


class UndoError(Exception):
    """A deleted application cannot be put back; the message says why. Nothing was changed."""


# -- validation -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """``value`` as text for checking (None counts as empty)."""
    return "" if value is None else str(value)


def _quoted(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"“{shown}”"


def _has_control(value: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# A domain label: letters (any script) or digits, hyphens inside only.
_LABEL = re.compile(r"^[^\W_](?:(?:[^\W_]|-)*[^\W_])?$")
# Characters an unquoted local part cannot hold (spaces and controls are checked before).
_LOCAL_FORBIDDEN = set('"(),:;<>[\\]')


def email_problem(value: str | None) -> str | None:
    """A sentence saying what is wrong with an optional email address, or None when usable.

    A usable address is one plain ``local@domain.tld``: no display name, no
    spaces or control characters, one ``@``, a domain with a dot and no empty
    parts. Surrounding spaces are ignored (save strips them).
    """
    raw = _text(value)
    if _has_control(raw):
        return (
            "The email address contains a line break or another invisible control character; "
            "type it again on one line."
        )
    address = raw.strip()
    if not address:
        return None
    shown = _quoted(address)
    name, parsed = parseaddr(address)
    if "<" in address or ">" in address or (name and parsed):
        return (
            f"{shown} is more than an address; enter only the address itself, "
            "such as name@example.com, without a name or angle brackets."
        )
    if any(ch.isspace() for ch in address):
        return f"{shown} contains a space; an email address has none, so remove it."
    if "," in address or ";" in address:
        return f"{shown} looks like several addresses; enter one email address only."
    at_count = address.count("@")
    if at_count == 0:
        return (
            f"{shown} is not an email address; it needs an @ followed by a domain, "
            "such as name@example.com."
        )
    if at_count > 1:
        return f"{shown} contains more than one @; enter a single address such as name@example.com."
    local, domain = address.split("@")
    if not local:
        return f"{shown} is missing the name before the @, as in name@example.com."
    if any(ch in _LOCAL_FORBIDDEN for ch in local):
        return (
            f"{shown} contains characters an email address cannot have before the @; "
            "check for quotes, brackets, commas or colons."
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return f"{shown} has a misplaced dot before the @; check the dots in the name part."
    if "." not in domain:
        return (
            f"{shown} is not a complete email address; it needs a domain such as example.com."
        )
    labels = domain.split(".")
    if any(label == "" for label in labels):
        return f"{shown} has an empty part in its domain; check the dots after the @."
    if not all(_LABEL.match(label) for label in labels):
        return (
            f"{shown} has characters a domain cannot contain; a domain has only letters, "
            "digits, hyphens and dots, such as example.com."
        )
    return None


def zone_problem(tz_name: str | None) -> str | None:
    """A sentence saying why ``tz_name`` is not a usable IANA time zone, or None when it is."""
    name = _text(tz_name)
    shown = _quoted(name) if name else "An empty name"
    sentence = (
        f"{shown} is not a time zone this computer knows; choose one from the list, "
        "such as Europe/Berlin or America/New_York."
    )
    if not name or name in _NOT_IANA_ZONES or _has_control(name):
        return sentence
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return sentence
    return None


def _url_problem(value: str | None) -> str | None:
    url = _text(value).strip()
    if not url:
        return None
    sentence = (
        f"{_quoted(url)} is not a web address; paste the full link to the posting, "
        "starting with https:// (or http://)."
    )
    if _has_control(url) or any(ch.isspace() for ch in url):
        return sentence
    try:
        parts = urlsplit(url)
    except ValueError:
        return sentence
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return sentence
    if not url.lower().startswith(("http://", "https://")):
        return sentence
    return None


def _validate_round(index: int, rnd: RoundData, problems: dict[str, str]) -> None:
    prefix = f"rounds[{index}]"
    number = index + 1
    duration = rnd.duration_minutes
    if not _is_int(duration):
        problems[f"{prefix}.duration_minutes"] = (
            f"Enter the length of interview {number} as a whole number of minutes."
        )
    elif duration <= 0:
        problems[f"{prefix}.duration_minutes"] = (
            f"Interview {number} ends before it starts; give it a duration of at least "
            "one minute."
        )
    elif duration > MAX_DURATION_MINUTES:
        problems[f"{prefix}.duration_minutes"] = (
            f"Interview {number} would last more than 24 hours; check the duration "
            "(it is in minutes)."
        )
    zone = zone_problem(rnd.tz_name)
    if zone:
        problems[f"{prefix}.tz_name"] = zone
    if rnd.starts_at is not None:
        if not isinstance(rnd.starts_at, datetime):
            problems[f"{prefix}.starts_at"] = (
                f"Enter the date and time of interview {number}, or leave it empty."
            )
        elif rnd.starts_at.tzinfo is None or rnd.starts_at.utcoffset() is None:
            problems[f"{prefix}.starts_at"] = (
                f"The start of interview {number} has no time zone; choose the zone "
                "it takes place in."
            )
    value = rnd.timeframe_value
    if value is not None and not _is_int(value):
        problems[f"{prefix}.timeframe_value"] = (
            "Enter the time frame as a whole number, or leave it empty if none was given."
        )
    else:
        frame = timeframe_problem(value, rnd.timeframe_unit)
        if frame:
            problems[f"{prefix}.timeframe_value"] = frame
    unknown = sorted(str(key) for key in (rnd.signals or ()) if key not in SIGNALS_BY_KEY)
    if unknown:
        problems[f"{prefix}.signals"] = (
            f"{', '.join(_quoted(key) for key in unknown)} "
            f"{'is not a signal' if len(unknown) == 1 else 'are not signals'} the app knows; "
            f"untick {'it' if len(unknown) == 1 else 'them'} and choose from the list."
        )
    for j, person in enumerate(rnd.interviewers):
        person_prefix = f"{prefix}.interviewers[{j}]"
        filled = any(
            _text(v).strip() for v in (person.name, person.title, person.email, person.discussed)
        )
        if filled and not _text(person.name).strip():
            problems[f"{person_prefix}.name"] = (
                f"Interviewer {j + 1} of interview {number} needs a name; enter it, "
                "or clear the row to remove this interviewer."
            )
        mail = email_problem(person.email)
        if mail:
            problems[f"{person_prefix}.email"] = mail


def validate(data: ApplicationData) -> dict[str, str]:
    """Every problem that keeps ``data`` from being saved, as field path → sentence.

    An empty dict means the data can be saved. Nothing in ``data`` is changed.
    """
    problems: dict[str, str] = {}
    if not _text(data.company).strip():
        problems["company"] = "Enter the company's name; every application needs one."
    if not _text(data.role).strip():
        problems["role"] = "Enter the role you applied for; every application needs one."
    url = _url_problem(data.posting_url)
    if url:
        problems["posting_url"] = url
    channels = {c.value for c in Channel}
    if data.channel not in channels:
        problems["channel"] = (
            f"{_quoted(_text(data.channel))} is not a way of applying the app knows; "
            "choose “directly” or “through a staffing agency”."
        )
    elif data.channel == Channel.AGENCY.value and not _text(data.agency_name).strip():
        problems["agency_name"] = (
            "Enter the staffing agency's name, or choose “directly” if you applied yourself."
        )
    for key in ("recruiter_email", "contact_email"):
        mail = email_problem(getattr(data, key))
        if mail:
            problems[key] = mail
    if data.stage not in {s.value for s in Stage}:
        problems["stage"] = (
            f"{_quoted(_text(data.stage))} is not a stage the app knows; choose one from the list."
        )
    if data.applied_on is not None and (
        not isinstance(data.applied_on, date) or isinstance(data.applied_on, datetime)
    ):
        problems["applied_on"] = "Enter the date you applied as a day, or leave it empty."
    for index, rnd in enumerate(data.rounds):
        _validate_round(index, rnd, problems)
    return problems


# -- saving -----------------------------------------------------------------------------------


def _is_empty_interviewer(person: InterviewerData) -> bool:
    return not any(
        _text(v).strip() for v in (person.name, person.title, person.email, person.discussed)
    )


def _write_application(data: ApplicationData, now: datetime) -> tuple[Any, str | None]:
    """Create or update the application row; return it and its stage before (None if new)."""
    from models.application import Application

    values = {
        "company": _text(data.company).strip(),
        "role": _text(data.role).strip(),
        "posting_url": _text(data.posting_url).strip(),
        "channel": data.channel,
        "agency_name": _text(data.agency_name).strip(),
        "recruiter_name": _text(data.recruiter_name).strip(),
        "recruiter_email": _text(data.recruiter_email).strip(),
        "contact_name": _text(data.contact_name).strip(),
        "contact_email": _text(data.contact_email).strip(),
        "stage": data.stage,
        "salary_notes": _text(data.salary_notes),
        "notes": _text(data.notes),
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
    from models.application import StageChange

    if previous != stage:
        StageChange.create(application=app, from_stage=previous, to_stage=stage, changed_at=now)


def _write_rounds(app: Any, rounds: list[RoundData], now: datetime) -> None:
    """Upsert rounds, their signals and interviewers; delete those no longer listed."""
    from models.interview import Interviewer, InterviewRound, RoundSignal

    existing_rounds = {r.id: r for r in InterviewRound.select().where(
        InterviewRound.application == app)}
    existing_people = {
        p.id: p
        for p in Interviewer.select().join(InterviewRound).where(
            InterviewRound.application == app)
    }
    kept_rounds: set[int] = set()
    kept_people: set[int] = set()
    for rnd in rounds:
        values = {
            "title": _text(rnd.title),
            "starts_at": rnd.starts_at.astimezone(UTC) if rnd.starts_at is not None else None,
            "tz_name": rnd.tz_name,
            "duration_minutes": rnd.duration_minutes,
            "location": _text(rnd.location),
            "video_link": _text(rnd.video_link),
            "cancelled": bool(rnd.cancelled),
            "closing_phrase": _text(rnd.closing_phrase),
            "asked_timeframe": bool(rnd.asked_timeframe),
            "timeframe_value": rnd.timeframe_value,
            "timeframe_unit": rnd.timeframe_unit,
            "notes": _text(rnd.notes),
            "updated_at": now,
        }
        row = existing_rounds.get(rnd.id) if rnd.id not in kept_rounds else None
        if row is None:
            row = InterviewRound.create(application=app, created_at=now, **values)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
        kept_rounds.add(row.id)

        wanted = set(rnd.signals or ())
        have = {s.signal for s in RoundSignal.select().where(RoundSignal.round == row)}
        if have - wanted:
            RoundSignal.delete().where(
                (RoundSignal.round == row) & (RoundSignal.signal.in_(sorted(have - wanted)))
            ).execute()
        for key in sorted(wanted - have):
            RoundSignal.create(round=row, signal=key)

        people = [p for p in rnd.interviewers if not _is_empty_interviewer(p)]
        for position, person in enumerate(people):
            person_values = {
                "round": row,
                "position": position,
                "name": _text(person.name).strip(),
                "title": _text(person.title),
                "email": _text(person.email).strip(),
                "discussed": _text(person.discussed),
            }
            existing = existing_people.get(person.id) if person.id not in kept_people else None
            if existing is None:
                existing = Interviewer.create(**person_values)
            else:
                for key, value in person_values.items():
                    setattr(existing, key, value)
                existing.save()
            kept_people.add(existing.id)

    gone_people = sorted(set(existing_people) - kept_people)
    if gone_people:
        Interviewer.delete().where(Interviewer.id.in_(gone_people)).execute()
    gone_rounds = sorted(set(existing_rounds) - kept_rounds)
    if gone_rounds:
        InterviewRound.delete().where(InterviewRound.id.in_(gone_rounds)).execute()


def save(data: ApplicationData, now: datetime | None = None) -> int:
    """Validate and write ``data`` in one transaction; return the application's id.

    Raises :class:`ValidationError` with every problem when the data is not
    valid; nothing is written then, nor when anything fails midway.
    ``now`` (default: the current UTC instant) stamps ``updated_at`` and the
    stage change recorded when the stage differs from the stored one.
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


# -- loading ----------------------------------------------------------------------------------


def _zone_or_utc(tz_name: str) -> Any:
    return UTC if zone_problem(tz_name) else ZoneInfo(tz_name)


def load(application_id: int) -> ApplicationData:
    """The application ``application_id`` as editor data.

    Rounds come ordered by start (rounds without one last), then id; each
    ``starts_at`` is in the round's own zone. Raises
    :class:`ApplicationNotFoundError` when there is no such application.
    """
    from models.application import Application
    from models.interview import Interviewer, InterviewRound, RoundSignal

    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
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
    rounds = [
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
        rounds=rounds,
    )


def stage_history(application_id: int) -> list[StageEntry]:
    """The stage changes of an application, oldest first."""
    from models.application import StageChange

    query = (StageChange.select()
             .where(StageChange.application == application_id)
             .order_by(StageChange.changed_at, StageChange.id))
    return [StageEntry(c.from_stage, c.to_stage, c.changed_at) for c in query]


# -- deleting and undoing ---------------------------------------------------------------------


class _Rows(NamedTuple):
    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(eq=False)
class DeletedApplication:
    """Everything :func:`delete` removed, exactly as stored, for :func:`undo_delete`.

    Treat it as opaque. ``application_id`` and ``company`` are there for an
    "Undo" message; the snapshot can be used once.
    """

    application_id: int
    company: str
    _tables: list[_Rows] = field(repr=False)
    # Emails of *other* applications that pointed at this one's rounds or
    # interviewers: (email id, round id, interviewer id) to link again.
    _relinks: list[tuple[int, int | None, int | None]] = field(repr=False)
    _undone: bool = field(default=False, repr=False)


def _select_rows(table: str, where: str, params: list[Any]) -> _Rows:
    cursor = database_proxy.execute_sql(
        f'SELECT * FROM "{table}" WHERE {where} ORDER BY "id"', params)
    columns = tuple(d[0] for d in cursor.description)
    return _Rows(table, columns, [tuple(row) for row in cursor.fetchall()])


def _ids_in(rows: _Rows) -> list[Any]:
    index = rows.columns.index("id")
    return [row[index] for row in rows.rows]


def _in_clause(column: str, ids: list[Any]) -> tuple[str, list[Any]]:
    if not ids:
        return "0", []
    return f'"{column}" IN ({", ".join("?" for _ in ids)})', list(ids)


def delete(application_id: int) -> DeletedApplication:
    """Delete an application and everything under it; return what :func:`undo_delete` needs.

    The stage history, offers, rounds, interviewers, signals, emails and
    reminders of the application go with it. Raises
    :class:`ApplicationNotFoundError` when there is no such application.
    """
    with database_proxy.atomic():
        app = _select_rows("application", '"id" = ?', [application_id])
        if not app.rows:
            raise ApplicationNotFoundError(application_id)
        tables = [app]
        for table in ("stage_change", "offer", "interview_round"):
            tables.append(_select_rows(table, '"application_id" = ?', [application_id]))
        round_ids = _ids_in(tables[-1])
        where, params = _in_clause("round_id", round_ids)
        people = _select_rows("interviewer", where, params)
        tables.append(people)
        tables.append(_select_rows("round_signal", where, params))
        tables.append(_select_rows("email", '"application_id" = ?', [application_id]))
        tables.append(_select_rows("reminder", '"application_id" = ?', [application_id]))
        person_ids = _ids_in(people)
        round_where, round_params = _in_clause("round_id", round_ids)
        person_where, person_params = _in_clause("interviewer_id", person_ids)
        others = database_proxy.execute_sql(
            f'SELECT "id", "round_id", "interviewer_id" FROM "email" '
            f'WHERE "application_id" != ? AND ({round_where} OR {person_where}) ORDER BY "id"',
            [application_id, *round_params, *person_params],
        ).fetchall()
        relinks = [
            (email_id, rid if rid in round_ids else None, pid if pid in person_ids else None)
            for email_id, rid, pid in others
        ]
        company = app.rows[0][app.columns.index("company")]
        database_proxy.execute_sql('DELETE FROM "application" WHERE "id" = ?', [application_id])
    return DeletedApplication(application_id, company, tables, relinks)


def undo_delete(snapshot: DeletedApplication) -> None:
    """Put back every row :func:`delete` removed, with the same ids and uids, in one transaction.

    Raises :class:`UndoError` (and changes nothing) when the snapshot was
    already used or when its ids or uids have been taken by new data since.
    """
    if snapshot._undone:
        raise UndoError(
            f"The deletion of “{snapshot.company}” was already undone; nothing was changed."
        )
    clash = UndoError(
        f"“{snapshot.company}” cannot be restored because new data now uses its place "
        "in the database; nothing was changed."
    )
    with database_proxy.atomic():
        for rows in snapshot._tables:
            if not rows.rows:
                continue
            for column in ("id", "uid", "key"):
                if column not in rows.columns:
                    continue
                index = rows.columns.index(column)
                values = [row[index] for row in rows.rows]
                for start in range(0, len(values), 500):
                    where, params = _in_clause(column, values[start:start + 500])
                    found = database_proxy.execute_sql(
                        f'SELECT 1 FROM "{rows.table}" WHERE {where} LIMIT 1', params
                    ).fetchone()
                    if found:
                        raise clash
        try:
            for rows in snapshot._tables:
                if not rows.rows:
                    continue
                columns = ", ".join(f'"{c}"' for c in rows.columns)
                marks = ", ".join("?" for _ in rows.columns)
                sql = f'INSERT INTO "{rows.table}" ({columns}) VALUES ({marks})'
                for row in rows.rows:
                    database_proxy.execute_sql(sql, list(row))
            for email_id, round_id, person_id in snapshot._relinks:
                if round_id is not None:
                    database_proxy.execute_sql(
                        'UPDATE "email" SET "round_id" = ? WHERE "id" = ? AND "round_id" IS NULL',
                        [round_id, email_id])
                if person_id is not None:
                    database_proxy.execute_sql(
                        'UPDATE "email" SET "interviewer_id" = ? '
                        'WHERE "id" = ? AND "interviewer_id" IS NULL',
                        [person_id, email_id])
        except peewee.IntegrityError as exc:
            raise clash from exc
    snapshot._undone = True


# -- keeping unsaved forms --------------------------------------------------------------------


def _instant_to_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _zone_key(value: Any) -> str | None:
    """The IANA key of an instant's zone, so :func:`from_dict` can give back the same zone."""
    if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
        return value.tzinfo.key
    return None


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
        "rounds": [
            {
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
            for r in data.rounds
        ],
    }


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
    from models.application import Application
    from models.interview import InterviewRound

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
