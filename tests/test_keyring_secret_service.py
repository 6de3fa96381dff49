"""The real Secret Service: gnome-keyring keeps and gives back the SMTP password.

Runs in the xvfb group, which ``make test`` starts under ``xvfb-run -a
dbus-run-session``, so a private session bus exists. The daemon runs in the
foreground with this test's temporary HOME, XDG_DATA_HOME and XDG_RUNTIME_DIR,
its login keyring unlocked with a password fed on stdin (ENGINEERING.md), and is
stopped at the end. Nothing touches the user's real keyring.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import keyring
import pytest

from services.smtp_account import (
    Account,
    forget_password,
    get_password,
    has_password,
    save_account,
)

pytestmark = pytest.mark.xvfb

SECRETS_BUS_NAME = "org.freedesktop.secrets"
ACCOUNT = Account("Zoé Durand", "zoe@example.com", "smtp.example.com", 587, "starttls",
                  "zoe@example.com")
SECRET = "secret-service-canary-51c2"


def _bus_owner_pid(name: str) -> int | None:
    """The process id owning ``name`` on the session bus, without activating anything."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    connection = open_dbus_connection(bus="SESSION")
    try:
        has_owner = unwrap_msg(connection.send_and_get_reply(message_bus.NameHasOwner(name)))
        if not has_owner[0]:
            return None
        reply = connection.send_and_get_reply(message_bus.GetConnectionUnixProcessID(name))
        return unwrap_msg(reply)[0]
    finally:
        connection.close()


@pytest.fixture
def gnome_keyring(tmp_path, monkeypatch, isolated_home):
    """gnome-keyring-daemon (secrets only) for this test, unlocked; stopped afterwards."""
    daemon = shutil.which("gnome-keyring-daemon")
    if daemon is None:
        pytest.skip("gnome-keyring-daemon is not installed (Debian package gnome-keyring, "
                    "listed in tools/system-deps.sh), so the real Secret Service cannot be tried")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail("this test needs a private D-Bus session: run it through `make test-xvfb` "
                    "(xvfb-run -a dbus-run-session)")
    if _bus_owner_pid(SECRETS_BUS_NAME) is not None:
        pytest.fail("another Secret Service already owns the session bus name; this test only "
                    "runs against its own daemon")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    process = subprocess.Popen(
        [daemon, "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    try:
        process.stdin.write(b"login-keyring-password")
        process.stdin.close()
        deadline = time.monotonic() + 20
        while _bus_owner_pid(SECRETS_BUS_NAME) != process.pid:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("gnome-keyring-daemon did not take the Secret Service name: "
                                     + process.stderr.read().decode(errors="replace"))
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def secret_service_backend(gnome_keyring):
    """Make keyring use the Secret Service for this test; restore the previous backend after."""
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    keyring.set_keyring(SecretService.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.usefixtures("store", "secret_service_backend")
def test_secret_service_keeps_the_password(isolated_home):
    from services.secrets import keyring_status

    status = keyring_status()
    assert status.usable and status.backend == "keyring.backends.SecretService.Keyring"

    save_account(ACCOUNT, SECRET)
    assert has_password(ACCOUNT)
    assert get_password(ACCOUNT) == SECRET

    # The daemon keeps its keyring in this test's temporary home, encrypted.
    keyrings = isolated_home / ".local/share/keyrings"
    files = [path for path in keyrings.iterdir() if path.is_file()]
    assert files, "gnome-keyring wrote no keyring file in the temporary XDG_DATA_HOME"
    for path in files:
        assert SECRET.encode() not in path.read_bytes()

    forget_password(ACCOUNT)
    assert not has_password(ACCOUNT)
