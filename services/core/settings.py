"""Every setting the app keeps, declared once with its type, default, bounds and meaning.

The rest of the app calls :func:`get` (which always returns the declared type:
a stored value of the wrong kind, out of bounds or from an older version is
upgraded when that is safe and otherwise replaced by the default) and
:func:`put` (which refuses a value of the wrong kind with a sentence).
:data:`OPTIONS` is the registry; :func:`option` looks one up. Secrets never
live here: the SMTP and IMAP passwords are in the system keyring.

Upgrade rules: a number stored as text ("5") or as a whole float (5.0) reads as
the number; ``"true"``/``"false"`` read as booleans; anything else unusable
reads as the default, and the next :func:`put` overwrites it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Option(NamedTuple):
    """One setting: its key, type, default, a sentence on what it is for, and bounds.

    ``minimum``/``maximum`` bound numbers; ``choices`` lists the allowed texts;
    ``upgrade`` turns a stored value of another kind into this type (None when it
    cannot), defaulting to :func:`upgrade_value`.
    """

    key: str
    kind: type
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    upgrade: Callable[[Any], Any] | None = None


#: The registry: every setting the app reads or writes.
OPTIONS: tuple[Option, ...] = (
    Option("user.name", str, "", "Your name, for greetings and the notes' signature."),
    Option("user.signature", str, "", "The signature under every note."),
    Option("ui.theme", str, "system", "Light, dark, or as the desktop is.",
           choices=("system", "light", "dark")),
    Option("ui.window_geometry", str, "", "The window's size and place (Qt's saveGeometry, "
           "base64)."),
    Option("ui.current_view", str, "applications", "The section shown at the last close."),
    Option("ui.tray_hint_shown", bool, False, "Whether the 'still running in the tray' hint "
           "was shown once."),
    Option("reminders.thanks_after_hours", int, 2, "Hours after a round ends before the "
           "thank-you reminder.", minimum=0, maximum=72),
    Option("reminders.follow_up_grace_business_days", int, 2, "Business days after the "
           "expected answer before the follow-up reminder.", minimum=0, maximum=30),
    Option("reminders.stall_days", int, 7, "Days without a new application, while everything "
           "waits, before the keep-going nudge.", minimum=1, maximum=60),
    Option("search.weekly_goal", int, 5, "Applications per week you aim for.",
           minimum=1, maximum=100),
    Option("outlook.default_response_business_days", int, 10, "The expected answer time "
           "when nobody said how long the process takes.", minimum=1, maximum=60),
    Option("smtp.sender_name", str, "", "The name your notes are sent from."),
    Option("smtp.sender_address", str, "", "The address your notes are sent from."),
    Option("smtp.host", str, "", "Your mail provider's SMTP server."),
    Option("smtp.port", int, 587, "The SMTP server's port.", minimum=1, maximum=65535),
    Option("smtp.security", str, "starttls", "STARTTLS, implicit TLS, or plain (localhost "
           "only).", choices=("starttls", "tls", "plain")),
    Option("smtp.username", str, "", "The user name you log in to the SMTP server with."),
    Option("imap.host", str, "", "Your mail provider's IMAP server, where replies are read."),
    Option("imap.port", int, 993, "The IMAP server's port.", minimum=1, maximum=65535),
    Option("imap.security", str, "tls", "Implicit TLS, STARTTLS, or plain (localhost only, "
           "for a bridge such as Proton Mail Bridge).", choices=("tls", "starttls", "plain")),
    Option("imap.username", str, "", "The user name you log in to the IMAP server with."),
    # Not "imap.same_password": backups leave out every setting whose key names a password.
    Option("imap.same_as_smtp", bool, True, "Whether the mailbox logs in with the SMTP "
           "account's password (kept once, in the system keyring)."),
    Option("imap.sent_folder", str, "", "The folder sent notes are copied to; empty: the one "
           "the server marks as Sent, or the usual names."),
    Option("imap.folders", str, "", "Folders watched besides INBOX, separated by commas."),
    Option("imap.watch", bool, True, "Whether Next Steps watches the mailbox for replies."),
    Option("templates.seeded", dict, {}, "Which built-in templates were written, by key, with "
           "the version of their text (so an improved text replaces an unedited one)."),
)

_BY_KEY = {entry.key: entry for entry in OPTIONS}
#: The default of every setting, by key (derived from :data:`OPTIONS`).
DEFAULTS: dict[str, Any] = {entry.key: entry.default for entry in OPTIONS}


def option(key: str) -> Option:
    """The declaration of ``key``; a ``KeyError`` for a key the app does not know."""
    return _BY_KEY[key]


def upgrade_value(kind: type, value: Any) -> Any:
    """``value`` as ``kind`` when a safe reading exists (see the module's upgrade rules),
    else None."""
    if kind is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind is bool and value in ("true", "false"):
        return value == "true"
    if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def problem(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be kept under ``key`` (a sentence), or None when it can."""
    entry = option(key)
    is_kind = isinstance(value, entry.kind) and not (
        entry.kind is int and isinstance(value, bool))
    if not is_kind:
        return f"The setting “{key}” takes {_KIND_NAMES.get(entry.kind, 'a value')}."
    if entry.minimum is not None and value < entry.minimum:
        return f"The setting “{key}” is at least {entry.minimum}."
    if entry.maximum is not None and value > entry.maximum:
        return f"The setting “{key}” is at most {entry.maximum}."
    if entry.choices and value not in entry.choices:
        return f"The setting “{key}” is one of: {', '.join(entry.choices)}."
    return None


_KIND_NAMES = {int: "a whole number", str: "text", bool: "yes or no", dict: "a table"}


def read_value(key: str, stored: Any) -> Any:
    """What :func:`get` returns for the decoded ``stored`` value of ``key``."""
    entry = option(key)
    if problem(key, stored) is None:
        return stored
    upgraded = (entry.upgrade or (lambda value: upgrade_value(entry.kind, value)))(stored)
    if upgraded is not None and problem(key, upgraded) is None:
        return upgraded
    if entry.kind is int and isinstance(stored, int) and not isinstance(stored, bool):
        low = entry.minimum if entry.minimum is not None else stored
        high = entry.maximum if entry.maximum is not None else stored
        return min(max(stored, low), high)
    return entry.default


def get(key: str) -> Any:
    """The value of ``key``, always of its declared type (the default when none is kept)."""
    import json  # here: the first paint reads defaults without needing json

    # peewee (through models.settings) and json: not before the first paint.
    from models.settings import Setting

    entry = option(key)
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return _copy(entry.default)
    try:
        stored = json.loads(row.value)
    except ValueError:
        return _copy(entry.default)
    return read_value(key, stored)


def read_from(con, key: str) -> Any:
    """:func:`get` through a plain ``sqlite3`` connection (readers that run without the ORM,
    such as the dashboard's figures on a connection of their own)."""
    # peewee (through models.settings) and json: not before the first paint.
    import json
    import sqlite3

    entry = option(key)
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        stored = json.loads(row[0]) if row is not None else entry.default
    except (sqlite3.Error, ValueError):
        return _copy(entry.default)
    return read_value(key, stored)


def put(key: str, value: Any) -> None:
    """Keep ``value`` under ``key``; a ``ValueError`` with a sentence when it does not fit."""
    if key.startswith(("smtp.password", "imap.password")) or "secret" in key:
        raise ValueError("Secrets belong in the system keyring, never in settings.")
    said = problem(key, value)
    if said is not None:
        raise ValueError(said)
    # peewee (through models.settings) and json: not before the first paint.
    import json

    # peewee (through models.settings) and json: not before the first paint.
    from models.settings import Setting

    encoded = json.dumps(value)
    Setting.insert(key=key, value=encoded).on_conflict_replace().execute()


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value
