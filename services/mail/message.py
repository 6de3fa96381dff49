"""Building the email that goes out, and proving it says only what the user confirmed.

:func:`prepare` builds a ``multipart/alternative`` message (plain text plus a
simple HTML version) with UTF-8 subject and names, serialises it exactly as it
will be sent, parses those bytes back and compares every header and address
with what the user confirmed. Anything unexpected (an extra ``Bcc:``, a second
recipient, a changed subject) raises :class:`HeaderProblem` before a single
byte leaves the machine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any, NamedTuple

from models import clock
from services.mail.headers import HeaderProblem, check_address, check_name, check_text

if TYPE_CHECKING:
    from services.mail.account import Account

__all__ = [
    "EXPECTED_HEADERS",
    "MAX_LINE_BYTES",
    "HeaderProblem",
    "MessageFields",
    "PreparedMessage",
    "build_message",
    "html_body",
    "new_message_id",
    "prepare",
]

#: The only headers a message may carry, each exactly once.
EXPECTED_HEADERS = frozenset(
    {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}
)
_PART_HEADERS = frozenset({"content-type", "content-transfer-encoding", "mime-version"})
#: RFC 5322 section 2.1.1: no line of a message may be longer than this (without CRLF).
MAX_LINE_BYTES = 998


class MessageFields(NamedTuple):
    """What the user confirmed for one message (an ``Email`` row has the same attributes)."""

    to_name: str
    to_address: str
    subject: str
    body: str
    message_id: str | None = None


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

    try:
        message = _compose(from_name, from_address, to_name, to_address, subject,
                           date or format_datetime(clock.local_now()), message_id, fields.body)
        data = message.as_bytes(policy=policy.SMTP)
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
    )
    return PreparedMessage(message, data, from_address, to_address, message_id)


def _compose(from_name, from_address, to_name, to_address, subject, date, message_id,
             body) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=from_name, addr_spec=from_address)
    message["To"] = Address(display_name=to_name, addr_spec=to_address)
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = message_id
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
) -> None:
    """Parse ``data`` back and check it carries exactly the confirmed headers and addresses.

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
                 recipient=recipient, subject=subject, message_id=message_id)
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


def _compare(parsed, refuse, *, sender, recipient, subject, message_id) -> None:
    names = [name.lower() for name in parsed]
    if sorted(names) != sorted(EXPECTED_HEADERS):
        extra = sorted(set(names) - EXPECTED_HEADERS) or ["a repeated header"]
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
    )
