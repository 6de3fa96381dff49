"""The user's SMTP account: its settings, its password in the OS keyring, and checks.

The account's fields live in the settings table under ``smtp.*``. The password
goes only to the operating system's keyring (service
:data:`services.mail.secrets.SERVICE_NAME`, user ``username@host``); when no usable
keyring exists the password is refused with a sentence, never written elsewhere.
Connecting to the server with an account is :mod:`services.mail.smtp`'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import NamedTuple

from models.base import database_proxy
from services.core import settings
from services.mail.headers import (
    address_problem,
    host_problem,
    is_loopback,
    text_problem,
)
from services.mail.secrets import SERVICE_NAME, KeyringStatus, keyring_status

__all__ = [
    "DEFAULT_PORTS",
    "SECURITY_CHOICES",
    "Account",
    "AccountProblem",
    "KeyringProblem",
    "PasswordState",
    "backend_name",
    "forget_password",
    "get_password",
    "has_password",
    "load_account",
    "password_key",
    "password_state",
    "save_account",
    "save_settings",
    "store_password",
    "update_password",
    "validate_account",
]

log = logging.getLogger(__name__)

#: The security modes, in the order the settings page offers them.
SECURITY_CHOICES = ("starttls", "tls", "plain")
#: The usual port for each security mode.
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "plain": 25}

_FIELDS = ("sender_name", "sender_address", "host", "port", "security", "username")


class Account(NamedTuple):
    """One SMTP account: who the mail is from and how to reach the server."""

    sender_name: str
    sender_address: str
    host: str
    port: int
    security: str  # "starttls" | "tls" | "plain"
    username: str


class AccountProblem(ValueError):
    """The account cannot be saved; ``problems`` maps each field to a sentence."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        self.message = " ".join(problems.values())
        super().__init__(self.message)


class KeyringProblem(Exception):
    """The keyring cannot keep or give the password; ``message`` says why and what to do.

    ``kind`` is one of ``unavailable``, ``disabled``, ``insecure`` (a backend that keeps
    passwords in a file), ``locked``, ``missing``, ``error``.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


# -- settings ------------------------------------------------------------------------------


def load_account() -> Account | None:
    """The saved account, or None when none is set up (no host or no sender address)."""

    values = {name: settings.get(f"smtp.{name}") for name in _FIELDS}
    if not values["host"] or not values["sender_address"]:
        return None
    security = values["security"] if values["security"] in SECURITY_CHOICES else "starttls"
    try:
        port = int(values["port"])
    except (TypeError, ValueError):
        port = DEFAULT_PORTS[security]
    return Account(
        sender_name=str(values["sender_name"] or ""),
        sender_address=str(values["sender_address"]),
        host=str(values["host"]),
        port=port,
        security=security,
        username=str(values["username"] or ""),
    )


def save_account(account: Account, password: str | None) -> Account:
    """Validate and store ``account``; store ``password`` in the keyring when given.

    ``password=None`` (or empty) keeps the stored one; if the user name or host
    changed, a stored password moves to the new key. Raises
    :class:`AccountProblem` (nothing saved) or :class:`KeyringProblem` (the
    account was saved, the password was not). Returns the account as stored
    (surrounding spaces removed).
    """
    account, previous = save_settings(account)
    update_password(previous, account, password)
    return account


def save_settings(account: Account) -> tuple[Account, Account | None]:
    """The settings half of :func:`save_account`: no keyring call.

    Returns the account as stored and the one it replaced (None for the first);
    raises :class:`AccountProblem` with nothing saved.
    """

    account = normalised(account)
    problems = validate_account(account)
    if problems:
        raise AccountProblem(problems)
    previous = load_account()
    with database_proxy.atomic():
        for name in _FIELDS:
            settings.put(f"smtp.{name}", getattr(account, name))
    log.info("email account saved (%s:%s, %s)", account.host, account.port, account.security)
    return account, previous


def update_password(previous: Account | None, account: Account, password: str | None) -> None:
    """The keyring half of :func:`save_account`, after :func:`save_settings`.

    Only keyring calls, so it may run off the UI thread. Raises :class:`KeyringProblem`.
    """
    if password:
        store_password(account, password)
        if previous is not None and password_key(previous) != password_key(account):
            _forget_quietly(previous)
    elif previous is not None and password_key(previous) != password_key(account):
        _move_password(previous, account)


def normalised(account: Account) -> Account:
    """``account`` with spaces around every text field removed."""
    return account._replace(**{
        name: getattr(account, name).strip()
        for name in _FIELDS
        if isinstance(getattr(account, name), str)
    })


def validate_account(account: Account) -> dict[str, str]:
    """Problems with ``account``, as ``{field: sentence}``; empty when it can be used."""
    problems: dict[str, str] = {}
    name_problem = text_problem(account.sender_name, "sender name")
    if name_problem:
        problems["sender_name"] = name_problem
    sender_problem = address_problem(account.sender_address, "sender address")
    if sender_problem:
        problems["sender_address"] = sender_problem
    bad_host = host_problem(account.host)
    if bad_host:
        problems["host"] = bad_host
    if (
        not isinstance(account.port, int)
        or isinstance(account.port, bool)
        or not 1 <= account.port <= 65535
    ):
        problems["port"] = "The port must be a whole number from 1 to 65535."
    if account.security not in SECURITY_CHOICES:
        problems["security"] = "Choose STARTTLS, implicit TLS or plain (localhost only)."
    elif account.security == "plain" and not bad_host and not is_loopback(account.host):
        problems["security"] = (
            f"Plain, unencrypted connections are only allowed to this computer (localhost); "
            f"choose STARTTLS or implicit TLS for {account.host.strip()}."
        )
    username = account.username.strip()
    if not username and account.security != "plain":
        problems["username"] = (
            "Enter the user name your mail provider gave you (often your email address)."
        )
    elif text_problem(username, "user name"):
        problems["username"] = "The user name cannot contain line breaks or control characters."
    return problems


# -- the password, in the keyring only --------------------------------------------------------


def password_key(account: Account) -> str:
    """The keyring user name under which ``account``'s password is kept."""
    return f"{account.username.strip()}@{account.host.strip().lower()}"


def store_password(account: Account, password: str) -> None:
    """Put ``password`` in the OS keyring, and check that it was really kept.

    Raises :class:`KeyringProblem` when there is no keyring, when it is the
    ``null`` backend (it accepts and forgets), or when it is locked.
    """
    # keyring: loaded when a password is first needed (finding its backends takes time).
    import keyring

    _refuse_unusable_backend()
    key = password_key(account)
    with _keyring_errors(password, "saved"):
        keyring.set_password(SERVICE_NAME, key, password)
        kept = keyring.get_password(SERVICE_NAME, key)
    if kept != password:
        raise KeyringProblem(
            f"The keyring ({backend_name()}) accepted the password but did not keep it, so "
            "Next Steps cannot remember it. Choose a real keyring backend (GNOME Keyring, "
            "KWallet, macOS Keychain or Windows Credential Manager).",
            kind="disabled",
        )
    log.info("password for the email account kept by %s", backend_name())


def get_password(account: Account) -> str:
    """The account's password from the OS keyring.

    Raises :class:`KeyringProblem` with a sentence when there is no usable
    keyring, when it is locked, or when no password is stored (``kind="missing"``).
    An account without a user name (plain security to a local relay) logs in
    without a password: ``""`` is returned and the keyring is not asked.
    """
    # keyring: loaded when a password is first needed (finding its backends takes time).
    import keyring

    if not account.username.strip():
        return ""
    _refuse_unusable_backend()
    with _keyring_errors(None, "read"):
        password = keyring.get_password(SERVICE_NAME, password_key(account))
    if not password:
        raise KeyringProblem(
            f"No password is stored for {account.username} on {account.host}. Enter it in "
            "Settings → Email account and press Save.",
            kind="missing",
        )
    return password


def has_password(account: Account) -> bool:
    """True when the keyring holds a password for ``account`` (False on any keyring problem)."""
    try:
        get_password(account)
    except KeyringProblem:
        return False
    return True


class PasswordState(NamedTuple):
    """What the settings page says about the keyring: its status, and whether (and where)
    the account's password is stored."""

    status: KeyringStatus
    stored: bool
    where: str


def password_state(account: Account | None) -> PasswordState:
    """The keyring's status and whether it holds ``account``'s password.

    Keyring calls only (a keyring may prompt to unlock): the window runs it off the UI thread.
    """
    status = keyring_status()
    stored = bool(status.usable and account is not None and account.username.strip()
                  and has_password(account))
    return PasswordState(status, stored, backend_name() if stored else "")


def forget_password(account: Account) -> None:
    """Remove ``account``'s password from the keyring (nothing happens when there is none)."""
    # keyring: loaded when a password is first needed (finding its backends takes time).
    import keyring
    from keyring.errors import PasswordDeleteError

    _refuse_unusable_backend()
    with _keyring_errors(None, "removed"), suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE_NAME, password_key(account))


#: Readable names of the usual keyring backends, by module.
_BACKEND_LABELS = {
    "keyring.backends.SecretService": "the Secret Service (GNOME Keyring)",
    "keyring.backends.kwallet": "KWallet",
    "keyring.backends.macOS": "the macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Manager",
}


def backend_name() -> str:
    """The active keyring backend as the user would call it (e.g. ``the macOS Keychain``)."""
    # keyring: loaded when a password is first needed (finding its backends takes time).
    import keyring

    backend = keyring.get_keyring()
    module = type(backend).__module__
    return _BACKEND_LABELS.get(module, getattr(backend, "name", type(backend).__name__))


def _refuse_unusable_backend() -> None:
    status = keyring_status()
    if not status.usable:
        raise KeyringProblem(status.message, kind=status.kind or "unavailable")


@contextmanager
def _keyring_errors(secret: str | None, action: str) -> Iterator[None]:
    """Turn keyring exceptions into :class:`KeyringProblem` sentences (password scrubbed)."""
    # keyring: loaded when a password is first needed (finding its backends takes time).
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    try:
        yield
    except Exception as exc:
        verb = f"The password was not {action}."
        if isinstance(exc, NoKeyringError):
            problem = KeyringProblem(
                "No system keyring is available, so Next Steps cannot keep an email password. "
                "Install and unlock one (GNOME Keyring, KWallet, macOS Keychain or Windows "
                f"Credential Manager). {verb}",
                kind="unavailable",
            )
        elif isinstance(exc, KeyringLocked):
            problem = KeyringProblem(
                "The system keyring is locked, so Next Steps cannot use the email password. "
                f"Unlock it (log in again or open your keyring manager) and try again. {verb}",
                kind="locked",
            )
        elif isinstance(exc, InitError):
            problem = KeyringProblem(
                f"Next Steps could not open the system keyring ({_detail(exc, secret)}). "
                f"Make sure it is running and unlocked, then try again. {verb}",
                kind="locked",
            )
        else:
            problem = KeyringProblem(
                f"The system keyring reported a problem ({_detail(exc, secret)}). {verb}",
                kind="error",
            )
        log.warning("keyring problem: %s", type(exc).__name__)
        raise problem from None


def _detail(exc: BaseException, secret: str | None) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if secret and len(secret) >= 3:
        text = text.replace(secret, "•••")
    return text[:200].rstrip(". ")


def _forget_quietly(account: Account) -> None:
    try:
        forget_password(account)
    except KeyringProblem:
        log.info("the old keyring entry could not be removed")


def _move_password(previous: Account, account: Account) -> None:
    try:
        password = get_password(previous)
    except KeyringProblem:
        return
    store_password(account, password)
    _forget_quietly(previous)
