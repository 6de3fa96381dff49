"""The data behind the application list: rows, search keys, filtering and sorting in Python.

A ``QSortFilterProxyModel`` over 100,000 Python rows takes seconds to sort
(ENGINEERING.md, "Measured speeds"), so the list is kept here instead, as
plain objects with precomputed keys:

* :func:`fold` makes the accent- and case-insensitive text every search
  compares (``"José Núñez"`` → ``"jose nunez"``); each row keeps the folded
  text of everything searchable in :attr:`ListRow.search_key`.
* :class:`ApplicationIndex` reads the rows with a few set-based queries of
  the standard :mod:`sqlite3` module (no ORM: it is used for the first paint,
  before peewee is imported), keeps them sorted, and filters the sorted list.
  Typing one more character filters only the rows still shown; deleting one
  returns an earlier result from a small stack; each column's order is
  computed once and cached.

Nothing here imports peewee or Qt. The Qt table model on top shows
:attr:`ApplicationIndex.visible`, and :meth:`ListRow.display` gives its cells.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from itertools import compress
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.values import OPEN_STAGES, STAGE_LABELS, Stage
from services.applications.prospects import (
    DEFAULT_RESPONSE_BUSINESS_DAYS,
    Verdict,
    assess,
    expected_response,
)
from services.core.instants import instant_from_text, list_day_text, utc_text, zone_of

__all__ = [
    "CLOSED_STAGES", "COLUMNS", "COLUMN_KEYS", "OPEN_FILTER", "STAGE_ORDER", "ApplicationIndex",
    "Column", "ListRow", "fold",
]


# --- Folding ----------------------------------------------------------------------------------

#: Letters NFKD leaves whole, written the way people type them without the accent key;
#: and typographic dashes and quotes, written as on a keyboard (O’Brien → o'brien).
_LETTERS = (("ø", "o"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("æ", "ae"), ("œ", "oe"),
            ("ı", "i"), ("ħ", "h"), ("þ", "th"),
            *((dash, "-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"),
            *((quote, "'") for quote in "\u2018\u2019\u201a\u201b"),
            *((quote, '"') for quote in "\u201c\u201d\u201e\u201f"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: Folded non-ASCII characters; a text only ever holds a few distinct ones.
_CHARS: dict[str, str] = {}
_CHARS_LIMIT = 100_000


def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKD", char).casefold()
    folded = "".join(part for part in folded if not unicodedata.combining(part))
    for letter, plain in _LETTERS:
        if letter in folded:
            folded = folded.replace(letter, plain)
    return folded


def fold(text: str) -> str:
    """``text`` without accents and case, for comparing: ``"José Núñez"`` → ``"jose nunez"``.

    NFKD, combining marks dropped, casefolded (so ``ß`` → ``ss``), and the
    letters NFKD does not decompose written plainly (``ø`` → ``o``, ``ł`` →
    ``l``, ``đ``/``ð`` → ``d``, ``æ`` → ``ae``, ``œ`` → ``oe``, ``ı`` → ``i``,
    ``ħ`` → ``h``, ``þ`` → ``th``); typographic dashes and quotes become ``-``,
    ``'`` and ``"``. Each step works character by character, so each distinct
    non-ASCII character is folded once (and remembered) and replaced
    throughout; the ASCII rest is only lowercased.
    """
    if text.isascii():
        return text.lower()
    for char in set(_NON_ASCII.findall(text)):
        folded = _CHARS.get(char)
        if folded is None:
            folded = _fold_char(char)
            if len(_CHARS) < _CHARS_LIMIT:
                _CHARS[char] = folded
        if folded != char:
            text = text.replace(char, folded)
    return text.lower()


# --- Columns, stages --------------------------------------------------------------------------


class Column(NamedTuple):
    """A column of the application list: its key (used by the API) and its header."""

    key: str
    header: str


COLUMNS: tuple[Column, ...] = (
    Column("company", "Company"),
    Column("role", "Role"),
    Column("stage", "Stage"),
    Column("last_interview", "Last interview"),
    Column("next_interview", "Next interview"),
    Column("expected_response", "Expected response"),
    Column("outlook", "Outlook"),
    Column("channel", "Channel"),
)
COLUMN_KEYS = frozenset(column.key for column in COLUMNS)

#: The pipeline order of the stages: what needs attention first.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.OFFER, Stage.INTERVIEWING, Stage.AWAITING_RESPONSE, Stage.APPLIED,
    Stage.ACCEPTED, Stage.DECLINED, Stage.REJECTED, Stage.WITHDRAWN, Stage.NO_RESPONSE,
)
_STAGE_RANK = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}
#: Rank of a stage value the app does not know (a newer file): after all known ones.
_UNKNOWN_RANK = len(STAGE_ORDER)
CLOSED_STAGES = frozenset(stage.value for stage in Stage if stage not in OPEN_STAGES)
#: The stage filter meaning "any open stage" (:data:`models.values.OPEN_STAGES`).
OPEN_FILTER = "open"
_OPEN_VALUES = frozenset(stage.value for stage in OPEN_STAGES)
_VERDICT_RANK = {Verdict.POSITIVE: 0, Verdict.UNDECIDED: 1, Verdict.NEGATIVE: 2}
_NO_VERDICT_RANK = len(_VERDICT_RANK)
#: Sort key of a missing date (after every real one).
_NO_DAY = date.max.toordinal() + 1



_STAGE_LABELS = {stage.value: label for stage, label in STAGE_LABELS.items()}


def _stage_label(stage: str) -> str:
    label = _STAGE_LABELS.get(stage)
    return stage.replace("_", " ").capitalize() if label is None else label


def _stages_allowed(stage: str | None) -> frozenset[str] | None:
    if stage is None:
        return None
    if stage == OPEN_FILTER:
        return _OPEN_VALUES
    return frozenset((stage,))


# --- Rows -------------------------------------------------------------------------------------


class ListRow:
    """One application as the list shows it, with the keys it is searched and sorted by."""

    __slots__ = (
        "_company_key", "_default_key", "agency_name", "company", "expected_response", "id",
        "is_agency", "last_interview", "next_interview", "outlook", "role", "search_key",
        "stage", "stage_label",
    )

    def __init__(
        self,
        id: int,
        company: str,
        role: str,
        stage: str,
        *,
        is_agency: bool = False,
        agency_name: str = "",
        last_interview: datetime | None = None,
        next_interview: datetime | None = None,
        expected_response: date | None = None,
        outlook: Verdict | None = None,
        search_key: str | None = None,
        company_key: str | None = None,
    ) -> None:
        """A row; ``search_key`` defaults to the folded company, role and agency name;
        ``company_key`` (the folded company) is computed when not given."""
        self.id = id
        self.company = company
        self.role = role
        self.stage = stage
        self.stage_label = _stage_label(stage)
        self.is_agency = is_agency
        self.agency_name = agency_name
        self.last_interview = last_interview
        self.next_interview = next_interview
        self.expected_response = expected_response
        self.outlook = outlook
        self.search_key = (fold("\n".join((company, role, agency_name)))
                           if search_key is None else search_key)
        self._company_key = fold(company) if company_key is None else company_key
        self._default_key = (_STAGE_RANK.get(stage, _UNKNOWN_RANK), self._company_key, id)

    def __repr__(self) -> str:
        return f"<ListRow {self.id} {self.company!r} {self.stage}>"

    @property
    def channel_text(self) -> str:
        """``"Agency · <name>"`` or ``"Direct"``."""
        if self.is_agency:
            return f"Agency · {self.agency_name}" if self.agency_name else "Agency"
        return "Direct"

    def display(self, column_key: str, zone: ZoneInfo) -> str:
        """Plain text of one cell; instants are shown in ``zone``, missing values as ``""``."""
        if column_key == "company":
            return self.company
        if column_key == "role":
            return self.role
        if column_key == "stage":
            return self.stage_label
        if column_key in ("last_interview", "next_interview"):
            when = getattr(self, column_key)
            if when is None:
                return ""
            local = when.astimezone(zone)
            return f"{list_day_text(local.date())}, {local.hour:02d}:{local.minute:02d}"
        if column_key == "expected_response":
            return "" if self.expected_response is None else list_day_text(self.expected_response)
        if column_key == "outlook":
            return "" if self.outlook is None else self.outlook.label
        if column_key == "channel":
            return self.channel_text
        raise KeyError(column_key)

    def sort_key(self, column_key: str) -> tuple:
        """What ``column_key`` sorts by, as a one-item tuple.

        Missing values sort last in ascending order; stages in pipeline order
        (:data:`STAGE_ORDER`); text by :func:`fold`; outlooks from leaning
        positive to leaning negative. Ties keep the default order (stage,
        company, id).
        """
        return (_SORT_KEYS[column_key](self),)


def _instant_key(when: datetime | None) -> float:
    return math.inf if when is None else when.timestamp()


_SORT_KEYS: dict[str, Callable[[ListRow], object]] = {
    "company": lambda row: row._company_key,
    "role": lambda row: fold(row.role),
    "stage": lambda row: row._default_key[0],
    "last_interview": lambda row: _instant_key(row.last_interview),
    "next_interview": lambda row: _instant_key(row.next_interview),
    "expected_response": lambda row: _NO_DAY if row.expected_response is None
    else row.expected_response.toordinal(),
    "outlook": lambda row: _NO_VERDICT_RANK if row.outlook is None
    else _VERDICT_RANK[row.outlook],
    "channel": lambda row: fold(row.channel_text) if row.is_agency else "direct",
}


_NEVER = datetime.max.replace(tzinfo=UTC)


def _text_ranks(values: list[str | None], key: Callable[[str | None], str]) -> list[int]:
    """Integers ordering ``values`` as ``key`` (a fold) orders them: each distinct value is
    folded and compared once, and the rows then sort by integers."""
    folded = {value: key(value) for value in set(values)}
    # Equal folded texts (Øb, ob) share a rank, so their rows keep the default order.
    numbers = {text: number for number, text in enumerate(sorted(set(folded.values())))}
    rank = {value: numbers[text] for value, text in folded.items()}
    return [rank[value] for value in values]


def _column_keys(column_key: str, rows: list[ListRow]) -> list:
    """The sort keys of ``rows`` for one column, ordered like :meth:`ListRow.sort_key` but
    computed in bulk (the same order; cheaper types)."""
    if column_key == "company":
        return [row._company_key for row in rows]
    if column_key == "role":
        return _text_ranks([row.role for row in rows], fold)
    if column_key == "channel":
        return _text_ranks([row.agency_name if row.is_agency else None for row in rows],
                           lambda name: "direct" if name is None
                           else fold(f"Agency · {name}" if name else "Agency"))
    if column_key == "stage":
        return [row._default_key[0] for row in rows]
    if column_key in ("last_interview", "next_interview"):
        # Every instant here is in UTC (the same tzinfo), so they compare quickly.
        return [_NEVER if when is None else when
                for when in map(operator.attrgetter(column_key), rows)]
    return list(map(_SORT_KEYS[column_key], rows))


def _position(rows: Sequence[ListRow], row: ListRow, column_key: str, descending: bool) -> int:
    """Where ``row`` goes in ``rows`` sorted by ``column_key`` (ties in default order)."""
    key_of = _SORT_KEYS[column_key]
    key, default = key_of(row), row._default_key
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        other = rows[middle]
        other_key = key_of(other)
        if other_key == key:
            before = other._default_key < default
        else:
            before = other_key > key if descending else other_key < key
        if before:
            low = middle + 1
        else:
            high = middle
    return low


# --- Reading ----------------------------------------------------------------------------------

_APPLICATION_COLUMNS = (
    "id, company, role, stage, channel, agency_name, recruiter_name, contact_name, notes"
)
#: Bound variables per ``IN (...)`` list, well under SQLite's limit.
_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _read_rows(con: sqlite3.Connection, now: datetime, default_business_days: int,
               ids: Sequence[int] | None) -> list[ListRow]:
    """Rows for ``ids`` (every application when None).

    Four set-based queries, each restricted to ``ids`` when given: the
    interviewers' names, the latest past round of each application (with its
    signals), the next future round of each, and then the applications
    themselves, turned into rows as they are read (so their texts are never
    all held at once besides the folded keys).
    """
    now_text = utc_text(now)
    if ids is None:
        parts = [("", ())]
    else:
        parts = [(f" IN ({','.join('?' * len(chunk))})", tuple(chunk))
                 for chunk in _chunks(list(ids))]
    rows: list[ListRow] = []
    verdicts: dict[str | None, Verdict] = {}
    for in_list, params in parts:
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
        where = f"WHERE id{in_list}" if in_list else ""
        for (app_id, company, role, stage, channel, agency_name, recruiter_name, contact_name,
             notes) in con.execute(f"SELECT {_APPLICATION_COLUMNS} FROM application {where}",
                                   params):
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
            search_key = fold("\n".join((company, role, agency_name, recruiter_name,
                                         contact_name, names.get(app_id) or "", notes)))
            # fold() works character by character, so the company's key starts the search key.
            company_key = search_key.partition("\n")[0] if "\n" not in company else None
            rows.append(ListRow(
                app_id, company, role, stage, is_agency=channel == "agency",
                agency_name=agency_name, last_interview=last_interview,
                next_interview=instant_from_text(upcoming.get(app_id)), expected_response=expected,
                outlook=verdict, search_key=search_key, company_key=company_key,
            ))
    return rows


# --- The index --------------------------------------------------------------------------------


class _Result:
    """One filter's result over the current order: the rows and their search keys."""

    __slots__ = ("keys", "rows", "stage", "tokens")

    def __init__(self, tokens: tuple[str, ...], stage: str | None, rows: list[ListRow],
                 keys: list[str] | None = None) -> None:
        self.tokens = tokens
        self.stage = stage
        self.rows = rows
        self.keys = keys  # the rows' search keys, made when first needed

    def search_keys(self) -> list[str]:
        """The search keys of :attr:`rows`, in the same order."""
        if self.keys is None:
            self.keys = [row.search_key for row in self.rows]
        return self.keys

    def contains(self, tokens: tuple[str, ...], stage: str | None) -> bool:
        """True when every row matching (tokens, stage) is among these rows."""
        if self.stage not in (None, stage) and not (
                self.stage == OPEN_FILTER and stage in _OPEN_VALUES):
            return False
        return all(any(mine in theirs for theirs in tokens) for mine in self.tokens)

    def narrowed(self, tokens: tuple[str, ...], stage: str | None) -> _Result:
        """The rows of this result that match (tokens, stage); only new conditions are tested."""
        rows, keys = self.rows, self.search_keys()
        if stage is not None and stage != self.stage:
            allowed = _stages_allowed(stage)
            mask = [row.stage in allowed for row in rows]
            rows, keys = list(compress(rows, mask)), list(compress(keys, mask))
        for token in tokens:
            if any(token in mine for mine in self.tokens):
                continue  # every row here already contains a text containing it
            mask = [token in key for key in keys]
            rows, keys = list(compress(rows, mask)), list(compress(keys, mask))
        return _Result(tokens, stage, rows, keys)


class ApplicationIndex:
    """Every application as a :class:`ListRow`, sorted and filtered for the list.

    :attr:`visible` is the current result (read it, do not change it: a new
    list replaces it after each change). Sorting is stable: ties keep the
    default order, stage in pipeline order, then company (folded), then id.
    """

    #: Filter results kept for backspace, besides the unfiltered list.
    MAX_KEPT_RESULTS = 24

    def __init__(self, rows: Iterable[ListRow] = (), *, total: int | None = None,
                 complete: bool = True,
                 default_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS) -> None:
        """An index over ``rows`` (``load`` and ``load_first`` read them from the database)."""
        self.default_business_days = default_business_days
        self._rows: dict[int, ListRow] = {row.id: row for row in rows}
        self.complete = complete
        self.total = len(self._rows) if total is None else total
        self.sort_column = "stage"
        self.descending = False
        self.filter_text = ""
        self.stage_filter: str | None = None
        self._tokens: tuple[str, ...] = ()
        default = list(self._rows.values())
        default.sort(key=lambda row: row.id)
        default.sort(key=lambda row: row._company_key)
        default.sort(key=lambda row: row._default_key[0])
        self._orders: dict[tuple[str, bool], list[ListRow]] = {("stage", False): default}
        self._results: list[_Result] = []
        self.visible: list[ListRow] = default
        self._reset_results()

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def load(cls, con: sqlite3.Connection, now: datetime,
             default_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS) -> ApplicationIndex:
        """Every application, read with a few set-based queries; ``now`` splits past from
        future rounds (aware)."""
        rows = _read_rows(con, now, default_business_days, None)
        return cls(rows, total=len(rows), complete=True,
                   default_business_days=default_business_days)

    @classmethod
    def load_first(cls, con: sqlite3.Connection, now: datetime, limit: int,
                   default_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS,
                   ) -> ApplicationIndex:
        """The first ``limit`` applications in the default order, for the first paint.

        Only the stages that reach into the first ``limit`` rows are read (the
        stage index counts them), and SQL orders those rows by pipeline order,
        folded company and id with a ``LIMIT``; then only those applications'
        rounds, signals and interviewers are read.
        """
        total = con.execute("SELECT count(*) FROM application").fetchone()[0]
        if limit <= 0 or total == 0:
            return cls((), total=total, complete=False,
                       default_business_days=default_business_days)
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
            _STAGE_RANK.get(candidate[1], _UNKNOWN_RANK), fold(candidate[2]), candidate[0]))
        ids = [app_id for app_id, _stage, _company in first]
        rows = _read_rows(con, now, default_business_days, ids)
        return cls(rows, total=total, complete=False,
                   default_business_days=default_business_days)

    # -- filtering ----------------------------------------------------------------------------
    def set_filter(self, text: str, stage: str | None = None) -> None:
        """Show the rows whose search key contains every word of ``text`` (folded), in
        ``stage`` (None: any; ``"open"``: any open stage); the sort order is kept."""
        stage = stage or None
        tokens = tuple(fold(text).split())
        self.filter_text = text
        self.stage_filter = stage
        self._tokens = tokens
        results = self._results
        for depth in range(len(results) - 1, -1, -1):
            if results[depth].tokens == tokens and results[depth].stage == stage:
                del results[depth + 1:]
                self.visible = results[depth].rows
                return
        while len(results) > 1 and not results[-1].contains(tokens, stage):
            results.pop()
        result = results[-1].narrowed(tokens, stage)
        results.append(result)
        if len(results) > self.MAX_KEPT_RESULTS + 1:
            del results[1]
        self.visible = result.rows

    def _reset_results(self, keep_current: list[ListRow] | None = None) -> None:
        """Start the result stack again over the current order.

        With ``keep_current``, the rows known to match the current filter (in any
        order) are put in the current order instead of filtering again.
        """
        order = self._orders[(self.sort_column, self.descending)]
        base = _Result((), None, order)
        self._results = [base]
        if not self._tokens and self.stage_filter is None:
            self.visible = order
            return
        if keep_current is None:
            result = base.narrowed(self._tokens, self.stage_filter)
        else:
            members = set(keep_current)
            result = _Result(self._tokens, self.stage_filter,
                             [row for row in order if row in members])
        self._results.append(result)
        self.visible = result.rows

    # -- sorting ------------------------------------------------------------------------------
    def _order(self, column_key: str, descending: bool) -> list[ListRow]:
        key = (column_key, descending)
        order = self._orders.get(key)
        if order is None:
            default = self._orders[("stage", False)]
            keys = _column_keys(column_key, default)
            # A stable sort of the default order: ties keep their default order.
            positions = sorted(range(len(default)), key=keys.__getitem__, reverse=descending)
            order = self._orders[key] = [default[at] for at in positions]
        return order

    def sort_by(self, column_key: str, descending: bool = False) -> None:
        """Sort by a column of :data:`COLUMNS` (stable; ties in the default order)."""
        if column_key not in COLUMN_KEYS:
            raise ValueError(f"unknown column {column_key!r}")
        descending = bool(descending)
        if (column_key, descending) == (self.sort_column, self.descending):
            return
        self._order(column_key, descending)
        self.sort_column, self.descending = column_key, descending
        self._reset_results(keep_current=self.visible)

    def _forget_orders(self) -> None:
        """Drop every cached column order but the default and the current one (benchmarks)."""
        keep = {("stage", False), (self.sort_column, self.descending)}
        for key in list(self._orders):
            if key not in keep:
                del self._orders[key]

    # -- rows ---------------------------------------------------------------------------------
    def row(self, application_id: int) -> ListRow | None:
        """The row of ``application_id``, shown or not."""
        return self._rows.get(application_id)

    def position_of(self, application_id: int) -> int | None:
        """Where ``application_id`` is in :attr:`visible` (None when filtered out or unknown)."""
        row = self._rows.get(application_id)
        if row is None:
            return None
        at = _position(self.visible, row, self.sort_column, self.descending)
        if at < len(self.visible) and self.visible[at] is row:
            return at
        return None

    def upsert(self, con: sqlite3.Connection, application_id: int, now: datetime) -> None:
        """Read one application again (after the editor saved it, or a new one); filter
        and sort are kept. An application no longer in the database is removed."""
        found = _read_rows(con, now, self.default_business_days, (application_id,))
        if not found:
            self.remove(application_id)
            return
        new = found[0]
        old = self._rows.get(application_id)
        self._rows[application_id] = new
        for key, order in self._orders.items():
            order = self._without(order, old, key)
            order.insert(_position(order, new, *key), new)
            self._orders[key] = order
        self.total = con.execute("SELECT count(*) FROM application").fetchone()[0]
        self._reset_results()

    def remove(self, application_id: int) -> None:
        """Forget ``application_id`` (after it was deleted); filter and sort are kept."""
        old = self._rows.pop(application_id, None)
        if old is None:
            if not self.complete:
                self.total = max(0, self.total - 1)  # it may exist beyond the first rows
            return
        for key, order in self._orders.items():
            self._orders[key] = self._without(order, old, key)
        self.total = max(0, self.total - 1)
        self._reset_results()

    @staticmethod
    def _without(order: list[ListRow], row: ListRow | None,
                 key: tuple[str, bool]) -> list[ListRow]:
        """A copy of ``order`` without ``row`` (lists already handed out never change)."""
        order = list(order)
        if row is None:
            return order
        at = _position(order, row, *key)
        if at < len(order) and order[at] is row:
            del order[at]
        else:  # pragma: no cover - only if a row's keys changed in place
            order = [other for other in order if other is not row]
        return order
