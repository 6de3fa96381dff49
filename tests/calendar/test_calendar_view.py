"""The Calendar section (ui.calendar.view) with demo data: markers, agenda, keys, export, import."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from PySide6.QtCore import Qt

from services.calendar.entries import EntryKind
from tests.conftest import FIXTURES
from ui.calendar import view as calendar_view
from ui.calendar.agenda import AgendaModel
from ui.calendar.view import CalendarMessages, CalendarView, ChooseApplication, ExportDialog

TODAY = date(2024, 5, 15)  # a Wednesday
NOW = datetime(2024, 5, 15, 8, 0, tzinfo=UTC)  # 10:00 in Berlin

@pytest.fixture(autouse=True)
def at_now(pinned_clock):
    """This module's tests happen at :data:`NOW`."""
    pinned_clock.pin(NOW)

DATA = FIXTURES / "ics"


class StandInWindow:
    """What the calendar needs from the main window."""

    def __init__(self, paths, store) -> None:
        self.paths = paths
        self.store = store
        self.opened: list[int | None] = []
        self.store_asked = 0

    def ensure_store(self):
        self.store_asked += 1
        return self.store

    def open_editor(self, application_id):
        self.opened.append(application_id)

    def local_zone_name(self) -> str:
        return "Europe/Berlin"


@pytest.fixture
def demo(store):
    from services.data import demo as demo_data

    demo_data.fill_demo(today=TODAY)
    return store


@pytest.fixture
def window(demo, data_paths):
    return StandInWindow(data_paths, demo)


@pytest.fixture
def messages(monkeypatch):
    """Every message the view shows, instead of modal boxes."""
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(CalendarMessages, "inform",
                        classmethod(lambda cls, parent, title, text: shown.append(
                            ("inform", title, text))))
    monkeypatch.setattr(CalendarMessages, "warn",
                        classmethod(lambda cls, parent, title, text: shown.append(
                            ("warn", title, text))))
    monkeypatch.setattr(CalendarMessages, "show_report",
                        classmethod(lambda cls, parent, report: shown.append(
                            ("report", "", report.text()))))
    return shown


@pytest.fixture
def view(qtbot, window, messages):
    widget = CalendarView(window)
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def app_id(company: str) -> int:
    from models.application import Application

    return Application.get(Application.company == company).id


def agenda_titles(view) -> list[str]:
    return [entry.title for entry in view.agenda_model.entries()]


def select(qtbot, view, day: date) -> None:
    view.select_day(day)
    view.refresh_agenda_now()
    assert view.grid.selected == day


# -- the month -----------------------------------------------------------------------------------


def test_the_month_shows_markers_for_the_demo_dates(view, window):
    assert view.accessibleName() == "Calendar"
    assert window.store_asked >= 1
    grid = view.grid
    assert grid.month == date(2024, 5, 1)
    assert grid.selected == TODAY and grid.today == TODAY
    assert view.title.text() == "May 2024"
    expected = {
        date(2024, 5, 13): {EntryKind.INTERVIEW: 1, EntryKind.EXPECTED_RESPONSE: 1},
        date(2024, 5, 14): {EntryKind.THANK_YOU_DEADLINE: 1, EntryKind.CUSTOM_REMINDER: 1},
        date(2024, 5, 15): {EntryKind.FOLLOW_UP: 1},
        date(2024, 5, 16): {EntryKind.INTERVIEW: 1},
        date(2024, 5, 17): {EntryKind.THANK_YOU_DEADLINE: 1},
        date(2024, 5, 18): {EntryKind.CUSTOM_REMINDER: 1},
        date(2024, 5, 19): {EntryKind.OFFER_DEADLINE: 1},
        date(2024, 5, 20): {EntryKind.EXPECTED_RESPONSE: 1},
        date(2024, 5, 21): {EntryKind.INTERVIEW: 1},  # 16:00 in New York is 22:00 in Berlin
        date(2024, 5, 22): {EntryKind.FOLLOW_UP: 1, EntryKind.THANK_YOU_DEADLINE: 1},
        date(2024, 5, 24): {EntryKind.EXPECTED_RESPONSE: 1},
        date(2024, 5, 28): {EntryKind.FOLLOW_UP: 1},
    }
    for day, counts in expected.items():
        assert grid.counts(day) == counts, day
    assert grid.counts(date(2024, 5, 12)) == grid.counts(date(2024, 5, 23)) == {}
    assert "1 follow-up" in grid.accessibleDescription()


def test_selecting_a_day_fills_the_agenda_and_a_click_opens_the_application(qtbot, view,
                                                                             window):
    assert agenda_titles(view) == ["Follow up: Orbit Health"]
    assert view.agenda_title.text() == "Wednesday 15 May 2024"
    qtbot.mouseClick(view.grid, Qt.MouseButton.LeftButton,
                     pos=view.grid.cell_center(date(2024, 5, 16)).toPoint())
    assert view.grid.selected == date(2024, 5, 16)
    qtbot.waitUntil(lambda: agenda_titles(view) == [
        "Interview: Kestrel Robotics — Pairing session"])
    index = view.agenda_model.index(0, 0)
    assert index.data() == ("09:30–11:30 · Interview · Interview: Kestrel Robotics — "
                            "Pairing session")
    rect = view.agenda.visualRect(index)
    qtbot.mouseClick(view.agenda.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.opened == [app_id("Kestrel Robotics")]


def test_enter_on_an_agenda_entry_opens_its_application(qtbot, view, window):
    select(qtbot, view, date(2024, 5, 19))
    assert agenda_titles(view) == ["Offer deadline: Orbit Health"]
    assert view.agenda_model.index(0, 0).data().startswith("by 17:00 · Offer deadline")
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)  # Enter on the day goes to its agenda
    assert view.agenda.hasFocus() or view.agenda.currentIndex().isValid()
    qtbot.keyClick(view.agenda, Qt.Key.Key_Return)
    assert window.opened == [app_id("Orbit Health")]


def test_a_reminder_without_an_application_says_so(qtbot, view, window, messages):
    select(qtbot, view, date(2024, 5, 18))
    (entry,) = view.agenda_model.entries()
    assert entry.application_id is None
    view.open_row(0)
    assert window.opened == []
    assert messages[-1][0] == "inform" and "belongs to no application" in messages[-1][2]


def test_keyboard_moves_days_and_months_and_home_returns(qtbot, view):
    grid = view.grid
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected == date(2024, 5, 16)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected == date(2024, 5, 23)
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected == date(2024, 5, 15)
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert grid.selected == date(2024, 6, 15) and grid.month == date(2024, 6, 1)
    assert view.title.text() == "June 2024"
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert grid.selected == date(2024, 4, 15) and view.title.text() == "April 2024"
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert grid.selected == TODAY and grid.month == date(2024, 5, 1)
    for _ in range(40):
        qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected == TODAY - timedelta(weeks=40)
    qtbot.mouseClick(view.today_button, Qt.MouseButton.LeftButton)
    assert grid.selected == TODAY
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert grid.month == date(2024, 6, 1)
    qtbot.mouseClick(view.previous_button, Qt.MouseButton.LeftButton)
    assert grid.month == date(2024, 5, 1)
    qtbot.waitUntil(lambda: view.agenda_title.text() == "Wednesday 15 May 2024")


def test_a_click_on_a_day_of_the_next_month_moves_there(qtbot, view):
    grid = view.grid
    last = grid.last_visible()
    assert last.month == 6
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(last).toPoint())
    assert grid.selected == last and grid.month == date(2024, 6, 1)


def test_week_start_follows_the_locale(qtbot, window, messages):
    from PySide6.QtCore import QLocale

    previous = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        us = CalendarView(window)
        qtbot.addWidget(us)
        assert us.grid.week_start == 6  # Sunday
        assert us.grid.first_visible() == date(2024, 4, 28)
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        de = CalendarView(window)
        qtbot.addWidget(de)
        assert de.grid.week_start == 0  # Monday
        assert de.grid.first_visible() == date(2024, 4, 29)
    finally:
        QLocale.setDefault(previous)


def test_week_mode_lists_the_whole_week(qtbot, view):
    view.set_week_mode(True)
    first, last = view.agenda_range()
    assert (last - first).days == 6
    assert first.weekday() == view.grid.week_start
    entries = view.agenda_model.entries()
    days = {entry.day_in(view.zone) for entry in entries}
    assert len(days) >= 5 and all(first <= day <= last for day in days)
    assert view.agenda_title.text().startswith("Week: ")
    assert all(view.agenda_model.index(row, 0).data()[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri",
                                                              "Sat", "Sun")
               for row in range(view.agenda_model.rowCount()))
    qtbot.mouseClick(view.day_button, Qt.MouseButton.LeftButton)
    assert view.agenda_range() == (TODAY, TODAY)


def test_an_empty_day_says_nothing_is_planned(qtbot, view):
    select(qtbot, view, date(2024, 5, 12))
    assert view.agenda_model.rowCount() == 0
    assert view.nothing.isVisible() and not view.agenda.isVisible()
    assert view.nothing.text() == "Nothing planned on this day."


def test_the_agenda_model_passes_the_model_tester(qtmodeltester, view):
    view.set_week_mode(True)
    assert view.agenda_model.rowCount() > 3
    qtmodeltester.check(view.agenda_model)
    empty = AgendaModel(view.zone)
    qtmodeltester.check(empty)


def test_legend_names_every_kind_with_its_shape(view):
    from PySide6.QtWidgets import QWidget

    names = {w.accessibleName() for w in view.legend.findChildren(QWidget)}
    assert {"Interview: filled circle", "Thank-you deadline: diamond", "Follow-up: triangle",
            "Expected response: ring", "Offer deadline: square",
            "Reminder: star"} <= names


# -- export ------------------------------------------------------------------------------------


def test_export_one_entry_from_its_context_menu(qtbot, view, monkeypatch, tmp_path, messages):
    target = tmp_path / "one.ics"
    asked = []
    monkeypatch.setattr(ExportDialog, "ask_path", classmethod(
        lambda cls, parent, suggested: asked.append(suggested) or str(target)))
    select(qtbot, view, date(2024, 5, 16))
    entry = view.agenda_model.entry(0)
    menu = view.entry_menu(entry)
    actions = {action.text(): action for action in menu.actions()}
    assert set(actions) == {"&Open application", "&Export to calendar file…"}
    actions["&Export to calendar file…"].trigger()
    assert asked and asked[0].endswith("interview-kestrel-robotics-pairing-session.ics")
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == entry.uid
    assert event.decoded("DTSTART") == entry.start
    assert messages[-1][0] == "inform"
    actions["&Open application"].trigger()
    assert view.window_.opened == [entry.application_id]
    menu.deleteLater()


def test_export_all_upcoming(view, monkeypatch, tmp_path, messages):
    from services.calendar import entries as calendar_entries
    from services.calendar import ics_export

    target = tmp_path / "all.ics"
    monkeypatch.setattr(ExportDialog, "ask_path",
                        classmethod(lambda cls, parent, suggested: str(target)))
    assert view.export_all()
    upcoming = calendar_entries.upcoming(NOW, view.zone)
    summary = ics_export.summarize(target.read_bytes())
    assert summary.events == len(upcoming) > 5
    assert f"Saved {len(upcoming)} upcoming entries" in messages[-1][2]
    monkeypatch.setattr(ExportDialog, "ask_path",
                        classmethod(lambda cls, parent, suggested: None))
    assert not view.export_all()


def test_export_to_an_unwritable_place_says_so(view, monkeypatch, tmp_path, messages):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    monkeypatch.setattr(ExportDialog, "ask_path", classmethod(
        lambda cls, parent, suggested: str(blocker / "sub" / "all.ics")))
    assert not view.export_all()
    assert messages[-1][0] == "warn" and "could not be written" in messages[-1][2]


# -- import ------------------------------------------------------------------------------------


def imported(qtbot, view, files):
    """Import ``files`` (read on a worker, then written) and wait for the report."""
    with qtbot.waitSignal(view.import_finished, timeout=30_000) as done:
        assert view.import_files(files) is not None
    return done.args[0]


def test_import_adds_the_interview_and_shows_it(qtbot, view, monkeypatch, messages):
    asked = []
    monkeypatch.setattr(ChooseApplication, "ask", classmethod(
        lambda cls, parent, invitation, candidates: asked.append(candidates) or None))
    changed = []
    view.data_changed.connect(changed.append)
    report = imported(qtbot, view, [DATA / "google_request.ics"])
    assert report.created == 1 and asked == []  # Lumen matched by the organizer's domain
    assert changed == [[app_id("Lumen Analytics")]]
    assert messages[-1][0] == "report" and "1 created" in messages[-1][2]
    assert view.grid.selected == date(2024, 5, 14)
    assert "Interview: Lumen Analytics — Technical interview – Lumen Analytics" in \
        agenda_titles(view)
    assert view.grid.counts(date(2024, 5, 14)).get(EntryKind.INTERVIEW) == 1


def test_import_asks_when_no_application_matches(qtbot, view, monkeypatch, tmp_path, messages):
    from models.application import Application

    path = tmp_path / "newco.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nMETHOD:REQUEST\r\n"
                     b"BEGIN:VEVENT\r\nUID:newco-1@x.example\r\nDTSTAMP:20240510T100000Z\r\n"
                     b"DTSTART:20240522T090000Z\r\nDTEND:20240522T100000Z\r\n"
                     b"SUMMARY:Interview\r\n"
                     b"ORGANIZER;CN=Nia Obi:mailto:nia@newco-labs.example\r\n"
                     b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    seen = []

    def choose(cls, parent, invitation, candidates):
        seen.append([c.company for c in candidates])
        return None

    monkeypatch.setattr(ChooseApplication, "ask", classmethod(choose))
    count = Application.select().count()
    report = imported(qtbot, view, [path])
    assert report.created == 1 and report.applications_created == 1
    assert "Lumen Analytics" in seen[0]  # the open applications to choose from
    assert Application.select().count() == count + 1
    assert Application.get(Application.company == "Newco Labs").stage == "interviewing"


def test_cancelling_the_question_imports_nothing(qtbot, view, monkeypatch, tmp_path, messages):
    from services.calendar.ics_import import ImportCancelled

    def cancel(cls, parent, invitation, candidates):
        raise ImportCancelled()

    monkeypatch.setattr(ChooseApplication, "ask", classmethod(cancel))
    path = tmp_path / "x.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n"
                     b"UID:unknown-1@x.example\r\nDTSTART:20240522T090000Z\r\n"
                     b"SUMMARY:Chat\r\nORGANIZER:mailto:a@unknown-co.example\r\n"
                     b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    report = imported(qtbot, view, [path])
    assert report.interrupted and report.created == 0
    assert "import cancelled" in messages[-1][2]


def test_import_dialog_and_a_bad_file(qtbot, view, monkeypatch, tmp_path, messages):
    from services.calendar.ics_import import ImportReport

    bad = tmp_path / "bad.ics"
    bad.write_bytes(b"<html>not a calendar</html>")
    monkeypatch.setattr(calendar_view.ImportDialog, "ask_files",
                        classmethod(lambda cls, parent: [str(bad)]))
    with qtbot.waitSignal(view.import_finished, timeout=30_000):
        view.import_invitations()
    assert messages[-1][0] == "report"
    assert "not a calendar (iCalendar) file" in messages[-1][2]
    monkeypatch.setattr(calendar_view.ImportDialog, "ask_files",
                        classmethod(lambda cls, parent: []))
    count = len(messages)
    view.import_invitations()
    assert len(messages) == count
    assert isinstance(imported(qtbot, view, [bad]), ImportReport)


# -- looks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_renders_in_light_and_dark_at_screenshot_size(qtbot, window, messages, theme, tmp_path):
    from PySide6.QtWidgets import QApplication

    from ui.shell.theme import apply_theme

    app = QApplication.instance()
    old_palette, old_dark = app.palette(), app.property("nextsteps_dark")
    try:
        apply_theme(app, theme)
        widget = CalendarView(window)
        qtbot.addWidget(widget)
        widget.resize(1020, 730)  # the section's size in a 1200 x 760 window
        widget.show()
        qtbot.waitExposed(widget)
        image = widget.grab().toImage()
        assert image.width() >= 1000
        background = image.pixelColor(widget.grid.mapTo(widget, widget.grid.rect().center()))
        assert (background.lightness() < 100) == (theme == "dark")
        widget.grab().save(str(tmp_path / f"calendar-{theme}.png"))
    finally:
        app.setPalette(old_palette)
        app.setProperty("nextsteps_dark", old_dark)


def test_works_inside_the_real_main_window(qtbot, demo, data_paths, messages, monkeypatch):
    from services.core.snapshot import read_snapshot
    from ui.shell.main_window import MainWindow

    window = MainWindow(data_paths, read_snapshot(data_paths), "t", demo)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(window, "open_editor", opened.append)
    view = CalendarView(window)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    select(qtbot, view, date(2024, 5, 16))
    view.open_row(0)
    assert opened == [app_id("Kestrel Robotics")]


# -- the dialogs themselves (their modal loops replaced) ---------------------------------------


def test_choose_application_dialog_lists_the_candidates(qtbot, monkeypatch, view):
    from PySide6.QtWidgets import QDialog, QListWidget

    from services.calendar.ics_import import Candidate, ImportCancelled, parse_invitations

    invitation = parse_invitations((DATA / "google_request.ics").read_bytes(),
                                   user_zone="Europe/Berlin").events[0]
    candidates = [Candidate(7, "Lumen Analytics", "Data Engineer", "interviewing",
                            "the organizer writes from @lumen-analytics.example"),
                  Candidate(9, "Lumen Analytics", "Analyst", "rejected", "")]
    seen = {}

    def accept(dialog):
        choices = dialog.findChild(QListWidget)
        seen["rows"] = [choices.item(row).text() for row in range(choices.count())]
        seen["current"] = choices.currentRow()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", accept)
    assert ChooseApplication.ask(view, invitation, candidates) == 7
    assert seen["rows"][0] == "Create a new application"
    assert seen["rows"][1].startswith("Lumen Analytics — Data Engineer (interviewing)")
    assert seen["current"] == 1
    monkeypatch.setattr(QDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    with pytest.raises(ImportCancelled):
        ChooseApplication.ask(view, invitation, candidates)


def test_file_dialogs_and_the_report_box(qtbot, monkeypatch, view, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from services.calendar.ics_import import ImportReport

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(tmp_path / "x"), "")))
    assert calendar_view.ExportDialog.ask_path(view, "y.ics") == str(tmp_path / "x.ics")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: ("", "")))
    assert calendar_view.ExportDialog.ask_path(view, "y.ics") is None
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *args, **kwargs: (["a.ics", "b.ics"], "")))
    assert calendar_view.ImportDialog.ask_files(view) == ["a.ics", "b.ics"]
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        (box.text(), box.detailedText())) or 0)
    report = ImportReport(lines=["x.ics: 1 event read.", "  Created: …"], created=1)
    monkeypatch.undo()  # CalendarMessages itself, not the fixture's stand-in
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        (box.text(), box.detailedText())) or 0)
    CalendarMessages.show_report(view, report)
    assert shown == [("Interviews: 1 created.", report.text())]


def test_the_day_is_checked_at_local_midnight_not_every_minute(pinned_clock, view):
    """An idle calendar wakes up when the day changes (a single-shot timer to the next
    local midnight, capped at six hours), and then marks the new today."""
    timer = view._day_timer
    assert timer.isSingleShot() and timer.isActive()
    # NOW is 10:00 in Berlin: the next check is the cap, six hours away.
    assert timer.interval() == calendar_view.DAY_CHECK_MAX_MS
    pinned_clock.pin(datetime(2024, 5, 15, 21, 59, 30, tzinfo=UTC))  # 23:59:30 in Berlin
    view._check_day()
    assert view.grid.today == TODAY
    assert timer.interval() == 31_000
    pinned_clock.pin(datetime(2024, 5, 15, 22, 0, 1, tzinfo=UTC))  # 00:00:01 in Berlin
    view._check_day()
    assert view.grid.today == TODAY + timedelta(days=1)
