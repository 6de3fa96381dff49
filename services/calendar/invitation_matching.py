"""Which application an invitation belongs to: the candidates, best first, and the question
asked when it is not clear.

A new round goes to an existing application when one is found by the
organizer's (or an attendee's) email domain — compared with the contact,
recruiter and interviewer addresses of every application — or by a company
name found in the event's title. Without a single open match the window asks
(a :data:`ChooseApplication` callback, which may raise
:class:`ImportCancelled`); the command line, which cannot ask, creates a new
application named after the organizer's company (:func:`company_from_domain`).

:mod:`services.calendar.invitation_writer` uses :class:`ApplicationMatcher`
and :func:`sender_key`; the window answers with a :class:`Candidate`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from models.base import database_proxy
from models.values import OPEN_STAGES
from services.applications.folding import fold
from services.calendar.invitations import Invitation

__all__ = [
    "GENERIC_DOMAINS",
    "ApplicationMatcher",
    "Candidate",
    "ChooseApplication",
    "ImportCancelled",
    "company_from_domain",
    "email_domain",
    "sender_key",
]

_OPEN_VALUES = frozenset(stage.value for stage in OPEN_STAGES)


class ImportCancelled(Exception):
    """Raised by a ``choose_application`` callback to stop the import: nothing from the
    file being imported is saved."""


class Candidate(NamedTuple):
    """An application an invitation may belong to, and why it was proposed."""

    application_id: int
    company: str
    role: str
    stage: str
    reason: str

    @property
    def is_open(self) -> bool:
        """True while the application's process is still going on."""
        return self.stage in _OPEN_VALUES


#: ``choose_application(invitation, candidates)`` → an application id, or None to create a
#: new application; raise :class:`ImportCancelled` to stop.
ChooseApplication = Callable[[Invitation, list[Candidate]], "int | None"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold(text)))


#: Legal forms left out when comparing company names.
_LEGAL_FORMS = frozenset({"gmbh", "ag", "inc", "ltd", "llc", "bv", "b", "v", "se", "co", "sa",
                          "sas", "srl", "plc", "oy", "ab", "as", "kg", "corp", "limited"})
#: Mail and calendar providers: their domains say nothing about the company.
GENERIC_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de",
    "gmx.net", "gmx.com", "web.de", "t-online.de", "proton.me", "protonmail.com", "mail.com",
    "zoho.com", "yandex.com", "yandex.ru", "fastmail.com", "hey.com", "zoom.us",
    "calendly.com", "calendar.google.com", "resource.calendar.google.com",
    "group.calendar.google.com", "outlook.office365.com", "microsoft.com.invalid",
})


def email_domain(email: str) -> str:
    """The domain of an address, in lower case ("" when it has none)."""
    return email.rsplit("@", 1)[-1].strip().casefold() if "@" in email else ""


def company_from_domain(domain: str) -> str:
    """A company name told from a mail domain: ``careers.lumen-analytics.co.uk`` →
    ``Lumen Analytics``."""
    labels = [label for label in domain.split(".") if label]
    skip = {"mail", "email", "corp", "careers", "jobs", "hr", "talent", "recruiting", "eu",
            "us", "uk", "de", "mx", "m", "www", "calendar", "people"}
    if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "ac", "gov", "edu"} \
            and len(labels[-1]) == 2:
        base = labels[-3]
    elif len(labels) >= 2:
        base = labels[-2]
        if base in skip and len(labels) >= 3:
            base = labels[-3]
    else:
        base = labels[0] if labels else domain
    words = [word for word in re.split(r"[-_]+", base) if word]
    return " ".join(word.capitalize() if word.islower() else word for word in words) or domain


class ApplicationMatcher:
    """Finds the applications an invitation may belong to (built once per import)."""

    def __init__(self) -> None:
        self.db = database_proxy
        self.domains: dict[str, set[int]] = {}
        self.names: dict[tuple[str, ...], set[int]] = {}
        self.apps: dict[int, tuple[str, str, str, str]] = {}  # id -> company, role, stage, upd
        self.longest = 1
        rows = self.db.execute_sql(
            "SELECT id, company, role, stage, contact_email, recruiter_email, updated_at "
            "FROM application").fetchall()
        for app_id, company, role, stage, contact, recruiter, updated in rows:
            self._remember(app_id, company, role, stage, updated or "", (contact, recruiter))
        for app_id, email in self.db.execute_sql(
                "SELECT r.application_id, i.email FROM interviewer i "
                "JOIN interview_round r ON r.id = i.round_id WHERE i.email != ''"):
            domain = email_domain(email)
            if domain and domain not in GENERIC_DOMAINS:
                self.domains.setdefault(domain, set()).add(app_id)

    def _remember(self, app_id: int, company: str, role: str, stage: str, updated: str,
                  emails: Iterable[str]) -> None:
        self.apps[app_id] = (company, role, stage, updated)
        for email in emails:
            domain = email_domain(email or "")
            if domain and domain not in GENERIC_DOMAINS:
                self.domains.setdefault(domain, set()).add(app_id)
        words = _words(company)
        stripped = tuple(word for word in words if word not in _LEGAL_FORMS)
        for key in {words, stripped}:
            if key and len(" ".join(key)) >= 3:
                self.names.setdefault(key, set()).add(app_id)
                self.longest = max(self.longest, len(key))

    def add(self, app_id: int, company: str, role: str, stage: str,
            emails: Iterable[str]) -> None:
        """Remember an application created during the import."""
        self._remember(app_id, company, role, stage, "9999", emails)

    def candidates(self, invitation: Invitation) -> list[Candidate]:
        """The matching applications, best first: by the organizer's domain and name,
        then by an attendee's domain, then by name; open before closed; recent first."""
        reasons: dict[int, list[str]] = {}
        scores: dict[int, int] = {}
        for app_ids, score, reason in self._evidence(invitation):
            for app_id in app_ids:
                if reason not in reasons.setdefault(app_id, []):
                    reasons[app_id].append(reason)
                scores[app_id] = scores.get(app_id, 0) + score
        order = sorted(scores, key=lambda app_id: (
            -scores[app_id], self.apps[app_id][2] not in _OPEN_VALUES,
            _reverse(self.apps[app_id][3]), app_id))
        return [Candidate(app_id, *self.apps[app_id][:3], "; ".join(reasons[app_id]))
                for app_id in order]

    def _evidence(self, invitation: Invitation) -> Iterator[tuple[Iterable[int], int, str]]:
        """(applications, score, reason) for each sign of where ``invitation`` belongs."""
        if invitation.organizer is not None:
            domain = email_domain(invitation.organizer.email)
            if domain and domain not in GENERIC_DOMAINS:
                yield self.domains.get(domain, ()), 4, f"the organizer writes from @{domain}"
        for person in invitation.attendees:
            domain = email_domain(person.email)
            if domain and domain not in GENERIC_DOMAINS:
                yield self.domains.get(domain, ()), 2, f"an attendee writes from @{domain}"
        words = _words(invitation.summary)
        for size in range(min(self.longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                found = self.names.get(words[start:start + size])
                if found:
                    yield found, 3, "its company is named in the title"

    def open_applications(self, limit: int = 300) -> list[Candidate]:
        """Open applications, most recently updated first (to choose from when nothing
        matched)."""
        chosen = [app_id for app_id, (_c, _r, stage, _u) in self.apps.items()
                  if stage in _OPEN_VALUES]
        chosen.sort(key=lambda app_id: (_reverse(self.apps[app_id][3]), app_id))
        return [Candidate(app_id, *self.apps[app_id][:3], "") for app_id in chosen[:limit]]


def _reverse(text: str) -> tuple[int, ...]:
    """A key sorting ``text`` descending."""
    return tuple(-ord(ch) for ch in text)


def sender_key(invitation: Invitation) -> str:
    """Who sent an invitation, for grouping new applications: the organizer's company
    domain, else the organizer's address, else nobody."""
    for person in ((invitation.organizer,) if invitation.organizer else ()) + \
            invitation.attendees:
        domain = email_domain(person.email)
        if domain and domain not in GENERIC_DOMAINS:
            return domain
    return invitation.organizer.email.casefold() if invitation.organizer else ""
