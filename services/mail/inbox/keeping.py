"""Keeping the replies read from the mailbox: what the watcher and ``import`` call.

- :func:`known_applications`: every application as the facts matching reads
  (:class:`~services.mail.inbox.matching.KnownApplication`), one query per table.
- :func:`known_message_ids`: the Message-IDs already read, kept or ignored, so the
  watcher can skip those messages before fetching their bodies.
- :func:`take_messages`: raw messages → parse, match, classify, store, in one
  transaction per call; one :class:`~services.mail.inbox.taken.Taken` per message.

What is stored: a message about one application or more becomes an
``InboxMessage`` (with two or more, no application but the candidates' uids), unless
it is an automatic reply or mail to many; every other message leaves only its
Message-ID in ``IgnoredMessage``, so it is never read twice and none of its text is
kept. A message without a Message-ID gets a stable one made from its sender, its
Date header, its subject and the first 4 KB of its text. Nothing here changes an
application: the user acts on a message through :mod:`services.mail.inbox.actions`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from email import policy
from email.parser import BytesHeaderParser
from typing import NamedTuple

from models import clock
from models.application import Application
from models.base import database_proxy, new_uid
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage
from models.interview import Interviewer, InterviewRound
from models.values import OPEN_STAGES, Channel, EmailState, InboxState
from services.mail.inbox.classify import AUTO_REPLY, BULK, Meaning, classify
from services.mail.inbox.inbound import MAX_TEXT_BYTES, InboundMessage, cap_text, parse_message
from services.mail.inbox.matching import KnownApplication, MatchResult, match
from services.mail.inbox.sifting import NO_MATCH, Sieve
from services.mail.inbox.tables import is_free_mail
from services.mail.inbox.taken import KIND_LABELS, Taken, join_names, sender_text

__all__ = ["KIND_LABELS", "Taken", "known_applications", "known_message_ids", "take_messages"]

log = logging.getLogger(__name__)

_SENT_STATES = (EmailState.SENT.value, EmailState.MARKED_SENT.value)
_OPEN_VALUES = frozenset(stage.value for stage in OPEN_STAGES)
#: Matched messages of these kinds are no reply about an application and are not kept.
_NOT_KEPT_KINDS = frozenset({AUTO_REPLY, BULK})
#: How much of a message's text goes into a made-up Message-ID.
_SYNTHETIC_TEXT_CHARS = 4096
#: The first bytes of a raw message searched for its Date header (for a made-up Message-ID).
_HEADER_BYTES = 64 * 1024
#: Dates outside these years are unusable (as a missing Date is: the moment it was read).
_FIRST_YEAR, _LAST_YEAR = 1900, 9000
_CHUNK = 500
_INBOX_CHUNK = 100


# --- What matching knows -----------------------------------------------------------------------


def known_applications() -> list[KnownApplication]:
    """Every application as matching reads it: its people (interviewers, contact, recruiter),
    its company's mail domains (from those people's addresses, without free-mail domains nor,
    for an agency application, the recruiter's domain) and the Message-IDs of the notes sent
    for it. One query per table, so a pass over thousands of messages reads it once."""
    people: dict[int, list[tuple[str, str]]] = {}
    for app_id, name, email in (
            Interviewer.select(InterviewRound.application, Interviewer.name, Interviewer.email)
            .join(InterviewRound).where(Interviewer.email != "")
            .order_by(InterviewRound.id, Interviewer.position, Interviewer.id).tuples()
            .iterator()):
        people.setdefault(app_id, []).append((name, email))
    sent: dict[int, list[str]] = {}
    for app_id, message_id in (
            Email.select(Email.application, Email.message_id)
            .where(Email.state.in_(_SENT_STATES) & Email.message_id.is_null(False))
            .order_by(Email.id).tuples().iterator()):
        sent.setdefault(app_id, []).append(message_id)
    rows = (Application.select(
        Application.id, Application.company, Application.stage, Application.channel,
        Application.agency_name, Application.recruiter_name, Application.recruiter_email,
        Application.contact_name, Application.contact_email).order_by(Application.id).tuples()
        .iterator())
    return [_known(row, people.pop(row[0], ()), sent.pop(row[0], ())) for row in rows]


def _known(row: tuple, interviewers, sent_ids) -> KnownApplication:
    (app_id, company, stage, channel, agency_name, recruiter_name, recruiter_email,
     contact_name, contact_email) = row
    agency = channel == Channel.AGENCY.value
    people: dict[str, tuple[str, str]] = {}
    for name, email in (*interviewers, (contact_name, contact_email),
                        (recruiter_name, recruiter_email)):
        address = (email or "").strip()
        if "@" in address:
            people.setdefault(address.lower(), ((name or "").strip(), address))
    recruiter_domain = _domain(recruiter_email) if agency else ""
    domains = {_domain(address) for address in people} - {"", recruiter_domain}
    return KnownApplication(
        application_id=app_id, company=company, agency_name=agency_name if agency else "",
        people=tuple(people.values()),
        domains=tuple(sorted(d for d in domains if not is_free_mail(d))),
        sent_message_ids=tuple(dict.fromkeys(sent_ids)), open=stage in _OPEN_VALUES)


def _domain(address: str | None) -> str:
    return (address or "").strip().rpartition("@")[2].strip().lower()


def known_message_ids() -> set[str]:
    """The Message-IDs already read: those kept and those ignored."""
    kept = {row[0] for row in InboxMessage.select(InboxMessage.message_id).tuples()}
    return kept | {row[0] for row in IgnoredMessage.select(IgnoredMessage.message_id).tuples()}


# --- Taking messages -----------------------------------------------------------------------------


class _App(NamedTuple):
    uid: str
    company: str
    stage: str


@dataclass
class _Read:
    """One message on its way through :func:`take_messages`."""

    message: InboundMessage
    message_id: str
    folder: str
    duplicate: bool = False
    failed: bool = False
    found: MatchResult | None = None
    meaning: Meaning | None = None
    ids: tuple[int, ...] = ()
    inbox_uid: str | None = None

    @property
    def kept(self) -> bool:
        """True when the message is stored as an ``InboxMessage``."""
        return (not self.duplicate and not self.failed and bool(self.ids)
                and self.meaning is not None and self.meaning.kind not in _NOT_KEPT_KINDS)

    @property
    def ignored(self) -> bool:
        """True when only its Message-ID is stored."""
        return not self.duplicate and not self.failed and not self.kept


def take_messages(items: Iterable[tuple[bytes, str]],
                  known: list[KnownApplication] | None = None) -> list[Taken]:
    """Read, match, classify and store each ``(raw RFC 5322 bytes, folder name)``; return what
    became of each, in order.

    ``known`` is :func:`known_applications` (read here when not given). A message
    whose Message-ID was already read (here or earlier in the same call) is
    skipped. Everything is written in one transaction: a failure (a full disk)
    raises and leaves nothing written. Odd mail never raises.
    """
    if known is None:
        known = known_applications()
    reads = _read_all(items)
    _mark_known(reads)
    sieve = Sieve(known)
    for read in reads:
        if not read.duplicate:
            _match(read, known, sieve)
    apps = _applications({i for read in reads for i in read.ids})
    for read in reads:
        if read.ids:
            _classify(read, apps)
    # IMMEDIATE: another reader (the watcher, an import) cannot store the same message between
    # the check below and these writes.
    with database_proxy.atomic("IMMEDIATE"):
        _mark_known(reads)
        _store(reads, apps)
    return [_taken(read, apps) for read in reads]


def _read_all(items: Iterable[tuple[bytes, str]]) -> list[_Read]:
    reads: list[_Read] = []
    seen: set[str] = set()
    for raw, folder in items:
        message = _sane(parse_message(raw))
        message_id = message.message_id or _synthetic_id(raw, message)
        read = _Read(replace(message, message_id=message_id), message_id, _safe(folder or ""))
        read.duplicate = message_id in seen
        seen.add(message_id)
        reads.append(read)
    return reads


def _mark_known(reads: Sequence[_Read]) -> None:
    """Mark the messages whose Message-ID is already stored as duplicates."""
    stored = _stored_among([read.message_id for read in reads if not read.duplicate])
    for read in reads:
        if read.message_id in stored:
            read.duplicate = True


def _stored_among(message_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(message_ids), _CHUNK):
        chunk = message_ids[start:start + _CHUNK]
        found.update(row[0] for row in InboxMessage.select(InboxMessage.message_id)
                     .where(InboxMessage.message_id.in_(chunk)).tuples())
        found.update(row[0] for row in IgnoredMessage.select(IgnoredMessage.message_id)
                     .where(IgnoredMessage.message_id.in_(chunk)).tuples())
    return found


def _match(read: _Read, known: list[KnownApplication], sieve: Sieve) -> None:
    try:
        read.found = match(read.message, known) if sieve.could_match(read.message) else NO_MATCH
    except Exception:  # one odd message must never stop a pass: it is read again next time
        log.exception("A message could not be matched; it will be read again next time.")
        read.failed = True
        return
    read.ids = read.found.application_ids


def _applications(ids: set[int]) -> dict[int, _App]:
    found: dict[int, _App] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        for app_id, uid, company, stage in (
                Application.select(Application.id, Application.uid, Application.company,
                                   Application.stage)
                .where(Application.id.in_(ordered[start:start + _CHUNK])).tuples()):
            found[app_id] = _App(uid, company, stage)
    return found


def _classify(read: _Read, apps: dict[int, _App]) -> None:
    # An application deleted since ``known`` was read no longer counts.
    read.ids = tuple(i for i in read.ids if i in apps)
    if not read.ids:
        return
    stages = {apps[i].stage for i in read.ids}
    try:
        read.meaning = classify(read.message, stages.pop() if len(stages) == 1 else None)
    except Exception:  # one odd message must never stop a pass: it is read again next time
        log.exception("A message could not be classified; it will be read again next time.")
        read.failed = True


def _store(reads: Sequence[_Read], apps: dict[int, _App]) -> None:
    now = clock.now().replace(microsecond=0)
    ignored = [{"message_id": read.message_id, "seen_at": now} for read in reads if read.ignored]
    kept = [_inbox_row(read, apps, now) for read in reads if read.kept]
    for start in range(0, len(ignored), _CHUNK):
        IgnoredMessage.insert_many(ignored[start:start + _CHUNK]).execute()
    for start in range(0, len(kept), _INBOX_CHUNK):
        InboxMessage.insert_many(kept[start:start + _INBOX_CHUNK]).execute()


def _inbox_row(read: _Read, apps: dict[int, _App], now) -> dict:
    message, meaning, found = read.message, read.meaning, read.found
    read.inbox_uid = new_uid()
    many = len(read.ids) > 1
    return {
        "uid": read.inbox_uid,
        "message_id": read.message_id,
        "application": None if many else read.ids[0],
        "candidates": " ".join(apps[i].uid for i in read.ids) if many else "",
        "folder": read.folder,
        "from_name": message.from_name,
        "from_address": message.from_address,
        "subject": message.subject,
        "sent_at": message.date.replace(microsecond=0),
        "in_reply_to": message.in_reply_to,
        "references": " ".join(message.references),
        "kind": meaning.kind,
        "suggested_stage": meaning.suggested_stage,
        "reasons": json.dumps(list(meaning.reasons), ensure_ascii=False),
        "match_reason": found.reason,
        "match_strength": int(found.strength),
        "deadline": meaning.deadline,
        "text": _capped(message.text, MAX_TEXT_BYTES),
        "calendar_text": message.calendar_text,
        "state": InboxState.NEW.value,
        "notified": False,
        "received_at": now,
    }


def _taken(read: _Read, apps: dict[int, _App]) -> Taken:
    message, meaning = read.message, read.meaning
    uids = tuple(apps[i].uid for i in read.ids)
    kind = "unreadable" if read.failed else (meaning.kind if meaning is not None else "")
    return Taken(
        message_id=read.message_id, kept=read.kept, duplicate=read.duplicate,
        inbox_uid=read.inbox_uid,
        application_uid=uids[0] if read.kept and len(uids) == 1 else None,
        candidates=uids if len(uids) > 1 else (),
        company=join_names(apps[i].company for i in read.ids),
        from_text=sender_text(message.from_name, message.from_address),
        subject=message.subject, date=message.date, kind=kind,
        suggested_stage=meaning.suggested_stage if meaning is not None and read.kept else None,
        reasons=meaning.reasons if meaning is not None else (),
        match_reason=read.found.reason if read.found is not None else "")


# --- Odd values ----------------------------------------------------------------------------------


def _safe(text: str) -> str:
    """``text`` as storable UTF-8: undecodable bytes kept as surrogates become "?"."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def _sane(message: InboundMessage) -> InboundMessage:
    """``message`` with every text storable and a usable date."""
    changes = {}
    for item in fields(message):
        value = getattr(message, item.name)
        if isinstance(value, str):
            changes[item.name] = _safe(value)
        elif isinstance(value, tuple):
            changes[item.name] = tuple(_safe(str(v)) for v in value)
    if not _FIRST_YEAR <= message.date.year <= _LAST_YEAR:
        changes["date"] = clock.now()
    return replace(message, **changes)


def _capped(text: str, limit: int) -> str:
    return text if len(text) * 4 <= limit or len(text.encode("utf-8")) <= limit else (
        cap_text(text, limit))


def _raw_date(raw: bytes) -> str:
    """The Date header as written ("" when there is none), read from the first bytes only."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(bytes(raw[:_HEADER_BYTES]))
        return _safe(str(headers.get("Date", "") or "")).strip()
    except Exception:  # a header block the parser cannot read: no date then
        return ""


def _synthetic_id(raw: bytes, message: InboundMessage) -> str:
    """A stable Message-ID for a message without one: ``<…@nextsteps.invalid>`` around the
    shortened SHA-256 of its sender, Date header, subject and first 4 KB of text."""
    basis = "\n".join((message.from_name, message.from_address, _raw_date(raw), message.subject,
                       message.text[:_SYNTHETIC_TEXT_CHARS]))
    digest = hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]
    return f"<{digest}@nextsteps.invalid>"
