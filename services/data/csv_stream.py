"""Importing a CSV file of applications row by row, in two steps.

* :func:`plan_csv` reads the file (no database involved, so a worker thread
  may run it). The file is read twice, one row at a time, and never held in
  memory: first for its header and what its slashed dates say about their
  order, then to check every row with the editor's own rules. An empty row
  costs nothing (runs of them become one line of the report); a valid row is
  kept as one compact tuple of the values to write; a report lists at most
  :data:`~services.data.csv_report.LISTED_ROWS` rows of each status and counts the
  rest.
* :func:`apply_csv_plan` writes the valid rows in one transaction, all or
  nothing unless ``valid_rows_only``: new applications with their first
  stage change through prepared statements (``services.core.bulk_insert``), rows
  with a known "Next Steps ID" through :func:`services.applications.saving.save`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import peewee

from models import clock
from models.application import Application, StageChange
from models.base import database_proxy, new_uid
from services.applications import editor_data, loading, saving, validation
from services.core.bulk_insert import insert_rows
from services.data.backups import BEFORE_IMPORT, make_backup
from services.data.csv_cells import SlashOrder
from services.data.csv_files import CsvFileError, CsvSource, open_csv, restore_cell
from services.data.csv_report import (
    IMPORTED,
    LISTED_ROWS,
    REJECTED,
    SKIPPED,
    UPDATED,
    CsvImportResult,
    RowReport,
)
from services.data.csv_rows import CsvRow, build_row, map_headers
from services.data.json_import import ImportProblem, import_write_failure

#: The application's fields a row gives, in the order :class:`_Valid` keeps their values.
STORED = ("company", "role", "posting_url", "channel", "agency_name", "recruiter_name",
          "recruiter_email", "contact_name", "contact_email", "stage", "salary_notes",
          "notes", "applied_on")
_UNSTRIPPED = frozenset({"channel", "stage", "salary_notes", "notes", "applied_on"})
_STAGE = STORED.index("stage")

#: ``progress(rows_done, rows_total)`` while the rows are checked.
Progress = Callable[[int, int], None]


class _Valid(NamedTuple):
    number: int
    values: tuple
    uid: str
    given: frozenset[str]
    note: str


@dataclass
class CsvPlan:
    """A CSV file read and checked: its valid rows, and the reports of the others."""

    path: Path
    encoding: str
    delimiter: str
    total_rows: int = 0
    notes: list[str] = field(default_factory=list)
    valid: list[_Valid] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    skipped_runs: int = 0
    _run: list[int] = field(default_factory=list, init=False, repr=False)

    @property
    def rejected(self) -> int:
        """How many rows cannot be imported."""
        return self.counts.get(REJECTED, 0)

    def report(self, status: str, row: int, message: str = "", company: str = "") -> None:
        """Count a row; list it while fewer than LISTED_ROWS of its status are listed."""
        self.counts[status] = self.counts.get(status, 0) + 1
        if self.counts[status] <= LISTED_ROWS:
            self.reports.append(RowReport(row, status, message, company))

    def skip(self, row: int) -> None:
        """Count an empty row, joining it to the run of empty rows just before it."""
        self.counts[SKIPPED] = self.counts.get(SKIPPED, 0) + 1
        if self._run and self._run[1] == row - 1:
            self._run[1] = row
            return
        self.end_run()
        self._run = [row, row]

    def end_run(self) -> None:
        """List the run of empty rows being counted (while fewer than LISTED_ROWS are)."""
        if self._run and self.skipped_runs < LISTED_ROWS:
            first, last = self._run
            self.skipped_runs += 1
            self.reports.append(RowReport(first, SKIPPED, "the rows are empty", "", last)
                                if last > first else RowReport(first, SKIPPED, "the row is empty"))
        self._run = []


def _header(source: CsvSource) -> tuple[list[str], dict[int, str], list[str]]:
    records = source.records()
    try:
        header = next(records, None)
    finally:
        records.close()
    if header is None or not any(cell.strip() for cell in header):
        raise CsvFileError("The file is empty or its first row (the header) is blank.")
    mapping, unused = map_headers(header)
    found = set(mapping.values())
    missing = [label for name, label in (("company", "company"), ("role", "role or job title"))
               if name not in found]
    if missing:
        shown = ", ".join(f"“{cell.strip()[:30]}”" for cell in header[:12] if cell.strip())
        raise CsvFileError(
            f"The header row has no column for the {' or the '.join(missing)}. It has: {shown}. "
            "Name the columns Company and Role (or Title, Position), then import again."
        )
    return header, mapping, unused


def _dates(source: CsvSource, mapping: dict[int, str]) -> tuple[int, SlashOrder]:
    """The number of rows after the header, and what their slashed dates say."""
    column = next((index for index, name in mapping.items() if name == "applied_on"), None)
    order = SlashOrder()
    rows = 0
    records = source.records()
    next(records, None)
    for record in records:
        rows += 1
        if column is not None and column < len(record):
            order.add(restore_cell(record[column]))
    return rows, order


def _stored(data: editor_data.ApplicationData) -> tuple:
    """The values :func:`services.applications.saving.save` would write, in :data:`STORED`
    order."""
    return tuple(getattr(data, name) if name in _UNSTRIPPED else (getattr(data, name) or "")
                 .strip() for name in STORED)


def _rows(source: CsvSource) -> Iterator[tuple[int, list[str]]]:
    records = source.records()
    next(records, None)
    for number, record in enumerate(records, start=2):
        yield number, [restore_cell(cell) for cell in record]


def plan_csv(path: Path, *, progress: Progress | None = None, every: int = 2000) -> CsvPlan:
    """Read and check the CSV file ``path`` (no database involved); see the module's text.

    Raises :class:`ImportProblem` when the file cannot be read as a list of
    applications. ``progress(done, total)`` is called every ``every`` rows.
    """
    path = Path(path)
    name = path.name
    try:
        source = open_csv(path, name)
        header, mapping, unused = _header(source)
        total, dates = _dates(source, mapping)
        plan = CsvPlan(path, source.encoding, source.delimiter, total)
        _check_rows(plan, source, header, mapping, dates.order, progress, every)
    except CsvFileError as exc:
        raise ImportProblem(f"{exc.message} Nothing was imported.") from None
    except OSError as exc:
        raise ImportProblem(f"{name} cannot be read: {exc.strerror or exc}. Nothing was "
                            "changed.") from None
    if unused:
        plan.notes.append("Columns not imported: " + ", ".join(f"“{h[:40]}”" for h in unused)
                          + ".")
    if dates.order is None and dates.seen:
        plan.notes.append("Dates such as 03/04/2026 were read as day/month/year.")
    elif dates.order == "mdy":
        plan.notes.append("Dates such as 03/04/2026 were read as month/day/year.")
    return plan


def _check_rows(plan: CsvPlan, source: CsvSource, header: list[str], mapping: dict[int, str],
                order: str | None, progress: Progress | None, every: int) -> None:
    headers = {name: header[index].strip() for index, name in mapping.items()}
    width = len(header)
    seen_uids: set[str] = set()
    given_sets: dict[frozenset[str], frozenset[str]] = {}
    for number, cells in _rows(source):
        if progress is not None and (number - 1) % every == 0:
            progress(number - 1, plan.total_rows)
        if not "".join(cells).strip():
            plan.skip(number)
            continue
        row = CsvRow(number, {name: cells[index] if index < len(cells) else ""
                              for index, name in mapping.items()})
        if "".join(cells[width:]).strip():
            row.problem = (f"The row has {len(cells)} cells but the header has {width}; check "
                           "for a separator inside a cell that is not in quotes.")
        elif "".join(row.values.values()).strip():
            build_row(row, headers, order)
        company = row.values.get("company", "").strip()
        if not row.problem and row.data is not None and row.uid:
            if row.uid in seen_uids:
                row.problem = "Another row above has the same Next Steps ID."
            seen_uids.add(row.uid)
        if row.problem:
            plan.report(REJECTED, number, row.problem, company)
        elif row.data is None:
            plan.skip(number)
        else:
            given = frozenset(row.given)
            plan.valid.append(_Valid(number, _stored(row.data), row.uid,
                                     given_sets.setdefault(given, given), "; ".join(row.notes)))
    plan.end_run()


def _existing(uids: list[str]) -> dict[str, int]:

    found: dict[str, int] = {}
    for start in range(0, len(uids), 500):
        chunk = uids[start:start + 500]
        found.update(database_proxy.execute_sql(
            f"SELECT uid, id FROM application WHERE uid IN ({','.join('?' * len(chunk))})",
            chunk).fetchall())
    return found


def _result(plan: CsvPlan, existing: dict[str, int]) -> CsvImportResult:
    result = CsvImportResult(plan.path, plan.encoding, plan.delimiter, notes=list(plan.notes),
                             counts=dict(plan.counts))
    listed = list(plan.reports)
    for valid in plan.valid:
        status = UPDATED if valid.uid and valid.uid in existing else IMPORTED
        result.counts[status] = result.counts.get(status, 0) + 1
        if result.counts[status] <= LISTED_ROWS:
            listed.append(RowReport(valid.number, status, valid.note, valid.values[0]))
    listed.sort(key=lambda report: report.row)
    result.rows = listed
    return result


def apply_csv_plan(plan: CsvPlan, *, valid_rows_only: bool = False, paths=None,
                   now=None) -> CsvImportResult:
    """Write the valid rows of ``plan`` in one transaction; return the report.

    Raises :class:`ImportProblem` (with the report's rows; nothing saved) when
    a row is rejected and ``valid_rows_only`` is False, when no row is valid
    but some are rejected, or when the write fails. Updating an existing
    application is preceded by a backup into ``paths.backups`` when ``paths``
    is given.
    """

    existing = _existing(sorted({valid.uid for valid in plan.valid if valid.uid}))
    result = _result(plan, existing)
    name = plan.path.name
    if plan.rejected and not plan.valid:
        raise ImportProblem(
            f"No row of {name} can be imported ({plan.rejected} rejected), so nothing was "
            "imported. Fix the rows (see the report) and import the file again.",
            rows=result.rows, unlisted=result.unlisted(REJECTED),
        )
    if plan.rejected and not valid_rows_only:
        raise ImportProblem(
            f"{plan.rejected} of {plan.total_rows} rows in {name} cannot be imported, so "
            "nothing was imported. Fix those rows (see the report), or choose to import only "
            "the valid rows.",
            rows=result.rows, unlisted=result.unlisted(REJECTED),
        )
    now = (now or clock.now()).replace(microsecond=0)
    try:
        if paths is not None and existing:

            result.backup = make_backup(database_proxy.obj, paths.backups, BEFORE_IMPORT).path
        with database_proxy.atomic():
            _write(plan.valid, existing, now)
    except validation.ValidationError as exc:  # pragma: no cover - checked when planned
        raise ImportProblem(f"{name} cannot be imported: {exc} Nothing was imported.",
                            rows=result.rows) from None
    except (peewee.DatabaseError, sqlite3.Error, OSError) as exc:

        problem = import_write_failure(plan.path, exc)
        raise ImportProblem(problem.message, rows=result.rows) from exc
    return result


def _write(rows: list[_Valid], existing: dict[str, int], now, chunk: int = 500) -> None:
    """New applications and their first stage change, ``chunk`` at a time; known IDs
    updated with only the fields the file has columns for."""

    pending: list[_Valid] = []

    def flush() -> None:
        ids = insert_rows(Application, [
            dict(zip(STORED, valid.values, strict=True), uid=valid.uid or new_uid(),
                 created_at=now, updated_at=now) for valid in pending])
        insert_rows(StageChange, [
            {"application": app_id, "from_stage": None, "to_stage": valid.values[_STAGE],
             "changed_at": now} for app_id, valid in zip(ids, pending, strict=True)])
        pending.clear()

    for valid in rows:
        if valid.uid and valid.uid in existing:
            current = loading.load(existing[valid.uid])
            for name, value in zip(STORED, valid.values, strict=True):
                if name in valid.given:
                    setattr(current, name, value)
            saving.save(current, now)
            continue
        pending.append(valid)
        if len(pending) >= chunk:
            flush()
    if pending:
        flush()
