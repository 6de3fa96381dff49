"""The reminder engine: derive reminders from the data, keep their state, say what is due.

No widgets and no clock of its own: every function takes ``now`` (an aware
instant) and, where local time matters, the user's ``zone``
(:class:`zoneinfo.ZoneInfo`; default :func:`models.clock.user_zone`).

The life of a reminder (one row of the ``reminder`` table):

``pending`` (waiting for ``due_at``) → ``shown`` (notified once; it stays in
the tray menu and the in-window panel until acted on) → ``done``; or
``snoozed`` (until ``snoozed_until``, then due again) → ``shown`` → …
Every change is committed at once, so a restart neither repeats a reminder
(a shown one is never notified again) nor loses one (a pending one that
came due while the app was closed is listed at the next start, see
:func:`missed_since_last_run`).

Derived reminders (:mod:`services.reminders.rules`, built on
:mod:`services.calendar.entries`) are recomputed by :func:`sync`, in one
transaction:

* a wanted reminder without a row gets one (``pending``);
* a row whose due instant moved is updated; a shown or snoozed one whose new
  instant lies ahead is armed again (``pending``), one whose new instant is
  still past keeps its state, so a settings change does not repeat it;
* a ``done`` row is never touched: a done reminder is never brought back
  (subjects that can move — an interview's start, an offer's deadline —
  carry the instant in their key, so a moved event is a new reminder);
* a not-done row whose moment has passed by itself (the interview started,
  the offer deadline passed) is marked done, so setting the clock back later
  does not bring it back;
* a not-done row the data no longer calls for (the note was sent, the stage
  changed, the offer was answered) is deleted.

Sync looks :data:`LOOKBACK_DAYS` back: older rows that were never acted on
are kept as they are (they were due long ago and are shown, or listed once,
until the user marks them done); this keeps sync's work bounded by recent
and future data, whatever the size of the history.

The user's own reminders are rows with ``custom`` set
(:func:`add_custom`, :func:`update_custom`, :func:`delete_custom`); sync
never touches them, and the calendar shows them from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models import clock
from models.base import database_proxy, new_uid
from models.values import OPEN_STAGES, EmailState, ReminderState
from services.calendar import entries as ce
from services.core.instants import instant_from_text
from services.reminders.rules import (
    MORNING,
    WAITING_STAGES,
    ReminderKind,
    Unthanked,
    Wanted,
    follow_up_reminder,
    interview_reminders,
    interview_title,
    key_round_uid,
    offer_reminders,
    stall_reminder,
    thank_you_reminders,
)

__all__ = [
    "DUE_INDEX",
    "LOOKBACK_DAYS",
    "MAX_TEXT_LENGTH",
    "OpenTarget",
    "ReminderError",
    "ReminderItem",
    "SyncResult",
    "add_custom",
    "delete_custom",
    "derive",
    "done",
    "due",
    "get",
    "mark_shown",
    "missed_since_last_run",
    "next_due_instant",
    "outstanding",
    "snooze",
    "snooze_presets",
    "sync",
    "update_custom",
]

#: How far back (days) sync recomputes derived reminders.
LOOKBACK_DAYS = 30
#: Rows due less than this after the start of the look-back window are left alone by sync:
#: their calendar entry may lie just outside the window (a thank-you deadline comes up to
#: two days after its round starts, an interview's evening-before reminder a day before it).
_SCOPE_MARGIN = timedelta(days=3)
#: Sync looks this far ahead (days). Every derived reminder is due at most two days before
#: its calendar entry and sync runs at least hourly (see ui.reminders.scheduler), so rows for
#: later events are simply made when they come into range.
_HORIZON_DAYS = 90
#: The longest text of a reminder the user adds.
MAX_TEXT_LENGTH = 500

_PENDING = ReminderState.PENDING.value
_SHOWN = ReminderState.SHOWN.value
_SNOOZED = ReminderState.SNOOZED.value
_DONE = ReminderState.DONE.value
_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)
_OPEN_VALUES = tuple(sorted(stage.value for stage in OPEN_STAGES))
_WAITING_VALUES = tuple(sorted(WAITING_STAGES))
_CHUNK = 500


class ReminderError(ValueError):
    """A reminder cannot be saved as asked; the message says why and what to do."""


# -- values -------------------------------------------------------------------------------------


class OpenTarget(NamedTuple):
    """What "Open" shows for a reminder.

    ``what`` is ``"composer"`` (the notes of ``round_id`` with ``template_key``),
    ``"editor"`` (the application ``application_id``), ``"new_application"``
    (an empty editor) or ``"window"`` (just the main window).
    """

    what: str
    application_id: int | None = None
    round_id: int | None = None
    template_key: str = ""


@dataclass(frozen=True)
class ReminderItem:
    """One reminder as the tray, the panel and the notifications show it."""

    id: int
    key: str
    kind: ReminderKind
    text: str
    due_at: datetime
    state: str
    application_id: int | None
    round_id: int | None
    custom: bool
    snoozed_until: datetime | None = None
    shown_at: datetime | None = None

    @property
    def title(self) -> str:
        """The kind in words ("Send a thank-you note", "Offer deadline", …); for the
        evening-before reminder of an interview, "Interview today" or "Interview tomorrow" as
        seen from now (:func:`models.clock.now`, in the user's zone)."""
        if self.kind == ReminderKind.INTERVIEW_TOMORROW:
            return interview_title(self.key, clock.now(), clock.user_zone()) or self.kind.label
        return self.kind.label

    @property
    def due_instant(self) -> datetime:
        """When it is (or was) due: the end of its snooze, or its due instant."""
        if self.state == _SNOOZED and self.snoozed_until is not None:
            return self.snoozed_until
        return self.due_at

    @property
    def open_target(self) -> OpenTarget:
        """Where "Open" leads: the composer for notes, the application otherwise."""
        templates = {
            ReminderKind.THANK_YOU: "thank_you",
            ReminderKind.RECRUITER_UPDATE: "agency_update",
            ReminderKind.FOLLOW_UP: "follow_up",
        }
        template = templates.get(self.kind)
        if template and self.application_id is not None and self.round_id is not None:
            return OpenTarget("composer", self.application_id, self.round_id, template)
        if self.application_id is not None:
            return OpenTarget("editor", self.application_id)
        if self.kind == ReminderKind.SEARCH_STALLED:
            return OpenTarget("new_application")
        return OpenTarget("window")


@dataclass(frozen=True)
class SyncResult:
    """What :func:`sync` changed: rows created, updated, resolved because their moment
    passed (``expired``: marked done) and removed because the data no longer calls for them."""

    created: int = 0
    updated: int = 0
    expired: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        """True when any row was written."""
        return bool(self.created or self.updated or self.expired or self.removed)


# -- small helpers ------------------------------------------------------------------------------


def _aware(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


def _text(instant: datetime) -> str:
    """An instant as the database stores it (what ``UTCDateTimeField`` writes)."""
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def _marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _db():
    return database_proxy


def _zone(zone: ZoneInfo | str | None) -> ZoneInfo:
    return clock.user_zone() if zone is None else ce.zone_of(zone)


def _setting_int(key: str, default: int) -> int:
    from services.core import settings

    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return default
    return min(value, 365)


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
    for chunk in _chunks(ids):
        for (round_id, uid, title, starts_at, app_id, stage, channel, agency, recruiter
             ) in _db().execute_sql(
            "SELECT r.id, r.uid, r.title, r.starts_at, a.id, a.stage, a.channel, "
            "a.agency_name, a.recruiter_name FROM interview_round r "
            f"JOIN application a ON a.id = r.application_id WHERE r.id IN ({_marks(chunk)})",
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
    sent = _marks(_SENT_STATES)
    for chunk in _chunks(ids):
        for round_id, uid, name, title in _db().execute_sql(
            _UNTHANKED_SQL.format(marks=_marks(chunk), sent=sent),
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
    for chunk in _chunks(ids):
        for round_id, news, last_sent in _db().execute_sql(
            "SELECT r.id, EXISTS (SELECT 1 FROM stage_change s "
            "  WHERE s.application_id = r.application_id AND s.changed_at > r.starts_at "
            f"  AND s.to_stage NOT IN ({_marks(_WAITING_VALUES)})), "
            "(SELECT max(e.sent_at) FROM email e WHERE e.application_id = r.application_id "
            f"  AND e.state IN ({_marks(_SENT_STATES)})) "
            f"FROM interview_round r WHERE r.id IN ({_marks(chunk)})",
            (*_WAITING_VALUES, *_SENT_STATES, *chunk),
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
    row = _db().execute_sql(
        "SELECT max(coalesce(applied_on, substr(created_at, 1, 10))) FROM application"
    ).fetchone()
    last = date.fromisoformat(str(row[0])[:10]) if row and row[0] else None
    counts = dict(_db().execute_sql(
        f"SELECT stage, count(*) FROM application WHERE stage IN ({_marks(_OPEN_VALUES)}) "
        "GROUP BY stage", _OPEN_VALUES,
    ).fetchall())
    return stall_reminder(
        last, counts, stall_days=_setting_int("reminders.stall_days", 7),
        weekly_goal=_setting_int("search.weekly_goal", 5), zone=zone,
    )


def derive(now: datetime, zone: ZoneInfo | str | None = None) -> list[Wanted]:
    """Every derived reminder the data calls for at ``now`` (see :mod:`services.reminders.rules`),
    from the calendar entries of the last :data:`LOOKBACK_DAYS` days on."""
    now = _aware(now, "now")
    zone = _zone(zone)
    rules = ce.rules_from_settings()
    today = now.astimezone(zone).date()
    entries = ce.entries_between(today - timedelta(days=LOOKBACK_DAYS),
                                 today + timedelta(days=_HORIZON_DAYS), now, zone, rules=rules)
    round_kinds = (ce.EntryKind.INTERVIEW, ce.EntryKind.THANK_YOU_DEADLINE,
                   ce.EntryKind.FOLLOW_UP)
    rounds = _rounds(e.round_id for e in entries if e.kind in round_kinds and e.round_id)
    unthanked = _unthanked(e.round_id for e in entries
                           if e.kind == ce.EntryKind.THANK_YOU_DEADLINE and e.round_id in rounds
                           and not rounds[e.round_id].is_agency)
    follow_ids = [e.round_id for e in entries if e.kind == ce.EntryKind.FOLLOW_UP]
    follow_facts = _follow_up_facts(rounds, follow_ids)
    expected = {(e.application_id, e.round_id): e.start for e in entries
                if e.kind == ce.EntryKind.EXPECTED_RESPONSE}
    offers = [e for e in entries if e.kind == ce.EntryKind.OFFER_DEADLINE]
    open_total, open_apps = _open_counts([e.application_id for e in offers])

    wanted: list[Wanted] = []
    for entry in entries:
        row = rounds.get(entry.round_id) if entry.round_id is not None else None
        if entry.kind == ce.EntryKind.INTERVIEW and row is not None:
            wanted.extend(interview_reminders(entry, zone, row.uid, row.title))
        elif entry.kind == ce.EntryKind.THANK_YOU_DEADLINE and row is not None:
            wanted.extend(thank_you_reminders(
                entry, row.uid, is_agency=row.is_agency, round_title=row.title,
                agency_name=row.agency_name, recruiter_name=row.recruiter_name,
                unthanked=unthanked.get(entry.round_id, ()),
            ))
        elif entry.kind == ce.EntryKind.FOLLOW_UP and row is not None:
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
        elif entry.kind == ce.EntryKind.OFFER_DEADLINE:
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
    total = _db().execute_sql(
        f"SELECT count(*) FROM application WHERE stage IN ({_marks(_OPEN_VALUES)})",
        _OPEN_VALUES,
    ).fetchone()[0]
    ids = sorted({app_id for app_id in application_ids if app_id is not None})
    open_ids = {row[0] for row in _db().execute_sql(
        f"SELECT id FROM application WHERE id IN ({_marks(ids)}) "
        f"AND stage IN ({_marks(_OPEN_VALUES)})", (*ids, *_OPEN_VALUES),
    )}
    return int(total), open_ids


# -- sync ---------------------------------------------------------------------------------------


#: The index that makes :func:`next_due_instant` index-only (``Reminder.Meta.indexes``;
#: schema 3 and later).
DUE_INDEX = "reminder_state_due_at_snoozed_until"


def _scope_start(now: datetime, zone: ZoneInfo) -> datetime:
    first = now.astimezone(zone).date() - timedelta(days=LOOKBACK_DAYS)
    return ce.to_instant(datetime.combine(first, time()), zone) + _SCOPE_MARGIN


def sync(now: datetime, zone: ZoneInfo | str | None = None) -> SyncResult:
    """Recompute the derived reminders and write the differences in one transaction."""
    now = _aware(now, "now").replace(microsecond=0)
    zone = _zone(zone)
    wanted = derive(now, zone)
    scope_start = _text(_scope_start(now, zone))
    now_text = _text(now)
    db = _db()
    created = updated = expired = removed = 0
    with db.atomic():
        rows = {}
        for row in db.execute_sql(
            "SELECT id, key, kind, due_at, text, state, application_id FROM reminder "
            "WHERE custom = 0 AND state IN (?, ?, ?)", (_PENDING, _SHOWN, _SNOOZED),
        ):
            rows[row[1]] = row
        live = [w for w in wanted if w.expires_at is None or _text(w.expires_at) > now_text]
        # Lapsed by time (the interview started, the deadline passed): resolved, so a clock
        # set back later does not bring them back.
        lapsed = [rows[w.key][0] for w in wanted
                  if w.key in rows and w.expires_at is not None
                  and _text(w.expires_at) <= now_text]
        for chunk in _chunks(lapsed):
            expired += db.execute_sql(
                f"UPDATE reminder SET state = ?, done_at = ?, snoozed_until = NULL "
                f"WHERE id IN ({_marks(chunk)})", (_DONE, now_text, *chunk)).rowcount
        new = [w for w in live if w.key not in rows]
        taken: set[str] = set()
        keys = [w.key for w in new]
        for chunk in _chunks(keys):
            taken.update(row[0] for row in db.execute_sql(
                f"SELECT key FROM reminder WHERE key IN ({_marks(chunk)})", chunk))
        inserts = [w for w in new if w.key not in taken]  # a done row is never brought back
        for chunk in _chunks(inserts, 50):
            values = []
            for w in chunk:
                values.extend((new_uid(), w.key, w.kind.value, w.application_id,
                               _text(w.due_at), w.text, 0, _PENDING, now_text))
            db.execute_sql(
                "INSERT INTO reminder (uid, key, kind, application_id, due_at, text, custom, "
                "state, created_at) VALUES " + ",".join(["(?,?,?,?,?,?,?,?,?)"] * len(chunk)),
                values,
            )
            created += len(chunk)
        for w in live:
            row = rows.get(w.key)
            if row is None:
                continue
            row_id, _key, kind, due_text, text, state, app_id = row
            new_due = _text(w.due_at)
            if (due_text, text, app_id, kind) == (new_due, w.text, w.application_id,
                                                    w.kind.value):
                continue
            if due_text != new_due and state != _PENDING and new_due > now_text:
                # Its moment moved ahead: remind again at the new time.
                db.execute_sql(
                    "UPDATE reminder SET due_at = ?, text = ?, application_id = ?, kind = ?, "
                    "state = ?, snoozed_until = NULL WHERE id = ?",
                    (new_due, w.text, w.application_id, w.kind.value, _PENDING, row_id))
            else:
                db.execute_sql(
                    "UPDATE reminder SET due_at = ?, text = ?, application_id = ?, kind = ? "
                    "WHERE id = ?", (new_due, w.text, w.application_id, w.kind.value, row_id))
            updated += 1
        wanted_keys = {w.key for w in wanted}
        stale = [row[0] for key, row in rows.items() if key not in wanted_keys and (
            row[2] == ReminderKind.SEARCH_STALLED.value or row[3] >= scope_start)]
        for chunk in _chunks(stale):
            db.execute_sql(f"DELETE FROM reminder WHERE id IN ({_marks(chunk)})", chunk)
        removed = len(stale)
    return SyncResult(created, updated, expired, removed)


# -- reading ------------------------------------------------------------------------------------

_COLUMNS = ("id, key, kind, text, due_at, state, application_id, custom, snoozed_until, "
            "shown_at")


def _items(rows: Sequence[tuple]) -> list[ReminderItem]:
    uids = sorted({uid for row in rows if (uid := key_round_uid(row[1]))})
    round_ids: dict[str, int] = {}
    for chunk in _chunks(uids):
        round_ids.update(_db().execute_sql(
            f"SELECT uid, id FROM interview_round WHERE uid IN ({_marks(chunk)})", chunk))
    items = []
    for (row_id, key, kind, text, due_at, state, app_id, custom, snoozed_until,
         shown_at) in rows:
        try:
            kind_value = ReminderKind(kind)
        except ValueError:
            kind_value = ReminderKind.CUSTOM
        items.append(ReminderItem(
            row_id, key, kind_value, text or "", instant_from_text(due_at), state, app_id,
            round_ids.get(key_round_uid(key) or ""), bool(custom), instant_from_text(snoozed_until),
            instant_from_text(shown_at),
        ))
    items.sort(key=lambda item: (item.due_instant, item.id))
    return items


def due(now: datetime) -> list[ReminderItem]:
    """The reminders to notify now: pending and due, or snoozed until ``now`` or earlier."""
    now_text = _text(_aware(now, "now"))
    rows = _db().execute_sql(
        f"SELECT {_COLUMNS} FROM reminder WHERE state = ? AND due_at <= ? "
        f"UNION ALL SELECT {_COLUMNS} FROM reminder WHERE state = ? AND snoozed_until <= ?",
        (_PENDING, now_text, _SNOOZED, now_text),
    ).fetchall()
    return _items(rows)


def outstanding(now: datetime) -> list[ReminderItem]:
    """What the tray menu and the panel list: the due reminders and those shown but not yet
    done or snoozed, earliest first."""
    now_text = _text(_aware(now, "now"))
    rows = _db().execute_sql(
        f"SELECT {_COLUMNS} FROM reminder WHERE state = ? AND due_at <= ? "
        f"UNION ALL SELECT {_COLUMNS} FROM reminder WHERE state = ? AND snoozed_until <= ? "
        f"UNION ALL SELECT {_COLUMNS} FROM reminder WHERE state = ?",
        (_PENDING, now_text, _SNOOZED, now_text, _SHOWN),
    ).fetchall()
    return _items(rows)


def missed_since_last_run(now: datetime) -> list[ReminderItem]:
    """The reminders that came due while the app was closed and were never shown.

    Call it once at start, after :func:`sync`, show them as a list and then
    :func:`mark_shown` them: a running app notifies each reminder when it
    comes due and marks it shown, so everything due and not shown at start
    came due while the app was closed (or its snooze ended then).
    """
    return due(now)


def get(reminder_id: int) -> ReminderItem | None:
    """One reminder by id (None when it no longer exists)."""
    rows = _db().execute_sql(f"SELECT {_COLUMNS} FROM reminder WHERE id = ?",
                             (reminder_id,)).fetchall()
    items = _items(rows)
    return items[0] if items else None


def next_due_instant(now: datetime) -> datetime | None:
    """The earliest instant a reminder is (or was) due: pending ``due_at`` or snoozed
    ``snoozed_until``; None when nothing waits. In the past when something is due already.

    Two indexed reads: with :data:`DUE_INDEX` each is one lookup, whatever the number
    of reminders in any state.
    """
    _aware(now, "now")
    db = _db()
    pending = db.execute_sql("SELECT min(due_at) FROM reminder WHERE state = ?",
                             (_PENDING,)).fetchone()[0]
    snoozed = db.execute_sql("SELECT min(snoozed_until) FROM reminder WHERE state = ?",
                             (_SNOOZED,)).fetchone()[0]
    found = [text for text in (pending, snoozed) if text]
    return instant_from_text(min(found)) if found else None


# -- changing state -----------------------------------------------------------------------------


def _ids(ids: Iterable[int]) -> list[int]:
    return sorted({int(reminder_id) for reminder_id in ids})


def _update_unless_done(ids: Iterable[int], assignments: str, values: tuple) -> int:
    """``UPDATE reminder SET <assignments>`` for these ids, done ones excepted, in one
    transaction; return how many changed."""
    changed = 0
    with _db().atomic():
        for chunk in _chunks(_ids(ids)):
            changed += _db().execute_sql(
                f"UPDATE reminder SET {assignments} "
                f"WHERE id IN ({_marks(chunk)}) AND state != ?",
                (*values, *chunk, _DONE),
            ).rowcount
    return changed


def mark_shown(ids: Iterable[int], now: datetime) -> int:
    """Record that these reminders were shown (notified or listed); return how many changed.

    Done reminders stay done. Committed at once.
    """
    now_text = _text(_aware(now, "now"))
    return _update_unless_done(ids, "state = ?, shown_at = ?, snoozed_until = NULL",
                               (_SHOWN, now_text))


def snooze(ids: Iterable[int], until: datetime) -> int:
    """Snooze these reminders until ``until``; return how many changed. Committed at once."""
    until_text = _text(_aware(until, "until"))
    return _update_unless_done(ids, "state = ?, snoozed_until = ?", (_SNOOZED, until_text))


def done(ids: Iterable[int], now: datetime) -> int:
    """Mark these reminders done (never shown again); return how many changed."""
    now_text = _text(_aware(now, "now"))
    return _update_unless_done(ids, "state = ?, done_at = ?, snoozed_until = NULL",
                               (_DONE, now_text))


def snooze_presets(now: datetime, zone: ZoneInfo | str | None = None) -> dict[str, datetime]:
    """The snooze choices offered with a reminder, in menu order, as UTC instants.

    * "1 hour", "3 hours": from ``now``;
    * "Tomorrow morning": 09:00 local on the next day — or today at 09:00
      when it is not yet 05:00 (at 2 a.m., "tomorrow morning" means after
      the night);
    * "Next Monday morning": 09:00 local on the next Monday (a week ahead on
      a Monday).

    Local times follow the zone's daylight-saving rules.
    """
    now = _aware(now, "now").replace(microsecond=0)
    zone = _zone(zone)
    local = now.astimezone(zone)
    morning_day = local.date() if local.hour < 5 else local.date() + timedelta(days=1)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return {
        "1 hour": now + timedelta(hours=1),
        "3 hours": now + timedelta(hours=3),
        "Tomorrow morning": ce.to_instant(datetime.combine(morning_day, MORNING), zone),
        "Next Monday morning": ce.to_instant(datetime.combine(monday, MORNING), zone),
    }


# -- the user's own reminders -------------------------------------------------------------------


def _clean_text(text: str) -> str:
    cleaned = " ".join(str(text or "").split())
    if not cleaned:
        raise ReminderError("Write what the reminder is about.")
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise ReminderError(
            f"A reminder can be up to {MAX_TEXT_LENGTH} characters long; this one has "
            f"{len(cleaned)}. Shorten it, or keep the details in the application's notes.")
    return cleaned


def _check_application(application_id: int | None) -> int | None:
    if application_id is None:
        return None
    row = _db().execute_sql("SELECT id FROM application WHERE id = ?",
                            (int(application_id),)).fetchone()
    if row is None:
        raise ReminderError("The application of this reminder no longer exists; choose "
                            "another one or none.")
    return int(row[0])


def _due(due_at: datetime) -> str:
    try:
        return _text(_aware(due_at, "due_at").replace(microsecond=0))
    except ValueError as exc:
        raise ReminderError("Choose a date and time for the reminder.") from exc


def add_custom(text: str, due_at: datetime, application_id: int | None = None, *,
               now: datetime | None = None) -> int:
    """Add a reminder of the user's own; return its id. Committed at once."""
    cleaned = _clean_text(text)
    due_text = _due(due_at)
    app_id = _check_application(application_id)
    created = _text(_aware(now, "now")) if now is not None else _text(clock.now())
    uid = new_uid()
    with _db().atomic():
        cursor = _db().execute_sql(
            "INSERT INTO reminder (uid, key, kind, application_id, due_at, text, custom, state, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (uid, f"custom:{uid}", ReminderKind.CUSTOM.value, app_id, due_text, cleaned,
             _PENDING, created),
        )
        return int(cursor.lastrowid)


_UNCHANGED = object()


def update_custom(reminder_id: int, *, text: str | None = None, due_at: datetime | None = None,
                  application_id: int | object | None = _UNCHANGED) -> None:
    """Change a reminder of the user's own. A new date and time arms it again (even when it
    was done: the user asked for it). Committed at once."""
    row = _db().execute_sql("SELECT due_at FROM reminder WHERE id = ? AND custom = 1",
                            (int(reminder_id),)).fetchone()
    if row is None:
        raise ReminderError("This reminder no longer exists.")
    sets: list[str] = []
    values: list = []
    if text is not None:
        sets.append("text = ?")
        values.append(_clean_text(text))
    if due_at is not None:
        due_text = _due(due_at)
        if due_text != row[0]:
            sets.append("due_at = ?, state = ?, snoozed_until = NULL, shown_at = NULL, "
                        "done_at = NULL")
            values.extend((due_text, _PENDING))
    if application_id is not _UNCHANGED:
        sets.append("application_id = ?")
        values.append(_check_application(application_id))  # type: ignore[arg-type]
    if not sets:
        return
    with _db().atomic():
        _db().execute_sql(f"UPDATE reminder SET {', '.join(sets)} WHERE id = ?",
                          (*values, int(reminder_id)))


def delete_custom(reminder_id: int) -> bool:
    """Delete a reminder of the user's own; False when there was none. Committed at once."""
    with _db().atomic():
        cursor = _db().execute_sql("DELETE FROM reminder WHERE id = ? AND custom = 1",
                                   (int(reminder_id),))
        return cursor.rowcount > 0
