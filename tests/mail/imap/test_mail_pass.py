"""One pass over a real Dovecot mailbox: read-only, incremental, never doubled, never lost."""

from __future__ import annotations

import pytest

from models.inbox import IgnoredMessage, InboxMessage, MailFolder
from services.mail.imap import mail_pass
from services.mail.imap.connection import close_imap, open_imap
from services.mail.imap.imap_account import ImapAccount
from services.mail.imap.mail_pass import run_pass
from tests.mail.inbox.inbox_data import add_search, corpus, message

pytestmark = pytest.mark.slow

#: Corpus messages about add_search()'s applications: 18 answers the note sent to Priya.
ABOUT_SEARCH = (18,)


def account_for(server, address: str) -> ImapAccount:
    """The account that reaches ``server`` over implicit TLS as ``address``."""
    return ImapAccount(host=server.host, port=server.tls_port, security="tls",
                       username=address, same_password=False, sent_folder="", folders=())


@pytest.fixture
def search(store):
    return add_search()


@pytest.fixture
def mailbox(imap_server, imap_user, search):
    """A logged-in client on a fresh mailbox, and a way to fill it."""
    address, password = imap_user
    client = open_imap(account_for(imap_server, address), password,
                       tls_context=imap_server.client_context())

    def put(*raws: bytes) -> None:
        for raw in raws:
            imap_server.append(address, password, raw)

    yield client, put, (address, password)
    close_imap(client)


def reply(number: int, sender: str = "Priya Raman <priya.raman@lumen-analytics.com>",
          subject: str = "Your interview") -> bytes:
    """A reply from a known person, told apart by ``number``."""
    return message(f"Thank you for your patience. Update number {number}.", sender=sender,
                   subject=f"{subject} {number}",
                   message_id=f"<reply.{number}@lumen-analytics.com>")


NEWSLETTER = message("Ten tips for your next interview.", sender="Tips <news@careers.example>",
                     subject="Weekly tips", message_id="<news.1@careers.example>",
                     headers="List-Unsubscribe: <mailto:stop@careers.example>")


def test_a_pass_keeps_replies_ignores_the_rest_and_marks_nothing_read(mailbox, imap_server):
    client, put, (address, password) = mailbox
    put(corpus(18), NEWSLETTER, reply(1))
    result = run_pass(client)
    assert len(result.new_matches) == 2
    assert {m.message_id for m in InboxMessage.select()} == {
        "<reply.1@lumen-analytics.com>", parse_id(corpus(18))}
    assert [m.message_id for m in IgnoredMessage.select()] == ["<news.1@careers.example>"]
    assert all(b"\\Seen" not in flags
               for _uid, _raw, flags in imap_server.messages(address, password, "INBOX"))


def parse_id(raw: bytes) -> str:
    """The Message-ID of ``raw``."""
    from services.mail.inbox.inbound import parse_message

    return parse_message(raw).message_id


def test_the_next_pass_reads_only_what_is_new(mailbox):
    client, put, _user = mailbox
    put(reply(1))
    assert len(run_pass(client).new_matches) == 1
    assert run_pass(client).read == 0
    put(reply(2))
    again = run_pass(client)
    assert again.read == 1
    assert [t.message_id for t in again.new_matches] == ["<reply.2@lumen-analytics.com>"]
    assert InboxMessage.select().count() == 2


def test_a_restart_shows_no_message_twice(mailbox, imap_server, store, data_paths):
    client, put, (address, password) = mailbox
    put(reply(1), reply(2))
    run_pass(client)
    store.close()
    from services.core.store import open_store

    reopened = open_store(data_paths)
    try:
        fresh = open_imap(account_for(imap_server, address), password,
                          tls_context=imap_server.client_context())
        try:
            assert run_pass(fresh).read == 0 and run_pass(fresh).new_matches == []
        finally:
            close_imap(fresh)
        assert InboxMessage.select().count() == 2
    finally:
        reopened.close()


def test_a_changed_uidvalidity_reads_again_without_doubling(mailbox, imap_server):
    client, put, (address, password) = mailbox
    put(reply(1), reply(2))
    run_pass(client)
    before = MailFolder.get(MailFolder.name == "INBOX").uid_validity
    close_imap(client)
    imap_server.reset_uidvalidity(address, password)
    put(reply(3))
    fresh = open_imap(account_for(imap_server, address), password,
                      tls_context=imap_server.client_context())
    try:
        result = run_pass(fresh)
    finally:
        close_imap(fresh)
    assert MailFolder.get(MailFolder.name == "INBOX").uid_validity != before
    assert [t.message_id for t in result.new_matches] == ["<reply.3@lumen-analytics.com>"]
    assert result.looked_at == 3  # all read again; the two known ones skipped by Message-ID
    assert InboxMessage.select().count() == 3


def test_a_connection_dropped_mid_fetch_loses_nothing_and_doubles_nothing(
        mailbox, imap_server, monkeypatch):
    client, put, (address, password) = mailbox
    put(*(reply(n) for n in range(1, 13)))
    monkeypatch.setattr(mail_pass, "BATCH", 5)

    def drop_after_first_batch(count: int) -> None:
        if count == 5:
            imap_server.kick(address)

    with pytest.raises(Exception):  # noqa: B017 - whatever the client raises on a dropped line
        run_pass(client, progress=drop_after_first_batch)
    assert InboxMessage.select().count() == 5
    assert MailFolder.get(MailFolder.name == "INBOX").last_uid == 5
    fresh = open_imap(account_for(imap_server, address), password,
                      tls_context=imap_server.client_context())
    try:
        result = run_pass(fresh)
    finally:
        close_imap(fresh)
    assert len(result.new_matches) == 7
    assert InboxMessage.select().count() == 12


def test_a_large_message_is_read_without_its_attachment(mailbox):
    client, put, _user = mailbox
    attachment = b"QUJD" * (20 * 1024 * 1024 // 4)  # 20 MB of base64
    big = (b"From: Priya Raman <priya.raman@lumen-analytics.com>\r\n"
           b"To: jana.keller@posteo.de\r\nSubject: The documents\r\n"
           b"Message-ID: <big.1@lumen-analytics.com>\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
           b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
           b"We would like to offer you the position. Please find the contract attached.\r\n"
           b"--b1\r\nContent-Type: application/pdf; name=contract.pdf\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n" + attachment + b"\r\n--b1--\r\n")
    put(big)
    fetched = []
    real_fetch = client.fetch

    def counting_fetch(messages, data, modifiers=None):
        answer = real_fetch(messages, data, modifiers)
        fetched.append(sum(len(v) for item in answer.values() for v in item.values()
                           if isinstance(v, bytes)))
        return answer

    client.fetch = counting_fetch  # counts what the real server sent; fetches stay real
    result = run_pass(client)
    assert [t.message_id for t in result.new_matches] == ["<big.1@lumen-analytics.com>"]
    kept = InboxMessage.get(InboxMessage.message_id == "<big.1@lumen-analytics.com>")
    assert "offer you the position" in kept.text
    assert sum(fetched) < 300 * 1024


MALFORMED = [
    b"From: =?utf-8?q?Priya_=E2=80=AE?= <priya.raman@lumen-analytics.com>\r\nSubject: "
    b"=?unknown-8bit?b?w6TDpA==?=\r\nMessage-ID: <odd.1@x>\r\nContent-Type: text/plain; "
    b"charset=x-made-up\r\n\r\n\xff\xfe broken bytes\r\n",
    b"From: priya.raman@lumen-analytics.com\r\nMessage-ID: <odd.2@x>\r\nContent-Type: "
    b'multipart/mixed; boundary="never"\r\n\r\nno boundary ever comes\r\n',
    b"From: priya.raman@lumen-analytics.com\r\nMessage-ID: <odd.3@x>\r\n" + b"".join(
        b'Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n' % (n, n)
        for n in range(100)) + b"deep\r\n",
    b"\r\n\r\n",
    b"Subject: no sender, no id\r\n\r\nHello\r\n",
]


def test_malformed_mail_never_stops_a_pass(mailbox):
    client, put, _user = mailbox
    put(*MALFORMED, reply(9))
    result = run_pass(client)
    assert "<reply.9@lumen-analytics.com>" in {t.message_id for t in result.new_matches}
    assert result.looked_at == len(MALFORMED) + 1


def test_nothing_is_read_without_an_open_application(imap_server, imap_user, store):
    address, password = imap_user
    imap_server.append(address, password, reply(1))
    client = open_imap(account_for(imap_server, address), password,
                       tls_context=imap_server.client_context())
    try:
        assert run_pass(client).looked_at == 0
    finally:
        close_imap(client)
    assert InboxMessage.select().count() == 0


def test_a_10000_message_mailbox_is_read_once_completely(mailbox, imap_server):
    client, _put, (address, password) = mailbox
    raws = [message(f"Our newsletter, issue {n}.",
                    sender=f"Shop {n % 50} <news@shop{n % 50}.example>",
                    subject=f"Offers of the week {n}", message_id=f"<bulk.{n}@shop.example>")
            for n in range(9_990)]
    raws += [reply(n) for n in range(10)]
    imap_server.append_many(address, password, raws)
    result = run_pass(client)
    assert result.looked_at == 10_000
    assert len(result.new_matches) == 10
    assert InboxMessage.select().count() == 10
    assert IgnoredMessage.select().count() == 9_990
    assert run_pass(client).looked_at == 0
