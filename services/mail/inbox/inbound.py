"""An incoming message as the mailbox watcher hands it over, and how raw bytes become one.

:func:`parse_message` reads a message with the standard :mod:`email` package
(``policy.default``) and never raises: broken MIME, an unknown charset, deep
nesting or a huge attachment make it fall back and keep going, so one odd
message can never stop the watcher. What it keeps is what the matcher and the
classifier read: the thread headers, the sender, the subject, the date, the
plain text of the text parts (``text/plain`` preferred, ``text/html`` turned into
text otherwise; at most :data:`MAX_TEXT_BYTES` of UTF-8), whether a
``text/calendar`` part came with it (its text kept apart), and the headers that
mark newsletters and automatic mail. Attachments are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime

from models import clock
from services.mail.inbox.html_text import html_to_text

#: The most text kept from one message's text parts, in bytes of UTF-8.
MAX_TEXT_BYTES = 256 * 1024
#: The most text kept from its calendar parts.
MAX_CALENDAR_BYTES = 64 * 1024
#: How many MIME parts are looked at, and how deep, before the rest is ignored.
MAX_PARTS = 500
MAX_DEPTH = 120
#: The most bytes of one part that are decoded (text parts, then HTML before conversion).
MAX_PART_BYTES = 4 * MAX_TEXT_BYTES
MAX_HEADER_CHARS = 2000

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_ASCII_NAMES = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "646", "iso-ir-6", "us"})
_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})


@dataclass(frozen=True)
class InboundMessage:
    """One incoming message, decoded and reduced to what the mail features read.

    Addresses are lower-case ``local@domain`` strings; Message-IDs keep their
    angle brackets. ``date`` is aware and in UTC (the moment it was read when the
    message carries no usable Date). ``text`` holds the text parts without
    calendar parts or attachments, quoted replies included (the classifier
    strips them).
    """

    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    from_name: str = ""
    from_address: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str = ""
    date: datetime = field(default_factory=clock.now)
    text: str = ""
    has_calendar: bool = False
    calendar_text: str = ""
    list_id: str = ""
    list_unsubscribe: str = ""
    precedence: str = ""
    auto_submitted: str = ""

    @property
    def sender_domain(self) -> str:
        """The domain of the sender's address ("" when there is none)."""
        return self.from_address.rpartition("@")[2]


def parse_message(raw_bytes: bytes) -> InboundMessage:
    """Read one raw message (RFC 5322 bytes) into an :class:`InboundMessage`; never raises."""
    if isinstance(raw_bytes, str):
        raw_bytes = raw_bytes.encode("utf-8", "surrogateescape")
    try:
        msg = message_from_bytes(bytes(raw_bytes), policy=policy.default)
    except Exception:  # the parser's own failures (deep nesting): keep what can be read
        return InboundMessage(text=cap_text(bytes(raw_bytes)[:MAX_PART_BYTES].decode(
            "utf-8", "replace"), MAX_TEXT_BYTES))
    from_name, from_address = _sender(msg)
    text, calendar_text, has_calendar = _bodies(msg)
    in_reply_to = _message_ids(_raw_header(msg, "In-Reply-To"))
    return InboundMessage(
        message_id=next(iter(_message_ids(_raw_header(msg, "Message-ID"))), ""),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_message_ids(_raw_header(msg, "References")),
        from_name=from_name,
        from_address=from_address,
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        subject=header_text(msg, "Subject"),
        date=_date(msg),
        text=text,
        has_calendar=has_calendar,
        calendar_text=calendar_text,
        list_id=header_text(msg, "List-Id"),
        list_unsubscribe=header_text(msg, "List-Unsubscribe"),
        precedence=header_text(msg, "Precedence").lower(),
        auto_submitted=_auto_submitted(msg),
    )


def clean_line(value: str, limit: int = MAX_HEADER_CHARS) -> str:
    """One line of display text: control characters and runs of spaces become one space."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def cap_text(text: str, limit: int) -> str:
    """``text`` with line ends made ``\\n``, control characters dropped, cut to ``limit``
    bytes of UTF-8 (never in the middle of a character)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", ""))
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= limit:
        return encoded.decode("utf-8")
    return encoded[:limit].decode("utf-8", "ignore")


def header_text(msg: EmailMessage, name: str) -> str:
    """A header decoded (encoded-words and all) to one clean line; "" when absent or unreadable."""
    try:
        value = msg.get(name)
        return "" if value is None else clean_line(str(value))
    except Exception:  # a header the registry cannot parse: read the raw value instead
        return clean_line(_raw_header(msg, name))


def _raw_header(msg: EmailMessage, name: str) -> str:
    wanted = name.lower()
    try:
        for key, value in msg.raw_items():
            if key.lower() == wanted:
                return str(value)
    except Exception:  # raw items are plain strings; this only guards odd subclasses
        return ""
    return ""


def _message_ids(value: str) -> tuple[str, ...]:
    found = _MESSAGE_ID.findall(value)
    if not found:
        found = [f"<{token.strip('<>')}>" for token in value.split() if "@" in token]
    return tuple(dict.fromkeys(found))[:100]


def _address(value: str) -> str:
    value = value.strip().strip("<>").lower()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or _CONTROL.search(value) or " " in value:
        return ""
    return value


def _sender(msg: EmailMessage) -> tuple[str, str]:
    try:
        header = msg.get("From")
        addresses = header.addresses if header is not None else ()
        if addresses:
            return clean_line(addresses[0].display_name, 300), _address(addresses[0].addr_spec)
    except Exception:  # an unparsable From: fall back to the tolerant parseaddr below
        pass
    name, address = parseaddr(clean_line(_raw_header(msg, "From")))
    return clean_line(name, 300), _address(address)


def _addresses(msg: EmailMessage, name: str) -> tuple[str, ...]:
    try:
        header = msg.get(name)
        found = [_address(a.addr_spec) for a in header.addresses] if header is not None else []
    except Exception:  # unparsable: take what looks like addresses in the raw value
        found = [_address(m) for m in re.findall(r"[^\s<>,;\"]+@[^\s<>,;\"]+",
                                                  _raw_header(msg, name))]
    return tuple(dict.fromkeys(a for a in found if a))[:200]


def _date(msg: EmailMessage) -> datetime:
    value = None
    try:
        header = msg.get("Date")
        value = getattr(header, "datetime", None)
    except Exception:  # an odd Date: try the tolerant parser on the raw value
        try:
            value = parsedate_to_datetime(clean_line(_raw_header(msg, "Date")))
        except (TypeError, ValueError, IndexError, OverflowError):
            value = None
    if not isinstance(value, datetime):
        return clock.now()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return clock.now()


def _auto_submitted(msg: EmailMessage) -> str:
    value = header_text(msg, "Auto-Submitted").lower()
    if value:
        return value
    if header_text(msg, "X-Autoreply") or header_text(msg, "X-Autorespond"):
        return "auto-replied"
    return ""


def _leaves(msg: EmailMessage):
    """The non-multipart parts, depth first, within :data:`MAX_PARTS` and :data:`MAX_DEPTH`."""
    stack = [(msg, 0)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part, depth = stack.pop()
        seen += 1
        try:
            payload = part.get_payload() if part.is_multipart() else None
        except Exception:  # a part whose structure cannot be read is skipped
            continue
        if payload is None:
            yield part
        elif depth < MAX_DEPTH and isinstance(payload, list):
            stack.extend((child, depth + 1) for child in reversed(payload))


def _bodies(msg: EmailMessage) -> tuple[str, str, bool]:
    plain: list[str] = []
    html: list[str] = []
    calendar: list[str] = []
    has_calendar = False
    used = 0
    for part in _leaves(msg):
        ctype, disposition = _content_type(part)
        if ctype in _CALENDAR_TYPES:
            has_calendar = True
            calendar.append(part_text(part))
        elif disposition == "attachment" or used > MAX_TEXT_BYTES:
            continue
        elif ctype == "text/plain" or ctype.startswith("multipart/"):  # broken multipart: its body
            plain.append(part_text(part))
            used += len(plain[-1])
        elif ctype == "text/html" and not plain:
            html.append(part_text(part))
            used += len(html[-1]) // 4
    text = "\n\n".join(plain) if plain else html_to_text("\n".join(html)[:MAX_PART_BYTES])
    return (cap_text(text, MAX_TEXT_BYTES), cap_text("\n".join(calendar), MAX_CALENDAR_BYTES),
            has_calendar)


def _content_type(part: EmailMessage) -> tuple[str, str | None]:
    try:
        ctype = part.get_content_type()
    except Exception:  # an unreadable Content-Type counts as plain text (RFC 2045's default)
        ctype = "text/plain"
    try:
        disposition = part.get_content_disposition()
    except Exception:  # an unreadable disposition: treat as inline
        disposition = None
    return ctype, disposition


def part_text(part: EmailMessage) -> str:
    """A leaf part's content as text: transfer encoding undone, then its charset (or UTF-8,
    then Windows-1252, when the charset is unknown or wrong); "" when nothing can be read."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding: nothing readable in this part
        return ""
    if not isinstance(data, bytes):
        return ""
    data = data[:MAX_PART_BYTES]
    try:
        charset = (part.get_content_charset() or "").strip().lower()
    except Exception:  # an unreadable charset parameter: guess below
        charset = ""
    if charset and charset not in _ASCII_NAMES:
        try:
            return data.decode(charset, "replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")
