"""The reminder engine's offer deadlines and interviews on a real database, with an injected clock:
each appears and goes away at the right instants, and local time is DST-correct."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.application import Offer
from models.interview import InterviewRound
from models.reminder import Reminder
from services.reminders import queries, states
from services.reminders import sync as reminder_sync
from services.reminders.rules import ReminderKind
from tests.reminders.reminder_data import (
    BERLIN,
    NEW_YORK,
    application,
    interview,
    interview_kinds,
    local,
    rows,
    sync,
)

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
    assert [item.key.endswith(":24h") for item in queries.due(now)] == [True]
    states = {key.rsplit(":", 1)[1]: row.state for key, row in
              rows(ReminderKind.OFFER_DEADLINE).items()}
    assert states == {"48h": "done", "24h": "pending"}
    # After the deadline, nothing about it is due any more.
    sync(local(2024, 5, 17, 17, 1))
    assert queries.due(local(2024, 5, 17, 17, 1)) == []


def test_a_moved_deadline_is_a_new_reminder_even_after_done(store):
    _app, offer = offer_scenario()
    now = local(2024, 5, 15, 17, 30)
    sync(now)
    first = queries.due(now)
    assert [item.key.endswith(":48h") for item in first] == [True]
    states.done([first[0].id], now)
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
    item = queries.get(soon[0].id)
    assert item.round_id == rnd.id and item.open_target.what == "editor"


def test_interview_reminders_lapse_when_their_moment_has_passed(store):
    app = application("Kestrel Robotics", "interviewing")
    interview(app, local(2024, 5, 16, 9, 30))
    sync(local(2024, 5, 14, 10))
    # Closed until 40 minutes before the interview: the evening-before reminder is resolved,
    # the hour-before one is due.
    now = local(2024, 5, 16, 8, 50)
    assert sync(now).expired == 1
    assert interview_kinds(queries.due(now)) == [ReminderKind.INTERVIEW_SOON]
    # Once the interview has started the hour-before reminder is resolved too.
    later = local(2024, 5, 16, 9, 31)
    assert sync(later).expired == 1
    assert interview_kinds(queries.due(later)) == []


def test_an_interview_added_late_in_the_evening_is_announced_at_once(store):
    app = application("Kestrel Robotics", "interviewing")
    interview(app, local(2024, 5, 16, 9, 30))
    now = local(2024, 5, 15, 21)
    sync(now)
    assert interview_kinds(queries.due(now)) == [ReminderKind.INTERVIEW_TOMORROW]


def test_a_cancelled_or_moved_interview(store):
    app = application("Kestrel Robotics", "interviewing")
    rnd, _ = interview(app, local(2024, 5, 16, 9, 30))
    now = local(2024, 5, 15, 18, 5)
    sync(now)
    (tomorrow,) = [i for i in queries.due(now) if i.kind == ReminderKind.INTERVIEW_TOMORROW]
    states.mark_shown([tomorrow.id], now)
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
    reminder_sync.sync(local(2024, 5, 13, 10), NEW_YORK)
    (row,) = rows(ReminderKind.INTERVIEW_TOMORROW).values()
    assert row.due_at == local(2024, 5, 15, 18, zone=NEW_YORK)
    # For a user in Berlin the interview is at 22:00 on the 16th: the evening before is
    # the 15th at 18:00 Berlin; the text shows both clocks.
    Reminder.delete().execute()
    reminder_sync.sync(local(2024, 5, 13, 10), BERLIN)
    (row,) = rows(ReminderKind.INTERVIEW_TOMORROW).values()
    assert row.due_at == local(2024, 5, 15, 18)
    assert "22:00" in row.text and "16:00 America/New_York" in row.text
    assert rnd.uid in row.key
