"""The application list and editor as a user drives them (pytest-qt)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QTime
from PySide6.QtWidgets import QApplication, QTableWidgetItem

from models.application import Application, Offer
from services.applications import form_drafts, loading
from services.core.snapshot import read_snapshot
from ui.applications import list_view as applications_view
from ui.applications.editor_questions import RestoreDraft, UnsavedChanges
from ui.applications.list_view import ConfirmDelete
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_store):
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    view = win.view("applications")
    view.ensure_complete()
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    return win


@pytest.fixture
def view(window):
    return window.view("applications")


def visible_companies(view) -> list[str]:
    return [row.company for row in view.model.index_data.visible]


def open_editor_for(qtbot, window, company: str):
    view = window.view("applications")
    view.search.setText(company)
    assert visible_companies(view)[0] == company
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    editor = window.editor
    qtbot.waitExposed(editor)
    return editor


def test_model_passes_qtmodeltester(qtmodeltester, view):
    qtmodeltester.check(view.model, force_py=True)


def test_list_shows_every_demo_application_with_columns(view):
    model = view.model
    assert model.rowCount() == 12
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Company", "Role", "Stage", "Last interview", "Next interview",
                       "Expected response", "Outlook", "Channel"]
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    northwind = rows["Northwind Logistics"]
    assert model.index(northwind, 7).data() == "Agency · Brightpath Talent"
    lumen = rows["Lumen Analytics"]
    assert model.index(lumen, 6).data() == "Leaning positive"
    assert model.index(lumen, 5).data()  # an expected response date
    assert model.index(rows["Kestrel Robotics"], 4).data()  # next interview tomorrow


def test_typing_filters_as_you_type_ascii(qtbot, view):
    view.search.setFocus()
    qtbot.keyClicks(view.search, "lumen")
    assert visible_companies(view) == ["Lumen Analytics"]
    assert view.count_label.text() == "1 of 12"
    view.search.clear()
    assert len(visible_companies(view)) == 12


def test_accented_search_both_ways(view):
    view.search.setText("jose nunez")
    assert visible_companies(view) == ["Lumen Analytics"]
    view.search.setText("JOSÉ NÚÑEZ")
    assert visible_companies(view) == ["Lumen Analytics"]


def test_search_finds_notes_and_agency(view):
    view.search.setText("brightpath")
    assert visible_companies(view) == ["Northwind Logistics"]
    view.search.setText("kreuzberg")  # in Lumen's notes
    assert visible_companies(view) == ["Lumen Analytics"]


def test_nothing_found_says_so(view):
    view.search.setText("no such company anywhere")
    assert view.model.rowCount() == 0
    assert view.nothing.isVisibleTo(view) and "Nothing matches" in view.nothing.text()


def test_stage_filter(view):
    index = view.stage_filter.findData("awaiting_response")
    view.stage_filter.setCurrentIndex(index)
    assert sorted(visible_companies(view)) == ["Lumen Analytics", "Northwind Logistics"]
    view.stage_filter.setCurrentIndex(view.stage_filter.findData("open"))
    assert "Helix Bio" not in visible_companies(view)


def test_sort_by_clicking_headers(qtbot, view):
    header = view.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_center(header, 0))
    names = visible_companies(view)
    assert names == sorted(names, key=str.casefold)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_center(header, 0))
    assert visible_companies(view) == sorted(names, key=str.casefold, reverse=True)


def _section_center(header, section):
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_sorting_keeps_the_selected_application(view):
    view.select_application(view.model.index_data.visible[3].id)
    chosen = view.current_id()
    view.model.sort(1, Qt.SortOrder.DescendingOrder)
    assert view.current_id() == chosen


def test_keyboard_down_from_search_then_enter_opens_editor(qtbot, window, view):
    view.search.setFocus()
    qtbot.keyClicks(view.search, "orbit")
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    editor = window.editor
    qtbot.waitExposed(editor)
    assert editor.company.text() == "Orbit Health"
    editor.reject()


def test_double_click_opens_editor(qtbot, window, view):
    view.search.setText("kestrel")
    rect = view.table.visualRect(view.model.index(0, 1))
    # A real double click is a press-release followed by a double-click event.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitExposed(window.editor)
    assert window.editor.role.text() == "Software Engineer, Tooling"
    window.editor.reject()


def test_signals_change_the_outlook_live(qtbot, window, monkeypatch):
    editor = open_editor_for(qtbot, window, "Northwind Logistics")
    editor.tabs.setCurrentIndex(1)
    rounds = editor.round_editor
    assert "Leaning negative" in rounds.verdict.text()
    assert rounds.verdict.accessibleDescription() == "Outlook"  # its name is its text
    rounds.signal_boxes["vague_next_steps"].setChecked(False)
    rounds.signal_boxes["little_say"].setChecked(False)
    assert "Undecided" in rounds.verdict.text()
    for key in ("explained_next_steps", "asked_references"):
        rounds.signal_boxes[key].setChecked(True)
    assert "Leaning positive" in rounds.verdict.text()
    assert "asked for your references" in rounds.reasons.text()
    assert "answer in writing" in rounds.plan.text()
    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, parent: cls.DISCARD))
    editor.reject()
    assert not editor.isVisible()


def _type_cafe_application(editor) -> None:
    """The application's own fields, through an agency, with non-Latin notes."""
    editor.company.setText("Café Núñez")
    editor.role.setText("Backend Developer")
    editor.agency.setChecked(True)
    editor.agency_name.setText("Talentia")
    editor.recruiter_email.setText("rita@talentia.example")
    editor.notes.setPlainText("Ask about the espresso machine ☕ — مرحبا")


def _type_technical_round(rounds) -> None:
    """A round in New York on 20 Nov 2026, 14:00–15:30, two interviewers, a time frame."""
    rounds.title.setText("Technical interview")
    rounds.zone.setCurrentText("America/New_York")
    rounds.day.setDate(QDate(2026, 11, 20))
    rounds.start.setTime(QTime(14, 0))
    rounds.end.setTime(QTime(15, 30))
    for name, email in (("José Núñez", "jose@cafe.example"), ("Priya Raman", "")):
        rounds.add_interviewer()
        row = rounds.interviewers.rowCount() - 1
        rounds.interviewers.setItem(row, 0, QTableWidgetItem(name))
        rounds.interviewers.setItem(row, 2, QTableWidgetItem(email))
    rounds.interviewers.setItem(0, 3, QTableWidgetItem("The espresso roadmap"))
    rounds.closing_phrase.setCurrentText("HR will contact you about next steps")
    rounds.signal_boxes["gave_timeframe"].setChecked(True)
    rounds.asked_timeframe.setChecked(True)
    rounds.timeframe_value.setValue(5)
    rounds.timeframe_unit.setCurrentIndex(rounds.timeframe_unit.findData("business_days"))


def _assert_cafe_application_shown(again) -> None:
    """The reopened editor shows what :func:`_type_cafe_application` and
    :func:`_type_technical_round` typed."""
    assert again.company.text() == "Café Núñez"
    assert again.agency.isChecked() and again.agency_name.text() == "Talentia"
    assert again.notes.toPlainText() == "Ask about the espresso machine ☕ — مرحبا"
    assert again.round_list.count() == 1
    r = again.round_editor
    assert r.title.text() == "Technical interview"
    assert r.zone.currentText() == "America/New_York"
    assert (r.start.time().hour(), r.end.time().hour(), r.end.time().minute()) == (14, 15, 30)
    assert r.interviewers.rowCount() == 2
    assert r.interviewers.item(0, 0).text() == "José Núñez"
    assert r.interviewers.item(0, 3).text() == "The espresso roadmap"
    assert r.signal_boxes["gave_timeframe"].isChecked()
    assert r.timeframe_value.value() == 5
    assert "business days" in r.expected.text()


def test_new_application_with_a_round_and_two_interviewers_round_trips(qtbot, window, view):
    window.open_editor(None)
    editor = window.editor
    qtbot.waitExposed(editor)
    _type_cafe_application(editor)
    editor.add_round()
    _type_technical_round(editor.round_editor)
    with qtbot.waitSignal(editor.saved):
        assert editor.save()
    new_id = editor.application_id
    assert view.current_id() == new_id
    assert view.model.index_data.row(new_id).company == "Café Núñez"

    window.open_editor(new_id)
    again = window.editor
    qtbot.waitExposed(again)
    _assert_cafe_application_shown(again)
    stored = loading.load(new_id)
    assert stored.rounds[0].starts_at.astimezone(UTC) == datetime(2026, 11, 20, 19, 0,
                                                                   tzinfo=UTC)
    assert not again.is_dirty()
    again.reject()


def test_invalid_email_is_explained_and_nothing_is_lost(qtbot, window):
    editor = open_editor_for(qtbot, window, "Orbit Health")
    editor.contact_email.setText("daniel@orbithealth")
    editor.notes.setPlainText("keep me")
    assert not editor.save()
    assert editor.isVisible()
    assert editor.problems.isVisible() and "email" in editor.problems.text().lower()
    assert editor.contact_email.text() == "daniel@orbithealth"
    assert editor.notes.toPlainText() == "keep me"
    editor.contact_email.setText("daniel@orbithealth.example")
    assert editor.save()


def test_round_ending_before_it_starts_is_refused(qtbot, window):
    editor = open_editor_for(qtbot, window, "Kestrel Robotics")
    editor.tabs.setCurrentIndex(1)
    editor.round_editor.start.setTime(QTime(15, 0))
    editor.round_editor.end.setTime(QTime(14, 0))
    assert not editor.save()
    assert "ends before it starts" in editor.problems.text()
    assert "Round 1" in editor.problems.text()
    assert editor.round_editor.start.time() == QTime(15, 0)


@pytest.mark.parametrize("value", [0, 5000])
def test_unreasonable_time_frames(qtbot, window, value):
    editor = open_editor_for(qtbot, window, "Lumen Analytics")
    editor.tabs.setCurrentIndex(1)
    r = editor.round_editor
    r.asked_timeframe.setChecked(True)
    r.timeframe_unit.setCurrentIndex(r.timeframe_unit.findData("days"))
    r.timeframe_value.setValue(value)
    if value == 0:
        # 0 means "none given": saved as no time frame, the default is assumed.
        assert editor.save()
    else:
        assert not editor.save()
        assert "more than a year" in editor.problems.text()
        assert r.timeframe_value.value() == 5000


def test_huge_notes_emoji_and_rtl_are_stored_exactly(qtbot, window):
    editor = open_editor_for(qtbot, window, "Atlas Mobility")
    text = ("🎉 שלום עולם — مرحبا بالعالم\n" * 3) + "x" * 100_000
    editor.notes.setPlainText(text)
    editor.salary_notes.setText("€70k–80k 💶")
    assert editor.save()
    stored = loading.load(editor.application_id)
    assert stored.notes == text
    assert stored.salary_notes == "€70k–80k 💶"


def test_delete_asks_and_undo_brings_it_back(qtbot, window, view, monkeypatch):
    asked = []
    monkeypatch.setattr(ConfirmDelete, "ask",
                        classmethod(lambda cls, parent, what: asked.append(what) or True))
    view.search.setText("orbit")
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert asked == ["Backend Developer (Python) at Orbit Health"]
    assert view.model.index_data.total == 11
    assert view.undo_bar.isVisible()
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert view.model.index_data.total == 12
    assert visible_companies(view) == ["Orbit Health"]
    assert Offer.select().count() == 1


def test_delete_cancelled_keeps_everything(qtbot, view, monkeypatch):
    monkeypatch.setattr(ConfirmDelete, "ask", classmethod(lambda cls, parent, what: False))
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.index_data.total == 12
    assert not view.undo_bar.isVisible()


def test_closing_with_unsaved_changes_asks(qtbot, window, monkeypatch):
    answers = [UnsavedChanges.KEEP_EDITING, UnsavedChanges.DISCARD]
    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, parent: answers.pop(0)))
    editor = open_editor_for(qtbot, window, "Fjord Energy")
    editor.role.setText("Staff Backend Engineer")
    editor.reject()
    assert editor.isVisible() and editor.role.text() == "Staff Backend Engineer"
    editor.reject()
    assert not editor.isVisible()
    assert loading.load(editor.application_id).role == "Backend Engineer"


def test_form_survives_a_crash(qtbot, window, monkeypatch):
    """Typed text is on disk within a moment; the next editor offers it back."""
    editor = open_editor_for(qtbot, window, "Tern Travel")
    editor.notes.setPlainText("Recruiter mentioned a second team — ask about it")
    qtbot.waitUntil(lambda: form_drafts.read_draft(window.paths, editor.draft_key) is not None,
                    timeout=3000)
    key, app_id = editor.draft_key, editor.application_id
    # A crash: the editor disappears without closing or saving.
    editor.hide()
    editor.deleteLater()
    QApplication.processEvents()
    offered = []
    monkeypatch.setattr(RestoreDraft, "ask",
                        classmethod(lambda cls, parent, when: offered.append(when) or True))
    window.open_editor(app_id)
    again = window.editor
    qtbot.waitExposed(again)
    assert offered
    assert again.notes.toPlainText() == "Recruiter mentioned a second team — ask about it"
    assert again.is_dirty()
    assert again.save()
    assert form_drafts.read_draft(window.paths, key) is None


def test_first_screenful_first_then_everything_on_first_search(qtbot, store, monkeypatch):
    """At start only the first rows are read; searching loads the rest without losing text."""
    monkeypatch.setattr(applications_view, "FIRST_SCREENFUL", 5)
    for n in range(30):
        Application.create(company=f"Company {n:02d}", role="Engineer",
                           notes="needle" if n == 27 else "")
    win = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(win)
    win.show()
    view = win.view("applications")
    assert view.model.rowCount() == 5
    assert not view.model.index_data.complete
    assert view.count_label.text() == "30"
    view.search.setFocus()
    qtbot.keyClicks(view.search, "needle")
    qtbot.waitUntil(lambda: view.model.index_data.complete, timeout=10000)
    assert visible_companies(view) == ["Company 27"]
    assert view.search.text() == "needle"
