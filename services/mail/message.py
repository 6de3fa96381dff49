"""Building the email that goes out, and proving it says only what the user confirmed.

:func:`prepare` builds a ``multipart/alternative`` message (plain text plus a
simple HTML version) with UTF-8 subject and names, serialises it exactly as it
will be sent, parses those bytes back and compares every header and address
with what the user confirmed. Anything unexpected (an extra ``Bcc:``, a second
recipient, a changed subject) raises :class:`HeaderProblem` before a single
byte leaves the machine.

A reply (a row with ``in_reply_to``) also carries ``In-Reply-To`` and ``References``
(:func:`thread_ids`): only well-formed Message-IDs, at most :data:`MAX_REFERENCES`, folded
between IDs and never encoded, and checked again in the parsed-back message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from email import policy
from email.errors import MessageError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any, NamedTuple

from models import clock
from services.mail.headers import HeaderProblem, check_address, check_name, check_text

if TYPE_CHECKING:
    from services.mail.account import Account

__all__ = [
    "EXPECTED_HEADERS",
    "MAX_LINE_BYTES",
    "MAX_REFERENCES",
    "WIRE_POLICY",
    "HeaderProblem",
    "MessageFields",
    "PreparedMessage",
    "add_thread",
    "build_message",
    "check_thread",
    "html_body",
    "new_message_id",
    "prepare",
    "thread_ids",
]

#: The only headers a message may carry, each exactly once.
EXPECTED_HEADERS = frozenset(
    {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}
)
#: The headers a reply carries besides, each exactly once (see :func:`thread_ids`).
THREAD_HEADERS = frozenset({"in-reply-to", "references"})
_PART_HEADERS = frozenset({"content-type", "content-transfer-encoding", "mime-version"})
#: RFC 5322 section 2.1.1: no line of a message may be longer than this (without CRLF).
MAX_LINE_BYTES = 998
#: The most Message-IDs a reply's References header names: the thread's first and its latest.
MAX_REFERENCES = 20
#: A Message-ID as RFC 5322 writes it (dot-atom text on both sides of the "@"), of sane length.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]"
_WELL_FORMED_ID = re.compile(rf"<{_ATOM}{{1,250}}@{_ATOM}{{1,250}}>")
#: Headers are folded to this width where the email package would fold them.
_FOLD_WIDTH = 78
#: Writes the threading headers exactly as folded here: the email package would turn a
#: Message-ID longer than a line into encoded words, which no mail program threads.
WIRE_POLICY = policy.SMTP.clone(refold_source="none")


class MessageFields(NamedTuple):
    """What the user confirmed for one message (an ``Email`` row has the same attributes)."""

    to_name: str
    to_address: str
    subject: str
    body: str
    message_id: str | None = None
    in_reply_to: str = ""
    references: str = ""


class PreparedMessage(NamedTuple):
    """A checked message: the object, the exact bytes to send, and the envelope."""

    message: EmailMessage
    data: bytes
    sender: str
    recipient: str
    message_id: str


def new_message_id(account: Account) -> str:
    """A fresh, unique Message-ID in the sender's domain."""
    domain = account.sender_address.strip().rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def build_message(source: Any, account: Account) -> EmailMessage:
    """The checked message for ``source`` (an ``Email`` row, :class:`MessageFields` or a
    mapping with the same keys) from ``account``'s sender. Raises :class:`HeaderProblem`."""
    return prepare(source, account).message


def prepare(source: Any, account: Account, *, date: str | None = None) -> PreparedMessage:
    """Build, serialise and verify the message; see the module docstring.

    ``source.message_id`` is reused when set (a retry keeps its Message-ID);
    otherwise a new one is made. Raises :class:`HeaderProblem` with a sentence.
    """
    fields = _fields(source)
    to_name = check_name(fields.to_name, "recipient's name", "to_name")
    to_address = check_address(fields.to_address, "recipient's address", "to_address")
    subject = check_text(fields.subject, "subject", "subject")
    if not subject:
        raise HeaderProblem("Write a subject before sending.", field="subject")
    from_name = check_name(account.sender_name, "sender name", "sender_name")
    from_address = check_address(account.sender_address, "sender address", "sender_address")
    message_id = fields.message_id or new_message_id(account)
    if not re.fullmatch(r"<[!-=?-~]+@[!-=?-~]+>", message_id):
        raise HeaderProblem("The stored Message-ID is not valid.", field="message_id")
    thread = thread_ids(fields.in_reply_to, fields.references)

    try:
        message = _compose(from_name, from_address, to_name, to_address, subject,
                           date or format_datetime(clock.local_now()), message_id, fields.body,
                           thread)
        data = message.as_bytes(policy=WIRE_POLICY)
    except (ValueError, TypeError, LookupError, MessageError) as exc:  # the email package
        # refused a part (an address it cannot parse raises HeaderParseError, a MessageError)
        raise HeaderProblem(
            "Next Steps could not build this message safely "
            f"({type(exc).__name__}). Check the names, addresses and subject.") from None
    verify(
        data,
        sender=(from_name, from_address),
        recipient=(to_name, to_address),
        subject=subject,
        message_id=message_id,
        thread=thread,
    )
    return PreparedMessage(message, data, from_address, to_address, message_id)


def thread_ids(in_reply_to: str, references: str) -> tuple[str, tuple[str, ...]]:
    """The ``In-Reply-To`` and ``References`` of a reply to ``in_reply_to``.

    A reply is threaded only when the Message-ID it answers is well formed; otherwise
    ``("", ())``. The references are the well-formed IDs among ``references``, once each,
    ending with the one answered; past :data:`MAX_REFERENCES`, the thread's first and its
    latest are kept (RFC 5322 section 3.6.4 lets a long list be shortened so).
    """
    parent = (in_reply_to or "").strip()
    if not _WELL_FORMED_ID.fullmatch(parent):
        return "", ()
    found = re.findall(r"<[^<>\s]+>", references or "")
    ids = [*dict.fromkeys(i for i in found if _WELL_FORMED_ID.fullmatch(i) and i != parent),
           parent]
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1):]]
    return parent, tuple(ids)


def _fold_ids(name: str, ids: tuple[str, ...]) -> str:
    """``ids`` as the value of header ``name``, folded between IDs only: each line at most
    :data:`_FOLD_WIDTH` long where the IDs allow (a longer ID gets a line of its own)."""
    lines: list[str] = []
    line, used = "", len(name) + 2
    for item in ids:
        if line and used + len(line) + 1 + len(item) > _FOLD_WIDTH:
            lines.append(line)
            line, used = item, 1
        else:
            line = f"{line} {item}" if line else item
    lines.append(line)
    return "\n ".join(lines)


def _set_address(message: EmailMessage, header: str, name: str, address: str) -> None:
    """One mailbox in ``header``. A non-ASCII name is written as encoded words made here:
    the email package would split it at a real space between two encoded words, and RFC 2047
    readers drop whitespace between encoded words, so "Zoé Durand" could read "ZoéDurand".
    Header keeps every space inside an encoded word."""
    if name.isascii():
        message[header] = Address(display_name=name, addr_spec=address)
        return
    phrase = Header(name, "utf-8", header_name=header).encode(maxlinelen=_FOLD_WIDTH,
                                                               linesep="\n")
    last = phrase.rpartition("\n")[2] or f"{header}: {phrase}"
    gap = "\n " if len(last) + len(address) + 3 > _FOLD_WIDTH else " "
    message.set_raw(header, f"{phrase}{gap}<{address}>")


def add_thread(message: EmailMessage, thread: tuple[str, tuple[str, ...]]) -> None:
    """Give ``message`` the ``In-Reply-To`` and ``References`` of ``thread`` (from
    :func:`thread_ids`; nothing when it answers nothing), as raw values folded between IDs:
    serialise with :data:`WIRE_POLICY` so they are written as they are."""
    parent, references = thread
    if parent:
        message.set_raw("In-Reply-To", parent)
        message.set_raw("References", _fold_ids("References", references))


def _compose(from_name, from_address, to_name, to_address, subject, date, message_id,
             body, thread=("", ())) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    _set_address(message, "From", from_name, from_address)
    _set_address(message, "To", to_name, to_address)
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = message_id
    add_thread(message, thread)
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    message.set_content(body, cte="quoted-printable")
    message.add_alternative(html_body(body), subtype="html", cte="quoted-printable")
    return message


def verify(
    data: bytes,
    *,
    sender: tuple[str, str],
    recipient: tuple[str, str],
    subject: str,
    message_id: str,
    thread: tuple[str, tuple[str, ...]] = ("", ()),
) -> None:
    """Parse ``data`` back and check it carries exactly the confirmed headers and addresses
    (and, for a reply, exactly the ``thread`` of :func:`thread_ids`, unencoded).

    Raises :class:`HeaderProblem` when anything differs.
    """
    refuse = "Next Steps refused to send this message: {}. Check the names, addresses and subject."
    lines = data.split(b"\r\n")
    if any(b"\r" in line or b"\n" in line for line in lines):
        raise HeaderProblem(refuse.format("it contains a stray line break"))
    if any(len(line) > MAX_LINE_BYTES for line in lines):
        raise HeaderProblem(refuse.format(f"a line would be longer than the {MAX_LINE_BYTES} "
                                          "characters email allows"))
    try:
        _compare(BytesParser(policy=policy.default).parsebytes(data), refuse, sender=sender,
                 recipient=recipient, subject=subject, message_id=message_id,
                 threaded=bool(thread[0]))
        check_thread(data, thread, refuse)
    except (ValueError, TypeError, LookupError, AttributeError, MessageError) as exc:
        if isinstance(exc, HeaderProblem):
            raise
        raise HeaderProblem(refuse.format("its headers could not be read back cleanly")) from None


def _spaceless(name: str) -> str:
    # A long non-ASCII name is folded into several encoded words, sometimes inside a word;
    # RFC 2047 readers join adjacent encoded words, but Python 3.11's address parser puts a
    # space between them ("Ñú ñez"). Spaces cannot add a recipient or a header, so the name
    # is compared without them.
    return "".join(name.split())


def _compare(parsed, refuse, *, sender, recipient, subject, message_id, threaded) -> None:
    names = [name.lower() for name in parsed]
    expected = EXPECTED_HEADERS | THREAD_HEADERS if threaded else EXPECTED_HEADERS
    if sorted(names) != sorted(expected):
        extra = sorted(set(names) - expected) or ["a repeated header"]
        raise HeaderProblem(refuse.format("it would carry unexpected headers (" +
                                          ", ".join(extra) + ")"))
    if parsed.defects:
        raise HeaderProblem(refuse.format("its headers could not be read back cleanly"))
    for header, (name, address) in (("From", sender), ("To", recipient)):
        found = parsed[header].addresses
        if (len(found) != 1 or found[0].addr_spec != address
                or _spaceless(found[0].display_name) != _spaceless(name)):
            raise HeaderProblem(refuse.format(f"its {header} header does not match what you "
                                              "confirmed"))
    if str(parsed["Subject"]) != subject:
        raise HeaderProblem(refuse.format("its subject does not match what you confirmed"))
    if str(parsed["Message-ID"]).strip() != message_id:
        raise HeaderProblem(refuse.format("its Message-ID changed"))
    parts = list(parsed.iter_parts()) if parsed.is_multipart() else []
    if (parsed.get_content_type() != "multipart/alternative"
            or [part.get_content_type() for part in parts] != ["text/plain", "text/html"]
            or any(part.is_multipart() for part in parts)
            or any(set(k.lower() for k in part) - _PART_HEADERS for part in parts)):
        raise HeaderProblem(refuse.format("its body is not the expected text and HTML parts"))


def check_thread(data: bytes, thread: tuple[str, tuple[str, ...]], refuse: str) -> None:
    """Raise :class:`HeaderProblem` (``refuse`` with the reason) unless the threading
    headers of ``data`` as written (not decoded) name exactly ``thread``."""
    parent, references = thread
    if not parent:
        return
    raw = BytesHeaderParser(policy=policy.compat32).parsebytes(data)
    for header, wanted in (("In-Reply-To", parent), ("References", " ".join(references))):
        if " ".join(str(raw[header] or "").split()) != wanted:
            raise HeaderProblem(refuse.format(f"its {header} header does not name the message "
                                              "it answers as expected"))


def html_body(text: str) -> str:
    """A simple HTML version of ``text``: escaped, paragraphs at blank lines, ``<br>`` inside."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    rendered = "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.strip().split("\n")) + "</p>"
        for p in paragraphs
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f'<body style="font-family: sans-serif; line-height: 1.4;">\n{rendered}\n</body></html>\n'
    )


def _fields(source: Any) -> MessageFields:
    if isinstance(source, Mapping):
        get = source.get
    else:
        def get(name: str) -> Any:
            return getattr(source, name, None)
    return MessageFields(
        to_name=get("to_name") or "",
        to_address=get("to_address") or "",
        subject=get("subject") or "",
        body=get("body") or "",
        message_id=get("message_id") or None,
        in_reply_to=get("in_reply_to") or "",
        references=get("references") or "",
    )
