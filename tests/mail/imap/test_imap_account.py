"""The IMAP account (services.mail.imap.imap_account): settings storage, validation, and the
password in the system keyring only, or shared with the SMTP account."""

from __future__ import annotations

import json

import keyring
import pytest

from models.settings import Setting
from services.core import settings
from services.mail.account import (
    Account,
    AccountProblem,
    KeyringProblem,
    get_password,
    save_account,
)
from services.mail.imap.imap_account import (
    ImapAccount,
    imap_password,
    load_imap_account,
    save_imap_account,
    store_imap_password,
    validate_imap_account,
)
from services.mail.secrets import SERVICE_NAME

pytestmark = pytest.mark.usefixtures("store")

MAILBOX = ImapAccount(host="imap.example.com", port=993, security="tls",
                      username="zoe@example.com", same_password=False, sent_folder="",
                      folders=("Jobs", "Recruiters"))
SMTP = Account(sender_name="Zoé Durand", sender_address="zoe@example.com",
               host="smtp.example.com", port=587, security="starttls",
               username="zoe@example.com")
CANARY = "canary-Mailbox-7a3e1f"


def imap_settings() -> dict:
    return {row.key: json.loads(row.value) for row in Setting.select()
            if row.key.startswith("imap.")}


def test_no_mailbox_until_one_is_saved():
    assert load_imap_account() is None


def test_save_and_load_round_trip():
    saved = save_imap_account(MAILBOX, "mailbox-pw-1")
    assert saved == MAILBOX
    assert load_imap_account() == MAILBOX
    assert imap_settings() == {
        "imap.host": "imap.example.com", "imap.port": 993, "imap.security": "tls",
        "imap.username": "zoe@example.com", "imap.same_as_smtp": False,
        "imap.sent_folder": "", "imap.folders": "Jobs, Recruiters",
    }
    assert imap_password(MAILBOX) == "mailbox-pw-1"
    assert keyring.get_password(SERVICE_NAME, "zoe@example.com@imap.example.com") == (
        "mailbox-pw-1")


def test_spaces_inbox_and_repeated_folders_are_cleaned():
    saved = save_imap_account(MAILBOX._replace(
        host=" imap.example.com ", username=" zoe@example.com", sent_folder=" Sent ",
        folders=(" Jobs", "INBOX", "", "Jobs", "Recruiters ")), "pw-123")
    assert saved == MAILBOX._replace(sent_folder="Sent")
    assert load_imap_account() == saved


def test_the_shared_password_is_the_smtp_accounts():
    save_account(SMTP, "smtp-pw-1")
    shared = MAILBOX._replace(same_password=True)
    save_imap_account(shared, "ignored-pw")
    assert imap_password(shared) == "smtp-pw-1"
    assert keyring.get_password(SERVICE_NAME, "zoe@example.com@imap.example.com") is None
    save_account(SMTP, "smtp-pw-2")  # the SMTP password changes: the mailbox follows
    assert imap_password(load_imap_account()) == "smtp-pw-2"


def test_sharing_needs_an_smtp_account():
    with pytest.raises(AccountProblem) as refused:
        save_imap_account(MAILBOX._replace(same_password=True), None)
    assert set(refused.value.problems) == {"same_password"}
    assert load_imap_account() is None
    with pytest.raises(KeyringProblem) as missing:
        imap_password(MAILBOX._replace(same_password=True))
    assert missing.value.kind == "missing"


def test_same_user_and_host_as_smtp_share_one_entry():
    save_account(SMTP, "smtp-pw-1")
    same_server = MAILBOX._replace(host="smtp.example.com")
    save_imap_account(same_server, "new-pw")
    assert get_password(SMTP) == "new-pw" == imap_password(same_server)
    save_imap_account(same_server._replace(same_password=True), None)
    assert get_password(SMTP) == "new-pw"  # switching to sharing never removes SMTP's entry


def test_the_password_stays_in_the_keyring_only(data_paths):
    save_imap_account(MAILBOX, CANARY)
    store_imap_password(MAILBOX, CANARY)
    assert imap_password(MAILBOX) == CANARY
    for row in Setting.select():
        assert CANARY not in row.key + row.value
    with pytest.raises(ValueError, match="keyring"):
        settings.put("imap.password", CANARY)
    database = data_paths.database
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert CANARY.encode() not in path.read_bytes(), path


def test_saving_without_a_password_keeps_or_moves_the_stored_one():
    save_imap_account(MAILBOX, "first-pw")
    save_imap_account(MAILBOX._replace(folders=()), None)
    assert imap_password(MAILBOX) == "first-pw"
    renamed = MAILBOX._replace(username="zoe.durand@example.com")
    save_imap_account(renamed, None)
    assert imap_password(renamed) == "first-pw"
    assert keyring.get_password(SERVICE_NAME, "zoe@example.com@imap.example.com") is None


def test_switching_to_the_shared_password_forgets_the_own_one():
    save_account(SMTP, "smtp-pw-1")
    save_imap_account(MAILBOX, "own-pw")
    save_imap_account(MAILBOX._replace(same_password=True), None)
    assert keyring.get_password(SERVICE_NAME, "zoe@example.com@imap.example.com") is None
    assert imap_password(load_imap_account()) == "smtp-pw-1"


def test_no_password_stored_says_so():
    save_imap_account(MAILBOX, None)
    with pytest.raises(KeyringProblem) as missing:
        imap_password(MAILBOX)
    assert missing.value.kind == "missing"
    assert "No password is stored for zoe@example.com on imap.example.com" in (
        missing.value.message)


@pytest.mark.parametrize(("changes", "field", "sentence"), [
    ({"host": ""}, "host", "Enter the IMAP server's host name, for example imap.example.com."),
    ({"host": "imap example"}, "host", "“imap example” is not a valid host name: use letters, "
                                        "digits, hyphens and dots, or an IP address."),
    ({"port": 0}, "port", "The port must be a whole number from 1 to 65535."),
    ({"port": True}, "port", "The port must be a whole number from 1 to 65535."),
    ({"security": "ssl"}, "security", "Choose implicit TLS, STARTTLS or plain (localhost only)."),
    ({"security": "plain"}, "security",
     "Plain, unencrypted connections are only allowed to this computer (localhost, for a "
     "bridge); choose implicit TLS or STARTTLS for imap.example.com."),
    ({"username": " "}, "username",
     "Enter the user name your mail provider gave you (often your email address)."),
    ({"username": "zoe\r\nBcc: x"}, "username",
     "The user name cannot contain line breaks or control characters."),
    ({"folders": ("Jobs, 2026",)}, "folders",
     "A watched folder's name cannot contain a comma (commas separate the folders)."),
    ({"sent_folder": "Sent\nMail"}, "sent_folder",
     "The Sent folder's name cannot contain line breaks or control characters."),
])
def test_validation_names_each_problem(changes, field, sentence):
    assert validate_imap_account(MAILBOX._replace(**changes)) == {field: sentence}
    with pytest.raises(AccountProblem):
        save_imap_account(MAILBOX._replace(**changes), "pw")
    assert load_imap_account() is None


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_plain_is_allowed_to_this_computer(host):
    bridge = MAILBOX._replace(host=host, port=1143, security="plain")
    assert validate_imap_account(bridge) == {}
    assert save_imap_account(bridge, "bridge-pw") == bridge


def test_settings_read_back_with_their_defaults():
    settings.put("imap.host", "imap.example.com")
    assert load_imap_account() == ImapAccount(
        host="imap.example.com", port=993, security="tls", username="",
        same_password=True, sent_folder="", folders=())
    assert settings.get("imap.watch") is True
