"""Building the message: UTF-8 headers, both parts, and the parse-back guard against injection."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from services.mail import message as mail_message
from services.mail.account import Account
from services.mail.headers import HeaderProblem, address_problem, control_characters
from services.mail.message import MessageFields, build_message, html_body, prepare

ACCOUNT = Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587, "starttls",
                  "zoe@example.com")
FIELDS = MessageFields(
    to_name="José Álvarez",
    to_address="jose@example.org",
    subject="Merci pour l'entretien – José",
    body="Bonjour José,\n\nMerci pour votre temps <aujourd'hui> & hier.\nÀ bientôt,\nZoé",
)
ENCODED_WORD_ATTACK = "=?utf-8?q?hi=0ABcc:_evil@example.com?="


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def test_message_has_exactly_the_expected_headers_and_parts():
    prepared = prepare(FIELDS, ACCOUNT)
    parsed = parse(prepared.data)
    assert sorted(k.lower() for k in parsed) == sorted(mail_message.EXPECTED_HEADERS)
    assert str(parsed["Subject"]) == FIELDS.subject
    assert parsed["To"].addresses[0].display_name == "José Álvarez"
    assert parsed["From"].addresses[0].display_name == "Zoé Durand"
    assert parsed["Message-ID"] == prepared.message_id
    assert prepared.message_id.endswith("@example.com>")
    assert (prepared.sender, prepared.recipient) == ("zoe@example.com", "jose@example.org")
    assert parsed.get_content_type() == "multipart/alternative"
    plain = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Merci pour votre temps <aujourd'hui> & hier." in plain
    assert "<p>Bonjour José,</p>" in html
    assert "Merci pour votre temps &lt;aujourd&#x27;hui&gt; &amp; hier.<br>" in html
    # 7-bit clean on the wire: encoded words in headers, quoted-printable bodies.
    assert prepared.data.isascii()
    assert b"\r\n" in prepared.data and b"\n" not in prepared.data.replace(b"\r\n", b"")


def test_existing_message_id_is_reused():
    first = prepare(FIELDS, ACCOUNT)
    again = prepare(FIELDS._replace(message_id=first.message_id), ACCOUNT)
    assert again.message_id == first.message_id
    assert parse(again.data)["Message-ID"] == first.message_id


def test_build_message_accepts_a_row_or_a_mapping():
    class Row:
        to_name = "José"
        to_address = "jose@example.org"
        subject = "Thanks"
        body = "Hi"
        message_id = None

    assert build_message(Row(), ACCOUNT)["To"].addresses[0].addr_spec == "jose@example.org"
    message = build_message({"to_address": "a@example.org", "subject": "S", "body": "B"},
                            ACCOUNT)
    assert str(message["To"]) == "a@example.org"


def test_empty_subject_is_refused():
    with pytest.raises(HeaderProblem, match="subject"):
        prepare(FIELDS._replace(subject="   "), ACCOUNT)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": ENCODED_WORD_ATTACK}, "subject"),
        ({"subject": "Thanks\r\nBcc: evil@example.com"}, "subject"),
        ({"subject": "Thanks\rBcc: evil@example.com"}, "subject"),
        ({"subject": "Thanks\x00"}, "subject"),
        ({"subject": "Thanks\tagain"}, "subject"),
        ({"subject": "Thanks\x85Bcc: evil@example.com"}, "subject"),
        ({"subject": "Thanks\u2028Bcc: evil@example.com"}, "subject"),
        ({"to_name": "José\nBcc: evil@example.com"}, "to_name"),
        ({"to_name": "=?utf-8?b?Sm9zw6kKQmNjOiBldmlsQGV4YW1wbGUuY29t?="}, "to_name"),
        ({"to_address": "Bob <b@example.org>\r\nBcc: x@example.com"}, "to_address"),
        ({"to_address": "jose@example.org, evil@example.com"}, "to_address"),
        ({"to_address": "jose@example.org evil@example.com"}, "to_address"),
        ({"to_address": "José <jose@example.org>"}, "to_address"),
        ({"to_address": "<jose@example.org>"}, "to_address"),
        ({"to_address": "jose@example.org (comment)"}, "to_address"),
        ({"to_address": "\"jose@x\"@example.org"}, "to_address"),
        ({"to_address": "jose@[127.0.0.1]"}, "to_address"),
        ({"to_address": "josé@example.org"}, "to_address"),
        ({"to_address": "jose@example"}, "to_address"),
        ({"to_address": "jose..a@example.org"}, "to_address"),
        ({"to_address": ""}, "to_address"),
    ],
)
def test_unsafe_fields_are_refused_with_a_sentence(changes, field):
    with pytest.raises(HeaderProblem) as caught:
        prepare(FIELDS._replace(**changes), ACCOUNT)
    assert caught.value.field == field
    assert caught.value.message.endswith(".")


def test_unsafe_sender_is_refused():
    with pytest.raises(HeaderProblem):
        prepare(FIELDS, ACCOUNT._replace(sender_name="Zoé\r\nBcc: evil@example.com"))
    with pytest.raises(HeaderProblem):
        prepare(FIELDS, ACCOUNT._replace(sender_address="zoe@example.com\nBcc: e@example.com"))


def test_parse_back_catches_the_cve_even_without_the_first_checks(monkeypatch):
    """Python 3.11.7 turns the encoded word into a real Bcc header; verify() must see it."""
    monkeypatch.setattr(mail_message, "check_text", lambda text, what, field="": text.strip())
    with pytest.raises(HeaderProblem) as caught:
        prepare(FIELDS._replace(subject=ENCODED_WORD_ATTACK), ACCOUNT)
    assert "stray line break" in caught.value.message
    with pytest.raises(HeaderProblem):
        prepare(FIELDS._replace(to_name="=?utf-8?q?Jos=C3=A9=0ABcc:_evil@example.com?="),
                ACCOUNT)

    # Even if the injected line break were a proper CRLF, the header check refuses it.
    seen = {}
    real_verify = mail_message.verify

    def capture(data, **expected):
        seen.update(expected, data=data)
        return real_verify(data, **expected)

    monkeypatch.setattr(mail_message, "verify", capture)
    with pytest.raises(HeaderProblem):
        prepare(FIELDS._replace(subject=ENCODED_WORD_ATTACK), ACCOUNT)
    data = seen.pop("data")
    assert b"\nBcc: evil@example.com\r\n" in data  # the bug, reproduced
    normalised = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with pytest.raises(HeaderProblem) as caught:
        real_verify(normalised, **seen)
    assert "unexpected headers (bcc)" in caught.value.message


def test_verify_refuses_a_second_recipient_or_a_changed_subject():
    prepared = prepare(FIELDS, ACCOUNT)
    expected = {
        "sender": ("Zoé Durand", "zoe@example.com"),
        "recipient": ("José Álvarez", "jose@example.org"),
        "subject": FIELDS.subject,
        "message_id": prepared.message_id,
    }
    mail_message.verify(prepared.data, **expected)
    header, _, rest = prepared.data.partition(b"\r\n\r\n")
    tampered = [
        header.replace(b"To: ", b"To: evil@example.com, ", 1),
        header + b"\r\nBcc: evil@example.com",
        header + b"\r\nCc: evil@example.com",
        header + b"\r\nTo: evil@example.com",
        header.replace(b"Subject: ", b"Subject: Re: ", 1),
        header + b"\r\nX-Extra: 1",
    ]
    for head in tampered:
        with pytest.raises(HeaderProblem):
            mail_message.verify(head + b"\r\n\r\n" + rest, **expected)
    with pytest.raises(HeaderProblem):
        mail_message.verify(prepared.data.replace(b"\r\n", b"\n", 1), **expected)


def test_html_body_paragraphs_and_escaping():
    html = html_body("One <b>\nline two\n\n\n  Two & three  \n")
    assert "<p>One &lt;b&gt;<br>\nline two</p>\n<p>Two &amp; three</p>" in html
    assert html_body("") .count("<p>") == 0


@pytest.mark.parametrize(
    "address", ["a@example.org", "first.last+tag@sub.example.co.uk", "o'brien@example.ie",
                "x_y-z@xn--bcher-kva.example"])
def test_plain_addresses_are_accepted(address):
    assert address_problem(address) is None


def test_control_characters_are_named():
    assert control_characters("a\r\nb\x00") == ["U+000D", "U+000A", "U+0000"]
    assert control_characters("José – ok") == []


names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(subject=names, to_name=names, sender_name=names)
# Found by hypothesis: the email package split this name at its space into two encoded
# words, and an RFC 2047 reader drops the space between them.
@example(subject="0", to_name="", sender_name="0" + "\u0800" * 14 + " \u00a1")
def test_any_text_is_either_refused_or_round_trips_exactly(subject, to_name, sender_name):
    """Whatever the user types: a HeaderProblem, or a message that reads back exactly."""
    fields = FIELDS._replace(subject=subject, to_name=to_name)
    try:
        prepared = prepare(fields, ACCOUNT._replace(sender_name=sender_name))
    except HeaderProblem:
        return
    parsed = parse(prepared.data)
    assert sorted(k.lower() for k in parsed) == sorted(mail_message.EXPECTED_HEADERS)
    assert str(parsed["Subject"]) == subject.strip()
    assert read_raw(prepared.data, "Subject") == subject.strip()
    [to] = parsed["To"].addresses
    assert to.addr_spec == "jose@example.org"
    assert read_name(prepared.data, "To", to.display_name) == to_name.strip()
    [sender] = parsed["From"].addresses
    assert read_name(prepared.data, "From", sender.display_name) == sender_name.strip()


def raw_header(data: bytes, header: str) -> str:
    """The unfolded value of ``header`` as it stands in ``data``."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n ", " ")
    raw = next(line for line in head.split("\r\n") if line.startswith(f"{header}: "))
    return raw[len(header) + 2:]


def read_raw(data: bytes, header: str) -> str:
    """An unstructured header decoded the RFC 2047 way (whitespace between encoded words
    dropped), as a mail client reads it."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(raw_header(data, header))))


def read_name(data: bytes, header: str, parsed_name: str) -> str:
    """The display name as a mail client reads it. Python 3.11's address parser puts a space
    between adjacent encoded words (a long non-ASCII name folded inside a word); RFC 2047
    readers join them. Where the two differ, the raw header is decoded the RFC 2047 way."""
    from email.header import decode_header, make_header

    display = raw_header(data, header).rsplit(" <", 1)[0]
    if "=?" not in display or display.startswith('"'):
        return parsed_name
    joined = str(make_header(decode_header(display)))
    assert "".join(joined.split()) == "".join(parsed_name.split())  # only spaces differ
    return joined
