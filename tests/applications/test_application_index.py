"""The application list's index loads and updates: load_first, a naive now refused, upsert and
remove keeping the filter and the order, and no ORM or Qt imported.

Search is in test_application_index_search.py, order in test_application_index_sorting.py,
dates in test_application_index_dates.py."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing
from datetime import date, datetime, timedelta

import pytest

from models.values import Stage
from services.applications.index import (
    COLUMNS,
    ApplicationIndex,
)
from tests.applications.index_data import (
    NOW,
    UTC_ZONE,
    add_application,
    add_round,
    connect,
    load_index,
    visible_companies,
    visible_ids,
)
from tests.conftest import ROOT, subprocess_env

# --- load_first -----------------------------------------------------------------------------


def _many(count: int) -> None:
    companies = ["Über", "zeta", "Ærø", "apple", "Éclair", "Lumen", "lumen", "Øresund"]
    stages = [s.value for s in Stage]
    for number in range(count):
        app = add_application(f"{companies[number % len(companies)]} {number % 3}",
                              stage=stages[(number * 7) % len(stages)])
        if number % 4 == 0:
            add_round(app, NOW - timedelta(days=number % 5 + 1), interviewers=("José Núñez",),
                      signals=("asked_references",))
            add_round(app, NOW + timedelta(days=number % 3 + 1))


@pytest.mark.parametrize("limit", [1, 5, 13, 40, 100])
def test_load_first_gives_the_first_rows_of_load(store, limit):
    _many(60)
    with closing(connect(store)) as con:
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
    assert visible_ids(first) == visible_ids(full)[:limit]
    for mine, theirs in zip(first.visible, full.visible, strict=False):
        for column in COLUMNS:
            assert mine.display(column.key, UTC_ZONE) == theirs.display(column.key, UTC_ZONE)
        assert mine.search_key == theirs.search_key
    assert full.visible[-1].company == "From the future"  # an unknown stage comes last
    assert full.visible[-1].stage_label == "On hold"


def test_load_first_on_an_empty_database(store):
    with closing(connect(store)) as con:
        first = ApplicationIndex.load_first(con, NOW, 60)
    assert (first.visible, first.total, first.complete) == ([], 0, False)


def test_load_refuses_a_naive_now(store):
    add_application("Lumen")
    with closing(connect(store)) as con, pytest.raises(ValueError):
        ApplicationIndex.load(con, datetime(2026, 11, 24, 12, 0))


# --- upsert and remove ----------------------------------------------------------------------


def test_upsert_and_remove_keep_filter_and_sort(store):
    from models.application import Application

    apps = {name: add_application(name, role=role) for name, role in (
        ("Lumen Labs", "Engineer"), ("Lumen Health", "Analyst"), ("Kestrel", "Engineer"),
        ("Lumen Data", "Designer"))}
    index = load_index(store)
    index.sort_by("role", descending=True)
    index.set_filter("lumen")
    assert visible_companies(index) == ["Lumen Labs", "Lumen Data", "Lumen Health"]

    def check_against_fresh_load():
        fresh = load_index(store)
        fresh.sort_by("role", descending=True)
        fresh.set_filter("lumen")
        assert visible_ids(index) == visible_ids(fresh)
        assert index.total == fresh.total

    kestrel = apps["Kestrel"]
    Application.update(company="Lumen Kestrel", role="Zookeeper").where(
        Application.id == kestrel.id).execute()
    with closing(connect(store)) as con:
        index.upsert(con, kestrel.id, NOW)
    assert visible_companies(index)[0] == "Lumen Kestrel"
    assert index.position_of(kestrel.id) == 0
    assert (index.sort_column, index.descending, index.filter_text) == ("role", True, "lumen")
    check_against_fresh_load()

    labs = apps["Lumen Labs"]
    Application.update(company="Other Labs").where(Application.id == labs.id).execute()
    new = add_application("Lumen New", role="Astronaut", stage="offer")
    with closing(connect(store)) as con:
        index.upsert(con, labs.id, NOW)
        index.upsert(con, new.id, NOW)
    assert index.position_of(labs.id) is None
    assert index.row(labs.id).company == "Other Labs"
    assert visible_companies(index) == ["Lumen Kestrel", "Lumen Data", "Lumen New", "Lumen Health"]
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
    with closing(connect(store)) as con:
        index.upsert(con, apps["Lumen Health"].id, NOW)
    check_against_fresh_load()
    index.set_filter("")
    index.sort_by("stage")
    check_default = load_index(store)
    assert visible_ids(index) == visible_ids(check_default)


def test_upsert_recomputes_dates_and_search_key(store):
    app = add_application("Lumen", stage="interviewing")
    index = load_index(store)
    index.set_filter("jose")
    assert index.visible == []
    add_round(app, NOW - timedelta(days=1), interviewers=("José Núñez",), value=1, unit="days")
    with closing(connect(store)) as con:
        index.upsert(con, app.id, NOW)
    assert visible_ids(index) == [app.id]
    assert index.row(app.id).expected_response == date(2026, 11, 24)


def test_position_of_and_row(store):
    a = add_application("Alpha")
    b = add_application("Beta")
    index = load_index(store)
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
