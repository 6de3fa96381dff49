"""The labelled mail corpus's job search written to the open database, for tests and benchmarks.

``tests/fixtures/mail_corpus/applications.json`` describes the applications the
corpus's messages are about. :func:`add_corpus_applications` creates them with the
ORM so that :func:`services.mail.inbox.keeping.known_applications` reads the same
facts as ``benchmarks/inbox_corpus.py`` builds straight from the file:

- an application per entry (company, role, stage; an agency's name and channel);
- its people: on an agency application the person outside the company's domains is
  the recruiter, everyone else an interviewer of one round ("Interview");
- each listed domain that none of those people's addresses covers gets a contact
  address there (``recruiting@domain``, no name; no corpus message comes from it);
- each listed ``sent_message_ids`` entry becomes a sent ``Email`` to its first person.

The database must be bound (an open store, or the tests' ``store`` fixture).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from models.application import Application
from models.email import Email
from models.interview import Interviewer, InterviewRound

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "mail_corpus"
#: The local part of the contact address made up for a domain no listed person covers.
CONTACT_LOCAL_PART = "recruiting"
#: When the rounds took place and the notes were sent (the corpus's autumn of 2026).
ROUND_AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def corpus_entries(folder: Path = CORPUS) -> list[dict]:
    """The ``applications`` entries of the corpus's applications.json."""
    data = json.loads((folder / "applications.json").read_text(encoding="utf-8"))
    return data["applications"]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _split_people(entry: dict) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """(the agency's recruiter or None, the interviewers) of one entry."""
    people = [tuple(person) for person in entry.get("people", [])]
    domains = {d.lower() for d in entry.get("domains", [])}
    if not entry.get("agency_name"):
        return None, people
    recruiter = next((p for p in people if _domain(p[1]) not in domains), None)
    return recruiter, [p for p in people if p is not recruiter]


def _add_one(entry: dict) -> Application:
    recruiter, interviewers = _split_people(entry)
    covered = {_domain(address) for _name, address in interviewers}
    uncovered = [d for d in entry.get("domains", []) if d.lower() not in covered]
    agency = bool(entry.get("agency_name"))
    application = Application.create(
        company=entry["company"], role=entry["role"], stage=entry["stage"],
        channel="agency" if agency else "direct", agency_name=entry.get("agency_name", ""),
        recruiter_name=recruiter[0] if recruiter else "",
        recruiter_email=recruiter[1] if recruiter else "",
        contact_email=f"{CONTACT_LOCAL_PART}@{uncovered[0]}" if uncovered else "")
    for domain in uncovered[1:]:  # more than one uncovered domain: one round's "interviewer"
        interviewers.append(("", f"{CONTACT_LOCAL_PART}@{domain}"))
    if interviewers:
        round_ = InterviewRound.create(application=application, title="Interview",
                                       starts_at=ROUND_AT, tz_name="Europe/Berlin")
        for position, (name, address) in enumerate(interviewers):
            Interviewer.create(round=round_, position=position, name=name, email=address)
    first = (interviewers or ([recruiter] if recruiter else []) or [("", "")])[0]
    for message_id in entry.get("sent_message_ids", []):
        Email.create(application=application, to_name=first[0], to_address=first[1],
                     subject="Thank you", state="sent", message_id=message_id,
                     sent_at=ROUND_AT)
    return application


def add_corpus_applications(folder: Path = CORPUS) -> dict[str, Application]:
    """Create the corpus's applications (see the module); they by company name."""
    return {entry["company"]: _add_one(entry) for entry in corpus_entries(folder)}
