"""parse_message: what the watcher hands over, and that no message can make it raise.

The fuzz tests build broken MIME, unknown charsets, deep nesting, huge parts
and header encoded-word tricks; every message must parse without an exception
and with at most MAX_TEXT_BYTES of text.
"""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import clock
from services.mail.inbox.html_text import html_to_text
from services.mail.inbox.inbound import MAX_TEXT_BYTES, InboundMessage, parse_message

SETTINGS = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def raw(headers: str, body: str | bytes, content_type: str = "text/plain; charset=utf-8") -> bytes:
    """A message from header lines and a body (str bodies are written as UTF-8)."""
    head = headers.strip("\n").replace("\n", "\r\n")
    data = body.encode("utf-8") if isinstance(body, str) else body
    return (f"{head}\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
            .encode() + data)


def assert_sound(message: InboundMessage) -> None:
    assert isinstance(message, InboundMessage)
    assert len(message.text.encode("utf-8")) <= MAX_TEXT_BYTES
    assert message.date.tzinfo is not None
    for value in (message.subject, message.from_name, message.from_address, message.list_id):
        assert "\n" not in value and "\r" not in value


def test_fields_of_a_reply():
    message = parse_message(raw("""
From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <Joerg.Mueller@Example.COM>
To: Jana Keller <jana@posteo.de>, team@example.com
Cc: hr@example.com
Subject: =?UTF-8?Q?AW:_Vielen_Dank_f=C3=BCr_das_Gespr=C3=A4ch?=
Date: Tue, 1 Dec 2026 15:12:40 +0100
Message-ID: <abc@example.com>
In-Reply-To: <sent-1@posteo.de>
References: <older@posteo.de>
 <sent-1@posteo.de>
""", "Hallo Frau Keller,\n\ndanke.\n"))
    assert message.from_name == "Jörg Müller"
    assert message.from_address == "joerg.mueller@example.com"
    assert message.sender_domain == "example.com"
    assert message.to == ("jana@posteo.de", "team@example.com")
    assert message.cc == ("hr@example.com",)
    assert message.subject == "AW: Vielen Dank für das Gespräch"
    assert message.date == datetime(2026, 12, 1, 14, 12, 40, tzinfo=UTC)
    assert message.message_id == "<abc@example.com>"
    assert message.in_reply_to == "<sent-1@posteo.de>"
    assert message.references == ("<older@posteo.de>", "<sent-1@posteo.de>")
    assert message.text == "Hallo Frau Keller,\n\ndanke.\n"
    assert not message.has_calendar


def test_newsletter_and_automatic_headers_are_kept():
    message = parse_message(raw("""
From: news@example.com
List-Id: Weekly <weekly.example.com>
List-Unsubscribe: <https://example.com/u>
Precedence: Bulk
Auto-Submitted: auto-generated
""", "hello"))
    assert message.list_id == "Weekly <weekly.example.com>"
    assert message.list_unsubscribe == "<https://example.com/u>"
    assert message.precedence == "bulk"
    assert message.auto_submitted == "auto-generated"
    assert parse_message(raw("From: a@b.example\nX-Autoreply: yes", "x")).auto_submitted == \
        "auto-replied"


def test_plain_text_is_preferred_to_html():
    body = ("--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nthe plain words\r\n"
            "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>the html words</p>\r\n"
            "--b--\r\n")
    message = parse_message(raw("From: a@b.example", body, 'multipart/alternative; boundary="b"'))
    assert message.text.strip() == "the plain words"


def test_html_only_becomes_text_with_its_quote_marked():
    html = ("<html><head><style>p{color:red}</style><title>T</title></head><body>"
            "<p>Hi <b>Jana</b>,</p><p>thanks&nbsp;for the note.</p><script>x()</script>"
            "<div>On Tue, Jana wrote:</div><blockquote><p>my own note</p></blockquote></body>")
    message = parse_message(raw("From: a@b.example", html, "text/html; charset=utf-8"))
    assert message.text == ("Hi Jana,\n\nthanks for the note.\n\n"
                            "On Tue, Jana wrote:\n\n> my own note")
    assert html_to_text("<p>unclosed <b>bold <!-- comment").startswith("unclosed bold")
    assert html_to_text("<![if !supportLists]><p>a</p><!x></b></blockquote>") == "a"


def test_unknown_and_wrong_charsets_fall_back():
    utf8 = "Grüße aus Köln".encode()
    assert parse_message(raw("From: a@b.example", utf8,
                             "text/plain; charset=x-klingon")).text == "Grüße aus Köln"
    latin = "Grüße aus Köln".encode("latin-1")
    assert parse_message(raw("From: a@b.example", latin,
                             "text/plain; charset=x-klingon")).text == "Grüße aus Köln"
    assert parse_message(raw("From: a@b.example", utf8,
                             "text/plain; charset=us-ascii")).text == "Grüße aus Köln"
    assert parse_message(raw("From: a@b.example", b"caf\xe9",
                             "text/plain; charset=rot13")).text == "café"


def test_calendar_part_is_noted_and_kept_apart_and_attachments_ignored():
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    body = ("--m\r\nContent-Type: text/plain\r\n\r\nSee the invitation.\r\n"
            "--m\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n" + calendar +
            "--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; "
            "filename=cv.txt\r\n\r\nMY ATTACHED CV\r\n--m--\r\n")
    message = parse_message(raw("From: a@b.example", body, 'multipart/mixed; boundary="m"'))
    assert message.has_calendar
    assert "METHOD:REQUEST" in message.calendar_text
    assert "VCALENDAR" not in message.text
    assert "ATTACHED" not in message.text
    assert "See the invitation." in message.text


def test_text_is_cut_at_256_kb_without_breaking_a_character():
    message = parse_message(raw("From: a@b.example", "ä" * 400_000))
    encoded = message.text.encode("utf-8")
    assert MAX_TEXT_BYTES - 2 <= len(encoded) <= MAX_TEXT_BYTES
    assert set(message.text) == {"ä"}


def test_a_message_without_a_usable_date_gets_the_moment_it_is_read():
    instant = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    clock.pin(instant)
    assert parse_message(raw("From: a@b.example", "x")).date == instant
    assert parse_message(raw("From: a@b.example\nDate: the day after tomorrow", "x")).date == \
        instant
    naive = parse_message(raw("From: a@b.example\nDate: Tue, 1 Dec 2026 15:12:40 -0000", "x"))
    assert naive.date == datetime(2026, 12, 1, 15, 12, 40, tzinfo=UTC)


def test_a_display_name_cannot_pass_for_the_address():
    message = parse_message(raw(
        "From: =?utf-8?q?priya=2Eraman=40lumen-analytics=2Ecom?= <phish@evil.example>", "x"))
    assert message.from_address == "phish@evil.example"
    assert message.from_name == "priya.raman@lumen-analytics.com"


def test_encoded_words_cannot_add_header_lines():
    message = parse_message(raw(
        "From: a@b.example\nTo: jana@posteo.de\n"
        "Subject: =?utf-8?q?hi=0D=0ABcc:_evil@example.com?=", "x"))
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.cc == ()
    assert message.to == ("jana@posteo.de",)


def test_a_20_mb_attachment_is_skipped():
    attachment = base64.encodebytes(os.urandom(20 * 1024 * 1024))
    body = (b"--x\r\nContent-Type: text/plain\r\n\r\nthe words\r\n--x\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
            b"filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" + attachment +
            b"\r\n--x--\r\n")
    message = parse_message(raw("From: a@b.example", body, 'multipart/mixed; boundary="x"'))
    assert message.text.strip() == "the words"


def test_a_20_mb_text_part_is_cut():
    message = parse_message(raw("From: a@b.example", "word " * 4_000_000))
    assert_sound(message)
    assert len(message.text.encode()) == MAX_TEXT_BYTES


def nested(depth: int) -> bytes:
    body = b"Content-Type: text/plain\r\n\r\nthe innermost words\r\n"
    for level in range(depth):
        boundary = f"level{level}".encode()
        body = (b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n--" +
                boundary + b"\r\n" + body + b"\r\n--" + boundary + b"--\r\n")
    return b"From: a@b.example\r\nMIME-Version: 1.0\r\n" + body


def test_100_nested_parts_are_read_and_deeper_ones_never_raise():
    assert parse_message(nested(100)).text.strip() == "the innermost words"
    for depth in (300, 1200):
        assert_sound(parse_message(nested(depth)))


CHARSETS = st.sampled_from(["utf-8", "latin-1", "x-unknown", "utf-16", "base64", "rot13",
                            "", "utf-8\x00", "windows-1252", "gb2312", "ascii", "utf-7"])
ENCODINGS = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uuencode",
                             "binary", "garbage"])
TYPES = st.sampled_from(["text/plain", "text/html", "text/calendar", "multipart/mixed",
                         "multipart/alternative", "message/rfc822", "application/pdf", "",
                         "text/", "/", "text/plain; charset", 'multipart/mixed; boundary=""'])
ENCODED_WORDS = st.builds(
    lambda charset, kind, payload: f"=?{charset}?{kind}?{payload}?=",
    CHARSETS, st.sampled_from(["q", "b", "Q", "B", "x", ""]),
    st.text(st.characters(codec="ascii", exclude_characters="\r\n"), max_size=40))


def part(content_type: str, encoding: str, charset: str, payload: bytes, disposition: str) -> bytes:
    """One MIME part with the given (possibly nonsensical) headers."""
    header = f"Content-Type: {content_type}; charset=\"{charset}\"\r\n"
    header += f"Content-Transfer-Encoding: {encoding}\r\n"
    if disposition:
        header += f"Content-Disposition: {disposition}\r\n"
    return header.encode("utf-8", "surrogatepass") + b"\r\n" + payload


PARTS = st.builds(part, TYPES, ENCODINGS, CHARSETS, st.binary(max_size=300),
                  st.sampled_from(["", "attachment", "inline", "attachment; filename=\"a"]))


@SETTINGS
@given(st.lists(PARTS, max_size=8), st.lists(ENCODED_WORDS, max_size=4), st.booleans(),
       st.sampled_from(["b1", "", "b1\r\n", "x" * 80]))
def test_fuzz_broken_mime_never_raises(parts, words, close, boundary):
    headers = (f"From: {' '.join(words)} <a@b.example>\r\nTo: {' '.join(words)}\r\n"
               f"Subject: {' '.join(words)}\r\nDate: {' '.join(words)}\r\n"
               f"References: {' '.join(words)}\r\nMIME-Version: 1.0\r\n"
               f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    body = b"".join(b"--b1\r\n" + p + b"\r\n" for p in parts) + (b"--b1--\r\n" if close else b"")
    assert_sound(parse_message(headers.encode("utf-8", "surrogatepass") + body))


@SETTINGS
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes_never_raise(data):
    assert_sound(parse_message(data))
    assert_sound(parse_message(b"Content-Type: multipart/mixed; boundary=z\r\n\r\n" + data))


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["From", "Subject", "To", "Date", "Message-ID",
                                                 "Content-Type", "List-Id", "Auto-Submitted"]))
def test_fuzz_header_values_never_raise(value, name):
    assert_sound(parse_message(f"{name}: {value}\r\n\r\nbody".encode("utf-8", "surrogatepass")))
