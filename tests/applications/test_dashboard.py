"""The dashboard's figures (services.applications.dashboard) against hand-computed expectations."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from models.values import STAGE_LABELS
from services.applications import dashboard
from services.applications.dashboard import InterviewItem, OfferItem, WeekBar, compute, week_start
from services.applications.index import ApplicationIndex
from services.applications.list_rows import STAGE_ORDER
from services.applications.overdue import OverdueItem, WaitingItem
from services.applications.prospects import add_business_days
from tests.applications.dashboard_data import (
    BERLIN,
    NOW,
    TODAY,
    add_application,
    add_email,
    add_fixed_search,
    at,
)


@pytest.fixture
def fixed(store):
    """A fixed search of 14 applications (see tests/applications/dashboard_data.py)."""
    return add_fixed_search()


def test_empty_database(store):
    figures = compute(NOW, BERLIN, 5)
    assert figures.total == 0
    assert figures.is_empty
    assert figures.today == TODAY
    assert [(s.stage, s.count) for s in figures.by_stage] == [(s.value, 0) for s in STAGE_ORDER]
    assert figures.waiting == figures.overdue == figures.upcoming_interviews == []
    assert figures.offers == []
    assert figures.weekly == [WeekBar(date(2024, 12, 23) + timedelta(weeks=n), 0)
                              for n in range(12)]
    assert figures.weekly_goal == 5
    assert figures.open_count == 0


def test_one_application(store):
    app = add_application("Solo", "applied", date(2025, 3, 11))
    figures = compute(NOW, BERLIN, 3)
    assert figures.total == 1
    assert not figures.is_empty
    assert [s for s in figures.by_stage if s.count] == [("applied", "Applied", 1)]
    assert figures.open_count == 1
    assert figures.weekly[-1] == WeekBar(date(2025, 3, 10), 1)
    assert sum(bar.count for bar in figures.weekly) == 1
    assert figures.waiting == figures.overdue == figures.offers == []
    assert app.id > 0


def test_stages_in_pipeline_order_with_labels(fixed):
    figures = compute(NOW, BERLIN, 5)
    assert figures.by_stage == [
        ("offer", "Offer", 3), ("interviewing", "Interviewing", 2),
        ("awaiting_response", "Awaiting response", 6), ("applied", "Applied", 1),
        ("accepted", "Accepted", 0), ("declined", "Declined", 0), ("rejected", "Rejected", 1),
        ("withdrawn", "Withdrawn", 1), ("no_response", "No response", 0),
    ]
    assert [s.label for s in figures.by_stage] == [STAGE_LABELS[s] for s in STAGE_ORDER]
    assert figures.total == 14
    assert figures.open_count == 12


def test_waiting_longest_first_with_since_and_expected(fixed):
    figures = compute(NOW, BERLIN, 5)
    assert figures.waiting == [
        WaitingItem(fixed["larch"], "Larch", "Larch role", date(2025, 2, 3), 37,
                    date(2025, 2, 10)),
        WaitingItem(fixed["kale"], "Kale", "Kale role", date(2025, 2, 10), 30, None),
        WaitingItem(fixed["maple"], "Maple", "Maple role", date(2025, 2, 17), 23,
                    date(2025, 2, 20)),
        WaitingItem(fixed["juniper"], "Juniper", "Juniper role", date(2025, 2, 26), 14, None),
        WaitingItem(fixed["alder"], "Alder", "Alder role", date(2025, 3, 3), 9,
                    date(2025, 3, 10)),
        WaitingItem(fixed["dune"], "Dune", "Dune role", date(2025, 3, 7), 5,
                    add_business_days(date(2025, 3, 7), 10)),
        WaitingItem(fixed["birch"], "Birch", "Birch role", date(2025, 3, 10), 2,
                    date(2025, 3, 24)),
    ]


def test_overdue_follow_ups_and_thank_you_notes(fixed):
    figures = compute(NOW, BERLIN, 5)
    assert figures.overdue == [
        OverdueItem(fixed["cedar"], "Cedar", "thank_you", date(2025, 3, 7),
                    "Thank Eve for the Phone screen of Thu 06 Mar 2025."),
        OverdueItem(fixed["dune"], "Dune", "thank_you", date(2025, 3, 8),
                    "Update Rita at Talent Co on the Panel interview of Fri 07 Mar 2025."),
        OverdueItem(fixed["birch"], "Birch", "thank_you", date(2025, 3, 11),
                    "Thank Dana for the Technical interview of Mon 10 Mar 2025."),
        OverdueItem(fixed["alder"], "Alder", "follow_up", date(2025, 3, 12),
                    "Follow up: expected by Mon 10 Mar 2025."),
    ]


def test_grace_setting_moves_the_follow_up(fixed):
    from services.core import settings

    settings.put("reminders.follow_up_grace_business_days", 3)
    kinds = [(item.company, item.kind) for item in compute(NOW, BERLIN, 5).overdue]
    assert ("Alder", "follow_up") not in kinds
    tomorrow = compute(NOW + timedelta(days=1), BERLIN, 5).overdue
    assert tomorrow[-1] == OverdueItem(fixed["alder"], "Alder", "follow_up", date(2025, 3, 13),
                                       "Follow up: expected by Mon 10 Mar 2025.")


def test_grace_zero_and_default_days_setting(fixed):
    from services.core import settings

    figures = compute(NOW, BERLIN, 5, grace_business_days=0)
    follow = [(item.company, item.due) for item in figures.overdue if item.kind == "follow_up"]
    # Alder expected Mon 10 Mar; nobody else is past their expected date without news.
    assert follow == [("Alder", date(2025, 3, 10))]
    settings.put("outlook.default_response_business_days", 1)
    figures = compute(NOW, BERLIN, 5)
    by_company = {item.company: item for item in figures.waiting}
    assert by_company["Dune"].expected == date(2025, 3, 10)
    assert by_company["Birch"].expected == date(2025, 3, 11)
    follow = [(item.company, item.due) for item in figures.overdue if item.kind == "follow_up"]
    # Both due Wed 12 Mar (Birch's is due Thu 13 Mar); same day: by company.
    assert follow == [("Alder", date(2025, 3, 12)), ("Dune", date(2025, 3, 12))]


def test_a_sent_agency_update_or_thanks_clears_the_item(fixed):
    from models.application import Application

    dune = Application.get_by_id(fixed["dune"])
    add_email(dune, to="RITA@talent.example", template="agency_update",
              sent_at=at(date(2025, 3, 8), 9))
    cedar = Application.get_by_id(fixed["cedar"])
    add_email(cedar, to="eve@cedar.example", state="marked_sent", sent_at=at(date(2025, 3, 6), 12))
    companies = [item.company for item in compute(NOW, BERLIN, 5).overdue]
    assert companies == ["Birch", "Alder"]


def test_a_thank_you_is_due_only_a_day_after_the_round_ended(fixed):
    # Birch's round ended Mon 10 Mar 15:00 UTC: not due before Tue 11 Mar 15:00 UTC.
    early = compute(datetime(2025, 3, 11, 14, 59, tzinfo=UTC), BERLIN, 5)
    assert "Birch" not in [item.company for item in early.overdue]
    late = compute(datetime(2025, 3, 11, 15, 0, tzinfo=UTC), BERLIN, 5)
    assert "Birch" in [item.company for item in late.overdue]
    # Fourteen days after the round the note is no longer listed.
    stale = compute(datetime(2025, 3, 25, 15, 1, tzinfo=UTC), BERLIN, 5)
    assert "Birch" not in [i.company for i in stale.overdue if i.kind == "thank_you"]


def test_upcoming_interviews_in_the_next_seven_days(fixed):
    figures = compute(NOW, BERLIN, 5)
    assert figures.upcoming_interviews == [
        InterviewItem(fixed["elm"], "Elm", "Elm role", fixed["elm_round"], "Meet the team",
                      at(date(2025, 3, 12), 9, 30), "UTC", 60),
        InterviewItem(fixed["cedar"], "Cedar", "Cedar role", fixed["cedar_round"], "On-site",
                      at(date(2025, 3, 14), 9), "UTC", 60),
    ]
    later = compute(NOW + timedelta(hours=1), BERLIN, 5)  # the meeting at Elm is over
    assert [item.company for item in later.upcoming_interviews] == ["Cedar", "Fir"]


def test_offers_with_days_left(fixed):
    figures = compute(NOW, BERLIN, 5)
    summary = [(o.company, o.days_left, o.amount, o.currency) for o in figures.offers]
    assert summary == [
        ("Gum", -2, Decimal("90000.50"), "USD"),
        ("Fir", 0, None, ""),
        ("Elm", 2, Decimal("74000"), "EUR"),
        ("Elm", None, None, ""),
    ]
    gum = figures.offers[0]
    assert isinstance(gum, OfferItem)
    assert gum.deadline == datetime(2025, 3, 10, 12, tzinfo=UTC)
    assert gum.application_id == fixed["gum"]
    assert gum.deadline_tz == "Europe/Berlin"
    # Fir's deadline is 23:30 in Berlin today; in New York it is still today too, and for
    # someone in Tokyo it is tomorrow.
    tokyo = compute(NOW, ZoneInfo("Asia/Tokyo"), 5)
    assert [o.days_left for o in tokyo.offers if o.company == "Fir"] == [1]


def test_weekly_bars_over_twelve_weeks(fixed):
    figures = compute(NOW, BERLIN, 4)
    assert [bar.week_start for bar in figures.weekly] == [
        date(2024, 12, 23) + timedelta(weeks=n) for n in range(12)]
    assert [bar.count for bar in figures.weekly] == [0, 0, 2, 1, 0, 2, 1, 2, 1, 1, 1, 2]
    assert figures.weekly_goal == 4
    # In UTC, Ivy was added on Sunday 9 Mar: the week before.
    utc = compute(NOW, ZoneInfo("UTC"), 4)
    assert [bar.count for bar in utc.weekly][-2:] == [2, 1]


def test_week_start_is_monday():
    assert week_start(date(2025, 3, 12)) == date(2025, 3, 10)
    assert week_start(date(2025, 3, 10)) == date(2025, 3, 10)
    assert week_start(date(2025, 3, 16)) == date(2025, 3, 10)


def test_naive_now_is_refused(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        compute(datetime(2025, 3, 12), BERLIN, 5)


def test_unknown_stage_values_come_last(store):
    add_application("Odd", "on_hold", date(2025, 3, 1))
    figures = compute(NOW, BERLIN, 5)
    assert figures.by_stage[-1] == ("on_hold", "On hold", 1)
    assert figures.total == 1


def test_expected_dates_agree_with_the_application_list(fixed, store):
    figures = compute(NOW, BERLIN, 5)
    with closing(sqlite3.connect(str(store.paths.database))) as con:
        index = ApplicationIndex.load(con, NOW)
    checked = 0
    for item in figures.waiting:
        row = index.row(item.application_id)
        assert row.expected_response == item.expected, item.company
        checked += row.expected_response is not None
    assert checked == 5


def test_compute_reads_through_a_plain_sqlite_connection(fixed, store):
    with closing(sqlite3.connect(str(store.paths.database))) as con:
        plain = compute(NOW, BERLIN, 5, con=con)
    assert plain == compute(NOW, BERLIN, 5)


@pytest.mark.slow
def test_ten_thousand_applications_are_consistent(tmp_path):
    from benchmarks.generate import generate

    today = date(2025, 3, 12)
    now = datetime(2025, 3, 12, 20, 0, tzinfo=UTC)
    folder = tmp_path / "big"
    generate(folder, 10_000, 20_000, 30_000, today=today)
    with closing(sqlite3.connect(str(folder / "nextsteps.sqlite3"))) as con:
        figures = compute(now, BERLIN, 5, con=con)
        stages = dict(con.execute("SELECT stage, count(*) FROM application GROUP BY stage"))
        rows = con.execute("SELECT id, stage, applied_on FROM application").fetchall()
        index = ApplicationIndex.load(con, now)
    assert figures.total == 10_000
    assert {s.stage: s.count for s in figures.by_stage if s.count} == stages
    # Every application awaiting response waits; interviewing ones only between rounds.
    stage_of = {app_id: stage for app_id, stage, _ in rows}
    waiting_ids = [item.application_id for item in figures.waiting]
    assert len(set(waiting_ids)) == len(waiting_ids)
    awaiting = {app_id for app_id, stage, _ in rows if stage == "awaiting_response"}
    assert awaiting <= set(waiting_ids)
    for item in figures.waiting:
        assert stage_of[item.application_id] in ("awaiting_response", "interviewing")
        row = index.row(item.application_id)
        assert item.expected == row.expected_response
        if stage_of[item.application_id] == "interviewing":
            assert row.last_interview is not None and row.next_interview is None
        assert item.days == (today - item.since).days
    assert [item.days for item in figures.waiting] == sorted(
        (item.days for item in figures.waiting), reverse=True)
    # Follow-ups are for waiting applications whose expected date plus grace has come.
    expected = {item.application_id: item.expected for item in figures.waiting}
    for item in figures.overdue:
        assert item.due <= today
        if item.kind == "follow_up":
            assert item.due == add_business_days(expected[item.application_id], 2)
    # Weekly counts match a recount in Python (every generated row has an applied date).
    first = week_start(today) - timedelta(weeks=11)
    recount = Counter((date.fromisoformat(applied) - first).days // 7
                      for _id, _stage, applied in rows
                      if first <= date.fromisoformat(applied) <= today)
    assert [bar.count for bar in figures.weekly] == [recount[n] for n in range(12)]
    for item in figures.upcoming_interviews:
        assert now - timedelta(days=1) < item.starts_at <= now + timedelta(days=7)
    assert figures.offers == []
    assert len(figures.weekly) == dashboard.WEEKS
