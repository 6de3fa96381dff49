"""Export everything as one versioned JSON backup (the format is in docs/backup-format.md).

Rows are read raw, in one read transaction, so the file is a consistent
snapshot and an import gives back identical rows. Foreign keys are written as
the parent's ``uid``; settings whose key names a secret are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models import clock
from models.base import database_proxy
from models.schema import CURRENT_VERSION
from services.core.atomic import write_bytes_atomic
from services.core.version import __version__
from services.data.backup_format import FORMAT, FORMAT_VERSION, TABLES, is_secret_key, to_file_value


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file and how many entries of each table."""

    path: Path
    counts: dict[str, int]

    def summary(self) -> str:
        """One line for the user, such as "12 applications, 20 interviews … to FILE"."""
        parts = [f"{count} {_plural(table, count)}" for table, count in self.counts.items()
                 if count]
        return f"exported {', '.join(parts) or 'nothing (the data is empty)'} to {self.path}"


_NOUNS = {
    "application": ("application", "applications"),
    "stage_change": ("stage change", "stage changes"),
    "offer": ("offer", "offers"),
    "interview_round": ("interview", "interviews"),
    "interviewer": ("interviewer", "interviewers"),
    "round_signal": ("signal", "signals"),
    "email": ("email", "emails"),
    "reminder": ("reminder", "reminders"),
    "template": ("template", "templates"),
    "setting": ("setting", "settings"),
    "mail_folder": ("mail folder", "mail folders"),
    "inbox_message": ("message", "messages"),
    "ignored_message": ("ignored message", "ignored messages"),
    "sent_copy": ("sent copy", "sent copies"),
}


def _plural(table: str, count: int) -> str:
    one, many = _NOUNS.get(table, (table, table))
    return one if count == 1 else many


def backup_document(now: datetime | None = None) -> dict[str, Any]:
    """Every table (except secrets) as the JSON-ready document of a backup file."""

    now = (now or clock.now()).astimezone(UTC).replace(microsecond=0)
    uids: dict[str, dict[int, str]] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    with database_proxy.atomic():
        for spec in TABLES:
            order = '"key"' if spec.table == "setting" else '"id"'
            cursor = database_proxy.execute_sql(f'SELECT * FROM "{spec.table}" ORDER BY {order}')
            columns = [d[0] for d in cursor.description]
            rows = []
            for raw_row in cursor.fetchall():
                raw = dict(zip(columns, raw_row, strict=True))
                if spec.table == "setting" and is_secret_key(str(raw["key"])):
                    continue
                row: dict[str, Any] = {}
                for field in spec.fields:
                    value = raw.get(field.column)
                    if field.kind == "ref":
                        value = None if value is None else uids[field.parent].get(value)
                    else:
                        value = to_file_value(field, value)
                    row[field.name] = value
                if spec.key == "uid":
                    uids.setdefault(spec.table, {})[raw["id"]] = raw["uid"]
                rows.append(row)
            tables[spec.table] = rows
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema_version": CURRENT_VERSION,
        "app_version": __version__,
        "exported_at": now.isoformat(),
        "tables": tables,
    }


def export_json(path: Path, now: datetime | None = None) -> ExportResult:
    """Write the full backup to ``path`` atomically (UTF-8 JSON); return what was written."""
    document = backup_document(now)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    write_bytes_atomic(Path(path), text.encode("utf-8") + b"\n")
    counts = {table: len(rows) for table, rows in document["tables"].items()}
    return ExportResult(Path(path), counts)
