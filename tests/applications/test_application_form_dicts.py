"""Keeping unsaved forms: ApplicationData to a JSON-ready dict and back (wall time and fold
around DST changes, unknown keys, invalid forms) exactly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.applications import editor_data, loading, saving
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from tests.applications.editor_samples import BERLIN, NEW_YORK, full_application, with_round


def test_to_dict_and_from_dict_round_trip_through_json(store):
    data = loading.load(saving.save(full_application()))
    encoded = json.dumps(editor_data.to_dict(data))
    back = editor_data.from_dict(json.loads(encoded))
    assert back == data
    assert back.rounds[0].starts_at.tzinfo == NEW_YORK
    assert isinstance(back.rounds[0].signals, set)
    assert json.loads(encoded)["rounds"][1]["signals"] == sorted(data.rounds[1].signals)
    assert json.loads(encoded)["applied_on"] == "2026-08-10"


def test_unsaved_and_invalid_forms_round_trip_too():
    data = full_application()
    data.company = ""
    data.rounds[0].starts_at = datetime(2026, 9, 10, 14, 0)  # naive: not valid, still kept
    data.rounds[1].tz_name = "Nowhere/Special"
    data.rounds[1].duration_minutes = -5
    data.rounds[1].signals = {"winked"}
    back = editor_data.from_dict(json.loads(json.dumps(editor_data.to_dict(data))))
    assert back == data
    assert back.rounds[0].starts_at.tzinfo is None
    assert editor_data.from_dict(editor_data.to_dict(ApplicationData())) == ApplicationData()


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize(
    "wall", [datetime(2026, 3, 8, 2, 30), datetime(2026, 11, 1, 1, 30)],
    ids=["in the spring-forward gap", "in the fall-back fold"],
)
@pytest.mark.parametrize("tz_name", ["America/New_York", "UTC"])
def test_to_dict_keeps_wall_time_and_fold_around_dst_changes(wall, fold, tz_name):
    start = wall.replace(tzinfo=NEW_YORK, fold=fold)
    data = with_round(starts_at=start, tz_name=tz_name)
    encoded = editor_data.to_dict(data)
    assert encoded["rounds"][0]["starts_at_zone"] == "America/New_York"
    assert datetime.fromisoformat(encoded["rounds"][0]["starts_at"]) == start.astimezone(UTC)
    back = editor_data.from_dict(json.loads(json.dumps(encoded)))
    assert back == data
    got = back.rounds[0].starts_at
    assert (got.replace(tzinfo=None), got.fold, got.tzinfo) == (wall, fold, NEW_YORK)


def test_from_dict_tolerates_missing_and_unknown_keys():
    back = editor_data.from_dict(
        {"company": "Acme", "future_field": 1, "rounds": [{"title": "R", "extra": True}]})
    assert back == ApplicationData(company="Acme", rounds=[RoundData(title="R")])


_texts = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    company=_texts, notes=_texts, name=_texts,
    signals=st.sets(st.sampled_from(["shrugged", "gave_timeframe", "anything"])),
    start=st.none() | st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
        timezones=st.sampled_from([UTC, BERLIN, NEW_YORK])),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Bad/Zone"]),
    value=st.none() | st.integers(-10, 10_000),
)
def test_to_dict_from_dict_round_trip_property(company, notes, name, signals, start, zone, value):
    data = ApplicationData(company=company, notes=notes, applied_on=date(2026, 1, 2), rounds=[
        RoundData(starts_at=start, tz_name=zone, signals=signals, timeframe_value=value,
                  timeframe_unit="days", interviewers=[InterviewerData(name=name)])])
    encoded = json.dumps(editor_data.to_dict(data))
    assert editor_data.from_dict(json.loads(encoded)) == data
