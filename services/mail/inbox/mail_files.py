"""Mail saved as files: a ``.eml`` file is one message, a ``.mbox`` file many.

``main.py import`` calls :func:`import_mail_file`: every message goes through
:func:`services.mail.inbox.keeping.take_messages` (in batches of
:data:`BATCH`, folder ""), so saved mail is matched, classified and kept exactly
as mail read from the mailbox, and a message already read is not taken twice.
An mbox file is read one message at a time (:mod:`mailbox` keeps only where each
message starts), never whole. The result says, per message, what became of it.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from services.mail.inbox.keeping import known_applications, take_messages
from services.mail.inbox.taken import Taken

#: Messages taken per transaction.
BATCH = 200
MAIL_SUFFIXES = (".eml", ".mbox")


class MailFileProblem(Exception):
    """A mail file could not be read; ``message`` says why in a sentence, and ``result``
    holds what became of the messages read before (None when there were none)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.result: MailFileResult | None = None


@dataclass
class MailFileResult:
    """What became of each message of one file (``taken``, in the file's order)."""

    name: str
    taken: list[Taken] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int]:
        """(kept, not about any application, already read)."""
        kept = sum(t.kept for t in self.taken)
        duplicates = sum(t.duplicate for t in self.taken)
        return kept, len(self.taken) - kept - duplicates, duplicates

    def summary(self) -> str:
        """``read 3 messages: 1 about your applications, 1 not about any of your
        applications, 1 already read``."""
        total = len(self.taken)
        if not total:
            return ("it holds no messages (in an mbox file each message starts with a line "
                    "“From …”); nothing was changed")
        kept, other, duplicates = self.counts()
        parts = []
        if kept:
            parts.append("1 about one of your applications" if kept == 1 else
                         f"{kept} about your applications")
        if other:
            parts.append(f"{other} not about any of your applications")
        if duplicates:
            parts.append(f"{duplicates} already read")
        return f"read {total} message{'s' if total != 1 else ''}: {', '.join(parts)}"

    def lines(self) -> list[str]:
        """One line per message (:meth:`Taken.line`)."""
        return [taken.line() for taken in self.taken]


def is_mail_file(path: Path) -> bool:
    """True for a ``.eml`` or ``.mbox`` file name."""
    return Path(path).suffix.lower() in MAIL_SUFFIXES


def messages_in(path: Path) -> Iterator[bytes]:
    """The raw messages of a ``.eml`` (one) or ``.mbox`` (each in turn) file.

    Raises :class:`MailFileProblem` when the file cannot be read.
    """
    path = Path(path)
    try:
        if path.suffix.lower() != ".mbox":
            yield path.read_bytes()
            return
        box = mailbox.mbox(path, create=False)
        try:
            for key in box.iterkeys():
                yield box.get_bytes(key)
        finally:
            box.close()
    except (OSError, mailbox.Error) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise MailFileProblem(f"{path.name} could not be read ({detail}); nothing from it "
                              "was kept.") from exc


def import_mail_file(path: Path) -> MailFileResult:
    """Take every message of a ``.eml`` or ``.mbox`` file; what became of each.

    Each batch of :data:`BATCH` messages is one transaction: when the file cannot
    be read to its end, or a write fails, the batches before stay taken (a new
    import skips them as already read) and :class:`MailFileProblem` (or the write
    error) is raised.
    """
    result = MailFileResult(Path(path).name)
    known = known_applications()
    messages = messages_in(path)
    try:
        while True:
            batch = list(islice(messages, BATCH))
            if not batch:
                return result
            result.taken.extend(take_messages(((raw, "") for raw in batch), known))
    except MailFileProblem as problem:
        if result.taken:
            problem.result = result
            problem.message = problem.message.replace(
                "nothing from it was kept", "the messages before were read as listed")
        raise
