"""The mail-app exits (services.mail.mail_program): a mailto: link and an .eml file that parse back
to the same headers, and header injection refused in both, even past the first check."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from models.email import Email
from services.mail import mail_program
from services.mail.drafts import update_draft
from services.mail.headers import HeaderProblem
from services.mail.mail_program import mailto_url
from tests.mail.draft_data import ENCODED_BCC

# -- mailto: ------------------------------------------------------------------------------------


def test_mailto_url_round_trips(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    subject = "Thanks & more? 100% – ünïcödé + plus #1 =x"
    body = "Dear Priya,\n\nLine with &body=evil and ?cc=x@y.z\r\nCRLF line, 50% + #hash\n"
    address = "priya.raman+jobs@lumen-analytics.example"
    update_draft(priya.email_id, subject=subject, body=body, to_address=address)
    url = mailto_url(priya.email_id)
    assert url.isascii() and not any(ch.isspace() for ch in url)
    assert "%0D%0A" in url and "%0A" not in url.replace("%0D%0A", "")
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == address
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert query == {
        "subject": [subject],
        "body": ["Dear Priya,\r\n\r\nLine with &body=evil and ?cc=x@y.z\r\nCRLF line, "
                 "50% + #hash\r\n"],
    }


def test_mailto_without_an_address_still_works(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, to_address="  ")
    parts = urlsplit(mailto_url(prepared[1].email_id))
    assert parts.path == "" and "subject" in parse_qs(parts.query)


@pytest.mark.parametrize("field, value", [
    ("subject", "Thanks\r\nBcc: evil@example.com"),
    ("subject", ENCODED_BCC),
    ("to_address", "priya@lumen.example\r\nBcc: evil@example.com"),
    ("to_address", "priya@lumen.example?cc=evil@example.com"),
    ("to_address", "Priya <priya@lumen.example>, evil@example.com"),
])
def test_mailto_refuses_unsafe_header_fields(lumen_drafts, field, value):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, **{field: value})  # stored as typed …
    with pytest.raises(HeaderProblem) as caught:  # … and refused on the way out
        mailto_url(prepared[1].email_id)
    assert caught.value.message.endswith(".")


# -- .eml ---------------------------------------------------------------------------------------


def _parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def test_eml_parses_back_with_the_same_headers_and_both_parts(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    jose_like = prepared[1]
    update_draft(jose_like.email_id, to_name="José Núñez", subject="Danke – merci, José!",
                 body="Dear José,\n\nThank you <b>& more</b>.\n\nBest regards,\nSam\n")
    data = mail_program.eml_bytes(jose_like.email_id, "Sam Rivera-Ölund", "sam@example.com")
    assert b"\r\n" in data and data.isascii()
    message = _parse(data)
    assert sorted(k.lower() for k in message) == sorted(
        ["from", "to", "subject", "date", "x-unsent", "mime-version", "content-type"])
    assert message["X-Unsent"] == "1"
    assert str(message["Subject"]) == "Danke – merci, José!"
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Sam Rivera-Ölund", "sam@example.com")
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("José Núñez",
                                               "priya.raman@lumen-analytics.example")
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == (
        "Dear José,\n\nThank you <b>& more</b>.\n\nBest regards,\nSam\n")
    assert rich.get_content_type() == "text/html"
    assert "Thank you &lt;b&gt;&amp; more&lt;/b&gt;." in rich.get_content()
    assert message.defects == [] and plain.defects == [] and rich.defects == []


def test_eml_without_an_account_leaves_from_to_the_mail_app(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, to_address="")
    message = _parse(mail_program.eml_bytes(prepared[1].email_id, "", ""))
    assert "From" not in message and "To" not in message
    assert message["X-Unsent"] == "1" and message.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize("field, value", [
    ("to_name", "Bob\r\nBcc: x@y.z"),
    ("to_name", "Bob\nBcc: x@y.z"),
    ("to_name", ENCODED_BCC),
    ("subject", ENCODED_BCC),
    ("subject", "Thanks\rBcc: x@y.z"),
    ("subject", "Thanks\u2028Bcc: x@y.z"),
    ("to_address", "priya@lumen.example\r\nBcc: x@y.z"),
    ("to_address", "priya@lumen.example, x@y.z"),
])
def test_eml_refuses_header_injection(lumen_drafts, field, value):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, **{field: value})
    with pytest.raises(HeaderProblem) as caught:
        mail_program.eml_bytes(prepared[1].email_id, "Sam", "sam@example.com")
    assert isinstance(caught.value, ValueError)  # the composer catches ValueError
    assert caught.value.message.endswith(".")


@pytest.mark.parametrize("name, address", [
    ("Sam\r\nBcc: x@y.z", "sam@example.com"),
    ("Sam", "sam@example.com\r\nBcc: x@y.z"),
    (ENCODED_BCC, "sam@example.com"),
    ("Sam", "not an address"),
])
def test_eml_refuses_an_unsafe_sender(lumen_drafts, name, address):
    _app, _rnd, prepared = lumen_drafts
    with pytest.raises(HeaderProblem):
        mail_program.eml_bytes(prepared[1].email_id, name, address)


@pytest.mark.parametrize("field, value", [
    ("subject", ENCODED_BCC),
    ("to_name", ENCODED_BCC),
    ("to_name", "Bob\r\nBcc: x@y.z"),
    ("subject", "hi\r\nBcc: evil@example.com"),
])
def test_the_parse_back_check_stops_what_the_first_check_missed(lumen_drafts, monkeypatch,
                                                                 field, value):
    """Even without the field checks, no message with an extra header is ever returned."""
    _app, _rnd, prepared = lumen_drafts
    monkeypatch.setattr(mail_program, "check_text", lambda text, what, field="": text)
    update_draft(prepared[1].email_id, **{field: value})
    try:
        data = mail_program.eml_bytes(prepared[1].email_id, "Sam", "sam@example.com")
    except ValueError:  # HeaderProblem, or the email package's own refusal
        return
    message = _parse(data)
    assert "Bcc" not in message
    assert sorted(k.lower() for k in message) == sorted(
        ["from", "to", "subject", "date", "x-unsent", "mime-version", "content-type"])
    assert [a.addr_spec for a in message["To"].addresses] == [prepared[1].to_address]


# -- a reply's thread -----------------------------------------------------------------------------

PARENT = "<reply.7@lumen-analytics.example>"


def set_thread(email_id: int, in_reply_to: str, references: str) -> None:
    """What a reply written from a message stores (the composer never edits it)."""
    Email.update(in_reply_to=in_reply_to, references=references).where(
        Email.id == email_id).execute()
FIRST = "<note.1@example.com>"


def test_a_replys_eml_and_mailto_carry_its_thread(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    draft = prepared[1].email_id
    set_thread(draft, PARENT, f"{FIRST} {PARENT}")
    message = _parse(mail_program.eml_bytes(draft, "Sam", "sam@example.com"))
    assert str(message["In-Reply-To"]) == PARENT
    assert str(message["References"]).split() == [FIRST, PARENT]
    query = parse_qs(urlsplit(mailto_url(draft)).query, strict_parsing=True)
    assert query["In-Reply-To"] == [PARENT]
    assert query["References"] == [f"{FIRST} {PARENT}"]


def test_a_malformed_thread_is_left_out_not_written(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    draft = prepared[1].email_id
    set_thread(draft, "<broken\r\nBcc: x@y.z>", FIRST)
    message = _parse(mail_program.eml_bytes(draft, "Sam", "sam@example.com"))
    assert "In-Reply-To" not in message and "References" not in message
    assert "In-Reply-To" not in parse_qs(urlsplit(mailto_url(draft)).query)
