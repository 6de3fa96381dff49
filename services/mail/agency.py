"""Who the notes of an application go to when it came through a staffing agency.

For an application through an agency, thank-you notes and follow-ups go
through the recruiter: :func:`agency_guard` explains it to the user and names
the recruiter (the composer shows it; :mod:`services.mail.drafting` refuses to
write to the interviewers with :class:`AgencyOverrideRequired` unless told
to). :func:`missing_contact_address` says which address a note to the
application's contact still needs (the application editor asks it before
"Ask for more time").
"""

from __future__ import annotations

from typing import NamedTuple

from models.application import Application
from services.mail.drafts import DraftProblem, application_row

__all__ = [
    "AgencyGuard",
    "AgencyOverrideRequired",
    "Recipient",
    "agency_guard",
    "guard_for",
    "missing_contact_address",
]


class Recipient(NamedTuple):
    """Who a note goes to (``interviewer_id`` is None for the recruiter or HR contact)."""

    interviewer_id: int | None
    name: str
    email: str
    title: str


class AgencyGuard(NamedTuple):
    """Why notes of an agency application go to the recruiter, and who that is."""

    message: str
    recruiter: Recipient
    agency_name: str


class AgencyOverrideRequired(DraftProblem):
    """Writing to the interviewers of an agency application needs ``override=True``."""

    def __init__(self, guard: AgencyGuard) -> None:
        super().__init__(guard.message)
        self.guard = guard


def agency_guard(application_id: int) -> AgencyGuard | None:
    """The agency guard for an application, or None when the user applied directly."""
    return guard_for(application_row(application_id))


def guard_for(app: Application) -> AgencyGuard | None:
    """The agency guard for the application row ``app`` (None for a direct application)."""
    if not app.is_agency:
        return None
    agency = app.agency_name.strip() or "a staffing agency"
    recruiter = app.recruiter_name.strip()
    who = f"your recruiter, {recruiter}" if recruiter else "your recruiter there"
    message = (
        f"Your application at {app.company} came through {agency}, so thank-you notes and "
        f"follow-ups go through {who}. Writing to the interviewers around the agency can look "
        "unprofessional to both sides. Send the recruiter an update and ask them to pass on "
        "your thanks; write to an interviewer directly only if you have a good reason."
    )
    if not (recruiter and app.recruiter_email.strip()):
        message += (" Add the recruiter's name and email address to the application first.")
    title = f"Recruiter at {app.agency_name.strip()}" if app.agency_name.strip() else "Recruiter"
    return AgencyGuard(message, Recipient(None, recruiter, app.recruiter_email.strip(), title),
                       app.agency_name.strip())


def missing_contact_address(application_id: int) -> str | None:
    """Why a note to the application's contact
    (:func:`services.mail.drafting.prepare_contact_draft`) cannot be addressed yet: a
    sentence naming the missing address (the agency recruiter's, or the HR contact's) and
    where to add it; None when there is an address."""
    app = application_row(application_id)
    guard = guard_for(app)
    if guard is not None:
        if guard.recruiter.email:
            return None
        agency = guard.agency_name or "the staffing agency"
        who = f"your recruiter at {agency}" + (
            f", {guard.recruiter.name}," if guard.recruiter.name else "")
        field = "Recruiter email"
    else:
        if app.contact_email.strip():
            return None
        who = f"the HR contact at {app.company}" + (
            f", {app.contact_name.strip()}," if app.contact_name.strip() else "")
        field = "HR contact email"
    return (f"To ask for more time, Next Steps writes to {who} but has no email address for "
            f"them yet. Add it under “{field}” in “How you applied” on the Application tab, "
            "then choose “Ask for more time” again.")
