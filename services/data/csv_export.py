"""Applications to a CSV file that spreadsheets open and the import reads back.

:func:`export_applications_csv` (called by ``main.py export --format csv`` and
the Data page) writes every application, one row each, with the columns of
:data:`EXPORT_COLUMNS`: stages and channels as the app shows them, dates in ISO
format, and the "Next Steps ID" that lets :mod:`services.data.csv_import`
update the same applications later. :func:`services.data.csv_files.write_csv`
does the writing (UTF-8 with a byte-order mark, formulas neutralised).
"""

from __future__ import annotations

from pathlib import Path

from models.application import Application
from models.values import STAGE_LABELS, Channel
from services.data.csv_files import write_csv

#: The columns written by the export, in order: header → field.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("Company", "company"),
    ("Role", "role"),
    ("Stage", "stage"),
    ("Date applied", "applied_on"),
    ("Link", "posting_url"),
    ("Applied through", "channel"),
    ("Agency", "agency_name"),
    ("Agency recruiter", "recruiter_name"),
    ("Agency recruiter email", "recruiter_email"),
    ("Contact", "contact_name"),
    ("Contact email", "contact_email"),
    ("Salary notes", "salary_notes"),
    ("Notes", "notes"),
    ("Created", "created_at"),
    ("Updated", "updated_at"),
    ("Next Steps ID", "uid"),
]


def export_applications_csv(path: Path) -> int:
    """Write every application to ``path`` as CSV (see :data:`EXPORT_COLUMNS`); return the count."""
    rows = []
    for app in Application.select().order_by(Application.id):
        row = []
        for _header, name in EXPORT_COLUMNS:
            value = getattr(app, name)
            if name == "stage":
                value = STAGE_LABELS.get(value, value)
            elif name == "channel":
                value = "Staffing agency" if value == Channel.AGENCY.value else "Directly"
            elif name in ("created_at", "updated_at", "applied_on"):
                value = value.isoformat() if value else ""
            row.append("" if value is None else str(value))
        rows.append(row)
    write_csv(Path(path), [header for header, _name in EXPORT_COLUMNS], rows)
    return len(rows)
