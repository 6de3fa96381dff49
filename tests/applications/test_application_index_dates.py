"""The application list's dates: last and next interview relative to now, the expected response
(counted in the round's zone), the outlook, and the display in the user's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.applications.index import (
    COLUMNS,
)
from services.applications.prospects import Verdict, add_business_days
from tests.applications.index_data import NOW, UTC_ZONE, add_application, add_round, load_index


def test_last_and_next_interview_relative_to_now(store):
    app = add_application("Lumen", stage="interviewing")
    add_round(app, NOW - timedelta(days=10))
    add_round(app, NOW - timedelta(days=2))
    add_round(app, NOW - timedelta(hours=1), cancelled=True)
    add_round(app, NOW + timedelta(hours=2), cancelled=True)
    add_round(app, NOW + timedelta(days=3))
    add_round(app, NOW + timedelta(days=9))
    add_round(app, None)  # not scheduled yet
    at_now = add_application("Exactly now", stage="interviewing")
    add_round(at_now, NOW)
    nothing = add_application("No rounds")
    index = load_index(store)
    row = index.row(app.id)
    assert row.last_interview == NOW - timedelta(days=2)
    assert row.next_interview == NOW + timedelta(days=3)
    assert row.last_interview.tzinfo is not None
    assert index.row(at_now.id).last_interview == NOW
    assert index.row(at_now.id).next_interview is None
    empty = index.row(nothing.id)
    assert (empty.last_interview, empty.next_interview, empty.expected_response,
            empty.outlook) == (None, None, None, None)
    later = load_index(store, NOW + timedelta(days=4))
    assert later.row(app.id).last_interview == NOW + timedelta(days=3)
    assert later.row(app.id).next_interview == NOW + timedelta(days=9)


def test_expected_response_uses_the_latest_past_round(store):
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    business = add_application("Business days", stage="awaiting_response")
    add_round(business, friday - timedelta(days=14), value=1, unit="days")
    add_round(business, friday, value=3, unit="business_days")
    add_round(business, NOW + timedelta(days=1), value=1, unit="days")  # future: ignored
    weeks = add_application("Weeks", stage="interviewing")
    add_round(weeks, friday, value=2, unit="weeks")
    days = add_application("Days", stage="offer")
    add_round(days, friday, value=5, unit="days")
    default = add_application("Default", stage="interviewing")
    add_round(default, friday)
    closed = {stage: add_application(f"Closed {stage}", stage=stage) for stage in (
        "accepted", "declined", "rejected", "withdrawn", "no_response")}
    for app in closed.values():
        add_round(app, friday, value=3, unit="days")
    index = load_index(store)
    assert index.row(business.id).expected_response == date(2026, 11, 25)
    assert index.row(weeks.id).expected_response == date(2026, 12, 4)
    assert index.row(days.id).expected_response == date(2026, 11, 25)
    assert index.row(default.id).expected_response == add_business_days(date(2026, 11, 20), 10)
    for app in closed.values():
        assert index.row(app.id).expected_response is None
        assert index.row(app.id).last_interview == friday
    shorter = load_index(store, default_business_days=2)
    assert shorter.row(default.id).expected_response == date(2026, 11, 24)
    assert shorter.default_business_days == 2


def test_expected_response_counts_from_the_day_in_the_rounds_zone(store):
    app = add_application("Tokyo", stage="awaiting_response")
    # Friday 23:30 UTC is already Saturday morning in Tokyo.
    add_round(app, datetime(2026, 11, 20, 23, 30, tzinfo=UTC), tz_name="Asia/Tokyo",
              value=1, unit="days")
    odd = add_application("Unknown zone", stage="awaiting_response")
    add_round(odd, datetime(2026, 11, 20, 23, 30, tzinfo=UTC), tz_name="Mars/Olympus",
              value=1, unit="days")
    index = load_index(store)
    assert index.row(app.id).expected_response == date(2026, 11, 22)
    assert index.row(odd.id).expected_response == date(2026, 11, 21)


def test_outlook_comes_from_the_latest_past_round(store):
    app = add_application("Lumen", stage="awaiting_response")
    add_round(app, NOW - timedelta(days=10), signals=("explained_next_steps", "asked_references"))
    add_round(app, NOW - timedelta(days=1), signals=("vague_next_steps", "shrugged"))
    add_round(app, NOW + timedelta(days=1), signals=("discussed_start_date", "asked_references"))
    positive = add_application("Kestrel", stage="rejected")
    add_round(positive, NOW - timedelta(days=1),
              signals=("discussed_start_date", "asked_references"))
    quiet = add_application("Quiet", stage="interviewing")
    add_round(quiet, NOW - timedelta(days=1))
    future_only = add_application("Future", stage="interviewing")
    add_round(future_only, NOW + timedelta(days=1), signals=("asked_references",))
    index = load_index(store)
    assert index.row(app.id).outlook is Verdict.NEGATIVE
    assert index.row(positive.id).outlook is Verdict.POSITIVE  # closed stages keep it
    assert index.row(quiet.id).outlook is Verdict.UNDECIDED
    assert index.row(future_only.id).outlook is None


def test_display_formats_in_the_given_zone(store):
    app = add_application("Lumen", role="Data Engineer", stage="awaiting_response",
                          channel="agency", agency_name="Hays Tech")
    add_round(app, datetime(2026, 11, 23, 23, 30, tzinfo=UTC), value=1, unit="days",
              signals=("explained_next_steps", "asked_references"))
    add_round(app, datetime(2026, 11, 24, 14, 0, tzinfo=UTC))
    direct = add_application("Kestrel")
    row = load_index(store).row(app.id)
    assert row.display("last_interview", UTC_ZONE) == "Mon 23 Nov 2026, 23:30"
    assert row.display("last_interview", ZoneInfo("Asia/Tokyo")) == "Tue 24 Nov 2026, 08:30"
    assert row.display("next_interview", UTC_ZONE) == "Tue 24 Nov 2026, 14:00"
    assert row.display("next_interview", ZoneInfo("America/New_York")) == \
        "Tue 24 Nov 2026, 09:00"
    assert row.display("expected_response", UTC_ZONE) == "Tue 24 Nov 2026"
    assert row.display("outlook", UTC_ZONE) == "Leaning positive"
    assert row.display("channel", UTC_ZONE) == "Agency · Hays Tech"
    assert row.display("company", UTC_ZONE) == "Lumen"
    assert row.display("role", UTC_ZONE) == "Data Engineer"
    assert row.display("stage", UTC_ZONE) == "Awaiting response" == row.stage_label
    assert row.is_agency and row.agency_name == "Hays Tech"
    other = load_index(store).row(direct.id)
    assert [other.display(c.key, UTC_ZONE) for c in COLUMNS] == [
        "Kestrel", "Data Engineer", "Applied", "", "", "", "", "Direct"]
    assert other.display("last_interview", UTC_ZONE) == ""
