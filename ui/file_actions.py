"""File → Import and Export: backups (.json), applications (.csv), calendars (.ics)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

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


def _rows_text(rows, limit: int = 12) -> str:
    lines = [f"Row {r.row}: {r.reason}" for r in rows if getattr(r, "status", "") == "rejected"]
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + (f"\n… and {more} more." if more > 0 else "")


def import_files(window, files: list[str] | None = None) -> list[str]:
    """Import each file in its own transaction; return one line per file for the user."""
    from services.data_import import ImportProblem, has_user_data, import_backup

    window.ensure_store()
    files = files if files is not None else FileDialogs.open_files(window)
    outcomes: list[str] = []
    calendar_files = [f for f in files if Path(f).suffix.lower() == ".ics"]
    for name in files:
        path = Path(name)
        suffix = path.suffix.lower()
        try:
            if suffix == ".json":
                mode = "replace"
                if has_user_data():
                    mode = FileDialogs.replace_or_merge(window, path.name)
                    if mode is None:
                        outcomes.append(f"{path.name}: not imported (cancelled).")
                        continue
                result = import_backup(path, mode, paths=window.paths)
                outcomes.append(f"{path.name}: {result.summary()}")
            elif suffix in (".csv", ".tsv", ".txt"):
                outcomes.append(f"{path.name}: {_import_csv(window, path)}")
            elif suffix == ".ics":
                continue
            else:
                outcomes.append(f"{path.name}: not imported; Next Steps reads .json backups, "
                                ".csv spreadsheets and .ics invitations.")
        except ImportProblem as problem:
            outcomes.append(f"{path.name}: nothing imported. {problem.message}")
        except OSError as exc:
            outcomes.append(f"{path.name}: cannot be read ({exc.strerror or exc}).")
    if calendar_files:
        report = window.view("calendar").import_files(calendar_files)
        if report is not None:
            outcomes.append(getattr(report, "text", None) or str(report))
    window.after_data_changed()
    if outcomes:
        FileDialogs.tell(window, "Import", "\n\n".join(outcomes))
    return outcomes


def _import_csv(window, path: Path) -> str:
    from services.csv_import import import_applications_csv
    from services.data_import import ImportProblem

    try:
        return import_applications_csv(path, paths=window.paths).summary()
    except ImportProblem as problem:
        rejected = [r for r in (problem.rows or []) if getattr(r, "status", "") == "rejected"]
        if not rejected or not FileDialogs.import_valid_rows(window, path.name,
                                                             _rows_text(problem.rows)):
            raise
        return import_applications_csv(path, valid_rows_only=True,
                                       paths=window.paths).summary()


def export(window, fmt: str) -> str | None:
    """Export in ``fmt`` ("json", "csv" or "ics") to a file the user picks."""
    from services.store import explain_write_error

    window.ensure_store()
    target = FileDialogs.save_path(window, fmt)
    if not target:
        return None
    path = Path(target)
    try:
        if fmt == "json":
            from services.data_export import export_json

            text = export_json(path).summary()
        elif fmt == "csv":
            from services.csv_import import export_applications_csv

            text = f"{export_applications_csv(path)} applications written to {path}."
        else:
            from services.ics_export import export_file

            text = f"{export_file(window.paths, path)} upcoming dates written to {path}."
    except OSError as exc:
        text = f"Nothing was exported: {explain_write_error(exc)}"
    FileDialogs.tell(window, "Export", text)
    return text
