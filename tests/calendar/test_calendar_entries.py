"""The dated entries (services.calendar.entries): the rules for each kind of entry.

Time zones, daylight saving and the counts by day are in test_calendar_entry_days.py; the
rules as a pure core, without the database, in test_entry_rules.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from models.application import Offer
from models.email import Email
from models.reminder import Reminder
from models.values import Channel, EmailState, OfferStatus, ReminderState, Stage
from services.applications.index import ApplicationIndex
from services.calendar import entries as ce
from services.calendar.entry_types import EntryKind, Person
from services.core import settings
from services.core.snapshot import connect_for_reading
from tests.calendar.entry_data import (
    BERLIN,
    NOW,
    PEOPLE,
    local,
    make_app,
    make_round,
    of_kind,
)

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
    assert interview.attendees == tuple(Person(*p) for p in PEOPLE)
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
