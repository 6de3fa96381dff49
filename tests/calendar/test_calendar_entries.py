"""The dated entries (services.calendar.entries): the rules, time zones and DST, the counts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from models import clock
from models.values import Channel, EmailState, OfferStatus, ReminderState, Stage
from services.calendar import entries as ce
from services.calendar.entries import EntryKind

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2024, 5, 15, 10, 0, tzinfo=UTC)


# -- helpers -----------------------------------------------------------------------------------


def make_app(company="Lumen Analytics", role="Data Engineer", stage=Stage.AWAITING_RESPONSE,
             **extra):
    from models.application import Application

    return Application.create(company=company, role=role, stage=stage.value, **extra)


def make_round(app, starts_at, *, zone="Europe/Berlin", people=(), title="Technical interview",
               duration=60, **extra):
    from models.interview import Interviewer, InterviewRound

    rnd = InterviewRound.create(application=app, title=title, starts_at=starts_at, tz_name=zone,
                                duration_minutes=duration, **extra)
    for position, (name, email) in enumerate(people):
        Interviewer.create(round=rnd, position=position, name=name, email=email)
    return rnd


def local(year, month, day, hour, minute=0, zone=BERLIN) -> datetime:
    return ce.to_instant(datetime(year, month, day, hour, minute), zone)


def kinds(entries):
    return [entry.kind for entry in entries]


def of_kind(entries, kind):
    return [entry for entry in entries if entry.kind == kind]


PEOPLE = (("José Núñez", "jose@lumen.example"), ("Priya Raman", "priya@lumen.example"))


# -- the rules ---------------------------------------------------------------------------------


def test_interview_entry_has_time_zone_people_and_a_stable_uid(store):
    app = make_app()
    rnd = make_round(app, local(2024, 5, 14, 14), people=PEOPLE, duration=90,
                     video_link="https://meet.example.com/x", location="Berlin office")
    entries = ce.entries_for_day(date(2024, 5, 14), NOW, BERLIN)
    (interview,) = of_kind(entries, EntryKind.INTERVIEW)
    assert interview.uid == f"interview-{rnd.uid}@nextsteps"
    assert interview.start == datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
    assert interview.end == interview.start + timedelta(minutes=90)
    assert interview.tz_name == "Europe/Berlin"
    assert not interview.all_day
    assert interview.application_id == app.id
    assert interview.application_uid == app.uid
    assert interview.round_id == rnd.id
    assert interview.title == "Interview: Lumen Analytics — Technical interview"
    assert interview.round_title == "Technical interview"
    assert interview.attendees == tuple(ce.Person(*p) for p in PEOPLE)
    assert interview.location == "Berlin office"
    assert interview.url == "https://meet.example.com/x"
    assert interview.alarm_minutes == 60
    assert "Tue 14 May 2024, 14:00 Europe/Berlin" in interview.description
    # The same uid every time it is derived.
    again = ce.entries_for_day(date(2024, 5, 14), NOW, BERLIN)
    assert [e.uid for e in again] == [e.uid for e in entries]


def test_cancelled_rounds_and_rounds_without_a_time_give_nothing(store):
    app = make_app()
    make_round(app, local(2024, 5, 14, 14), cancelled=True, people=PEOPLE)
    make_round(app, None, people=PEOPLE)
    assert ce.entries_between(date(2024, 5, 1), date(2024, 5, 31), NOW, BERLIN) == []


def test_thank_you_deadline_is_24_hours_after_the_round_ends(store):
    app = make_app()
    make_round(app, local(2024, 5, 14, 14), people=PEOPLE, duration=90)
    (deadline,) = of_kind(ce.entries_between(date(2024, 5, 1), date(2024, 5, 31), NOW, BERLIN),
                          EntryKind.THANK_YOU_DEADLINE)
    assert deadline.start == local(2024, 5, 15, 15, 30)
    assert deadline.end == deadline.start
    assert deadline.title == "Send thank-you notes: Lumen Analytics"
    assert "José Núñez, Priya Raman" in deadline.description
    # The reminder applies thanks_after_hours (2) after the end: 22 hours before the deadline.
    assert deadline.alarm_minutes == 22 * 60


def _email(app, rnd, person, state, **extra):
    from models.email import Email

    return Email.create(application=app, round=rnd, interviewer=person, to_name=person.name
                        if person else "", to_address=person.email if person else "",
                        state=state.value, **extra)


def test_thank_you_deadline_goes_once_everyone_was_thanked(store):
    app = make_app()
    rnd = make_round(app, local(2024, 5, 14, 14), people=PEOPLE)
    jose, priya = list(rnd.interviewers.order_by("position"))
    days = (date(2024, 5, 1), date(2024, 5, 31))

    def deadlines():
        return of_kind(ce.entries_between(*days, NOW, BERLIN), EntryKind.THANK_YOU_DEADLINE)

    _email(app, rnd, jose, EmailState.SENT)
    _email(app, rnd, priya, EmailState.DRAFT)
    (left,) = deadlines()
    assert "still to thank: Priya Raman" in left.description
    assert ce.counts_by_day(*days, NOW, BERLIN)[date(2024, 5, 15)] == {
        EntryKind.THANK_YOU_DEADLINE: 1}
    _email(app, rnd, priya, EmailState.FAILED)
    assert len(deadlines()) == 1
    _email(app, rnd, priya, EmailState.MARKED_SENT)
    assert deadlines() == []
    assert EntryKind.THANK_YOU_DEADLINE not in ce.counts_by_day(*days, NOW, BERLIN).get(
        date(2024, 5, 15), {})


def test_an_email_to_the_interviewers_address_counts_as_thanks(store):
    app = make_app()
    rnd = make_round(app, local(2024, 5, 14, 14), people=PEOPLE[:1])
    from models.email import Email

    Email.create(application=app, to_address="JOSE@lumen.example", state="sent",
                 sent_at=local(2024, 5, 14, 18))
    assert of_kind(ce.entries_for_day(date(2024, 5, 15), NOW, BERLIN),
                   EntryKind.THANK_YOU_DEADLINE) == []
    assert rnd.id


def test_agency_rounds_say_to_update_the_recruiter(store):
    app = make_app(company="Northwind Logistics", channel=Channel.AGENCY.value,
                   agency_name="Brightpath Talent", recruiter_name="Hannah Okafor",
                   recruiter_email="hannah@brightpath.example")
    rnd = make_round(app, local(2024, 5, 14, 11), people=PEOPLE)
    (deadline,) = of_kind(ce.entries_for_day(date(2024, 5, 15), NOW, BERLIN),
                          EntryKind.THANK_YOU_DEADLINE)
    assert deadline.title == "Update the recruiter: Northwind Logistics (Brightpath Talent)"
    assert "Tell Hannah Okafor at Brightpath Talent" in deadline.description
    assert "thank the interviewers through them" in deadline.description
    from models.email import Email

    Email.create(application=app, to_address="hannah@brightpath.example", state="sent",
                 sent_at=local(2024, 5, 14, 17))
    assert of_kind(ce.entries_for_day(date(2024, 5, 15), NOW, BERLIN),
                   EntryKind.THANK_YOU_DEADLINE) == []
    assert rnd.id


def test_a_round_without_interviewers_waits_for_an_email_linked_to_it(store):
    app = make_app()
    rnd = make_round(app, local(2024, 5, 14, 14))
    (deadline,) = of_kind(ce.entries_for_day(date(2024, 5, 15), NOW, BERLIN),
                          EntryKind.THANK_YOU_DEADLINE)
    assert "Add the interviewers" in deadline.description
    _email(app, rnd, None, EmailState.SENT)
    assert of_kind(ce.entries_for_day(date(2024, 5, 15), NOW, BERLIN),
                   EntryKind.THANK_YOU_DEADLINE) == []


def test_expected_response_and_follow_up_match_the_application_list(store):
    from services.applications.index import ApplicationIndex
    from services.core.snapshot import connect_for_reading

    app = make_app()
    make_round(app, local(2024, 5, 2, 10), title="Phone screen")
    make_round(app, local(2024, 5, 14, 14), timeframe_value=5, timeframe_unit="business_days",
               asked_timeframe=True)
    make_round(app, local(2024, 5, 30, 14), title="Later round")  # not yet happened at NOW
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    (expected,) = of_kind(entries, EntryKind.EXPECTED_RESPONSE)
    (follow,) = of_kind(entries, EntryKind.FOLLOW_UP)
    assert expected.all_day and follow.all_day
    assert expected.start == date(2024, 5, 21)  # Tue 14 May + 5 business days
    assert expected.end == date(2024, 5, 22)
    assert follow.start == date(2024, 5, 23)  # + 2 business days
    assert follow.alarm_minutes == -540  # 9:00 on the day
    assert expected.uid == f"expected_response-{app.uid}@nextsteps"
    assert follow.title == "Follow up: Lumen Analytics"
    assert "They said 5 business days." in expected.description
    con = connect_for_reading(store.paths)
    try:
        row = ApplicationIndex.load(con, NOW).row(app.id)
    finally:
        con.close()
    assert row.expected_response == expected.start


def test_follow_up_grace_comes_from_the_settings(store):
    from services.core import settings

    app = make_app()
    make_round(app, local(2024, 5, 14, 14), timeframe_value=1, timeframe_unit="weeks",
               asked_timeframe=True)
    settings.put("reminders.follow_up_grace_business_days", 4)
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    assert of_kind(entries, EntryKind.EXPECTED_RESPONSE)[0].start == date(2024, 5, 21)
    assert of_kind(entries, EntryKind.FOLLOW_UP)[0].start == date(2024, 5, 27)


def test_response_dates_only_for_open_stages(store):
    for stage in Stage:
        app = make_app(company=f"Company {stage.value}", stage=stage)
        make_round(app, local(2024, 5, 14, 14))
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN)
    companies = {entry.company for entry in of_kind(entries, EntryKind.EXPECTED_RESPONSE)}
    assert companies == {f"Company {stage.value}" for stage in Stage if stage.is_open}
    assert len(of_kind(entries, EntryKind.FOLLOW_UP)) == len(companies)


def test_agency_follow_up_goes_through_the_recruiter(store):
    app = make_app(company="Northwind", channel=Channel.AGENCY.value, agency_name="Brightpath",
                   recruiter_name="Hannah Okafor")
    make_round(app, local(2024, 5, 14, 14))
    (follow,) = of_kind(ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), NOW, BERLIN),
                        EntryKind.FOLLOW_UP)
    assert follow.title == "Follow up with the recruiter: Northwind"
    assert "ask Hannah Okafor at Brightpath" in follow.description


def test_offer_deadlines_of_pending_offers(store):
    from models.application import Offer

    app = make_app(company="Orbit Health", stage=Stage.OFFER)
    offer = Offer.create(application=app, deadline_at=local(2024, 5, 20, 17),
                         deadline_tz="Europe/Berlin", amount=Decimal("74000"), currency="EUR")
    Offer.create(application=app, deadline_at=local(2024, 5, 21, 17), deadline_tz="UTC",
                 status=OfferStatus.DECLINED.value)
    Offer.create(application=app, deadline_at=None)
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 5, 31), NOW, BERLIN)
    (deadline,) = of_kind(entries, EntryKind.OFFER_DEADLINE)
    assert deadline.uid == f"offer_deadline-{offer.uid}@nextsteps"
    assert deadline.start == datetime(2024, 5, 20, 15, tzinfo=UTC)
    assert deadline.tz_name == "Europe/Berlin"
    assert deadline.alarm_minutes == 24 * 60
    assert "ask for a little more time" in deadline.description


def test_custom_reminders_until_done(store):
    from models.reminder import Reminder

    app = make_app()
    mine = Reminder.create(key="custom:a", kind="custom", custom=True, application=app,
                           due_at=local(2024, 5, 16, 18), text="Push the demo repo")
    Reminder.create(key="custom:b", kind="custom", custom=True, due_at=local(2024, 5, 16, 19),
                    text="Done already", state=ReminderState.DONE.value)
    Reminder.create(key="derived:c", kind="thank_you", custom=False,
                    due_at=local(2024, 5, 16, 20), text="Derived, not shown")
    (entry,) = ce.entries_for_day(date(2024, 5, 16), NOW, BERLIN)
    assert entry.kind == EntryKind.CUSTOM_REMINDER
    assert entry.uid == f"custom_reminder-{mine.uid}@nextsteps"
    assert entry.title == "Push the demo repo"
    assert entry.application_id == app.id
    assert entry.alarm_minutes == 0


def test_upcoming_leaves_out_what_is_over(store):
    app = make_app()
    make_round(app, local(2024, 5, 14, 14), people=PEOPLE)  # past, its thanks due 15 May 15:00
    make_round(app, local(2024, 5, 20, 9), title="Final", people=PEOPLE)
    now = local(2024, 5, 15, 16)
    found = ce.upcoming(now, BERLIN)
    assert all(e.all_day or e.end >= now for e in found)
    assert {(e.kind, e.round_title) for e in found if not e.all_day} == {
        (EntryKind.INTERVIEW, "Final"), (EntryKind.THANK_YOU_DEADLINE, "Final")}
    assert of_kind(found, EntryKind.EXPECTED_RESPONSE)  # all-day, still ahead


def test_entries_are_sorted_all_day_first_then_by_time(store):
    app = make_app()
    make_round(app, local(2024, 5, 14, 16), title="B")
    make_round(app, local(2024, 5, 14, 9), title="A")
    app2 = make_app(company="Other")
    make_round(app2, local(2024, 4, 30, 9), timeframe_value=14, timeframe_unit="days",
               asked_timeframe=True)
    entries = ce.entries_for_day(date(2024, 5, 14), NOW, BERLIN)
    assert [(e.kind, e.round_title) for e in entries] == [
        (EntryKind.EXPECTED_RESPONSE, "Technical interview"), (EntryKind.INTERVIEW, "A"),
        (EntryKind.INTERVIEW, "B")]


def test_the_pure_core_needs_no_database():
    facts = ce.RoundFacts(
        1, "r1", 2, "a1", "Acme", "Engineer", False, "", "", "Panel",
        datetime(2024, 5, 14, 12, tzinfo=UTC), "Europe/Berlin", 45,
        interviewers=(ce.Person("Ann", "ann@acme.example"),), unthanked=("Ann",))
    response = ce.ResponseFacts(2, "a1", "Acme", "Engineer", "interviewing", False, "", "", 1,
                                "Panel", datetime(2024, 5, 14, 12, tzinfo=UTC),
                                "Europe/Berlin", None, None)
    entries = ce.derive([facts], [response], rules=ce.Rules(follow_up_grace_business_days=1,
                                                            default_response_business_days=3))
    assert kinds(entries) == [EntryKind.INTERVIEW, EntryKind.THANK_YOU_DEADLINE,
                              EntryKind.EXPECTED_RESPONSE, EntryKind.FOLLOW_UP]
    assert entries[2].start == date(2024, 5, 17)
    assert entries[3].start == date(2024, 5, 20)  # Friday + 1 business day
    assert ce.thank_you_entry(facts._replace(unthanked=())) is None


def test_an_application_without_a_role_reads_well():
    """An application made from an invitation that did not name the role has none yet: the
    texts name the company alone, never "for  at Acme"."""
    facts = ce.RoundFacts(
        1, "r1", 2, "a1", "Acme", "", False, "", "", "Panel",
        datetime(2024, 5, 14, 12, tzinfo=UTC), "Europe/Berlin", 45,
        interviewers=(ce.Person("Ann", "ann@acme.example"),), unthanked=("Ann",))
    response = ce.ResponseFacts(2, "a1", "Acme", "", "interviewing", False, "", "", 1,
                                "Panel", datetime(2024, 5, 14, 12, tzinfo=UTC),
                                "Europe/Berlin", None, None)
    offer = ce.OfferFacts("o1", 2, "a1", "Acme", "", OfferStatus.PENDING.value,
                          datetime(2024, 5, 20, 12, tzinfo=UTC), "Europe/Berlin")
    entries = ce.derive([facts], [response], [offer])
    assert len(entries) == 5
    for entry in entries:
        assert " at Acme" not in entry.description and "  " not in entry.description
        assert "Acme" in entry.description
    assert ce.role_at("Engineer", "Acme") == "Engineer at Acme"
    assert ce.role_at(" ", "Acme") == "Acme"


def test_sequence_grows_when_the_round_is_saved_again(store):
    app = make_app()
    rnd = make_round(app, local(2024, 5, 14, 14), updated_at=datetime(2024, 5, 1, tzinfo=UTC))
    first = of_kind(ce.entries_for_day(date(2024, 5, 14), NOW, BERLIN), EntryKind.INTERVIEW)[0]
    rnd.starts_at = local(2024, 5, 14, 15)
    rnd.updated_at = datetime(2024, 5, 2, tzinfo=UTC)
    rnd.save()
    second = of_kind(ce.entries_for_day(date(2024, 5, 14), NOW, BERLIN), EntryKind.INTERVIEW)[0]
    assert second.uid == first.uid
    assert second.sequence > first.sequence


# -- time zones and daylight saving ------------------------------------------------------------


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap(store):
    # 02:30 on 10 March 2024 does not exist in New York (02:00 EST → 03:00 EDT).
    instant = ce.to_instant(datetime(2024, 3, 10, 2, 30), NEW_YORK)
    assert instant == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)
    assert instant.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"
    app = make_app()
    make_round(app, instant, zone="America/New_York")
    (interview,) = of_kind(ce.entries_for_day(date(2024, 3, 10), NOW, NEW_YORK),
                           EntryKind.INTERVIEW)
    assert interview.local_start(NEW_YORK).hour == 3
    assert ce.entries_for_day(date(2024, 3, 9), NOW, NEW_YORK) == []
    assert ce.counts_by_day(date(2024, 3, 9), date(2024, 3, 11), NOW, NEW_YORK)[
        date(2024, 3, 10)][EntryKind.INTERVIEW] == 1


def test_a_repeated_autumn_time_is_its_first_occurrence(store):
    # 01:30 on 3 November 2024 happens twice in New York: EDT first, then EST.
    instant = ce.to_instant(datetime(2024, 11, 3, 1, 30), NEW_YORK)
    assert instant == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
    assert instant.astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:30 EDT"
    app = make_app()
    make_round(app, instant, zone="America/New_York", duration=60)
    (interview,) = of_kind(ce.entries_for_day(date(2024, 11, 3), NOW, NEW_YORK),
                           EntryKind.INTERVIEW)
    assert interview.local_start(NEW_YORK).strftime("%H:%M") == "01:30"
    # An hour of real time later the clock shows 01:30 again (EST).
    assert interview.end.astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:30 EST"


def test_days_across_the_dst_change_are_counted_on_the_right_local_day(store):
    app = make_app()
    # 23:30 local on the days around the spring change: the UTC date differs from the local one.
    for day in (9, 10, 11):
        make_round(app, ce.to_instant(datetime(2024, 3, day, 23, 30), NEW_YORK),
                   zone="America/New_York", title=f"Late {day}")
    counts = ce.counts_by_day(date(2024, 3, 8), date(2024, 3, 12), NOW, NEW_YORK)
    assert {day: c.get(EntryKind.INTERVIEW) for day, c in counts.items()
            if EntryKind.INTERVIEW in c} == {date(2024, 3, d): 1 for d in (9, 10, 11)}


def test_berlin_interview_seen_from_tokyo_lands_on_the_tokyo_day_and_hour(store):
    app = make_app()
    # 20:00 in Berlin (CEST) on Friday 14 June = 18:00 UTC = 03:00 on Saturday in Tokyo.
    make_round(app, local(2024, 6, 14, 20), people=PEOPLE)
    assert of_kind(ce.entries_for_day(date(2024, 6, 14), NOW, TOKYO), EntryKind.INTERVIEW) == []
    (interview,) = of_kind(ce.entries_for_day(date(2024, 6, 15), NOW, TOKYO),
                           EntryKind.INTERVIEW)
    assert interview.local_start(TOKYO) == datetime(2024, 6, 15, 3, 0, tzinfo=TOKYO)
    assert interview.tz_name == "Europe/Berlin"  # it keeps the zone it was set in
    assert interview.day_in(BERLIN) == date(2024, 6, 14)
    counts = ce.counts_by_day(date(2024, 6, 10), date(2024, 6, 20), NOW, TOKYO)
    assert counts[date(2024, 6, 15)][EntryKind.INTERVIEW] == 1
    assert date(2024, 6, 14) not in counts or EntryKind.INTERVIEW not in counts[date(2024, 6, 14)]


@pytest.mark.parametrize("viewer", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo",
                                    "America/Los_Angeles", "UTC"])
def test_all_day_entries_keep_their_date_in_every_zone(store, viewer):
    app = make_app()
    make_round(app, local(2024, 5, 14, 23, 30), timeframe_value=3, timeframe_unit="days",
               asked_timeframe=True)
    entries = ce.entries_between(date(2024, 5, 10), date(2024, 5, 31), NOW, viewer)
    assert of_kind(entries, EntryKind.EXPECTED_RESPONSE)[0].day_in(ZoneInfo(viewer)) == \
        date(2024, 5, 17)
    counts = ce.counts_by_day(date(2024, 5, 10), date(2024, 5, 31), NOW, viewer)
    assert counts[date(2024, 5, 17)][EntryKind.EXPECTED_RESPONSE] == 1


# -- counts agree with the entries -------------------------------------------------------------


def _bucket(entries, zone):
    found: dict[date, Counter] = {}
    for entry in entries:
        found.setdefault(entry.day_in(zone), Counter())[entry.kind] += 1
    return {day: dict(counter) for day, counter in found.items()}


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata",
                                  "Australia/Lord_Howe"])
def test_counts_by_day_agree_with_entries_between(store, zone):
    from models.email import Email
    from models.interview import Interviewer

    rng = random.Random(5)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "UTC"]
    for number in range(40):
        stage = rng.choice(list(Stage))
        channel = Channel.AGENCY if rng.random() < 0.2 else Channel.DIRECT
        app = make_app(company=f"C{number}", stage=stage, channel=channel.value,
                       recruiter_email="r@agency.example")
        for _ in range(rng.randrange(0, 4)):
            start = datetime(2024, 3, 1, tzinfo=UTC) + timedelta(
                minutes=rng.randrange(0, 90 * 24 * 60))
            people = [(f"P{n}", f"p{n}@c{number}.example") for n in range(rng.randrange(0, 3))]
            rnd = make_round(app, start, zone=rng.choice(zones), people=people,
                             duration=rng.choice((30, 60, 90, 24 * 60)),
                             cancelled=rng.random() < 0.1,
                             timeframe_value=rng.choice((None, 3, 10)),
                             timeframe_unit=rng.choice(("days", "business_days", "weeks")))
            for person in Interviewer.select().where(Interviewer.round == rnd):
                if rng.random() < 0.5:
                    Email.create(application=app, round=rnd, interviewer=person,
                                 state=rng.choice(list(EmailState)).value)
    now = datetime(2024, 4, 20, 12, tzinfo=UTC)
    for first in (date(2024, 2, 26), date(2024, 3, 25), date(2024, 4, 29), date(2024, 5, 27)):
        last = first + timedelta(days=41)
        assert ce.counts_by_day(first, last, now, zone) == _bucket(
            ce.entries_between(first, last, now, zone), ZoneInfo(zone))


def test_counts_follow_changes_to_the_data(store):
    app = make_app()
    days = (date(2024, 5, 1), date(2024, 5, 31))
    make_round(app, local(2024, 5, 2, 10))
    before = ce.counts_by_day(*days, NOW, BERLIN)
    make_round(app, local(2024, 5, 10, 10), timeframe_value=2, timeframe_unit="days",
               asked_timeframe=True)
    after = ce.counts_by_day(*days, NOW, BERLIN)
    assert after != before
    assert after[date(2024, 5, 12)][EntryKind.EXPECTED_RESPONSE] == 1
    # A later clock sees a round start and the dates move.
    make_round(app, local(2024, 5, 16, 10), timeframe_value=2, timeframe_unit="days",
               asked_timeframe=True)
    assert ce.counts_by_day(*days, NOW, BERLIN) == ce.counts_by_day(
        *days, NOW, BERLIN) == after | {date(2024, 5, 16): {EntryKind.INTERVIEW: 1},
                                        date(2024, 5, 17): {EntryKind.THANK_YOU_DEADLINE: 1}}
    later = ce.counts_by_day(*days, local(2024, 5, 16, 12), BERLIN)
    assert later[date(2024, 5, 18)][EntryKind.EXPECTED_RESPONSE] == 1
    assert EntryKind.EXPECTED_RESPONSE not in later.get(date(2024, 5, 12), {})


def test_demo_data_has_every_kind(demo_store):
    now = clock.now()
    today = now.astimezone(BERLIN).date()
    entries = ce.entries_between(today - timedelta(days=30), today + timedelta(days=30), now,
                                 BERLIN)
    assert set(kinds(entries)) == set(EntryKind)


def test_arguments_are_checked(store):
    with pytest.raises(ValueError, match="aware"):
        ce.entries_between(date(2024, 1, 1), date(2024, 1, 2), datetime(2024, 1, 1))
    with pytest.raises(TypeError):
        ce.counts_by_day(datetime(2024, 1, 1, tzinfo=UTC), date(2024, 1, 2), NOW)
    assert ce.entries_between(date(2024, 1, 2), date(2024, 1, 1), NOW) == []
    assert ce.counts_by_day(date(2024, 1, 2), date(2024, 1, 1), NOW) == {}


def test_unknown_zones_fall_back_to_utc():
    assert ce.zone_of("Not/AZone").key == "UTC"
    assert ce.zone_of("").key == "UTC"
    assert ce.to_instant(datetime(2024, 1, 1, 12), "Europe/Berlin") == datetime(
        2024, 1, 1, 11, tzinfo=UTC)
    assert ce.day_text(date(2024, 5, 14)) == "Tue 14 May 2024"
    assert time(0) == time()


def test_counts_see_a_change_made_by_another_connection(store):
    import sqlite3

    app = make_app()
    make_round(app, local(2024, 5, 2, 10))
    days = (date(2024, 5, 1), date(2024, 5, 31))
    before = ce.counts_by_day(*days, NOW, BERLIN)
    other = sqlite3.connect(store.paths.database)
    with other:
        other.execute(
            "INSERT INTO interview_round (uid, application_id, title, starts_at, tz_name, "
            "duration_minutes, location, video_link, cancelled, closing_phrase, "
            "asked_timeframe, timeframe_value, timeframe_unit, notes, ical_sequence, "
            "created_at, updated_at) VALUES ('x1', ?, 'Later', ?, 'Europe/Berlin', 60, '', '', "
            "0, '', 1, 2, 'days', '', 0, ?, ?)",
            (app.id, local(2024, 5, 10, 10).isoformat(), NOW.isoformat(), NOW.isoformat()))
    other.close()
    after = ce.counts_by_day(*days, NOW, BERLIN)
    assert after != before
    assert after[date(2024, 5, 12)][EntryKind.EXPECTED_RESPONSE] == 1
