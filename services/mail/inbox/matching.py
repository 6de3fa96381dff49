"""Which of the user's applications an incoming message is about.

:func:`match` works on plain facts (:class:`KnownApplication`), no database,
and tries the ways of knowing strongest first; the first that finds anything
decides, and its reason is kept as a sentence the user reads:

1. :attr:`Strength.THREAD`: the message answers a note the app sent (its
   In-Reply-To or References name a sent Message-ID).
2. :attr:`Strength.PERSON`: the sender is a known person (an interviewer, a
   contact, an agency's recruiter), by exact address.
3. :attr:`Strength.DOMAIN`: the sender's domain is an application's domain, or
   a known person's; never a free-mail provider's (``resources/free_mail_domains.json``).
4. :attr:`Strength.ATS`: an applicant-tracking system sent it
   (``resources/ats_senders.json``) and the company (or the agency) is named
   in the sender's name, the subject or the message's own words, as whole
   words, ignoring case and accents; when one matched name lies inside another
   ("Kestrel" and "Kestrel Digital"), the longer one wins.

Mail to many (mailing-list headers, a job board's sender, job-alert phrases:
:mod:`services.mail.inbox.bulk`) only counts through 1 and 2, so job alerts,
newsletters and recruiters' cold messages are never attached by a name or a
domain. When open and closed applications both match, only the open ones are
kept. Two or more applications → all of them, and the user chooses; none →
nothing is attached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

from services.applications.folding import fold
from services.mail.inbox import tables
from services.mail.inbox.bulk import bulk_reasons
from services.mail.inbox.quoting import own_words

_NOT_WORD = re.compile(r"[\W_]+")
#: Words at the end of a company's name that mail often leaves out.
LEGAL_FORMS = frozenset({
    "gmbh", "mbh", "ag", "se", "kg", "kgaa", "co", "ug", "ohg", "gbr", "ev", "e v", "inc",
    "llc", "ltd", "limited", "plc", "corp", "corporation", "bv", "b v", "nv", "sa", "sas",
    "sarl", "srl", "spa", "oy", "ab", "as", "aps", "pty", "lp", "llp", "haftungsbeschrankt",
})


class Strength(IntEnum):
    """How a match was found; a larger value is stronger evidence."""

    NONE = 0
    ATS = 1
    DOMAIN = 2
    PERSON = 3
    THREAD = 4


@dataclass(frozen=True)
class KnownApplication:
    """The facts about one application that matching reads.

    ``people`` are ``(name, email)`` pairs (interviewers, contacts, the agency's
    recruiter); ``domains`` the company's mail domains; ``sent_message_ids`` the
    Message-IDs of the notes the app sent for it. What matching derives from them is
    worked out once per application (a pass compares thousands of messages with it).
    """

    application_id: int
    company: str
    agency_name: str = ""
    people: tuple[tuple[str, str], ...] = ()
    domains: tuple[str, ...] = ()
    sent_message_ids: tuple[str, ...] = ()
    open: bool = True

    @cached_property
    def sent_keys(self) -> frozenset[str]:
        """The sent Message-IDs as compared: without brackets, lower case."""
        return frozenset(_id_key(i) for i in self.sent_message_ids) - {""}

    @cached_property
    def addresses(self) -> dict[str, str]:
        """Each known person's address (lower case) → their name (the first one given)."""
        found: dict[str, str] = {}
        for name, email in self.people:
            if email and email.strip():
                found.setdefault(email.strip().lower(), name)
        return found

    @cached_property
    def mail_domains(self) -> frozenset[str]:
        """The company's own mail domains: given and the people's, without free-mail,
        job-board and applicant-tracking domains."""
        domains = {d.strip().lower().lstrip("@") for d in self.domains if d.strip()}
        domains |= {address.rpartition("@")[2].strip() for address in self.addresses}
        return frozenset(d for d in domains if d and not tables.is_free_mail(d)
                         and not tables.is_job_board(d) and tables.ats_name(d) is None)

    @cached_property
    def name_keys(self) -> frozenset[str]:
        """The company's and the agency's names as searched for (:func:`company_key`)."""
        return frozenset({company_key(self.company), company_key(self.agency_name or "")}
                         - {""})


@dataclass(frozen=True)
class MatchResult:
    """The applications a message is about (empty: none), why, and how strongly."""

    application_ids: tuple[int, ...]
    reason: str
    strength: Strength


def normalise_name(text: str) -> str:
    """``text`` folded for whole-word comparing: no accents or case, words split by spaces."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def company_key(name: str) -> str:
    """A company's name as it is searched for: normalised, without a trailing legal form
    ("Lumen Analytics GmbH" → "lumen analytics"), unless that leaves fewer than 3 letters."""
    words = normalise_name(name).split()
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or " ".join(words[-2:]) in LEGAL_FORMS):
        words = words[:-2] if " ".join(words[-2:]) in LEGAL_FORMS else words[:-1]
    key = " ".join(words)
    return key if len(key.replace(" ", "")) >= 3 else normalise_name(name)


def names_in(key: str, normalised_text: str) -> bool:
    """True when the normalised name ``key`` occurs in ``normalised_text`` as whole words."""
    return bool(key) and f" {key} " in f" {normalised_text} "


def match(message, known) -> MatchResult:
    """The applications among ``known`` that ``message`` (an ``InboundMessage``) is about."""
    known = tuple(known)
    for step in (_by_thread, _by_person):
        result = step(message, known)
        if result is not None:
            return result
    mass = bulk_reasons(message)
    if mass:
        return MatchResult((), "Not attached: it is mail to many, not a reply. " + mass[0],
                           Strength.NONE)
    for step in (_by_domain, _by_ats):
        result = step(message, known)
        if result is not None:
            return result
    return MatchResult((), "It does not answer a note you sent, and neither its sender nor "
                           "a company it names is one of your applications.", Strength.NONE)


def _result(apps, strength: Strength, because: str) -> MatchResult | None:
    if not apps:
        return None
    open_ones = [app for app in apps if app.open]
    chosen = open_ones or list(apps)
    ids = tuple(dict.fromkeys(app.application_id for app in chosen))
    companies = _join(list(dict.fromkeys(app.company for app in chosen)))
    return MatchResult(ids, because.replace("{companies}", companies), strength)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _id_key(message_id: str) -> str:
    return message_id.strip().strip("<>").strip().lower()


def _by_thread(message, known) -> MatchResult | None:
    asked = {_id_key(i) for i in (message.in_reply_to, *message.references) if i}
    asked.discard("")
    apps = [app for app in known if not asked.isdisjoint(app.sent_keys)]
    return _result(apps, Strength.THREAD,
                   "It answers a note you sent from Next Steps about {companies}.")


def _by_person(message, known) -> MatchResult | None:
    address = message.from_address.lower()
    if not address:
        return None
    apps, name = [], ""
    for app in known:
        if address in app.addresses:
            apps.append(app)
            name = name or app.addresses[address]
    who = f"{name} ({address})" if name else address
    return _result(apps, Strength.PERSON,
                   f"It comes from {who}, whom you know from your application to {{companies}}.")


def _by_domain(message, known) -> MatchResult | None:
    domain = message.sender_domain
    if not domain or tables.is_free_mail(domain) or tables.is_job_board(domain):
        return None
    apps = [app for app in known if tables.domain_key(domain, app.mail_domains)]
    return _result(apps, Strength.DOMAIN,
                   f"It comes from {domain}, the mail domain of {{companies}}.")


def _by_ats(message, known) -> MatchResult | None:
    system = tables.ats_name(message.sender_domain)
    if system is None:
        return None
    places = (("its sender's name", normalise_name(message.from_name)),
              ("its subject", normalise_name(message.subject)),
              ("the message", normalise_name(own_words(message))))
    named: dict[str, list[KnownApplication]] = {}
    where: dict[str, str] = {}
    for app in known:
        for key in app.name_keys:
            place = next((label for label, text in places if names_in(key, text)), None)
            if place is not None:
                named.setdefault(key, []).append(app)
                where.setdefault(key, place)
    longest = [key for key in named
               if not any(key != other and names_in(key, other) for other in named)]
    apps = [app for key in longest for app in named[key]]
    found_in = _join(sorted({where[key] for key in longest})) if longest else ""
    return _result(apps, Strength.ATS,
                   f"It comes from {system}, an applicant-tracking system, and names "
                   f"{{companies}} in {found_in}.")
