"""The reminder engine's states on a real database, with an injected clock: a stalled search,
states that persist (done, shown, snoozed) across syncs and clock jumps, and snooze presets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.interview import InterviewRound
from models.reminder import Reminder
from services.core import settings
from services.reminders import custom, queries, states
from services.reminders import sync as reminder_sync
from services.reminders.items import OpenTarget
from services.reminders.rules import ReminderKind
from services.reminders.snooze_times import snooze_presets
from tests.reminders.reminder_data import (
    BERLIN,
    application,
    due_keys,
    interview,
    local,
    rows,
    sync,
)

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
    (item,) = queries.due(now)
    assert item.open_target == OpenTarget("new_application")


# -- states -------------------------------------------------------------------------------------


def test_sync_is_idempotent(lumen):
    now = local(2024, 5, 14, 10)
    first = sync(now)
    assert first.created >= 3
    assert sync(now) == reminder_sync.SyncResult()
    assert not sync(now).changed


def test_a_done_reminder_is_never_brought_back(lumen):
    now = local(2024, 5, 13, 18)
    sync(now)
    item = queries.due(now)[0]
    assert states.done([item.id], now) == 1
    settings.put("reminders.thanks_after_hours", 3)  # its due instant would move
    sync(now + timedelta(minutes=1))
    row = Reminder.get_by_id(item.id)
    assert row.state == "done" and row.due_at == item.due_at
    assert len([r for r in rows().values() if r.key == item.key]) == 1
    assert item.id not in [i.id for i in queries.due(now + timedelta(days=1))]


def test_a_shown_reminder_whose_moment_moves_ahead_comes_again(store):
    app = application("Kestrel Robotics", "interviewing")
    rnd, _ = interview(app, local(2024, 5, 16, 9, 30))
    now = local(2024, 5, 13, 10)
    sync(now)
    settings.put("reminders.thanks_after_hours", 1)
    sync(now)
    (thanks_a,) = [r for r in rows(ReminderKind.THANK_YOU).values()
                   if r.key.endswith(rnd.interviewers[0].uid)]
    states.mark_shown([thanks_a.id], now)
    # The interview moves later: the thank-you reminder, shown already, is armed again.
    InterviewRound.update(starts_at=local(2024, 5, 16, 15)).where(
        InterviewRound.id == rnd.id).execute()
    sync(now + timedelta(minutes=1))
    row = Reminder.get_by_id(thanks_a.id)
    assert row.state == "pending" and row.due_at == local(2024, 5, 16, 17)


def test_a_shown_reminder_whose_moment_stays_past_is_not_repeated(lumen):
    now = local(2024, 5, 13, 18)
    sync(now)
    shown = queries.due(now)
    states.mark_shown([i.id for i in shown], now)
    settings.put("reminders.thanks_after_hours", 3)
    sync(now + timedelta(hours=2))
    assert queries.due(now + timedelta(hours=2)) == []
    assert {Reminder.get_by_id(i.id).state for i in shown} == {"shown"}


def test_due_while_closed_is_shown_once_at_start(lumen):
    sync(local(2024, 5, 13, 12))  # the app ran before the round, then was closed
    start = local(2024, 5, 14, 8)
    sync(start)
    missed = queries.missed_since_last_run(start)
    assert {i.kind for i in missed} == {ReminderKind.THANK_YOU}
    states.mark_shown([i.id for i in missed], start)
    # The next start lists nothing again, yet the reminders are still outstanding.
    later = local(2024, 5, 14, 9)
    sync(later)
    assert queries.missed_since_last_run(later) == []
    assert {i.id for i in queries.outstanding(later)} == {i.id for i in missed}


def test_snoozed_comes_back_at_the_snooze_time(lumen):
    now = local(2024, 5, 13, 18)
    sync(now)
    item, other = queries.due(now)
    states.mark_shown([item.id, other.id], now)
    until = snooze_presets(now, BERLIN)["1 hour"]
    assert states.snooze([item.id], until) == 1
    states.done([other.id], now)
    assert item.id not in [i.id for i in queries.outstanding(now)]
    assert queries.next_due_instant(now) == until
    assert item.id not in [i.id for i in queries.due(until - timedelta(seconds=1))]
    back = queries.due(until)
    assert item.id in [i.id for i in back]
    assert next(i for i in back if i.id == item.id).due_instant == until
    states.mark_shown([item.id], until)
    assert Reminder.get_by_id(item.id).snoozed_until is None


def test_clock_jumps_fire_once(lumen):
    before = local(2024, 5, 13, 17)
    sync(before)
    assert due_keys(before) == []
    # The clock jumps forward over the thank-you instant: both are due, once.
    forward = before + timedelta(hours=3)
    sync(forward)
    fired = queries.due(forward)
    assert len(fired) == 2
    states.mark_shown([i.id for i in fired], forward)
    # The clock is set back: nothing is due again, before or after the instant.
    for moment in (before, forward, forward + timedelta(hours=1)):
        sync(moment)
        assert queries.due(moment) == []


def test_next_due_instant(store):
    now = local(2024, 5, 14, 10)
    assert queries.next_due_instant(now) is None
    a = custom.add_custom("Call Ana", now + timedelta(hours=5), now=now)
    b = custom.add_custom("Update CV", now + timedelta(hours=2), now=now)
    assert queries.next_due_instant(now) == now + timedelta(hours=2)
    states.done([b], now)
    assert queries.next_due_instant(now) == now + timedelta(hours=5)
    states.snooze([a], now + timedelta(hours=1))
    assert queries.next_due_instant(now) == now + timedelta(hours=1)
    states.mark_shown([a], now)
    assert queries.next_due_instant(now) is None


def test_state_changes_need_aware_instants(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        queries.due(datetime(2024, 5, 14, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        states.snooze([1], datetime(2024, 5, 14, 10))


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
    presets = snooze_presets(now, BERLIN)
    assert list(presets) == ["1 hour", "3 hours", "Tomorrow morning", "Next Monday morning"]
    assert presets["1 hour"] == now + timedelta(hours=1)
    assert presets["Tomorrow morning"] == local(2024, 5, 15, 9)
    assert presets["Next Monday morning"] == local(2024, 5, 20, 9)
    # At two in the morning, "tomorrow morning" is after the night.
    assert snooze_presets(local(2024, 5, 14, 2), BERLIN)["Tomorrow morning"] == (
        local(2024, 5, 14, 9))


def test_tomorrow_morning_across_daylight_saving_changes():
    spring = snooze_presets(local(2024, 3, 30, 20), BERLIN)["Tomorrow morning"]
    assert spring == datetime(2024, 3, 31, 7, tzinfo=UTC)  # 09:00 CEST
    autumn = snooze_presets(local(2024, 10, 26, 20), BERLIN)["Tomorrow morning"]
    assert autumn == datetime(2024, 10, 27, 8, tzinfo=UTC)  # 09:00 CET
    assert spring - local(2024, 3, 30, 20) == timedelta(hours=12)  # an hour less of night
