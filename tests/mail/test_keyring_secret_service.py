"""The real Secret Service: gnome-keyring keeps and gives back the SMTP password.

The daemon is the test session's (``tests/conftest.py``, ``tests/support/keyring_service.py``):
in the offscreen run on a private bus the session starts, in the Xvfb run on the bus
of ``dbus-run-session``. Its keyring lives in a temp folder, never the user's.
"""

from __future__ import annotations

import os

import keyring
import pytest

from services.mail.account import (
    Account,
    forget_password,
    get_password,
    has_password,
    save_account,
)
from tests.support.keyring_service import SECRETS_BUS_NAME, bus_owner_pid

ACCOUNT = Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587, "starttls",
                  "zoe@example.com")
SECRET = "secret-service-canary-51c2"


def test_the_suite_uses_the_secret_service(secret_service):
    from services.mail.secrets import keyring_status

    backend = keyring.get_keyring()
    assert f"{type(backend).__module__}.{type(backend).__name__}" == (
        "keyring.backends.SecretService.Keyring")
    status = keyring_status()
    assert status.usable and status.backend == "keyring.backends.SecretService.Keyring"
    assert os.environ["DBUS_SESSION_BUS_ADDRESS"] == secret_service.address
    assert bus_owner_pid(SECRETS_BUS_NAME) == secret_service.daemon.pid


@pytest.mark.usefixtures("store")
def test_secret_service_keeps_the_password(secret_service):
    assert secret_service.items() == []  # every test starts with an empty keyring
    save_account(ACCOUNT, SECRET)
    assert has_password(ACCOUNT)
    assert get_password(ACCOUNT) == SECRET
    assert len(secret_service.items()) == 1

    # The daemon keeps its keyring in the session's temp folder, encrypted.
    files = [path for path in secret_service.data_folder.iterdir() if path.is_file()]
    assert files, "gnome-keyring wrote no keyring file in its temporary XDG_DATA_HOME"
    for path in files:
        assert SECRET.encode() not in path.read_bytes()

    forget_password(ACCOUNT)
    assert not has_password(ACCOUNT)


@pytest.mark.usefixtures("store")
def test_a_password_left_by_a_test_is_gone_in_the_next_one_part_1():
    save_account(ACCOUNT, SECRET)


def test_a_password_left_by_a_test_is_gone_in_the_next_one_part_2(secret_service):
    assert secret_service.items() == []
    assert keyring.get_password("NextSteps", "zoe@example.com@smtp.example.com") is None


@pytest.mark.xvfb
def test_in_the_xvfb_run_the_daemon_joins_the_dbus_run_session_bus(secret_service):
    assert secret_service.bus is None, "the Xvfb run uses dbus-run-session's bus, not its own"
    assert bus_owner_pid(SECRETS_BUS_NAME) == secret_service.daemon.pid
