"""The tests' own Dovecot (tests/support/imap_server.py) does what the watcher's tests rely on:
APPEND answers UIDs, MULTIAPPEND fills a mailbox over one connection, a folder's UIDVALIDITY
changes while its messages stay, and a user's connections can be dropped."""

from __future__ import annotations

import imaplib

import pytest

RAW = (b"From: hr@lumen.example\r\nSubject: Next steps %d\r\n"
       b"Message-ID: <%d@lumen.example>\r\n\r\nHi\r\n")


def test_append_answers_the_new_uid_and_keeps_flags(imap_server, imap_user):
    address, password = imap_user
    assert imap_server.append(address, password, RAW % (1, 1)) == 1
    assert imap_server.append(address, password, RAW % (2, 2), flags=[b"\\Seen"]) == 2
    assert [(uid, flags) for uid, _raw, flags in imap_server.messages(address, password)] == [
        (1, ()), (2, (b"\\Seen",))]


def test_append_many_fills_a_mailbox_in_batches(imap_server, imap_user):
    address, password = imap_user
    uids = imap_server.append_many(address, password, (RAW % (n, n) for n in range(1200)))
    assert uids == list(range(1, 1201))
    messages = imap_server.messages(address, password)
    assert len(messages) == 1200 and messages[-1][1] == RAW % (1199, 1199)


@pytest.mark.parametrize("folder", ["INBOX", "Archive 2026"])
def test_reset_uidvalidity_keeps_the_messages(imap_server, imap_user, folder):
    address, password = imap_user
    if folder != "INBOX":
        imap_server.create_folder(address, password, folder)
    for n in range(3):
        imap_server.append(address, password, RAW % (n, n), folder=folder,
                           flags=[b"\\Seen"] if n == 0 else [])
    before = imap_server.messages(address, password, folder)
    old = imap_server.uidvalidity(address, password, folder)
    new = imap_server.reset_uidvalidity(address, password, folder)
    assert new != old
    assert imap_server.uidvalidity(address, password, folder) == new
    assert imap_server.messages(address, password, folder) == before


def test_kick_drops_an_open_connection(imap_server, imap_user):
    address, password = imap_user
    client = imap_server.connect(address, password)
    try:
        client.select_folder("INBOX", readonly=True)
        imap_server.kick(address)
        with pytest.raises(imaplib.IMAP4.abort):
            client.noop()
    finally:
        client.shutdown()
    imap_server.kick(address)  # nobody left to drop: no error


def test_the_special_use_flag_is_listed(imap_server, imap_user):
    address, password = imap_user
    imap_server.create_folder(address, password, "Drafts")
    imap_server.create_folder(address, password, "Sent by me", special_use="Sent")
    with imap_server.connect(address, password) as client:
        flags = {name: set(flags) for flags, _sep, name in client.list_folders()}
    assert b"\\Sent" in flags["Sent by me"] and b"\\Drafts" in flags["Drafts"]
