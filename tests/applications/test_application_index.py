"""The application list's data: folding, search, filters, sorting, dates, load_first, updates."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.values import OPEN_STAGES, Stage
from services.applications.index import (
    COLUMNS,
    STAGE_ORDER,
    ApplicationIndex,
    Column,
    ListRow,
    fold,
)
from services.applications.prospects import Verdict, add_business_days
from tests.conftest import ROOT, subprocess_env

#: A Tuesday, noon UTC.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


# --- helpers --------------------------------------------------------------------------------


def _app(company: str, role: str = "Data Engineer", stage: str = "applied", **extra):
    from models.application import Application

    return Application.create(company=company, role=role, stage=stage, **extra)


def _round(app, starts_at: datetime | None, *, tz_name: str = "UTC", cancelled: bool = False,
           value: int | None = None, unit: str | None = None,
           interviewers: tuple[str, ...] = (), signals: tuple[str, ...] = ()):
    from models.interview import Interviewer, InterviewRound, RoundSignal

    rnd = InterviewRound.create(application=app, starts_at=starts_at, tz_name=tz_name,
                                cancelled=cancelled, timeframe_value=value,
                                timeframe_unit=unit, asked_timeframe=value is not None)
    for position, name in enumerate(interviewers):
        Interviewer.create(round=rnd, name=name, position=position)
    for signal in signals:
        RoundSignal.create(round=rnd, signal=signal)
    return rnd


def _connect(store) -> sqlite3.Connection:
    return sqlite3.connect(str(store.paths.database))


def _load(store, now: datetime = NOW, **kwargs) -> ApplicationIndex:
    with closing(_connect(store)) as con:
        return ApplicationIndex.load(con, now, **kwargs)


def _ids(index: ApplicationIndex) -> list[int]:
    return [row.id for row in index.visible]


def _companies(index: ApplicationIndex) -> list[str]:
    return [row.company for row in index.visible]


# --- the columns ----------------------------------------------------------------------------


def test_columns_are_the_ones_the_table_shows():
    assert [(c.key, c.header) for c in COLUMNS] == [
        ("company", "Company"), ("role", "Role"), ("stage", "Stage"),
        ("last_interview", "Last interview"), ("next_interview", "Next interview"),
        ("expected_response", "Expected response"), ("outlook", "Outlook"),
        ("channel", "Channel"),
    ]
    assert isinstance(COLUMNS[0], Column)


# --- folding --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "folded"), [
    ("José Núñez", "jose nunez"),
    ("Łódź", "lodz"),
    ("Straße", "strasse"),
    ("ÆON", "aeon"),
    ("Œuvre", "oeuvre"),
    ("Ødegaard Søren", "odegaard soren"),
    ("Đorđe", "dorde"),
    ("Yılmaz", "yilmaz"),
    ("ÉCOLE Zürich", "ecole zurich"),
    ("e\u0301te\u0301", "ete"),  # already decomposed
    ("ﬁnance", "finance"),  # compatibility ligature
    ("ＡＢＣ", "abc"),  # full width
    ("Plain ASCII", "plain ascii"),
    ("Ωμέγα", "ωμεγα"),
    ("O’Brien — “Ltd”", "o'brien - \"ltd\""),  # typographic punctuation as typed
    ("東京", "東京"),
    ("", ""),
])
def test_fold_examples(text, folded):
    assert fold(text) == folded


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), st.text(max_size=20))
def test_fold_works_character_by_character(first, second):
    # The index relies on it: the company's key is the start of the search key.
    assert fold(first + "\n" + second) == fold(first) + "\n" + fold(second)


# --- search ---------------------------------------------------------------------------------


def test_interviewer_name_is_found_without_accents(store):
    app = _app("Lumen Analytics")
    _app("Northwind Logistics")
    _round(app, NOW - timedelta(days=3), interviewers=("José Núñez", "Greta Brandt"))
    index = _load(store)
    for text in ("jose nunez", "JOSÉ", "núñez", "nunez jose", "  jose   "):
        index.set_filter(text)
        assert _ids(index) == [app.id], text
    index.set_filter("jose greta")  # two interviewers of the same application
    assert _ids(index) == [app.id]


@pytest.mark.parametrize(("field", "value", "query"), [
    ("company", "Café Müller", "cafe muller"),
    ("role", "Backend Developer (Python)", "python"),
    ("notes", "Referred by a former colleague", "colleague"),
    ("agency_name", "Recrutement Étoile", "etoile"),
    ("recruiter_name", "Siobhán O'Brien", "siobhan"),
    ("contact_name", "Małgorzata Kowalski", "malgorzata"),
])
def test_search_covers_every_searchable_field(store, field, value, query):
    values = {"company": "Other Company", field: value}
    if field in ("agency_name", "recruiter_name"):
        values["channel"] = "agency"
    wanted = _app(**values)
    _app("Northwind Logistics", role="QA Engineer", notes="nothing here")
    index = _load(store)
    index.set_filter(query)
    assert _ids(index) == [wanted.id]


def test_every_word_must_match(store):
    both = _app("Lumen Analytics", role="Data Engineer")
    _app("Lumen Analytics", role="Product Manager")
    _app("Kestrel Labs", role="Data Engineer")
    index = _load(store)
    index.set_filter("lumen data")
    assert _ids(index) == [both.id]
    index.set_filter("data lumen")
    assert _ids(index) == [both.id]
    index.set_filter("lumen nothing")
    assert index.visible == []


def test_stage_filter_and_open(store):
    offer = _app("A", stage="offer")
    applied = _app("B", stage="applied")
    rejected = _app("C", stage="rejected")
    _app("D", stage="no_response")
    index = _load(store)
    index.set_filter("", "rejected")
    assert _ids(index) == [rejected.id]
    index.set_filter("", "open")
    assert _ids(index) == [offer.id, applied.id]
    assert all(Stage(row.stage) in OPEN_STAGES for row in index.visible)
    index.set_filter("b", "open")
    assert _ids(index) == [applied.id]
    index.set_filter("", None)
    assert len(index.visible) == 4
    index.set_filter("", "")  # an empty choice means any stage
    assert len(index.visible) == 4 and index.stage_filter is None
    assert index.filter_text == ""


def test_backspace_returns_the_earlier_result(store):
    for company in ("Lumen", "Lumos", "Lux", "Kestrel"):
        _app(company)
    index = _load(store)
    index.set_filter("lu")
    after_lu = index.visible
    index.set_filter("lum")
    assert _companies(index) == ["Lumen", "Lumos"]
    index.set_filter("lu")
    assert index.visible is after_lu  # from the stack, not filtered again
    index.set_filter("")
    assert len(index.visible) == 4


# --- incremental filtering equals filtering from scratch (property) --------------------------

_ALPHABET = "abcé ø"
_WORDS = st.text(alphabet="abcéeøo ", max_size=12)
_STAGES = [stage.value for stage in Stage]
_INSTANTS = st.none() | st.integers(0, 50).map(lambda h: NOW + timedelta(hours=h - 25))

_ROWS = st.lists(
    st.tuples(st.text(alphabet="aAbBé", max_size=4), _WORDS, st.sampled_from(_STAGES),
              _INSTANTS, st.none() | st.sampled_from(list(Verdict)), st.booleans()),
    max_size=25,
)
_ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.sampled_from(_ALPHABET)),
        st.tuples(st.just("backspace"), st.just(None)),
        st.tuples(st.just("clear"), st.just(None)),
        st.tuples(st.just("stage"), st.sampled_from([None, "open", *_STAGES[:4], "rejected"])),
        st.tuples(st.just("sort"), st.tuples(st.sampled_from([c.key for c in COLUMNS]),
                                              st.booleans())),
    ),
    max_size=40,
)


def _make_rows(specs) -> list[ListRow]:
    rows = []
    for number, (company, words, stage, when, verdict, agency) in enumerate(specs, start=1):
        rows.append(ListRow(
            number, company, words[:3], stage, is_agency=agency,
            agency_name="Hays" if agency else "", last_interview=when,
            next_interview=None if when is None else when + timedelta(days=1),
            expected_response=None if when is None else when.date(), outlook=verdict,
            search_key=fold(f"{company}\n{words}"),
        ))
    return rows


def _reference(rows, text, stage, column, descending) -> list[int]:
    """The naive definition: sort everything, then keep rows containing every word."""
    default = sorted(rows, key=lambda r: (STAGE_ORDER.index(Stage(r.stage)), fold(r.company),
                                          r.id))
    ordered = sorted(default, key=lambda r: r.sort_key(column), reverse=descending)
    allowed = None if not stage else (
        {s.value for s in OPEN_STAGES} if stage == "open" else {stage})
    tokens = fold(text).split()
    return [r.id for r in ordered
            if (allowed is None or r.stage in allowed)
            and all(token in r.search_key for token in tokens)]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_ROWS, _ACTIONS)
def test_incremental_filtering_matches_filtering_from_scratch(specs, actions):
    rows = _make_rows(specs)
    index = ApplicationIndex(rows)
    text, stage, column, descending = "", None, "stage", False
    assert _ids(index) == _reference(rows, text, stage, column, descending)
    for action, value in actions:
        if action == "type":
            text += value
        elif action == "backspace":
            text = text[:-1]
        elif action == "clear":
            text = ""
        elif action == "stage":
            stage = value
        if action == "sort":
            column, descending = value
            index.sort_by(column, descending)
        else:
            index.set_filter(text, stage)
        assert _ids(index) == _reference(rows, text, stage, column, descending), (
            action, value, text, stage, column, descending)
        for position, row in enumerate(index.visible):
            assert index.position_of(row.id) == position


# --- sorting --------------------------------------------------------------------------------


def test_default_order_is_the_pipeline_then_company(store):
    # Created in reverse so that id order is no help.
    for stage in reversed(STAGE_ORDER):
        _app(f"Zeta {stage.value}", stage=stage.value)
        _app(f"Alpha {stage.value}", stage=stage.value)
    index = _load(store)
    assert [row.stage for row in index.visible[::2]] == [s.value for s in STAGE_ORDER]
    assert [Stage(s) for s in (
        "offer", "interviewing", "awaiting_response", "applied", "accepted", "declined",
        "rejected", "withdrawn", "no_response")] == list(STAGE_ORDER)
    assert all(row.company.startswith("Alpha") for row in index.visible[::2])
    assert (index.sort_column, index.descending) == ("stage", False)


def test_company_sorts_by_folded_text_then_id(store):
    names = ["zeta", "Über Retail", "Ærø Labs", "apple", "Éclair", "Øresund", "Apple"]
    created = {name: _app(name).id for name in names}
    index = _load(store)
    index.sort_by("company")
    assert _companies(index) == ["Ærø Labs", "apple", "Apple", "Éclair", "Øresund",
                                 "Über Retail", "zeta"]
    assert created["apple"] < created["Apple"]  # the tie keeps id order
    index.sort_by("company", True)
    assert _companies(index) == ["zeta", "Über Retail", "Øresund", "Éclair", "apple",
                                 "Apple", "Ærø Labs"]


def _sortable_data():
    """Applications with every column filled for some and empty for others."""
    a = _app("Alder", role="Staff Engineer", stage="interviewing", channel="agency",
             agency_name="Hays Tech")
    _round(a, NOW - timedelta(days=2), signals=("explained_next_steps", "asked_references"))
    _round(a, NOW + timedelta(days=5))
    b = _app("Basalt", role="analyst", stage="awaiting_response")
    _round(b, NOW - timedelta(days=9), value=2, unit="weeks",
           signals=("vague_next_steps", "shrugged"))
    c = _app("Cobalt", role="Designer", stage="offer", channel="agency",
             agency_name="Brightpath Talent")
    _round(c, NOW - timedelta(days=20))
    _round(c, NOW + timedelta(days=1))
    _app("Driftwood", role="Écrivain", stage="applied")
    e = _app("Evergreen", role="zoologist", stage="rejected")
    _round(e, NOW - timedelta(days=30))


@pytest.mark.parametrize("column", [column.key for column in COLUMNS])
def test_sort_by_every_column_both_ways(store, column):
    _sortable_data()
    index = _load(store)
    index.sort_by(column)
    assert (index.sort_column, index.descending) == (column, False)
    keys = [row.sort_key(column) for row in index.visible]
    assert keys == sorted(keys)
    values = [getattr(row, column, "x") for row in index.visible]
    missing = [value is None for value in values]
    assert missing == sorted(missing), "missing values sort last in ascending order"
    ascending = _ids(index)
    index.sort_by(column, descending=True)
    keys = [row.sort_key(column) for row in index.visible]
    assert keys == sorted(keys, reverse=True)
    assert sorted(_ids(index)) == sorted(ascending)
    index.sort_by("stage")
    assert _companies(index) == ["Cobalt", "Alder", "Basalt", "Driftwood", "Evergreen"]


def test_sorting_examples(store):
    _sortable_data()
    index = _load(store)
    index.sort_by("role")
    assert [row.role for row in index.visible] == [
        "analyst", "Designer", "Écrivain", "Staff Engineer", "zoologist"]
    index.sort_by("next_interview")
    assert _companies(index)[:2] == ["Cobalt", "Alder"]
    index.sort_by("last_interview", True)
    assert _companies(index) == ["Driftwood", "Alder", "Basalt", "Cobalt", "Evergreen"]
    index.sort_by("outlook")
    assert [row.outlook for row in index.visible] == [
        Verdict.POSITIVE, Verdict.UNDECIDED, Verdict.UNDECIDED, Verdict.NEGATIVE, None]
    index.sort_by("channel")
    assert [row.display("channel", UTC_ZONE) for row in index.visible] == [
        "Agency · Brightpath Talent", "Agency · Hays Tech", "Direct", "Direct", "Direct"]


def test_sort_keeps_the_filter_and_ties_keep_the_default_order(store):
    for company, stage in (("Lumen B", "applied"), ("Lumen A", "applied"),
                           ("Lumen C", "offer"), ("Kestrel", "applied")):
        _app(company, role="Same Role", stage=stage)
    index = _load(store)
    index.set_filter("lumen")
    index.sort_by("role")
    assert _companies(index) == ["Lumen C", "Lumen A", "Lumen B"]
    index.sort_by("role", True)
    assert _companies(index) == ["Lumen C", "Lumen A", "Lumen B"]
    with pytest.raises(ValueError):
        index.sort_by("salary")


def test_texts_equal_once_folded_tie_in_default_order():
    rows = [ListRow(1, "Zeta", "øb", "rejected"), ListRow(2, "Alpha", "ob", "offer"),
            ListRow(3, "Mid", "Ob", "applied", is_agency=True, agency_name="Øresund"),
            ListRow(4, "Beta", "OB", "offer", is_agency=True, agency_name="oresund")]
    index = ApplicationIndex(rows)
    index.sort_by("role")
    assert _ids(index) == [2, 4, 3, 1]
    index.sort_by("role", True)
    assert _ids(index) == [2, 4, 3, 1]
    index.sort_by("channel")
    assert _ids(index) == [4, 3, 2, 1]


# --- dates, expected response, outlook -------------------------------------------------------


def test_last_and_next_interview_relative_to_now(store):
    app = _app("Lumen", stage="interviewing")
    _round(app, NOW - timedelta(days=10))
    _round(app, NOW - timedelta(days=2))
    _round(app, NOW - timedelta(hours=1), cancelled=True)
    _round(app, NOW + timedelta(hours=2), cancelled=True)
    _round(app, NOW + timedelta(days=3))
    _round(app, NOW + timedelta(days=9))
    _round(app, None)  # not scheduled yet
    at_now = _app("Exactly now", stage="interviewing")
    _round(at_now, NOW)
    nothing = _app("No rounds")
    index = _load(store)
    row = index.row(app.id)
    assert row.last_interview == NOW - timedelta(days=2)
    assert row.next_interview == NOW + timedelta(days=3)
    assert row.last_interview.tzinfo is not None
    assert index.row(at_now.id).last_interview == NOW
    assert index.row(at_now.id).next_interview is None
    empty = index.row(nothing.id)
    assert (empty.last_interview, empty.next_interview, empty.expected_response,
            empty.outlook) == (None, None, None, None)
    later = _load(store, NOW + timedelta(days=4))
    assert later.row(app.id).last_interview == NOW + timedelta(days=3)
    assert later.row(app.id).next_interview == NOW + timedelta(days=9)


def test_expected_response_uses_the_latest_past_round(store):
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    business = _app("Business days", stage="awaiting_response")
    _round(business, friday - timedelta(days=14), value=1, unit="days")
    _round(business, friday, value=3, unit="business_days")
    _round(business, NOW + timedelta(days=1), value=1, unit="days")  # future: ignored
    weeks = _app("Weeks", stage="interviewing")
    _round(weeks, friday, value=2, unit="weeks")
    days = _app("Days", stage="offer")
    _round(days, friday, value=5, unit="days")
    default = _app("Default", stage="interviewing")
    _round(default, friday)
    closed = {stage: _app(f"Closed {stage}", stage=stage) for stage in (
        "accepted", "declined", "rejected", "withdrawn", "no_response")}
    for app in closed.values():
        _round(app, friday, value=3, unit="days")
    index = _load(store)
    assert index.row(business.id).expected_response == date(2026, 11, 25)
    assert index.row(weeks.id).expected_response == date(2026, 12, 4)
    assert index.row(days.id).expected_response == date(2026, 11, 25)
    assert index.row(default.id).expected_response == add_business_days(date(2026, 11, 20), 10)
    for app in closed.values():
        assert index.row(app.id).expected_response is None
        assert index.row(app.id).last_interview == friday
    shorter = _load(store, default_business_days=2)
    assert shorter.row(default.id).expected_response == date(2026, 11, 24)
    assert shorter.default_business_days == 2


def test_expected_response_counts_from_the_day_in_the_rounds_zone(store):
    app = _app("Tokyo", stage="awaiting_response")
    # Friday 23:30 UTC is already Saturday morning in Tokyo.
    _round(app, datetime(2026, 11, 20, 23, 30, tzinfo=UTC), tz_name="Asia/Tokyo",
           value=1, unit="days")
    odd = _app("Unknown zone", stage="awaiting_response")
    _round(odd, datetime(2026, 11, 20, 23, 30, tzinfo=UTC), tz_name="Mars/Olympus",
           value=1, unit="days")
    index = _load(store)
    assert index.row(app.id).expected_response == date(2026, 11, 22)
    assert index.row(odd.id).expected_response == date(2026, 11, 21)


def test_outlook_comes_from_the_latest_past_round(store):
    app = _app("Lumen", stage="awaiting_response")
    _round(app, NOW - timedelta(days=10), signals=("explained_next_steps", "asked_references"))
    _round(app, NOW - timedelta(days=1), signals=("vague_next_steps", "shrugged"))
    _round(app, NOW + timedelta(days=1), signals=("discussed_start_date", "asked_references"))
    positive = _app("Kestrel", stage="rejected")
    _round(positive, NOW - timedelta(days=1),
           signals=("discussed_start_date", "asked_references"))
    quiet = _app("Quiet", stage="interviewing")
    _round(quiet, NOW - timedelta(days=1))
    future_only = _app("Future", stage="interviewing")
    _round(future_only, NOW + timedelta(days=1), signals=("asked_references",))
    index = _load(store)
    assert index.row(app.id).outlook is Verdict.NEGATIVE
    assert index.row(positive.id).outlook is Verdict.POSITIVE  # closed stages keep it
    assert index.row(quiet.id).outlook is Verdict.UNDECIDED
    assert index.row(future_only.id).outlook is None


# --- display --------------------------------------------------------------------------------


def test_display_formats_in_the_given_zone(store):
    app = _app("Lumen", role="Data Engineer", stage="awaiting_response", channel="agency",
               agency_name="Hays Tech")
    _round(app, datetime(2026, 11, 23, 23, 30, tzinfo=UTC), value=1, unit="days",
           signals=("explained_next_steps", "asked_references"))
    _round(app, datetime(2026, 11, 24, 14, 0, tzinfo=UTC))
    direct = _app("Kestrel")
    row = _load(store).row(app.id)
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
    other = _load(store).row(direct.id)
    assert [other.display(c.key, UTC_ZONE) for c in COLUMNS] == [
        "Kestrel", "Data Engineer", "Applied", "", "", "", "", "Direct"]
    assert other.display("last_interview", UTC_ZONE) == ""


# --- load_first -----------------------------------------------------------------------------


def _many(count: int) -> None:
    companies = ["Über", "zeta", "Ærø", "apple", "Éclair", "Lumen", "lumen", "Øresund"]
    stages = [s.value for s in Stage]
    for number in range(count):
        app = _app(f"{companies[number % len(companies)]} {number % 3}",
                   stage=stages[(number * 7) % len(stages)])
        if number % 4 == 0:
            _round(app, NOW - timedelta(days=number % 5 + 1), interviewers=("José Núñez",),
                   signals=("asked_references",))
            _round(app, NOW + timedelta(days=number % 3 + 1))


@pytest.mark.parametrize("limit", [1, 5, 13, 40, 100])
def test_load_first_gives_the_first_rows_of_load(store, limit):
    _many(60)
    with closing(_connect(store)) as con:
        con.execute("INSERT INTO application (uid, company, role, posting_url, channel, "
                    "agency_name, recruiter_name, recruiter_email, contact_name, "
                    "contact_email, stage, salary_notes, notes, created_at, updated_at) "
                    "VALUES ('x', 'From the future', 'r', '', 'direct', '', '', '', '', '', "
                    "'on_hold', '', '', '2026-01-01T00:00:00+00:00', "
                    "'2026-01-01T00:00:00+00:00')")
        con.commit()
        first = ApplicationIndex.load_first(con, NOW, limit)
        full = ApplicationIndex.load(con, NOW)
    assert first.complete is False and full.complete is True
    assert first.total == full.total == 61 == len(full.visible)
    assert _ids(first) == _ids(full)[:limit]
    for mine, theirs in zip(first.visible, full.visible, strict=False):
        for column in COLUMNS:
            assert mine.display(column.key, UTC_ZONE) == theirs.display(column.key, UTC_ZONE)
        assert mine.search_key == theirs.search_key
    assert full.visible[-1].company == "From the future"  # an unknown stage comes last
    assert full.visible[-1].stage_label == "On hold"


def test_load_first_on_an_empty_database(store):
    with closing(_connect(store)) as con:
        first = ApplicationIndex.load_first(con, NOW, 60)
    assert (first.visible, first.total, first.complete) == ([], 0, False)


def test_load_refuses_a_naive_now(store):
    _app("Lumen")
    with closing(_connect(store)) as con, pytest.raises(ValueError):
        ApplicationIndex.load(con, datetime(2026, 11, 24, 12, 0))


# --- upsert and remove ----------------------------------------------------------------------


def test_upsert_and_remove_keep_filter_and_sort(store):
    from models.application import Application

    apps = {name: _app(name, role=role) for name, role in (
        ("Lumen Labs", "Engineer"), ("Lumen Health", "Analyst"), ("Kestrel", "Engineer"),
        ("Lumen Data", "Designer"))}
    index = _load(store)
    index.sort_by("role", descending=True)
    index.set_filter("lumen")
    assert _companies(index) == ["Lumen Labs", "Lumen Data", "Lumen Health"]

    def check_against_fresh_load():
        fresh = _load(store)
        fresh.sort_by("role", descending=True)
        fresh.set_filter("lumen")
        assert _ids(index) == _ids(fresh)
        assert index.total == fresh.total

    kestrel = apps["Kestrel"]
    Application.update(company="Lumen Kestrel", role="Zookeeper").where(
        Application.id == kestrel.id).execute()
    with closing(_connect(store)) as con:
        index.upsert(con, kestrel.id, NOW)
    assert _companies(index)[0] == "Lumen Kestrel"
    assert index.position_of(kestrel.id) == 0
    assert (index.sort_column, index.descending, index.filter_text) == ("role", True, "lumen")
    check_against_fresh_load()

    labs = apps["Lumen Labs"]
    Application.update(company="Other Labs").where(Application.id == labs.id).execute()
    new = _app("Lumen New", role="Astronaut", stage="offer")
    with closing(_connect(store)) as con:
        index.upsert(con, labs.id, NOW)
        index.upsert(con, new.id, NOW)
    assert index.position_of(labs.id) is None
    assert index.row(labs.id).company == "Other Labs"
    assert _companies(index) == ["Lumen Kestrel", "Lumen Data", "Lumen New", "Lumen Health"]
    assert index.total == 5
    check_against_fresh_load()

    apps["Lumen Data"].delete_instance()
    index.remove(apps["Lumen Data"].id)
    assert index.row(apps["Lumen Data"].id) is None
    assert index.total == 4
    check_against_fresh_load()
    index.remove(12345)  # unknown: nothing happens
    assert index.total == 4

    # A row deleted elsewhere disappears when upserted.
    apps["Lumen Health"].delete_instance()
    with closing(_connect(store)) as con:
        index.upsert(con, apps["Lumen Health"].id, NOW)
    check_against_fresh_load()
    index.set_filter("")
    index.sort_by("stage")
    check_default = _load(store)
    assert _ids(index) == _ids(check_default)


def test_upsert_recomputes_dates_and_search_key(store):
    app = _app("Lumen", stage="interviewing")
    index = _load(store)
    index.set_filter("jose")
    assert index.visible == []
    _round(app, NOW - timedelta(days=1), interviewers=("José Núñez",), value=1, unit="days")
    with closing(_connect(store)) as con:
        index.upsert(con, app.id, NOW)
    assert _ids(index) == [app.id]
    assert index.row(app.id).expected_response == date(2026, 11, 24)


def test_position_of_and_row(store):
    a = _app("Alpha")
    b = _app("Beta")
    index = _load(store)
    assert index.position_of(b.id) == 1
    assert index.row(a.id).company == "Alpha"
    assert index.row(999) is None and index.position_of(999) is None
    index.set_filter("beta")
    assert index.position_of(a.id) is None
    assert index.position_of(b.id) == 0


# --- no ORM, no Qt --------------------------------------------------------------------------


def test_importing_the_index_loads_neither_peewee_nor_qt():
    code = (
        "import sys\n"
        "import services.applications.index\n"
        "loaded = [m for m in sys.modules if m == 'peewee' or m.startswith(('PySide6', "
        "'playhouse'))]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=subprocess_env(),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
