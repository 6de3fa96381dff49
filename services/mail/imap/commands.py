"""The ``mail`` commands of the command line: one pass over the mailbox, and the account.

``mail check`` prints one line per new message kept for an application (with
``--json``, one JSON object per line) and a closing summary on standard error;
exit 0, or 1 with a sentence when the account is not set up, the keyring cannot
give the password, or the server cannot be reached or refuses the login.
The window's watcher runs ``mail check --json`` for each pass and reads it this way
(:mod:`services.mail.imap.pass_process`): the JSON lines on standard output, and on
standard error a sentence per Sent copy not added, then the summary; or, with exit 1, the
sentence why the pass could not run.
``mail account`` saves the IMAP account; the password comes from standard input
only (never from the arguments, which other users can read in the process list).
"""

from __future__ import annotations

import getpass
import json
from typing import TextIO

import peewee

from services.core.paths import DataPaths
from services.core.store import open_for_command
from services.mail.account import AccountProblem, KeyringProblem
from services.mail.imap.connection import ImapProblem, close_imap, open_imap
from services.mail.imap.imap_account import (
    ImapAccount,
    imap_password,
    load_imap_account,
    save_imap_account,
)
from services.mail.imap.mail_pass import run_pass
from services.mail.imap.sent_copy import append_pending
from services.mail.imap.watcher import CONNECTION_ERRORS, problem_sentence

__all__ = ["FAILED", "OK", "read_password", "run_mail_account", "run_mail_check"]

OK, FAILED = 0, 1

_NO_ACCOUNT = ("No mailbox is set up, so there is nothing to check. Set it in Settings → "
               "Email account, or run: main.py mail account --host H --port P "
               "--security tls --user U (the password is read from standard input).")


def _check(account: ImapAccount, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Connect, run one pass, print what it kept; the number of new matches."""
    client = open_imap(account, imap_password(account))
    try:
        result = run_pass(client, ("INBOX", *account.folders))
        copies = append_pending(client, account)
    finally:
        close_imap(client)
    for taken in result.new_matches:
        print(json.dumps(taken.as_json(), ensure_ascii=False) if as_json else taken.line(),
              file=out)
    if copies.problem:
        print(copies.problem, file=err)
    return len(result.new_matches)


def run_mail_check(paths: DataPaths, as_json: bool, out: TextIO, err: TextIO) -> int:
    """``mail check [--json]``: one pass; the exit code."""
    store = open_for_command(paths, err)
    if store is None:
        return FAILED
    try:
        account = load_imap_account()
        if account is None:
            print(_NO_ACCOUNT, file=err)
            return FAILED
        try:
            count = _check(account, as_json, out, err)
        except (ImapProblem, KeyringProblem) as problem:
            print(problem.message, file=err)
            return FAILED
        except (*CONNECTION_ERRORS, peewee.OperationalError) as exc:
            print(problem_sentence(exc, account.host), file=err)
            return FAILED
        noun = "message" if count == 1 else "messages"
        print(f"{count} new {noun} about your applications.", file=err)
        return OK
    finally:
        store.close()


def read_password(stdin: TextIO) -> str:
    """The password from standard input: asked without echo on a terminal, else its
    first line (so ``printf '%s' "$PW" | main.py mail account ...`` works)."""
    if stdin.isatty():
        return getpass.getpass("Password (not shown): ", stream=None)
    return stdin.readline().rstrip("\r\n")


def run_mail_account(paths: DataPaths, values: dict, stdin: TextIO, out: TextIO,
                     err: TextIO) -> int:
    """``mail account``: save the IMAP account from ``values`` (host, port, security,
    user, sent_folder, same_password) and, unless it shares the SMTP password, the
    password from ``stdin``; the exit code."""
    store = open_for_command(paths, err)
    if store is None:
        return FAILED
    try:
        account = ImapAccount(
            host=values["host"], port=values["port"], security=values["security"],
            username=values["user"], same_password=bool(values.get("same_password")),
            sent_folder=values.get("sent_folder") or "", folders=(),
        )
        password = None if account.same_password else read_password(stdin)
        try:
            saved = save_imap_account(account, password or None)
        except (AccountProblem, KeyringProblem) as problem:
            print(problem.message, file=err)
            return FAILED
        where = "the SMTP account's password" if saved.same_password else "the keyring"
        print(f"Saved the mailbox {saved.username} on {saved.host}:{saved.port} "
              f"({saved.security}); the password is in {where}.", file=out)
        return OK
    finally:
        store.close()
