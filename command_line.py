"""The command line of Next Steps: its options and commands, and starting the app.

``main.py`` only calls :func:`main`: a script is compiled on every start,
and this module's bytecode is cached (about 2 ms of start-up).

    python main.py [--data-dir DIR] [--demo] [--self-test] [--version]
    python main.py [--data-dir DIR] import [--merge | --replace] [--valid-only] FILE...
    python main.py [--data-dir DIR] export [--format {json,csv,ics}] -o FILE
    python main.py [--data-dir DIR] mail check [--json]
    python main.py [--data-dir DIR] mail account --host H --port P --security S --user U
    python main.py [--data-dir DIR] reminders check [--json]

``import``, ``export``, ``mail`` and ``reminders`` never start the window nor load Qt.
"""

from __future__ import annotations

import os
import sys
from functools import cmp_to_key
from types import SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # argparse itself: only for what is not a plain start
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """The command line described in the README."""
    # Each command imports only what it runs, so a plain start stays quick.
    import argparse

    from services.core.version import __version__

    parser = argparse.ArgumentParser(
        prog="nextsteps",
        description="Next Steps: applications, interviews, thank-you notes and reminders "
        "for the days after an interview.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the database, backups and logs in DIR "
        "(default: $NEXTSTEPS_DATA_DIR or the platform's data folder)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="fill an empty data folder with a sample job search"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the data, the views and the keyring, print one line per check, and exit",
    )
    parser.add_argument("--version", action="version", version=f"Next Steps {__version__}")
    parser.add_argument(
        "--minimized", action="store_true",
        help="start in the system tray without showing the window (used by start at login; "
        "the window is shown anyway where there is no tray)",
    )
    # make bench's probes (ui/shell/bench_probe.py): "paint" when given without a value.
    parser.add_argument("--benchmark-startup", nargs="?", const="paint", default=False,
                        choices=_BENCH_PROBES, help=argparse.SUPPRESS)
    _add_file_commands(parser)
    return parser


def _add_file_commands(parser: argparse.ArgumentParser) -> None:
    """The ``import`` and ``export`` subcommands (``--data-dir`` works before or after them)."""
    # Each command imports only what it runs, so a plain start stays quick.
    import argparse

    commands = parser.add_subparsers(dest="command", metavar="{import,export,mail,reminders}")
    data_dir = {"metavar": "DIR", "default": argparse.SUPPRESS,
                "help": "the data folder (as for the app itself)"}
    importer = commands.add_parser(
        "import", help="import .json backups, .csv applications, .ics invitations or mail "
        "(.eml, .mbox)",
        description="Import each FILE in one transaction: a .json backup, a .csv list of "
        "applications or an .ics interview invitation; or mail saved as .eml (one message) or "
        ".mbox (many, taken in batches): each message is matched to your applications and "
        "reported on a line, and one already read is not taken twice. A file that cannot be "
        "read, or that "
        "holds a row or an event that cannot be imported, changes nothing; each such entry is "
        "listed with its reason (with --valid-only, the valid entries are imported and the "
        "others listed). Exit code: 0 when every file was imported, 1 when any file was not "
        "(nothing from that file was saved; the other files were imported).",
    )
    importer.add_argument("files", nargs="+", metavar="FILE")
    how = importer.add_mutually_exclusive_group()
    how.add_argument("--merge", dest="mode", action="store_const", const="merge",
                     help="a JSON backup into existing data: add new entries, update those "
                     "with the same identifiers")
    how.add_argument("--replace", dest="mode", action="store_const", const="replace",
                     help="a JSON backup into existing data: replace everything (the current "
                     "data is backed up first)")
    importer.add_argument("--valid-only", "--valid-rows-only", dest="valid_rows_only",
                          action="store_true",
                          help="import the valid rows of a .csv file and the valid events of "
                          "an .ics file even when others are rejected (they are listed)")
    importer.add_argument("--data-dir", **data_dir)
    exporter = commands.add_parser(
        "export", help="export everything as JSON, the applications as CSV, or the calendar",
        description="Write the full backup (json), the applications (csv) or the calendar "
        "(ics) to FILE, atomically.",
    )
    exporter.add_argument("--format", choices=("json", "csv", "ics"),
                          help="what to write (default: from the file name's extension)")
    exporter.add_argument("-o", "--output", required=True, metavar="FILE")
    exporter.add_argument("--data-dir", **data_dir)
    _add_mail_commands(commands, data_dir)
    _add_reminder_commands(commands, data_dir)


def _add_reminder_commands(commands, data_dir: dict) -> None:
    """``reminders check`` (its ``--now``, ``--zone``, ``--no-sync`` and ``--ids`` are the
    window's)."""
    # Each command imports only what it runs, so a plain start stays quick.
    import argparse

    reminders = commands.add_parser("reminders", help="bring the reminders up to date")
    actions = reminders.add_subparsers(dest="reminders_command", metavar="{check}",
                                       required=True)
    check = actions.add_parser(
        "check", help="bring the reminders up to date and print those that came due",
        description="Recompute the reminders from your applications, print the ones that "
        "came due (they are then marked shown, as a notification would) and, on standard "
        "error, how many are waiting and when the next comes due. Exit code 0, or 1 with a "
        "sentence when the data cannot be opened or written.")
    check.add_argument("--json", action="store_true",
                       help="one JSON object: summary, changed, taken, outstanding, next_due")
    check.add_argument("--now", type=_aware_instant, help=argparse.SUPPRESS)
    check.add_argument("--zone", type=_zone, help=argparse.SUPPRESS)
    check.add_argument("--no-sync", action="store_true", help=argparse.SUPPRESS)
    check.add_argument("--ids", action="store_true", help=argparse.SUPPRESS)
    check.add_argument("--data-dir", **data_dir)


def _aware_instant(text: str):
    """``--now``: an ISO 8601 instant with its offset."""
    # Each command imports only what it runs, so a plain start stays quick.
    import argparse
    from datetime import datetime

    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 instant with an offset")
    return when


def _zone(text: str):
    """``--zone``: an IANA time-zone name."""
    # Each command imports only what it runs, so a plain start stays quick.
    import argparse
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time-zone name") from exc


def _add_mail_commands(commands, data_dir: dict) -> None:
    """``mail check`` and ``mail account``."""
    mail = commands.add_parser("mail", help="read new replies from your mailbox, or set it up")
    actions = mail.add_subparsers(dest="mail_command", metavar="{check,account}", required=True)
    check = actions.add_parser(
        "check", help="read new mail once and print the replies about your applications",
        description="Connect to the mailbox, read the mail that arrived since the last check "
        "(read-only: nothing is marked read, moved or deleted), keep the replies about your "
        "applications and print one line per new one. Exit code 0, or 1 with a sentence "
        "when the server cannot be reached or refuses the login.")
    check.add_argument("--json", action="store_true",
                       help="one JSON object per line: message_id, from, subject, date, "
                       "application_uid, company, kind, suggested_stage, reasons")
    check.add_argument("--data-dir", **data_dir)
    account = actions.add_parser(
        "account", help="set the IMAP account (the password is read from standard input)",
        description="Save the IMAP account. The password is read from standard input, never "
        "from the arguments; it is kept in the system keyring only.")
    account.add_argument("--host", required=True)
    account.add_argument("--port", required=True, type=int)
    account.add_argument("--security", required=True, choices=("starttls", "tls", "plain"),
                         help="plain only to this computer (a bridge such as Proton Mail Bridge)")
    account.add_argument("--user", required=True)
    account.add_argument("--sent-folder", metavar="NAME", default="",
                         help="where copies of sent notes go (default: found on the server)")
    account.add_argument("--same-password", action="store_true",
                         help="use the SMTP account's password; nothing is read from stdin")
    account.add_argument("--data-dir", **data_dir)


def check_text_support() -> str:
    """Qt's locale-aware text services, which read ICU's data (the package trims it):
    collation, case mapping by language and time-zone names."""
    # Each command imports only what it runs, so a plain start stays quick.
    from PySide6.QtCore import QCollator, QLocale, QTimeZone

    words = ["zèbre", "Eve", "école", "abc", "être"]
    collator = QCollator(QLocale("fr_FR"))
    ordered = sorted(words, key=cmp_to_key(collator.compare))
    if ordered != ["abc", "école", "être", "Eve", "zèbre"]:
        raise RuntimeError(f"collation is not language-aware: {ordered}")
    upper = QLocale("tr_TR").toUpper("istanbul")
    if upper != "İSTANBUL":
        raise RuntimeError(f"Turkish upper case gave {upper!r}")
    name = QTimeZone(b"Europe/Paris").displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("en_US"))
    if not name:
        raise RuntimeError("time-zone names are missing")
    return f"collation, case mapping and zone names ({name})"


def run_self_test(paths, demo: bool) -> int:
    """Open the data, check it, build every view offscreen; 0 only if every check passes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Each command imports only what it runs, so a plain start stays quick.
    from services.core.selftest import CheckResult, data_checks, run_check
    from services.core.store import StoreProblem, open_store
    from services.data import demo as demo_data

    results: list[CheckResult] = []
    try:
        store = open_store(paths)
    except StoreProblem as problem:
        print(CheckResult("database", False, problem.message + (
            f" ({problem.detail})" if problem.detail else "")).line())
        return 1
    try:
        if demo and demo_data.is_empty():
            result = run_check("demo data", lambda: f"added {demo_data.fill_demo()} applications")
            print(result.line(), flush=True)
            results.append(result)
        for result in data_checks(paths, store):
            print(result.line(), flush=True)
            results.append(result)

        def views() -> str:
            # Each command imports only what it runs, so a plain start stays quick.
            from PySide6.QtWidgets import QApplication

            # Each command imports only what it runs, so a plain start stays quick.
            from services.core.snapshot import read_snapshot
            from services.core.version import __version__
            from ui.shell.main_window import MainWindow

            app = QApplication.instance() or QApplication([sys.argv[0]])
            snapshot = read_snapshot(paths)
            if snapshot is None:
                raise RuntimeError("the database cannot be read back for the first paint")
            window = MainWindow(paths, snapshot, __version__, store)
            built = window.build_all_views()
            window.deleteLater()
            app.processEvents()
            return f"built {len(built)} views: {', '.join(built)}"

        result = run_check("views", views)
        print(result.line(), flush=True)
        results.append(result)
        result = run_check("text", check_text_support)
        print(result.line(), flush=True)
        results.append(result)
    finally:
        store.close()
    return 0 if all(result.ok for result in results) else 1


#: Flags of a plain start that :func:`parse_plain_start` reads without argparse.
_PLAIN_FLAGS = {"--demo": "demo", "--self-test": "self_test", "--minimized": "minimized",
                "--benchmark-startup": "benchmark_startup"}
#: The probes of ``--benchmark-startup=PROBE`` (ui.shell.bench_probe.PROBES; not imported
#: here, so that a plain start does not load Qt before it needs to).
_BENCH_PROBES = ("paint", "typing", "section", "stalls")


def parse_plain_start(argv: list[str]) -> SimpleNamespace | None:
    """The arguments of a plain start (the window, perhaps with ``--data-dir``, ``--demo``,
    ``--self-test``, ``--minimized``), read without building the parser; None for anything
    else (help, version, commands, mistakes), which :func:`build_parser` then handles.

    Importing argparse and building its parser cost about 5 ms, a tenth of the app's own
    start-up work, and its code stays in memory; tests check that both readings agree.
    """
    values = {"data_dir": None, "command": None, **dict.fromkeys(_PLAIN_FLAGS.values(), False)}
    position = 0
    while position < len(argv):
        argument = argv[position]
        if argument == "--benchmark-startup":
            values["benchmark_startup"] = "paint"
        elif argument in _PLAIN_FLAGS:
            values[_PLAIN_FLAGS[argument]] = True
        elif argument.partition("=")[::2] in {("--benchmark-startup", p) for p in _BENCH_PROBES}:
            values["benchmark_startup"] = argument.partition("=")[2]
        elif argument == "--data-dir" and position + 1 < len(argv) \
                and not argv[position + 1].startswith("-"):
            position += 1
            values["data_dir"] = argv[position]
        elif argument.startswith("--data-dir=") and len(argument) > len("--data-dir="):
            values["data_dir"] = argument.partition("=")[2]
        else:
            return None
        position += 1
    return SimpleNamespace(**values)


def _run_mail(paths, args: argparse.Namespace) -> int:
    """``mail check`` or ``mail account``."""
    # Each command imports only what it runs, so a plain start stays quick.
    from services.mail.imap import commands

    if args.mail_command == "check":
        return commands.run_mail_check(paths, args.json, sys.stdout, sys.stderr)
    return commands.run_mail_account(paths, vars(args), sys.stdin, sys.stdout, sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run what it asks for."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_plain_start(arguments) or build_parser().parse_args(arguments)
    # Each command imports only what it runs, so a plain start stays quick.
    from services.core.paths import resolve_data_paths

    paths = resolve_data_paths(args.data_dir)
    if args.command == "import":
        # Each command imports only what it runs, so a plain start stays quick.
        from services.data.commands import run_import

        return run_import(paths, args.files, mode=args.mode,
                          valid_rows_only=args.valid_rows_only)
    if args.command == "export":
        # Each command imports only what it runs, so a plain start stays quick.
        from services.data.commands import run_export

        return run_export(paths, args.output, args.format)
    if args.command == "mail":
        return _run_mail(paths, args)
    if args.command == "reminders":
        # Each command imports only what it runs, so a plain start stays quick.
        from services.reminders.commands import run_reminders_check

        return run_reminders_check(paths, as_json=args.json, now=args.now, zone=args.zone,
                                   resync=not args.no_sync, ids_only=args.ids,
                                   out=sys.stdout, err=sys.stderr)
    if args.self_test:
        return run_self_test(paths, args.demo)
    # Each command imports only what it runs, so a plain start stays quick.
    import gc

    from ui.shell.memory import use_builtin_hashes

    use_builtin_hashes()  # before the ORM imports hashlib (see ui/shell/memory.py)
    # No cycle collection until the first frame is on screen (ui.shell.app turns it back on):
    # start-up allocates many long-lived objects and nothing worth collecting.
    gc.disable()
    # The pure-Python modules of the first paint are imported before Qt: PySide reads the
    # source of every module imported after it (the import hook of its __feature__
    # switches), about 3 ms here; and then the hook is told not to (ui/shell/pyside_sources.py).
    import services.applications.index
    import services.core.snapshot  # noqa: F401
    from ui.shell.pyside_sources import skip_feature_source_reads

    skip_feature_source_reads()
    # Each command imports only what it runs, so a plain start stays quick.
    from ui.shell.app import run_gui

    return run_gui(paths, demo=args.demo, benchmark_startup=args.benchmark_startup,
                   minimized=args.minimized)
