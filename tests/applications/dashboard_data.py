"""The dashboard tests' data (tests/applications/test_dashboard.py): a fixed instant, and a
fixed search of 14 applications whose figures were computed by hand.

:func:`add_fixed_search` writes the search and returns the ids the tests look up;
:func:`at`, :func:`add_application`, :func:`add_round`, :func:`add_stage_change`,
:func:`add_email` and :func:`add_offer` write single rows for other cases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from models.application import Application, Offer, StageChange
from models.email import Email
from models.interview import Interviewer, InterviewRound

#: A Wednesday, 11:00 in Berlin (UTC+1 in March 2025, before summer time).
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2025, 3, 12)


def at(day: date, hour: int, minute: int = 0, zone=UTC) -> datetime:
    """``day`` at ``hour:minute`` in ``zone``, as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def add_application(company, stage, applied_on=None, *, created_at=None, **extra):
    """An application row (``role`` is "<company> role"; other fields in ``extra``)."""
    values = {"company": company, "role": f"{company} role", "stage": stage,
              "applied_on": applied_on}
    if created_at is not None:
        values["created_at"] = created_at
    values.update(extra)
    return Application.create(**values)


def add_round(app, starts_at, *, title="Interview", tz_name="UTC", duration=60, value=None,
              unit=None, cancelled=False, people=()):
    """A round of ``app`` with its interviewers (``people``: name, email pairs): (round, people)."""
    rnd = InterviewRound.create(application=app, title=title, starts_at=starts_at,
                                tz_name=tz_name, duration_minutes=duration,
                                timeframe_value=value, timeframe_unit=unit,
                                asked_timeframe=value is not None, cancelled=cancelled)
    made = [Interviewer.create(round=rnd, position=position, name=name, email=email)
            for position, (name, email) in enumerate(people)]
    return rnd, made


def add_stage_change(app, to_stage, when, from_stage=None):
    """A stage-history row: ``app`` moved to ``to_stage`` at ``when``."""
    StageChange.create(application=app, from_stage=from_stage, to_stage=to_stage,
                       changed_at=when)


def add_email(app, *, state="sent", to="", round_=None, person=None, template="thank_you",
              sent_at=None):
    """An email row of ``app`` (a sent thank-you unless told otherwise)."""
    return Email.create(application=app, round=round_, interviewer=person, to_address=to,
                        template_key=template, state=state, sent_at=sent_at)


def add_offer(app, deadline, *, status="pending", amount=None, currency="", tz="Europe/Berlin"):
    """An offer of ``app`` received on 1 Mar 2025, answer due at ``deadline`` (or None)."""
    return Offer.create(application=app, deadline_at=deadline, deadline_tz=tz, status=status,
                        amount=amount, currency=currency, received_on=date(2025, 3, 1))


def add_fixed_search() -> dict[str, int]:
    """Write the fixed search of 14 applications (the comments say what each one tests).

    Returns the ids the tests look up: applications by lower-case name, and the rounds
    ``cedar_round`` and ``elm_round``.
    """
    ids: dict[str, int] = {}
    _add_waiting(ids)
    _add_offers(ids)
    _add_closed_and_quiet(ids)
    return ids


def _add_waiting(ids: dict[str, int]) -> None:
    """Alder, Birch and Dune wait for an answer; Cedar has a round ahead."""
    # Awaiting an answer after a round with a 5-business-day time frame: expected Mon 10 Mar,
    # follow-up due Wed 12 Mar (today, grace 2). Its interviewer was thanked (by interviewer).
    alder = add_application("Alder", "awaiting_response", date(2025, 2, 20))
    add_stage_change(alder, "applied", at(date(2025, 2, 20), 9))
    add_stage_change(alder, "interviewing", at(date(2025, 2, 27), 9), "applied")
    add_stage_change(alder, "awaiting_response", at(date(2025, 3, 3), 15), "interviewing")
    rnd, (bea,) = add_round(alder, at(date(2025, 3, 3), 10, zone=BERLIN), tz_name="Europe/Berlin",
                            value=5, unit="business_days", people=[("Bea", "bea@alder.example")])
    add_email(alder, round_=rnd, person=bea, to="bea@alder.example",
              sent_at=at(date(2025, 3, 3), 17))
    ids["alder"] = alder.id

    # Interviewing, last round past, none ahead: waiting. Carl thanked by address only;
    # Dana has only a draft: her thank-you is overdue (due Tue 11 Mar).
    birch = add_application("Birch", "interviewing", date(2025, 3, 1))
    rnd, (_carl, dana) = add_round(birch, at(date(2025, 3, 10), 14), title="Technical interview",
                                   people=[("Carl", "carl@birch.example"), ("Dana", "")])
    add_email(birch, round_=rnd, to="Carl@Birch.example", sent_at=at(date(2025, 3, 10), 18))
    add_email(birch, round_=rnd, person=dana, state="draft")
    ids["birch"] = birch.id

    # Interviewing with a round ahead: not waiting; the round is in the next 7 days. A
    # cancelled round in between is ignored. Eve (past round) was never thanked.
    cedar = add_application("Cedar", "interviewing", date(2025, 3, 5))
    add_round(cedar, at(date(2025, 3, 6), 9), title="Phone screen", duration=30,
              people=[("Eve", "eve@cedar.example")])
    add_round(cedar, at(date(2025, 3, 13), 9), cancelled=True)
    ahead, _ = add_round(cedar, at(date(2025, 3, 14), 9), title="On-site")
    ids["cedar"], ids["cedar_round"] = cedar.id, ahead.id

    # Through an agency: the recruiter needs an update (due Sat 8 Mar); waiting 5 days.
    dune = add_application("Dune", "awaiting_response", date(2025, 2, 1), channel="agency",
                           agency_name="Talent Co", recruiter_name="Rita",
                           recruiter_email="rita@talent.example")
    add_round(dune, at(date(2025, 3, 7), 13), title="Panel interview", duration=45,
              people=[("Sam", "sam@dune.example")])
    ids["dune"] = dune.id


def _add_offers(ids: dict[str, int]) -> None:
    """Elm, Fir and Gum have offers."""
    # Offers: 2 days left (plus one without deadline), today, 2 days ago (and a declined one).
    elm = add_application("Elm", "offer", date(2025, 1, 15))
    add_offer(elm, at(date(2025, 3, 14), 17, zone=BERLIN), amount=Decimal("74000"),
              currency="EUR")
    add_offer(elm, None)
    going_on, _ = add_round(elm, at(date(2025, 3, 12), 9, 30), title="Meet the team")
    ids["elm"], ids["elm_round"] = elm.id, going_on.id
    fir = add_application("Fir", "offer", date(2025, 3, 11))
    add_offer(fir, at(date(2025, 3, 12), 23, 30, zone=BERLIN))
    add_round(fir, at(date(2025, 3, 19), 11))  # just beyond the next 7 days
    ids["fir"] = fir.id
    gum = add_application("Gum", "offer", date(2024, 12, 20))
    add_offer(gum, at(date(2025, 3, 10), 12), amount=Decimal("90000.50"), currency="USD")
    add_offer(gum, at(date(2025, 3, 20), 12), status="declined")
    ids["gum"] = gum.id


def _add_closed_and_quiet(ids: dict[str, int]) -> None:
    """The rest: Hazel (closed), Ivy (no applied date), Juniper and Kale (awaiting, no round),
    Larch and Maple (no follow-up due), Nut (withdrawn)."""
    # Closed: its pending offer and its round ahead are not shown.
    hazel = add_application("Hazel", "rejected", date(2025, 1, 6))
    add_offer(hazel, at(date(2025, 3, 15), 12))
    add_round(hazel, at(date(2025, 3, 13), 12))
    # No applied date: counts in the week it was added, in the user's zone (Mon 10 Mar).
    add_application("Ivy", "applied", None, created_at=datetime(2025, 3, 9, 23, 30, tzinfo=UTC))
    # Awaiting without a round: since the change to awaiting response, or the day applied.
    juniper = add_application("Juniper", "awaiting_response", date(2025, 2, 12))
    add_stage_change(juniper, "awaiting_response", at(date(2025, 2, 26), 12), "applied")
    ids["juniper"] = juniper.id
    ids["kale"] = add_application("Kale", "awaiting_response", date(2025, 2, 10)).id
    # Expected Mon 10 Feb, but the stage changed after that: no follow-up. Round too old to
    # thank anyone now.
    larch = add_application("Larch", "awaiting_response", date(2025, 1, 27))
    add_round(larch, at(date(2025, 2, 3), 10), value=1, unit="weeks",
              people=[("Lou", "lou@larch.example")])
    add_stage_change(larch, "awaiting_response", at(date(2025, 2, 15), 10), "interviewing")
    ids["larch"] = larch.id
    # Expected Thu 20 Feb; a follow-up was sent on 25 Feb: nothing overdue.
    maple = add_application("Maple", "awaiting_response", date(2025, 2, 3))
    add_round(maple, at(date(2025, 2, 17), 10), value=3, unit="days")
    add_email(maple, template="follow_up", to="hr@maple.example", sent_at=at(date(2025, 2, 25), 9))
    ids["maple"] = maple.id
    add_application("Nut", "withdrawn", date(2025, 1, 6))
