"""One interview round: when and where, who was there, how it ended, and what it means.

The application editor shows a :class:`RoundEditor` and starts rounds with
:func:`new_round`; :func:`zone_names` also fills the offer dialog's zone list. The "How it
ended" box is built in :mod:`ui.applications.round_signals`, the "What it means" panel in
:mod:`ui.applications.round_meaning`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.applications.editor_data import InterviewerData, RoundData
from ui.applications.round_meaning import build_meaning_panel, meaning_of
from ui.applications.round_signals import build_ending_box
from ui.shell.accessible import make_steppable, message_label

INTERVIEWER_COLUMNS = ("Name", "Title", "Email", "What we talked about")

_zone_names: list[str] | None = None


def zone_names() -> list[str]:
    """Every IANA time zone name, sorted (read once)."""
    global _zone_names
    if _zone_names is None:
        _zone_names = sorted(available_timezones())
    return _zone_names


class RoundEditor(QWidget):
    """Edits one :class:`RoundData` in place; ``changed`` fires on every edit."""

    changed = Signal()
    compose_requested = Signal()

    def __init__(self, default_zone: str, default_business_days: int, parent=None) -> None:
        super().__init__(parent)
        self.default_zone = default_zone
        self.default_business_days = default_business_days
        self.round: RoundData | None = None
        self._loading = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._build_when_box())
        outer.addWidget(self._build_people_box())
        bottom = QHBoxLayout()
        # These two set their fields on self (closing_phrase, signal_boxes, …, verdict, plan).
        bottom.addWidget(build_ending_box(self), 3)
        bottom.addWidget(build_meaning_panel(self), 2)
        outer.addLayout(bottom)
        outer.addStretch(1)
        self._watch_edits()
        self.setEnabled(False)

    # -- building -------------------------------------------------------------------
    def _build_when_box(self) -> QGroupBox:
        """The title, the day and times with their zone, the place, and "cancelled"."""
        when = QGroupBox("When and where", self)
        form = QFormLayout(when)
        self.title = QLineEdit(when)
        self.title.setPlaceholderText("Phone screen, technical interview, final round…")
        form.addRow(self._label("&Round", self.title), self.title)
        row = QHBoxLayout()
        self.day = QDateEdit(when)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setAccessibleName("Interview date")
        self.start = QTimeEdit(when)
        self.start.setDisplayFormat("HH:mm")
        self.start.setAccessibleName("Start time")
        self.end = QTimeEdit(when)
        self.end.setDisplayFormat("HH:mm")
        self.end.setAccessibleName("End time")
        for field in (self.day, self.start, self.end):
            make_steppable(field)
        row.addWidget(self.day)
        row.addWidget(QLabel("from", when))
        row.addWidget(self.start)
        row.addWidget(QLabel("to", when))
        row.addWidget(self.end)
        self.zone = QComboBox(when)
        self.zone.setEditable(True)
        self.zone.setAccessibleName("Time zone")
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(zone_names())
        self.zone.setMinimumContentsLength(16)
        row.addWidget(self._label("time &zone", self.zone))
        row.addWidget(self.zone, 1)
        form.addRow(self._label("&Date", self.day), row)
        self._add_place_row(form, when)
        self.cancelled = QCheckBox("This interview was cancelled", when)
        form.addRow("", self.cancelled)
        return when

    def _add_place_row(self, form: QFormLayout, when: QGroupBox) -> None:
        """The office address or phone, beside the video link."""
        place_row = QHBoxLayout()
        self.location = QLineEdit(when)
        self.location.setPlaceholderText("Office address, or phone")
        self.video_link = QLineEdit(when)
        self.video_link.setPlaceholderText("Video link: https://…")
        self.video_link.setAccessibleName("Video link")
        place_row.addWidget(self.location, 1)
        place_row.addWidget(self.video_link, 1)
        form.addRow(self._label("&Place", self.location), place_row)

    def _build_people_box(self) -> QGroupBox:
        """The interviewers' table, its buttons, and who has been thanked."""
        people = QGroupBox("Interviewers", self)
        people_layout = QVBoxLayout(people)
        people_layout.addWidget(self._build_interviewer_table(people))
        buttons = QHBoxLayout()
        self.add_person = QPushButton("Add interviewer", people)
        self.add_person.clicked.connect(self.add_interviewer)
        self.remove_person = QPushButton("Remove interviewer", people)
        self.remove_person.clicked.connect(self.remove_interviewer)
        buttons.addWidget(self.add_person)
        buttons.addWidget(self.remove_person)
        buttons.addStretch(1)
        self.compose_button = QPushButton("Write thank-you notes…", people)
        self.compose_button.setToolTip("One personal note per interviewer (saves first)")
        self.compose_button.clicked.connect(self.compose_requested.emit)
        buttons.addWidget(self.compose_button)
        people_layout.addLayout(buttons)
        self.thanked = QLabel(people)
        message_label(self.thanked, "Thank-you notes")
        self.thanked.setWordWrap(True)
        people_layout.addWidget(self.thanked)
        return people

    def _build_interviewer_table(self, people: QGroupBox) -> QTableWidget:
        """One row per interviewer: name, title, email, what you talked about."""
        self.interviewers = QTableWidget(0, len(INTERVIEWER_COLUMNS), people)
        self.interviewers.setAccessibleName("Interviewers")
        self.interviewers.setHorizontalHeaderLabels(list(INTERVIEWER_COLUMNS))
        self.interviewers.verticalHeader().setVisible(False)
        self.interviewers.horizontalHeader().setStretchLastSection(True)
        self.interviewers.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((150, 150, 190)):
            self.interviewers.setColumnWidth(column, width)
        self.interviewers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.interviewers.setMinimumHeight(110)
        self.interviewers.setMaximumHeight(170)
        self.interviewers.setWordWrap(False)
        return self.interviewers

    def _watch_edits(self) -> None:
        """Every edit goes straight into the round (see :meth:`_store`)."""
        for widget in (self.title, self.location, self.video_link):
            widget.textChanged.connect(self._store)
        self.closing_phrase.currentTextChanged.connect(self._store)
        self.zone.currentTextChanged.connect(self._store)
        self.day.dateChanged.connect(self._store)
        for widget in (self.start, self.end):
            widget.timeChanged.connect(self._store)
        self.cancelled.toggled.connect(self._store)
        self.asked_timeframe.toggled.connect(self._store)
        self.timeframe_value.valueChanged.connect(self._store)
        self.timeframe_unit.currentIndexChanged.connect(self._store)
        for box in self.signal_boxes.values():
            box.toggled.connect(self._store)
        self.interviewers.itemChanged.connect(self._store)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # -- loading a round ----------------------------------------------------------
    def edit(self, round_data: RoundData | None) -> None:
        """Show ``round_data`` (edits go straight into it); None shows nothing."""
        self.round = round_data
        self.setEnabled(round_data is not None)
        if round_data is None:
            return
        self._loading = True
        try:
            zone_name = round_data.tz_name or self.default_zone
            self.zone.setCurrentText(zone_name)
            if round_data.starts_at is not None:
                try:
                    local = round_data.starts_at.astimezone(ZoneInfo(zone_name))
                except (ValueError, KeyError):
                    local = round_data.starts_at
                self.day.setDate(QDate(local.year, local.month, local.day))
                self.start.setTime(QTime(local.hour, local.minute))
                end = local + timedelta(minutes=round_data.duration_minutes)
                self.end.setTime(QTime(end.hour, end.minute))
            self.title.setText(round_data.title)
            self.location.setText(round_data.location)
            self.video_link.setText(round_data.video_link)
            self.cancelled.setChecked(round_data.cancelled)
            self.closing_phrase.setCurrentText(round_data.closing_phrase)
            for key, box in self.signal_boxes.items():
                box.setChecked(key in round_data.signals)
            self.asked_timeframe.setChecked(round_data.asked_timeframe)
            self.timeframe_value.setValue(round_data.timeframe_value or 0)
            unit_row = self.timeframe_unit.findData(round_data.timeframe_unit or "days")
            self.timeframe_unit.setCurrentIndex(max(unit_row, 0))
            self.interviewers.setRowCount(0)
            for person in round_data.interviewers:
                self._append_interviewer_row(person)
        finally:
            self._loading = False
        self._update_meaning()

    def show_thanked(self, entries: list) -> None:
        """Show who has a draft, who was thanked and when, for this round."""
        if self.round is None or self.round.id is None:
            self.thanked.setText("")
            return
        states = {"sent": "thanked", "marked_sent": "thanked", "draft": "draft written",
                  "failed": "not sent (failed)", "uncertain": "may have been sent",
                  "queued": "waiting to send", "sending": "sending", "none": "not yet"}
        parts = []
        for entry in entries:
            if entry.round_id not in (None, self.round.id):
                continue
            text = f"{entry.name}: {states.get(entry.state, entry.state)}"
            if entry.sent_at is not None:
                text += f" {entry.sent_at.astimezone(clock.user_zone()):%d %b %H:%M}"
            parts.append(text)
        self.thanked.setText("Thank-you notes — " + " · ".join(parts) if parts else "")

    def _append_interviewer_row(self, person: InterviewerData) -> None:
        row = self.interviewers.rowCount()
        self.interviewers.insertRow(row)
        for column, value in enumerate((person.name, person.title, person.email,
                                        person.discussed)):
            item = QTableWidgetItem(value)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.interviewers.setItem(row, column, item)

    # -- editing ------------------------------------------------------------------
    def add_interviewer(self) -> None:
        """Add an empty interviewer row and start typing the name."""
        if self.round is None:
            return
        self._loading = True
        self._append_interviewer_row(InterviewerData())
        self._loading = False
        self._store()
        row = self.interviewers.rowCount() - 1
        self.interviewers.setCurrentCell(row, 0)
        self.interviewers.editItem(self.interviewers.item(row, 0))

    def remove_interviewer(self) -> None:
        """Remove the selected interviewer row."""
        row = self.interviewers.currentRow()
        if row >= 0:
            self.interviewers.removeRow(row)
            self._store()

    def _interviewers_from_table(self) -> list[InterviewerData]:
        people = []
        for row in range(self.interviewers.rowCount()):
            cells = [self.interviewers.item(row, column) for column in range(4)]
            texts = [cell.text() if cell is not None else "" for cell in cells]
            person_id = cells[0].data(Qt.ItemDataRole.UserRole) if cells[0] else None
            people.append(InterviewerData(person_id, *texts))
        return people

    def _starts_at(self) -> datetime | None:
        try:
            zone = ZoneInfo(self.zone.currentText().strip())
        except (ValueError, KeyError):
            zone = ZoneInfo("UTC")
        qdate, qtime = self.day.date(), self.start.time()
        return datetime(qdate.year(), qdate.month(), qdate.day(), qtime.hour(), qtime.minute(),
                        tzinfo=zone)

    def _duration(self) -> int:
        start, end = self.start.time(), self.end.time()
        return (end.hour() * 60 + end.minute()) - (start.hour() * 60 + start.minute())

    def _store(self, *_args) -> None:
        if self._loading or self.round is None:
            return
        data = self.round
        data.title = self.title.text()
        data.tz_name = self.zone.currentText().strip()
        data.starts_at = self._starts_at()
        data.duration_minutes = self._duration()
        data.location = self.location.text()
        data.video_link = self.video_link.text()
        data.cancelled = self.cancelled.isChecked()
        data.closing_phrase = self.closing_phrase.currentText()
        data.signals = {key for key, box in self.signal_boxes.items() if box.isChecked()}
        data.asked_timeframe = self.asked_timeframe.isChecked()
        value = self.timeframe_value.value()
        data.timeframe_value = value or None
        data.timeframe_unit = self.timeframe_unit.currentData() if value else None
        data.interviewers = self._interviewers_from_table()
        self._update_meaning()
        self.changed.emit()

    def _update_meaning(self) -> None:
        if self.round is None:
            return
        meaning = meaning_of(self.round, self.default_business_days)
        self.verdict.setText(meaning.verdict)
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.reasons.setText(meaning.reasons)
        self.expected.setText(meaning.expected)
        self.plan.setText(meaning.plan)


def new_round(zone_name: str, today: date | None = None) -> RoundData:
    """A fresh round: today at 10:00 in ``zone_name``, one hour."""
    day = today or clock.today()
    try:
        zone = ZoneInfo(zone_name)
    except (ValueError, KeyError):
        zone, zone_name = ZoneInfo("UTC"), "UTC"
    return RoundData(starts_at=datetime.combine(day, time(10, 0), tzinfo=zone),
                     tz_name=zone_name, duration_minutes=60)
