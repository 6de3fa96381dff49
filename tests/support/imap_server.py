"""A real IMAP server for tests: Debian's Dovecot, one per test session, in a temp folder.

Use the session fixture ``imap_server`` (an :class:`ImapServer`) and the per-test
``imap_user`` (a fresh ``(address, password)``, so tests never see each other's mail),
both in ``tests/conftest.py``. The server needs root (as CI runs) and the
``dovecot-imapd`` package (``tools/system-deps.sh`` installs it); without them the
fixtures skip with the reason.

What the set-up relies on (Dovecot 2.3, verified here):

- ``dovecot -F -c DIR/dovecot.conf`` runs the master in the foreground as our child, so
  :meth:`ImapServer.stop` ends it (SIGTERM, then waits) and its helpers with it. The
  config (``tests/fixtures/dovecot/dovecot.conf.in``) keeps ``base_dir``, ``state_dir``
  and ``log_path`` inside DIR, listens on 127.0.0.1 and 127.0.0.2, has ``ssl = required``
  with ``ssl_cert = <DIR/cert.pem`` and ``ssl_key = <DIR/key.pem`` (trustme: a CA, a
  certificate for 127.0.0.1, 127.0.0.2 and localhost), ``userdb static`` (``uid=dovecot
  gid=dovecot home=DIR/home/%u``), ``mail_location = maildir:~/Maildir``,
  ``first_valid_uid = 1``, ``default_login_user = dovenull`` (imap-login refuses to run
  as root), ``default_internal_user``/``group = dovecot``, and ``service imap-login``
  with an ``imap`` listener (STARTTLS) and an ``imaps`` one (``ssl = yes``) on free
  ports. DIR is world-readable (0755); DIR/home belongs to dovecot, as the mail
  processes run as dovecot.
- Users: ``passdb passwd-file`` with ``DIR/users/%u``, one file per user holding
  ``address:{PLAIN}password``. Dovecot looks at a passwd-file for changes at most once a
  second, but opens a new user's file at that user's first login, so users added while
  the server runs can log in at once.
- ``ssl = required`` refuses a password before TLS, except from a "secured" connection,
  and Dovecot counts a connection whose client and server address are the same as
  secured. So on :attr:`ImapServer.host` (127.0.0.1, where the client also comes from)
  a plain login is accepted, as from a local bridge; on :attr:`ImapServer.strict_host`
  (127.0.0.2, still this computer) it is refused before STARTTLS (``LOGINDISABLED``).
- Failed logins: ``auth_failure_delay = 0``, and the ``anvil-auth-penalty`` socket is
  removed right after start (before any login): without it the auth process switches
  its per-IP penalty off (with it, repeated failures from 127.0.0.1 wait up to 15 s;
  ``mode = 0`` on it instead makes every auth process wait 5 s at its first login).
  A failed login still answers after about half a second.
- Special-use folders (RFC 6154) come from ``namespace inbox { mailbox NAME {
  special_use = ... } }``: Sent, Drafts and Trash are declared (``auto = no``: they exist
  once created). :meth:`ImapServer.create_folder` with another name declares it, runs
  ``doveadm reload`` and waits until a new login lists the flag.
- Mail goes in with IMAP ``APPEND`` (UIDPLUS answers the new UID); many at once with
  ``MULTIAPPEND`` (RFC 3502), 500 per command: 10,000 messages take about 5 s here.
  ``mail_fsync = never`` (nothing here must survive a power cut).
- A new UIDVALIDITY with the same messages: drop the user's connections (``doveadm
  kick``), then delete the folder's ``dovecot-uidlist`` and ``dovecot.index*`` files
  (and the mailbox list index); Dovecot rebuilds them at the next login with the next
  UIDVALIDITY from ``dovecot-uidvalidity``, keeping the message files and their flags.
  This works for INBOX too, which IMAP can neither delete nor rename.
- IDLE: ``mailbox_idle_check_interval = 1 secs`` besides inotify.
- When a login fails, read DIR/dovecot.log (:meth:`ImapServer.log`).

Clients in tests trust the server through :meth:`ImapServer.client_context` (the app's
``tls_context=`` parameter, as on the SMTP side) or :attr:`ImapServer.ca_file`.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from string import Template

import trustme
from imapclient import IMAPClient, imap_utf7

from tests.support.smtp_server import free_port

HOST = "127.0.0.1"
#: Also this computer, but not the client's own address: Dovecot does not count a
#: connection to it as secured, so ``ssl = required`` refuses a password before STARTTLS.
STRICT_HOST = "127.0.0.2"
#: Messages per MULTIAPPEND command in :meth:`ImapServer.append_many`.
APPEND_BATCH = 500
#: Seconds to wait for the server to start, stop, reload or drop connections.
WAIT_S = 20.0
#: dovecot.conf, with ``$folder``, the hosts, ports and special-use mailboxes to fill in.
CONFIG_TEMPLATE = Template(
    (Path(__file__).resolve().parent.parent / "fixtures" / "dovecot" / "dovecot.conf.in")
    .read_text(encoding="utf-8"))

_SPECIAL_USE = {"Sent": "\\Sent", "Drafts": "\\Drafts", "Trash": "\\Trash"}
#: Dovecot's per-folder index files, rebuilt from the message files when missing.
_INDEX_FILES = ("dovecot-uidlist", "dovecot.index")


def server_env() -> dict[str, str]:
    """The environment for Dovecot and doveadm: this one without libfaketime. The any-hour
    runs shift the clock of the app and the tests; a mail server is another machine with
    its own clock, and Dovecot under a shifted clock stopped answering after a kick."""
    return {key: value for key, value in os.environ.items()
            if key != "LD_PRELOAD" and not key.startswith("FAKETIME")}


class ImapServerError(RuntimeError):
    """The test server could not do what was asked; the message quotes its log."""


def unavailable_reason() -> str | None:
    """Why no Dovecot can run here (a sentence for ``pytest.skip``), or None."""
    if os.geteuid() != 0:
        return "the real IMAP server (Dovecot) needs root, as in CI"
    missing = [name for name in ("dovecot", "doveadm") if _binary(name) is None]
    if missing:
        return ("the real IMAP server needs Debian's dovecot-imapd "
                "(tools/system-deps.sh installs it)")
    return None


def _binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(path) for path in (Path("/usr/sbin") / name, Path("/usr/bin") / name)
         if path.exists()), None)


class ImapServer:
    """Dovecot on 127.0.0.1 (and 127.0.0.2) with STARTTLS and implicit-TLS listeners.

    ``host``, ``strict_host``, ``starttls_port``, ``tls_port``, ``ca_file`` (the trustme
    CA's PEM), ``folder`` (its temp folder). Call :meth:`start` first, :meth:`stop` at the end.
    """

    host = HOST
    strict_host = STRICT_HOST

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="nextsteps-dovecot-"))
        self.folder.chmod(0o755)
        self.ca = trustme.CA()
        self.ca_file = self.folder / "ca.pem"
        self.starttls_port = free_port()
        self.tls_port = free_port()
        self._special_use = dict(_SPECIAL_USE)
        self._process: subprocess.Popen | None = None

    # -- life cycle ---------------------------------------------------------------------------
    @property
    def config(self) -> Path:
        """The server's dovecot.conf."""
        return self.folder / "dovecot.conf"

    def start(self) -> ImapServer:
        """Write the certificates and config, start Dovecot and wait until it answers."""
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        cert = self.ca.issue_cert(HOST, STRICT_HOST, "localhost")
        cert.private_key_pem.write_to_path(str(self.folder / "key.pem"))
        (self.folder / "key.pem").chmod(0o600)
        (self.folder / "cert.pem").write_bytes(b"".join(p.bytes() for p in cert.cert_chain_pems))
        for sub in ("run", "state", "home", "users"):
            (self.folder / sub).mkdir(exist_ok=True)
        (self.folder / "users").chmod(0o755)
        shutil.chown(self.folder / "home", "dovecot", "dovecot")
        self.config.write_text(self._config_text(), encoding="utf-8")
        stderr = (self.folder / "dovecot.stderr").open("wb")
        with stderr:
            self._process = subprocess.Popen(
                [_binary("dovecot"), "-F", "-c", str(self.config)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, env=server_env())
        penalty = self.folder / "run" / "anvil-auth-penalty"  # see the module's notes
        self._wait_until(penalty.exists, "Dovecot did not start")
        penalty.unlink()
        for port in (self.tls_port, self.starttls_port):
            self._wait_until(lambda port=port: _listens(port), f"Nothing listens on {port}")
        return self

    def stop(self) -> None:
        """Stop Dovecot and every process it started, then remove the temp folder."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            helpers = _children(process.pid)
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=WAIT_S)
            _wait_gone(helpers)
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        """Dovecot's log (and what it wrote to stderr), for a failure message."""
        parts = []
        for name in ("dovecot.stderr", "dovecot.log"):
            path = self.folder / name
            if path.exists():
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)[-4000:]

    def _wait_until(self, ready, what: str) -> None:
        """Wait until ``ready()``, while Dovecot runs; else an error saying ``what``."""
        deadline = time.monotonic() + WAIT_S
        while not ready():
            if self._process is None or self._process.poll() is not None:
                raise ImapServerError(f"Dovecot is not running:\n{self.log()}")
            if time.monotonic() > deadline:
                raise ImapServerError(f"{what}:\n{self.log()}")
            time.sleep(0.02)

    # -- configuration ------------------------------------------------------------------------
    def _config_text(self) -> str:
        mailboxes = "".join(
            f'  mailbox "{name}" {{\n    special_use = {flag}\n    auto = no\n  }}\n'
            for name, flag in self._special_use.items())
        return CONFIG_TEMPLATE.substitute(
            folder=self.folder, host=HOST, strict_host=STRICT_HOST, mailboxes=mailboxes,
            starttls_port=self.starttls_port, tls_port=self.tls_port)

    def _doveadm(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> str:
        done = subprocess.run([_binary("doveadm"), "-c", str(self.config), *args],
                              capture_output=True, text=True, timeout=WAIT_S, check=False,
                              env=server_env())
        if done.returncode not in ok_codes:
            raise ImapServerError(f"doveadm {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    # -- users --------------------------------------------------------------------------------
    def add_user(self, address: str, password: str) -> None:
        """Let a new user ``address`` log in with ``password`` from now on (a user's password
        is not changed this way: Dovecot may keep the old one for a second)."""
        for value, bad in ((address, ":/\r\n\0"), (password, ":\r\n\0")):
            if not value or any(char in value for char in bad):
                raise ValueError("user names and passwords here cannot hold ':' or line "
                                 "breaks, nor user names '/'")
        path = self.folder / "users" / address
        path.write_text(f"{address}:{{PLAIN}}{password}\n", encoding="utf-8")
        path.chmod(0o644)

    # -- connections ----------------------------------------------------------------------------
    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this server's CA."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def connect(self, user: str, password: str) -> IMAPClient:
        """A logged-in IMAPClient over implicit TLS (for the tests' own checks)."""
        client = IMAPClient(HOST, port=self.tls_port, ssl=True,
                            ssl_context=self.client_context(), timeout=60)
        client.login(user, password)
        return client

    def kick(self, user: str) -> None:
        """Drop every open IMAP connection of ``user``, and wait until they are gone."""
        # Exit code 68 (EX_NOUSER): the user had no connection to drop.
        self._doveadm("kick", user, ok_codes=(0, 68))
        self._wait_until(lambda: all(line.split()[:1] != [user] for line in
                                     self._doveadm("who").splitlines()[1:]),
                         f"{user}'s connections did not close")

    # -- mail -----------------------------------------------------------------------------------
    def append(self, user: str, password: str, raw: bytes, folder: str = "INBOX",
               flags: Sequence[bytes | str] = ()) -> int:
        """APPEND ``raw`` to ``folder`` as ``user``; the new message's UID."""
        with self.connect(user, password) as client:
            answer = client.append(folder, raw, flags=tuple(flags))
        return _appended_uids(answer)[-1]

    def append_many(self, user: str, password: str, raws: Iterable[bytes],
                    folder: str = "INBOX") -> list[int]:
        """APPEND many messages over one connection (MULTIAPPEND, :data:`APPEND_BATCH` per
        command); their UIDs in order."""
        uids: list[int] = []
        with self.connect(user, password) as client:
            batches = iter(raws)
            while batch := list(itertools.islice(batches, APPEND_BATCH)):
                typ, data = client.multiappend(folder, batch)
                if typ != "OK":
                    raise ImapServerError(f"MULTIAPPEND failed: {data!r}")
                uids.extend(_appended_uids(data[-1]))
        return uids

    def messages(self, user: str, password: str,
                 folder: str = "INBOX") -> list[tuple[int, bytes, tuple[bytes, ...]]]:
        """Every message of ``folder`` as ``(uid, raw bytes, flags)``, by UID, read-only
        (nothing is marked read); ``\\Recent`` (which only says who looked first) is left out."""
        with self.connect(user, password) as client:
            client.select_folder(folder, readonly=True)
            # IMAPClient 4.1's fetch() cannot take "1:*": ask for the UIDs first.
            found = client.fetch(client.search(), ["BODY.PEEK[]", "FLAGS"])
        return [(uid, data[b"BODY[]"],
                 tuple(flag for flag in data[b"FLAGS"] if flag.lower() != b"\\recent"))
                for uid, data in sorted(found.items())]

    def uidvalidity(self, user: str, password: str, folder: str = "INBOX") -> int:
        """The folder's UIDVALIDITY as a new login sees it."""
        with self.connect(user, password) as client:
            return client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]

    def reset_uidvalidity(self, user: str, password: str, folder: str = "INBOX") -> int:
        """Give ``folder`` a new UIDVALIDITY, keeping its messages and flags; the new value.

        Drops the user's open connections first (as a server rebuilding its index would),
        then deletes Dovecot's index files of the folder (see the module's notes).
        """
        before = self.uidvalidity(user, password, folder)
        count = len(self.messages(user, password, folder))
        self.kick(user)
        root = self.folder / "home" / user / "Maildir"
        maildir = root
        if folder.upper() != "INBOX":
            maildir = root / ("." + imap_utf7.encode(folder).decode("ascii"))
        stale = [path for path in maildir.iterdir() if path.name.startswith(_INDEX_FILES)]
        stale += [path for path in root.iterdir() if path.name.startswith("dovecot.list.index")]
        for path in stale:
            path.unlink(missing_ok=True)
        after = self.uidvalidity(user, password, folder)
        if after == before or len(self.messages(user, password, folder)) != count:
            raise ImapServerError(f"UIDVALIDITY of {folder} did not change as expected")
        return after

    def create_folder(self, user: str, password: str, name: str,
                      special_use: str | None = None) -> None:
        """CREATE ``name`` for ``user``; with ``special_use`` (``"\\\\Sent"`` or ``"Sent"``) the
        server announces it in LIST (declared in the config, which is reloaded if needed)."""
        flag = None
        if special_use:
            flag = special_use if special_use.startswith("\\") else "\\" + special_use
            if self._special_use.get(name) != flag:
                self._special_use[name] = flag
                self.config.write_text(self._config_text(), encoding="utf-8")
                self._doveadm("reload")
        with self.connect(user, password) as client:
            client.create_folder(name)
        if flag is not None:
            self._wait_until(lambda: self._flagged(user, password, name, flag),
                             f"{name} is not listed as {flag}")

    def _flagged(self, user: str, password: str, name: str, flag: str) -> bool:
        with self.connect(user, password) as client:
            return any(folder == name and flag.lower() in {f.decode().lower() for f in flags}
                       for flags, _sep, folder in client.list_folders())


def _appended_uids(answer: bytes) -> list[int]:
    """The UIDs of an ``[APPENDUID validity uid-set]`` answer (UIDPLUS, RFC 4315)."""
    text = answer.decode("ascii", "replace") if isinstance(answer, bytes) else str(answer)
    start = text.find("[APPENDUID ")
    if start < 0:
        raise ImapServerError(f"no APPENDUID in {text!r}")
    uid_set = text[start:].split("]", 1)[0].split()[2]
    uids: list[int] = []
    for part in uid_set.split(","):
        low, _colon, high = part.partition(":")
        uids.extend(range(int(low), int(high or low) + 1))
    return uids


def _listens(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        return False
    return True


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent, from /proc; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Dovecot's helpers)."""
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and (_state_and_parent(int(entry.name)) or ("", 0))[1] == pid]


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent to reap it has ended)."""
    found = _state_and_parent(pid)
    return found is not None and found[0] != "Z"


def _wait_gone(pids: list[int]) -> None:
    """Wait until ``pids`` have exited (Dovecot's master ends them); kill what is left."""
    deadline = time.monotonic() + WAIT_S
    while pids:
        pids = [pid for pid in pids if _alive(pid)]
        if not pids:
            return
        if time.monotonic() > deadline:
            for pid in pids:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.02)


__all__ = ["HOST", "STRICT_HOST", "ImapServer", "ImapServerError", "unavailable_reason"]
