"""Handing a draft to the user's own mail program, for sending without an SMTP account.

The composer calls :func:`mailto_url` (an RFC 6068 ``mailto:`` URL) and
:func:`eml_bytes` (an RFC 5322 message marked ``X-Unsent: 1`` that a mail
program opens as a draft); afterwards the user says they sent it
(:func:`services.mail.drafts.mark_sent`).

Header fields are checked with :mod:`services.mail.headers` (control
characters and RFC 2047 encoded words are refused: Python 3.11.7 lacks the
fix for CVE-2024-6923), and the ``.eml`` is parsed back and compared with
what was asked for before it is returned.
"""

from __future__ import annotations

from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from urllib.parse import quote

from models import clock
from models.email import Email
from services.mail.drafts import email_row
from services.mail.headers import HeaderProblem, address_problem, check_text
from services.mail.message import WIRE_POLICY, add_thread, check_thread, html_body, thread_ids

__all__ = ["eml_bytes", "mailto_url"]

_REFUSE = "The email file was not saved: {}. Check the names, addresses and subject."


def _checked_fields(email: Email) -> tuple[str, str, str]:
    """The recipient's name and address and the subject, refused if unsafe in a header."""
    to_name = check_text(email.to_name or "", "recipient's name", "to_name")
    to_address = (email.to_address or "").strip()
    if to_address:
        problem = address_problem(to_address, "recipient's address")
        if problem:
            raise HeaderProblem(problem, field="to_address")
    subject = check_text(email.subject or "", "subject", "subject")
    return to_name, to_address, subject


def _crlf(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def mailto_url(email_id: int) -> str:
    """A ``mailto:`` URL (RFC 6068) for the message: address, subject and body, UTF-8, and
    for a reply its ``In-Reply-To`` and ``References`` (RFC 6068 lets a URL carry any header;
    Thunderbird, for one, threads the draft by them).

    Every character outside RFC 3986's unreserved set is percent-encoded
    (``@`` is kept in the address); line breaks in the body become
    ``%0D%0A``. Raises :class:`HeaderProblem` when the address or subject
    is unsafe (a line break, an encoded word, not one plain address).
    """
    email = email_row(email_id)
    _to_name, to_address, subject = _checked_fields(email)
    parent, references = thread_ids(email.in_reply_to, email.references)
    thread = (f"&In-Reply-To={quote(parent, safe='')}"
              f"&References={quote(' '.join(references), safe='')}") if parent else ""
    return (f"mailto:{quote(to_address, safe='@')}"
            f"?subject={quote(subject, safe='')}&body={quote(_crlf(email.body), safe='')}"
            f"{thread}")


def eml_bytes(email_id: int, sender_name: str, sender_address: str) -> bytes:
    """The message as an RFC 5322 ``.eml`` file a mail program opens as a draft to send.

    ``multipart/alternative`` with a plain-text and an HTML part, UTF-8,
    ``X-Unsent: 1``; a reply carries ``In-Reply-To`` and ``References`` (as a sent one
    does: :func:`services.mail.message.thread_ids`), so the mail program threads it.
    Without a sender address there is no ``From:`` (the mail program fills it in); without
    a recipient address, no ``To:``. Raises :class:`HeaderProblem` (a :class:`ValueError`)
    for an unsafe header field, and when the message does not parse back to exactly the
    headers asked for.
    """
    email = email_row(email_id)
    to_name, to_address, subject = _checked_fields(email)
    from_name = check_text(sender_name or "", "sender name", "sender_name")
    from_address = (sender_address or "").strip()
    if from_address:
        problem = address_problem(from_address, "sender address")
        if problem:
            raise HeaderProblem(problem, field="sender_address")
    body = (email.body or "").replace("\r\n", "\n").replace("\r", "\n")

    message = EmailMessage(policy=policy.SMTP)
    expected = {"subject", "date", "x-unsent", "mime-version", "content-type"}
    if from_address:
        message["From"] = Address(display_name=from_name, addr_spec=from_address)
        expected.add("from")
    if to_address:
        message["To"] = Address(display_name=to_name, addr_spec=to_address)
        expected.add("to")
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.local_now())
    message["X-Unsent"] = "1"
    thread = thread_ids(email.in_reply_to, email.references)
    if thread[0]:
        add_thread(message, thread)
        expected |= {"in-reply-to", "references"}
    message.set_content(body, cte="quoted-printable")
    message.add_alternative(html_body(body), subtype="html", cte="quoted-printable")
    data = message.as_bytes(policy=WIRE_POLICY)
    _verify_eml(data, expected, subject, (from_name, from_address), (to_name, to_address))
    check_thread(data, thread, _REFUSE)
    return data


def _verify_eml(data: bytes, expected: set[str], subject: str, sender: tuple[str, str],
                recipient: tuple[str, str]) -> None:
    """Parse the file back: exactly the expected headers, each once, saying what was asked."""
    refuse = _REFUSE
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    names = sorted(name.lower() for name in parsed)
    if names != sorted(expected) or parsed.defects:
        extra = sorted(set(names) - expected) or ["a repeated or damaged header"]
        raise HeaderProblem(refuse.format("it would carry unexpected headers ("
                                          + ", ".join(extra) + ")"))
    if str(parsed["Subject"]) != subject:
        raise HeaderProblem(refuse.format("its subject would read differently"))
    for header, (name, address) in (("From", sender), ("To", recipient)):
        if not address:
            continue
        found = parsed[header].addresses
        if len(found) != 1 or found[0].addr_spec != address or found[0].display_name != name:
            raise HeaderProblem(refuse.format(f"its {header} header would be different"))
    parts = [p.get_content_type() for p in parsed.iter_parts()] if parsed.is_multipart() else []
    if parsed.get_content_type() != "multipart/alternative" or parts != ["text/plain",
                                                                         "text/html"]:
        raise HeaderProblem(refuse.format("its text parts could not be built"))
