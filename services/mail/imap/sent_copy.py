"""Copies of sent notes in the account's Sent folder, so the user's mail program shows them.

When a note is sent, :func:`remember_copy` keeps the exact bytes that went out
(in the same transaction that marks the note sent). The watcher and
``mail check`` then call :func:`append_pending`, which appends each copy to
the Sent folder with ``APPEND`` and the ``\\Seen`` flag, exactly once: the row
is marked done as soon as the server confirms, and its bytes are dropped; a
copy whose Message-ID the folder already holds (an append confirmed too late
to be recorded) is not appended again.
Providers that keep a copy of every SMTP submission themselves (Gmail) are
skipped, or the user would see each note twice. A failed append never sends
the note again; it is retried on the next pass and said once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from models import clock
from models.inbox import SentCopy
from models.values import SentCopyState
from services.core.connection import database
from services.mail.imap.connection import find_sent_folder
from services.mail.imap.imap_account import ImapAccount, load_imap_account
from services.mail.imap.providers import provider_for

__all__ = ["CopyReport", "append_pending", "keeps_own_copy", "remember_copy"]

log = logging.getLogger(__name__)

#: Copies appended per pass at most (the rest wait for the next one).
PER_PASS = 50


def keeps_own_copy(account: ImapAccount) -> bool:
    """True when the provider stores SMTP submissions in Sent itself (Gmail)."""
    provider = provider_for(account.username)
    return bool(provider and provider.keeps_sent_copy
                and provider.imap_host.lower() == account.host.strip().lower())


def remember_copy(email_id: int, data: bytes) -> None:
    """Keep the bytes of a sent note for its Sent copy, when a mailbox is set up.
    Call inside the transaction that marks the note sent."""
    account = load_imap_account()
    if account is None:
        return
    state = SentCopyState.SKIPPED if keeps_own_copy(account) else SentCopyState.PENDING
    raw = "" if state is SentCopyState.SKIPPED else data.decode("latin-1")
    (SentCopy.insert(email=email_id, raw=raw, state=state.value, updated_at=clock.now())
     .on_conflict_ignore().execute())


@dataclass
class CopyReport:
    """What :func:`append_pending` did: copies appended, and a sentence to say (once)."""

    appended: int = 0
    problem: str = ""


def _fail(rows: list[SentCopy], sentence: str) -> str:
    """Count a failed attempt on ``rows``; the sentence when it was not said before."""
    untold = [row.id for row in rows if not row.told]
    with database().atomic():
        (SentCopy.update(attempts=SentCopy.attempts + 1, error=sentence, told=True,
                         updated_at=clock.now())
         .where(SentCopy.id.in_([row.id for row in rows])).execute())
    return sentence if untold else ""


def _already_there(client, row: SentCopy) -> bool:
    message_id = row.email.message_id or ""
    return bool(message_id) and bool(client.search(["HEADER", "Message-ID", message_id]))


def append_pending(client, account: ImapAccount) -> CopyReport:
    """Append the pending copies with the logged-in ``client``; never raises for a copy
    the server refuses (the connection's own errors are raised)."""
    rows = list(SentCopy.select().where(SentCopy.state == SentCopyState.PENDING.value)
                .order_by(SentCopy.id).limit(PER_PASS))
    if not rows:
        return CopyReport()
    folder = find_sent_folder(client, account.sent_folder)
    if folder is None:
        return CopyReport(problem=_fail(rows, (
            "Next Steps could not find your Sent folder, so copies of the notes it sent are "
            "not there yet. Name the folder in Settings → Email account.")))
    report = CopyReport()
    client.select_folder(folder, readonly=True)
    for row in rows:
        try:
            if not _already_there(client, row):
                client.append(folder, row.raw.encode("latin-1"), flags=[b"\\Seen"])
        except client.Error as exc:  # the server refused this message; the next pass retries
            log.warning("sent copy %s refused: %s", row.id, type(exc).__name__)
            report.problem = report.problem or _fail([row], (
                f"The server did not accept a copy of a sent note in {folder}. Your note was "
                "sent; Next Steps tries to add the copy again later."))
            continue
        with database().atomic():
            SentCopy.update(state=SentCopyState.DONE.value, raw="", error="",
                            updated_at=clock.now()).where(SentCopy.id == row.id).execute()
        report.appended += 1
    return report
