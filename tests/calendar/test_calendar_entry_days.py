"""The dated entries (services.calendar.entries) on the calendar's days: times in daylight-saving
gaps and folds, the day an entry lands on in the viewer's zone, and counts by day that agree
with the entries."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import clock
from models.email import Email
from models.interview import Interviewer
from models.values import Channel, EmailState, Stage
from services.calendar import entries as ce
from services.calendar.entry_types import EntryKind, day_text, to_instant
from services.core.instants import zone_of
from tests.calendar.entry_data import (
    BERLIN,
    NEW_YORK,
    NOW,
    PEOPLE,
    TOKYO,
    kinds,
    local,
    make_app,
    make_round,
    of_kind,
)


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap(store):
    # 02:30 on 10 March 2024 does not exist in New York (02:00 EST → 03:00 EDT).
    instant = to_instant(datetime(2024, 3, 10, 2, 30), NEW_YORK)
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
    instant = to_instant(datetime(2024, 11, 3, 1, 30), NEW_YORK)
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
        make_round(app, to_instant(datetime(2024, 3, day, 23, 30), NEW_YORK),
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


def _bucket(entries, zone):
    found: dict[date, Counter] = {}
    for entry in entries:
        found.setdefault(entry.day_in(zone), Counter())[entry.kind] += 1
    return {day: dict(counter) for day, counter in found.items()}


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata",
                                  "Australia/Lord_Howe"])
def test_counts_by_day_agree_with_entries_between(store, zone):
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
    assert zone_of("Not/AZone").key == "UTC"
    assert zone_of("").key == "UTC"
    assert to_instant(datetime(2024, 1, 1, 12), "Europe/Berlin") == datetime(
        2024, 1, 1, 11, tzinfo=UTC)
    assert day_text(date(2024, 5, 14)) == "Tue 14 May 2024"
    assert time(0) == time()


def test_counts_see_a_change_made_by_another_connection(store):
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
