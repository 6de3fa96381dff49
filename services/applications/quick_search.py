"""A search answered from the kept list keys, before every application has been read.

The list shows its first screenful at start and reads the rest when first
needed (about 0.14 s of Python at 10,000 applications, 1.5 s at 100,000). A
search typed meanwhile is answered here from the keys in the database
(:mod:`models.list_key`): :func:`first_matches` gives the ids of the first
matching applications in the list's default order (stage in pipeline order,
folded company, id: the ``(stage, company_key, application_id)`` index is
walked stage by stage and stops at ``limit``), and :func:`count_matches` how
many match in all. Both mean what
:meth:`services.applications.index.ApplicationIndex.set_filter` means: every
word of the folded text inside the search key, and the stage filter.

They answer only when every application has its keys (:func:`keys_complete`);
:mod:`services.applications.list_keys` fills the missing ones. Plain
:mod:`sqlite3`, no ORM, no Qt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from models.values import OPEN_STAGES
from services.applications.folding import fold
from services.applications.list_rows import STAGE_ORDER

__all__ = ["OPEN_FILTER", "OPEN_VALUES", "count_matches", "first_matches", "keys_complete",
           "words_of"]

#: The stage filter meaning "any open stage".
OPEN_FILTER = "open"
#: The stage values :data:`OPEN_FILTER` stands for.
OPEN_VALUES = frozenset(stage.value for stage in OPEN_STAGES)
_KNOWN = tuple(stage.value for stage in STAGE_ORDER)


def words_of(text: str) -> tuple[str, ...]:
    """The folded words a search for ``text`` looks for (as the list's index splits them)."""
    return tuple(fold(text).split())


def keys_complete(con: sqlite3.Connection, applications: int | None = None) -> bool:
    """True when every application has its keys (the triggers delete a key with its
    application, so equal counts mean none is missing). ``applications``: their number,
    when the caller has already counted them."""
    if applications is None:
        applications = con.execute("SELECT count(*) FROM application").fetchone()[0]
    return applications == con.execute("SELECT count(*) FROM list_key").fetchone()[0]


def _words_condition(words: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    words = tuple(words)
    return "".join(" AND instr(search_key, ?) > 0" for _ in words), words


def _stage_buckets(stage: str | None) -> list[str | None]:
    """The stages to walk, in pipeline order; None stands for every unknown stage value."""
    if stage is None:
        return [*_KNOWN, None]
    if stage == OPEN_FILTER:
        return [value for value in _KNOWN if value in OPEN_VALUES]
    return [stage]


def first_matches(con: sqlite3.Connection, words: tuple[str, ...], stage: str | None,
                  limit: int) -> list[int]:
    """The ids of the first ``limit`` applications holding every word of ``words`` (folded)
    in stage ``stage`` (None: any; :data:`OPEN_FILTER`: any open one), in the list's
    default order."""
    found: list[int] = []
    condition, params = _words_condition(words)
    for bucket in _stage_buckets(stage):
        if len(found) >= limit:
            break
        if bucket is None:
            where = f"stage NOT IN ({','.join('?' * len(_KNOWN))})"
            stage_params: tuple[str, ...] = _KNOWN
        else:
            where, stage_params = "stage = ?", (bucket,)
        found.extend(app_id for (app_id,) in con.execute(
            f"SELECT application_id FROM list_key WHERE {where}{condition} "
            "ORDER BY company_key, application_id LIMIT ?",
            (*stage_params, *params, limit - len(found))))
    return found


def count_matches(con: sqlite3.Connection, words: tuple[str, ...], stage: str | None) -> int:
    """How many applications :func:`first_matches` would give without a limit."""
    condition, params = _words_condition(words)
    if stage is None:
        where, stage_params = "1", ()
    else:
        stages = [bucket for bucket in _stage_buckets(stage) if bucket is not None]
        where, stage_params = f"stage IN ({','.join('?' * len(stages))})", tuple(stages)
    return con.execute(f"SELECT count(*) FROM list_key WHERE {where}{condition}",
                       (*stage_params, *params)).fetchone()[0]
