"""Writing a checked backup into the open database: replacing everything, or merging.

:func:`services.data.json_import.apply_backup` opens the transaction and hands
the file's checked rows to a :class:`BackupWriter`: :meth:`BackupWriter.replace_all`
empties every table and fills it from the file with the file's ids;
:meth:`BackupWriter.merge_all` matches rows by their stable identifier and adds
or updates them. Either counts, per table, the entries added and updated. A row
whose parent is neither in the file nor in the data raises
:class:`services.data.backup_format.FormatError`.
"""

from __future__ import annotations

from typing import Any

from models.base import database_proxy
from services.data.backup_format import TABLES, TABLES_BY_NAME, FormatError, TableSpec


def _insert(table: str, values: dict[str, Any]) -> int:
    columns = list(values)
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    cursor = database_proxy.execute_sql(sql, [values[c] for c in columns])
    return cursor.lastrowid


def _update(table: str, row_id: Any, values: dict[str, Any], *, key: str = "id") -> None:
    if not values:
        return
    assignments = ", ".join(f'"{c}" = ?' for c in values)
    database_proxy.execute_sql(
        f'UPDATE "{table}" SET {assignments} WHERE "{key}" = ?', [*values.values(), row_id]
    )


def _existing(table: str, column: str) -> dict[Any, int]:
    cursor = database_proxy.execute_sql(f'SELECT "{column}", "id" FROM "{table}"')
    return {value: row_id for value, row_id in cursor.fetchall()}


#: A second identifier a row with an unknown uid is matched by: the same derived
#: reminder, or the same message read by another install, under another uid.
_SECOND_KEYS = {"reminder": "key", "inbox_message": "message_id"}


class BackupWriter:
    """Writes a backup's checked rows (table → rows as stored values) inside the caller's
    transaction, mapping parent uids to ids; counts per table the entries it ``added``
    and ``updated``."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.added: dict[str, int] = {}
        self.updated: dict[str, int] = {}
        self.ids: dict[str, dict[str, int]] = {}

    def parent_id(self, spec: TableSpec, parent: str, uid: str | None) -> int | None:
        """The id of the ``parent`` row with ``uid`` (in the file or already in the data)."""
        if uid is None:
            return None
        found = self.ids.get(parent, {}).get(uid)
        if found is None:
            raise FormatError(
                f"An entry of “{spec.table}” belongs to the {TABLES_BY_NAME[parent].label} "
                f"“{uid}”, which is neither in the file nor in your data."
            )
        return found

    def resolved(self, spec: TableSpec, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` with each parent's uid replaced by its id."""
        values = dict(row)
        for ref in spec.refs:
            if ref.column in values:
                values[ref.column] = self.parent_id(spec, ref.parent, values[ref.column])
        return values

    def count(self, table: str, added: bool) -> None:
        """Count one entry of ``table`` as added (or updated)."""
        target = self.added if added else self.updated
        target[table] = target.get(table, 0) + 1

    def replace_all(self) -> None:
        """Empty every table and fill it from the file, keeping the file's ids."""
        for spec in reversed(TABLES):
            database_proxy.execute_sql(f'DELETE FROM "{spec.table}"')
        for spec in TABLES:
            for row in self.rows[spec.table]:
                values = _with_defaults(spec, self.resolved(spec, row))
                row_id = _insert(spec.table, values)
                if spec.key == "uid":
                    self.ids.setdefault(spec.table, {})[values["uid"]] = row_id
                self.count(spec.table, True)

    def merge_all(self) -> None:
        """Add the file's rows, or update those with the same identifier; delete nothing."""
        for spec in TABLES:
            if spec.key == "uid":
                self.ids[spec.table] = _existing(spec.table, "uid")
        for spec in TABLES:
            handler = getattr(self, f"_merge_{spec.table}", None)
            rows = self.rows[spec.table]
            if handler is not None:
                handler(spec, rows)
            else:
                self._merge_by_uid(spec, rows)

    def _merge_by_uid(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        known = self.ids[spec.table]
        second = _SECOND_KEYS.get(spec.table)
        by_second = _existing(spec.table, second) if second else {}
        for row in rows:
            values = self.resolved(spec, row)
            values.pop("id", None)
            row_id = known.get(values["uid"])
            if row_id is None and second:
                row_id = by_second.get(values.get(second))
                if row_id is not None:
                    values.pop("uid")  # the same row under its local uid
            if row_id is None:
                row_id = _insert(spec.table, _with_defaults(spec, values))
                known[values["uid"]] = row_id
                self.count(spec.table, True)
            else:
                _update(spec.table, row_id, values)
                self.count(spec.table, False)

    def _merge_stage_change(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            values = _with_defaults(spec, self.resolved(spec, row))
            values.pop("id", None)
            found = database_proxy.execute_sql(
                'SELECT 1 FROM "stage_change" WHERE "application_id" = ? AND '
                '"from_stage" IS ? AND "to_stage" = ? AND "changed_at" = ? LIMIT 1',
                [values["application_id"], values["from_stage"], values["to_stage"],
                 values["changed_at"]],
            ).fetchone()
            if not found:
                _insert(spec.table, values)
                self.count(spec.table, True)

    def _merge_round_signal(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        rounds = {self.ids["interview_round"][r["uid"]]
                  for r in self.rows["interview_round"]}
        before: set[tuple[int, str]] = set()
        for round_id in sorted(rounds):
            before.update(database_proxy.execute_sql(
                'SELECT "round_id", "signal" FROM "round_signal" WHERE "round_id" = ?',
                [round_id]).fetchall())
            database_proxy.execute_sql('DELETE FROM "round_signal" WHERE "round_id" = ?',
                                       [round_id])
        for row in rows:
            values = self.resolved(spec, row)
            database_proxy.execute_sql(
                'INSERT OR IGNORE INTO "round_signal" ("round_id", "signal") VALUES (?, ?)',
                [values["round_id"], values["signal"]],
            )
            if (values["round_id"], values["signal"]) not in before:
                self.count(spec.table, True)

    def _merge_template(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        known = _existing("template", "key")
        for row in rows:
            values = dict(row)
            values.pop("id", None)
            if values["key"] in known:
                _update("template", known[values["key"]], values)
                self.count(spec.table, False)
            else:
                _insert("template", _with_defaults(spec, values))
                self.count(spec.table, True)

    def _merge_by_column(self, spec: TableSpec, rows: list[dict[str, Any]], column: str) -> None:
        """Add the rows, or update those whose unique ``column`` is already in the data."""
        known = _existing(spec.table, column)
        for row in rows:
            values = self.resolved(spec, row)
            values.pop("id", None)
            row_id = known.get(values[column])
            if row_id is None:
                known[values[column]] = _insert(spec.table, _with_defaults(spec, values))
                self.count(spec.table, True)
            else:
                _update(spec.table, row_id, values)
                self.count(spec.table, False)

    def _merge_mail_folder(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        self._merge_by_column(spec, rows, "name")

    def _merge_ignored_message(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        self._merge_by_column(spec, rows, "message_id")

    def _merge_sent_copy(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        self._merge_by_column(spec, rows, "email_id")  # one copy per email

    def _merge_setting(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        known = {key for (key,) in database_proxy.execute_sql('SELECT "key" FROM "setting"')}
        for row in rows:
            database_proxy.execute_sql(
                'INSERT OR REPLACE INTO "setting" ("key", "value") VALUES (?, ?)',
                [row["key"], row["value"]],
            )
            self.count(spec.table, row["key"] not in known)


def _with_defaults(spec: TableSpec, values: dict[str, Any]) -> dict[str, Any]:
    full = dict(values)
    for f in spec.fields:
        if f.column not in full and f.kind != "id":
            full[f.column] = f.default()
    return full
