"""Filling the application list's keys kept in the database (:mod:`models.list_key`).

:func:`search_key_of` is the one definition of an application's search key
(the list's rows and the kept keys both use it). :func:`fill_missing` folds
the keys of every application that has none (new ones, and those whose texts
changed: the schema's triggers deleted their keys) and writes them, in short
transactions that hold the write lock while they read, so a change made
meanwhile cannot leave a stale key behind. :func:`missing_count` says how many
are missing. The app fills them after its start and after each search it
answers from the database (:mod:`services.applications.quick_search`).

Plain :mod:`sqlite3`, no ORM, no Qt: a worker thread calls these with a
connection of its own (:func:`connect_for_filling`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from services.applications.folding import fold
from services.applications.quick_search import keys_complete
from services.core.paths import DataPaths

__all__ = ["FILL_CHUNK", "connect_for_filling", "fill_missing", "missing_count",
           "search_key_of"]

#: Applications folded per transaction (each holds the write lock a few tens of ms).
FILL_CHUNK = 2_000
_MISSING = "NOT EXISTS (SELECT 1 FROM list_key k WHERE k.application_id = a.id)"


def search_key_of(company: str, role: str, agency_name: str, recruiter_name: str,
                  contact_name: str, interviewer_names: str, notes: str) -> str:
    """What a search looks in, folded: the texts one per line (``interviewer_names`` one
    name per line). The company comes first, so the folded company starts the key."""
    return fold("\n".join((company, role, agency_name, recruiter_name, contact_name,
                           interviewer_names, notes)))


def connect_for_filling(paths: DataPaths) -> sqlite3.Connection:
    """A connection of its own that writes keys (autocommit: :func:`fill_missing` begins its
    own transactions)."""
    return sqlite3.connect(str(paths.database), timeout=5.0, isolation_level=None)


def missing_count(con: sqlite3.Connection) -> int:
    """How many applications have no keys."""
    return con.execute(f"SELECT count(*) FROM application a WHERE {_MISSING}").fetchone()[0]


def fill_missing(con: sqlite3.Connection, chunk: int = FILL_CHUNK) -> int:
    """Fold and write the keys of every application without them; return how many.

    ``con`` is in autocommit mode (:func:`connect_for_filling`). Each chunk is
    read and written inside one ``BEGIN IMMEDIATE`` transaction: no other
    writer can change an application between the read and the write.
    """
    if keys_complete(con):  # a few milliseconds; looking for the missing ones walks all
        return 0
    filled = 0
    while True:
        con.execute("BEGIN IMMEDIATE")
        try:
            written = _fill_chunk(con, chunk)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        filled += written
        if written < chunk:
            return filled


def _fill_chunk(con: sqlite3.Connection, chunk: int) -> int:
    applications = con.execute(
        "SELECT a.id, a.stage, a.company, a.role, a.agency_name, a.recruiter_name, "
        f"a.contact_name, a.notes FROM application a WHERE {_MISSING} LIMIT ?", (chunk,)
    ).fetchall()
    if not applications:
        return 0
    names = _interviewer_names(con, [row[0] for row in applications])
    con.executemany(
        "INSERT OR REPLACE INTO list_key (application_id, stage, company_key, search_key) "
        "VALUES (?, ?, ?, ?)",
        [(app_id, stage, fold(company),
          search_key_of(company, role, agency, recruiter, contact, names.get(app_id, ""), notes))
         for app_id, stage, company, role, agency, recruiter, contact, notes in applications],
    )
    return len(applications)


def _interviewer_names(con: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    marks = ",".join("?" * len(ids))
    return dict(con.execute(
        "SELECT r.application_id, group_concat(i.name, char(10)) FROM interview_round r "
        f"JOIN interviewer i ON i.round_id = r.id WHERE r.application_id IN ({marks}) "
        "GROUP BY r.application_id", tuple(ids)).fetchall())
