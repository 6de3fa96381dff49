"""Keeping the derived reminders in the table in step with the data.

No widgets and no clock of its own: every function of the reminder modules
takes ``now`` (an aware instant) and, where local time matters, the user's
``zone`` (:class:`zoneinfo.ZoneInfo`; default :func:`models.clock.user_zone`).

The life of a reminder (one row of the ``reminder`` table):

``pending`` (waiting for ``due_at``) → ``shown`` (notified once; it stays in
the tray menu and the in-window panel until acted on) → ``done``; or
``snoozed`` (until ``snoozed_until``, then due again) → ``shown`` → …
Every change is committed at once, so a restart neither repeats a reminder
(a shown one is never notified again) nor loses one (a pending one that
came due while the app was closed is listed at the next start, see
:func:`services.reminders.queries.missed_since_last_run`). The modules
around this one: :mod:`services.reminders.derive` (what the data calls for),
:mod:`services.reminders.queries` (what is due),
:mod:`services.reminders.states` (shown, snoozed, done) and
:mod:`services.reminders.custom` (the user's own reminders).

Derived reminders (:mod:`services.reminders.rules`, built on
:mod:`services.calendar.entries`) are recomputed by :func:`sync` (the
scheduler calls it at start and whenever the data changes), in one
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

Sync looks :data:`services.reminders.derive.LOOKBACK_DAYS` back: older rows
that were never acted on are kept as they are (they were due long ago and are
shown, or listed once, until the user marks them done); this keeps sync's
work bounded by recent and future data, whatever the size of the history.
Rows with ``custom`` set are the user's own: sync never touches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.base import database_proxy, new_uid
from services.calendar.entry_types import to_instant
from services.reminders.derive import LOOKBACK_DAYS, derive
from services.reminders.rules import ReminderKind, Wanted
from services.reminders.table import (
    DONE,
    PENDING,
    SHOWN,
    SNOOZED,
    aware,
    chunks,
    marks,
    stored,
    zone_or_users,
)

__all__ = ["SyncResult", "sync"]

#: Rows due less than this after the start of the look-back window are left alone by sync:
#: their calendar entry may lie just outside the window (a thank-you deadline comes up to
#: two days after its round starts, an interview's evening-before reminder a day before it).
_SCOPE_MARGIN = timedelta(days=3)

#: A derived row that is not done, as sync reads it: id, key, kind, due_at, text, state,
#: application_id.
_Row = tuple[int, str, str, str, str, str, int | None]


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


def sync(now: datetime, zone: ZoneInfo | str | None = None) -> SyncResult:
    """Recompute the derived reminders and write the differences in one transaction."""
    now = aware(now, "now").replace(microsecond=0)
    zone = zone_or_users(zone)
    wanted = derive(now, zone)
    scope_start = stored(_scope_start(now, zone))
    now_text = stored(now)
    with database_proxy.atomic("IMMEDIATE"):  # read and write under one lock (a worker runs it)
        rows = _rows_not_done()
        live = [w for w in wanted if w.expires_at is None or stored(w.expires_at) > now_text]
        expired = _expire_lapsed(wanted, rows, now_text)
        created = _insert_new(live, rows, now_text)
        updated = _update_changed(live, rows, now_text)
        removed = _remove_unwanted(wanted, rows, scope_start)
    return SyncResult(created, updated, expired, removed)


def _scope_start(now: datetime, zone: ZoneInfo) -> datetime:
    first = now.astimezone(zone).date() - timedelta(days=LOOKBACK_DAYS)
    return to_instant(datetime.combine(first, time()), zone) + _SCOPE_MARGIN


def _rows_not_done() -> dict[str, _Row]:
    """The derived rows that are pending, shown or snoozed, by key."""
    return {row[1]: row for row in database_proxy.execute_sql(
        "SELECT id, key, kind, due_at, text, state, application_id FROM reminder "
        "WHERE custom = 0 AND state IN (?, ?, ?)", (PENDING, SHOWN, SNOOZED),
    )}


def _expire_lapsed(wanted: list[Wanted], rows: dict[str, _Row], now_text: str) -> int:
    """Lapsed by time (the interview started, the deadline passed): resolved, so a clock
    set back later does not bring them back. Returns how many rows were marked done."""
    lapsed = [rows[w.key][0] for w in wanted
              if w.key in rows and w.expires_at is not None
              and stored(w.expires_at) <= now_text]
    expired = 0
    for chunk in chunks(lapsed):
        expired += database_proxy.execute_sql(
            f"UPDATE reminder SET state = ?, done_at = ?, snoozed_until = NULL "
            f"WHERE id IN ({marks(chunk)})", (DONE, now_text, *chunk)).rowcount
    return expired


def _insert_new(live: list[Wanted], rows: dict[str, _Row], now_text: str) -> int:
    """A pending row for each live reminder that has none (a done row is never brought
    back: a key that exists in any state is taken). Returns how many were made."""
    new = [w for w in live if w.key not in rows]
    taken: set[str] = set()
    keys = [w.key for w in new]
    for chunk in chunks(keys):
        taken.update(row[0] for row in database_proxy.execute_sql(
            f"SELECT key FROM reminder WHERE key IN ({marks(chunk)})", chunk))
    inserts = [w for w in new if w.key not in taken]
    for chunk in chunks(inserts, 50):
        values = []
        for w in chunk:
            values.extend((new_uid(), w.key, w.kind.value, w.application_id,
                           stored(w.due_at), w.text, 0, PENDING, now_text))
        database_proxy.execute_sql(
            "INSERT INTO reminder (uid, key, kind, application_id, due_at, text, custom, "
            "state, created_at) VALUES " + ",".join(["(?,?,?,?,?,?,?,?,?)"] * len(chunk)),
            values,
        )
    return len(inserts)


def _update_changed(live: list[Wanted], rows: dict[str, _Row], now_text: str) -> int:
    """Bring rows whose due instant, text, application or kind changed up to date; one
    whose moment moved ahead is armed again. Returns how many rows changed."""
    updated = 0
    for w in live:
        row = rows.get(w.key)
        if row is None:
            continue
        row_id, _key, kind, due_text, text, state, app_id = row
        new_due = stored(w.due_at)
        if (due_text, text, app_id, kind) == (new_due, w.text, w.application_id,
                                                w.kind.value):
            continue
        if due_text != new_due and state != PENDING and new_due > now_text:
            # Its moment moved ahead: remind again at the new time.
            database_proxy.execute_sql(
                "UPDATE reminder SET due_at = ?, text = ?, application_id = ?, kind = ?, "
                "state = ?, snoozed_until = NULL WHERE id = ?",
                (new_due, w.text, w.application_id, w.kind.value, PENDING, row_id))
        else:
            database_proxy.execute_sql(
                "UPDATE reminder SET due_at = ?, text = ?, application_id = ?, kind = ? "
                "WHERE id = ?", (new_due, w.text, w.application_id, w.kind.value, row_id))
        updated += 1
    return updated


def _remove_unwanted(wanted: list[Wanted], rows: dict[str, _Row], scope_start: str) -> int:
    """Delete the rows the data no longer calls for, within the look-back window (and the
    stalled-search reminder, which has no window). Returns how many were deleted."""
    wanted_keys = {w.key for w in wanted}
    stale = [row[0] for key, row in rows.items() if key not in wanted_keys and (
        row[2] == ReminderKind.SEARCH_STALLED.value or row[3] >= scope_start)]
    for chunk in chunks(stale):
        database_proxy.execute_sql(f"DELETE FROM reminder WHERE id IN ({marks(chunk)})", chunk)
    return len(stale)
