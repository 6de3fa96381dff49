"""What reminders say (offscreen): a grouped notification keeps every line whole (an offer's
deadline with its time), an interview later the same day is "today", and user text keeps its
"&" in the tray menu."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import clock
from models.application import Application, Offer
from models.interview import InterviewRound
from services.core.snapshot import read_snapshot
from services.reminders import custom, queries
from services.reminders import sync as reminder_sync
from services.reminders.rules import ReminderKind, interview_title
from ui.reminders.notifications import notification_text
from ui.reminders.scheduler import ReminderScheduler
from ui.shell.main_window import MainWindow
from ui.shell.menu_text import menu_text
from ui.shell.tray import ReminderTray

BERLIN = ZoneInfo("Europe/Berlin")


def local(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def _app(company: str, stage: str, role: str = "Senior Platform Reliability Engineer"):
    return Application.create(company=company, role=role, stage=stage,
                              applied_on=date(2024, 5, 1))


def test_a_grouped_notification_keeps_the_offers_deadline(store):
    app = _app("Harbor & Pine Logistics International", "offer")
    _app("Lumen Analytics", "awaiting_response")
    Offer.create(application=app, deadline_at=local(2024, 5, 17, 17), deadline_tz="Europe/Berlin")
    now = local(2024, 5, 16, 18)
    reminder_sync.sync(now, BERLIN)
    custom.add_custom("Call Ana about the referral", now - timedelta(minutes=5), now=now)
    items = queries.due(now)
    offer = next(i for i in items if i.kind == ReminderKind.OFFER_DEADLINE)
    assert len(offer.text) > 150
    title, body = notification_text(items)
    assert title == "2 reminders"
    (line,) = [line for line in body.splitlines() if line.startswith("• Offer deadline: ")]
    assert "needs your answer by Fri 17 May 2024 at 17:00" in line
    assert line == f"• Offer deadline: {offer.text}"  # whole: nothing cut


def test_the_users_own_long_reminder_is_shortened_at_a_word(store):
    now = local(2024, 5, 16, 18)
    text = "Prepare the portfolio walkthrough " * 14
    custom.add_custom(text, now - timedelta(minutes=1), now=now)
    custom.add_custom("Update the CV", now - timedelta(minutes=1), now=now)
    _title, body = notification_text(queries.due(now))
    first = body.splitlines()[0]
    assert first.endswith("…") and len(first) < 200
    assert first[:-1].split()[-1] in ("Prepare", "the", "portfolio", "walkthrough")


@pytest.mark.parametrize(("added_at", "title"), [
    (local(2024, 5, 16, 10), "Interview today"),       # added late: announced at once
    (local(2024, 5, 15, 18, 5), "Interview tomorrow"),  # the evening before
])
def test_an_interview_later_today_is_not_tomorrow(store, pinned_clock, added_at, title):
    app = _app("Kestrel Robotics", "interviewing")
    InterviewRound.create(application=app, title="Technical interview", tz_name="Europe/Berlin",
                          starts_at=local(2024, 5, 16, 15), duration_minutes=60)
    pinned_clock.pin(added_at, BERLIN)
    reminder_sync.sync(added_at, BERLIN)
    (item,) = [i for i in queries.due(added_at) if i.kind == ReminderKind.INTERVIEW_TOMORROW]
    assert item.title == title
    assert notification_text([item])[0] == title
    assert "Thu 16 May 2024 at 15:00" in item.text


def test_interview_title_reads_the_day_in_the_users_zone():
    key = "interview:round:abc:20240516T2230Z:day_before"  # 00:30 on the 17th in Berlin
    assert interview_title(key, local(2024, 5, 16, 19), BERLIN) == "Interview tomorrow"
    assert interview_title(key, local(2024, 5, 17, 0, 5), BERLIN) == "Interview today"
    assert interview_title(key, local(2024, 5, 16, 19), ZoneInfo("America/New_York")) == (
        "Interview today")
    assert interview_title("offer:u:20240516T2230Z:24h", local(2024, 5, 16, 19), BERLIN) is None


def test_menu_text_escapes_the_shortcut_marks():
    assert menu_text("Harbor & Pine") == "Harbor && Pine"
    assert menu_text("a_b & c", dbus_menu=True) == "a__b && c"


def test_the_tray_menu_keeps_the_ampersand(qtbot, store):
    now = clock.now()
    rid = custom.add_custom("Send Harbor & Pine the references", now - timedelta(minutes=1))
    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    scheduler = ReminderScheduler()
    scheduler.start()
    try:
        tray = ReminderTray(window, scheduler, service=None)  # offscreen: no tray, no bus
        tray.rebuild_menu()
        entry = tray.action("open-item", rid).parent().menuAction()
        assert entry.text() == "Reminder: Send Harbor && Pine the references"
        assert entry.iconText() == "Reminder: Send Harbor & Pine the references"
        assert entry.toolTip() == "Send Harbor & Pine the references"
    finally:
        scheduler.stop()
