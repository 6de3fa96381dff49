"""The pure reminder rules over calendar entries: keys, due and expiry instants, texts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.calendar.entry_types import CalendarEntry, EntryKind
from services.reminders.rules import (
    KIND_LABELS,
    ReminderKind,
    Unthanked,
    follow_up_reminder,
    interview_reminders,
    key_round_uid,
    offer_reminders,
    stall_reminder,
    thank_you_reminders,
    when_text,
)

BERLIN = ZoneInfo("Europe/Berlin")


def entry(kind: EntryKind, start, *, all_day: bool = False, alarm: int | None = None,
          tz: str = "Europe/Berlin", **extra) -> CalendarEntry:
    """A calendar entry as :mod:`services.calendar.entries` gives them."""
    values = {
        "uid": f"{kind.value}-x@nextsteps", "kind": kind, "application_id": 7,
        "title": "t", "description": "d", "start": start,
        "end": start + timedelta(days=1) if all_day else start, "tz_name": tz,
        "all_day": all_day, "application_uid": "app-uid", "round_id": 3,
        "alarm_minutes": alarm, "sequence": 0, "company": "Lumen Analytics",
        "role": "Data Engineer", "source_uid": "src-uid",
    }
    values.update(extra)
    return CalendarEntry(**values)


def test_every_kind_has_a_label_and_keys_name_their_round():
    assert set(KIND_LABELS) == set(ReminderKind)
    assert key_round_uid("thanks:round:abc:interviewer:def") == "abc"
    assert key_round_uid("follow_up:round:abc") == "abc"
    assert key_round_uid("offer:abc:20240517T1500Z:24h") is None
    assert key_round_uid("stall:2024-05-06") is None
    assert key_round_uid("custom:abc") is None


def test_when_text_is_on_the_users_clock():
    assert when_text(datetime(2024, 5, 14, 8, 5, tzinfo=UTC), BERLIN) == "Tue 14 May 2024 at 10:05"


def test_interview_reminders_due_and_expiry():
    start = datetime(2024, 5, 16, 7, 30, tzinfo=UTC)  # 09:30 Berlin
    found = interview_reminders(entry(EntryKind.INTERVIEW, start, alarm=60), BERLIN, "r1",
                                "pairing session")
    tomorrow, soon = found
    assert tomorrow.key == "interview:round:r1:20240516T0730Z:day_before"
    assert tomorrow.due_at == datetime(2024, 5, 15, 16, tzinfo=UTC)
    assert tomorrow.expires_at == soon.due_at == start - timedelta(hours=1)
    assert soon.key.endswith(":hour_before") and soon.expires_at == start
    assert tomorrow.text.startswith("Pairing session for Data Engineer at Lumen Analytics")
    # Not an interview entry: nothing.
    assert interview_reminders(entry(EntryKind.OFFER_DEADLINE, start), BERLIN) == []


def test_thank_you_reminders():
    end_plus_24 = datetime(2024, 5, 14, 13, 30, tzinfo=UTC)
    deadline = entry(EntryKind.THANK_YOU_DEADLINE, end_plus_24, alarm=22 * 60)
    people = [Unthanked("i1", "José Núñez", "Engineering Manager"), Unthanked("i2", "Priya")]
    found = thank_you_reminders(deadline, "r1", is_agency=False, round_title="Technical",
                                unthanked=people)
    assert [w.key for w in found] == ["thanks:round:r1:interviewer:i1",
                                      "thanks:round:r1:interviewer:i2"]
    assert {w.due_at for w in found} == {end_plus_24 - timedelta(hours=22)}
    assert "José Núñez (Engineering Manager)" in found[0].text
    assert all(w.expires_at is None for w in found)
    (agency,) = thank_you_reminders(deadline, "r1", is_agency=True, agency_name="Brightpath",
                                    recruiter_name="Hannah", unthanked=people)
    assert agency.kind == ReminderKind.RECRUITER_UPDATE and "Hannah at Brightpath" in agency.text
    (nobody,) = thank_you_reminders(deadline, "r1", is_agency=False)
    assert nobody.key == "thanks:round:r1:round"


def test_follow_up_reminder():
    day = date(2024, 5, 22)
    follow = entry(EntryKind.FOLLOW_UP, day, all_day=True, alarm=-540, tz="")
    kwargs = {"stage": "awaiting_response", "news_since_round": False,
              "expected": date(2024, 5, 20), "last_email_at": None}
    found = follow_up_reminder(follow, BERLIN, "r1", **kwargs)
    assert found.due_at == datetime(2024, 5, 22, 7, tzinfo=UTC)
    assert "Mon 20 May 2024" in found.text
    assert follow_up_reminder(follow, BERLIN, "r1", **{**kwargs, "stage": "offer"}) is None
    assert follow_up_reminder(follow, BERLIN, "r1",
                              **{**kwargs, "news_since_round": True}) is None
    sent_after = datetime(2024, 5, 19, 22, 30, tzinfo=UTC)  # 00:30 on the 20th in Berlin
    assert follow_up_reminder(follow, BERLIN, "r1",
                              **{**kwargs, "last_email_at": sent_after}) is None
    sent_before = datetime(2024, 5, 19, 21, 30, tzinfo=UTC)
    assert follow_up_reminder(follow, BERLIN, "r1",
                              **{**kwargs, "last_email_at": sent_before}) is not None


def test_offer_reminders_expire_one_after_the_other():
    deadline = datetime(2024, 5, 17, 15, tzinfo=UTC)
    found = offer_reminders(entry(EntryKind.OFFER_DEADLINE, deadline, source_uid="o1"), BERLIN,
                            2)
    assert [(w.due_at, w.expires_at) for w in found] == [
        (deadline - timedelta(hours=48), deadline - timedelta(hours=24)),
        (deadline - timedelta(hours=24), deadline),
    ]
    assert found[0].key == "offer:o1:20240517T1500Z:48h"
    assert "2 other applications are still open" in found[0].text


def test_stall_reminder():
    counts = {"interviewing": 1, "awaiting_response": 2, "applied": 0}
    found = stall_reminder(date(2024, 5, 6), counts, stall_days=7, weekly_goal=3, zone=BERLIN)
    assert found.due_at == datetime(2024, 5, 13, 7, tzinfo=UTC)
    assert found.key == "stall:2024-05-06" and "all 3 open applications" in found.text
    assert "goal is 3 a week" in found.text
    assert stall_reminder(date(2024, 5, 6), {**counts, "applied": 1}, stall_days=7,
                          weekly_goal=3, zone=BERLIN) is None
    assert stall_reminder(date(2024, 5, 6), {"offer": 1}, stall_days=7, weekly_goal=3,
                          zone=BERLIN) is None
    assert stall_reminder(None, counts, stall_days=7, weekly_goal=3, zone=BERLIN) is None
    one = stall_reminder(date(2024, 5, 6), {"interviewing": 1}, stall_days=0, weekly_goal=0,
                         zone=BERLIN)
    assert one.due_at == datetime(2024, 5, 7, 7, tzinfo=UTC)  # at least a day
    assert "the open application is waiting" in one.text and "goal" not in one.text
