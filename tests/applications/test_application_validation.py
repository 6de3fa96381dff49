"""The editor's service refuses bad input: one rule per test (names, emails, channel, stage,
rounds, zones, time frames, signals, interviewers, posting URL), every problem at once."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.application import Application
from services.applications import field_problems, loading, saving, validation
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from services.applications.validation import ValidationError
from tests.applications.editor_samples import full_application, problem_at, valid_data, with_round


def test_valid_data_has_no_problems():
    assert validation.validate(full_application()) == {}
    assert validation.validate(valid_data()) == {}


@pytest.mark.parametrize("field", ["company", "role"])
@pytest.mark.parametrize("value", ["", "   \t\n"])
def test_company_and_role_are_required(field, value):
    data = valid_data()
    setattr(data, field, value)
    sentence = problem_at(data, field)
    assert "Enter the" in sentence and sentence.endswith(".")
    assert data.__dict__[field] == value  # validation never changes the input


@pytest.mark.parametrize("field", ["recruiter_email", "contact_email"])
def test_bad_email_is_refused_for_each_address_field(field):
    data = valid_data(**{field: "bob@example"})
    assert problem_at(data, field) == (
        "“bob@example” is not a complete email address; it needs a domain such as example.com.")


def test_bad_interviewer_email_has_its_path():
    data = with_round(interviewers=[InterviewerData(name="Bob", email="bob at example.com")])
    assert "space" in problem_at(data, "rounds[0].interviewers[0].email")


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("bob@example", "needs a domain such as example.com"),
        ("bob", "needs an @"),
        ("bob.example.com", "needs an @"),
        ("a@b@example.com", "more than one @"),
        ("@example.com", "missing the name before the @"),
        ("bob@", "needs a domain"),
        ("bob@example..com", "empty part in its domain"),
        ("bob@.example.com", "empty part in its domain"),
        ("bob@example.com.", "empty part in its domain"),
        ("Bob <bob@example.com>", "without a name or angle brackets"),
        ("<bob@example.com>", "without a name or angle brackets"),
        ("bob smith@example.com", "contains a space"),
        ("bob@example.com, ann@example.com", "contains a space"),
        ("bob@example.com,ann@example.com", "one email address only"),
        ("bob@example.com;ann@example.com", "one email address only"),
        ('"bob"@example.com', "cannot have before the @"),
        ("bob..smith@example.com", "misplaced dot"),
        (".bob@example.com", "misplaced dot"),
        ("bob@exa_mple.com", "characters a domain cannot contain"),
        ("bob@-example.com", "characters a domain cannot contain"),
    ],
)
def test_invalid_email_addresses_are_explained(address, words):
    sentence = field_problems.email_problem(address)
    assert sentence is not None and words in sentence, sentence
    assert sentence.endswith(".")


@pytest.mark.parametrize(
    "address",
    ["bob@example.com", "bob.smith+jobs@mail.example.co.uk", "  padded@example.com  ",
     "o'neil@example.ie", "josé@exämple.de", "", "   ", None],
)
def test_valid_or_empty_email_addresses_pass(address):
    assert field_problems.email_problem(address) is None


@pytest.mark.parametrize(
    "address",
    ["bob@example.com\r\nBcc: x@y.z", "bob@example.com\n", "\rbob@example.com",
     "bob@exa\x00mple.com", "bob@example.com\x7f", "bob\t@example.com"],
)
def test_control_characters_are_refused_as_header_injection(address):
    data = valid_data(recruiter_email=address)
    sentence = problem_at(data, "recruiter_email")
    assert "control character" in sentence
    assert "Bcc" not in sentence  # the injected text is not echoed back
    with pytest.raises(ValidationError):
        saving.save(data)


def test_channel_must_be_known():
    assert "staffing agency" in problem_at(valid_data(channel="referral"), "channel")


def test_agency_channel_needs_the_agency_name():
    sentence = problem_at(valid_data(channel="agency", agency_name="   "), "agency_name")
    assert "agency's name" in sentence
    assert validation.validate(valid_data(channel="agency", agency_name="Brightpath")) == {}
    assert validation.validate(valid_data(channel="direct", agency_name="")) == {}


def test_stage_must_be_known():
    assert "“hired” is not a stage" in problem_at(valid_data(stage="hired"), "stage")


@pytest.mark.parametrize("minutes", [0, -30])
def test_a_round_ending_before_it_starts_is_refused(minutes):
    sentence = problem_at(with_round(duration_minutes=minutes), "rounds[0].duration_minutes")
    assert "ends before it starts" in sentence


def test_a_round_longer_than_a_day_is_refused():
    assert validation.validate(with_round(duration_minutes=24 * 60)) == {}
    sentence = problem_at(with_round(duration_minutes=24 * 60 + 1), "rounds[0].duration_minutes")
    assert "more than 24 hours" in sentence


@pytest.mark.parametrize("minutes", ["60", 1.5, None, True])
def test_duration_must_be_a_whole_number(minutes):
    assert "whole number" in problem_at(with_round(duration_minutes=minutes),
                                        "rounds[0].duration_minutes")


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", "europe/berlin", " UTC", "America", "../etc/passwd",
             "/etc/localtime", "Europe/Berlin\x00", "localtime", None],
)
def test_time_zone_must_be_an_iana_name(zone):
    sentence = problem_at(with_round(tz_name=zone), "rounds[0].tz_name")
    assert "not a time zone" in sentence and "Europe/Berlin" in sentence


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_known_zones_pass(zone):
    assert validation.validate(with_round(tz_name=zone)) == {}


def test_start_must_be_timezone_aware():
    naive = with_round(starts_at=datetime(2026, 9, 10, 14, 0), tz_name="Europe/Berlin")
    assert "no time zone" in problem_at(naive, "rounds[0].starts_at")
    assert "date and time" in problem_at(with_round(starts_at=date(2026, 9, 10)),
                                         "rounds[0].starts_at")


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (0, "days", "at least one day"),
        (-3, "business_days", "at least one day"),
        (5000, "days", "more than a year"),
        (53, "weeks", "more than a year"),
        (5, None, "days, business days or weeks"),
        (5, "fortnights", "days, business days or weeks"),
        ("5", "days", "whole number"),
        (2.5, "weeks", "whole number"),
    ],
)
def test_time_frame_problems(value, unit, words):
    data = with_round(timeframe_value=value, timeframe_unit=unit)
    assert words in problem_at(data, "rounds[0].timeframe_value")


def test_usable_time_frames_pass():
    for value, unit in [(None, None), (None, "weeks"), (1, "days"), (366, "days"),
                        (52, "weeks"), (10, "business_days")]:
        assert validation.validate(with_round(timeframe_value=value,
                                                timeframe_unit=unit)) == {}


def test_signal_keys_must_be_known():
    sentence = problem_at(with_round(signals={"shrugged", "winked"}), "rounds[0].signals")
    assert "“winked” is not a signal" in sentence and "shrugged" not in sentence


def test_an_interviewer_with_details_needs_a_name():
    data = with_round(interviewers=[InterviewerData(name="Ann"),
                                     InterviewerData(title="CTO", email="cto@acme.example")])
    sentence = problem_at(data, "rounds[0].interviewers[1].name")
    assert "needs a name" in sentence
    assert "rounds[0].interviewers[0].name" not in validation.validate(data)


def test_an_entirely_empty_interviewer_is_not_an_error_and_is_dropped(store):
    data = with_round(interviewers=[InterviewerData(), InterviewerData(name="Ann"),
                                     InterviewerData(name=" ", discussed="\n")])
    assert validation.validate(data) == {}
    loaded = loading.load(saving.save(data))
    assert [p.name for p in loaded.rounds[0].interviewers] == ["Ann"]


@pytest.mark.parametrize(
    "url", ["www.example.com/job", "ftp://example.com/job", "javascript:alert(1)",
            "https://", "https://exa mple.com", "mailto:hr@example.com"],
)
def test_posting_url_must_be_a_web_address(url):
    assert "https://" in problem_at(valid_data(posting_url=url), "posting_url")


@pytest.mark.parametrize("url", ["", "http://example.com", "https://example.com/a?b=c#d",
                                 "HTTPS://EXAMPLE.COM/JOB"])
def test_good_posting_urls_pass(url):
    assert validation.validate(valid_data(posting_url=url)) == {}


def test_every_problem_is_reported_at_once_and_nothing_is_saved(store):
    data = ApplicationData(
        company="", role="", channel="agency", recruiter_email="x@", stage="?",
        rounds=[RoundData(duration_minutes=0, tz_name="Nowhere", timeframe_value=0,
                          timeframe_unit="days", interviewers=[InterviewerData(title="CTO")])],
    )
    before = copy.deepcopy(data)
    with pytest.raises(ValidationError) as caught:
        saving.save(data)
    problems = caught.value.problems
    assert set(problems) == {
        "company", "role", "agency_name", "recruiter_email", "stage",
        "rounds[0].duration_minutes", "rounds[0].tz_name", "rounds[0].timeframe_value",
        "rounds[0].interviewers[0].name",
    }
    assert str(caught.value) == next(iter(problems.values()))
    assert all(len(s) > 20 and s.endswith(".") for s in problems.values())
    assert data == before
    assert Application.select().count() == 0


def test_bad_inputs_are_refused_with_their_paths(store):
    cases = {
        "recruiter_email": valid_data(recruiter_email="bob@example"),
        "rounds[0].duration_minutes": with_round(duration_minutes=-15),
        "rounds[0].timeframe_value": with_round(timeframe_value=0, timeframe_unit="days"),
    }
    cases_5000 = with_round(timeframe_value=5000, timeframe_unit="days")
    for path, data in [*cases.items(), ("rounds[0].timeframe_value", cases_5000)]:
        with pytest.raises(ValidationError) as caught:
            saving.save(data)
        assert list(caught.value.problems) == [path]
    assert Application.select().count() == 0


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_email_problem_never_crashes(text):
    result = field_problems.email_problem(text)
    assert result is None or result.endswith(".")
    if result is None and text.strip():
        assert text.strip().count("@") == 1
