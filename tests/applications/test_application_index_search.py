"""The application list's search: the columns, folding accents and case, every searchable field,
stage filters, and incremental filtering equal to filtering from scratch (a property)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.values import OPEN_STAGES, Stage
from services.applications.folding import fold
from services.applications.index import COLUMNS, ApplicationIndex, Column
from services.applications.list_rows import STAGE_ORDER, ListRow
from services.applications.prospects import Verdict
from tests.applications.index_data import (
    NOW,
    add_application,
    add_round,
    load_index,
    visible_companies,
    visible_ids,
)


def test_columns_are_the_ones_the_table_shows():
    assert [(c.key, c.header) for c in COLUMNS] == [
        ("company", "Company"), ("role", "Role"), ("stage", "Stage"),
        ("last_interview", "Last interview"), ("next_interview", "Next interview"),
        ("expected_response", "Expected response"), ("outlook", "Outlook"),
        ("channel", "Channel"),
    ]
    assert isinstance(COLUMNS[0], Column)


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


def test_interviewer_name_is_found_without_accents(store):
    app = add_application("Lumen Analytics")
    add_application("Northwind Logistics")
    add_round(app, NOW - timedelta(days=3), interviewers=("José Núñez", "Greta Brandt"))
    index = load_index(store)
    for text in ("jose nunez", "JOSÉ", "núñez", "nunez jose", "  jose   "):
        index.set_filter(text)
        assert visible_ids(index) == [app.id], text
    index.set_filter("jose greta")  # two interviewers of the same application
    assert visible_ids(index) == [app.id]


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
    wanted = add_application(**values)
    add_application("Northwind Logistics", role="QA Engineer", notes="nothing here")
    index = load_index(store)
    index.set_filter(query)
    assert visible_ids(index) == [wanted.id]


def test_every_word_must_match(store):
    both = add_application("Lumen Analytics", role="Data Engineer")
    add_application("Lumen Analytics", role="Product Manager")
    add_application("Kestrel Labs", role="Data Engineer")
    index = load_index(store)
    index.set_filter("lumen data")
    assert visible_ids(index) == [both.id]
    index.set_filter("data lumen")
    assert visible_ids(index) == [both.id]
    index.set_filter("lumen nothing")
    assert index.visible == []


def test_stage_filter_and_open(store):
    offer = add_application("A", stage="offer")
    applied = add_application("B", stage="applied")
    rejected = add_application("C", stage="rejected")
    add_application("D", stage="no_response")
    index = load_index(store)
    index.set_filter("", "rejected")
    assert visible_ids(index) == [rejected.id]
    index.set_filter("", "open")
    assert visible_ids(index) == [offer.id, applied.id]
    assert all(Stage(row.stage) in OPEN_STAGES for row in index.visible)
    index.set_filter("b", "open")
    assert visible_ids(index) == [applied.id]
    index.set_filter("", None)
    assert len(index.visible) == 4
    index.set_filter("", "")  # an empty choice means any stage
    assert len(index.visible) == 4 and index.stage_filter is None
    assert index.filter_text == ""


def test_backspace_returns_the_earlier_result(store):
    for company in ("Lumen", "Lumos", "Lux", "Kestrel"):
        add_application(company)
    index = load_index(store)
    index.set_filter("lu")
    after_lu = index.visible
    index.set_filter("lum")
    assert visible_companies(index) == ["Lumen", "Lumos"]
    index.set_filter("lu")
    assert index.visible is after_lu  # from the stack, not filtered again
    index.set_filter("")
    assert len(index.visible) == 4


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
    assert visible_ids(index) == _reference(rows, text, stage, column, descending)
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
        assert visible_ids(index) == _reference(rows, text, stage, column, descending), (
            action, value, text, stage, column, descending)
        for position, row in enumerate(index.visible):
            assert index.position_of(row.id) == position
