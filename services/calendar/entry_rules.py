"""The rules of the dated entries: the pure core, over plain values (no clock, no database).

The facts of :mod:`services.calendar.entry_facts` and its :class:`Rules` go
in, :class:`~services.calendar.entry_types.CalendarEntry` values come out:
:func:`interview_entry`, :func:`thank_you_entry`, :func:`response_entries`,
:func:`offer_entry`, :func:`reminder_entry`, and :func:`derive` for many facts
at once (what :mod:`services.calendar.entries` calls). The reminders ask
:func:`thanks_pending` and :func:`expected_date` for the same answers.

The rules
---------

* **Interview**: every round with a start that is not cancelled; it starts at
  its UTC instant and lasts ``duration_minutes``; its zone is the round's.
* **Thank-you deadline**: 24 hours after a round ends. Shown only while
  someone is still to be thanked: an interviewer of the round with no email
  in state ``sent`` or ``marked_sent`` (linked to them, or sent to their
  address on the same application after the round started). A round without
  interviewers counts as unthanked until an email linked to the round was
  sent. For an application that came through a staffing agency the entry
  says to update the recruiter instead, and it is done once an email linked
  to the round, or to the recruiter's address after the round started, was
  sent.
* **Expected response** (all-day): :func:`services.applications.prospects.expected_response`
  for the latest round that has started by ``now`` (not cancelled), counted
  from its day in the round's zone: the same date as the application list.
  Open stages only.
* **Follow-up** (all-day): the expected date plus
  ``reminders.follow_up_grace_business_days`` business days. Open stages only.
* **Offer deadline**: every offer with status ``pending`` and a deadline, in
  the offer's zone.
* **Custom reminder**: every reminder the user added (``custom``) that is not
  done, at its due instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models import clock
from models.values import OPEN_STAGES, OfferStatus, ReminderState
from services.applications.prospects import add_business_days, expected_response
from services.calendar.entry_facts import (
    DEFAULT_RULES,
    OfferFacts,
    ReminderFacts,
    ResponseFacts,
    RoundFacts,
    Rules,
)
from services.calendar.entry_types import (
    FOLLOW_UP_ALARM_MINUTES,
    INTERVIEW_ALARM_MINUTES,
    OFFER_ALARM_MINUTES,
    THANK_YOU_HOURS,
    CalendarEntry,
    EntryKind,
    day_text,
    entry_uid,
    role_at,
    sequence_of,
)
from services.core.instants import zone_of

__all__ = [
    "OPEN_STAGE_VALUES",
    "derive",
    "expected_date",
    "interview_entry",
    "offer_entry",
    "reminder_entry",
    "response_entries",
    "thank_you_entry",
    "thanks_pending",
]

#: The stages of an application still waiting for an answer, as stored.
OPEN_STAGE_VALUES = tuple(sorted(stage.value for stage in OPEN_STAGES))


def _when_text(when: datetime, zone: ZoneInfo) -> str:
    """``Tue 14 May 2024, 14:00 Europe/Berlin``."""
    local = when.astimezone(zone)
    return f"{day_text(local.date())}, {local.hour:02d}:{local.minute:02d} {zone.key}"


def _round_name(title: str) -> str:
    return title.strip() or "interview"


class _Shared(NamedTuple):
    """What a round's interview and thank-you entries both need, computed once."""

    zone: ZoneInfo
    ends_at: datetime
    sequence: int
    when: str


def _shared(facts: RoundFacts) -> _Shared:
    zone = zone_of(facts.tz_name)
    return _Shared(zone, facts.ends_at, sequence_of(facts.updated_at),
                   _when_text(facts.starts_at, zone))


def interview_entry(facts: RoundFacts, rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """The interview itself (None for a cancelled round)."""
    return None if facts.cancelled else _interview(facts, _shared(facts))


def _interview(facts: RoundFacts, shared: _Shared) -> CalendarEntry:
    zone = shared.zone
    title = f"Interview: {facts.company}"
    if facts.title.strip():
        title += f" — {facts.title.strip()}"
    job = role_at(facts.role, facts.company)
    lines = [f"{_round_name(facts.title).capitalize()} for {job}, {shared.when}."]
    if facts.interviewers:
        lines.append("With " + ", ".join(p.name for p in facts.interviewers) + ".")
    if facts.is_agency and facts.agency_name:
        lines.append(f"Through {facts.agency_name}"
                     + (f" ({facts.recruiter_name})." if facts.recruiter_name else "."))
    if facts.video_link:
        lines.append(f"Join: {facts.video_link}")
    lines.append("Ask how long their process takes, and note the answer in Next Steps.")
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        entry_uid(EntryKind.INTERVIEW, facts.round_uid), EntryKind.INTERVIEW, facts.application_id,
        title, "\n".join(lines), facts.starts_at, shared.ends_at, zone.key, False,
        facts.application_uid, facts.round_id, INTERVIEW_ALARM_MINUTES,
        shared.sequence, facts.location, facts.video_link, facts.interviewers,
        facts.company, facts.role, facts.round_uid, facts.title,
    )


def thanks_pending(facts: RoundFacts) -> bool:
    """True while someone of the round is still to be thanked (or, via an agency, updated)."""
    if facts.cancelled:
        return False
    if facts.is_agency or not facts.interviewers:
        return not facts.thanks_sent
    return bool(facts.unthanked)


def thank_you_entry(facts: RoundFacts, rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """The deadline for thank-you notes, 24 h after the round ends (None once all are sent)."""
    if not thanks_pending(facts):
        return None
    return _thank_you(facts, rules, _shared(facts))


_THANKS_DELAY = timedelta(hours=THANK_YOU_HOURS)


def _thank_you(facts: RoundFacts, rules: Rules, shared: _Shared) -> CalendarEntry:
    zone = shared.zone
    deadline = shared.ends_at + _THANKS_DELAY
    when = shared.when
    round_name = _round_name(facts.title)
    job = role_at(facts.role, facts.company)
    if facts.is_agency:
        agency = facts.agency_name or "the agency"
        recruiter = facts.recruiter_name or "your recruiter"
        title = f"Update the recruiter: {facts.company} ({agency})"
        description = (
            f"Tell {recruiter} at {agency} how the {round_name} for {job} ({when}) went, "
            "and thank the interviewers through them. "
            f"The agency is your contact: writing around it looks unprofessional."
        )
    else:
        title = f"Send thank-you notes: {facts.company}"
        if facts.interviewers:
            people = ", ".join(facts.unthanked)
            description = (
                f"Thank each interviewer of the {round_name} for {job} ({when}) personally; "
                f"still to thank: {people}. "
                "Interviewers compare notes, so make each note personal."
            )
        else:
            description = (
                f"Send a personal thank-you note after the {round_name} for {job} ({when}). "
                "Add the interviewers in Next Steps to write to "
                "each of them."
            )
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        entry_uid(EntryKind.THANK_YOU_DEADLINE, facts.round_uid), EntryKind.THANK_YOU_DEADLINE,
        facts.application_id, title, description, deadline, deadline, zone.key, False,
        facts.application_uid, facts.round_id,
        max(0, (THANK_YOU_HOURS - int(rules.thanks_after_hours)) * 60),
        shared.sequence, "", "", (), facts.company, facts.role, facts.round_uid,
        facts.title,
    )


def expected_date(facts: ResponseFacts, rules: Rules = DEFAULT_RULES):
    """The :class:`services.applications.prospects.ExpectedResponse` of an application's
    latest round."""
    day = facts.starts_at.astimezone(zone_of(facts.tz_name)).date()
    return expected_response(day, facts.timeframe_value, facts.timeframe_unit,
                             rules.default_response_business_days)


def response_entries(facts: ResponseFacts, rules: Rules = DEFAULT_RULES) -> list[CalendarEntry]:
    """The expected response and follow-up dates (all-day) of an open application."""
    if facts.stage not in OPEN_STAGE_VALUES:
        return []
    expected = expected_date(facts, rules)
    follow_up = add_business_days(expected.date, int(rules.follow_up_grace_business_days))
    job = role_at(facts.role, facts.company)
    zone = zone_of(facts.tz_name)
    round_text = f"the {_round_name(facts.round_title)} on {_when_text(facts.starts_at, zone)}"
    sequence = sequence_of(facts.updated_at)
    common = {
        "application_id": facts.application_id,
        "tz_name": "",
        "all_day": True,
        "application_uid": facts.application_uid,
        "round_id": facts.round_id,
        "sequence": sequence,
        "company": facts.company,
        "role": facts.role,
        "source_uid": facts.application_uid,
        "round_title": facts.round_title,
    }
    expected_entry = CalendarEntry(
        uid=entry_uid(EntryKind.EXPECTED_RESPONSE, facts.application_uid),
        kind=EntryKind.EXPECTED_RESPONSE,
        title=f"Expected answer: {facts.company}",
        description=(
            f"The answer about {job} is expected today, counted from "
            f"{round_text}. {expected.basis} Until it comes in writing, keep applying and "
            "keep your other interviews."
        ),
        start=expected.date,
        end=expected.date + timedelta(days=1),
        alarm_minutes=None,
        **common,
    )
    if facts.is_agency:
        contact = facts.recruiter_name or "your recruiter"
        agency = facts.agency_name or "the agency"
        title = f"Follow up with the recruiter: {facts.company}"
        action = (f"ask {contact} at {agency} for news about {job}; "
                  "follow-ups go through the agency")
    else:
        title = f"Follow up: {facts.company}"
        action = (f"send a short, friendly follow-up about {job} "
                  "and ask where the process stands")
    follow_entry = CalendarEntry(
        uid=entry_uid(EntryKind.FOLLOW_UP, facts.application_uid),
        kind=EntryKind.FOLLOW_UP,
        title=title,
        description=(
            f"If you have heard nothing since the expected answer on {day_text(expected.date)}, "
            f"{action}."
        ),
        start=follow_up,
        end=follow_up + timedelta(days=1),
        alarm_minutes=FOLLOW_UP_ALARM_MINUTES,
        **common,
    )
    return [expected_entry, follow_entry]


def offer_entry(facts: OfferFacts, rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """The deadline of a pending offer (None when decided or without a deadline)."""
    if facts.status != OfferStatus.PENDING.value or facts.deadline_at is None:
        return None
    zone = zone_of(facts.deadline_tz)
    description = (
        f"Decide on the offer for {role_at(facts.role, facts.company)} by "
        f"{_when_text(facts.deadline_at, zone)}. If you are waiting for other answers, "
        "ask for a little more time before the deadline; that is common and often granted. "
        "Do not rush to decline other processes."
    )
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        entry_uid(EntryKind.OFFER_DEADLINE, facts.offer_uid), EntryKind.OFFER_DEADLINE,
        facts.application_id, f"Offer deadline: {facts.company}", description,
        facts.deadline_at, facts.deadline_at, zone.key, False, facts.application_uid, None,
        OFFER_ALARM_MINUTES, 0, "", "", (), facts.company, facts.role, facts.offer_uid,
    )


def reminder_entry(facts: ReminderFacts, zone: ZoneInfo | str | None = None,
                   rules: Rules = DEFAULT_RULES) -> CalendarEntry | None:
    """A reminder the user added, while not done (shown in ``zone``, the viewer's)."""
    if not facts.custom or facts.state == ReminderState.DONE.value:
        return None
    zone = zone_of(zone) if zone is not None else clock.user_zone()
    text = " ".join(facts.text.split()) or "Reminder"
    title = text if len(text) <= 120 else text[:119] + "…"
    description = facts.text.strip() or "A reminder you added."
    if facts.company:
        description += f"\nFor {role_at(facts.role, facts.company)}."
    # Positional: keyword construction of a NamedTuple costs twice as much.
    return CalendarEntry(
        entry_uid(EntryKind.CUSTOM_REMINDER, facts.reminder_uid), EntryKind.CUSTOM_REMINDER,
        facts.application_id, title, description, facts.due_at, facts.due_at, zone.key, False,
        facts.application_uid, None, 0, 0, "", "", (), facts.company, facts.role,
        facts.reminder_uid,
    )


def derive(
    rounds: Iterable[RoundFacts] = (),
    responses: Iterable[ResponseFacts] = (),
    offers: Iterable[OfferFacts] = (),
    reminders: Iterable[ReminderFacts] = (),
    *,
    rules: Rules = DEFAULT_RULES,
    zone: ZoneInfo | str | None = None,
) -> list[CalendarEntry]:
    """Every entry the facts give, unsorted. Pure: no clock, no database.

    ``responses`` must already be each application's latest round that has
    started (that is where the clock comes in; see :func:`entries_between`).
    """
    found: list[CalendarEntry] = []
    append = found.append
    for facts in rounds:
        if facts.cancelled:
            continue
        shared = _shared(facts)
        append(_interview(facts, shared))
        if thanks_pending(facts):
            append(_thank_you(facts, rules, shared))
    for facts in responses:
        found.extend(response_entries(facts, rules))
    for facts in offers:
        entry = offer_entry(facts, rules)
        if entry is not None:
            found.append(entry)
    for facts in reminders:
        entry = reminder_entry(facts, zone, rules)
        if entry is not None:
            found.append(entry)
    return found
