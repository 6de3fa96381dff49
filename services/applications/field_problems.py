"""Sentences about one value the user typed: what is wrong with it and what to do.

The rest of the app calls :func:`email_problem` (an optional email address),
:func:`zone_problem` (an IANA time zone name) and :func:`url_problem` (a
posting's web address); each returns None when the value is usable. The small
helpers :func:`text_of`, :func:`quoted` and :func:`has_control` are shared
with :mod:`services.applications.validation`. Nothing here changes the
user's text.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["email_problem", "has_control", "quoted", "text_of", "url_problem", "zone_problem"]

#: Names ``zoneinfo`` finds on some systems that are not IANA zones the user could mean.
_NOT_IANA_ZONES = frozenset({"localtime", "posixrules", "Factory"})
# A domain label: letters (any script) or digits, hyphens inside only.
_LABEL = re.compile(r"^[^\W_](?:(?:[^\W_]|-)*[^\W_])?$")
# Characters an unquoted local part cannot hold (spaces and controls are checked before).
_LOCAL_FORBIDDEN = set('"(),:;<>[\\]')


def text_of(value: Any) -> str:
    """``value`` as text for checking (None counts as empty)."""
    return "" if value is None else str(value)


def quoted(value: str, limit: int = 60) -> str:
    """``value`` in typographic quotes for a sentence, cut with “…” beyond ``limit``."""
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"“{shown}”"


def has_control(value: str) -> bool:
    """True when ``value`` holds a line break or another control character."""
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def email_problem(value: str | None) -> str | None:
    """A sentence saying what is wrong with an optional email address, or None when usable.

    A usable address is one plain ``local@domain.tld``: no display name, no
    spaces or control characters, one ``@``, a domain with a dot and no empty
    parts. Surrounding spaces are ignored (save strips them).
    """
    raw = text_of(value)
    if has_control(raw):
        return (
            "The email address contains a line break or another invisible control character; "
            "type it again on one line."
        )
    address = raw.strip()
    if not address:
        return None
    shown = quoted(address)
    problem = _shape_problem(address, shown)
    if problem:
        return problem
    local, domain = address.split("@")
    return _local_part_problem(local, shown) or _domain_problem(domain, shown)


def _shape_problem(address: str, shown: str) -> str | None:
    """What keeps ``address`` from being one ``name@domain``: a display name, spaces, a list,
    no ``@`` or several."""
    name, parsed = parseaddr(address)
    if "<" in address or ">" in address or (name and parsed):
        return (
            f"{shown} is more than an address; enter only the address itself, "
            "such as name@example.com, without a name or angle brackets."
        )
    if any(ch.isspace() for ch in address):
        return f"{shown} contains a space; an email address has none, so remove it."
    if "," in address or ";" in address:
        return f"{shown} looks like several addresses; enter one email address only."
    at_count = address.count("@")
    if at_count == 0:
        return (
            f"{shown} is not an email address; it needs an @ followed by a domain, "
            "such as name@example.com."
        )
    if at_count > 1:
        return f"{shown} contains more than one @; enter a single address such as name@example.com."
    return None


def _local_part_problem(local: str, shown: str) -> str | None:
    """What is wrong with the part before the ``@``."""
    if not local:
        return f"{shown} is missing the name before the @, as in name@example.com."
    if any(ch in _LOCAL_FORBIDDEN for ch in local):
        return (
            f"{shown} contains characters an email address cannot have before the @; "
            "check for quotes, brackets, commas or colons."
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return f"{shown} has a misplaced dot before the @; check the dots in the name part."
    return None


def _domain_problem(domain: str, shown: str) -> str | None:
    """What is wrong with the part after the ``@``."""
    if "." not in domain:
        return (
            f"{shown} is not a complete email address; it needs a domain such as example.com."
        )
    labels = domain.split(".")
    if any(label == "" for label in labels):
        return f"{shown} has an empty part in its domain; check the dots after the @."
    if not all(_LABEL.match(label) for label in labels):
        return (
            f"{shown} has characters a domain cannot contain; a domain has only letters, "
            "digits, hyphens and dots, such as example.com."
        )
    return None


def zone_problem(tz_name: str | None) -> str | None:
    """A sentence saying why ``tz_name`` is not a usable IANA time zone, or None when it is."""
    name = text_of(tz_name)
    shown = quoted(name) if name else "An empty name"
    sentence = (
        f"{shown} is not a time zone this computer knows; choose one from the list, "
        "such as Europe/Berlin or America/New_York."
    )
    if not name or name in _NOT_IANA_ZONES or has_control(name):
        return sentence
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return sentence
    return None


def url_problem(value: str | None) -> str | None:
    """A sentence saying why ``value`` is not a posting's web address, or None when usable
    (an empty value is usable: the link is optional)."""
    url = text_of(value).strip()
    if not url:
        return None
    sentence = (
        f"{quoted(url)} is not a web address; paste the full link to the posting, "
        "starting with https:// (or http://)."
    )
    if has_control(url) or any(ch.isspace() for ch in url):
        return sentence
    try:
        parts = urlsplit(url)
    except ValueError:
        return sentence
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return sentence
    if not url.lower().startswith(("http://", "https://")):
        return sentence
    return None
