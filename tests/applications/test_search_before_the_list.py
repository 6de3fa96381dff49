"""A search typed before the whole list is read (ui/applications/list_loading.py): answered from
the list keys kept in the database at once, then from every application; the latest text wins;
without keys it waits for the whole list, as before."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from models.application import Application
from services.applications.list_keys import connect_for_filling, fill_missing
from services.applications.quick_search import keys_complete
from services.core.snapshot import read_snapshot
from ui.applications import list_loading
from ui.applications import list_view as applications_view
from ui.applications.list_loading import ListLoading
from ui.shell.main_window import MainWindow

FIRST = 5


@pytest.fixture
def thirty(store, monkeypatch):
    """30 applications, one with "needle" in its notes, their keys filled; five rows first."""
    monkeypatch.setattr(applications_view, "FIRST_SCREENFUL", FIRST)
    for number in range(30):
        Application.create(company=f"Company {number:02d}", role="Engineer",
                           notes="needle" if number in (7, 27) else "")
    _fill(store)
    return store


def _fill(store) -> None:
    with closing(connect_for_filling(store.paths)) as con:
        fill_missing(con)


class _HeldBack:
    """Asks to read the whole list, kept until :meth:`release`."""

    def __init__(self) -> None:
        self.asked: list[ListLoading] = []

    def release(self) -> None:
        """Read the whole list now, as the first ask wanted."""
        _REAL_LOAD_ALL(self.asked[0])


_REAL_LOAD_ALL = ListLoading.load_all


@pytest.fixture
def held_back(monkeypatch):
    """The whole list is not read until the test says so."""
    held = _HeldBack()

    def hold(loader):
        held.asked.append(loader)
        loader.loading = True

    monkeypatch.setattr(ListLoading, "load_all", hold)
    return held


def _window(qtbot, store):
    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    view = window.view("applications")
    qtbot.waitUntil(view.table.isSortingEnabled, timeout=5000)  # after the first paint
    return view


def _companies(view) -> list[str]:
    return [row.company for row in view.model.index_data.visible]


def test_the_first_rows_of_a_search_come_before_the_whole_list(qtbot, thirty, held_back):
    view = _window(qtbot, thirty)
    view.search.setFocus()
    qtbot.keyClicks(view.search, "NEEDLE")
    qtbot.waitUntil(lambda: view.model.index_data.matched is not None, timeout=5000)
    index = view.model.index_data
    assert not index.complete
    assert _companies(view) == ["Company 07", "Company 27"]
    assert view.count_label.text() == "2 of 30"
    assert held_back.asked, "the whole list is read once the answer is shown"
    held_back.release()
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    assert _companies(view) == ["Company 07", "Company 27"]
    assert view.count_label.text() == "2 of 30"
    assert view.search.text() == "NEEDLE"


def test_only_the_latest_text_is_shown(qtbot, thirty, held_back):
    view = _window(qtbot, thirty)
    view.search.setFocus()
    qtbot.keyClicks(view.search, "company 0")
    qtbot.keyClicks(view.search, "7")
    qtbot.waitUntil(lambda: view.model.index_data.filter_text == "company 07"
                    and view.model.index_data.matched is not None, timeout=5000)
    qtbot.wait(50)  # no older answer arrives after the latest
    assert _companies(view) == ["Company 07"]
    assert view.count_label.text() == "1 of 30"


def test_nothing_matching_says_so_before_the_whole_list(qtbot, thirty, held_back):
    view = _window(qtbot, thirty)
    qtbot.keyClicks(view.search, "zebra")
    qtbot.waitUntil(lambda: view.model.index_data.matched == 0, timeout=5000)
    assert view.nothing.isVisible() and not view.table.isVisible()
    assert "Nothing matches your search" in view.nothing.text()


def test_the_stage_filter_is_answered_the_same_way(qtbot, thirty, held_back):
    Application.update(stage="offer").where(Application.company == "Company 12").execute()
    _fill(thirty)
    view = _window(qtbot, thirty)
    view.stage_filter.setCurrentIndex(view.stage_filter.findData("offer"))
    qtbot.waitUntil(lambda: view.model.index_data.matched is not None, timeout=5000)
    assert _companies(view) == ["Company 12"]
    assert view.count_label.text() == "1 of 30"


def test_keys_missing_since_a_change_are_filled_first(qtbot, thirty, held_back):
    Application.update(notes="needle too").where(Application.company == "Company 03").execute()
    with closing(sqlite3.connect(thirty.paths.database)) as con:
        assert not keys_complete(con)
    view = _window(qtbot, thirty)
    qtbot.keyClicks(view.search, "needle")
    qtbot.waitUntil(lambda: view.model.index_data.matched is not None, timeout=5000)
    assert _companies(view) == ["Company 03", "Company 07", "Company 27"]
    with closing(sqlite3.connect(thirty.paths.database)) as con:
        assert keys_complete(con)


def test_without_keys_the_search_waits_for_the_whole_list(qtbot, thirty, monkeypatch):
    """A folder the app cannot write to: no keys can be filled, so the whole list answers."""
    monkeypatch.setattr(list_loading, "fill_keys", lambda _paths: False)
    Application.update(notes="needle too").where(Application.company == "Company 03").execute()
    view = _window(qtbot, thirty)
    qtbot.keyClicks(view.search, "needle")
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    assert _companies(view) == ["Company 03", "Company 07", "Company 27"]
    assert view.count_label.text() == "3 of 30"


def test_missing_keys_are_filled_after_the_start(qtbot, thirty, monkeypatch):
    monkeypatch.setattr(list_loading, "FILL_KEYS_AFTER_MS", 0)
    Application.update(role="Chef").execute()
    with closing(sqlite3.connect(thirty.paths.database)) as con:
        assert not keys_complete(con)
    _window(qtbot, thirty)

    def filled() -> bool:
        with closing(sqlite3.connect(thirty.paths.database)) as con:
            return keys_complete(con)

    qtbot.waitUntil(filled, timeout=5000)


def test_fill_keys_refuses_a_read_only_folder(thirty, monkeypatch):
    monkeypatch.setattr(list_loading, "read_only_uri", lambda _paths: "file:x?mode=ro")
    assert list_loading.fill_keys(thirty.paths) is False


def test_an_answer_that_comes_after_a_sort_is_not_shown(qtbot, thirty, held_back, monkeypatch):
    """The answer is in the default order: a list sorted meanwhile waits for every row."""
    import threading

    from PySide6.QtCore import Qt

    gate = threading.Event()
    real = list_loading._matches

    def slow(*args):
        gate.wait(10)
        return real(*args)

    monkeypatch.setattr(list_loading, "_matches", slow)
    view = _window(qtbot, thirty)
    qtbot.keyClicks(view.search, "needle")
    view.model.sort(0, Qt.SortOrder.DescendingOrder)  # by company, before the answer
    gate.set()
    qtbot.waitUntil(lambda: not view.loader._searching, timeout=5000)  # answered
    index = view.model.index_data
    assert index.sort_column == "company" and index.matched is None
    held_back.release()
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    assert _companies(view) == ["Company 27", "Company 07"]
    assert view.count_label.text() == "2 of 30"
