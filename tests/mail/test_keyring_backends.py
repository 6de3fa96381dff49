"""Keyring backends: the tests' Secret Service works; fail, null and locked ones are
explained in sentences and nothing is ever written elsewhere."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import InitError, KeyringLocked

from services.mail.account import (
    Account,
    KeyringProblem,
    forget_password,
    get_password,
    has_password,
    save_account,
    store_password,
)

pytestmark = pytest.mark.usefixtures("store")

ACCOUNT = Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587, "starttls",
                  "zoe@example.com")
SECRET = "keyring-canary-7f3a"


class LockedKeyring(KeyringBackend):
    """A backend whose collection is locked, as the Secret Service reports it."""

    priority = 1

    def get_password(self, service, username):
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service, username, password):
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service, username):
        raise KeyringLocked("Failed to unlock the collection!")


class BrokenKeyring(LockedKeyring):
    """A backend that cannot reach its service (InitError), echoing what it was given."""

    def set_password(self, service, username, password):
        raise InitError(f"Failed to create the collection: {password} rejected.")

    def get_password(self, service, username):
        raise InitError("Failed to create the collection: Prompt dismissed.")


@pytest.fixture
def use_backend():
    """Switch the keyring backend for one test and restore the previous one after."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def test_the_suites_secret_service_stores_and_reads(isolated_home):
    backend = keyring.get_keyring()
    assert f"{type(backend).__module__}.{type(backend).__name__}" == (
        "keyring.backends.SecretService.Keyring")
    store_password(ACCOUNT, SECRET)
    assert get_password(ACCOUNT) == SECRET
    assert has_password(ACCOUNT)
    # Nothing in this test's home: the keyring is the tests' gnome-keyring-daemon.
    assert not (isolated_home / ".local/share/python_keyring").exists()
    forget_password(ACCOUNT)
    assert not has_password(ACCOUNT)
    forget_password(ACCOUNT)  # forgetting twice is fine


def test_fail_backend_is_explained(use_backend):
    use_backend(fail.Keyring())
    with pytest.raises(KeyringProblem) as caught:
        store_password(ACCOUNT, SECRET)
    assert caught.value.kind == "unavailable"
    assert caught.value.message.startswith(
        "No system keyring is available, so Next Steps cannot keep an email password.")
    with pytest.raises(KeyringProblem) as caught:
        get_password(ACCOUNT)
    assert caught.value.kind == "unavailable"
    assert not has_password(ACCOUNT)


def test_null_backend_is_explained(use_backend):
    use_backend(null.Keyring())
    with pytest.raises(KeyringProblem) as caught:
        store_password(ACCOUNT, SECRET)
    assert caught.value.kind == "disabled"
    assert "null" in caught.value.message and "forgotten" in caught.value.message
    with pytest.raises(KeyringProblem):
        get_password(ACCOUNT)


class ForgetfulKeyring(KeyringBackend):
    """Like the null backend, but not recognisable by its type: accepts, then forgets."""

    priority = 1

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        return None

    def delete_password(self, service, username):
        return None


def test_a_backend_that_forgets_is_detected_by_reading_back(use_backend):
    use_backend(ForgetfulKeyring())
    with pytest.raises(KeyringProblem) as caught:
        store_password(ACCOUNT, SECRET)
    assert caught.value.kind == "disabled"
    assert "accepted the password but did not keep it" in caught.value.message


def test_locked_keyring_is_explained(use_backend):
    use_backend(LockedKeyring())
    with pytest.raises(KeyringProblem) as caught:
        store_password(ACCOUNT, SECRET)
    assert caught.value.kind == "locked"
    assert caught.value.message == (
        "The system keyring is locked, so Next Steps cannot use the email password. Unlock it "
        "(log in again or open your keyring manager) and try again. The password was not saved."
    )
    with pytest.raises(KeyringProblem) as caught:
        get_password(ACCOUNT)
    assert caught.value.message.endswith("The password was not read.")
    assert not has_password(ACCOUNT)


def test_keyring_errors_never_carry_the_password(use_backend):
    use_backend(BrokenKeyring())
    with pytest.raises(KeyringProblem) as caught:
        store_password(ACCOUNT, SECRET)
    assert SECRET not in caught.value.message
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert caught.value.message.startswith("Next Steps could not open the system keyring (")


def test_account_is_saved_even_when_the_keyring_refuses(use_backend):
    from services.mail.account import load_account

    use_backend(fail.Keyring())
    with pytest.raises(KeyringProblem):
        save_account(ACCOUNT, SECRET)
    assert load_account() == ACCOUNT  # the form's other fields are not lost


def test_no_fallback_to_disk(use_backend, isolated_home, data_paths):
    use_backend(fail.Keyring())
    with pytest.raises(KeyringProblem):
        save_account(ACCOUNT, SECRET)
    for root in (isolated_home, data_paths.root):
        for path in root.rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


def test_secret_service_backend_imports():
    from keyring.backends import SecretService

    assert SecretService.Keyring.__name__ == "Keyring"
    import secretstorage  # noqa: F401  (the Secret Service backend needs it)
