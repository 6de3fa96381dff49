"""The data behind the application list: filtering and sorting its rows in Python.

A ``QSortFilterProxyModel`` over 100,000 Python rows took 17.6 s to sort and
3.3 s to filter every column on this project's machine (Python over precomputed
keys: 36 ms and 8-9 ms), so the list is kept here instead, as
plain objects with precomputed keys (:class:`~services.applications.list_rows.ListRow`,
searched by their text folded with :func:`~services.applications.folding.fold`).

The rest of the app calls :class:`ApplicationIndex`: ``load`` and ``load_first``
read the rows with a few set-based queries of the standard :mod:`sqlite3`
module (:mod:`services.applications.list_reading`; no ORM: it is used for the
first paint, before peewee is imported); ``set_filter`` and ``sort_by`` change
:attr:`~ApplicationIndex.visible`; ``upsert`` and ``remove`` follow the
editor's changes. :data:`COLUMNS` names the list's columns. Typing one more
character filters only the rows still shown; deleting one returns an earlier
result from a small stack; each column's order is computed once and cached.

Nothing here imports peewee or Qt. The Qt table model on top shows
:attr:`ApplicationIndex.visible`, and :meth:`ListRow.display` gives its cells.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from itertools import compress
from typing import NamedTuple

from services.applications.list_reading import count_applications, first_ids, read_rows
from services.applications.list_rows import ListRow, column_keys, default_order, position
from services.applications.prospects import DEFAULT_RESPONSE_BUSINESS_DAYS
from services.applications.quick_search import (
    OPEN_FILTER,
    OPEN_VALUES,
    count_matches,
    first_matches,
    keys_complete,
    words_of,
)

__all__ = ["COLUMNS", "COLUMN_KEYS", "OPEN_FILTER", "ApplicationIndex", "Column"]


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



def _stages_allowed(stage: str | None) -> frozenset[str] | None:
    if stage is None:
        return None
    if stage == OPEN_FILTER:
        return OPEN_VALUES
    return frozenset((stage,))


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
                self.stage == OPEN_FILTER and stage in OPEN_VALUES):
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
        #: In an index not yet complete: how many applications in all match the filter
        #: (None when unknown). Set by :meth:`load_matches`.
        self.matched: int | None = None
        self._tokens: tuple[str, ...] = ()
        default = default_order(self._rows.values())
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
        rows = read_rows(con, now, default_business_days, None)
        return cls(rows, total=len(rows), complete=True,
                   default_business_days=default_business_days)

    @classmethod
    def load_first(cls, con: sqlite3.Connection, now: datetime, limit: int,
                   default_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS,
                   ) -> ApplicationIndex:
        """The first ``limit`` applications in the default order, for the first paint.

        Only the stages that reach into the first ``limit`` rows are read (the
        stage index counts them) and ordered by pipeline order, folded company
        and id (:func:`~services.applications.list_reading.first_ids`); then
        only those applications' rounds, signals and interviewers are read.
        """
        total = count_applications(con)
        if limit <= 0 or total == 0:
            return cls((), total=total, complete=False,
                       default_business_days=default_business_days)
        ids = (first_matches(con, (), None, limit) if keys_complete(con, total)
               else first_ids(con, limit))
        rows = read_rows(con, now, default_business_days, ids)
        return cls(rows, total=total, complete=False,
                   default_business_days=default_business_days)

    @classmethod
    def load_matches(cls, con: sqlite3.Connection, now: datetime, text: str,
                     stage: str | None, limit: int,
                     default_business_days: int = DEFAULT_RESPONSE_BUSINESS_DAYS,
                     ) -> ApplicationIndex | None:
        """The first ``limit`` applications matching a search, in the default order, with
        :attr:`matched` counting every match: a search answered from the kept list keys
        (:mod:`services.applications.quick_search`) before every row is read. None when
        some application has no keys yet."""
        total = count_applications(con)
        if not keys_complete(con, total):
            return None
        words, stage = words_of(text), stage or None
        rows = read_rows(con, now, default_business_days, first_matches(con, words, stage, limit))
        index = cls(rows, total=total, complete=False,
                    default_business_days=default_business_days)
        index.set_filter(text, stage)
        index.matched = count_matches(con, words, stage)
        return index

    # -- filtering ----------------------------------------------------------------------------
    def set_filter(self, text: str, stage: str | None = None) -> None:
        """Show the rows whose search key contains every word of ``text`` (folded), in
        ``stage`` (None: any; ``"open"``: any open stage); the sort order is kept."""
        stage = stage or None
        tokens = words_of(text)
        if not self.complete:
            self.matched = None  # these rows are not all there is
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
        if not self.complete:
            self.matched = None
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
            keys = column_keys(column_key, default)
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
        at = position(self.visible, row, self.sort_column, self.descending)
        if at < len(self.visible) and self.visible[at] is row:
            return at
        return None

    def upsert(self, con: sqlite3.Connection, application_id: int, now: datetime) -> None:
        """Read one application again (after the editor saved it, or a new one); filter
        and sort are kept. An application no longer in the database is removed."""
        found = read_rows(con, now, self.default_business_days, (application_id,))
        if not found:
            self.remove(application_id)
            return
        new = found[0]
        old = self._rows.get(application_id)
        self._rows[application_id] = new
        for key, order in self._orders.items():
            order = self._without(order, old, key)
            order.insert(position(order, new, *key), new)
            self._orders[key] = order
        self.total = count_applications(con)
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
        at = position(order, row, *key)
        if at < len(order) and order[at] is row:
            del order[at]
        else:  # pragma: no cover - only if a row's keys changed in place
            order = [other for other in order if other is not row]
        return order
