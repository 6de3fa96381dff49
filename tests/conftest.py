"""Test isolation: a fresh data folder, home and empty keyring per test; offscreen Qt by default.

Keyring: one real Secret Service per run (gnome-keyring-daemon on a private D-Bus
session bus, :mod:`tests.support.keyring_service`), emptied after every test; tests that
need another backend (fail, null, a blocking one) set it with ``keyring.set_keyring``.

IMAP: ``imap_server`` is one real Dovecot per run (:mod:`tests.support.imap_server`);
``imap_user`` gives each test a fresh mailbox on it.

Qt warnings and Python warnings fail a test (see ``[tool.pytest.ini_options]``).

Time: every test sees one frozen "now" (:data:`SESSION_NOW`, read once when the
run starts) and one zone (``NEXTSTEPS_TEST_ZONE``, default Europe/Berlin, also put
in ``TZ`` for child processes) through :mod:`models.clock`. ``make test`` runs
the offscreen suite again under ``faketime`` at other hours and in other zones
(``tools/any_hour.py``), so a test that only passes at some hours fails there.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import secrets
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

#: The zone every test lives in (the app's zone, and the process's for child processes).
TEST_ZONE = os.environ.get("NEXTSTEPS_TEST_ZONE") or "Europe/Berlin"
os.environ["TZ"] = TEST_ZONE
time.tzset()
#: The one "now" of this run (under faketime: the faked instant).
SESSION_NOW = datetime.now(UTC).replace(microsecond=0)

# Before the first Qt import: offscreen unless the xvfb run asked for xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The real Secret Service (gnome-keyring-daemon on a private bus, see the secret_service
# fixture), named so that keyring does not chain it with the file backends of keyrings.alt,
# which the test environment has installed (and the app refuses).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.SecretService.Keyring"

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from models import clock, database  # noqa: E402
from models.base import database_proxy  # noqa: E402
from services.core.paths import DataPaths  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Host names the tests may resolve: the loopback server's. Anything else is a DNS lookup
#: (a network call), which the suite never makes.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", ""})
#: Names the code under test tried to resolve during the current test.
dns_lookups: list[str] = []
_real_getaddrinfo = socket.getaddrinfo


def _is_local(host) -> bool:
    if host is None:
        return True
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    if name.lower() in LOCAL_NAMES:
        return True
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _no_dns_getaddrinfo(host, *args, **kwargs):
    """``socket.getaddrinfo`` without DNS: literals and localhost resolve, other names are
    recorded and answered as unknown, as a resolver with no such name would."""
    if _is_local(host):
        return _real_getaddrinfo(host, *args, **kwargs)
    dns_lookups.append(host.decode() if isinstance(host, bytes) else str(host))
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def _guard(real):
    def guarded(host, *args, **kwargs):
        if _is_local(host):
            return real(host, *args, **kwargs)
        dns_lookups.append(str(host))
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    return guarded


socket.getaddrinfo = _no_dns_getaddrinfo
socket.gethostbyname = _guard(socket.gethostbyname)
socket.gethostbyname_ex = _guard(socket.gethostbyname_ex)
socket.gethostbyaddr = _guard(socket.gethostbyaddr)


@pytest.fixture(autouse=True)
def no_network_names():
    """Fails a test whose code tried to resolve a name other than localhost (DNS is a
    network call). A test that expects a lookup (an unknown host) clears the list."""
    dns_lookups.clear()
    yield dns_lookups
    tried = list(dns_lookups)
    dns_lookups.clear()
    assert not tried, f"the test tried to resolve {tried}: tests make no DNS lookups"


@pytest.fixture(scope="session", autouse=True)
def secret_service(tmp_path_factory):
    """gnome-keyring-daemon for the whole run, on a private bus started here, or in the Xvfb
    run (QT_QPA_PLATFORM=xcb, inside ``dbus-run-session``) on that session's bus; the
    environment's DBUS_SESSION_BUS_ADDRESS points at it until the run ends."""
    from tests.support.keyring_service import KeyringService, KeyringServiceError

    previous = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    address = None
    if os.environ.get("QT_QPA_PLATFORM") == "xcb":
        address = previous
        if not address:
            pytest.fail("the Xvfb tests need a D-Bus session: run them with make test-xvfb "
                        "(xvfb-run -a dbus-run-session)")
    try:
        service = KeyringService(tmp_path_factory.mktemp("keyring"), address)
    except KeyringServiceError as problem:
        pytest.fail(f"the tests' Secret Service could not start: {problem}")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = service.address
    try:
        yield service
    finally:
        service.close()
        if previous is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous


@pytest.fixture(autouse=True)
def empty_keyring(secret_service, isolated_home):
    """After each test (before its data folder closes): pending keyring calls of the
    window finished, the keyring backend put back, and every item the test stored
    deleted, so each test starts empty."""
    import keyring

    backend = keyring.get_keyring()
    yield secret_service
    _finish_keyring_calls()
    if keyring.get_keyring() is not backend:
        keyring.set_keyring(backend)
    secret_service.clear()


def _finish_keyring_calls(timeout_s: float = 10.0) -> None:
    calls = sys.modules.get("ui.mail.keyring_calls")
    if calls is None or not calls.is_pending():
        return
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while calls.is_pending() and time.monotonic() < deadline:
        QThreadPool.globalInstance().waitForDone(10)
        QApplication.processEvents()
    calls.reset()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Point HOME, the XDG folders and NEXTSTEPS_DATA_DIR into this test's temp folder."""
    home = tmp_path / "home"
    for sub in ("", ".local/share", ".config", ".cache", ".local/state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("NEXTSTEPS_DATA_DIR", str(tmp_path / "data"))
    yield home
    database.close()
    database_proxy.initialize(None)


@pytest.fixture(autouse=True)
def pinned_clock():
    """Every test starts at :data:`SESSION_NOW` in :data:`TEST_ZONE`; tests that need
    another instant call ``clock.pin(...)`` themselves."""
    clock.pin(SESSION_NOW, TEST_ZONE)
    yield clock
    clock.unpin()


@pytest.fixture
def data_paths(tmp_path) -> DataPaths:
    """The data folder of this test (empty)."""
    return DataPaths(tmp_path / "data")


@pytest.fixture
def store(data_paths):
    """An opened, empty store in this test's data folder."""
    from services.core.store import open_store

    opened = open_store(data_paths)
    yield opened
    opened.close()


@pytest.fixture
def demo_store(store):
    """An opened store filled with the demo job search."""
    from services.data import demo

    demo.fill_demo()
    return store


@pytest.fixture(scope="session")
def imap_server():
    """A real Dovecot IMAP server for the whole run (:mod:`tests.support.imap_server`),
    stopped at the end; skipped with the reason where it cannot run (not root, no
    dovecot-imapd)."""
    from tests.support.imap_server import ImapServer, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = ImapServer()
    try:
        yield server.start()
    finally:
        server.stop()


_imap_user_numbers = itertools.count(1)


@pytest.fixture
def imap_user(imap_server):
    """A fresh ``(address, password)`` on ``imap_server``, so tests never see each other's
    mail."""
    address = f"user{next(_imap_user_numbers)}@example.org"
    password = f"pw-{secrets.token_hex(8)}"
    imap_server.add_user(address, password)
    return address, password


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for running ``main.py`` in a child process from a test."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONWARNINGS"] = "error"
    env.update(extra)
    return env


def pytest_collection_modifyitems(config, items):
    """Without an X server (plain ``pytest``), the tests marked ``xvfb`` are deselected, not
    failed: ``make test`` runs them under ``xvfb-run -a dbus-run-session``."""
    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and os.environ.get("DISPLAY"):
        return
    needs_x = [item for item in items if item.get_closest_marker("xvfb")]
    if needs_x:
        config.hook.pytest_deselected(items=needs_x)
        items[:] = [item for item in items if not item.get_closest_marker("xvfb")]
