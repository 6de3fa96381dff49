"""Reading the facts of the dated entries from the database, with indexed SQL over the
ORM's connection; and the rules from the user's settings (:func:`rules_from_settings`).

:mod:`services.calendar.entries` calls these: :func:`round_facts`,
:func:`response_facts`, :func:`offer_facts` and :func:`reminder_facts` give the
facts of :mod:`services.calendar.entry_facts` for a range of instants;
:func:`round_starts`, :func:`offer_deadlines`, :func:`reminder_dues` and
:func:`thanks_by_round` give just what the month grid counts;
:func:`latest_started_rounds` and :func:`database_state` feed its cache of each
open application's latest round. Instants are compared as UTC texts, as stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from models.values import EmailState, OfferStatus, ReminderState
from services.calendar.entry_facts import (
    OfferFacts,
    ReminderFacts,
    ResponseFacts,
    RoundFacts,
    Rules,
)
from services.calendar.entry_rules import OPEN_STAGE_VALUES
from services.calendar.entry_types import Person
from services.core import connection, settings
from services.core.instants import instant_from_text

__all__ = [
    "Thanks",
    "database_state",
    "latest_started_rounds",
    "offer_deadlines",
    "offer_facts",
    "reminder_dues",
    "reminder_facts",
    "response_facts",
    "round_facts",
    "round_starts",
    "rules_from_settings",
    "thanks_by_round",
]

_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)


def rules_from_settings() -> Rules:
    """The rules with the user's settings (the registry keeps them whole numbers in bounds)."""
    return Rules(
        follow_up_grace_business_days=settings.get("reminders.follow_up_grace_business_days"),
        default_response_business_days=settings.get("outlook.default_response_business_days"),
        thanks_after_hours=settings.get("reminders.thanks_after_hours"),
    )


def _marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


#: Who is still to be thanked, decided in SQL with the indexes on interviewer.round_id,
#: email.interviewer_id, email.round_id and email.application_id. Per round: the names
#: of the interviewers with no sent email, whether an email linked to the round (or to
#: the recruiter, after the round started) was sent, the channel, and whether the
#: round has interviewers at all.
_SENT = f"e.state IN ({_marks(_SENT_STATES)})"
_THANKS_SQL = f"""
SELECT r.id,
  (SELECT group_concat(i.name, char(10)) FROM interviewer i WHERE i.round_id = r.id
     AND NOT EXISTS (SELECT 1 FROM email e WHERE e.interviewer_id = i.id AND {_SENT})
     AND NOT EXISTS (SELECT 1 FROM email e WHERE e.application_id = r.application_id
                     AND i.email != '' AND lower(e.to_address) = lower(i.email)
                     AND e.sent_at >= r.starts_at AND {_SENT})),
  (EXISTS (SELECT 1 FROM email e WHERE e.round_id = r.id AND {_SENT})
   OR EXISTS (SELECT 1 FROM email e WHERE e.application_id = r.application_id
              AND a.recruiter_email != '' AND lower(e.to_address) = lower(a.recruiter_email)
              AND e.sent_at >= r.starts_at AND {_SENT})),
  a.channel,
  EXISTS (SELECT 1 FROM interviewer i WHERE i.round_id = r.id)
FROM interview_round r JOIN application a ON a.id = r.application_id
"""
_THANKS_PARAMS = _SENT_STATES * 4
#: Bound variables per ``IN (...)`` list, well under SQLite's limit.
_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


class Thanks(NamedTuple):
    """Who of a round is still to be thanked, as SQL decided it."""

    unthanked: tuple[str, ...]
    sent: bool
    is_agency: bool
    has_people: bool

    @property
    def pending(self) -> bool:
        """True while someone is still to be thanked: the rule of
        :func:`services.calendar.entry_rules.thanks_pending`, over what SQL returned."""
        if self.is_agency or not self.has_people:
            return not self.sent
        return bool(self.unthanked)


def thanks_by_round(round_ids: Sequence[int]) -> dict[int, Thanks]:
    """Who is still to be thanked, per round id."""
    found: dict[int, Thanks] = {}
    for chunk in _chunks(round_ids):
        for round_id, unthanked, sent, channel, has_people in connection.database().execute_sql(
            f"{_THANKS_SQL} WHERE r.id IN ({_marks(chunk)})", (*_THANKS_PARAMS, *chunk),
        ):
            found[round_id] = Thanks(tuple(unthanked.split("\n")) if unthanked else (),
                                     bool(sent), channel == "agency", bool(has_people))
    return found


def round_facts(low: str, high: str) -> list[RoundFacts]:
    """Non-cancelled rounds starting in [low, high) (UTC texts), with their interviewers
    and who is still to be thanked."""
    db = connection.database()
    in_range = "starts_at >= ? AND starts_at < ? AND cancelled = 0"
    rows = db.execute_sql(
        "SELECT id, uid, application_id, title, starts_at, tz_name, duration_minutes, "
        f"location, video_link, updated_at FROM interview_round WHERE {in_range}",
        (low, high),
    ).fetchall()
    if not rows:
        return []
    # The applications once each (cheaper than joining them to every round), with whether
    # any email of theirs was sent: where none was, nobody of their rounds was thanked.
    apps = {row[0]: row[1:] for row in db.execute_sql(
        "SELECT a.id, a.uid, a.company, a.role, a.channel, a.agency_name, a.recruiter_name, "
        f"EXISTS (SELECT 1 FROM email e WHERE e.application_id = a.id AND {_SENT}) "
        "FROM application a WHERE a.id IN "
        f"(SELECT application_id FROM interview_round WHERE {in_range})",
        (*_SENT_STATES, low, high),
    )}
    thanks = thanks_by_round([row[0] for row in rows if apps[row[2]][-1]])
    people: dict[int, list[Person]] = {}
    for chunk in _chunks([row[0] for row in rows]):
        for round_id, name, email in db.execute_sql(
            "SELECT round_id, name, email FROM interviewer "
            f"WHERE round_id IN ({_marks(chunk)}) ORDER BY round_id, position, id", chunk,
        ):
            found = people.get(round_id)
            if found is None:
                people[round_id] = [Person(name, email)]
            else:
                found.append(Person(name, email))
    facts = []
    nobody: tuple = ()
    for (round_id, round_uid, app_id, title, starts_at, tz_name, duration, location,
         video_link, updated_at) in rows:
        app_uid, company, role, channel, agency_name, recruiter_name, _any_sent = apps[app_id]
        interviewers = tuple(people.get(round_id, nobody))
        state = thanks.get(round_id)
        if state is None:
            unthanked, sent = tuple([person.name for person in interviewers]), False
        else:
            unthanked, sent = state.unthanked, state.sent
        facts.append(RoundFacts(
            round_id, round_uid, app_id, app_uid, company, role, channel == "agency",
            agency_name, recruiter_name, title, instant_from_text(starts_at), tz_name or "UTC",
            duration, location or "", video_link or "", False,
            instant_from_text(updated_at) if updated_at else None, interviewers, unthanked, sent,
        ))
    return facts


def response_facts(round_ids: Sequence[int]) -> list[ResponseFacts]:
    """The facts of the rounds ``round_ids`` (each an open application's latest started
    round) with what the expected-response and follow-up entries say."""
    facts = []
    for chunk in _chunks(round_ids):
        for (app_id, app_uid, company, role, stage, channel, agency_name, recruiter_name,
             round_id, round_title, tz_name, value, unit, updated_at, starts_at
             ) in connection.database().execute_sql(
                "SELECT a.id, a.uid, a.company, a.role, a.stage, a.channel, a.agency_name, "
                "a.recruiter_name, r.id, r.title, r.tz_name, r.timeframe_value, "
                "r.timeframe_unit, r.updated_at, r.starts_at FROM interview_round r "
                "JOIN application a ON a.id = r.application_id "
                f"WHERE r.id IN ({_marks(chunk)})", chunk):
            facts.append(ResponseFacts(
                app_id, app_uid, company, role, stage, channel == "agency", agency_name,
                recruiter_name, round_id, round_title, instant_from_text(starts_at),
                tz_name or "UTC", value, unit, instant_from_text(updated_at or None),
            ))
    return facts


def offer_facts(low: str, high: str) -> list[OfferFacts]:
    """Pending offers with a deadline in [low, high) (UTC texts)."""
    # One row per offer (a few per search): the deadline needs no index.
    rows = connection.database().execute_sql(
        "SELECT o.uid, a.id, a.uid, a.company, a.role, o.status, o.deadline_at, o.deadline_tz "
        "FROM offer o JOIN application a ON a.id = o.application_id "
        "WHERE o.status = ? AND o.deadline_at >= ? AND o.deadline_at < ?",
        (OfferStatus.PENDING.value, low, high),
    ).fetchall()
    return [OfferFacts(uid, app_id, app_uid, company, role, status, instant_from_text(deadline),
                       tz or "UTC")
            for uid, app_id, app_uid, company, role, status, deadline, tz in rows]


def reminder_facts(low: str, high: str) -> list[ReminderFacts]:
    """The user's own reminders, not done, due in [low, high) (UTC texts)."""
    rows = connection.database().execute_sql(
        "SELECT m.uid, m.application_id, a.uid, a.company, a.role, m.text, m.due_at, m.state "
        "FROM reminder m LEFT JOIN application a ON a.id = m.application_id "
        "WHERE m.custom = 1 AND m.state != ? AND m.due_at >= ? AND m.due_at < ?",
        (ReminderState.DONE.value, low, high),
    ).fetchall()
    return [ReminderFacts(uid, app_id, app_uid, company or "", role or "", text or "",
                          instant_from_text(due), True, state)
            for uid, app_id, app_uid, company, role, text, due, state in rows]


def round_starts(low: str, high: str) -> list[tuple[int, str, int, int]]:
    """(round id, start, duration in minutes, whether any email of its application was
    sent) of the non-cancelled rounds starting in [low, high) (UTC texts).

    Rounds of applications without any sent email are certainly waiting for thanks;
    only the others need :func:`thanks_by_round`.
    """
    return connection.database().execute_sql(
        "SELECT r.id, r.starts_at, r.duration_minutes, EXISTS (SELECT 1 FROM email e "
        f"WHERE e.application_id = r.application_id AND {_SENT}) FROM interview_round r "
        "WHERE r.starts_at >= ? AND r.starts_at < ? AND r.cancelled = 0",
        (*_SENT_STATES, low, high),
    ).fetchall()


def offer_deadlines(low: str, high: str) -> Iterable[tuple[str]]:
    """The deadlines (UTC texts) of the pending offers due in [low, high)."""
    return connection.database().execute_sql(
        "SELECT deadline_at FROM offer WHERE status = ? AND deadline_at >= ? "
        "AND deadline_at < ?", (OfferStatus.PENDING.value, low, high))


def reminder_dues(low: str, high: str) -> Iterable[tuple[str]]:
    """The due instants (UTC texts) of the user's own reminders, not done, in [low, high)."""
    return connection.database().execute_sql(
        "SELECT due_at FROM reminder WHERE custom = 1 AND state != ? "
        "AND due_at >= ? AND due_at < ?", (ReminderState.DONE.value, low, high))


# max() with bare columns: SQLite takes r.id and the rest from the row holding the maximum.
_LATEST_SQL = (
    "SELECT r.id, r.tz_name, r.timeframe_value, r.timeframe_unit, max(r.starts_at) "
    "FROM application a JOIN interview_round r ON r.application_id = a.id "
    f"WHERE a.stage IN ({_marks(OPEN_STAGE_VALUES)}) AND r.cancelled = 0 "
    "AND r.starts_at IS NOT NULL AND r.starts_at <= ? GROUP BY a.id"
)


def latest_started_rounds(now_text: str) -> tuple[list[tuple], str | None]:
    """The latest round that has started by ``now_text`` of every open application, as
    (round id, tz_name, value, unit, starts_at) rows; and the start of the next round after
    ``now_text`` (None when there is none)."""
    db = connection.database()
    rows = db.execute_sql(_LATEST_SQL, (*OPEN_STAGE_VALUES, now_text)).fetchall()
    following = db.execute_sql(
        "SELECT min(starts_at) FROM interview_round WHERE starts_at > ?", (now_text,),
    ).fetchone()[0]
    return rows, following


def database_state() -> tuple[object, tuple[int, int]]:
    """The connection in use, and a key that moves whenever the data may have changed:
    ``PRAGMA data_version`` moves when another connection commits, ``total_changes``
    when this one writes."""
    db = connection.database()
    con = db.connection()
    version = db.execute_sql("PRAGMA data_version").fetchone()[0]
    return con, (version, con.total_changes)
