"""Writing the invitations of one file as interview rounds, interviewers and applications.

:mod:`services.calendar.invitation_files` makes one :class:`InvitationWriter`
per file, inside the file's transaction, and calls :meth:`InvitationWriter.apply`
for each of its invitations; each writes its sentences to an
:class:`~services.calendar.invitation_report.ImportReport`. Rounds and
interviewers are inserted with hand-built SQL
(:func:`services.core.bulk_insert.insert_rows`): peewee's per-row statements
are too slow for a large file.

What an event becomes
---------------------

* Its ``UID`` is kept as ``InterviewRound.ical_uid``; a later file with the
  same UID and a SEQUENCE at least as high updates that round (time, zone,
  length, place, link; new people are added, none removed, nothing the user
  wrote is touched), a lower SEQUENCE is skipped as out of date.
  ``METHOD:CANCEL`` or ``STATUS:CANCELLED`` marks the round cancelled.
  Events exported by Next Steps itself (``interview-<round uid>@nextsteps``)
  find their round again; the other kinds it exports (thank-you deadlines,
  follow-ups, …) are derived from the data, so they are skipped.
* The organizer and the attendees become the round's interviewers, except the
  user (``smtp.sender_address`` from the settings and ``own_addresses``),
  rooms and resources.
* A new round goes to the application :mod:`services.calendar.invitation_matching`
  finds, the one the user chooses, or a new one named after the organizer's
  company; an application still at "applied" moves on to "interviewing".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from models.application import Application, StageChange
from models.base import database_proxy, new_uid
from models.interview import Interviewer, InterviewRound
from models.values import Stage
from services.calendar.entry_types import EntryKind, Person, sequence_of
from services.calendar.ics_roles import role_from_summary
from services.calendar.invitation_matching import (
    GENERIC_DOMAINS,
    ApplicationMatcher,
    Candidate,
    ChooseApplication,
    company_from_domain,
    email_domain,
    sender_key,
)
from services.calendar.invitation_report import ImportReport
from services.calendar.invitations import Invitation, when_text
from services.core.bulk_insert import insert_rows

__all__ = ["InvitationWriter"]

_INTERVIEW = EntryKind.INTERVIEW.value


class InvitationWriter:
    """Applies the invitations of one file inside its transaction."""

    def __init__(self, report: ImportReport, matcher_factory: Callable[[], ApplicationMatcher],
                 choose: ChooseApplication | None, now: datetime, file_name: str,
                 events: Sequence[Invitation]) -> None:
        self.report = report
        self.matcher_factory = matcher_factory
        self.choose = choose
        self.now = now
        self.file_name = file_name
        self.apps: dict[int, Application] = {}
        # New applications made from this file, by organizer (domain or address), so that
        # its other events from the same sender go to the same one.
        self.new_apps: dict[str, int] = {}
        # The rounds these events already have, found in a few queries (ical_uid and
        # uid are indexed); rounds created from this file are added as they are made.
        self.by_ical_uid = self._lookup("ical_uid", [e.uid for e in events])
        self.by_uid = self._lookup("uid", [e.own_uid for e in events
                                           if e.own_kind == _INTERVIEW])

    @staticmethod
    def _lookup(column: str, keys: list) -> dict[str, int]:
        found: dict[str, int] = {}
        keys = sorted(set(keys))
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            for key, round_id in database_proxy.execute_sql(
                    f"SELECT {column}, id FROM interview_round WHERE {column} IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY id", chunk):
                found.setdefault(key, round_id)
        return found

    def application(self, app_id: int) -> Application:
        """The application ``app_id``, read once per file."""
        app = self.apps.get(app_id)
        if app is None:
            app = self.apps[app_id] = Application.get_by_id(app_id)
        return app

    def apply(self, invitation: Invitation) -> None:
        """Create, update or cancel the round of ``invitation`` (or skip it), and say so."""
        if invitation.own_kind is not None and invitation.own_kind != _INTERVIEW:
            self.report.skipped += 1
            self.report.say(
                f"Skipped {invitation.describe()}: a {EntryKind(invitation.own_kind).label.lower()}"
                " that Next Steps exported; it comes from your data, so there is nothing to "
                "import.")
            return
        round_id = self.by_ical_uid.get(invitation.uid)
        if round_id is None and invitation.own_kind == _INTERVIEW:
            round_id = self.by_uid.get(invitation.own_uid)
        rnd = InterviewRound.get_or_none(InterviewRound.id == round_id) \
            if round_id is not None else None
        if rnd is not None:
            self.update(rnd, invitation)
        elif invitation.cancelled:
            self.report.unchanged += 1
            self.report.say(
                f"Nothing to cancel for {invitation.describe()}: no interview was imported "
                "from this invitation before.")
        else:
            self.create(invitation)
        for note in invitation.notes:
            self.report.say(f"  {note}")

    # -- updating ---------------------------------------------------------------------------
    def _stored_sequence(self, rnd: InterviewRound, invitation: Invitation) -> int:
        if invitation.own_kind == _INTERVIEW and rnd.ical_uid != invitation.uid:
            return sequence_of(rnd.updated_at)
        return rnd.ical_sequence or 0

    def update(self, rnd: InterviewRound, invitation: Invitation) -> None:
        """Bring an existing round up to date with a newer copy of its invitation."""
        company = rnd.application.company
        if invitation.cancelled:
            self._cancel(rnd, invitation, company)
            return
        stored = self._stored_sequence(rnd, invitation)
        if invitation.sequence < stored:
            self.report.skipped += 1
            self.report.say(
                f"Skipped {invitation.describe()} for {company}: it is an older version of "
                f"this invitation (sequence {invitation.sequence}; you already have "
                f"{stored}).")
            return
        changes = self._changes(rnd, invitation)
        if rnd.ical_uid == invitation.uid:
            rnd.ical_sequence = invitation.sequence
        added = self.add_people(rnd.id, invitation.people)
        if added:
            changes.append(f"added {', '.join(added)}")
        if not changes:
            if rnd.ical_uid == invitation.uid and rnd.is_dirty():
                rnd.save()
            self.report.unchanged += 1
            self.report.say(f"Unchanged: {invitation.describe()} with {company} "
                            "(already up to date).")
            return
        rnd.updated_at = self.now
        rnd.save()
        self.report.updated += 1
        self.report.starts.append(invitation.starts_at)
        self.report.round_ids.append(rnd.id)
        self.report.application_ids.append(rnd.application_id)
        self.report.say(f"Updated: {invitation.describe()} with {company} — "
                        f"{'; '.join(changes)}.")

    def _cancel(self, rnd: InterviewRound, invitation: Invitation, company: str) -> None:
        if rnd.cancelled:
            self.report.unchanged += 1
            self.report.say(f"Already cancelled: {invitation.describe()} with {company}.")
            return
        rnd.cancelled = True
        if rnd.ical_uid == invitation.uid:
            rnd.ical_sequence = max(rnd.ical_sequence or 0, invitation.sequence)
        rnd.updated_at = self.now
        rnd.save()
        self.report.cancelled += 1
        self.report.round_ids.append(rnd.id)
        self.report.application_ids.append(rnd.application_id)
        self.report.say(f"Cancelled: the interview {invitation.describe()} with {company}.")

    @staticmethod
    def _changes(rnd: InterviewRound, invitation: Invitation) -> list[str]:
        """Set the round's time, zone, length, place and link from ``invitation``; what
        changed, in words."""
        changes = []
        before = rnd.starts_at
        values = {
            "starts_at": invitation.starts_at,
            "tz_name": invitation.tz_name,
            "duration_minutes": invitation.duration_minutes,
        }
        if invitation.location:
            values["location"] = invitation.location
        if invitation.video_link:
            values["video_link"] = invitation.video_link
        if rnd.cancelled:
            values["cancelled"] = False
            changes.append("no longer cancelled")
        for key, value in values.items():
            if getattr(rnd, key) != value:
                setattr(rnd, key, value)
                if key == "starts_at":
                    changes.append(
                        f"moved from {when_text(before, rnd.tz_name) if before else 'no time'}")
                elif key in ("location", "video_link", "duration_minutes"):
                    changes.append({"location": "new place", "video_link": "new link",
                                    "duration_minutes": "new length"}[key])
        return changes

    def add_people(self, round_id: int, people: Sequence[Person], *,
                   new: bool = False) -> list[str]:
        """Add the people not yet among the round's interviewers (by address); their names."""
        known: set[str] = set()
        position = 0
        if not new:
            emails = [email for (email,) in Interviewer.select(Interviewer.email)
                      .where(Interviewer.round == round_id).tuples()]
            known = {(email or "").casefold() for email in emails}
            position = len(emails)
        added = []
        rows = []
        for person in people:
            if person.email.casefold() in known:
                continue
            known.add(person.email.casefold())
            rows.append({"round": round_id, "position": position, "name": person.name,
                         "email": person.email, "uid": new_uid()})
            position += 1
            added.append(person.name)
        if rows:
            insert_rows(Interviewer, rows)
        return added

    # -- creating ---------------------------------------------------------------------------
    def create(self, invitation: Invitation) -> None:
        """Add the round of a new invitation to the application it belongs to (a new one
        when none does)."""
        matcher = self.matcher_factory()
        candidates = matcher.candidates(invitation)
        sender = sender_key(invitation)
        app_id, how = self._choose(invitation, matcher, candidates, sender)
        if app_id is None:
            app_id = self.create_application(invitation, matcher, candidates)
            self.new_apps[sender] = app_id
            app = self.application(app_id)
        else:
            app = self.application(app_id)
            self._start_interviewing(app)
        title = invitation.summary or "Interview"
        (round_id,) = insert_rows(InterviewRound, [{
            "uid": new_uid(), "application": app.id, "title": title[:200],
            "starts_at": invitation.starts_at, "tz_name": invitation.tz_name,
            "duration_minutes": invitation.duration_minutes, "location": invitation.location,
            "video_link": invitation.video_link, "cancelled": False,
            "notes": _round_notes(invitation, self.file_name), "ical_uid": invitation.uid,
            "ical_sequence": invitation.sequence, "created_at": self.now,
            "updated_at": self.now,
        }])
        self.by_ical_uid[invitation.uid] = round_id
        people = invitation.people
        self.add_people(round_id, people, new=True)
        names = ", ".join(person.name for person in people) or "nobody besides you"
        self.report.created += 1
        self.report.starts.append(invitation.starts_at)
        self.report.round_ids.append(round_id)
        self.report.application_ids.append(app.id)
        self.report.say(f"Created: the interview {invitation.describe()} with {app.company}"
                        f"{how}; interviewers: {names}.")

    def _choose(self, invitation: Invitation, matcher: ApplicationMatcher,
                candidates: list[Candidate], sender: str) -> tuple[int | None, str]:
        """The application a new round goes to (None: a new one), and how it was found,
        for the report."""
        open_matches = [c for c in candidates if c.is_open]
        if len(open_matches) == 1:
            return open_matches[0].application_id, f" (matched: {open_matches[0].reason})"
        if sender in self.new_apps:
            # The same sender's earlier event in this file already has its application.
            return self.new_apps[sender], " (like the other events from the same sender)"
        if self.choose is not None:
            offered = candidates if candidates else matcher.open_applications()
            app_id = self.choose(invitation, offered)
            if app_id is None:
                return None, ""
            if app_id not in matcher.apps:
                raise ValueError(f"application {app_id} does not exist")
            self.new_apps[sender] = app_id
            return app_id, " (as you chose)"
        if open_matches:
            return open_matches[0].application_id, (
                f" (matched: {open_matches[0].reason}; {len(open_matches)} open applications "
                "matched, this is the most recently updated; move the interview in the "
                "editor if it belongs to another)")
        return None, ""

    def _start_interviewing(self, app: Application) -> None:
        """Move an application still at "applied" on to "interviewing"."""
        if app.stage == Stage.APPLIED.value:
            StageChange.create(application=app, from_stage=app.stage,
                               to_stage=Stage.INTERVIEWING.value, changed_at=self.now,
                               note=f"Interview invitation imported from {self.file_name}")
            app.stage = Stage.INTERVIEWING.value
            app.updated_at = self.now
            app.save()

    def create_application(self, invitation: Invitation, matcher: ApplicationMatcher,
                           candidates: list[Candidate]) -> int:
        """A new application for ``invitation``, named after the organizer's company; its id."""
        company, why = _new_company(invitation)
        contact = invitation.organizer
        # The title names the interview ("Second interview – Acme"); the role only when
        # it reads as a job title, else the user fills it in.
        role = role_from_summary(invitation.summary, company,
                                 [person.name for person in invitation.people])
        app = Application.create(
            company=company[:200], role=role[:200], stage=Stage.INTERVIEWING.value,
            contact_name=contact.name if contact else "",
            contact_email=contact.email if contact else "",
            notes=f"Created from the calendar invitation {self.file_name}.",
            created_at=self.now, updated_at=self.now,
        )
        StageChange.create(application=app, from_stage=None, to_stage=Stage.INTERVIEWING.value,
                           changed_at=self.now,
                           note=f"Created from the invitation {self.file_name}")
        emails = [person.email for person in invitation.people]
        matcher.add(app.id, app.company, app.role, app.stage, emails)
        closed = [c for c in candidates if not c.is_open]
        extra = ""
        if closed:
            extra = (f"; {closed[0].company} ({closed[0].role}) matched but is closed "
                     f"({closed[0].stage.replace('_', ' ')})")
        self.report.applications_created += 1
        if role:
            self.report.say(f"New application “{app.company}” for the role “{role}” ({why})"
                            f"{extra}; check its name and role in the editor.")
        else:
            self.report.say(f"New application “{app.company}” ({why}){extra}; the invitation "
                            "does not name the role, so add it in the editor.")
        return app.id


def _new_company(invitation: Invitation) -> tuple[str, str]:
    """The name of a new application's company, and why, for the report."""
    for person in ((invitation.organizer,) if invitation.organizer else ()) + \
            invitation.attendees:
        domain = email_domain(person.email)
        if domain and domain not in GENERIC_DOMAINS:
            return company_from_domain(domain), f"named after the organizer's domain {domain}"
    if invitation.organizer is not None:
        return (f"Invitation from {invitation.organizer.name}",
                "no company could be told from the addresses")
    return "Unknown company", "the invitation names no organizer"


def _round_notes(invitation: Invitation, file_name: str) -> str:
    lines = [f"Imported from the calendar invitation {file_name}."]
    if invitation.description:
        lines.append("")
        lines.append(invitation.description[:4000])
    return "\n".join(lines)
