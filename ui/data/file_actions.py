"""File → Import and Export: backups (.json), applications (.csv), calendars (.ics)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from services.calendar.ics_export import export_file
from services.calendar.ics_import import user_addresses
from services.calendar.invitation_files import read_invitation_files
from services.core.write_problems import explain_write_error
from services.data.csv_export import export_applications_csv
from services.data.csv_stream import apply_csv_plan, plan_csv
from services.data.json_export import export_json
from services.data.json_import import ImportProblem, apply_backup, has_user_data, read_backup
from ui.data.import_job import busy, start_import

log = logging.getLogger(__name__)

FORMATS = {
    "json": ("Full backup (*.json)", "nextsteps-backup.json"),
    "csv": ("Applications as a spreadsheet (*.csv)", "applications.csv"),
    "ics": ("Calendar of upcoming dates (*.ics)", "next-steps.ics"),
}


class FileDialogs:
    """The questions File → Import/Export asks; tests replace these class methods."""

    @classmethod
    def open_files(cls, parent: QWidget) -> list[str]:
        """Files to import (may be empty)."""
        files, _ = QFileDialog.getOpenFileNames(
            parent, "Import", "",
            "Next Steps files (*.json *.csv *.tsv *.ics);;Backups (*.json);;"
            "Spreadsheets (*.csv *.tsv);;Calendar invitations (*.ics)")
        return files

    @classmethod
    def save_path(cls, parent: QWidget, fmt: str) -> str | None:
        """Where to export, or None."""
        filter_text, name = FORMATS[fmt]
        path, _ = QFileDialog.getSaveFileName(parent, "Export", name, filter_text)
        return path or None

    @classmethod
    def replace_or_merge(cls, parent: QWidget, name: str) -> str | None:
        """"replace", "merge" or None (cancel) for a backup into data that is not empty."""
        box = QMessageBox(QMessageBox.Icon.Question, "Import a backup",
                          f"{name} is a full backup, and your data is not empty.\n\n"
                          "Merge adds what is new and updates what both have (matched by "
                          "their identifiers). Replace makes your data exactly the backup. "
                          "Either way a copy of your current data is kept in the backups "
                          "folder first.", parent=parent)
        merge = box.addButton("Merge", QMessageBox.ButtonRole.AcceptRole)
        replace = box.addButton("Replace everything", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(merge)
        box.exec()
        if box.clickedButton() is merge:
            return "merge"
        if box.clickedButton() is replace:
            return "replace"
        return None

    @classmethod
    def import_valid_rows(cls, parent: QWidget, name: str, report: str) -> bool:
        """True when the user imports the valid rows of a spreadsheet with rejected ones."""
        answer = QMessageBox.question(
            parent, "Some rows cannot be imported",
            f"Nothing from {name} was imported yet, because some rows have problems:\n\n"
            f"{report}\n\nImport the rows that are fine and leave out the others?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget, title: str, text: str) -> None:
        """Show the outcome."""
        QMessageBox.information(parent, title, text)


def _rows_text(rows, limit: int = 12, unlisted: int = 0) -> str:
    lines = [f"Row {r.row}: {r.message}" for r in rows if getattr(r, "status", "") == "rejected"]
    more = len(lines) - limit + unlisted
    return "\n".join(lines[:limit]) + (f"\n… and {more:,} more." if more > 0 else "")


_KINDS = {".json": "json", ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".ics": "ics"}


class _Entry(NamedTuple):
    """A file to import: its kind, the backup mode asked for, and once read, what it holds
    (``value``) or why it cannot be imported (``problem``)."""

    path: Path
    kind: str
    mode: str = ""
    value: Any = None
    problem: str = ""


def import_files(window, files: list[str] | None = None):
    """Import each file in its own transaction: read on a worker behind a progress dialog,
    then written on the UI thread; one line per file is shown at the end (and passed to
    ``on_done`` when given). Returns the running job, or None when there is nothing to do."""

    window.ensure_store()
    files = files if files is not None else FileDialogs.open_files(window)
    if not files:
        return None
    if busy():
        FileDialogs.tell(window, "Import", "Another import is still running; import these "
                         "files when it has finished.")
        return None
    entries: list[_Entry] = []
    outcomes: list[str] = []
    for name in files:
        path = Path(name)
        kind = _KINDS.get(path.suffix.lower())
        if kind is None:
            outcomes.append(f"{path.name}: not imported; Next Steps reads .json backups, "
                            ".csv spreadsheets and .ics invitations.")
        elif kind == "json" and has_user_data():
            mode = FileDialogs.replace_or_merge(window, path.name)
            if mode is None:
                outcomes.append(f"{path.name}: not imported (cancelled).")
            else:
                entries.append(_Entry(path, kind, mode))
        else:
            entries.append(_Entry(path, kind, "replace" if kind == "json" else ""))
    return _start(window, entries, outcomes)


def _start(window, entries: list[_Entry], outcomes: list[str]):

    if not entries:
        _finish(window, outcomes)
        return None
    calendar = window.view("calendar") if any(e.kind == "ics" for e in entries) else None
    own = user_addresses() if calendar is not None else frozenset()
    zone = calendar.zone if calendar is not None else None

    def write(read: list[_Entry]) -> list[str]:
        lines = outcomes + _write_all(window, calendar, read)
        _finish(window, lines)
        return lines

    job = start_import(window, "Import", lambda progress: _read_all(entries, own, zone,
                                                                   progress), write)
    job.failed.connect(lambda sentence: FileDialogs.tell(window, "Import", sentence))
    return job


def _read_all(entries: list[_Entry], own, zone, progress) -> list[_Entry]:
    """Read and check every file (on the worker: no widgets, no database)."""

    read = []
    for number, entry in enumerate(entries, start=1):
        name = entry.path.name
        counted = f" ({number} of {len(entries)})" if len(entries) > 1 else ""
        progress(0, 0, f"Reading {name}{counted}…")
        try:
            if entry.kind == "json":
                value = read_backup(entry.path)
            elif entry.kind == "csv":
                value = plan_csv(entry.path, progress=lambda done, total, name=name,
                                 counted=counted: progress(
                    done, total, f"Checking {name}{counted}: row {done:,} of {total:,}…"))
            else:
                (value,) = read_invitation_files([entry.path], own_addresses=own,
                                                 user_zone=zone)
            read.append(entry._replace(value=value))
        except ImportProblem as problem:
            read.append(entry._replace(problem=problem.message))
    return read


def _write_all(window, calendar, read: list[_Entry]) -> list[str]:
    """Write what was read, one transaction per file (on the UI thread); a line per file."""

    lines: list[str] = []
    invitations = []
    for entry in read:
        name = entry.path.name
        if entry.problem:
            lines.append(f"{name}: nothing imported. {entry.problem}")
            continue
        try:
            if entry.kind == "json":
                result = apply_backup(entry.value, entry.mode, paths=window.paths)
                lines.append(f"{name}: {result.summary()}")
            elif entry.kind == "csv":
                lines.append(f"{name}: {_write_csv(window, entry)}")
            else:
                invitations.append(entry.value)
        except ImportProblem as problem:
            lines.append(f"{name}: nothing imported. {problem.message}")
    if invitations:
        report = calendar.apply_invitations(invitations)
        lines.append(report.text())
    return lines


def _write_csv(window, entry: _Entry) -> str:

    try:
        return apply_csv_plan(entry.value, paths=window.paths).summary()
    except ImportProblem as problem:
        rejected = [r for r in problem.rows if r.status == "rejected"]
        valid = [r for r in problem.rows if r.status in ("imported", "updated")]
        if not rejected or not valid or not FileDialogs.import_valid_rows(
                window, entry.path.name, _rows_text(problem.rows, unlisted=problem.unlisted)):
            raise
        return apply_csv_plan(entry.value, valid_rows_only=True, paths=window.paths).summary()


def _finish(window, outcomes: list[str]) -> None:
    window.after_data_changed()
    if outcomes:
        FileDialogs.tell(window, "Import", "\n\n".join(outcomes))


def export(window, fmt: str) -> str | None:
    """Export in ``fmt`` ("json", "csv" or "ics") to a file the user picks."""

    window.ensure_store()
    target = FileDialogs.save_path(window, fmt)
    if not target:
        return None
    path = Path(target)
    try:
        if fmt == "json":

            text = export_json(path).summary()
        elif fmt == "csv":

            text = f"{export_applications_csv(path)} applications written to {path}."
        else:

            text = f"{export_file(window.paths, path)} upcoming dates written to {path}."
    except OSError as exc:
        text = f"Nothing was exported: {explain_write_error(exc)}"
    FileDialogs.tell(window, "Export", text)
    return text
