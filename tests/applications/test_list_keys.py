"""The list keys kept in the database (models/list_key.py, services/applications/list_keys.py):
every change to what a key is made from forgets it, whoever writes; the app fills the missing
ones; a search answered from them (services/applications/quick_search.py) shows what the
whole list, read and filtered in Python, would show."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.application import Application
from models.interview import Interviewer, InterviewRound
from models.list_key import TRIGGERS
from services.applications.folding import fold
from services.applications.index import ApplicationIndex
from services.applications.list_keys import (
    connect_for_filling,
    fill_missing,
    missing_count,
    search_key_of,
)
from services.applications.quick_search import (
    count_matches,
    first_matches,
    keys_complete,
    words_of,
)
from tests.applications.index_data import NOW, add_application, add_round


def _fill(store) -> int:
    with closing(connect_for_filling(store.paths)) as con:
        return fill_missing(con)


def _keys(store) -> dict[int, tuple[str, str, str]]:
    with closing(sqlite3.connect(store.paths.database)) as con:
        return {app_id: tuple(rest) for app_id, *rest in con.execute(
            "SELECT application_id, stage, company_key, search_key FROM list_key")}


def _missing(store) -> int:
    with closing(sqlite3.connect(store.paths.database)) as con:
        return missing_count(con)


# -- filling ---------------------------------------------------------------------------------


def test_fill_writes_what_the_list_searches(store):
    app = add_application("Zürich Øl AG", role="Data Engineer", agency_name="Hays",
                          recruiter_name="Ana Núñez", contact_name="Bo", notes="Met at PyCon")
    add_round(app, NOW, interviewers=("José Ramírez", "Łukasz"))
    other = add_application("Plain Co")
    assert _missing(store) == 2
    assert _fill(store) == 2
    assert _missing(store) == 0
    keys = _keys(store)
    assert keys[app.id] == ("applied", "zurich ol ag", search_key_of(
        "Zürich Øl AG", "Data Engineer", "Hays", "Ana Núñez", "Bo", "José Ramírez\nŁukasz",
        "Met at PyCon"))
    assert "jose ramirez" in keys[app.id][2] and "lukasz" in keys[app.id][2]
    assert keys[other.id][1] == "plain co"
    assert _fill(store) == 0  # nothing left to do


def test_fill_goes_in_chunks(store):
    for number in range(7):
        add_application(f"Company {number}")
    with closing(connect_for_filling(store.paths)) as con:
        assert fill_missing(con, chunk=3) == 7
        assert keys_complete(con)


def test_a_failed_chunk_leaves_no_half_written_transaction(store):
    add_application("Acme")
    with closing(connect_for_filling(store.paths)) as con:
        con.execute("CREATE TEMP TRIGGER refuse BEFORE INSERT ON list_key "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END")
        with pytest.raises(sqlite3.IntegrityError):
            fill_missing(con)
        assert not con.in_transaction
    assert _missing(store) == 1


# -- forgetting ------------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value"), [
    ("company", "Other"), ("role", "Chef"), ("stage", "rejected"), ("agency_name", "Hays"),
    ("recruiter_name", "Ana"), ("contact_name", "Bo"), ("notes", "new note"),
])
def test_changing_what_a_key_holds_forgets_it(store, column, value):
    app = add_application("Acme")
    untouched = add_application("Bravo")
    _fill(store)
    Application.update({column: value}).where(Application.id == app.id).execute()
    assert set(_keys(store)) == {untouched.id}


def test_changing_what_no_key_holds_keeps_it(store):
    app = add_application("Acme")
    _fill(store)
    Application.update(posting_url="https://example.org/job", salary_notes="90k").where(
        Application.id == app.id).execute()
    assert set(_keys(store)) == {app.id}


def test_interviewers_and_rounds_forget_their_applications_key(store):
    app = add_application("Acme")
    other = add_application("Bravo")
    rnd = add_round(app, NOW)
    _fill(store)
    assert set(_keys(store)) == {app.id, other.id}
    person = Interviewer.create(round=rnd, name="Zoë")  # added
    assert set(_keys(store)) == {other.id}
    _fill(store)
    Interviewer.update(name="Zoe").where(Interviewer.id == person.id).execute()  # renamed
    assert set(_keys(store)) == {other.id}
    _fill(store)
    Interviewer.update(title="CTO").where(Interviewer.id == person.id).execute()
    assert set(_keys(store)) == {app.id, other.id}  # the title is not searched
    person.delete_instance()  # removed
    assert set(_keys(store)) == {other.id}
    _fill(store)
    InterviewRound.update(application=other.id).where(InterviewRound.id == rnd.id).execute()
    assert _keys(store) == {}  # moved: both applications' keys
    _fill(store)
    rnd.delete_instance(recursive=True)
    assert set(_keys(store)) == {app.id}


def test_deleting_an_application_deletes_its_key(store):
    app = add_application("Acme")
    _fill(store)
    app.delete_instance(recursive=True)
    assert _keys(store) == {}
    with closing(sqlite3.connect(store.paths.database)) as con:
        assert keys_complete(con)


def test_a_writer_outside_the_app_only_ever_leaves_keys_missing(store):
    """Plain SQL, no ORM and no Python fold: the triggers still forget the stale key."""
    app = add_application("Acme")
    _fill(store)
    with closing(sqlite3.connect(store.paths.database)) as con, con:
        con.execute("UPDATE application SET company = 'Völker' WHERE id = ?", (app.id,))
    assert _keys(store) == {}
    _fill(store)
    assert _keys(store)[app.id][1] == "volker"


# -- answering a search ----------------------------------------------------------------------


def _answers_alike(store, text: str, stage: str | None, limit: int = 5) -> None:
    with closing(sqlite3.connect(store.paths.database)) as con:
        full = ApplicationIndex.load(con, NOW)
        full.set_filter(text, stage)
        words = words_of(text)
        assert first_matches(con, words, stage, limit) == [row.id for row in full.visible[:limit]]
        assert count_matches(con, words, stage) == len(full.visible)
        answer = ApplicationIndex.load_matches(con, NOW, text, stage, limit)
    assert [row.id for row in answer.visible] == [row.id for row in full.visible[:limit]]
    assert answer.matched == len(full.visible) and not answer.complete
    assert answer.filter_text == text and answer.total == full.total


def _sample(store) -> None:
    for company, stage, notes in [
        ("Zürich Labs", "interviewing", "needle"), ("zurich labs", "interviewing", ""),
        ("Acme", "offer", ""), ("Ærø Data", "applied", "Needle in notes"),
        ("Bravo", "rejected", ""), ("Ōkami", "some_future_stage", "needle"),
        ("Charlie", "applied", ""), ("Straße AG", "awaiting_response", ""),
        ("Delta", "no_response", "needle"), ("Acme", "applied", ""),
    ]:
        app = add_application(company, stage=stage, notes=notes)
        if company == "Bravo":
            add_round(app, NOW, interviewers=("Renée Needleman",))


@pytest.mark.parametrize("text", ["", "needle", "NEEDLE", "zurich", "zürich labs", "strasse",
                                  "aero", "renee", "a", "nothing-like-it", "  acme  "])
@pytest.mark.parametrize("stage", [None, "open", "applied", "interviewing",
                                   "some_future_stage"])
def test_a_search_from_the_keys_shows_what_the_whole_list_would(store, text, stage):
    _sample(store)
    _fill(store)
    _answers_alike(store, text, stage)


def test_no_answer_from_the_keys_while_some_are_missing(store):
    _sample(store)
    _fill(store)
    add_application("Newcomer")
    with closing(sqlite3.connect(store.paths.database)) as con:
        assert not keys_complete(con)
        assert ApplicationIndex.load_matches(con, NOW, "needle", None, 5) is None


_WORDS = st.text(alphabet="abzéüßø ", min_size=0, max_size=6)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(companies=st.lists(st.tuples(_WORDS, st.sampled_from(
    ["applied", "offer", "rejected", "withdrawn", "x_unknown"])), min_size=1, max_size=12),
       text=_WORDS, stage=st.sampled_from([None, "open", "offer", "x_unknown"]))
def test_any_search_from_the_keys_equals_the_whole_lists(store, companies, text, stage):
    Application.delete().execute()
    for company, app_stage in companies:
        add_application(company, stage=app_stage, notes=fold(company)[::-1])
    _fill(store)
    _answers_alike(store, text, stage, limit=4)


def test_an_upgraded_file_has_the_same_triggers_as_a_new_one(tmp_path):
    import shutil

    from services.core.paths import DATABASE_NAME, DataPaths
    from services.core.store import open_store
    from tests.models.schema_files import V3_FILE, fresh_schema

    fresh_schema(tmp_path)  # a new file, made now
    old = DataPaths(tmp_path / "old")
    old.root.mkdir()
    shutil.copyfile(V3_FILE, old.root / DATABASE_NAME)
    open_store(old).close()

    def triggers(path):
        with closing(sqlite3.connect(path)) as con:
            return set(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))

    made = triggers(DataPaths(tmp_path / "fresh").database)
    assert {name for name, _sql in made} == set(TRIGGERS)
    assert triggers(old.database) == made
