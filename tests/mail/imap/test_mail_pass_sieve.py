"""A pass reads a few header fields first: mail no application can match is stored as read
from them alone, its body never fetched (a real Dovecot mailbox, every fetch recorded)."""

from __future__ import annotations

import pytest

from models.inbox import IgnoredMessage, InboxMessage
from services.mail.imap.connection import close_imap, open_imap
from services.mail.imap.imap_account import ImapAccount
from services.mail.imap.mail_pass import run_pass
from tests.mail.inbox.inbox_data import PRIYA, add_search, message

pytestmark = pytest.mark.slow

STRANGER = message("Our spring sale starts today. " * 4000, sender="Shop <deals@shop.example>",
                   subject="Spring sale", message_id="<sale.1@shop.example>")
NO_ID = message("A note without a Message-ID.", sender="Mira <mira@mail.example>",
                subject="Hello", message_id=None)
REPLY = message("Thank you for your patience.", sender=f"Priya Raman <{PRIYA}>",
                subject="Your interview", message_id="<reply.1@lumen-analytics.com>")


@pytest.fixture
def client(store, imap_server, imap_user):
    """A logged-in client whose fetches are recorded in ``client.asked``."""
    add_search()
    address, password = imap_user
    for raw in (STRANGER, NO_ID, REPLY):
        imap_server.append(address, password, raw)
    account = ImapAccount(host=imap_server.host, port=imap_server.tls_port, security="tls",
                          username=address, same_password=False, sent_folder="", folders=())
    opened = open_imap(account, password, tls_context=imap_server.client_context())
    fetch, opened.asked = opened.fetch, []

    def recorded(uids, items, *args, **kwargs):
        opened.asked.append((sorted(uids), [bytes(item) for item in items]))
        return fetch(uids, items, *args, **kwargs)

    opened.fetch = recorded
    yield opened
    close_imap(opened)


def test_mail_no_application_can_match_is_never_downloaded(client):
    result = run_pass(client)
    stranger, no_id, reply = 1, 2, 3
    bodies = {uid for uids, items in client.asked if any(b"HEADER.FIELDS" not in item
                                                         and b"BODY" in item for item in items)
              for uid in uids}
    assert stranger not in bodies
    assert {no_id, reply} <= bodies  # a made-up Message-ID needs the text; a reply is read
    assert [m.message_id for m in InboxMessage.select()] == ["<reply.1@lumen-analytics.com>"]
    ignored = {m.message_id for m in IgnoredMessage.select()}
    assert "<sale.1@shop.example>" in ignored and len(ignored) == 2
    assert result.read == 3 and [t.message_id for t in result.new_matches] == [
        "<reply.1@lumen-analytics.com>"]
