"""One row of the application list, and the keys the list sorts by.

:class:`ListRow` holds one application as the list shows it, with its folded
search key (:func:`services.applications.folding.fold`) and its default sort
key (stage in pipeline order, folded company, id). The index
(:mod:`services.applications.index`) calls :func:`default_order`,
:func:`column_keys` (one column's keys, in bulk) and :func:`position` (where a
row goes in a sorted list). :data:`STAGE_ORDER` is the pipeline order the list
and the dashboard share.

Nothing here imports peewee or Qt: rows are built before the first paint.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from models.values import STAGE_LABELS, Stage
from services.applications.folding import fold
from services.applications.prospects import Verdict
from services.core.instants import list_day_text

__all__ = [
    "STAGE_ORDER", "STAGE_RANK", "UNKNOWN_RANK", "ListRow", "column_keys", "default_order",
    "position",
]

#: The pipeline order of the stages: what needs attention first.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.OFFER, Stage.INTERVIEWING, Stage.AWAITING_RESPONSE, Stage.APPLIED,
    Stage.ACCEPTED, Stage.DECLINED, Stage.REJECTED, Stage.WITHDRAWN, Stage.NO_RESPONSE,
)
#: Each stage value's place in :data:`STAGE_ORDER`.
STAGE_RANK = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}
#: Rank of a stage value the app does not know (a newer file): after all known ones.
UNKNOWN_RANK = len(STAGE_ORDER)
_VERDICT_RANK = {Verdict.POSITIVE: 0, Verdict.UNDECIDED: 1, Verdict.NEGATIVE: 2}
_NO_VERDICT_RANK = len(_VERDICT_RANK)
#: Sort key of a missing date (after every real one).
_NO_DAY = date.max.toordinal() + 1
_NEVER = datetime.max.replace(tzinfo=UTC)
_STAGE_LABELS = {stage.value: label for stage, label in STAGE_LABELS.items()}


def _stage_label(stage: str) -> str:
    label = _STAGE_LABELS.get(stage)
    return stage.replace("_", " ").capitalize() if label is None else label


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
        self._default_key = (STAGE_RANK.get(stage, UNKNOWN_RANK), self._company_key, id)

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
        (:data:`STAGE_ORDER`); text by :func:`~services.applications.folding.fold`;
        outlooks from leaning positive to leaning negative. Ties keep the
        default order (stage, company, id).
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


def default_order(rows: Iterable[ListRow]) -> list[ListRow]:
    """``rows`` in the default order: stage in pipeline order, folded company, id."""
    order = list(rows)
    order.sort(key=lambda row: row.id)
    order.sort(key=lambda row: row._company_key)
    order.sort(key=lambda row: row._default_key[0])
    return order


def _text_ranks(values: list[str | None], key: Callable[[str | None], str]) -> list[int]:
    """Integers ordering ``values`` as ``key`` (a fold) orders them: each distinct value is
    folded and compared once, and the rows then sort by integers."""
    folded = {value: key(value) for value in set(values)}
    # Equal folded texts (Øb, ob) share a rank, so their rows keep the default order.
    numbers = {text: number for number, text in enumerate(sorted(set(folded.values())))}
    rank = {value: numbers[text] for value, text in folded.items()}
    return [rank[value] for value in values]


def column_keys(column_key: str, rows: list[ListRow]) -> list:
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


def position(rows: Sequence[ListRow], row: ListRow, column_key: str, descending: bool) -> int:
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
