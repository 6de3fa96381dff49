"""The SMTP account: settings storage, validation, and the password kept only in the keyring."""

from __future__ import annotations

import json

import pytest

from models.settings import Setting
from services.core import settings
from services.mail.account import (
    Account,
    AccountProblem,
    get_password,
    has_password,
    load_account,
    password_key,
    save_account,
    validate_account,
)

pytestmark = pytest.mark.usefixtures("store")

ACCOUNT = Account(
    sender_name="Zoé Durand",
    sender_address="zoe@example.com",
    host="smtp.example.com",
    port=587,
    security="starttls",
    username="zoe@example.com",
)


def smtp_settings() -> dict:
    return {row.key: json.loads(row.value) for row in Setting.select()
            if row.key.startswith("smtp.")}


def test_no_account_until_one_is_saved():
    assert load_account() is None


def test_save_and_load_round_trip():
    save_account(ACCOUNT, "app-password-123")
    assert load_account() == ACCOUNT
    assert smtp_settings() == {
        "smtp.sender_name": "Zoé Durand",
        "smtp.sender_address": "zoe@example.com",
        "smtp.host": "smtp.example.com",
        "smtp.port": 587,
        "smtp.security": "starttls",
        "smtp.username": "zoe@example.com",
    }
    assert get_password(ACCOUNT) == "app-password-123"
    assert password_key(ACCOUNT) == "zoe@example.com@smtp.example.com"


def test_password_is_never_in_the_settings_table():
    save_account(ACCOUNT, "app-password-123")
    for row in Setting.select():
        assert "app-password-123" not in row.key + row.value
    with pytest.raises(ValueError, match="keyring"):
        settings.put("smtp.password", "x")


def test_spaces_are_trimmed():
    saved = save_account(ACCOUNT._replace(host="  smtp.example.com ", username=" zoe@example.com"),
                         "pw-123")
    assert saved == ACCOUNT
    assert load_account() == ACCOUNT


def test_saving_without_a_password_keeps_the_stored_one():
    save_account(ACCOUNT, "first-password")
    save_account(ACCOUNT._replace(sender_name="Zoé D."), None)
    assert get_password(ACCOUNT) == "first-password"
    save_account(ACCOUNT, "")
    assert get_password(ACCOUNT) == "first-password"


def test_changing_host_moves_the_password_to_the_new_key():
    import keyring

    from services.mail.secrets import SERVICE_NAME

    save_account(ACCOUNT, "first-password")
    moved = ACCOUNT._replace(host="mail.example.com")
    save_account(moved, None)
    assert get_password(moved) == "first-password"
    assert keyring.get_password(SERVICE_NAME, password_key(ACCOUNT)) is None


def test_new_password_under_a_new_user_replaces_the_old_entry():
    import keyring

    from services.mail.secrets import SERVICE_NAME

    save_account(ACCOUNT, "first-password")
    other = ACCOUNT._replace(username="zoe.durand")
    save_account(other, "second-password")
    assert get_password(other) == "second-password"
    assert keyring.get_password(SERVICE_NAME, password_key(ACCOUNT)) is None


def test_missing_password_is_a_sentence():
    from services.mail.account import KeyringProblem

    save_account(ACCOUNT, None)
    assert not has_password(ACCOUNT)
    with pytest.raises(KeyringProblem) as caught:
        get_password(ACCOUNT)
    assert caught.value.kind == "missing"
    assert caught.value.message == (
        "No password is stored for zoe@example.com on smtp.example.com. Enter it in Settings → "
        "Email account and press Save."
    )


def test_invalid_account_is_not_saved():
    with pytest.raises(AccountProblem) as caught:
        save_account(ACCOUNT._replace(port=0, host="bad host"), "pw-123")
    assert set(caught.value.problems) == {"port", "host"}
    assert load_account() is None
    assert not has_password(ACCOUNT._replace(port=0, host="bad host"))


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"port": 0}, "port", "The port must be a whole number from 1 to 65535."),
        ({"port": 65536}, "port", "The port must be a whole number from 1 to 65535."),
        ({"host": ""}, "host",
         "Enter the mail server's host name, for example smtp.example.com."),
        ({"host": "smtp example.com"}, "host",
         "“smtp example.com” is not a valid host name: use letters, digits, hyphens and dots, "
         "or an IP address."),
        ({"host": "smtp.-example.com"}, "host", None),
        ({"host": "smtp.example.com\r\nX: y"}, "host", None),
        ({"sender_address": "zoe"}, "sender_address", None),
        ({"sender_address": "Zoé <zoe@example.com>"}, "sender_address", None),
        ({"sender_address": "zoe@example.com\r\nBcc: x@y.com"}, "sender_address", None),
        ({"sender_address": "zoe@example.com, x@y.com"}, "sender_address", None),
        ({"sender_name": "Zoé\nBcc: x@y.com"}, "sender_name", None),
        ({"sender_name": "=?utf-8?q?Zo=0A?="}, "sender_name", None),
        ({"username": ""}, "username",
         "Enter the user name your mail provider gave you (often your email address)."),
        ({"username": "zoé\tx"}, "username", None),
        ({"security": "ssl"}, "security", None),
        ({"security": "plain"}, "security",
         "Plain, unencrypted connections are only allowed to this computer (localhost); choose "
         "STARTTLS or implicit TLS for smtp.example.com."),
    ],
)
def test_validation_sentences(changes, field, sentence):
    problems = validate_account(ACCOUNT._replace(**changes))
    assert field in problems
    assert problems[field].endswith(".")
    if sentence:
        assert problems[field] == sentence


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "[::1]", "127.0.0.2"])
def test_plain_is_allowed_to_this_computer(host):
    assert validate_account(ACCOUNT._replace(security="plain", host=host, username="")) == {}


@pytest.mark.parametrize("host", ["smtp.example.com", "192.168.1.10", "10.0.0.1", "::2"])
def test_plain_is_refused_elsewhere(host):
    assert "security" in validate_account(ACCOUNT._replace(security="plain", host=host))


def test_valid_account_has_no_problems():
    assert validate_account(ACCOUNT) == {}
    assert validate_account(ACCOUNT._replace(host="192.0.2.7", security="tls", port=465)) == {}
    assert validate_account(ACCOUNT._replace(sender_name="")) == {}


def test_an_account_without_user_name_needs_no_password():
    local = ACCOUNT._replace(host="localhost", security="plain", port=25, username="")
    save_account(local, None)
    assert get_password(local) == ""
