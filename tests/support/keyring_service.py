"""A real Secret Service for the tests: gnome-keyring-daemon on a private D-Bus session bus.

``tests/conftest.py`` starts one :class:`KeyringService` per test session, so every
test that stores a password stores it in a real, encrypted keyring and never in the
user's. In the offscreen run the bus is the session's own ``dbus-daemon`` (started
from a configuration in a temp folder with no service folders, so nothing is
activated on it); in the Xvfb run, which ``dbus-run-session`` wraps, the daemon
joins that bus. gnome-keyring-daemon runs in the foreground with a temp HOME,
XDG_DATA_HOME and XDG_RUNTIME_DIR, its login keyring unlocked with a password fed
on stdin (``gnome-keyring-daemon --foreground --unlock --components=secrets``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from contextlib import closing
from pathlib import Path

SECRETS_BUS_NAME = "org.freedesktop.secrets"
#: The login keyring's password (the keyring lives in a temp folder and dies with the run).
LOGIN_PASSWORD = b"login-keyring-password"
START_TIMEOUT_S = 20.0

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _die_with_the_tests() -> None:
    """Runs in the child before exec: it gets SIGTERM when the test process ends, however
    it ends (pytest-timeout's thread method leaves with ``os._exit``, skipping finalizers)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class KeyringServiceError(RuntimeError):
    """The private bus or the keyring daemon could not be started (the message says why)."""


def bus_owner_pid(name: str, address: str = "SESSION") -> int | None:
    """The process id owning ``name`` on the bus at ``address``, without activating anything."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    with closing(open_dbus_connection(bus=address)) as connection:
        has_owner = unwrap_msg(connection.send_and_get_reply(message_bus.NameHasOwner(name)))
        if not has_owner[0]:
            return None
        reply = connection.send_and_get_reply(message_bus.GetConnectionUnixProcessID(name))
        return unwrap_msg(reply)[0]


def start_private_bus(folder: Path) -> tuple[subprocess.Popen, str]:
    """A ``dbus-daemon`` with its configuration and socket in ``folder``; returns the
    process and the bus address."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        raise KeyringServiceError("dbus-daemon is not installed (Debian package dbus-daemon, "
                                  "listed in tools/system-deps.sh)")
    config = folder / "bus.conf"
    config.write_text(_BUS_CONFIG.format(socket=folder / "bus"), encoding="utf-8")
    process = subprocess.Popen(
        [daemon, f"--config-file={config}", "--print-address", "--nofork"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_die_with_the_tests,
    )
    address = process.stdout.readline().decode().strip()
    if not address:
        process.wait(timeout=10)
        raise KeyringServiceError("dbus-daemon did not start: "
                                  + process.stderr.read().decode(errors="replace"))
    return process, address


def start_keyring_daemon(folder: Path, address: str) -> subprocess.Popen:
    """gnome-keyring-daemon (secrets only, unlocked) on the bus at ``address``, its files
    in ``folder``; returns once it owns :data:`SECRETS_BUS_NAME`."""
    daemon = shutil.which("gnome-keyring-daemon")
    if daemon is None:
        raise KeyringServiceError("gnome-keyring-daemon is not installed (Debian package "
                                  "gnome-keyring, listed in tools/system-deps.sh)")
    owner = bus_owner_pid(SECRETS_BUS_NAME, address)
    if owner is not None:
        raise KeyringServiceError(
            f"another Secret Service (process {owner}) already owns {SECRETS_BUS_NAME} on the "
            "session bus; the tests only use their own keyring daemon. Run them through make "
            "(which gives them a private bus) or inside dbus-run-session.")
    home = folder / "home"
    runtime = folder / "runtime"
    for path in (home / ".local/share", home / ".config", home / ".cache"):
        path.mkdir(parents=True, exist_ok=True)
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
               XDG_RUNTIME_DIR=str(runtime), DBUS_SESSION_BUS_ADDRESS=address)
    errors = (folder / "gnome-keyring.log").open("wb")
    process = subprocess.Popen(
        [daemon, "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env,
        preexec_fn=_die_with_the_tests,
    )
    errors.close()
    process.stdin.write(LOGIN_PASSWORD)
    process.stdin.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while bus_owner_pid(SECRETS_BUS_NAME, address) != process.pid:
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            log = (folder / "gnome-keyring.log").read_text(errors="replace")
            raise KeyringServiceError(
                f"gnome-keyring-daemon did not take the Secret Service name: {log}")
        time.sleep(0.05)
    return process


def stop(process: subprocess.Popen | None) -> None:
    """Terminate ``process`` (kill it after 10 s) and close its pipes."""
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


class KeyringService:
    """The test session's Secret Service: a private bus (unless one is given) and
    gnome-keyring-daemon on it. :meth:`clear` empties the keyring between tests."""

    def __init__(self, folder: Path, address: str | None = None) -> None:
        self.folder = folder
        self.bus: subprocess.Popen | None = None
        self.daemon: subprocess.Popen | None = None
        self._connection = None
        if address is None:
            self.bus, address = start_private_bus(folder)
        self.address = address
        try:
            self.daemon = start_keyring_daemon(folder, address)
        except BaseException:
            stop(self.bus)
            raise

    @property
    def data_folder(self) -> Path:
        """Where the daemon keeps its (encrypted) keyring files."""
        return self.folder / "home/.local/share/keyrings"

    def items(self) -> list:
        """Every item in every collection (``secretstorage.Item`` objects)."""
        import secretstorage
        from jeepney.io.blocking import open_dbus_connection

        if self._connection is None:
            self._connection = open_dbus_connection(bus=self.address)
        return [item for collection in secretstorage.get_all_collections(self._connection)
                for item in collection.get_all_items()]

    def clear(self) -> int:
        """Delete every stored item; returns how many there were."""
        found = self.items()
        for item in found:
            item.delete()
        return len(found)

    def close(self) -> None:
        """Stop the daemon and the private bus (if this object started one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        stop(self.daemon)
        stop(self.bus)
