"""Imports in the window read their files on a worker thread behind a progress dialog, keep
the window answering, and write on the UI thread, one transaction per file (ui.data.import_job)."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from tests.conftest import FIXTURES
from ui.calendar.dialogs import CalendarMessages, ChooseApplication
from ui.data import file_actions, import_job
from ui.data.file_actions import FileDialogs

ICS = FIXTURES / "ics"
NOW = datetime(2024, 5, 15, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_now(pinned_clock):
    pinned_clock.pin(NOW)


class StandInWindow(QWidget):
    """What File → Import needs from the main window."""

    def __init__(self, paths, store) -> None:
        super().__init__()
        self.paths = paths
        self.store = store
        self.refreshed = 0
        self._calendar = None

    def ensure_store(self):
        return self.store

    def view(self, key: str):
        from ui.calendar.view import CalendarView

        assert key == "calendar"
        if self._calendar is None:
            self._calendar = CalendarView(self)
        return self._calendar

    def after_data_changed(self) -> None:
        self.refreshed += 1

    def open_editor(self, application_id) -> None:
        pass

    def local_zone_name(self) -> str:
        return "Europe/Berlin"


@pytest.fixture
def told(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(FileDialogs, "tell", classmethod(
        lambda cls, parent, title, text: shown.append(text)))
    return shown


@pytest.fixture
def messages(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(CalendarMessages, "show_report", classmethod(
        lambda cls, parent, report: shown.append(("report", report.text()))))
    monkeypatch.setattr(CalendarMessages, "warn", classmethod(
        lambda cls, parent, title, text: shown.append(("warn", text))))
    monkeypatch.setattr(ChooseApplication, "ask", classmethod(
        lambda cls, parent, invitation, candidates: None))
    return shown


@pytest.fixture
def window(qtbot, store, data_paths):
    widget = StandInWindow(data_paths, store)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def rounds() -> int:
    from models.interview import InterviewRound

    return InterviewRound.select().count()


def progress_dialogs() -> list[QProgressDialog]:
    return [widget for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QProgressDialog) and widget.isVisible()]


class Pipe:
    """A named pipe posing as an .ics file: reading it waits until the test writes it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "slow.ics"
        os.mkfifo(self.path)

    def write(self, data: bytes) -> None:
        descriptor = os.open(self.path, os.O_WRONLY)  # waits for the reader to open it
        try:
            os.write(descriptor, data)
        finally:
            os.close(descriptor)


def test_the_window_answers_while_a_file_is_read_and_the_writing_waits(
        qtbot, window, messages, tmp_path):
    calendar = window.view("calendar")
    pipe = Pipe(tmp_path)
    ticks = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)

    job = calendar.import_files([pipe.path])

    # The worker now waits on the pipe; the UI thread goes on handling events.
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=10_000)
    (dialog,) = progress_dialogs()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert import_job.busy() and job.running
    assert rounds() == 0 and messages == []
    with qtbot.waitSignal(calendar.import_finished, timeout=30_000) as finished:
        pipe.write((ICS / "google_request.ics").read_bytes())
    timer.stop()
    assert finished.args[0].created == 1 and rounds() == 1
    assert messages[-1][0] == "report" and "1 created" in messages[-1][1]
    qtbot.waitUntil(lambda: not progress_dialogs(), timeout=10_000)
    assert not import_job.busy()


def test_cancel_while_reading_writes_nothing(qtbot, window, messages, tmp_path):
    calendar = window.view("calendar")
    pipe = Pipe(tmp_path)
    job = calendar.import_files([pipe.path])
    qtbot.waitUntil(lambda: bool(progress_dialogs()), timeout=10_000)
    (dialog,) = progress_dialogs()
    # The worker says it reads the file, then waits on the pipe.
    qtbot.waitUntil(lambda: dialog.labelText() == "Reading slow.ics…", timeout=10_000)
    (cancel,) = dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    with qtbot.waitSignal(job.finished, timeout=30_000) as finished:
        pipe.write((ICS / "google_request.ics").read_bytes())
    assert finished.args == [None]
    assert ("warn", "The import was cancelled; nothing was imported.") in messages
    assert rounds() == 0


def test_a_second_import_waits_for_the_first(qtbot, window, messages, told, tmp_path):
    calendar = window.view("calendar")
    pipe = Pipe(tmp_path)
    job = calendar.import_files([pipe.path])
    assert file_actions.import_files(window, [str(FIXTURES / "google_sheets.csv")]) is None
    assert "Another import is still running" in told[-1]
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pipe.write((ICS / "google_request.ics").read_bytes())


def test_file_import_reads_on_a_worker_with_progress_and_writes_each_file(
        qtbot, window, messages, told, tmp_path, monkeypatch):
    from models.application import Application

    big = tmp_path / "big.csv"
    big.write_text("Company,Role\n" + "".join(f"Firm {n},Engineer {n}\n" for n in range(5000)),
                   encoding="utf-8")
    asked = []
    monkeypatch.setattr(FileDialogs, "import_valid_rows", classmethod(
        lambda cls, parent, name, report: asked.append((name, report)) or True))
    reported: list[tuple[int, int, str, bool]] = []
    ui_thread = threading.get_ident()

    job = file_actions.import_files(window, [str(big), str(FIXTURES / "with_bad_rows.csv"),
                                             str(ICS / "zoom_publish.ics")])
    # Connected directly, the slot runs where the signal is emitted: on the worker.
    job.progressed.connect(
        lambda done, total, text: reported.append(
            (done, total, text, threading.get_ident() != ui_thread)),
        Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(job.finished, timeout=60_000) as finished:
        pass
    lines = finished.args[0]
    assert lines[0].startswith("big.csv: 5000 applications imported")
    assert lines[1].startswith("with_bad_rows.csv: 2 applications imported, 3 rows rejected")
    assert "zoom_publish.ics: 1 event read." in lines[2]
    assert asked and asked[0][0] == "with_bad_rows.csv" and "Row 3:" in asked[0][1]
    assert told == ["\n\n".join(lines)] and window.refreshed == 1
    assert Application.select().count() == 5000 + 2 + 1
    assert all(on_worker for *_rest, on_worker in reported)
    assert any(text.startswith("Checking big.csv (1 of 3): row 2,000 of 5,000")
               for _done, _total, text, _worker in reported)


def test_a_refused_spreadsheet_and_an_unreadable_backup_change_nothing(
        qtbot, window, told, tmp_path, monkeypatch):
    from models.application import Application

    monkeypatch.setattr(FileDialogs, "import_valid_rows", classmethod(
        lambda cls, parent, name, report: False))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    job = file_actions.import_files(window, [str(FIXTURES / "with_bad_rows.csv"), str(broken),
                                             str(tmp_path / "notes.docx")])
    with qtbot.waitSignal(job.finished, timeout=30_000) as finished:
        pass
    text = "\n".join(finished.args[0])
    assert "notes.docx: not imported" in text
    assert "with_bad_rows.csv: nothing imported. 3 of 6 rows" in text
    assert "broken.json: nothing imported. broken.json cannot be imported" in text
    assert Application.select().count() == 0


@pytest.mark.parametrize("answer", [True, False])
def test_the_window_asks_before_leaving_out_unusable_events(
        qtbot, window, messages, monkeypatch, answer):
    asked = []
    monkeypatch.setattr(import_job.ImportQuestions, "import_valid_events", classmethod(
        lambda cls, parent, file: asked.append((file.name, len(file.parsed.rejected)))
        or answer))
    calendar = window.view("calendar")
    with qtbot.waitSignal(calendar.import_finished, timeout=30_000) as finished:
        calendar.import_files([ICS / "several_events.ics"])
    report = finished.args[0]
    assert asked == [("several_events.ics", 3)]
    assert (report.created, report.rejected, report.ok) == ((2, 3, True) if answer
                                                            else (0, 3, False))
    assert rounds() == (2 if answer else 0)
