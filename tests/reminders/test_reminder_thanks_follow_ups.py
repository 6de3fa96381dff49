"""The reminder engine's thank-you notes and follow-ups on a real database, with an injected
clock: each appears and goes away at the right instants, and data changes update it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.application import Application, StageChange
from services.calendar import entries as ce
from services.calendar.entry_types import EntryKind, to_instant
from services.core import settings
from services.reminders import queries
from services.reminders.items import OpenTarget
from services.reminders.rules import ReminderKind
from tests.reminders.reminder_data import (
    BERLIN,
    application,
    due_keys,
    email,
    interview,
    local,
    rows,
    sync,
)

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
    item = next(i for i in queries.due(now) if i.kind == ReminderKind.THANK_YOU)
    assert item.open_target == OpenTarget("composer", app.id, rnd.id, "thank_you")
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
    follow = [e for e in entries if e.kind == EntryKind.FOLLOW_UP]
    assert [e.round_id for e in follow] == [rnd.id]
    nine = to_instant(datetime.combine(follow[0].start, datetime.min.time())
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
    item = queries.get(row.id)
    assert item.open_target.template_key == "follow_up"
