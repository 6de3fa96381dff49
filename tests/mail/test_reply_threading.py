"""Replies in the same thread: which Message-IDs a reply names (:func:`thread_ids`), the
``In-Reply-To`` and ``References`` headers as written and proved by ``prepare``, the reply
draft (:func:`start_reply`), and a reply sent through the real loopback SMTP server
(tests/support/smtp_server.py) that arrives threaded, whose own answer is then matched to
the application by its thread.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesHeaderParser, BytesParser

import pytest

from models.application import Application
from models.email import Email
from services.mail import sender as mail_sender
from services.mail.account import Account
from services.mail.drafting import start_reply
from services.mail.headers import HeaderProblem
from services.mail.inbox import actions
from services.mail.inbox.keeping import take_messages
from services.mail.message import MAX_LINE_BYTES, MessageFields, prepare, thread_ids, verify
from tests.mail.inbox.inbox_data import message
from tests.mail.inbox_ui_data import PRIYA_REPLY, add_replies, in_inbox
from tests.mail.sender_support import send
from tests.support.smtp_server import mail_server_fixture  # noqa: F401  (a fixture, by name)

ACCOUNT = Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587, "starttls",
                  "zoe@example.com")
FIELDS = MessageFields(to_name="José Álvarez", to_address="jose@example.org",
                       subject="Re: Merci pour l'entretien", body="Bonjour José,\n\nMerci.")
PARENT = "<CAH7pR4m0Q2wK1x+Zt9e6F@mail.gmail.com>"
FIRST = "<178914406512.31877.4412093318874123551@posteo.de>"
#: An Outlook-style Message-ID longer than a folded header line.
LONG_ID = ("<" + "DB8PR10MB3412A0B7C6E51C92D0E4E1AC8E441" * 2
           + "@DB8PR10MB3412.EURPRD10.PROD.OUTLOOK.COM>")


def raw_headers(data: bytes):
    """The headers as written on the wire (encoded words left as they are)."""
    return BytesHeaderParser(policy=policy.compat32).parsebytes(data)


# -- which IDs a reply names --------------------------------------------------------------------
def test_the_thread_ends_with_the_message_answered():
    assert thread_ids(PARENT, FIRST) == (PARENT, (FIRST, PARENT))
    assert thread_ids(PARENT, f"{FIRST} {PARENT} {FIRST}") == (PARENT, (FIRST, PARENT))
    assert thread_ids(f"  {PARENT}\r\n", "") == (PARENT, (PARENT,))
    assert thread_ids(PARENT, f"{FIRST}<b@c.example>") == (PARENT, (FIRST, "<b@c.example>",
                                                                    PARENT))


@pytest.mark.parametrize("bad", ["", "no-brackets@example.com", "<no-at-sign>",
                                 "<a@b>\r\nBcc: evil@example.com", "<a b@c>", "<ä@b.example>",
                                 "<" + "a" * 300 + "@b.example>", "<a@b> <c@d>"])
def test_a_malformed_message_id_is_not_threaded(bad):
    assert thread_ids(bad, FIRST) == ("", ())


def test_malformed_references_are_left_out_and_long_threads_keep_first_and_latest():
    refs = " ".join([FIRST, "<broken", "junk", "<x y@z>", "=?utf-8?q?a?=",
                     *(f"<{n}.x@example.org>" for n in range(40))])
    parent, kept = thread_ids(PARENT, refs)
    assert parent == PARENT and len(kept) == 20
    assert kept[0] == FIRST and kept[-1] == PARENT
    assert list(kept[1:-1]) == [f"<{n}.x@example.org>" for n in range(22, 40)]


# -- the headers as written ------------------------------------------------------------------------
def test_a_reply_carries_both_headers_once_unencoded_and_folded():
    refs = " ".join([FIRST, LONG_ID, *(f"<{n}.abcdefghij@example.com>" for n in range(12))])
    prepared = prepare(FIELDS._replace(in_reply_to=LONG_ID, references=refs), ACCOUNT)
    names = [name.lower() for name in BytesParser(policy=policy.default).parsebytes(
        prepared.data)]
    assert names.count("in-reply-to") == 1 and names.count("references") == 1
    raw = raw_headers(prepared.data)
    assert raw["In-Reply-To"] == LONG_ID
    expected = [FIRST, *(f"<{n}.abcdefghij@example.com>" for n in range(12)), LONG_ID]
    assert raw["References"].split() == expected
    assert "=?" not in raw["References"] and "=?" not in raw["In-Reply-To"]
    head = prepared.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    references = [line for line in head if line.startswith(b"References:")]
    start = head.index(references[0])
    assert head[start + 1].startswith(b" ")  # folded between IDs
    assert all(len(line) <= MAX_LINE_BYTES for line in head)
    assert all(len(line) <= 78 for line in head[start:start + 3] if LONG_ID.encode() not in line)


def test_a_message_that_answers_nothing_has_neither_header():
    for fields in (FIELDS, FIELDS._replace(in_reply_to="not an id", references=FIRST)):
        data = prepare(fields, ACCOUNT).data
        assert b"In-Reply-To" not in data and b"References" not in data


def test_verify_refuses_threading_headers_that_differ_from_the_thread():
    prepared = prepare(FIELDS._replace(in_reply_to=PARENT, references=FIRST), ACCOUNT)
    expected = {"sender": ("Zoé Durand", "zoe@example.com"),
                "recipient": ("José Álvarez", "jose@example.org"), "subject": FIELDS.subject,
                "message_id": prepared.message_id, "thread": (PARENT, (FIRST, PARENT))}
    verify(prepared.data, **expected)
    head, _, rest = prepared.data.partition(b"\r\n\r\n")
    tampered = [
        head.replace(PARENT.encode(), b"<other@example.com>", 1),
        head.replace(b"References: " + FIRST.encode(),
                     b"References: =?utf-8?q?=3C178914406512=2E31877=2E4412093318874123551"
                     b"=40posteo=2Ede=3E?=", 1),
        head + b"\r\nReferences: <x@example.com>",
    ]
    for changed in tampered:
        assert changed != head
        with pytest.raises(HeaderProblem):
            verify(changed + b"\r\n\r\n" + rest, **expected)
    with pytest.raises(HeaderProblem):  # a reply's headers where none were asked for
        verify(prepared.data, **{**expected, "thread": ("", ())})


# -- the reply draft ----------------------------------------------------------------------------
def test_start_reply_writes_a_threaded_draft_once(store):
    add_replies(PRIYA_REPLY)
    view = in_inbox("Lumen Analytics GmbH")
    in_reply_to, references = view.reply_headers()
    draft = start_reply(view.application_id, to_name=view.from_name, to_address=view.from_address,
                        subject="Next steps", in_reply_to=in_reply_to, references=references,
                        quoted_text="Line one\nLine two", quoted_sent_at=view.sent_at)
    assert draft.subject == "Re: Next steps" and draft.to_address == view.from_address
    assert draft.body.startswith("Dear Priya,\n\n")
    assert "Priya Raman wrote:\n> Line one\n> Line two\n" in draft.body
    row = Email.get_by_id(draft.email_id)
    assert row.in_reply_to == view.message_id and row.round_id is None
    assert row.references.split() == [FIRST, view.message_id]
    again = start_reply(view.application_id, to_name="x", to_address="y@example.org",
                        subject="AW: other", in_reply_to=in_reply_to, references=references)
    assert again.email_id == draft.email_id  # the reply being written is reused
    other = start_reply(view.application_id, to_name="", to_address="hr@example.org",
                        subject="AW: Termin", in_reply_to="", references="")
    assert other.email_id != draft.email_id and other.subject == "AW: Termin"
    assert other.body.startswith("Hello,")


def test_a_reply_sent_through_smtp_arrives_threaded_and_its_answer_finds_the_application(
        store, mail_server):
    replies = add_replies(PRIYA_REPLY)
    view = in_inbox("Lumen Analytics GmbH")
    in_reply_to, references = view.reply_headers()
    draft = start_reply(view.application_id, to_name=view.from_name, to_address=view.from_address,
                        subject=view.subject, in_reply_to=in_reply_to, references=references,
                        quoted_text=view.text, quoted_sent_at=view.sent_at)
    assert mail_sender.queue([draft.email_id]) == [draft.email_id]
    assert send(mail_server, draft.email_id).state.value == "sent"
    (received,) = mail_server.messages
    raw = raw_headers(received.data)
    assert raw["In-Reply-To"] == view.message_id
    assert raw["References"].split() == [FIRST, view.message_id]
    assert received.message["Subject"] == view.subject
    sent_id = Email.get_by_id(draft.email_id).message_id
    assert received.message["Message-ID"] == sent_id
    # Priya answers the reply: her message names ours, and the thread finds Lumen again.
    answer = message("Thanks, see you then.", subject=f"Re: {view.subject}",
                     message_id="<answer.2@lumen-analytics.com>",
                     headers=f"In-Reply-To: {sent_id}\r\nReferences: {FIRST} {view.message_id} "
                             f"{sent_id}")
    (taken,) = take_messages([(answer.replace(b"priya.raman@", b"someone.else@"), "INBOX")])
    assert taken.kept and taken.application_uid == replies.search.lumen.uid
    assert taken.match_reason.startswith("It answers a note you sent from Next Steps")
    assert Application.get_by_id(replies.search.lumen.id).stage == "awaiting_response"
    assert len(actions.messages_for(replies.search.lumen.id)) == 2
