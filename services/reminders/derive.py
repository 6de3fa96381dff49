"""Deriving reminders: every reminder the data calls for at an instant.

:func:`derive` reads the calendar entries (:mod:`services.calendar.entries`)
of the last :data:`LOOKBACK_DAYS` days and the next ones, and what else the
rules (:mod:`services.reminders.rules`) need to know — who is still to be
thanked, whether there was news since a round (a stage change, or a reply read from the
mailbox), when the last email went out,
how many applications are open — and returns the wanted reminders, one per
key. :func:`services.reminders.sync.sync` writes them to the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.base import database_proxy
from models.values import OPEN_STAGES, EmailState, InboxState
from services.calendar.entries import entries_between
from services.calendar.entry_types import EntryKind
from services.calendar.fact_queries import rules_from_settings
from services.core import settings
from services.core.instants import instant_from_text
from services.reminders.rules import (
    WAITING_STAGES,
    Unthanked,
    Wanted,
    follow_up_reminder,
    interview_reminders,
    offer_reminders,
    stall_reminder,
    thank_you_reminders,
)
from services.reminders.table import aware, chunks, marks, zone_or_users

__all__ = ["LOOKBACK_DAYS", "derive"]

#: How far back (days) sync recomputes derived reminders.
LOOKBACK_DAYS = 30
#: Sync looks this far ahead (days). Every derived reminder is due at most two days before
#: its calendar entry and sync runs at least hourly (see ui.reminders.scheduler), so rows for
#: later events are simply made when they come into range.
_HORIZON_DAYS = 90
_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)
_OPEN_VALUES = tuple(sorted(stage.value for stage in OPEN_STAGES))
_WAITING_VALUES = tuple(sorted(WAITING_STAGES))


# -- deriving -----------------------------------------------------------------------------------


class _RoundRow(NamedTuple):
    uid: str
    title: str
    starts_at: datetime
    application_id: int
    stage: str
    is_agency: bool
    agency_name: str
    recruiter_name: str


def _rounds(round_ids: Iterable[int]) -> dict[int, _RoundRow]:
    ids = sorted(set(round_ids))
    found: dict[int, _RoundRow] = {}
    for chunk in chunks(ids):
        for (round_id, uid, title, starts_at, app_id, stage, channel, agency, recruiter
             ) in database_proxy.execute_sql(
            "SELECT r.id, r.uid, r.title, r.starts_at, a.id, a.stage, a.channel, "
            "a.agency_name, a.recruiter_name FROM interview_round r "
            f"JOIN application a ON a.id = r.application_id WHERE r.id IN ({marks(chunk)})",
            chunk,
        ):
            found[round_id] = _RoundRow(uid, title or "", instant_from_text(starts_at), app_id,
                                        stage, channel == "agency", agency_name=agency or "",
                                        recruiter_name=recruiter or "")
    return found


#: Who of a round is still to be thanked, by the rule documented in
#: :mod:`services.calendar.entries` (an interviewer with no email in state sent or
#: marked_sent linked to them, or sent to their address on the same application after
#: the round started). The calendar's thank-you entry decides *whether* a round needs
#: notes; this only splits it into one reminder per person.
_UNTHANKED_SQL = (
    "SELECT i.round_id, i.uid, i.name, i.title FROM interviewer i "
    "JOIN interview_round r ON r.id = i.round_id "
    "WHERE i.round_id IN ({marks}) "
    "AND NOT EXISTS (SELECT 1 FROM email e WHERE e.interviewer_id = i.id "
    "  AND e.state IN ({sent})) "
    "AND NOT EXISTS (SELECT 1 FROM email e WHERE e.application_id = r.application_id "
    "  AND i.email != '' AND lower(e.to_address) = lower(i.email) "
    "  AND e.sent_at >= r.starts_at AND e.state IN ({sent})) "
    "ORDER BY i.round_id, i.position, i.id"
)


def _unthanked(round_ids: Iterable[int]) -> dict[int, list[Unthanked]]:
    """The interviewers still to be thanked in each round."""
    ids = sorted(set(round_ids))
    found: dict[int, list[Unthanked]] = {}
    sent = marks(_SENT_STATES)
    for chunk in chunks(ids):
        for round_id, uid, name, title in database_proxy.execute_sql(
            _UNTHANKED_SQL.format(marks=marks(chunk), sent=sent),
            (*chunk, *_SENT_STATES, *_SENT_STATES),
        ):
            found.setdefault(round_id, []).append(Unthanked(uid, name, title or ""))
    return found


class _FollowUpFacts(NamedTuple):
    news_since_round: bool
    last_email_at: datetime | None


def _follow_up_facts(rounds: dict[int, _RoundRow], round_ids: Iterable[int]
                     ) -> dict[int, _FollowUpFacts]:
    ids = sorted(set(round_ids) & set(rounds))
    found: dict[int, _FollowUpFacts] = {}
    for chunk in chunks(ids):
        for round_id, news, last_sent in database_proxy.execute_sql(
            "SELECT r.id, EXISTS (SELECT 1 FROM stage_change s "
            "  WHERE s.application_id = r.application_id AND s.changed_at > r.starts_at "
            f"  AND s.to_stage NOT IN ({marks(_WAITING_VALUES)})) "
            # A reply read from the mailbox after the round began is news too.
            "OR EXISTS (SELECT 1 FROM inbox_message m "
            "  WHERE m.application_id = r.application_id AND m.sent_at > r.starts_at "
            "  AND m.state != ?), "
            "(SELECT max(e.sent_at) FROM email e WHERE e.application_id = r.application_id "
            f"  AND e.state IN ({marks(_SENT_STATES)})) "
            f"FROM interview_round r WHERE r.id IN ({marks(chunk)})",
            (*_WAITING_VALUES, InboxState.NOT_THIS.value, *_SENT_STATES, *chunk),
        ):
            found[round_id] = _FollowUpFacts(bool(news), instant_from_text(last_sent))
    return found


def _minus_business_days(day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _stall(zone: ZoneInfo) -> Wanted | None:
    row = database_proxy.execute_sql(
        "SELECT max(coalesce(applied_on, substr(created_at, 1, 10))) FROM application"
    ).fetchone()
    last = date.fromisoformat(str(row[0])[:10]) if row and row[0] else None
    counts = dict(database_proxy.execute_sql(
        f"SELECT stage, count(*) FROM application WHERE stage IN ({marks(_OPEN_VALUES)}) "
        "GROUP BY stage", _OPEN_VALUES,
    ).fetchall())
    return stall_reminder(
        last, counts, stall_days=settings.get("reminders.stall_days"),
        weekly_goal=settings.get("search.weekly_goal"), zone=zone,
    )


def derive(now: datetime, zone: ZoneInfo | str | None = None) -> list[Wanted]:
    """Every derived reminder the data calls for at ``now`` (see :mod:`services.reminders.rules`),
    from the calendar entries of the last :data:`LOOKBACK_DAYS` days on."""
    now = aware(now, "now")
    zone = zone_or_users(zone)
    rules = rules_from_settings()
    today = now.astimezone(zone).date()
    entries = entries_between(today - timedelta(days=LOOKBACK_DAYS),
                              today + timedelta(days=_HORIZON_DAYS), now, zone, rules=rules)
    round_kinds = (EntryKind.INTERVIEW, EntryKind.THANK_YOU_DEADLINE, EntryKind.FOLLOW_UP)
    rounds = _rounds(e.round_id for e in entries if e.kind in round_kinds and e.round_id)
    unthanked = _unthanked(e.round_id for e in entries
                           if e.kind == EntryKind.THANK_YOU_DEADLINE and e.round_id in rounds
                           and not rounds[e.round_id].is_agency)
    follow_ids = [e.round_id for e in entries if e.kind == EntryKind.FOLLOW_UP]
    follow_facts = _follow_up_facts(rounds, follow_ids)
    expected = {(e.application_id, e.round_id): e.start for e in entries
                if e.kind == EntryKind.EXPECTED_RESPONSE}
    offers = [e for e in entries if e.kind == EntryKind.OFFER_DEADLINE]
    open_total, open_apps = _open_counts([e.application_id for e in offers])

    wanted: list[Wanted] = []
    for entry in entries:
        row = rounds.get(entry.round_id) if entry.round_id is not None else None
        if entry.kind == EntryKind.INTERVIEW and row is not None:
            wanted.extend(interview_reminders(entry, zone, row.uid, row.title))
        elif entry.kind == EntryKind.THANK_YOU_DEADLINE and row is not None:
            wanted.extend(thank_you_reminders(
                entry, row.uid, is_agency=row.is_agency, round_title=row.title,
                agency_name=row.agency_name, recruiter_name=row.recruiter_name,
                unthanked=unthanked.get(entry.round_id, ()),
            ))
        elif entry.kind == EntryKind.FOLLOW_UP and row is not None:
            facts = follow_facts.get(entry.round_id)
            if facts is None:
                continue
            expected_day = expected.get((entry.application_id, entry.round_id)) or (
                _minus_business_days(entry.start, rules.follow_up_grace_business_days))
            found = follow_up_reminder(
                entry, zone, row.uid, stage=row.stage,
                news_since_round=facts.news_since_round, expected=expected_day,
                last_email_at=facts.last_email_at, is_agency=row.is_agency,
                recruiter_name=row.recruiter_name, agency_name=row.agency_name,
            )
            if found is not None:
                wanted.append(found)
        elif entry.kind == EntryKind.OFFER_DEADLINE:
            others = open_total - (1 if entry.application_id in open_apps else 0)
            wanted.extend(offer_reminders(entry, zone, others))
    stalled = _stall(zone)
    if stalled is not None:
        wanted.append(stalled)
    # One row per key, even if two entries asked for the same reminder.
    return list({w.key: w for w in wanted}.values())


def _open_counts(application_ids: Sequence[int | None]) -> tuple[int, set[int]]:
    """How many applications are open, and which of ``application_ids`` are."""
    if not application_ids:
        return 0, set()
    total = database_proxy.execute_sql(
        f"SELECT count(*) FROM application WHERE stage IN ({marks(_OPEN_VALUES)})",
        _OPEN_VALUES,
    ).fetchone()[0]
    ids = sorted({app_id for app_id in application_ids if app_id is not None})
    open_ids = {row[0] for row in database_proxy.execute_sql(
        f"SELECT id FROM application WHERE id IN ({marks(ids)}) "
        f"AND stage IN ({marks(_OPEN_VALUES)})", (*ids, *_OPEN_VALUES),
    )}
    return int(total), open_ids
