"""Fetching messages read-only: headers and text parts, never attachments.

Every fetch uses ``BODY.PEEK`` (RFC 3501 §6.4.5: unlike ``BODY`` it does not
set the ``\\Seen`` flag), so reading never marks a message read. A message up
to :data:`WHOLE_LIMIT` bytes is fetched whole (one round trip, and a whole
message parses best). A larger one is fetched as its header and its text
parts only (``text/plain``, ``text/html``, ``text/calendar``), each cut at
:data:`TEXT_LIMIT` bytes, and put together again as a ``multipart/mixed``
message that :func:`services.mail.inbox.inbound.parse_message` reads like any
other: a 20 MB attachment is never downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from imapclient.response_types import BodyData

__all__ = ["TEXT_LIMIT", "WHOLE_LIMIT", "fetch_raw", "text_sections"]

#: Messages up to this size are fetched whole.
WHOLE_LIMIT = 256 * 1024
#: The most text fetched from one large message, over all its text parts.
TEXT_LIMIT = 256 * 1024
#: The most text parts fetched from one large message.
MAX_SECTIONS = 12
#: Parts nested deeper than this are not looked at.
MAX_DEPTH = 8
_TEXT_TYPES = frozenset({"plain", "html", "calendar"})
_BOUNDARY = "nextsteps-reassembled-0f4c1d"


def _lower(value) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace").lower()
    return str(value or "").lower()


def _leaves(structure, prefix: str, depth: int) -> Iterator[tuple[str, str, int]]:
    """(section, subtype, size) of every text leaf of ``structure``, in order."""
    if depth > MAX_DEPTH or not isinstance(structure, tuple | list) or not structure:
        return
    if isinstance(structure, BodyData) and structure.is_multipart:
        for number, part in enumerate(structure[0], start=1):
            yield from _leaves(part, f"{prefix}.{number}" if prefix else str(number),
                               depth + 1)
        return
    if _lower(structure[0]) != "text" or len(structure) < 7:
        return
    subtype = _lower(structure[1])
    if subtype in _TEXT_TYPES:
        size = structure[6] if isinstance(structure[6], int) else TEXT_LIMIT
        yield (prefix or "1"), subtype, size


def text_sections(structure) -> list[str]:
    """The section numbers of the text parts worth fetching from a message's
    ``BODYSTRUCTURE``, calendar parts first, at most :data:`MAX_SECTIONS`."""
    leaves = list(_leaves(structure, "", 0))
    leaves.sort(key=lambda leaf: leaf[1] != "calendar")
    return [section for section, _subtype, _size in leaves[:MAX_SECTIONS]]


def _body_key(section: str) -> bytes:
    return f"BODY[{section}]".encode("ascii")


def _find(data: dict, wanted: bytes) -> bytes:
    """The value of ``wanted`` in one message's fetch data; a partial fetch comes back
    with its origin (``BODY[1]<0>``), so keys are compared without it."""
    for key, value in data.items():
        if key.split(b"<", 1)[0] == wanted:
            return value or b""
    return b""


def _without_content_headers(header: bytes) -> bytes:
    """The top header without its MIME content headers (they describe the whole message,
    and the reassembled one is a multipart of its text parts)."""
    lines = header.replace(b"\r\n", b"\n").split(b"\n")
    kept, skipping = [], False
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        skipping = name in (b"content-type", b"content-transfer-encoding", b"mime-version")
        if not skipping and line:
            kept.append(line)
    return b"\r\n".join(kept)


def reassemble(header: bytes, parts: list[tuple[bytes, bytes]]) -> bytes:
    """One ``multipart/mixed`` message from ``header`` and ``(mime header, body)`` parts."""
    out = [_without_content_headers(header),
           b"MIME-Version: 1.0",
           f'Content-Type: multipart/mixed; boundary="{_BOUNDARY}"'.encode("ascii"), b""]
    for mime, body in parts:
        out += [f"--{_BOUNDARY}".encode("ascii"), mime.rstrip(b"\r\n"), b"", body]
    out.append(f"--{_BOUNDARY}--".encode("ascii"))
    return b"\r\n".join(out) + b"\r\n"


def _large(client, uid: int, structure) -> bytes:
    """Header and text parts of one large message, reassembled."""
    sections = text_sections(structure)
    single = not (isinstance(structure, BodyData) and structure.is_multipart)
    items = [b"BODY.PEEK[HEADER]"]
    if single:
        items.append(f"BODY.PEEK[TEXT]<0.{TEXT_LIMIT}>".encode("ascii"))
    else:
        share = max(TEXT_LIMIT // max(len(sections), 1), 1024)
        for section in sections:
            items.append(f"BODY.PEEK[{section}.MIME]".encode("ascii"))
            items.append(f"BODY.PEEK[{section}]<0.{share}>".encode("ascii"))
    data = client.fetch([uid], items).get(uid, {})
    header = _find(data, b"BODY[HEADER]")
    if single:
        return header.rstrip(b"\r\n") + b"\r\n\r\n" + _find(data, b"BODY[TEXT]")
    parts = [(_find(data, _body_key(f"{section}.MIME")), _find(data, _body_key(section)))
             for section in sections]
    return reassemble(header, parts)


def fetch_raw(client, uids: list[int], sizes: dict[int, int],
              structures: dict[int, object]) -> dict[int, bytes]:
    """The bytes to read of each message in ``uids``: whole when small, else reassembled
    from its header and text parts. Messages gone from the server are left out."""
    small = [uid for uid in uids if sizes.get(uid, 0) <= WHOLE_LIMIT]
    result: dict[int, bytes] = {}
    if small:
        for uid, data in client.fetch(small, [b"BODY.PEEK[]"]).items():
            raw = _find(data, b"BODY[]")
            if raw:
                result[uid] = raw
    for uid in uids:
        if uid not in result and uid not in small:
            result[uid] = _large(client, uid, structures.get(uid))
    return {uid: result[uid] for uid in uids if uid in result}
