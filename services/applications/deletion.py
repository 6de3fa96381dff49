"""Deleting an application with everything under it, and undoing that delete.

The rest of the app calls :func:`delete`, which takes a snapshot of every row
under an application (stage history, offers, rounds, interviewers, signals,
emails and their Sent copies, reminders, replies read from the mailbox) before
deleting it, and :func:`undo_delete`, which puts those rows back with the same ids
and uids, or raises :class:`UndoError` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import peewee

from models.base import database_proxy
from services.applications.loading import ApplicationNotFoundError

__all__ = ["DeletedApplication", "UndoError", "delete", "undo_delete"]

#: Values per ``IN (...)`` list when checking that a snapshot's ids are still free.
_CHUNK = 500


class UndoError(Exception):
    """A deleted application cannot be put back; the message says why. Nothing was changed."""


class _Rows(NamedTuple):
    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(eq=False)
class DeletedApplication:
    """Everything :func:`delete` removed, exactly as stored, for :func:`undo_delete`.

    Treat it as opaque. ``application_id`` and ``company`` are there for an
    "Undo" message; the snapshot can be used once.
    """

    application_id: int
    company: str
    _tables: list[_Rows] = field(repr=False)
    # Emails of *other* applications that pointed at this one's rounds or
    # interviewers: (email id, round id, interviewer id) to link again.
    _relinks: list[tuple[int, int | None, int | None]] = field(repr=False)
    _undone: bool = field(default=False, repr=False)


def _select_rows(table: str, where: str, params: list[Any]) -> _Rows:
    cursor = database_proxy.execute_sql(
        f'SELECT * FROM "{table}" WHERE {where} ORDER BY "id"', params)
    columns = tuple(d[0] for d in cursor.description)
    return _Rows(table, columns, [tuple(row) for row in cursor.fetchall()])


def _ids_in(rows: _Rows) -> list[Any]:
    index = rows.columns.index("id")
    return [row[index] for row in rows.rows]


def _in_clause(column: str, ids: list[Any]) -> tuple[str, list[Any]]:
    if not ids:
        return "0", []
    return f'"{column}" IN ({", ".join("?" for _ in ids)})', list(ids)


def delete(application_id: int) -> DeletedApplication:
    """Delete an application and everything under it; return what :func:`undo_delete` needs.

    The stage history, offers, rounds, interviewers, signals, emails (with their Sent
    copies), reminders and replies of the application go with it. Raises
    :class:`~services.applications.loading.ApplicationNotFoundError` when there
    is no such application.
    """
    with database_proxy.atomic():
        app = _select_rows("application", '"id" = ?', [application_id])
        if not app.rows:
            raise ApplicationNotFoundError(application_id)
        tables = [app]
        for table in ("stage_change", "offer", "interview_round"):
            tables.append(_select_rows(table, '"application_id" = ?', [application_id]))
        round_ids = _ids_in(tables[-1])
        where, params = _in_clause("round_id", round_ids)
        people = _select_rows("interviewer", where, params)
        tables.append(people)
        tables.append(_select_rows("round_signal", where, params))
        tables.append(_select_rows("email", '"application_id" = ?', [application_id]))
        where, params = _in_clause("email_id", _ids_in(tables[-1]))
        tables.append(_select_rows("sent_copy", where, params))
        tables.append(_select_rows("reminder", '"application_id" = ?', [application_id]))
        tables.append(_select_rows("inbox_message", '"application_id" = ?', [application_id]))
        relinks = _other_emails(application_id, round_ids, _ids_in(people))
        company = app.rows[0][app.columns.index("company")]
        database_proxy.execute_sql('DELETE FROM "application" WHERE "id" = ?', [application_id])
    return DeletedApplication(application_id, company, tables, relinks)


def _other_emails(application_id: int, round_ids: list[Any],
                  person_ids: list[Any]) -> list[tuple[int, int | None, int | None]]:
    """Emails of other applications linked to these rounds or interviewers, with the links
    that the delete will clear."""
    round_where, round_params = _in_clause("round_id", round_ids)
    person_where, person_params = _in_clause("interviewer_id", person_ids)
    others = database_proxy.execute_sql(
        f'SELECT "id", "round_id", "interviewer_id" FROM "email" '
        f'WHERE "application_id" != ? AND ({round_where} OR {person_where}) ORDER BY "id"',
        [application_id, *round_params, *person_params],
    ).fetchall()
    return [
        (email_id, rid if rid in round_ids else None, pid if pid in person_ids else None)
        for email_id, rid, pid in others
    ]


def undo_delete(snapshot: DeletedApplication) -> None:
    """Put back every row :func:`delete` removed, with the same ids and uids, in one transaction.

    Raises :class:`UndoError` (and changes nothing) when the snapshot was
    already used or when its ids or uids have been taken by new data since.
    """
    if snapshot._undone:
        raise UndoError(
            f"The deletion of “{snapshot.company}” was already undone; nothing was changed."
        )
    clash = UndoError(
        f"“{snapshot.company}” cannot be restored because new data now uses its place "
        "in the database; nothing was changed."
    )
    with database_proxy.atomic():
        if any(_taken(rows) for rows in snapshot._tables):
            raise clash
        try:
            for rows in snapshot._tables:
                _insert(rows)
            _relink(snapshot._relinks)
        except peewee.IntegrityError as exc:
            raise clash from exc
    snapshot._undone = True


def _taken(rows: _Rows) -> bool:
    """True when a row of the table already holds one of these rows' ids, uids or keys."""
    for column in ("id", "uid", "key"):
        if not rows.rows or column not in rows.columns:
            continue
        index = rows.columns.index(column)
        values = [row[index] for row in rows.rows]
        for start in range(0, len(values), _CHUNK):
            where, params = _in_clause(column, values[start:start + _CHUNK])
            found = database_proxy.execute_sql(
                f'SELECT 1 FROM "{rows.table}" WHERE {where} LIMIT 1', params
            ).fetchone()
            if found:
                return True
    return False


def _insert(rows: _Rows) -> None:
    if not rows.rows:
        return
    columns = ", ".join(f'"{c}"' for c in rows.columns)
    marks = ", ".join("?" for _ in rows.columns)
    sql = f'INSERT INTO "{rows.table}" ({columns}) VALUES ({marks})'
    for row in rows.rows:
        database_proxy.execute_sql(sql, list(row))


def _relink(relinks: list[tuple[int, int | None, int | None]]) -> None:
    """Link other applications' emails to the restored rounds and interviewers again."""
    for email_id, round_id, person_id in relinks:
        if round_id is not None:
            database_proxy.execute_sql(
                'UPDATE "email" SET "round_id" = ? WHERE "id" = ? AND "round_id" IS NULL',
                [round_id, email_id])
        if person_id is not None:
            database_proxy.execute_sql(
                'UPDATE "email" SET "interviewer_id" = ? '
                'WHERE "id" = ? AND "interviewer_id" IS NULL',
                [person_id, email_id])
