"""Importing a CSV file of applications in one call: :func:`import_applications_csv`.

``main.py import`` and the tests call it; it reads and checks the file with
:func:`services.data.csv_stream.plan_csv` and writes the valid rows with
:func:`services.data.csv_stream.apply_csv_plan` (the Data page calls those two
itself, on a worker thread, to show progress). The header names it understands
and each row's check are :mod:`services.data.csv_rows`; what it reports is
:mod:`services.data.csv_report`; the export is :mod:`services.data.csv_export`.

A file is imported all or nothing, unless ``valid_rows_only`` asks for the
valid rows alone; either way the writing is one transaction.
"""

from __future__ import annotations

from pathlib import Path

from services.data.csv_report import CsvImportResult
from services.data.csv_stream import apply_csv_plan, plan_csv


def import_applications_csv(path: Path, *, valid_rows_only: bool = False,
                            paths=None) -> CsvImportResult:
    """Import the applications in the CSV file ``path`` in one transaction.

    Raises :class:`services.data.json_import.ImportProblem` (with ``rows``, the
    per-row report) when the file cannot be read, when a row is rejected
    (unless ``valid_rows_only``), or when the write fails; nothing is saved
    then. A row with a "Next Steps ID" that exists updates that application
    (after a backup into ``paths.backups`` when ``paths`` is given). The file
    is read row by row (:mod:`services.data.csv_stream`).
    """
    return apply_csv_plan(plan_csv(Path(path)), valid_rows_only=valid_rows_only, paths=paths)
