"""The application list's order: the pipeline by default, every column both ways, folded text,
ties in the default order, and sorting that keeps the filter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.values import Stage
from services.applications.index import COLUMNS, ApplicationIndex
from services.applications.list_rows import STAGE_ORDER, ListRow
from services.applications.prospects import Verdict
from tests.applications.index_data import (
    NOW,
    UTC_ZONE,
    add_application,
    add_round,
    load_index,
    visible_companies,
    visible_ids,
)


def test_default_order_is_the_pipeline_then_company(store):
    # Created in reverse so that id order is no help.
    for stage in reversed(STAGE_ORDER):
        add_application(f"Zeta {stage.value}", stage=stage.value)
        add_application(f"Alpha {stage.value}", stage=stage.value)
    index = load_index(store)
    assert [row.stage for row in index.visible[::2]] == [s.value for s in STAGE_ORDER]
    assert [Stage(s) for s in (
        "offer", "interviewing", "awaiting_response", "applied", "accepted", "declined",
        "rejected", "withdrawn", "no_response")] == list(STAGE_ORDER)
    assert all(row.company.startswith("Alpha") for row in index.visible[::2])
    assert (index.sort_column, index.descending) == ("stage", False)


def test_company_sorts_by_folded_text_then_id(store):
    names = ["zeta", "Über Retail", "Ærø Labs", "apple", "Éclair", "Øresund", "Apple"]
    created = {name: add_application(name).id for name in names}
    index = load_index(store)
    index.sort_by("company")
    assert visible_companies(index) == ["Ærø Labs", "apple", "Apple", "Éclair", "Øresund",
                                 "Über Retail", "zeta"]
    assert created["apple"] < created["Apple"]  # the tie keeps id order
    index.sort_by("company", True)
    assert visible_companies(index) == ["zeta", "Über Retail", "Øresund", "Éclair", "apple",
                                 "Apple", "Ærø Labs"]


def _sortable_data():
    """Applications with every column filled for some and empty for others."""
    a = add_application("Alder", role="Staff Engineer", stage="interviewing", channel="agency",
                        agency_name="Hays Tech")
    add_round(a, NOW - timedelta(days=2), signals=("explained_next_steps", "asked_references"))
    add_round(a, NOW + timedelta(days=5))
    b = add_application("Basalt", role="analyst", stage="awaiting_response")
    add_round(b, NOW - timedelta(days=9), value=2, unit="weeks",
              signals=("vague_next_steps", "shrugged"))
    c = add_application("Cobalt", role="Designer", stage="offer", channel="agency",
                        agency_name="Brightpath Talent")
    add_round(c, NOW - timedelta(days=20))
    add_round(c, NOW + timedelta(days=1))
    add_application("Driftwood", role="Écrivain", stage="applied")
    e = add_application("Evergreen", role="zoologist", stage="rejected")
    add_round(e, NOW - timedelta(days=30))


@pytest.mark.parametrize("column", [column.key for column in COLUMNS])
def test_sort_by_every_column_both_ways(store, column):
    _sortable_data()
    index = load_index(store)
    index.sort_by(column)
    assert (index.sort_column, index.descending) == (column, False)
    keys = [row.sort_key(column) for row in index.visible]
    assert keys == sorted(keys)
    values = [getattr(row, column, "x") for row in index.visible]
    missing = [value is None for value in values]
    assert missing == sorted(missing), "missing values sort last in ascending order"
    ascending = visible_ids(index)
    index.sort_by(column, descending=True)
    keys = [row.sort_key(column) for row in index.visible]
    assert keys == sorted(keys, reverse=True)
    assert sorted(visible_ids(index)) == sorted(ascending)
    index.sort_by("stage")
    assert visible_companies(index) == ["Cobalt", "Alder", "Basalt", "Driftwood", "Evergreen"]


def test_sorting_examples(store):
    _sortable_data()
    index = load_index(store)
    index.sort_by("role")
    assert [row.role for row in index.visible] == [
        "analyst", "Designer", "Écrivain", "Staff Engineer", "zoologist"]
    index.sort_by("next_interview")
    assert visible_companies(index)[:2] == ["Cobalt", "Alder"]
    index.sort_by("last_interview", True)
    assert visible_companies(index) == ["Driftwood", "Alder", "Basalt", "Cobalt", "Evergreen"]
    index.sort_by("outlook")
    assert [row.outlook for row in index.visible] == [
        Verdict.POSITIVE, Verdict.UNDECIDED, Verdict.UNDECIDED, Verdict.NEGATIVE, None]
    index.sort_by("channel")
    assert [row.display("channel", UTC_ZONE) for row in index.visible] == [
        "Agency · Brightpath Talent", "Agency · Hays Tech", "Direct", "Direct", "Direct"]


def test_sort_keeps_the_filter_and_ties_keep_the_default_order(store):
    for company, stage in (("Lumen B", "applied"), ("Lumen A", "applied"),
                           ("Lumen C", "offer"), ("Kestrel", "applied")):
        add_application(company, role="Same Role", stage=stage)
    index = load_index(store)
    index.set_filter("lumen")
    index.sort_by("role")
    assert visible_companies(index) == ["Lumen C", "Lumen A", "Lumen B"]
    index.sort_by("role", True)
    assert visible_companies(index) == ["Lumen C", "Lumen A", "Lumen B"]
    with pytest.raises(ValueError):
        index.sort_by("salary")


def test_texts_equal_once_folded_tie_in_default_order():
    rows = [ListRow(1, "Zeta", "øb", "rejected"), ListRow(2, "Alpha", "ob", "offer"),
            ListRow(3, "Mid", "Ob", "applied", is_agency=True, agency_name="Øresund"),
            ListRow(4, "Beta", "OB", "offer", is_agency=True, agency_name="oresund")]
    index = ApplicationIndex(rows)
    index.sort_by("role")
    assert visible_ids(index) == [2, 4, 3, 1]
    index.sort_by("role", True)
    assert visible_ids(index) == [2, 4, 3, 1]
    index.sort_by("channel")
    assert visible_ids(index) == [4, 3, 2, 1]
