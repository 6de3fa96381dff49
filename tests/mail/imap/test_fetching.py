"""Which parts of a large message are fetched, and how they are put together again.

The structures are parsed from real ``BODYSTRUCTURE`` response text by
IMAPClient's own parser, as the server's answer would be; fetching itself is
tested against the real Dovecot server in test_mail_pass.py.
"""

from __future__ import annotations

from imapclient.response_parser import parse_fetch_response

from services.mail.imap.fetching import reassemble, text_sections
from services.mail.inbox.inbound import parse_message


def _structure(text: bytes):
    parsed = parse_fetch_response([b"1 (UID 1 BODYSTRUCTURE " + text + b")"])
    return parsed[1][b"BODYSTRUCTURE"]


MIXED = (b'(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 120 4 NIL NIL NIL NIL)'
         b'("APPLICATION" "PDF" ("NAME" "cv.pdf") NIL NIL "BASE64" 20000000 NIL NIL NIL NIL)'
         b'("TEXT" "CALENDAR" ("CHARSET" "utf-8" "METHOD" "REQUEST") NIL NIL "7BIT" 900 20'
         b' NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)')

NESTED = (b'((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 300 9 NIL NIL'
          b' NIL NIL)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 900 20 NIL'
          b' NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "b2") NIL NIL NIL)'
          b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 5000000 NIL NIL NIL NIL)'
          b' "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)')


def test_only_text_parts_are_fetched_calendar_first():
    assert text_sections(_structure(MIXED)) == ["3", "1"]


def test_nested_text_parts_are_numbered_by_their_path():
    assert text_sections(_structure(NESTED)) == ["1.1", "1.2"]


def test_a_single_part_message_is_section_one():
    single = b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 400000 9000 NIL NIL NIL NIL)'
    assert text_sections(_structure(single)) == ["1"]


def test_a_message_without_text_parts_fetches_nothing_but_its_header():
    only_pdf = b'("APPLICATION" "PDF" ("NAME" "x.pdf") NIL NIL "BASE64" 9000000 NIL NIL NIL NIL)'
    assert text_sections(_structure(only_pdf)) == []


def test_a_reassembled_message_reads_like_the_original():
    header = (b"From: Mira Hoffmann <mira@lumen.example>\r\nTo: you@example.org\r\n"
              b"Subject: Next steps\r\nMessage-ID: <a1@lumen.example>\r\n"
              b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary="b1"\r\n\r\n')
    parts = [
        (b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: '
         b"quoted-printable\r\n\r\n", b"We would like to invite you =E2=80=94 Thursday.\r\n"),
        (b"Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n",
         b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    ]
    message = parse_message(reassemble(header, parts))
    assert message.message_id == "<a1@lumen.example>"
    assert message.subject == "Next steps"
    assert "invite you \u2014 Thursday" in message.text
    assert message.has_calendar
    assert "BEGIN:VCALENDAR" in message.calendar_text
