"""What a CSV import reports: the status of each row, and the summary line.

:class:`CsvImportResult` is what :func:`services.data.csv_import.import_applications_csv`
and :func:`services.data.csv_stream.apply_csv_plan` return: a :class:`RowReport` per
row (up to :data:`LISTED_ROWS` of each status; the others are counted) with one of
the statuses :data:`IMPORTED`, :data:`UPDATED`, :data:`REJECTED` or :data:`SKIPPED`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

IMPORTED = "imported"
UPDATED = "updated"
REJECTED = "rejected"
SKIPPED = "skipped"


#: Rows of each status a report lists; the others are counted (a file of a million bad
#: rows must not become a million lines held in memory).
LISTED_ROWS = 1000


@dataclass(frozen=True, slots=True)
class RowReport:
    """What happened to one row (or, with ``last_row``, to a run of empty rows): its number
    as the spreadsheet shows it, status and why."""

    row: int
    status: str
    message: str = ""
    company: str = ""
    last_row: int = 0

    def line(self) -> str:
        """The row as one line of the report."""
        what = f" “{self.company[:60]}”" if self.company else ""
        rows = (f"rows {self.row}–{self.last_row}" if self.last_row > self.row
                else f"row {self.row}")
        text = f"{rows}: {self.status}{what}"
        return f"{text}: {self.message}" if self.message else text


@dataclass
class CsvImportResult:
    """What a CSV import did, row by row: ``rows`` lists up to :data:`LISTED_ROWS` rows of
    each status, in the file's order; ``counts`` counts every row."""

    path: Path | None
    encoding: str
    delimiter: str
    rows: list[RowReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        """How many rows ended with ``status``."""
        if self.counts:
            return self.counts.get(status, 0)
        return sum(1 for report in self.rows if report.status == status)

    def unlisted(self, status: str) -> int:
        """How many rows with ``status`` the report counts but does not list."""
        listed = sum(max(1, report.last_row - report.row + 1) for report in self.rows
                     if report.status == status)
        return max(0, self.count(status) - listed)

    def summary(self) -> str:
        """One line for the user."""
        text = f"{self.count(IMPORTED)} applications imported"
        if self.count(UPDATED):
            text += f", {self.count(UPDATED)} updated"
        if self.count(REJECTED):
            text += f", {self.count(REJECTED)} rows rejected"
        return text + f" (read as {self.encoding}, separated by {_sep(self.delimiter)})"


def _sep(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs"}.get(delimiter, repr(delimiter))
