"""Reading the application list's rows with plain SQL (the standard :mod:`sqlite3`, no ORM).

:class:`~services.applications.index.ApplicationIndex` calls
:func:`read_rows` (every application, or some by id, as
:class:`~services.applications.list_rows.ListRow`), :func:`count_applications`
and :func:`first_ids` (the ids of the first rows in the default order, for the
first paint). A few set-based queries per call, never one per application;
nothing here imports peewee, since the list is read before the first paint.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from models.values import OPEN_STAGES, Stage
from services.applications.folding import fold
from services.applications.list_keys import search_key_of
from services.applications.list_rows import STAGE_ORDER, STAGE_RANK, UNKNOWN_RANK, ListRow
from services.applications.prospects import Verdict, assess, expected_response
from services.core.instants import instant_from_text, utc_text, zone_of

__all__ = ["CLOSED_STAGES", "count_applications", "first_ids", "read_rows"]

#: Stages no answer is expected in any more (the list shows no expected date for them).
CLOSED_STAGES = frozenset(stage.value for stage in Stage if stage not in OPEN_STAGES)
#: The application's columns, and its kept search key (:mod:`models.list_key`) when it has one.
_APPLICATION_COLUMNS = (
    "a.id, a.company, a.role, a.stage, a.channel, a.agency_name, a.recruiter_name, "
    "a.contact_name, a.notes, k.search_key"
)
_FROM = "application a LEFT JOIN list_key k ON k.application_id = a.id"
#: Bound variables per ``IN (...)`` list, well under SQLite's limit.
_CHUNK = 500


class _RoundFacts(NamedTuple):
    """What the rows need from the rounds of some applications, keyed by application id."""

    names: dict[int, str]  # the interviewers' names, one per line
    last: dict[int, list]  # the latest past round: starts_at, tz_name, value, unit, signals
    upcoming: dict[int, str]  # the start of the next round


def count_applications(con: sqlite3.Connection) -> int:
    """How many applications there are."""
    return con.execute("SELECT count(*) FROM application").fetchone()[0]


def first_ids(con: sqlite3.Connection, limit: int) -> list[int]:
    """The ids of the first ``limit`` applications in the list's default order.

    Only the stages that reach into the first ``limit`` rows are read (the
    stage index counts them); those rows are ordered here by pipeline order,
    folded company and id.
    """
    needed: list[str] = []
    counted = 0
    for stage in STAGE_ORDER:
        if counted >= limit:
            break
        count = con.execute(
            "SELECT count(*) FROM application WHERE stage = ?", (stage.value,)
        ).fetchone()[0]
        if count:
            needed.append(stage.value)
            counted += count
    marks = ",".join("?" * len(needed))
    if counted >= limit:
        where, params = f"stage IN ({marks})", tuple(needed)
    else:  # unknown stage values come last; read them too
        known = tuple(stage.value for stage in STAGE_ORDER)
        where = f"(stage IN ({marks}) OR stage NOT IN ({','.join('?' * len(known))}))"
        params = (*needed, *known)
    # Ordered here rather than by SQL calling fold() back for every row: the same
    # (rank, folded company, id) key as ListRow's default order, about twice as fast.
    candidates = con.execute(f"SELECT id, stage, company FROM application WHERE {where}",
                             params).fetchall()
    first = heapq.nsmallest(limit, candidates, key=lambda candidate: (
        STAGE_RANK.get(candidate[1], UNKNOWN_RANK), fold(candidate[2]), candidate[0]))
    return [app_id for app_id, _stage, _company in first]


def _parts(ids: Sequence[int] | None) -> Iterable[tuple[str, tuple]]:
    """``(" IN (?,?…)", ids)`` per chunk of ``ids``; one ``("", ())`` for every application."""
    if ids is None:
        yield "", ()
        return
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = tuple(ids[start:start + _CHUNK])
        yield f" IN ({','.join('?' * len(chunk))})", chunk


def read_rows(con: sqlite3.Connection, now: datetime, default_business_days: int,
              ids: Sequence[int] | None) -> list[ListRow]:
    """Rows for ``ids`` (every application when None).

    Four set-based queries, each restricted to ``ids`` when given: the
    interviewers' names, the latest past round of each application (with its
    signals), the next future round of each, and then the applications
    themselves, turned into rows as they are read (so their texts are never
    all held at once besides the folded keys). ``now`` (aware) splits past from
    future rounds.
    """
    now_text = utc_text(now)
    rows: list[ListRow] = []
    verdicts: dict[str | None, Verdict] = {}
    for in_list, params in _parts(ids):
        facts = _round_facts(con, now_text, in_list, params)
        where = f"WHERE a.id{in_list}" if in_list else ""
        applications = con.execute(f"SELECT {_APPLICATION_COLUMNS} FROM {_FROM} {where}", params)
        _add_rows(rows, applications, facts, verdicts, default_business_days)
    return rows


def _round_facts(con: sqlite3.Connection, now_text: str, in_list: str,
                 params: tuple) -> _RoundFacts:
    and_app = f"AND application_id{in_list}" if in_list else ""
    names = dict(con.execute(
        "SELECT r.application_id, group_concat(i.name, char(10)) FROM interview_round r "
        "JOIN interviewer i ON i.round_id = r.id "
        + (f"WHERE r.application_id{in_list} " if in_list else "")
        + "GROUP BY r.application_id", params
    ).fetchall())
    # max()/min() with bare columns: SQLite takes them from the row holding the extreme.
    last = {app_id: rest for app_id, *rest in con.execute(
        "SELECT l.application_id, l.starts_at, l.tz_name, l.timeframe_value, "
        "l.timeframe_unit, (SELECT group_concat(s.signal, char(10)) FROM round_signal s "
        "WHERE s.round_id = l.id) "
        "FROM (SELECT application_id, id, max(starts_at) AS starts_at, tz_name, "
        "timeframe_value, timeframe_unit FROM interview_round "
        f"WHERE cancelled = 0 AND starts_at IS NOT NULL AND starts_at <= ? {and_app} "
        "GROUP BY application_id) l", (now_text, *params)
    )}
    upcoming = dict(con.execute(
        "SELECT application_id, min(starts_at) FROM interview_round "
        f"WHERE cancelled = 0 AND starts_at IS NOT NULL AND starts_at > ? {and_app} "
        "GROUP BY application_id", (now_text, *params)
    ).fetchall())
    return _RoundFacts(names, last, upcoming)


def _add_rows(rows: list[ListRow], applications: Iterable[tuple], facts: _RoundFacts,
              verdicts: dict[str | None, Verdict], default_business_days: int) -> None:
    """Append a row per application read; ``verdicts`` remembers the outlook of each set of
    signals met."""
    names, last, upcoming = facts
    for (app_id, company, role, stage, channel, agency_name, recruiter_name, contact_name,
         notes, search_key) in applications:
        last_interview = expected = verdict = None
        past = last.get(app_id)
        if past is not None:
            starts_at, tz_name, value, unit, signals = past
            last_interview = instant_from_text(starts_at)
            verdict = verdicts.get(signals)
            if verdict is None:
                verdict = assess(signals.split("\n") if signals else ()).verdict
                verdicts[signals] = verdict
            if stage not in CLOSED_STAGES:
                day = last_interview.astimezone(zone_of(tz_name)).date()
                expected = expected_response(day, value, unit, default_business_days).date
        if search_key is None:
            search_key = search_key_of(company, role, agency_name, recruiter_name,
                                       contact_name, names.get(app_id) or "", notes)
        # fold() works character by character, so the company's key starts the search key.
        company_key = search_key.partition("\n")[0] if "\n" not in company else None
        rows.append(ListRow(
            app_id, company, role, stage, is_agency=channel == "agency",
            agency_name=agency_name, last_interview=last_interview,
            next_interview=instant_from_text(upcoming.get(app_id)), expected_response=expected,
            outlook=verdict, search_key=search_key, company_key=company_key,
        ))
