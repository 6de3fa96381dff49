"""Import a JSON backup: into empty data (identical state), or replacing, or merging by uid.

Every import is checked completely before anything is written, then written
in one transaction: a bad file raises :class:`ImportProblem` with a sentence
for the user and leaves the data exactly as it was.

* ``replace``: every table is emptied and filled from the file, keeping the
  file's row ids, so the result is identical to the data that was exported.
  A backup of the current data is made first.
* ``merge``: rows are matched by their stable identifier (``uid``; ``key``
  for templates and settings; ``name`` for mail folders; ``message_id`` for
  ignored messages; the email for Sent copies; a reminder also by its ``key``,
  a message also by its ``message_id``). Matched rows
  are updated with the fields the file gives, the others are added with new
  ids. Stage changes are added when not already there; a round's signals
  become the file's. Nothing is deleted.

The app calls :func:`read_backup` (or :func:`parse_backup`), :func:`has_user_data`,
:func:`apply_backup` and :func:`import_backup`; :class:`ImportProblem` is the error
of every file import. The rows are written by :mod:`services.data.backup_writer`.
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
from services.core import settings
from services.core.write_problems import write_problem
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
from services.data.backup_writer import BackupWriter
from services.data.backups import BEFORE_IMPORT, make_backup

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
    document = _document(data, path)
    schema = _check_versions(document, path)
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise _problem(path, "it has no “tables” object.")
    unknown = sorted(str(name) for name in tables if name not in TABLES_BY_NAME)
    if unknown:
        raise _problem(path, f"it has tables this version does not know: "
                             f"{', '.join(name[:40] for name in unknown[:5])}.")
    try:
        rows, secrets = _checked_tables(tables)
    except FormatError as exc:
        raise _problem(path, exc.message) from None
    return BackupFile(path, schema, rows, secrets)


def _document(data: bytes, path: Path | None) -> dict[str, Any]:
    """The file's JSON object, once it is known to be a Next Steps backup."""
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
    return document


def _is_version(value: Any) -> bool:
    """True for a version number: a whole number from 1 (true and false are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _check_versions(document: dict[str, Any], path: Path | None) -> int:
    """The schema version that wrote the file, once this version can read the file."""
    version = document.get("version")
    if not _is_version(version):
        raise _problem(path, "its “version” is missing or not a whole number.")
    if version > FORMAT_VERSION:
        raise _problem(path, f"it was written in backup format {version} by a newer version of "
                             f"Next Steps; this version reads format {FORMAT_VERSION}. Install "
                             "the newer version to import it.")
    schema = document.get("schema_version")
    if not _is_version(schema):
        raise _problem(path, "its “schema_version” is missing or not a whole number.")
    if schema > CURRENT_VERSION:
        raise _problem(path, f"it was written by a newer version of Next Steps (data version "
                             f"{schema}; this version reads up to {CURRENT_VERSION}). Install "
                             "the newer version to import it.")
    return schema


def _checked_tables(tables: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Every table's rows as stored values, and how many secret settings were left out;
    raises :class:`FormatError`."""
    rows: dict[str, list[dict[str, Any]]] = {}
    secrets = 0
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
    return rows, secrets


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
    """A known setting must hold its declared kind (bounds are applied when it is read);
    settings this version does not know are kept as they are."""
    key = row["key"]
    if key not in settings.DEFAULTS:
        return
    expected = settings.option(key).kind
    value = json.loads(row["value"])
    ok = isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
    if not ok:
        raise FormatError(f"The setting “{key}” has a value of the wrong kind.")


#: Unique columns checked besides the id and the table's key (a Sent copy's email as its uid).
_ALSO_UNIQUE = {"reminder": ("key",), "email": ("message_id",),
                "inbox_message": ("message_id",), "sent_copy": ("email_id",)}


def _check_unique(spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    columns = ["id"] if any("id" in row for row in rows) else []
    if spec.key:
        columns.append(spec.key)
    columns.extend(_ALSO_UNIQUE.get(spec.table, ()))
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


def import_write_failure(path: Path | None, exc: BaseException) -> ImportProblem:
    """The :class:`ImportProblem` for a write that failed while importing ``path`` (a full
    disk, a lock, a conflict with data already here): a sentence that says nothing was
    saved and what to do. Shared with the CSV import."""
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
            result.backup = make_backup(database_proxy.obj, paths.backups, BEFORE_IMPORT).path
        with database_proxy.atomic():
            writer = BackupWriter(backup.rows)
            if mode == REPLACE:
                writer.replace_all()
            else:
                writer.merge_all()
            result.added, result.updated = writer.added, writer.updated
            problems = database_proxy.execute_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise FormatError(f"it would leave {len(problems)} broken references.")
    except FormatError as exc:
        raise _problem(path, exc.message) from None
    except (peewee.DatabaseError, sqlite3.Error, OSError) as exc:
        raise import_write_failure(path, exc) from exc
    return result


def import_backup(path: Path, mode: str, *, paths=None) -> ImportResult:
    """Read, check and import the backup file at ``path`` in one transaction.

    Raises :class:`ImportProblem` (nothing changed) for a bad file or a failed write.
    """
    return apply_backup(read_backup(Path(path)), mode, paths=paths)
