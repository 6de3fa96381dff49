"""One pass over the mailbox: read what is new in each watched folder, keep the replies.

Each folder is opened with ``EXAMINE`` (read-only: nothing is marked read,
moved or deleted) and read from the UID after the last one seen. A folder
whose ``UIDVALIDITY`` changed (RFC 3501 §2.3.1.1: its UIDs were renumbered)
is read again from the start; the Message-IDs already kept or ignored keep
that from doubling anything. Messages are read in batches: a batch is stored
(:func:`services.mail.inbox.keeping.take_messages`, one short transaction after
the parsing) before the folder's last UID moves past it, so a connection dropped
mid-fetch loses nothing and the next pass reads the unfinished batch again without
doubling it.

Before any body is fetched, a few header fields of each new message are read:
a message already kept or ignored is skipped, and one that no application can
match (:class:`~services.mail.inbox.sifting.Sieve`, which reads only the sender
and the thread headers) is stored as read from those fields alone, so most of
a mailbox is never downloaded nor parsed whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from models import clock
from models.application import Application
from models.inbox import MailFolder
from models.values import OPEN_STAGES
from services.core.connection import database
from services.mail.imap.fetching import WHOLE_LIMIT, fetch_raw
from services.mail.inbox.inbound import parse_message
from services.mail.inbox.keeping import Taken, known_applications, known_message_ids, take_messages
from services.mail.inbox.sifting import Sieve

__all__ = ["BATCH", "MAX_DAYS_BACK", "PassResult", "PassSummary", "read_since", "run_pass"]

#: Messages fetched and stored together.
BATCH = 200
#: The furthest back a pass reads.
MAX_DAYS_BACK = 180
#: The header fields read first: what the sieve reads, and what a message set aside keeps.
_HEAD = b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM SUBJECT DATE IN-REPLY-TO REFERENCES)]"


@dataclass
class PassResult:
    """What one pass read: the messages it newly kept for an application, how many it stored
    as read (kept or ignored), and how many it looked at. Only the kept ones are held (a
    first pass over a large mailbox would otherwise hold a result per message)."""

    new_matches: list[Taken] = field(default_factory=list)
    read: int = 0
    looked_at: int = 0
    folders: int = 0


class PassSummary(NamedTuple):
    """What the watcher hands on after a pass: how many messages were newly kept for an
    application, and the sentence for a Sent copy that could not be added ("" when none)."""

    new: int
    copy_problem: str = ""


def read_since() -> date | None:
    """The first day a pass reads: the day before the oldest open application was created
    or applied for (servers compare dates in their own zone, which may be a day behind the
    user's), at most :data:`MAX_DAYS_BACK` days ago. None without an open application
    (then nothing can match, and nothing is read)."""
    stages = [stage.value for stage in OPEN_STAGES]
    rows = (Application.select(Application.created_at, Application.applied_on)
            .where(Application.stage.in_(stages)))
    zone, firsts = clock.user_zone(), []
    for row in rows:
        first = (row.created_at.astimezone(zone).date() if row.created_at else clock.today())
        if row.applied_on and row.applied_on < first:
            first = row.applied_on
        firsts.append(first)
    if not firsts:
        return None
    return max(min(firsts) - timedelta(days=1), clock.today() - timedelta(days=MAX_DAYS_BACK))


def _folder_state(name: str) -> MailFolder:
    state = MailFolder.get_or_none(MailFolder.name == name)
    return state or MailFolder(name=name, uid_validity=0, last_uid=0)


def _new_uids(client, state: MailFolder, since: date) -> list[int]:
    criteria = ["UID", f"{state.last_uid + 1}:*", "SINCE", since]
    # "n:*" always names the last message, even when its UID is below n (RFC 3501 §6.4.8).
    return sorted(uid for uid in client.search(criteria) if uid > state.last_uid)


def _save_state(state: MailFolder, last_uid: int) -> None:
    state.last_uid = last_uid
    state.checked_at = clock.now()
    state.save()


def _unknown(client, uids: list[int], known_ids: set[str], sieve: Sieve):
    """Of the messages in ``uids`` whose Message-ID is not known: the sizes of those some
    application could match (their bodies are to be fetched) and the structures of the large
    ones among them, and the header fields of those none can (all there is to store of them)."""
    data = client.fetch(uids, [b"RFC822.SIZE", _HEAD])
    sizes, wanted, heads = {}, [], {}
    for uid in uids:
        item = data.get(uid)
        if item is None:
            continue  # expunged meanwhile
        header = next((v for k, v in item.items() if k.startswith(b"BODY[HEADER")), b"") or b""
        head = parse_message(header)
        if head.message_id and head.message_id in known_ids:
            continue
        if head.message_id and not sieve.could_match(head):
            heads[uid] = header
            continue
        sizes[uid] = item.get(b"RFC822.SIZE") or 0
        wanted.append(uid)
    large = [uid for uid in wanted if sizes[uid] > WHOLE_LIMIT]
    found = client.fetch(large, [b"BODYSTRUCTURE"]) if large else {}
    structures = {uid: item.get(b"BODYSTRUCTURE") for uid, item in found.items()}
    return wanted, sizes, structures, heads


def _read_folder(client, name: str, since: date, result: PassResult,
                 progress: Callable[[int], None]) -> None:
    info = client.select_folder(name, readonly=True)
    validity = int(info.get(b"UIDVALIDITY", 0) or 0)
    state = _folder_state(name)
    if state.uid_validity != validity:
        state.uid_validity, state.last_uid = validity, 0
    uid_next = int(info.get(b"UIDNEXT", 0) or 0)
    if uid_next and uid_next - 1 <= state.last_uid:
        _save_state(state, state.last_uid)
        return
    uids = _new_uids(client, state, since)
    known_ids = known_message_ids()
    known = known_applications()
    sieve = Sieve(known)
    for start in range(0, len(uids), BATCH):
        chunk = uids[start:start + BATCH]
        wanted, sizes, structures, heads = _unknown(client, chunk, known_ids, sieve)
        raws = fetch_raw(client, wanted, sizes, structures) if wanted else {}
        raws.update(heads)
        # Two short transactions, the batch then the folder's progress; one around both would
        # hold the write lock while take_messages parses the batch.
        taken = take_messages(((raws[uid], name) for uid in chunk if uid in raws), known)
        with database().atomic():
            _save_state(state, chunk[-1])
        known_ids.update(t.message_id for t in taken)
        result.new_matches.extend(t for t in taken if t.kept and not t.duplicate)
        result.read += sum(1 for t in taken if not t.duplicate)
        result.looked_at += len(chunk)
        progress(result.looked_at)
    if not uids:
        _save_state(state, max(state.last_uid, uid_next - 1 if uid_next else 0))


def run_pass(client, folders: Iterable[str] = ("INBOX",),
             progress: Callable[[int], None] | None = None) -> PassResult:
    """Read every folder in ``folders`` once with the logged-in ``client`` (an
    ``IMAPClient``); keep the replies about an application and return what was read.

    Raises what the client raises when the connection fails; what was stored
    before stays stored.
    """
    result = PassResult()
    since = read_since()
    if since is None:
        return result
    for name in dict.fromkeys(folders):
        _read_folder(client, name, since, result, progress or (lambda _count: None))
        result.folders += 1
    return result
