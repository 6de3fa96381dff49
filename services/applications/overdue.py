"""The dashboard's "Waiting" and "Overdue" lists: who waits for an answer, and what is late.

:func:`services.applications.dashboard.compute` calls
:func:`waiting_and_follow_ups` and :func:`overdue_thank_yous`, which read with a
few aggregate SQL queries (no ORM rows, no Qt). The rules:

* **Waiting** — applications *awaiting response*, and applications
  *interviewing* whose latest past round is behind them with no round ahead.
  They wait since the day of their latest past round (in the round's own
  zone); without one, since the last change to *awaiting response*; without
  that, since the day they were applied for (or added). The expected answer
  comes from :func:`services.applications.prospects.expected_response` over the latest past
  round, exactly as the application list computes it. Longest wait first. An
  application with a reply read from the mailbox (not one the user said is not about
  it) dated after its latest past round began, or without a round after its last
  change to *awaiting response*, has its answer: it is not listed.
* **Overdue follow-ups** — waiting applications whose expected response date
  plus ``reminders.follow_up_grace_business_days`` business days has come
  (that day is the due date), with no stage change and no follow-up email
  sent on or after the expected date.
* **Overdue thank-you notes** — for the latest past round of an application
  still in progress (*applied*, *interviewing*, *awaiting response*), once
  :data:`THANK_YOU_AFTER_HOURS` hours have passed since the round ended: the
  interviewers not yet thanked (no email in state *sent* or *marked sent* to
  them), or for an agency application, the recruiter not yet updated. A note
  older than :data:`THANK_YOU_STALE_DAYS` days is no longer worth sending and
  drops off.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.values import Channel, EmailState, InboxState, Stage
from services.applications.prospects import add_business_days, expected_response
from services.core.instants import instant_from_text, list_day_text, utc_text, zone_of

__all__ = [
    "THANK_YOU_AFTER_HOURS", "THANK_YOU_STALE_DAYS", "OverdueItem", "WaitingItem", "local_day",
    "overdue_thank_yous", "waiting_and_follow_ups",
]

#: A thank-you note is due this long after the round ended.
THANK_YOU_AFTER_HOURS = 24
#: A thank-you note this many days after the round is no longer listed.
THANK_YOU_STALE_DAYS = 14

_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)
_IN_PROGRESS = (Stage.APPLIED.value, Stage.INTERVIEWING.value, Stage.AWAITING_RESPONSE.value)
_WAITING_STAGES = (Stage.INTERVIEWING.value, Stage.AWAITING_RESPONSE.value)
_FOLLOW_UP_TEMPLATE = "follow_up"
_AGENCY_TEMPLATE = "agency_update"


class WaitingItem(NamedTuple):
    """An application waiting for an answer: since when, how many days, and when it is due."""

    application_id: int
    company: str
    role: str
    since: date
    days: int
    expected: date | None


class OverdueItem(NamedTuple):
    """Something the user meant to do by ``due``: a ``"follow_up"`` or a ``"thank_you"``."""

    application_id: int
    company: str
    kind: str
    due: date
    text: str


# --- Small helpers ----------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def local_day(stored: str, zone: ZoneInfo) -> date:
    """The day a stored instant falls on in ``zone``; remembered, so a refresh of the
    dashboard converts only what changed since the last one."""
    return instant_from_text(stored).astimezone(zone).date()


def _on_or_after(stored: str | None, zone: ZoneInfo, day: date) -> bool:
    """True when the stored instant falls on ``day`` or later in ``zone``."""
    return stored is not None and local_day(stored, zone) >= day


@lru_cache(maxsize=4096)
def _follow_up_text(expected: date) -> str:
    return f"Follow up: expected by {list_day_text(expected)}."


@lru_cache(maxsize=8192)
def _expected(day: date, value: int | None, unit: str | None, default_business_days: int) -> date:
    """:func:`services.applications.prospects.expected_response`'s date, remembered (many
    rounds share days)."""
    return expected_response(day, value, unit, default_business_days).date


@lru_cache(maxsize=8192)
def _business_days_after(day: date, count: int) -> date:
    """:func:`services.applications.prospects.add_business_days`, remembered."""
    return add_business_days(day, count)


def _marks(values: tuple | list) -> str:
    return ",".join("?" * len(values))


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- Waiting and follow-ups -------------------------------------------------------------------


class _WaitingFacts(NamedTuple):
    """What the waiting list needs besides the applications, keyed by application id."""

    last: dict[int, tuple]  # the latest past round: starts_at, tz_name, value, unit
    ahead: set[int]  # applications with a round still ahead
    changes: dict[int, tuple]  # the latest stage change, the latest to awaiting response
    followed: dict[int, str]  # the latest follow-up email sent
    answered: dict[int, str]  # the latest reply read from the mailbox


def waiting_and_follow_ups(con: sqlite3.Connection, now_text: str, today: date, zone: ZoneInfo,
                           default_business_days: int, grace: int,
                           ) -> tuple[list[WaitingItem], list[OverdueItem]]:
    """The waiting applications (longest first) and their overdue follow-ups."""
    facts = _waiting_facts(con, now_text)
    waiting: list[WaitingItem] = []
    overdue: list[OverdueItem] = []
    for app_id, company, role, stage, applied_on, created_at in con.execute(
            "SELECT id, company, role, stage, applied_on, created_at FROM application "
            f"WHERE stage IN ({_marks(_WAITING_STAGES)})", _WAITING_STAGES):
        past = facts.last.get(app_id)
        if stage == Stage.INTERVIEWING.value and (past is None or app_id in facts.ahead):
            continue
        latest_change, to_awaiting = facts.changes.get(app_id, (None, None))
        if _answered(facts.answered.get(app_id), past, to_awaiting):
            continue
        since, expected = _waiting_since(past, to_awaiting, applied_on, created_at, zone,
                                         default_business_days)
        waiting.append(WaitingItem(app_id, company, role, since, (today - since).days, expected))
        if expected is None:
            continue
        due = _business_days_after(expected, grace)
        if due > today:
            continue
        if _on_or_after(latest_change, zone, expected):
            continue  # news came after the expected date (the stage moved)
        if _on_or_after(facts.followed.get(app_id), zone, expected):
            continue  # the user already followed up
        overdue.append(OverdueItem(app_id, company, "follow_up", due, _follow_up_text(expected)))
    waiting.sort(key=lambda item: (-item.days, item.company.casefold(), item.application_id))
    return waiting, overdue


def _waiting_facts(con: sqlite3.Connection, now_text: str) -> _WaitingFacts:
    stages = _WAITING_STAGES
    in_stages = f"SELECT id FROM application WHERE stage IN ({_marks(stages)})"
    # Every dated round of those applications, in one pass over the application index:
    # the latest one started by now is "the latest past round" (as in the application
    # list); any later one means an interview is still ahead.
    last: dict[int, tuple] = {}
    ahead: set[int] = set()
    for app_id, starts_at, tz_name, value, unit in con.execute(
            "SELECT application_id, starts_at, tz_name, timeframe_value, timeframe_unit "
            "FROM interview_round WHERE cancelled = 0 AND starts_at IS NOT NULL "
            f"AND application_id IN ({in_stages})", stages):
        if starts_at > now_text:
            ahead.add(app_id)
        else:
            known = last.get(app_id)
            if known is None or starts_at > known[0]:
                last[app_id] = (starts_at, tz_name, value, unit)
    changes = {app_id: (latest, to_awaiting) for app_id, latest, to_awaiting in con.execute(
        "SELECT application_id, max(changed_at), "
        "max(CASE WHEN to_stage = 'awaiting_response' THEN changed_at END) "
        f"FROM stage_change WHERE application_id IN ({in_stages}) GROUP BY application_id",
        stages)}
    followed = dict(con.execute(
        "SELECT application_id, max(coalesce(sent_at, updated_at)) FROM email "
        f"WHERE template_key = ? AND state IN ({_marks(_SENT_STATES)}) "
        f"AND application_id IN ({in_stages}) GROUP BY application_id",
        (_FOLLOW_UP_TEMPLATE, *_SENT_STATES, *stages)))
    answered = dict(con.execute(
        "SELECT application_id, max(sent_at) FROM inbox_message WHERE state != ? "
        f"AND application_id IN ({in_stages}) GROUP BY application_id",
        (InboxState.NOT_THIS.value, *stages)))
    return _WaitingFacts(last, ahead, changes, followed, answered)


def _answered(reply: str | None, past: tuple | None, to_awaiting: str | None) -> bool:
    """True when a reply came after the latest past round began (without a round: after the
    last change to awaiting response). Stored instants compare as text."""
    since = past[0] if past is not None else to_awaiting
    return reply is not None and since is not None and reply > since


def _waiting_since(past: tuple | None, to_awaiting: str | None, applied_on: str | None,
                   created_at: str, zone: ZoneInfo,
                   default_business_days: int) -> tuple[date, date | None]:
    """Since when an application waits, and the answer's expected date (None without a past
    round)."""
    if past is not None:
        starts_at, tz_name, value, unit = past
        since = local_day(starts_at, zone_of(tz_name))
        return since, _expected(since, value, unit, default_business_days)
    if to_awaiting is not None:
        return local_day(to_awaiting, zone), None
    if applied_on:
        return date.fromisoformat(applied_on), None
    return local_day(created_at, zone), None


# --- Thank-you notes --------------------------------------------------------------------------


class _Round(NamedTuple):
    """The latest past round of an application in progress, with what a note needs."""

    application_id: int
    round_id: int
    start: datetime
    due_at: datetime
    title: str
    company: str
    agency: bool
    agency_name: str
    recruiter_name: str
    recruiter_email: str


def overdue_thank_yous(con: sqlite3.Connection, now: datetime, now_text: str,
                       zone: ZoneInfo) -> list[OverdueItem]:
    """Thank-you notes (or agency updates) not sent within a day of the latest round."""
    rounds = _rounds_to_thank(con, now, now_text)
    if not rounds:
        return []
    people = _interviewers(con, [rnd.round_id for rnd in rounds])
    emails = _sent_emails(con, sorted({rnd.application_id for rnd in rounds}))
    items = []
    for rnd in rounds:
        sent = emails.get(rnd.application_id, [])
        what = rnd.title.strip() or "interview"
        on = list_day_text(rnd.start.astimezone(zone).date())
        if rnd.agency:
            text = _agency_update_text(rnd, sent, what, on)
        else:
            text = _thank_you_text(rnd, people.get(rnd.round_id, []), sent, what, on)
        if text:
            due = rnd.due_at.astimezone(zone).date()
            items.append(OverdueItem(rnd.application_id, rnd.company, "thank_you", due, text))
    return items


def _rounds_to_thank(con: sqlite3.Connection, now: datetime, now_text: str) -> list[_Round]:
    """The latest past round of each application in progress whose note is due and not
    stale."""
    oldest_start = utc_text(now - timedelta(days=THANK_YOU_STALE_DAYS + 2))
    rounds = []
    for (app_id, round_id, starts_at, duration, title, company, channel, agency_name,
         recruiter_name, recruiter_email) in con.execute(
            # The latest past round of each application, among the rounds of the last
            # days only: a later past round would be among them too. The index on
            # starts_at keeps this to a few rows.
            "SELECT l.application_id, l.id, l.starts_at, l.duration_minutes, l.title, "
            "a.company, a.channel, a.agency_name, a.recruiter_name, a.recruiter_email FROM "
            "(SELECT application_id, id, max(starts_at) AS starts_at, duration_minutes, title "
            "FROM interview_round WHERE cancelled = 0 AND starts_at >= ? "
            "AND starts_at <= ? GROUP BY application_id) l "
            "CROSS JOIN application a ON a.id = l.application_id "
            f"WHERE a.stage IN ({_marks(_IN_PROGRESS)})",
            (oldest_start, now_text, *_IN_PROGRESS)):
        start = instant_from_text(starts_at)
        end = start + timedelta(minutes=duration or 0)
        due_at = end + timedelta(hours=THANK_YOU_AFTER_HOURS)
        if due_at > now or now - end > timedelta(days=THANK_YOU_STALE_DAYS):
            continue
        rounds.append(_Round(app_id, round_id, start, due_at, title, company,
                             channel == Channel.AGENCY.value, agency_name, recruiter_name,
                             recruiter_email))
    return rounds


def _interviewers(con: sqlite3.Connection,
                  round_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """Per round: (interviewer id, name, email in lower case), in the round's order."""
    people: dict[int, list[tuple[int, str, str]]] = {}
    for person_id, round_id, name, email in con.execute(
            "SELECT id, round_id, name, email FROM interviewer "
            f"WHERE round_id IN ({_marks(round_ids)}) ORDER BY round_id, position, id",
            round_ids):
        people.setdefault(round_id, []).append((person_id, name, email.strip().lower()))
    return people


def _sent_emails(con: sqlite3.Connection, app_ids: list[int]) -> dict[int, list[tuple]]:
    """Per application: (round id, interviewer id, address, template, instant) of each email
    sent or marked sent."""
    emails: dict[int, list[tuple]] = {}
    for app_id, round_id, person_id, address, template, when in con.execute(
            "SELECT application_id, round_id, interviewer_id, lower(trim(to_address)), "
            "template_key, coalesce(sent_at, updated_at) FROM email "
            f"WHERE state IN ({_marks(_SENT_STATES)}) AND application_id IN ({_marks(app_ids)})",
            (*_SENT_STATES, *app_ids)):
        emails.setdefault(app_id, []).append(
            (round_id, person_id, address, template, instant_from_text(when)))
    return emails


def _agency_update_text(rnd: _Round, sent: list[tuple], what: str, on: str) -> str | None:
    """“Update <recruiter> on the <round> of <day>.” unless the recruiter heard since."""
    recruiter = rnd.recruiter_email.strip().lower()
    done = any(
        e_round == rnd.round_id or (when is not None and when >= rnd.start and (
            (recruiter and address == recruiter) or template == _AGENCY_TEMPLATE))
        for e_round, _person, address, template, when in sent)
    if done:
        return None
    who = rnd.recruiter_name.strip() or "the recruiter"
    if rnd.agency_name.strip():
        who = f"{who} at {rnd.agency_name.strip()}"
    return f"Update {who} on the {what} of {on}."


def _thank_you_text(rnd: _Round, people: list[tuple[int, str, str]], sent: list[tuple],
                    what: str, on: str) -> str | None:
    """“Thank <names> for the <round> of <day>.” for the interviewers not thanked yet."""
    missing = [
        name for person_id, name, address in people
        if not any(
            e_person == person_id or (address and e_address == address and (
                e_round == rnd.round_id or (when is not None and when >= rnd.start)))
            for e_round, e_person, e_address, _template, when in sent)
    ]
    if not missing:
        return None
    return f"Thank {_names(missing)} for the {what} of {on}."
