"""Copies of sent notes in the Sent folder: the exact bytes that went out, once, flagged
seen; skipped for Gmail; a refused append never sends the note again."""

from __future__ import annotations

import pytest

from models.inbox import SentCopy
from services.core import settings
from services.mail import sender as mail_sender
from services.mail.imap.connection import close_imap, open_imap
from services.mail.imap.imap_account import ImapAccount
from services.mail.imap.sent_copy import append_pending, remember_copy
from tests.mail.sender_support import send
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    mail_server_fixture,
    make_emails,
    make_mail_server_fixture,
)

pytestmark = [pytest.mark.usefixtures("store"), pytest.mark.slow]


def imap_account(server, address: str, **changes) -> ImapAccount:
    """The account on ``server`` over implicit TLS, saved in the settings."""
    account = ImapAccount(host=server.host, port=server.tls_port, security="tls",
                          username=address, same_password=False, sent_folder="",
                          folders=())._replace(**changes)
    settings.put("imap.host", account.host)
    settings.put("imap.port", account.port)
    settings.put("imap.security", account.security)
    settings.put("imap.username", account.username)
    return account


def sent_one(mail_server) -> int:
    """Send one note through the real SMTP server; its email id."""
    (email_id,) = make_emails([("Priya Raman", "priya@lumen.example")], subject="Thank you")
    mail_sender.queue([email_id])
    assert send(mail_server, email_id).state.value == "sent"
    return email_id


@pytest.fixture
def sent_folder(imap_server, imap_user):
    address, password = imap_user
    imap_server.create_folder(address, password, "Sent", special_use="\\Sent")
    return imap_server, address, password


def test_the_exact_sent_bytes_land_in_sent_once_and_seen(sent_folder, mail_server):
    server, address, password = sent_folder
    account = imap_account(server, address)
    sent_one(mail_server)
    client = open_imap(account, password, tls_context=server.client_context())
    try:
        assert append_pending(client, account).appended == 1
        assert append_pending(client, account).appended == 0
    finally:
        close_imap(client)
    (copy,) = server.messages(address, password, "Sent")
    _uid, raw, flags = copy
    assert raw == mail_server.messages[0].data
    assert b"\\Seen" in flags
    row = SentCopy.get()
    assert row.state == "done" and row.raw == ""


def test_a_copy_already_in_sent_is_not_appended_again(sent_folder, mail_server):
    server, address, password = sent_folder
    account = imap_account(server, address)
    email_id = sent_one(mail_server)
    server.append(address, password, mail_server.messages[0].data, folder="Sent")
    client = open_imap(account, password, tls_context=server.client_context())
    try:
        append_pending(client, account)
    finally:
        close_imap(client)
    assert len(server.messages(address, password, "Sent")) == 1
    assert SentCopy.get(SentCopy.email == email_id).state == "done"


def test_gmail_keeps_its_own_copy(store):
    settings.put("imap.host", "imap.gmail.com")
    settings.put("imap.port", 993)
    settings.put("imap.security", "tls")
    settings.put("imap.username", "jana.keller@gmail.com")
    (email_id,) = make_emails([("Priya Raman", "priya@lumen.example")], subject="Thanks")
    remember_copy(email_id, b"Subject: x\r\n\r\nbody\r\n")
    row = SentCopy.get(SentCopy.email == email_id)
    assert row.state == "skipped" and row.raw == ""


def test_no_copy_is_kept_without_a_mailbox(store):
    (email_id,) = make_emails([("Priya Raman", "priya@lumen.example")], subject="Thanks")
    remember_copy(email_id, b"Subject: x\r\n\r\nbody\r\n")
    assert SentCopy.select().count() == 0


def test_without_a_sent_folder_the_copy_waits_and_it_is_said_once(
        imap_server, imap_user, mail_server):
    address, password = imap_user
    account = imap_account(imap_server, address)
    email_id = sent_one(mail_server)
    client = open_imap(account, password, tls_context=imap_server.client_context())
    try:
        first = append_pending(client, account)
        second = append_pending(client, account)
    finally:
        close_imap(client)
    assert first.appended == 0 and "Sent folder" in first.problem
    assert second.problem == ""
    row = SentCopy.get(SentCopy.email == email_id)
    assert row.state == "pending" and row.attempts == 2
    assert len(mail_server.messages) == 1  # the note itself went out once
