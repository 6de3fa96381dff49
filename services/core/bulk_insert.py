"""Inserting many rows of one model quickly, with the model's own defaults and conversions.

Used by the imports (calendar invitations, spreadsheets): peewee builds its SQL
anew for every ``Model.insert`` or ``create``, which took most of the time of a
large import. Here the statement is built once per model and each row only
passes its values through the fields' ``db_value``.
"""

from __future__ import annotations

from typing import Any

from models.base import database_proxy

_STATEMENTS: dict[type, tuple[str, list]] = {}
_NOTHING = object()


def _statement(model) -> tuple[str, list]:
    prepared = _STATEMENTS.get(model)
    if prepared is None:
        fields = [f for f in model._meta.sorted_fields if f is not model._meta.primary_key]
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
               f"VALUES ({', '.join('?' * len(fields))})")
        prepared = _STATEMENTS[model] = (sql, fields)
    return prepared


def insert_rows(model, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (field name → value) into ``model``'s table; return their ids.

    The same columns, defaults and conversions as ``Model.insert``: every field
    but the id, a missing value from the field's default, each value through
    ``db_value``; a model instance given for a foreign key stands for its id.
    Runs in the caller's transaction.
    """

    sql, fields = _statement(model)
    cursor = database_proxy.connection().cursor()
    # The same value object in consecutive rows (an import's "now", a stage) is converted once.
    last_value: list[Any] = [_NOTHING] * len(fields)
    last_param: list[Any] = [None] * len(fields)
    ids = []
    for row in rows:
        params = []
        for position, f in enumerate(fields):
            if f.name in row:
                value = row[f.name]
            elif f.default is not None:
                value = f.default() if callable(f.default) else f.default
            else:
                value = None
            if value is last_value[position]:
                params.append(last_param[position])
                continue
            if hasattr(value, "id") and not isinstance(value, int | str):
                value = value.id
            param = f.db_value(value)
            last_value[position], last_param[position] = value, param
            params.append(param)
        cursor.execute(sql, params)
        ids.append(cursor.lastrowid)
    return ids
