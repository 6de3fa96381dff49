"""The command line's file tasks: ``import FILE...`` and ``export --format F -o FILE``.

Used by ``main.py``; no Qt is imported. Each file is imported in its own
transaction and gets one line, ``ok`` or ``FAIL``, followed by what happened
to each of its entries (a spreadsheet's rows, an invitation's events, a mail
file's messages). Mail files (``.eml``, one message; ``.mbox``, many) are read
by :mod:`services.mail.inbox.mail_files` in batches of messages, one
transaction each, matched and classified as mail read from the mailbox is.

The rule: a file that cannot be read, or that holds a row or an event that
cannot be imported, changes nothing (each such entry is listed with its
reason). With ``--valid-only`` (``--valid-rows-only`` is the same option) the
valid entries of such a file are imported and the others listed; the file
then counts as imported.

Exit codes of :func:`run_import`: 0 when every file was imported, 1 when any
file was not (nothing from that file was saved; the other files were
imported) or the data could not be opened. :func:`run_export` also returns 2
when neither ``--format`` nor the file's name says which format to write.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from services.calendar.ics_export import export_file
from services.calendar.ics_import import import_files
from services.core.paths import DataPaths
from services.core.store import lost_data_problem, open_for_command
from services.core.write_problems import write_problem
from services.data.csv_export import export_applications_csv
from services.data.csv_import import import_applications_csv
from services.data.csv_report import REJECTED, SKIPPED
from services.data.json_export import export_json
from services.data.json_import import (
    MERGE,
    REPLACE,
    ImportProblem,
    apply_backup,
    has_user_data,
    read_backup,
)
from services.mail.inbox.mail_files import MailFileProblem, import_mail_file

OK, FAILED, UNAVAILABLE = 0, 1, 2

_KINDS = {".json": "json", ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".ics": "ics",
          ".eml": "mail", ".mbox": "mail"}


def file_kind(path: Path) -> str | None:
    """``json``, ``csv``, ``ics`` or ``mail`` from a file's extension; None for anything
    else."""
    return _KINDS.get(Path(path).suffix.lower())


def _describe(result, default: str, done: str = "imported", noun: str = "item") -> str:
    """A line for what another module's importer or exporter returned."""
    if result is None:
        return default
    for attribute in ("summary", "sentence", "message"):
        value = getattr(result, attribute, None)
        if callable(value):
            value = value()
        if isinstance(value, str) and value:
            return value
    if isinstance(result, str) and result:
        return result
    if isinstance(result, int | list | tuple) and not isinstance(result, bool):
        count = result if isinstance(result, int) else len(result)
        return f"{done} {count} {noun}{'s' if count != 1 else ''}"
    return default


def _with_name(name: str, path: Path, message: str) -> str:
    """``message`` led by the file's name unless it already names it."""
    return message if path.name in message else f"{name}: {message}"


def _import_json(path: Path, mode: str | None, paths: DataPaths) -> str:
    backup = read_backup(path)
    if mode is None:
        if has_user_data():
            raise ImportProblem(
                f"{path.name} was not imported: your data folder already holds applications. "
                "Run the command again with --merge to add the backup's entries and update "
                "those with the same identifiers, or with --replace to replace everything "
                "(a backup of your current data is made first). Nothing was changed."
            )
        mode = REPLACE
    result = apply_backup(backup, MERGE if mode == MERGE else REPLACE, paths=paths)
    text = result.summary()
    if result.backup:
        text += f"; your previous data was backed up to {result.backup}"
    return "; ".join([text, *result.notes])


_VALID_ONLY_HINT = ("To import the valid {entries} alone and leave out the others, run the "
                    "command again with --valid-only.")


def _more(count: int, what: str, stream: TextIO) -> None:
    """A line counting the entries a report does not list."""
    if count:
        print(f"     … and {count:,} more {what}.", file=stream)


def _import_csv(path: Path, name: str, paths: DataPaths, valid_only: bool,
                out: TextIO) -> None:
    """A spreadsheet: its summary, notes and the rows worth a line (ImportProblem raised)."""
    result = import_applications_csv(path, valid_rows_only=valid_only, paths=paths)
    print(f"ok   {name}: {result.summary()}", file=out)
    for note in result.notes:
        print(f"     {note}", file=out)
    for report in result.rows:
        if report.status == REJECTED or report.message:
            print(f"     {report.line()}", file=out)
    _more(result.unlisted(REJECTED), "rejected rows", out)


def _import_ics(path: Path, name: str, paths: DataPaths, valid_only: bool, out: TextIO,
                err: TextIO) -> int:
    """An invitation file: its summary and a line per event; 1 when it was not imported."""
    result = import_files(paths, [path], valid_only=valid_only)
    ok = getattr(result, "ok", True)
    stream = out if ok else err
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {_describe(result, 'imported')}", file=stream)
    for line in getattr(result, "lines", None) or []:
        print(f"     {line}", file=stream)
    if not ok and getattr(result, "rejected", 0) and not valid_only:
        print(f"     {_VALID_ONLY_HINT.format(entries='events')}", file=err)
    return 0 if ok else 1


def _import_mail(path: Path, name: str, out: TextIO, err: TextIO) -> int:
    """A .eml or .mbox file: its summary and a line per message; 1 when it could not be read."""
    try:
        result = import_mail_file(path)
    except MailFileProblem as problem:
        print(f"FAIL {_with_name(name, path, problem.message)}", file=err)
        for line in problem.result.lines() if problem.result else ():
            print(f"     {line}", file=err)
        return 1
    print(f"ok   {name}: {result.summary()}", file=out)
    for line in result.lines():
        print(f"     {line}", file=out)
    return 0


def _say_problem(problem, name: str, path: Path, valid_only: bool, err: TextIO) -> None:
    """A file not imported: the sentence, its rejected rows, and how to import the others."""
    print(f"FAIL {_with_name(name, path, problem.message)}", file=err)
    rejected = [report for report in problem.rows if report.status == REJECTED]
    for report in rejected:
        print(f"     {report.line()}", file=err)
    _more(getattr(problem, "unlisted", 0), "rejected rows", err)
    valid = [report for report in problem.rows if report.status not in (REJECTED, SKIPPED)]
    if rejected and valid and not valid_only:
        print(f"     {_VALID_ONLY_HINT.format(entries='rows')}", file=err)


def run_import(
    paths: DataPaths,
    files: list[str],
    *,
    mode: str | None = None,
    valid_rows_only: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import each file (JSON backup, CSV of applications, .ics invitation, .eml or .mbox
    mail); return the exit code.

    ``mode`` is ``"replace"``, ``"merge"`` or None; a JSON backup into data
    that already holds applications needs one of the first two.
    ``valid_rows_only`` (``--valid-only``) imports the valid rows of a
    spreadsheet and the valid events of an invitation file when others are
    rejected. The exit code follows the rule in this module's description.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    failures = 0
    store = None
    try:
        for name in files:
            path = Path(name)
            refusal = _refusal(path)
            if refusal:
                print(f"FAIL {name}: {refusal}", file=err)
                failures += 1
                continue
            if store is None:
                store = _open_for_import(paths, err)
                if store is None:
                    return FAILED
            failures += _import_file(path, name, paths, mode, valid_rows_only, out, err)
    finally:
        if store is not None:
            store.close()
    return FAILED if failures else OK


def _refusal(path: Path) -> str | None:
    """Why ``path`` is not even tried (not a kind of file the app reads, or missing)."""
    if file_kind(path) is None:
        return ("Next Steps imports .json backups, .csv lists of applications, .ics "
                "invitations and mail saved as .eml or .mbox; this file is none of them.")
    if not path.is_file():
        return "there is no such file."
    return None


def _open_for_import(paths: DataPaths, err: TextIO):
    """The opened data, or None after saying why nothing can be imported into it."""
    store = open_for_command(paths, err)
    if store is not None and store.read_only:
        print(f"FAIL {store.read_only_message}", file=err)
        store.close()
        return None
    return store


def _import_file(path: Path, name: str, paths: DataPaths, mode: str | None, valid_only: bool,
                 out: TextIO, err: TextIO) -> int:
    """Import one file in its own transaction and report it; 1 when it was not imported."""
    kind = file_kind(path)
    try:
        if kind == "json":
            print(f"ok   {name}: {_import_json(path, mode, paths)}", file=out)
        elif kind == "csv":
            _import_csv(path, name, paths, valid_only, out)
        elif kind == "mail":
            return _import_mail(path, name, out, err)
        else:
            return _import_ics(path, name, paths, valid_only, out, err)
    except ImportProblem as problem:
        _say_problem(problem, name, path, valid_only, err)
        return 1
    except Exception as exc:  # an importer from another module: report, go on
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        print(f"FAIL {name}: {message}", file=err)
        return 1
    return 0


def run_export(
    paths: DataPaths,
    output: str,
    fmt: str | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Export the data to ``output`` as ``fmt``: json, csv or ics (default: from the extension)."""
    out = out or sys.stdout
    err = err or sys.stderr
    target = Path(output)
    fmt = fmt or file_kind(target)
    if fmt not in ("json", "csv", "ics"):
        print(f"FAIL say which format to write with --format json, csv or ics "
              f"(the name {target.name} does not tell).", file=err)
        return UNAVAILABLE
    if not paths.database.is_file() or paths.database.stat().st_size == 0:
        lost = lost_data_problem(paths)
        print(f"FAIL {lost.message}" if lost else
              f"FAIL there is no Next Steps data in {paths.root} to export.", file=err)
        return FAILED
    store = open_for_command(paths, err)
    if store is None:
        return FAILED
    try:
        if fmt == "json":
            summary = export_json(target).summary()
        elif fmt == "csv":
            count = export_applications_csv(target)
            summary = f"exported {count} application{'s' if count != 1 else ''} to {target}"
        else:
            result = export_file(paths, target)
            summary = f"{_describe(result, 'exported', 'exported', 'calendar event')} to {target}"
    except OSError as exc:
        reason = write_problem(exc)
        detail = {"full": "the disk is full", "read-only": "the folder is read-only"}.get(
            reason.kind, exc.strerror or str(exc))
        print(f"FAIL {target} could not be written ({detail}); nothing was written.", file=err)
        return FAILED
    finally:
        store.close()
    print(f"ok   {summary}", file=out)
    return OK
