"""The reminder engine on a real database, with an injected clock: each kind appears and goes
away at the right instants, data changes update it, states persist, local time is DST-correct."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.application import Application, Offer, StageChange
from models.email import Email
from models.interview import Interviewer, InterviewRound
from models.reminder import Reminder
from services.calendar import entries as ce
from services.core import settings
from services.reminders import sync as reminders
from services.reminders.rules import ReminderKind

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def local(year: int, month: int, day: int, hour: int, minute: int = 0,
          zone: ZoneInfo = BERLIN) -> datetime:
    """A wall-clock time in ``zone`` as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def application(company: str = "Lumen Analytics", stage: str = "awaiting_response", *,
                applied_on: date = date(2024, 5, 1), **extra) -> Application:
    """An application with a first stage change on the day it was applied for."""
    app = Application.create(company=company, role="Data Engineer", stage=stage,
                             applied_on=applied_on, **extra)
    StageChange.create(application=app, from_stage=None, to_stage="applied",
                       changed_at=local(applied_on.year, applied_on.month, applied_on.day, 9))
    return app


def interview(app: Application, starts_at: datetime, people=("José Núñez", "Priya Raman"), *,
              duration: int = 60, title: str = "Technical interview", tz: str = "Europe/Berlin",
              **extra) -> tuple[InterviewRound, list[Interviewer]]:
    """A round with its interviewers."""
    rnd = InterviewRound.create(application=app, title=title, starts_at=starts_at, tz_name=tz,
                                duration_minutes=duration, **extra)
    persons = [Interviewer.create(round=rnd, position=n, name=name, email=_address(name))
               for n, name in enumerate(people)]
    return rnd, persons


def _address(name: str) -> str:
    first = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
    return f"{first.lower()}@example.com"


def email(app: Application, when: datetime, *, rnd=None, person=None, state: str = "sent",
          template: str = "thank_you", to_address: str | None = None) -> Email:
    """A sent (or marked sent, or draft) email."""
    address = to_address if to_address is not None else (person.email if person else "x@y.z")
    return Email.create(application=app, round=rnd, interviewer=person, template_key=template,
                        to_address=address, subject="Thank you", state=state,
                        sent_at=when if state in ("sent", "marked_sent") else None)


def sync(now: datetime) -> reminders.SyncResult:
    """Recompute at ``now`` for a user in Berlin."""
    return reminders.sync(now, BERLIN)


def rows(kind: ReminderKind | str | None = None) -> dict[str, Reminder]:
    """The reminder rows by key (of one kind)."""
    query = Reminder.select()
    if kind is not None:
        query = query.where(Reminder.kind == str(kind))
    return {row.key: row for row in query}


def interview_kinds(items) -> list[ReminderKind]:
    """The kinds of the interview reminders among ``items``."""
    return [item.kind for item in items if item.kind.value.startswith("interview")]


def due_keys(now: datetime, kind: ReminderKind | None = None) -> list[str]:
    """Keys of the reminders due at ``now``."""
    return [item.key for item in reminders.due(now) if kind is None or item.kind == kind]


@pytest.fixture
def lumen(store):
    """Lumen: a 90-minute round on Mon 13 May 2024 at 14:00 Berlin with two interviewers,
    "5 business days" → answer expected Mon 20 May, follow-up Wed 22 May. A second open
    application (applied) keeps the search from counting as stalled."""
    app = application()
    application("Atlas Mobility", "applied", applied_on=date(2024, 5, 10))
    rnd, people = interview(app, local(2024, 5, 13, 14), duration=90, asked_timeframe=True,
                            timeframe_value=5, timeframe_unit="business_days")
    return app, rnd, people


# -- thank-you notes ----------------------------------------------------------------------------


def test_one_thank_you_per_interviewer_due_two_hours_after_the_round(lumen):
    app, rnd, (jose, priya) = lumen
    sync(local(2024, 5, 13, 9))
    thanks = rows(ReminderKind.THANK_YOU)
    assert sorted(thanks) == sorted([f"thanks:round:{rnd.uid}:interviewer:{jose.uid}",
                                     f"thanks:round:{rnd.uid}:interviewer:{priya.uid}"])
    due = local(2024, 5, 13, 17, 30)  # the round ends 15:30; two hours later
    assert {row.due_at for row in thanks.values()} == {due}
    assert all(row.application_id == app.id and row.state == "pending"
               for row in thanks.values())
    assert due_keys(due - timedelta(seconds=1), ReminderKind.THANK_YOU) == []
    assert len(due_keys(due, ReminderKind.THANK_YOU)) == 2
    text = thanks[f"thanks:round:{rnd.uid}:interviewer:{jose.uid}"].text
    assert "José Núñez" in text and "Lumen Analytics" in text


def test_a_sent_note_removes_only_that_interviewers_reminder(lumen):
    app, rnd, (jose, priya) = lumen
    after = local(2024, 5, 13, 18)
    sync(after)
    email(app, local(2024, 5, 13, 19), rnd=rnd, person=jose)
    email(app, local(2024, 5, 13, 19), rnd=rnd, person=priya, state="draft")
    result = sync(local(2024, 5, 13, 20))
    assert result.removed == 1
    assert list(rows(ReminderKind.THANK_YOU)) == [
        f"thanks:round:{rnd.uid}:interviewer:{priya.uid}"]
    # Marked as sent counts as thanked, like sent.
    email(app, local(2024, 5, 13, 21), rnd=rnd, person=priya, state="marked_sent")
    sync(local(2024, 5, 13, 21, 5))
    assert rows(ReminderKind.THANK_YOU) == {}


def test_a_note_to_the_interviewers_address_after_the_round_counts(lumen):
    app, _rnd, (jose, _priya) = lumen
    email(app, local(2024, 5, 12, 9), to_address="JOSE@example.com")  # before the round
    sync(local(2024, 5, 13, 18))
    assert len(rows(ReminderKind.THANK_YOU)) == 2
    email(app, local(2024, 5, 13, 19), to_address="JOSE@example.com")
    sync(local(2024, 5, 13, 19, 1))
    assert [key.endswith(jose.uid) for key in rows(ReminderKind.THANK_YOU)] == [False]


def test_the_thanks_delay_is_a_setting_and_a_pending_reminder_moves(lumen):
    sync(local(2024, 5, 13, 9))
    settings.put("reminders.thanks_after_hours", 5)
    result = sync(local(2024, 5, 13, 9, 1))
    assert result.updated == 2
    assert {row.due_at for row in rows(ReminderKind.THANK_YOU).values()} == {
        local(2024, 5, 13, 20, 30)}


def test_a_round_without_interviewers_gets_one_reminder(store):
    app = application()
    rnd, _ = interview(app, local(2024, 5, 13, 10), people=())
    sync(local(2024, 5, 13, 12))
    assert list(rows(ReminderKind.THANK_YOU)) == [f"thanks:round:{rnd.uid}:round"]
    email(app, local(2024, 5, 13, 13), rnd=rnd)
    sync(local(2024, 5, 13, 13, 1))
    assert rows(ReminderKind.THANK_YOU) == {}


def test_an_agency_application_gets_one_reminder_to_update_the_recruiter(store):
    app = application("Northwind Logistics", channel="agency", agency_name="Brightpath Talent",
                      recruiter_name="Hannah Okafor", recruiter_email="hannah@brightpath.example")
    rnd, (greta, _omar) = interview(app, local(2024, 5, 13, 11), people=("Greta L", "Omar H"))
    sync(local(2024, 5, 13, 12))
    assert rows(ReminderKind.THANK_YOU) == {}
    update = rows(ReminderKind.RECRUITER_UPDATE)
    assert list(update) == [f"thanks:round:{rnd.uid}:recruiter"]
    row = next(iter(update.values()))
    assert "Hannah Okafor" in row.text and "Brightpath Talent" in row.text
    assert row.due_at == local(2024, 5, 13, 14)
    # Writing to an interviewer around the agency does not settle it; writing to the
    # recruiter does.
    email(app, local(2024, 5, 13, 15), person=greta)
    sync(local(2024, 5, 13, 15, 1))
    assert len(rows(ReminderKind.RECRUITER_UPDATE)) == 1
    email(app, local(2024, 5, 13, 16), to_address="hannah@brightpath.example",
          template="agency_update")
    sync(local(2024, 5, 13, 16, 1))
    assert rows(ReminderKind.RECRUITER_UPDATE) == {}


def test_open_target_of_a_thank_you_is_the_composer_of_its_round(lumen):
    app, rnd, _people = lumen
    now = local(2024, 5, 13, 18)
    sync(now)
    item = next(i for i in reminders.due(now) if i.kind == ReminderKind.THANK_YOU)
    assert item.open_target == reminders.OpenTarget("composer", app.id, rnd.id, "thank_you")
    assert item.title == "Send a thank-you note"


# -- follow-ups ---------------------------------------------------------------------------------


def test_follow_up_at_nine_after_the_expected_date_plus_grace(lumen):
    _app, rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    follow = rows(ReminderKind.FOLLOW_UP)
    assert list(follow) == [f"follow_up:round:{rnd.uid}"]
    due = local(2024, 5, 22, 9)  # Mon 20 May + 2 business days, 09:00 Berlin
    assert follow[f"follow_up:round:{rnd.uid}"].due_at == due
    assert "Mon 20 May 2024" in follow[f"follow_up:round:{rnd.uid}"].text
    assert due_keys(due - timedelta(minutes=1), ReminderKind.FOLLOW_UP) == []
    assert due_keys(due, ReminderKind.FOLLOW_UP) == [f"follow_up:round:{rnd.uid}"]
    # The grace period is a setting, in business days.
    settings.put("reminders.follow_up_grace_business_days", 3)
    sync(local(2024, 5, 14, 10, 1))
    assert rows(ReminderKind.FOLLOW_UP)[f"follow_up:round:{rnd.uid}"].due_at == local(
        2024, 5, 23, 9)


def test_follow_up_agrees_with_the_calendar(lumen):
    _app, rnd, _people = lumen
    now = local(2024, 5, 14, 10)
    sync(now)
    entries = ce.entries_between(date(2024, 5, 1), date(2024, 6, 30), now, BERLIN)
    follow = [e for e in entries if e.kind == ce.EntryKind.FOLLOW_UP]
    assert [e.round_id for e in follow] == [rnd.id]
    nine = ce.to_instant(datetime.combine(follow[0].start, datetime.min.time())
                         - timedelta(minutes=follow[0].alarm_minutes), BERLIN)
    assert rows(ReminderKind.FOLLOW_UP)[f"follow_up:round:{rnd.uid}"].due_at == nine


def test_news_since_the_round_removes_the_follow_up(lumen):
    app, _rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    # Moving to "awaiting response" after the interview is not news.
    StageChange.create(application=app, from_stage="interviewing",
                       to_stage="awaiting_response", changed_at=local(2024, 5, 13, 18))
    sync(local(2024, 5, 14, 10, 1))
    assert len(rows(ReminderKind.FOLLOW_UP)) == 1
    StageChange.create(application=app, from_stage="awaiting_response", to_stage="offer",
                       changed_at=local(2024, 5, 16, 12))
    Application.update(stage="offer").where(Application.id == app.id).execute()
    result = sync(local(2024, 5, 16, 12, 1))
    assert rows(ReminderKind.FOLLOW_UP) == {}
    assert result.removed >= 1


def test_a_rejection_removes_the_follow_up(lumen):
    app, _rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    Application.update(stage="rejected").where(Application.id == app.id).execute()
    StageChange.create(application=app, from_stage="awaiting_response", to_stage="rejected",
                       changed_at=local(2024, 5, 15, 9))
    sync(local(2024, 5, 15, 9, 1))
    assert rows(ReminderKind.FOLLOW_UP) == {}


def test_an_email_after_the_expected_date_settles_the_follow_up(lumen):
    app, rnd, (jose, _priya) = lumen
    email(app, local(2024, 5, 13, 18), rnd=rnd, person=jose)  # the thank-you note
    sync(local(2024, 5, 21, 10))
    assert len(rows(ReminderKind.FOLLOW_UP)) == 1
    email(app, local(2024, 5, 21, 11), template="follow_up", to_address="hr@lumen.example")
    sync(local(2024, 5, 21, 11, 1))
    assert rows(ReminderKind.FOLLOW_UP) == {}


def test_a_new_round_replaces_the_follow_up_of_the_previous_one(lumen):
    app, rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    second, _ = interview(app, local(2024, 5, 21, 10), people=("Mira H",), title="Final")
    sync(local(2024, 5, 21, 12))
    assert list(rows(ReminderKind.FOLLOW_UP)) == [f"follow_up:round:{second.uid}"]
    assert f"follow_up:round:{rnd.uid}" not in rows()


def test_an_agency_follow_up_goes_through_the_recruiter(store):
    app = application("Northwind Logistics", channel="agency", agency_name="Brightpath Talent",
                      recruiter_name="Hannah Okafor")
    interview(app, local(2024, 5, 13, 11))
    sync(local(2024, 5, 14, 10))
    (row,) = rows(ReminderKind.FOLLOW_UP).values()
    assert "Hannah Okafor at Brightpath Talent" in row.text
    item = reminders.get(row.id)
    assert item.open_target.template_key == "follow_up"


# -- offers -------------------------------------------------------------------------------------


def offer_scenario(*, others: bool = True):
    app = application("Orbit Health", "offer")
    if others:
        application("Lumen Analytics", "awaiting_response")
    offer = Offer.create(application=app, deadline_at=local(2024, 5, 17, 17),
                         deadline_tz="Europe/Berlin")
    return app, offer


def test_offer_reminders_48_and_24_hours_before_the_deadline(store):
    _app, offer = offer_scenario()
    sync(local(2024, 5, 14, 10))
    found = rows(ReminderKind.OFFER_DEADLINE)
    assert {row.due_at for row in found.values()} == {local(2024, 5, 15, 17),
                                                      local(2024, 5, 16, 17)}
    assert all(key.startswith(f"offer:{offer.uid}:") for key in found)
    text = next(iter(found.values())).text
    assert "1 other application is still open" in text and "more time" in text
    assert "Fri 17 May 2024 at 17:00" in text


def test_offer_text_without_other_open_processes(store):
    offer_scenario(others=False)
    sync(local(2024, 5, 14, 10))
    text = next(iter(rows(ReminderKind.OFFER_DEADLINE).values())).text
    assert "other application" not in text
    assert "Ask for a little more time if you need it" in text


def test_the_48_hour_reminder_lapses_when_the_24_hour_one_is_due(store):
    offer_scenario()
    sync(local(2024, 5, 14, 10))
    # The app was closed from Tuesday until Thursday evening: only the 24-hour reminder is
    # still worth showing; the 48-hour one is resolved without a notification.
    now = local(2024, 5, 16, 18)
    result = sync(now)
    assert result.expired == 1
    assert [item.key.endswith(":24h") for item in reminders.due(now)] == [True]
    states = {key.rsplit(":", 1)[1]: row.state for key, row in
              rows(ReminderKind.OFFER_DEADLINE).items()}
    assert states == {"48h": "done", "24h": "pending"}
    # After the deadline, nothing about it is due any more.
    sync(local(2024, 5, 17, 17, 1))
    assert reminders.due(local(2024, 5, 17, 17, 1)) == []


def test_a_moved_deadline_is_a_new_reminder_even_after_done(store):
    _app, offer = offer_scenario()
    now = local(2024, 5, 15, 17, 30)
    sync(now)
    first = reminders.due(now)
    assert [item.key.endswith(":48h") for item in first] == [True]
    reminders.done([first[0].id], now)
    Offer.update(deadline_at=local(2024, 5, 24, 17)).where(Offer.id == offer.id).execute()
    sync(now + timedelta(minutes=1))
    found = rows(ReminderKind.OFFER_DEADLINE)
    old_done = [row for row in found.values() if row.state == "done"]
    assert [row.id for row in old_done] == [first[0].id]  # kept, never brought back
    pending = sorted(row.due_at for row in found.values() if row.state == "pending")
    assert pending == [local(2024, 5, 22, 17), local(2024, 5, 23, 17)]


def test_an_answered_offer_has_no_reminder(store):
    _app, offer = offer_scenario()
    sync(local(2024, 5, 14, 10))
    Offer.update(status="accepted").where(Offer.id == offer.id).execute()
    sync(local(2024, 5, 14, 11))
    assert rows(ReminderKind.OFFER_DEADLINE) == {}


# -- interviews ---------------------------------------------------------------------------------


def test_interview_tomorrow_at_six_the_evening_before_and_an_hour_before(store):
    app = application("Kestrel Robotics", "interviewing")
    rnd, _ = interview(app, local(2024, 5, 16, 9, 30), title="Pairing session",
                       video_link="https://zoom.example/j/1")
    sync(local(2024, 5, 14, 10))
    found = rows()
    tomorrow = [r for r in found.values() if r.kind == ReminderKind.INTERVIEW_TOMORROW]
    soon = [r for r in found.values() if r.kind == ReminderKind.INTERVIEW_SOON]
    assert [r.due_at for r in tomorrow] == [local(2024, 5, 15, 18)]
    assert [r.due_at for r in soon] == [local(2024, 5, 16, 8, 30)]
    assert "Pairing session" in tomorrow[0].text and "Thu 16 May 2024 at 09:30" in tomorrow[0].text
    assert "zoom.example" in soon[0].text
    assert tomorrow[0].key.startswith(f"interview:round:{rnd.uid}:")
    item = reminders.get(soon[0].id)
    assert item.round_id == rnd.id and item.open_target.what == "editor"


def test_interview_reminders_lapse_when_their_moment_has_passed(store):
    app = application("Kestrel Robotics", "interviewing")
    interview(app, local(2024, 5, 16, 9, 30))
    sync(local(2024, 5, 14, 10))
    # Closed until 40 minutes before the interview: the evening-before reminder is resolved,
    # the hour-before one is due.
    now = local(2024, 5, 16, 8, 50)
    assert sync(now).expired == 1
    assert interview_kinds(reminders.due(now)) == [ReminderKind.INTERVIEW_SOON]
    # Once the interview has started the hour-before reminder is resolved too.
    later = local(2024, 5, 16, 9, 31)
    assert sync(later).expired == 1
    assert interview_kinds(reminders.due(later)) == []


def test_an_interview_added_late_in_the_evening_is_announced_at_once(store):
    app = application("Kestrel Robotics", "interviewing")
    interview(app, local(2024, 5, 16, 9, 30))
    now = local(2024, 5, 15, 21)
    sync(now)
    assert interview_kinds(reminders.due(now)) == [ReminderKind.INTERVIEW_TOMORROW]


def test_a_cancelled_or_moved_interview(store):
    app = application("Kestrel Robotics", "interviewing")
    rnd, _ = interview(app, local(2024, 5, 16, 9, 30))
    now = local(2024, 5, 15, 18, 5)
    sync(now)
    (tomorrow,) = [i for i in reminders.due(now) if i.kind == ReminderKind.INTERVIEW_TOMORROW]
    reminders.mark_shown([tomorrow.id], now)
    assert Reminder.get_by_id(tomorrow.id).state == "shown"
    # Moved to next week: a new pair of reminders for the new time.
    InterviewRound.update(starts_at=local(2024, 5, 23, 9, 30)).where(
        InterviewRound.id == rnd.id).execute()
    result = sync(now + timedelta(minutes=1))
    assert (result.created, result.removed) == (2, 2)  # the old pair went, shown or not
    interview_rows = [r for r in rows().values() if r.kind.startswith("interview")]
    assert sorted(r.due_at for r in interview_rows) == [local(2024, 5, 22, 18),
                                                        local(2024, 5, 23, 8, 30)]
    # Cancelled: its reminders go.
    InterviewRound.update(cancelled=True).where(InterviewRound.id == rnd.id).execute()
    sync(now + timedelta(minutes=2))
    assert [r for r in rows().values() if r.kind.startswith("interview")] == []


@pytest.mark.parametrize(("interview_at", "evening_before"), [
    # Spring forward in Berlin on Sun 31 Mar 2024: the evening before is still CET (UTC+1).
    (local(2024, 3, 31, 10), datetime(2024, 3, 30, 17, tzinfo=UTC)),
    # The day after the change: the evening before is CEST (UTC+2).
    (local(2024, 4, 1, 9), datetime(2024, 3, 31, 16, tzinfo=UTC)),
    # Fall back on Sun 27 Oct 2024: Saturday evening is CEST, Sunday evening CET.
    (local(2024, 10, 27, 10), datetime(2024, 10, 26, 16, tzinfo=UTC)),
    (local(2024, 10, 28, 9), datetime(2024, 10, 27, 17, tzinfo=UTC)),
])
def test_evening_before_is_six_pm_local_on_daylight_saving_days(store, interview_at,
                                                               evening_before):
    app = application("Kestrel Robotics", "interviewing")
    interview(app, interview_at)
    sync(interview_at - timedelta(days=3))
    (row,) = rows(ReminderKind.INTERVIEW_TOMORROW).values()
    assert row.due_at == evening_before
    assert row.due_at.astimezone(BERLIN).hour == 18
    (soon,) = rows(ReminderKind.INTERVIEW_SOON).values()
    assert soon.due_at == interview_at - timedelta(hours=1)


def test_the_users_zone_decides_the_evening_before(store):
    app = application("Quill & Ledger", "interviewing")
    rnd, _ = interview(app, local(2024, 5, 16, 16, zone=NEW_YORK), tz="America/New_York")
    reminders.sync(local(2024, 5, 13, 10), NEW_YORK)
    (row,) = rows(ReminderKind.INTERVIEW_TOMORROW).values()
    assert row.due_at == local(2024, 5, 15, 18, zone=NEW_YORK)
    # For a user in Berlin the interview is at 22:00 on the 16th: the evening before is
    # the 15th at 18:00 Berlin; the text shows both clocks.
    Reminder.delete().execute()
    reminders.sync(local(2024, 5, 13, 10), BERLIN)
    (row,) = rows(ReminderKind.INTERVIEW_TOMORROW).values()
    assert row.due_at == local(2024, 5, 15, 18)
    assert "22:00" in row.text and "16:00 America/New_York" in row.text
    assert rnd.uid in row.key


# -- the search as a whole ----------------------------------------------------------------------


def test_search_stalled_when_everything_waits_and_nothing_new(store):
    application("Lumen Analytics", "awaiting_response", applied_on=date(2024, 5, 2))
    application("Kestrel Robotics", "interviewing", applied_on=date(2024, 5, 6))
    application("Helix Bio", "rejected", applied_on=date(2024, 4, 1))
    sync(local(2024, 5, 8, 10))
    (row,) = rows(ReminderKind.SEARCH_STALLED).values()
    assert row.key == "stall:2024-05-06"
    assert row.due_at == local(2024, 5, 13, 9)  # seven days after the last application
    assert "all 2 open applications are waiting" in row.text
    assert "goal is 5 a week" in row.text
    assert due_keys(local(2024, 5, 13, 8, 59), ReminderKind.SEARCH_STALLED) == []
    assert due_keys(local(2024, 5, 13, 9), ReminderKind.SEARCH_STALLED) == ["stall:2024-05-06"]
    settings.put("reminders.stall_days", 10)
    sync(local(2024, 5, 8, 10, 1))
    assert rows(ReminderKind.SEARCH_STALLED)["stall:2024-05-06"].due_at == local(2024, 5, 16, 9)


def test_a_new_application_ends_the_stall(store):
    application("Lumen Analytics", "awaiting_response", applied_on=date(2024, 5, 2))
    sync(local(2024, 5, 10, 10))
    assert len(rows(ReminderKind.SEARCH_STALLED)) == 1
    application("Atlas Mobility", "applied", applied_on=date(2024, 5, 10))
    sync(local(2024, 5, 10, 11))
    assert rows(ReminderKind.SEARCH_STALLED) == {}


def test_no_stall_without_open_applications(store):
    application("Helix Bio", "rejected", applied_on=date(2024, 4, 1))
    sync(local(2024, 5, 10, 10))
    assert rows(ReminderKind.SEARCH_STALLED) == {}


def test_stalled_opens_a_new_application(store):
    application("Lumen Analytics", "awaiting_response", applied_on=date(2024, 5, 2))
    now = local(2024, 5, 10, 10)
    sync(now)
    (item,) = reminders.due(now)
    assert item.open_target == reminders.OpenTarget("new_application")


# -- states -------------------------------------------------------------------------------------


def test_sync_is_idempotent(lumen):
    now = local(2024, 5, 14, 10)
    first = sync(now)
    assert first.created >= 3
    assert sync(now) == reminders.SyncResult()
    assert not sync(now).changed


def test_a_done_reminder_is_never_brought_back(lumen):
    now = local(2024, 5, 13, 18)
    sync(now)
    item = reminders.due(now)[0]
    assert reminders.done([item.id], now) == 1
    settings.put("reminders.thanks_after_hours", 3)  # its due instant would move
    sync(now + timedelta(minutes=1))
    row = Reminder.get_by_id(item.id)
    assert row.state == "done" and row.due_at == item.due_at
    assert len([r for r in rows().values() if r.key == item.key]) == 1
    assert item.id not in [i.id for i in reminders.due(now + timedelta(days=1))]


def test_a_shown_reminder_whose_moment_moves_ahead_comes_again(store):
    app = application("Kestrel Robotics", "interviewing")
    rnd, _ = interview(app, local(2024, 5, 16, 9, 30))
    now = local(2024, 5, 13, 10)
    sync(now)
    settings.put("reminders.thanks_after_hours", 1)
    sync(now)
    (thanks_a,) = [r for r in rows(ReminderKind.THANK_YOU).values()
                   if r.key.endswith(rnd.interviewers[0].uid)]
    reminders.mark_shown([thanks_a.id], now)
    # The interview moves later: the thank-you reminder, shown already, is armed again.
    InterviewRound.update(starts_at=local(2024, 5, 16, 15)).where(
        InterviewRound.id == rnd.id).execute()
    sync(now + timedelta(minutes=1))
    row = Reminder.get_by_id(thanks_a.id)
    assert row.state == "pending" and row.due_at == local(2024, 5, 16, 17)


def test_a_shown_reminder_whose_moment_stays_past_is_not_repeated(lumen):
    now = local(2024, 5, 13, 18)
    sync(now)
    shown = reminders.due(now)
    reminders.mark_shown([i.id for i in shown], now)
    settings.put("reminders.thanks_after_hours", 3)
    sync(now + timedelta(hours=2))
    assert reminders.due(now + timedelta(hours=2)) == []
    assert {Reminder.get_by_id(i.id).state for i in shown} == {"shown"}


def test_due_while_closed_is_shown_once_at_start(lumen):
    sync(local(2024, 5, 13, 12))  # the app ran before the round, then was closed
    start = local(2024, 5, 14, 8)
    sync(start)
    missed = reminders.missed_since_last_run(start)
    assert {i.kind for i in missed} == {ReminderKind.THANK_YOU}
    reminders.mark_shown([i.id for i in missed], start)
    # The next start lists nothing again, yet the reminders are still outstanding.
    later = local(2024, 5, 14, 9)
    sync(later)
    assert reminders.missed_since_last_run(later) == []
    assert {i.id for i in reminders.outstanding(later)} == {i.id for i in missed}


def test_snoozed_comes_back_at_the_snooze_time(lumen):
    now = local(2024, 5, 13, 18)
    sync(now)
    item, other = reminders.due(now)
    reminders.mark_shown([item.id, other.id], now)
    until = reminders.snooze_presets(now, BERLIN)["1 hour"]
    assert reminders.snooze([item.id], until) == 1
    reminders.done([other.id], now)
    assert item.id not in [i.id for i in reminders.outstanding(now)]
    assert reminders.next_due_instant(now) == until
    assert item.id not in [i.id for i in reminders.due(until - timedelta(seconds=1))]
    back = reminders.due(until)
    assert item.id in [i.id for i in back]
    assert next(i for i in back if i.id == item.id).due_instant == until
    reminders.mark_shown([item.id], until)
    assert Reminder.get_by_id(item.id).snoozed_until is None


def test_clock_jumps_fire_once(lumen):
    before = local(2024, 5, 13, 17)
    sync(before)
    assert due_keys(before) == []
    # The clock jumps forward over the thank-you instant: both are due, once.
    forward = before + timedelta(hours=3)
    sync(forward)
    fired = reminders.due(forward)
    assert len(fired) == 2
    reminders.mark_shown([i.id for i in fired], forward)
    # The clock is set back: nothing is due again, before or after the instant.
    for moment in (before, forward, forward + timedelta(hours=1)):
        sync(moment)
        assert reminders.due(moment) == []


def test_next_due_instant(store):
    now = local(2024, 5, 14, 10)
    assert reminders.next_due_instant(now) is None
    a = reminders.add_custom("Call Ana", now + timedelta(hours=5), now=now)
    b = reminders.add_custom("Update CV", now + timedelta(hours=2), now=now)
    assert reminders.next_due_instant(now) == now + timedelta(hours=2)
    reminders.done([b], now)
    assert reminders.next_due_instant(now) == now + timedelta(hours=5)
    reminders.snooze([a], now + timedelta(hours=1))
    assert reminders.next_due_instant(now) == now + timedelta(hours=1)
    reminders.mark_shown([a], now)
    assert reminders.next_due_instant(now) is None


def test_state_changes_need_aware_instants(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        reminders.due(datetime(2024, 5, 14, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        reminders.snooze([1], datetime(2024, 5, 14, 10))


def test_old_rows_outside_the_look_back_are_left_alone(store):
    now = local(2024, 5, 14, 10)
    old = Reminder.create(key="thanks:round:gone:interviewer:gone", kind="thank_you",
                          due_at=now - timedelta(days=60), text="Thank someone")
    recent = Reminder.create(key="thanks:round:gone2:interviewer:gone", kind="thank_you",
                             due_at=now - timedelta(days=5), text="Thank someone else")
    sync(now)
    assert Reminder.get_or_none(Reminder.id == old.id) is not None  # still shown at start
    assert Reminder.get_or_none(Reminder.id == recent.id) is None  # its round is gone


# -- snooze presets -----------------------------------------------------------------------------


def test_snooze_presets():
    now = local(2024, 5, 14, 15)
    presets = reminders.snooze_presets(now, BERLIN)
    assert list(presets) == ["1 hour", "3 hours", "Tomorrow morning", "Next Monday morning"]
    assert presets["1 hour"] == now + timedelta(hours=1)
    assert presets["Tomorrow morning"] == local(2024, 5, 15, 9)
    assert presets["Next Monday morning"] == local(2024, 5, 20, 9)
    # At two in the morning, "tomorrow morning" is after the night.
    assert reminders.snooze_presets(local(2024, 5, 14, 2), BERLIN)["Tomorrow morning"] == (
        local(2024, 5, 14, 9))


def test_tomorrow_morning_across_daylight_saving_changes():
    spring = reminders.snooze_presets(local(2024, 3, 30, 20), BERLIN)["Tomorrow morning"]
    assert spring == datetime(2024, 3, 31, 7, tzinfo=UTC)  # 09:00 CEST
    autumn = reminders.snooze_presets(local(2024, 10, 26, 20), BERLIN)["Tomorrow morning"]
    assert autumn == datetime(2024, 10, 27, 8, tzinfo=UTC)  # 09:00 CET
    assert spring - local(2024, 3, 30, 20) == timedelta(hours=12)  # an hour less of night


# -- the user's own reminders -------------------------------------------------------------------


def test_custom_reminders_crud(store):
    app = application()
    now = local(2024, 5, 14, 10)
    rid = reminders.add_custom("  Call   Ana about the referral ", now + timedelta(hours=1),
                               app.id, now=now)
    item = reminders.get(rid)
    assert item.custom and item.kind == ReminderKind.CUSTOM
    assert item.text == "Call Ana about the referral"
    assert item.open_target == reminders.OpenTarget("editor", app.id)
    assert reminders.due(now + timedelta(hours=1))[0].id == rid
    reminders.mark_shown([rid], now + timedelta(hours=1))
    # A new time arms it again; the text and the application can change.
    reminders.update_custom(rid, text="Call Ana", due_at=now + timedelta(days=1),
                            application_id=None)
    item = reminders.get(rid)
    assert (item.text, item.state, item.application_id) == ("Call Ana", "pending", None)
    assert item.open_target.what == "window"
    # Sync never touches them.
    sync(now)
    assert reminders.get(rid).due_at == now + timedelta(days=1)
    assert reminders.delete_custom(rid) is True
    assert reminders.get(rid) is None
    assert reminders.delete_custom(rid) is False


def test_custom_reminders_show_in_the_calendar(store):
    now = local(2024, 5, 14, 10)
    reminders.add_custom("Call Ana", local(2024, 5, 15, 11), now=now)
    entries = ce.entries_between(date(2024, 5, 15), date(2024, 5, 15), now, BERLIN)
    assert [(e.kind, e.start) for e in entries] == [(ce.EntryKind.CUSTOM_REMINDER,
                                                     local(2024, 5, 15, 11))]


@pytest.mark.parametrize(("text", "due", "message"), [
    ("   ", local(2024, 5, 14, 10), "Write what the reminder is about"),
    ("x" * 501, local(2024, 5, 14, 10), "up to 500 characters"),
    ("Call", datetime(2024, 5, 14, 10), "Choose a date and time"),
])
def test_custom_reminder_problems_are_sentences(store, text, due, message):
    with pytest.raises(reminders.ReminderError, match=message):
        reminders.add_custom(text, due)
    assert Reminder.select().count() == 0


def test_custom_reminder_for_a_missing_application(store):
    with pytest.raises(reminders.ReminderError, match="no longer exists"):
        reminders.add_custom("Call", local(2024, 5, 14, 10), 999)
    derived = Reminder.create(key="stall:2024-01-01", kind="search_stalled",
                              due_at=local(2024, 5, 14, 10))
    with pytest.raises(reminders.ReminderError, match="no longer exists"):
        reminders.update_custom(derived.id, text="mine now")
    assert reminders.delete_custom(derived.id) is False


def test_deleting_an_application_deletes_its_reminders(lumen):
    app, _rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    reminders.add_custom("Call", local(2024, 5, 15, 10), app.id)
    assert Reminder.select().where(Reminder.application == app).count() >= 3
    app.delete_instance(recursive=False)
    assert Reminder.select().where(Reminder.application_id == app.id).count() == 0


# -- agreement with the calendar ----------------------------------------------------------------


def test_every_derived_reminder_hangs_off_a_calendar_entry(store):
    from services.data import demo

    today = date(2024, 5, 14)
    demo.fill_demo(today=today)
    now = local(2024, 5, 14, 10)
    sync(now)
    entries = ce.entries_between(today - timedelta(days=40), today + timedelta(days=30), now,
                                 BERLIN)
    by_round = {(e.kind, e.round_id) for e in entries if e.round_id is not None}
    offer_uids = {e.source_uid for e in entries if e.kind == ce.EntryKind.OFFER_DEADLINE}
    round_ids = dict(InterviewRound.select(InterviewRound.uid, InterviewRound.id).tuples())
    needed = {
        ReminderKind.THANK_YOU: ce.EntryKind.THANK_YOU_DEADLINE,
        ReminderKind.RECRUITER_UPDATE: ce.EntryKind.THANK_YOU_DEADLINE,
        ReminderKind.FOLLOW_UP: ce.EntryKind.FOLLOW_UP,
        ReminderKind.INTERVIEW_TOMORROW: ce.EntryKind.INTERVIEW,
        ReminderKind.INTERVIEW_SOON: ce.EntryKind.INTERVIEW,
    }
    checked = 0
    for row in Reminder.select().where(Reminder.custom == False):  # noqa: E712
        kind = ReminderKind(row.kind)
        if kind in needed:
            round_id = round_ids[row.key.split(":")[2]]
            assert (needed[kind], round_id) in by_round, row.key
            checked += 1
        elif kind == ReminderKind.OFFER_DEADLINE:
            assert row.key.split(":")[1] in offer_uids
            checked += 1
    assert checked >= 10
    # And the other way round: every round whose thank-you deadline shows has a reminder.
    thanked_rounds = {e.round_id for e in entries if e.kind == ce.EntryKind.THANK_YOU_DEADLINE}
    reminded = {round_ids[row.key.split(":")[2]] for row in Reminder.select().where(
        Reminder.kind.in_(["thank_you", "recruiter_update"]))}
    assert thanked_rounds == reminded


def test_the_schema_has_the_index_that_keeps_next_due_a_lookup(store):
    names = [row[0] for row in store.db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reminder'")]
    assert reminders.DUE_INDEX in names
    plan = " ".join(str(row) for row in store.db.execute_sql(
        "EXPLAIN QUERY PLAN SELECT min(due_at) FROM reminder WHERE state = ?", ("pending",)))
    assert f"COVERING INDEX {reminders.DUE_INDEX}" in plan
