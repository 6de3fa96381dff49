"""What became of one message read from the mailbox or a mail file: :class:`Taken`.

:func:`services.mail.inbox.keeping.take_messages` returns one per message; the
watcher prints :meth:`Taken.as_json` for ``mail check --json`` and the
command line :meth:`Taken.line` for ``mail check`` and ``import``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import clock
from models.values import STAGE_LABELS, Stage

#: What each kind of kept reply is called (auto replies and mail to many are never kept).
KIND_LABELS = {
    "rejection": "Rejection",
    "invitation": "Interview invitation",
    "offer": "Offer",
    "asks": "Asks for something",
    "received": "Application received",
    "other": "Other reply",
}
#: Why a matched message is not kept, by kind.
NOT_KEPT = {
    "auto_reply": "an automatic reply, not kept",
    "bulk": "mail to many (a newsletter, a job alert or a cold message), not kept",
    "unreadable": "could not be read this time; it will be read again",
}
NOT_ABOUT_YOURS = "not about any of your applications"
ALREADY_READ = "already read"


def kind_label(kind: str) -> str:
    """The kind as the user reads it ("Interview invitation"); "Other reply" when unknown."""
    return KIND_LABELS.get(kind, KIND_LABELS["other"])


def stage_label(stage: str | None) -> str:
    """A stored stage value as the user reads it ("Interviewing")."""
    try:
        return STAGE_LABELS[Stage(stage)]
    except ValueError:
        return str(stage or "")


def join_names(names) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def sender_text(name: str, address: str) -> str:
    """``Name <address>``, or whichever of the two there is."""
    if name and address:
        return f"{name} <{address}>"
    return name or address or "an unknown sender"


def local_day_text(when: datetime) -> str:
    """The day of ``when`` in the user's zone as ``2026-11-20`` (UTC's day at the ends of time)."""
    try:
        return when.astimezone(clock.user_zone()).date().isoformat()
    except (OverflowError, ValueError):
        return when.date().isoformat()


@dataclass(frozen=True)
class Taken:
    """One message read: whether it was kept, what it is about and what it means.

    ``kept``: stored as an ``InboxMessage`` (``inbox_uid``). ``duplicate``: its
    Message-ID was already known, nothing was written. ``application_uid`` is
    None when the message is not kept or when two or more applications fit
    (``candidates`` then holds their uids). ``kind`` is "" for a message that
    matched no application (it is not classified).
    """

    message_id: str
    kept: bool
    duplicate: bool
    inbox_uid: str | None
    application_uid: str | None
    candidates: tuple[str, ...]
    company: str
    from_text: str
    subject: str
    date: datetime
    kind: str
    suggested_stage: str | None
    reasons: tuple[str, ...]
    match_reason: str

    def as_json(self) -> dict:
        """The object ``mail check --json`` prints for this message."""
        return {
            "message_id": self.message_id,
            "from": self.from_text,
            "subject": self.subject,
            "date": self.date.isoformat(),
            "application_uid": self.application_uid,
            "company": self.company,
            "kind": self.kind,
            "suggested_stage": self.suggested_stage,
            "reasons": list(self.reasons),
        }

    def line(self) -> str:
        """One line for a person: day, company, sender, subject and what it means (or why it
        was not kept)."""
        about = f"{self.company} — " if self.company and self.kept else ""
        head = f"{local_day_text(self.date)} {about}{self.from_text}: “{self.subject}”"
        return f"{head} — {self.outcome()}"

    def outcome(self) -> str:
        """What the message means ("interview invitation (suggests Interviewing)"), or why it
        was not kept ("already read", "not about any of your applications", …)."""
        if self.duplicate:
            return ALREADY_READ
        if not self.kept:
            return NOT_KEPT.get(self.kind, NOT_ABOUT_YOURS)
        meaning = kind_label(self.kind).lower()
        if self.candidates:
            return f"{meaning} (say which application it is about)"
        if self.suggested_stage:
            return f"{meaning} (suggests {stage_label(self.suggested_stage)})"
        return meaning
