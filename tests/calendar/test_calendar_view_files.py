"""Export to and import from calendar files in the Calendar section (ui.calendar.view), and the
dialogs they use (their modal loops replaced)."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QListWidget, QMessageBox

from models.application import Application
from services.calendar import entries as calendar_entries
from services.calendar import ics_export
from services.calendar.entry_types import EntryKind
from services.calendar.invitation_matching import Candidate, ImportCancelled
from services.calendar.invitation_report import ImportReport
from services.calendar.invitations import parse_invitations
from tests.calendar.view_support import DATA, NOW, agenda_titles, app_id, select
from ui.calendar.dialogs import CalendarMessages, ChooseApplication, ExportDialog, ImportDialog

pytestmark = pytest.mark.usefixtures("at_now")


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
    bad = tmp_path / "bad.ics"
    bad.write_bytes(b"<html>not a calendar</html>")
    monkeypatch.setattr(ImportDialog, "ask_files",
                        classmethod(lambda cls, parent: [str(bad)]))
    with qtbot.waitSignal(view.import_finished, timeout=30_000):
        view.import_invitations()
    assert messages[-1][0] == "report"
    assert "not a calendar (iCalendar) file" in messages[-1][2]
    monkeypatch.setattr(ImportDialog, "ask_files",
                        classmethod(lambda cls, parent: []))
    count = len(messages)
    view.import_invitations()
    assert len(messages) == count
    assert isinstance(imported(qtbot, view, [bad]), ImportReport)


# -- the dialogs themselves (their modal loops replaced) ---------------------------------------


def test_choose_application_dialog_lists_the_candidates(qtbot, monkeypatch, view):
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
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(tmp_path / "x"), "")))
    assert ExportDialog.ask_path(view, "y.ics") == str(tmp_path / "x.ics")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: ("", "")))
    assert ExportDialog.ask_path(view, "y.ics") is None
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *args, **kwargs: (["a.ics", "b.ics"], "")))
    assert ImportDialog.ask_files(view) == ["a.ics", "b.ics"]
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        (box.text(), box.detailedText())) or 0)
    report = ImportReport(lines=["x.ics: 1 event read.", "  Created: …"], created=1)
    monkeypatch.undo()  # CalendarMessages itself, not the fixture's stand-in
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        (box.text(), box.detailedText())) or 0)
    CalendarMessages.show_report(view, report)
    assert shown == [("Interviews: 1 created.", report.text())]
