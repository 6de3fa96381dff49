"""The common mail providers' settings, found from the domain of an address.

The table is ``resources/mail_providers.json`` (its ``about`` entry says what each key
means and when the values were checked); it is read once, the first time it is asked.
The settings page fills in the IMAP and SMTP fields from :func:`provider_for` and shows
its ``note``; the Sent copy asks ``keeps_sent_copy`` (Gmail files SMTP submissions in
Sent itself, so the app must not append a second copy).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from services.core.paths import resources_dir

__all__ = ["Provider", "all_providers", "provider_for"]

_FILE = "mail_providers.json"


@dataclass(frozen=True)
class Provider:
    """One provider's servers (security ``"tls"`` or ``"starttls"``), its usual Sent folder
    (``""`` when the name depends on the language: found by SPECIAL-USE), whether it files
    SMTP submissions in Sent itself, whether it wants an app password, and a sentence on
    what to do before the first login (``""`` when nothing)."""

    name: str
    domains: tuple[str, ...]
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    sent_folder: str
    keeps_sent_copy: bool
    app_password: bool
    note: str


@cache
def all_providers() -> tuple[Provider, ...]:
    """Every provider of the table, in its order."""
    with (resources_dir() / _FILE).open(encoding="utf-8") as handle:
        entries = json.load(handle)["providers"]
    return tuple(
        Provider(
            name=entry["name"],
            domains=tuple(domain.lower() for domain in entry["domains"]),
            imap_host=entry["imap"]["host"],
            imap_port=int(entry["imap"]["port"]),
            imap_security=entry["imap"]["security"],
            smtp_host=entry["smtp"]["host"],
            smtp_port=int(entry["smtp"]["port"]),
            smtp_security=entry["smtp"]["security"],
            sent_folder=entry.get("sent_folder", ""),
            keeps_sent_copy=bool(entry.get("keeps_sent_copy", False)),
            app_password=bool(entry.get("app_password", False)),
            note=entry.get("note", ""),
        )
        for entry in entries
    )


@cache
def _by_domain() -> dict[str, Provider]:
    return {domain: provider for provider in all_providers() for domain in provider.domains}


def provider_for(address: str) -> Provider | None:
    """The provider of ``address`` (by its domain, case and surrounding spaces ignored), or
    None for another domain or text that is no address."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        return None
    return _by_domain().get(domain.strip().rstrip(".").lower())
