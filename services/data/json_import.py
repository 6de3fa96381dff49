"""Import a JSON backup: into empty data (identical state), or replacing, or merging by uid.

Every import is checked completely before anything is written, then written
in one transaction: a bad file raises :class:`ImportProblem` with a sentence
for the user and leaves the data exactly as it was.

* ``replace``: every table is emptied and filled from the file, keeping the
  file's row ids, so the result is identical to the data that was exported.
  A backup of the current data is made first.
* ``merge``: rows are matched by their stable identifier (``uid``; ``key``
  for templates and settings; a reminder also by its ``key``). Matched rows
  are updated with the fields the file gives, the others are added with new
  ids. Stage changes are added when not already there; a round's signals
  become the file's. Nothing is deleted.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from models.base import database_proxy
from models.schema import CURRENT_VERSION
from services.data.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    TABLES,
    TABLES_BY_NAME,
    FormatError,
    TableSpec,
    check_row,
    is_secret_key,
)

log = logging.getLogger(__name__)

REPLACE = "replace"
MERGE = "merge"
MODES = (REPLACE, MERGE)


class ImportProblem(Exception):
    """A file cannot be imported; ``message`` is the sentence for the user. Nothing was changed.

    ``rows`` holds the per-row report of a CSV file (empty for other files);
    ``unlisted`` counts the rejected rows the report does not list.
    """

    def __init__(self, message: str, rows: list | None = None, unlisted: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.rows = list(rows or [])
        self.unlisted = unlisted


@dataclass
class ImportResult:
    """What an import did: per table how many entries were added and updated."""

    path: Path | None
    mode: str
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None

    def summary(self) -> str:
        """One line for the user."""
        added = sum(self.added.values())
        updated = sum(self.updated.values())
        apps = self.added.get("application", 0)
        text = f"{self.mode}: {added} entries added"
        if apps:
            text += f" ({apps} application{'s' if apps != 1 else ''})"
        if updated:
            text += f", {updated} updated"
        return text


@dataclass
class BackupFile:
    """A backup file that passed every check: per table, its rows as stored values."""

    path: Path | None
    schema_version: int
    rows: dict[str, list[dict[str, Any]]]
    secrets_skipped: int = 0


def _name(path: Path | None) -> str:
    return path.name if path is not None else "The backup"


def _problem(path: Path | None, reason: str) -> ImportProblem:
    return ImportProblem(f"{_name(path)} cannot be imported: {reason} Nothing was changed.")


# -- reading and checking -------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_backup(data: bytes, path: Path | None = None) -> BackupFile:
    """Check the bytes of a backup file completely; raise :class:`ImportProblem` when unusable."""
    if len(data) > MAX_FILE_BYTES:
        raise _problem(path, f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _problem(path, "it is not a UTF-8 text file, so it is not a Next Steps backup.") \
            from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise _problem(path, "it is nested too deeply to be a Next Steps backup.") from None
    except ValueError as exc:
        raise _problem(path, f"it is not valid JSON ({exc}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _problem(path, "it is not a Next Steps backup (its “format” is not "
                             f"“{FORMAT}”).")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _problem(path, "its “version” is missing or not a whole number.")
    if version > FORMAT_VERSION:
        raise _problem(path, f"it was written in backup format {version} by a newer version of "
                             f"Next Steps; this version reads format {FORMAT_VERSION}. Install "
                             "the newer version to import it.")
    schema = document.get("schema_version")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise _problem(path, "its “schema_version” is missing or not a whole number.")
    if schema > CURRENT_VERSION:
        raise _problem(path, f"it was written by a newer version of Next Steps (data version "
                             f"{schema}; this version reads up to {CURRENT_VERSION}). Install "
                             "the newer version to import it.")
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise _problem(path, "it has no “tables” object.")
    unknown = sorted(str(name) for name in tables if name not in TABLES_BY_NAME)
    if unknown:
        raise _problem(path, f"it has tables this version does not know: "
                             f"{', '.join(name[:40] for name in unknown[:5])}.")
    rows: dict[str, list[dict[str, Any]]] = {}
    secrets = 0
    try:
        for spec in TABLES:
            entries = tables.get(spec.table, [])
            if not isinstance(entries, list):
                raise FormatError(f"The “{spec.table}” table is not a list of entries.")
            checked = [check_row(spec, i, entry) for i, entry in enumerate(entries)]
            if spec.table == "setting":
                kept = [row for row in checked if not is_secret_key(row["key"])]
                secrets = len(checked) - len(kept)
                for row in kept:
                    _check_setting(row)
                checked = kept
            _check_unique(spec, checked)
            rows[spec.table] = checked
    except FormatError as exc:
        raise _problem(path, exc.message) from None
    return BackupFile(path, schema, rows, secrets)


def read_backup(path: Path) -> BackupFile:
    """Read and check the backup file at ``path`` (see :func:`parse_backup`)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _problem(path, f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{path.name} cannot be read: {exc.strerror or exc}. "
                            "Nothing was changed.") from None
    return parse_backup(data, path)


def _check_setting(row: dict[str, Any]) -> None:
    from services.core.settings import DEFAULTS

    key = row["key"]
    if key not in DEFAULTS:
        return
    expected = type(DEFAULTS[key])
    value = json.loads(row["value"])
    ok = isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
    if not ok:
        raise FormatError(f"The setting “{key}” has a value of the wrong kind.")


def _check_unique(spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    columns = ["id"] if any("id" in row for row in rows) else []
    if spec.key:
        columns.append(spec.key)
    if spec.table == "reminder":
        columns.append("key")
    if spec.table == "email":
        columns.append("message_id")
    for column in columns:
        seen: set[Any] = set()
        for row in rows:
            value = row.get(column)
            if value is None:
                continue
            if value in seen:
                raise FormatError(f"Two entries of “{spec.table}” share the {column} “{value}”.")
            seen.add(value)
    if spec.table == "round_signal":
        pairs = [(row["round_id"], row["signal"]) for row in rows]
        if len(set(pairs)) != len(pairs):
            raise FormatError("An interview lists the same signal twice.")


# -- writing --------------------------------------------------------------------------------------


def has_user_data() -> bool:
    """True when the open database holds applications, emails, reminders or own templates."""
    for sql in (
        'SELECT 1 FROM "application" LIMIT 1',
        'SELECT 1 FROM "email" LIMIT 1',
        'SELECT 1 FROM "reminder" LIMIT 1',
        'SELECT 1 FROM "template" WHERE "builtin" = 0 LIMIT 1',
    ):
        if database_proxy.execute_sql(sql).fetchone():
            return True
    return False


def _is_blank() -> bool:
    return not any(
        database_proxy.execute_sql(f'SELECT 1 FROM "{spec.table}" LIMIT 1').fetchone()
        for spec in TABLES
    )


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


class _Writer:
    """Writes checked rows inside the caller's transaction, mapping parent uids to ids."""

    def __init__(self, backup: BackupFile, mode: str, result: ImportResult) -> None:
        self.backup = backup
        self.mode = mode
        self.result = result
        self.ids: dict[str, dict[str, int]] = {}

    def parent_id(self, spec: TableSpec, parent: str, uid: str | None) -> int | None:
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
        values = dict(row)
        for ref in spec.refs:
            if ref.column in values:
                values[ref.column] = self.parent_id(spec, ref.parent, values[ref.column])
        return values

    def count(self, table: str, added: bool) -> None:
        target = self.result.added if added else self.result.updated
        target[table] = target.get(table, 0) + 1

    def replace_all(self) -> None:
        for spec in reversed(TABLES):
            database_proxy.execute_sql(f'DELETE FROM "{spec.table}"')
        for spec in TABLES:
            for row in self.backup.rows[spec.table]:
                values = _with_defaults(spec, self.resolved(spec, row))
                row_id = _insert(spec.table, values)
                if spec.key == "uid":
                    self.ids.setdefault(spec.table, {})[values["uid"]] = row_id
                self.count(spec.table, True)

    def merge_all(self) -> None:
        for spec in TABLES:
            if spec.key == "uid":
                self.ids[spec.table] = _existing(spec.table, "uid")
        for spec in TABLES:
            handler = getattr(self, f"_merge_{spec.table}", None)
            rows = self.backup.rows[spec.table]
            if handler is not None:
                handler(spec, rows)
            else:
                self._merge_by_uid(spec, rows)

    def _merge_by_uid(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        known = self.ids[spec.table]
        by_key = _existing(spec.table, "key") if spec.table == "reminder" else {}
        for row in rows:
            values = self.resolved(spec, row)
            values.pop("id", None)
            row_id = known.get(values["uid"])
            if row_id is None and spec.table == "reminder":
                row_id = by_key.get(values["key"])
                if row_id is not None:
                    values.pop("uid")  # the same derived reminder under its local uid
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
                  for r in self.backup.rows["interview_round"]}
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


def _write_failure(path: Path | None, exc: BaseException) -> ImportProblem:
    from services.core.store import write_problem

    problem = write_problem(exc)
    if problem.kind == "other":
        if isinstance(exc, peewee.IntegrityError | peewee.DataError | sqlite3.IntegrityError):
            return _problem(path, f"it conflicts with data already here ({exc}).")
        log.error("import of %s failed", _name(path), exc_info=exc)
        return _problem(path, f"an unexpected error happened ({exc}).")
    reasons = {
        "full": "the disk is full. Free some space and try again.",
        "read-only": "your data folder is read-only. Fix its permissions and try again.",
        "busy": "another program kept your data busy. Try again in a moment.",
        "io": "the disk reported an error. Check the disk and try again.",
    }
    return _problem(path, reasons[problem.kind])


def apply_backup(backup: BackupFile, mode: str, *, paths=None) -> ImportResult:
    """Write a checked backup in one transaction (see the module's description of the modes).

    ``paths`` (a :class:`services.core.paths.DataPaths`) is where a backup of the
    current data is made first, when there is any. A merge into data that is
    completely blank is done as a replace, so ids are kept too.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    path = backup.path
    if mode == MERGE and _is_blank():
        mode = REPLACE
    result = ImportResult(path, mode)
    if backup.secrets_skipped:
        result.notes.append(
            f"{backup.secrets_skipped} setting(s) naming a password, secret or token were "
            "skipped: secrets are never imported."
        )
    try:
        if paths is not None and not _is_blank():
            from services.data.backups import BEFORE_IMPORT, make_backup

            result.backup = make_backup(database_proxy.obj, paths.backups, BEFORE_IMPORT).path
        with database_proxy.atomic():
            writer = _Writer(backup, mode, result)
            if mode == REPLACE:
                writer.replace_all()
            else:
                writer.merge_all()
            problems = database_proxy.execute_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise FormatError(f"it would leave {len(problems)} broken references.")
    except FormatError as exc:
        raise _problem(path, exc.message) from None
    except (peewee.DatabaseError, sqlite3.Error, OSError) as exc:
        raise _write_failure(path, exc) from exc
    return result


def import_backup(path: Path, mode: str, *, paths=None) -> ImportResult:
    """Read, check and import the backup file at ``path`` in one transaction.

    Raises :class:`ImportProblem` (nothing changed) for a bad file or a failed write.
    """
    return apply_backup(read_backup(Path(path)), mode, paths=paths)
