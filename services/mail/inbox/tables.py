"""The sender tables in ``resources/``: applicant-tracking systems, free mail, job boards.

Each is a small JSON file a user can extend (see its ``about`` entry); they are
read once, the first time a message is looked at. Domains match exactly or as
a parent domain: ``us.greenhouse-mail.io`` is Greenhouse's.
"""

from __future__ import annotations

import json
from functools import cache

from services.core.paths import resources_dir


def _read(name: str) -> dict:
    with (resources_dir() / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def ats_systems() -> dict[str, str]:
    """Applicant-tracking systems' sender domains → the system's name."""
    table: dict[str, str] = {}
    for system in _read("ats_senders.json")["systems"]:
        for domain in system["domains"]:
            table[domain.lower()] = system["name"]
    return table


@cache
def free_mail_domains() -> frozenset[str]:
    """Domains of mail providers anyone can use (a person's, never a company's)."""
    return frozenset(d.lower() for d in _read("free_mail_domains.json")["domains"])


@cache
def job_board_domains() -> frozenset[str]:
    """Domains job boards and career networks send from."""
    return frozenset(d.lower() for d in _read("job_board_senders.json")["domains"])


def domain_key(domain: str, table) -> str | None:
    """The entry of ``table`` that ``domain`` is, or is a subdomain of; ``None`` otherwise."""
    domain = domain.lower().strip().rstrip(".")
    while domain:
        if domain in table:
            return domain
        _, dot, domain = domain.partition(".")
        if not dot:
            return None
    return None


def ats_name(domain: str) -> str | None:
    """The applicant-tracking system a sender's domain belongs to, if any."""
    key = domain_key(domain, ats_systems())
    return None if key is None else ats_systems()[key]


def is_free_mail(domain: str) -> bool:
    """True for a free-mail provider's domain (or a subdomain of one)."""
    return domain_key(domain, free_mail_domains()) is not None


def is_job_board(domain: str) -> bool:
    """True for a job board's sender domain (or a subdomain of one)."""
    return domain_key(domain, job_board_domains()) is not None
