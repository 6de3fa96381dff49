"""Every rule of services.applications.prospects pinned: weights, thresholds, reasons,
dates and time frames."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.applications import prospects as outlook
from services.applications.prospects import (
    PLAN,
    SIGNALS,
    SIGNALS_BY_KEY,
    ExpectedResponse,
    Verdict,
    add_business_days,
    assess,
    expected_response,
    timeframe_problem,
)

MONDAY = date(2026, 9, 7)
THURSDAY = date(2026, 9, 10)
FRIDAY = date(2026, 9, 11)
SATURDAY = date(2026, 9, 12)
SUNDAY = date(2026, 9, 13)
MINUS = "\u2212"  # reasons use the typographic minus sign

EXPECTED_WEIGHTS = {
    "explained_next_steps": 2,
    "gave_timeframe": 1,
    "discussed_start_date": 2,
    "asked_references": 2,
    "introduced_colleagues": 1,
    "vague_next_steps": -1,
    "shrugged": -1,
    "avoided_eye_contact": -1,
    "little_say": -1,
}


# -- the signals -------------------------------------------------------------------------------


def test_signal_keys_order_and_weights_are_pinned():
    assert [(s.key, s.weight) for s in SIGNALS] == list(EXPECTED_WEIGHTS.items())
    assert set(SIGNALS_BY_KEY) == set(EXPECTED_WEIGHTS)
    assert outlook.POSITIVE_KEYS == (
        "explained_next_steps", "gave_timeframe", "discussed_start_date", "asked_references",
        "introduced_colleagues")
    assert outlook.NEGATIVE_KEYS == (
        "vague_next_steps", "shrugged", "avoided_eye_contact", "little_say")
    assert all(s.label and s.reason.endswith(".") for s in SIGNALS)


@pytest.mark.parametrize(("key", "weight"), list(EXPECTED_WEIGHTS.items()))
def test_each_signal_alone_scores_its_weight_with_its_sign(key, weight):
    result = assess([key])
    assert result.score == weight
    sign = "+" if weight > 0 else MINUS
    assert result.reasons == (f"{sign}{abs(weight)}  {SIGNALS_BY_KEY[key].reason}",)
    # No single signal is enough to lean either way.
    assert result.verdict == Verdict.UNDECIDED


# -- thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "score", "verdict"),
    [
        (["explained_next_steps", "gave_timeframe"], 3, Verdict.POSITIVE),
        (["explained_next_steps", "asked_references"], 4, Verdict.POSITIVE),
        (["explained_next_steps"], 2, Verdict.UNDECIDED),
        (["gave_timeframe", "introduced_colleagues"], 2, Verdict.UNDECIDED),
        (["gave_timeframe", "shrugged"], 0, Verdict.UNDECIDED),
        (["shrugged"], -1, Verdict.UNDECIDED),
        (["shrugged", "vague_next_steps"], -2, Verdict.NEGATIVE),
        (list(outlook.NEGATIVE_KEYS), -4, Verdict.NEGATIVE),
        (["explained_next_steps", "shrugged", "little_say", "avoided_eye_contact"], -1,
         Verdict.UNDECIDED),
        (list(outlook.POSITIVE_KEYS), 8, Verdict.POSITIVE),
        (list(EXPECTED_WEIGHTS), 4, Verdict.POSITIVE),
    ],
)
def test_thresholds(keys, score, verdict):
    result = assess(keys)
    assert (result.score, result.verdict) == (score, verdict)


def test_threshold_constants():
    assert outlook.POSITIVE_THRESHOLD == 3
    assert outlook.NEGATIVE_THRESHOLD == -2


def test_no_signals_is_undecided_with_no_reasons():
    result = assess([])
    assert result.verdict == Verdict.UNDECIDED
    assert result.score == 0
    assert result.reasons == ()
    assert result.plan == PLAN
    assert result.summary() == "No signals noted yet, so nobody can tell. That is normal."


def test_unknown_keys_are_ignored():
    assert assess(["winked", "", "SHRUGGED"]) == assess([])
    assert assess(["winked", "shrugged"]) == assess(["shrugged"])


def test_duplicates_count_once():
    assert assess(["explained_next_steps"] * 3).score == 2
    assert assess(["explained_next_steps"] * 3).verdict == Verdict.UNDECIDED
    twice = assess(["shrugged", "shrugged", "vague_next_steps", "shrugged"])
    assert twice.score == -2 and len(twice.reasons) == 2


def test_reasons_follow_the_order_of_signals_not_of_input():
    keys = ["little_say", "gave_timeframe", "shrugged", "explained_next_steps"]
    result = assess(reversed(keys))
    assert result.reasons == (
        "+2  They walked you through the next steps in detail.",
        "+1  They gave you a time frame for their answer.",
        f"{MINUS}1  They shrugged off your questions.",
        f"{MINUS}1  The interviewer said they have little say in the decision.",
    )


def test_any_iterable_of_keys_is_read():
    expected = assess(["asked_references", "gave_timeframe"])
    assert assess({"asked_references", "gave_timeframe"}) == expected
    assert assess(k for k in ("gave_timeframe", "asked_references")) == expected


@pytest.mark.parametrize(
    "keys",
    [[], ["winked"], ["shrugged"], ["shrugged", "little_say"], ["asked_references",
                                                                 "gave_timeframe"]],
)
def test_the_plan_is_always_there(keys):
    result = assess(keys)
    assert result.plan == PLAN
    assert any("in writing" in step for step in result.plan)
    assert any("Keep applying" in step for step in result.plan)


def test_summaries_and_labels():
    assert assess(["explained_next_steps", "gave_timeframe"]).summary() == (
        "Leaning positive (score +3), but nobody can tell yet.")
    assert assess(["gave_timeframe", "shrugged"]).summary() == (
        "Undecided (score +0), but nobody can tell yet.")
    assert assess(["shrugged", "little_say"]).summary() == (
        "Leaning negative (score -2), but nobody can tell yet.")
    assert [(v.value, v.label) for v in Verdict] == [
        ("leaning_positive", "Leaning positive"),
        ("undecided", "Undecided"),
        ("leaning_negative", "Leaning negative"),
    ]


def test_closing_phrase_presets_start_with_the_hr_phrase():
    assert outlook.CLOSING_PHRASE_PRESETS[0] == outlook.HR_PHRASE
    assert outlook.HR_PHRASE == "HR will contact you about next steps"


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*EXPECTED_WEIGHTS, "unknown", "other"]), max_size=20))
def test_score_is_the_sum_of_distinct_known_weights(keys):
    known = {k for k in keys if k in EXPECTED_WEIGHTS}
    result = assess(keys)
    assert result.score == sum(EXPECTED_WEIGHTS[k] for k in known)
    assert len(result.reasons) == len(known)
    if not known or -2 < result.score < 3:
        assert result.verdict == Verdict.UNDECIDED
    elif result.score >= 3:
        assert result.verdict == Verdict.POSITIVE
    else:
        assert result.verdict == Verdict.NEGATIVE


# -- business days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (FRIDAY, 1, MONDAY + timedelta(days=7)),
        (SATURDAY, 1, MONDAY + timedelta(days=7)),
        (SUNDAY, 1, MONDAY + timedelta(days=7)),
        (MONDAY, 5, MONDAY + timedelta(days=7)),
        (MONDAY, 0, MONDAY),
        (SATURDAY, 0, SATURDAY),
        (MONDAY, 1, MONDAY + timedelta(days=1)),
        (THURSDAY, 5, THURSDAY + timedelta(days=7)),
        (FRIDAY, 5, FRIDAY + timedelta(days=7)),
        (MONDAY, 10, MONDAY + timedelta(days=14)),
        (SATURDAY, 5, FRIDAY + timedelta(days=7)),
        # Pinned as implemented: a negative count does not go back in time.
        (MONDAY, -3, MONDAY),
    ],
)
def test_add_business_days(start, count, expected):
    assert start.weekday() in range(7)
    assert add_business_days(start, count) == expected


def test_add_business_days_never_lands_on_a_weekend():
    for offset in range(7):
        for count in range(1, 30):
            assert add_business_days(MONDAY + timedelta(days=offset), count).weekday() < 5


# -- expected response -------------------------------------------------------------------------


def test_expected_response_in_business_days():
    assert expected_response(THURSDAY, 5, "business_days") == ExpectedResponse(
        THURSDAY + timedelta(days=7), False, "They said 5 business days.")
    assert expected_response(FRIDAY, 1, "business_days").date == MONDAY + timedelta(days=7)


def test_expected_response_in_calendar_days():
    assert expected_response(THURSDAY, 10, "days") == ExpectedResponse(
        THURSDAY + timedelta(days=10), False, "They said 10 days.")
    # Calendar days may end on a weekend.
    assert expected_response(THURSDAY, 2, "days").date == SATURDAY


def test_expected_response_in_weeks():
    assert expected_response(THURSDAY, 2, "weeks") == ExpectedResponse(
        THURSDAY + timedelta(weeks=2), False, "They said 2 weeks.")


def test_no_time_frame_assumes_ten_business_days():
    assert outlook.DEFAULT_RESPONSE_BUSINESS_DAYS == 10
    result = expected_response(MONDAY, None, None)
    assert result == ExpectedResponse(
        MONDAY + timedelta(days=14), True,
        "No time frame noted, so 10 business days are assumed.")
    # A unit without a number is no time frame either.
    assert expected_response(MONDAY, None, "weeks") == result


def test_no_time_frame_with_a_custom_default():
    result = expected_response(FRIDAY, None, None, default_business_days=3)
    assert result == ExpectedResponse(
        FRIDAY + timedelta(days=5), True, "No time frame noted, so 3 business days are assumed.")


@pytest.mark.parametrize(
    ("value", "unit"),
    [(0, "days"), (-2, "weeks"), (5000, "days"), (53, "weeks"), (263, "business_days"),
     (5, None), (5, "fortnights")],
)
def test_an_unusable_time_frame_falls_back_to_the_default(value, unit):
    result = expected_response(MONDAY, value, unit)
    assert result.assumed is True
    assert result.date == MONDAY + timedelta(days=14)
    custom = expected_response(MONDAY, value, unit, default_business_days=1)
    assert custom.assumed is True and custom.date == MONDAY + timedelta(days=1)


# -- time frame problems -----------------------------------------------------------------------


def test_max_timeframe_days_is_pinned():
    assert outlook.MAX_TIMEFRAME_DAYS == 366


@pytest.mark.parametrize("unit", [None, "days", "weeks", "business_days", "fortnights"])
def test_no_value_is_no_problem(unit):
    assert timeframe_problem(None, unit) is None


@pytest.mark.parametrize("unit", ["days", "business_days", "weeks"])
@pytest.mark.parametrize("value", [0, -1, -400])
def test_zero_or_negative_is_a_problem(value, unit):
    assert timeframe_problem(value, unit) == (
        "A time frame must be at least one day; leave it empty if none was given.")


@pytest.mark.parametrize(
    ("value", "unit"),
    [(1, "days"), (366, "days"), (1, "weeks"), (52, "weeks"), (1, "business_days"),
     (262, "business_days")],
)
def test_up_to_a_year_is_fine(value, unit):
    assert timeframe_problem(value, unit) is None


@pytest.mark.parametrize(
    ("value", "unit", "label"),
    [(367, "days", "days"), (5000, "days", "days"), (53, "weeks", "weeks"),
     (263, "business_days", "business days"), (1000, "business_days", "business days")],
)
def test_more_than_a_year_is_a_problem(value, unit, label):
    assert timeframe_problem(value, unit) == (
        f"{value} {label} is more than a year; check the number (it is counted from the "
        "interview).")


def test_business_day_boundary_is_262():
    # Business days count as value * 7 // 5 calendar days: 262 → 366 (fine), 263 → 368.
    assert 262 * 7 // 5 == 366 and 263 * 7 // 5 == 368
    assert timeframe_problem(262, "business_days") is None
    assert timeframe_problem(263, "business_days") is not None


@pytest.mark.parametrize("unit", [None, "", "fortnights", "Days", "months"])
def test_an_unknown_unit_is_a_problem(unit):
    assert timeframe_problem(5, unit) == (
        "Choose whether the time frame is in days, business days or weeks.")


def test_the_unit_is_checked_before_the_number():
    assert timeframe_problem(0, "fortnights") == (
        "Choose whether the time frame is in days, business days or weeks.")
