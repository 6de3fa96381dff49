"""One interview round: when and where, who was there, how it ended, and what it means."""

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
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.values import TIMEFRAME_UNIT_LABELS, TimeframeUnit
from services.applications import prospects as outlook
from services.applications.editing import InterviewerData, RoundData
from ui.shell.accessible import buddy_label, make_steppable, message_label

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
        place_row = QHBoxLayout()
        self.location = QLineEdit(when)
        self.location.setPlaceholderText("Office address, or phone")
        self.video_link = QLineEdit(when)
        self.video_link.setPlaceholderText("Video link: https://…")
        self.video_link.setAccessibleName("Video link")
        place_row.addWidget(self.location, 1)
        place_row.addWidget(self.video_link, 1)
        form.addRow(self._label("&Place", self.location), place_row)
        self.cancelled = QCheckBox("This interview was cancelled", when)
        form.addRow("", self.cancelled)
        outer.addWidget(when)

        people = QGroupBox("Interviewers", self)
        people_layout = QVBoxLayout(people)
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
        people_layout.addWidget(self.interviewers)
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
        outer.addWidget(people)

        ending = QGroupBox("How it ended", self)
        ending_layout = QVBoxLayout(ending)
        phrase_form = QFormLayout()
        self.closing_phrase = QComboBox(ending)
        self.closing_phrase.setEditable(True)
        self.closing_phrase.setAccessibleName("Closing phrase")
        self.closing_phrase.addItem("")
        self.closing_phrase.addItems(list(outlook.CLOSING_PHRASE_PRESETS))
        self.closing_phrase.lineEdit().setPlaceholderText("What did they say at the end?")
        phrase_form.addRow(self._label("They &said", self.closing_phrase), self.closing_phrase)
        ending_layout.addLayout(phrase_form)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Hopeful signs</b>", ending), 0, 0)
        grid.addWidget(QLabel("<b>Worrying signs</b>", ending), 0, 1)
        self.signal_boxes: dict[str, QCheckBox] = {}
        rows = {True: 1, False: 1}
        for signal in outlook.SIGNALS:
            box = QCheckBox(signal.label, ending)
            positive = signal.weight > 0
            grid.addWidget(box, rows[positive], 0 if positive else 1)
            rows[positive] += 1
            self.signal_boxes[signal.key] = box
        ending_layout.addLayout(grid)
        timeframe = QHBoxLayout()
        self.asked_timeframe = QCheckBox("I asked how long it takes; they said", ending)
        self.timeframe_value = QSpinBox(ending)
        self.timeframe_value.setRange(0, 9999)
        self.timeframe_value.setSpecialValueText("—")
        self.timeframe_value.setAccessibleName("Time frame")
        self.timeframe_unit = QComboBox(ending)
        self.timeframe_unit.setAccessibleName("Time frame unit")
        for unit in TimeframeUnit:
            self.timeframe_unit.addItem(TIMEFRAME_UNIT_LABELS[unit], unit.value)
        timeframe.addWidget(self.asked_timeframe)
        timeframe.addWidget(self.timeframe_value)
        timeframe.addWidget(buddy_label("&unit", self.timeframe_unit, ending))
        timeframe.addWidget(self.timeframe_unit)
        timeframe.addStretch(1)
        ending_layout.addLayout(timeframe)
        ending_layout.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(ending, 3)

        self.meaning = QFrame(self)
        self.meaning.setObjectName("OutlookPanel")
        self.meaning.setFrameShape(QFrame.Shape.StyledPanel)
        meaning_layout = QVBoxLayout(self.meaning)
        heading = QLabel("<b>What it means</b>", self.meaning)
        meaning_layout.addWidget(heading)
        # Each sentence is the label's accessible name; its role is the description.
        self.verdict, self.reasons, self.expected, self.plan = (
            message_label(QLabel(self.meaning), role)
            for role in ("Outlook", "Reasons", "Expected response", "Plan"))
        for label in (self.verdict, self.reasons, self.expected, self.plan):
            label.setWordWrap(True)
            meaning_layout.addWidget(label)
        self.plan.setTextFormat(Qt.TextFormat.PlainText)
        meaning_layout.addStretch(1)
        bottom.addWidget(self.meaning, 2)
        outer.addLayout(bottom)
        outer.addStretch(1)

        for widget in (self.title, self.location, self.video_link):
            widget.textChanged.connect(self._store)
        self.closing_phrase.currentTextChanged.connect(self._store)
        self.zone.currentTextChanged.connect(self._store)
        for widget in (self.day,):
            widget.dateChanged.connect(self._store)
        for widget in (self.start, self.end):
            widget.timeChanged.connect(self._store)
        self.cancelled.toggled.connect(self._store)
        self.asked_timeframe.toggled.connect(self._store)
        self.timeframe_value.valueChanged.connect(self._store)
        self.timeframe_unit.currentIndexChanged.connect(self._store)
        for box in self.signal_boxes.values():
            box.toggled.connect(self._store)
        self.interviewers.itemChanged.connect(self._store)
        self.setEnabled(False)

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
        data = self.round
        if data is None:
            return
        reading = outlook.assess(data.signals)
        self.verdict.setText(f"{reading.verdict.label}. {reading.summary()}" if not reading.reasons
                             else
                             f"{reading.verdict.label} (score {reading.score:+d}), "
                             "but nobody can tell yet.")
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        if reading.reasons:
            self.reasons.setText("\n".join(reading.reasons))
        else:
            self.reasons.setText("Tick the signs you noticed; the reasons appear here.")
        day = self._interview_day()
        if day is None:
            self.expected.setText("")
        else:
            expected = outlook.expected_response(day, data.timeframe_value, data.timeframe_unit,
                                                 self.default_business_days)
            problem = outlook.timeframe_problem(data.timeframe_value, data.timeframe_unit)
            note = f" ({problem})" if problem else ""
            self.expected.setText(
                f"Expect an answer by {expected.date:%A %d %B %Y}. {expected.basis}{note}")
        self.plan.setText("Whatever it says:\n" + "\n".join(f"•  {step}" for step in reading.plan))

    def _interview_day(self) -> date | None:
        if self.round is None or self.round.starts_at is None:
            return None
        try:
            return self.round.starts_at.astimezone(ZoneInfo(self.round.tz_name)).date()
        except (ValueError, KeyError):
            return self.round.starts_at.date()


def new_round(zone_name: str, today: date | None = None) -> RoundData:
    """A fresh round: today at 10:00 in ``zone_name``, one hour."""
    day = today or clock.today()
    try:
        zone = ZoneInfo(zone_name)
    except (ValueError, KeyError):
        zone, zone_name = ZoneInfo("UTC"), "UTC"
    return RoundData(starts_at=datetime.combine(day, time(10, 0), tzinfo=zone),
                     tz_name=zone_name, duration_minutes=60)
