"""The user's IMAP account (the mailbox Next Steps reads replies from): settings, password, checks.

The fields live in the settings table under ``imap.*`` (``imap.same_as_smtp`` holds
``same_password``: a key naming a password would be left out of backups). The password
goes only to the system keyring, through the SMTP account's helpers in
:mod:`services.mail.account` (which refuse unusable keyrings and explain locked ones):
under the same service, user ``username@host``. They key an entry by user name and host
only, so they take an :class:`ImapAccount` as they take an SMTP account; when both
accounts have the same user name and host, they share one entry. With
``same_password`` the mailbox uses the SMTP account's password and keeps none of its own.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from models.base import database_proxy
from services.core import settings
from services.mail.account import (
    AccountProblem,
    KeyringProblem,
    forget_password,
    get_password,
    load_account,
    password_key,
    store_password,
)
from services.mail.headers import host_problem, is_loopback, text_problem

__all__ = [
    "DEFAULT_PORTS",
    "SECURITY_CHOICES",
    "ImapAccount",
    "imap_password",
    "load_imap_account",
    "save_imap_account",
    "store_imap_password",
    "validate_imap_account",
]

log = logging.getLogger(__name__)

#: The security modes, in the order the settings page offers them.
SECURITY_CHOICES = ("tls", "starttls", "plain")
#: The usual port for each security mode.
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "plain": 143}

#: Field → setting key.
_KEYS = {
    "host": "imap.host",
    "port": "imap.port",
    "security": "imap.security",
    "username": "imap.username",
    "same_password": "imap.same_as_smtp",
    "sent_folder": "imap.sent_folder",
}


class ImapAccount(NamedTuple):
    """One IMAP account: where the mailbox is, how to log in, and which folders matter.

    ``sent_folder`` is ``""`` when the server's own Sent folder is to be found;
    ``folders`` are watched besides INBOX.
    """

    host: str
    port: int
    security: str  # "starttls" | "tls" | "plain"
    username: str
    same_password: bool
    sent_folder: str
    folders: tuple[str, ...]


# -- settings ------------------------------------------------------------------------------


def load_imap_account() -> ImapAccount | None:
    """The saved account, or None when none is set up (no host)."""
    host = str(settings.get("imap.host") or "")
    if not host:
        return None
    security = settings.get("imap.security")
    if security not in SECURITY_CHOICES:
        security = "tls"
    return ImapAccount(
        host=host,
        port=int(settings.get("imap.port")),
        security=security,
        username=str(settings.get("imap.username") or ""),
        same_password=bool(settings.get("imap.same_as_smtp")),
        sent_folder=str(settings.get("imap.sent_folder") or ""),
        folders=_split_folders(settings.get("imap.folders")),
    )


def save_imap_account(account: ImapAccount, password: str | None) -> ImapAccount:
    """Validate and store ``account``; store ``password`` in the keyring when given.

    With ``same_password`` no password is stored (``password`` is ignored): the SMTP
    account's is used, so an SMTP account must exist. Otherwise ``None`` (or empty) keeps
    the stored password, moved to the new entry if the user name or host changed. Raises
    :class:`AccountProblem` (nothing saved) or :class:`KeyringProblem` (the account was
    saved, the password was not). Returns the account as stored.
    """
    account = normalised(account)
    problems = validate_imap_account(account)
    if not problems and account.same_password and load_account() is None:
        problems["same_password"] = (
            "There is no SMTP account whose password the mailbox could share. Set up the "
            "SMTP account first, or enter a password for the mailbox.")
    if problems:
        raise AccountProblem(problems)
    previous = load_imap_account()
    with database_proxy.atomic():
        for field, key in _KEYS.items():
            settings.put(key, getattr(account, field))
        settings.put("imap.folders", ", ".join(account.folders))
    log.info("mailbox saved (%s:%s, %s)", account.host, account.port, account.security)
    _update_password(previous, account, password)
    return account


def normalised(account: ImapAccount) -> ImapAccount:
    """``account`` with spaces around its texts removed and its extra folders cleaned
    (empty ones, INBOX and repeats dropped)."""
    strip = {field: getattr(account, field).strip()
             for field in ("host", "security", "username", "sent_folder")
             if isinstance(getattr(account, field), str)}
    folders: list[str] = []
    for folder in account.folders if isinstance(account.folders, tuple | list) else ():
        name = folder.strip() if isinstance(folder, str) else folder
        if name and name not in folders and str(name).upper() != "INBOX":
            folders.append(name)
    return account._replace(**strip, folders=tuple(folders))


def validate_imap_account(account: ImapAccount) -> dict[str, str]:
    """Problems with ``account``, as ``{field: sentence}``; empty when it can be used."""
    problems: dict[str, str] = {}
    host = account.host.strip() if isinstance(account.host, str) else ""
    bad_host = host_problem(host) if host else (
        "Enter the IMAP server's host name, for example imap.example.com.")
    if bad_host:
        problems["host"] = bad_host
    if (not isinstance(account.port, int) or isinstance(account.port, bool)
            or not 1 <= account.port <= 65535):
        problems["port"] = "The port must be a whole number from 1 to 65535."
    if account.security not in SECURITY_CHOICES:
        problems["security"] = "Choose implicit TLS, STARTTLS or plain (localhost only)."
    elif account.security == "plain" and not bad_host and not is_loopback(account.host):
        problems["security"] = (
            "Plain, unencrypted connections are only allowed to this computer (localhost, "
            f"for a bridge); choose implicit TLS or STARTTLS for {host}.")
    username = account.username.strip() if isinstance(account.username, str) else ""
    if not username:
        problems["username"] = (
            "Enter the user name your mail provider gave you (often your email address).")
    elif text_problem(username, "user name"):
        problems["username"] = "The user name cannot contain line breaks or control characters."
    if not isinstance(account.same_password, bool):
        problems["same_password"] = "Say whether the mailbox uses the SMTP account's password."
    problems.update(_folder_problems(account))
    return problems


def _folder_problems(account: ImapAccount) -> dict[str, str]:
    problems: dict[str, str] = {}
    sent = account.sent_folder
    if not isinstance(sent, str) or text_problem(sent, "folder name"):
        problems["sent_folder"] = (
            "The Sent folder's name cannot contain line breaks or control characters.")
    folders = account.folders if isinstance(account.folders, tuple | list) else None
    if folders is None or not all(isinstance(name, str) for name in folders):
        problems["folders"] = "List the extra folders by name."
    elif any(text_problem(name, "folder name") for name in folders):
        problems["folders"] = "Folder names cannot contain line breaks or control characters."
    elif any("," in name for name in folders):
        problems["folders"] = (
            "A watched folder's name cannot contain a comma (commas separate the folders).")
    return problems


def _split_folders(stored) -> tuple[str, ...]:
    if not isinstance(stored, str):
        return ()
    return tuple(name.strip() for name in stored.split(",") if name.strip())


# -- the password, in the keyring only --------------------------------------------------------


def imap_password(account: ImapAccount) -> str:
    """The mailbox's password from the system keyring: with ``same_password`` the SMTP
    account's, else its own entry (``username@host``).

    Raises :class:`KeyringProblem` with a sentence (no usable keyring, locked, nothing
    stored: ``kind="missing"``).
    """
    if not account.same_password:
        return get_password(account)
    smtp = load_account()
    if smtp is None:
        raise KeyringProblem(
            "The mailbox is set to use the SMTP account's password, but no SMTP account is "
            "set up. Set it up in Settings → Email account, or enter a password for the "
            "mailbox.",
            kind="missing",
        )
    password = get_password(smtp)
    if not password:
        raise KeyringProblem(
            f"The SMTP account logs in without a password, so the mailbox cannot share it. "
            f"Enter the password for {account.username} on {account.host}.",
            kind="missing",
        )
    return password


def store_imap_password(account: ImapAccount, password: str) -> None:
    """Put ``password`` in the keyring under the mailbox's own entry (``username@host``),
    and check that it was kept; raises :class:`KeyringProblem`. (With ``same_password`` the
    SMTP account's password is used instead, and this entry is not read.)"""
    store_password(account, password)


def _update_password(previous: ImapAccount | None, account: ImapAccount,
                     password: str | None) -> None:
    """The keyring half of :func:`save_imap_account`. Raises :class:`KeyringProblem`.

    An entry of the previous account that is no longer used (the user name or host
    changed, or the mailbox now shares the SMTP password) is removed once the new one
    is in place; never the SMTP account's entry.
    """
    stale = previous if _own_entry(previous) and (
        account.same_password or password_key(previous) != password_key(account)) else None
    if password and not account.same_password:
        store_imap_password(account, password)
    elif stale is not None and not account.same_password:
        try:
            kept = get_password(stale)
        except KeyringProblem:
            return
        store_imap_password(account, kept)
    if stale is not None:
        _forget_quietly(stale)


def _own_entry(account: ImapAccount | None) -> bool:
    """True when ``account`` kept a keyring entry of its own (not the SMTP account's)."""
    if account is None or account.same_password:
        return False
    smtp = load_account()
    return smtp is None or password_key(smtp) != password_key(account)


def _forget_quietly(account: ImapAccount) -> None:
    try:
        forget_password(account)
    except KeyringProblem:
        log.info("the mailbox's old keyring entry could not be removed")
