"""The application editor: the job, the channel, the stage and its history, the rounds.

Nothing typed is lost: the form is kept on disk a moment after every change
(:mod:`services.form_drafts`), closing with unsaved changes asks first, and a
save that fails validation keeps every field as it was and says what to fix.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.values import STAGE_LABELS, Channel, Stage
from services import applications, form_drafts
from services.applications import ApplicationData, RoundData, ValidationError
from ui.round_editor import RoundEditor, new_round

log = logging.getLogger(__name__)

NOT_SET = QDate(1900, 1, 1)


class UnsavedChanges:
    """Asks what to do with unsaved changes; tests replace :meth:`ask`."""

    SAVE, DISCARD, KEEP_EDITING = "save", "discard", "keep"

    @classmethod
    def ask(cls, parent: QWidget) -> str:
        """SAVE, DISCARD or KEEP_EDITING."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "This application has changes that are not saved yet.", parent=parent)
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            return cls.SAVE
        if box.clickedButton() is discard:
            return cls.DISCARD
        return cls.KEEP_EDITING


class RestoreDraft:
    """Offers to bring back a form kept on disk; tests replace :meth:`ask`."""

    @classmethod
    def ask(cls, parent: QWidget, saved_at) -> bool:
        """True when the user wants the unsaved text back."""
        answer = QMessageBox.question(
            parent, "Unsaved changes found",
            f"You were editing this application on {saved_at:%d %b %Y at %H:%M} UTC and the "
            "changes were not saved. Bring them back?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes


def _stage_entry_text(entry) -> str:
    to_label = STAGE_LABELS.get(Stage(entry.to_stage), entry.to_stage)
    when = entry.changed_at.astimezone().strftime("%d %b %Y, %H:%M")
    if entry.from_stage is None:
        return f"{when}   {to_label}"
    from_label = STAGE_LABELS.get(Stage(entry.from_stage), entry.from_stage)
    return f"{when}   {from_label} → {to_label}"


class ApplicationEditor(QDialog):
    """Edits one application (or a new one) with its rounds and interviewers."""

    saved = Signal(int)

    def __init__(self, window, application_id: int | None = None) -> None:
        super().__init__(window)
        from services import settings

        window.ensure_store()
        self.paths = window.paths
        self.application_id = application_id
        self.draft_key = f"application-{application_id or 'new'}"
        self.default_zone = getattr(window, "local_zone_name", lambda: "UTC")()
        self.default_business_days = settings.get("outlook.default_response_business_days")
        self.setWindowTitle("New application" if application_id is None else "Application")
        self.setMinimumSize(820, 620)
        self.resize(980, 760)

        if application_id is None:
            self.data = ApplicationData()
        else:
            self.data = applications.load(application_id)
        self._saved_state = applications.to_dict(self.data)
        self._loading = False

        layout = QVBoxLayout(self)
        self.problems = QLabel(self)
        self.problems.setObjectName("ProblemBanner")
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems to fix before saving")
        self.problems.setStyleSheet(
            "QLabel#ProblemBanner { background: #fdecea; color: #6b1a12; border: 1px solid #e0a39a;"
            " border-radius: 4px; padding: 8px; }")
        self.problems.hide()
        layout.addWidget(self.problems)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Application sections")
        self.tabs.addTab(self._build_application_tab(), "&Application")
        self.tabs.addTab(self._build_rounds_tab(), "&Interviews")
        layout.addWidget(self.tabs, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip("Save (Ctrl+S)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(400)
        self._draft_timer.timeout.connect(self.keep_draft)

        self.populate(self.data)
        self._offer_draft()
        self.company.setFocus()

    # -- building -----------------------------------------------------------------
    def _build_application_tab(self) -> QWidget:
        page = QWidget()
        outer = QHBoxLayout(page)

        left = QVBoxLayout()
        job = QGroupBox("The job", page)
        form = QFormLayout(job)
        self.company = QLineEdit(job)
        self.role = QLineEdit(job)
        self.posting_url = QLineEdit(job)
        self.posting_url.setPlaceholderText("https://…")
        self.applied_on = QDateEdit(job)
        self.applied_on.setCalendarPopup(True)
        self.applied_on.setDisplayFormat("d MMM yyyy")
        self.applied_on.setMinimumDate(NOT_SET)
        self.applied_on.setSpecialValueText("Not set")
        self.salary_notes = QLineEdit(job)
        self.salary_notes.setPlaceholderText("Range in the posting, what you asked for…")
        for text, widget in (("&Company", self.company), ("&Role", self.role),
                             ("Posting &link", self.posting_url),
                             ("Applied &on", self.applied_on),
                             ("Sa&lary notes", self.salary_notes)):
            label = QLabel(text, job)
            label.setBuddy(widget)
            form.addRow(label, widget)
        left.addWidget(job)

        channel = QGroupBox("How you applied", page)
        channel_layout = QVBoxLayout(channel)
        radios = QHBoxLayout()
        self.direct = QRadioButton("&Directly", channel)
        self.agency = QRadioButton("Through a staffing a&gency", channel)
        self.channel_group = QButtonGroup(self)
        self.channel_group.addButton(self.direct)
        self.channel_group.addButton(self.agency)
        radios.addWidget(self.direct)
        radios.addWidget(self.agency)
        radios.addStretch(1)
        channel_layout.addLayout(radios)
        agency_form = QFormLayout()
        self.agency_name = QLineEdit(channel)
        self.recruiter_name = QLineEdit(channel)
        self.recruiter_email = QLineEdit(channel)
        self.agency_fields = []
        for text, widget in (("Agency", self.agency_name), ("Recruiter", self.recruiter_name),
                             ("Recruiter email", self.recruiter_email)):
            label = QLabel(text, channel)
            label.setBuddy(widget)
            agency_form.addRow(label, widget)
            self.agency_fields += [label, widget]
        self.agency_hint = QLabel(
            "With an agency, the recruiter is your contact: thank-you notes and follow-ups "
            "go through them.", channel)
        self.agency_hint.setWordWrap(True)
        agency_form.addRow(self.agency_hint)
        self.contact_name = QLineEdit(channel)
        self.contact_email = QLineEdit(channel)
        for text, widget in (("HR contact", self.contact_name),
                             ("HR contact email", self.contact_email)):
            label = QLabel(text, channel)
            label.setBuddy(widget)
            agency_form.addRow(label, widget)
        channel_layout.addLayout(agency_form)
        left.addWidget(channel)
        left.addStretch(1)
        outer.addLayout(left, 3)

        right = QVBoxLayout()
        stage_box = QGroupBox("Stage", page)
        stage_layout = QVBoxLayout(stage_box)
        self.stage = QComboBox(stage_box)
        self.stage.setAccessibleName("Stage")
        for stage in Stage:
            self.stage.addItem(STAGE_LABELS[stage], stage.value)
        stage_layout.addWidget(self.stage)
        stage_layout.addWidget(QLabel("History", stage_box))
        self.history = QListWidget(stage_box)
        self.history.setAccessibleName("Stage history")
        self.history.setMaximumHeight(140)
        stage_layout.addWidget(self.history)
        right.addWidget(stage_box)
        notes_box = QGroupBox("Notes", page)
        notes_layout = QVBoxLayout(notes_box)
        self.notes = QPlainTextEdit(notes_box)
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("Anything worth remembering about this application.")
        notes_layout.addWidget(self.notes)
        right.addWidget(notes_box, 1)
        outer.addLayout(right, 2)

        for widget in (self.company, self.role, self.posting_url, self.salary_notes,
                       self.agency_name, self.recruiter_name, self.recruiter_email,
                       self.contact_name, self.contact_email):
            widget.textChanged.connect(self._on_changed)
        self.notes.textChanged.connect(self._on_changed)
        self.applied_on.dateChanged.connect(self._on_changed)
        self.stage.currentIndexChanged.connect(self._on_changed)
        self.agency.toggled.connect(self._on_changed)
        return page

    def _build_rounds_tab(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.round_list = QListWidget(left)
        self.round_list.setAccessibleName("Interview rounds")
        left_layout.addWidget(self.round_list, 1)
        self.add_round_button = QPushButton("Add round", left)
        self.add_round_button.clicked.connect(self.add_round)
        self.remove_round_button = QPushButton("Remove round", left)
        self.remove_round_button.clicked.connect(self.remove_round)
        left_layout.addWidget(self.add_round_button)
        left_layout.addWidget(self.remove_round_button)
        scroll = QScrollArea(splitter)
        scroll.setWidgetResizable(True)
        self.round_editor = RoundEditor(self.default_zone, self.default_business_days)
        scroll.setWidget(self.round_editor)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([190, 800])
        layout.addWidget(splitter)
        self.round_list.currentRowChanged.connect(self._on_round_selected)
        self.round_editor.changed.connect(self._on_round_changed)
        return page

    # -- form <-> data --------------------------------------------------------------
    def populate(self, data: ApplicationData) -> None:
        """Show ``data`` in every field."""
        self._loading = True
        try:
            self.data = data
            self.company.setText(data.company)
            self.role.setText(data.role)
            self.posting_url.setText(data.posting_url)
            if data.applied_on:
                d = data.applied_on
                self.applied_on.setDate(QDate(d.year, d.month, d.day))
            else:
                self.applied_on.setDate(NOT_SET)
            self.salary_notes.setText(data.salary_notes)
            (self.agency if data.channel == Channel.AGENCY.value else self.direct).setChecked(True)
            self.agency_name.setText(data.agency_name)
            self.recruiter_name.setText(data.recruiter_name)
            self.recruiter_email.setText(data.recruiter_email)
            self.contact_name.setText(data.contact_name)
            self.contact_email.setText(data.contact_email)
            self.stage.setCurrentIndex(max(self.stage.findData(data.stage), 0))
            self.notes.setPlainText(data.notes)
            self.history.clear()
            if self.application_id is not None:
                for entry in applications.stage_history(self.application_id):
                    self.history.addItem(_stage_entry_text(entry))
            if self.history.count() == 0:
                self.history.addItem("Recorded when you save.")
            self._refresh_round_list()
            self.round_list.setCurrentRow(len(data.rounds) - 1 if data.rounds else -1)
            self.round_editor.edit(data.rounds[-1] if data.rounds else None)
        finally:
            self._loading = False
        self._update_channel_fields()

    def collect(self) -> ApplicationData:
        """The form's content as :class:`ApplicationData` (rounds are edited in place)."""
        data = self.data
        data.company = self.company.text()
        data.role = self.role.text()
        data.posting_url = self.posting_url.text()
        qdate = self.applied_on.date()
        data.applied_on = None if qdate == NOT_SET else date(qdate.year(), qdate.month(),
                                                              qdate.day())
        data.salary_notes = self.salary_notes.text()
        data.channel = Channel.AGENCY.value if self.agency.isChecked() else Channel.DIRECT.value
        data.agency_name = self.agency_name.text()
        data.recruiter_name = self.recruiter_name.text()
        data.recruiter_email = self.recruiter_email.text()
        data.contact_name = self.contact_name.text()
        data.contact_email = self.contact_email.text()
        data.stage = self.stage.currentData()
        data.notes = self.notes.toPlainText()
        return data

    def is_dirty(self) -> bool:
        """True when the form differs from what was loaded or last saved."""
        return applications.to_dict(self.collect()) != self._saved_state

    # -- rounds -----------------------------------------------------------------------
    def _round_text(self, number: int, round_data: RoundData) -> str:
        title = round_data.title.strip() or f"Round {number}"
        when = ""
        if round_data.starts_at is not None:
            when = round_data.starts_at.strftime("%d %b %Y")
        people = len([p for p in round_data.interviewers if p.name.strip()])
        suffix = f" · {people} interviewer{'s' if people != 1 else ''}" if people else ""
        cancelled = " (cancelled)" if round_data.cancelled else ""
        return f"{title}{cancelled}\n{when}{suffix}"

    def _refresh_round_list(self) -> None:
        current = self.round_list.currentRow()
        self.round_list.blockSignals(True)
        self.round_list.clear()
        for number, round_data in enumerate(self.data.rounds, start=1):
            QListWidgetItem(self._round_text(number, round_data), self.round_list)
        self.round_list.setCurrentRow(min(current, self.round_list.count() - 1))
        self.round_list.blockSignals(False)
        self.remove_round_button.setEnabled(bool(self.data.rounds))

    def add_round(self) -> None:
        """Add a round (today, 10:00, in the local zone) and show it."""
        self.data.rounds.append(new_round(self.default_zone))
        self._refresh_round_list()
        self.round_list.setCurrentRow(len(self.data.rounds) - 1)
        self.tabs.setCurrentIndex(1)
        self.round_editor.title.setFocus()
        self._on_changed()

    def remove_round(self) -> None:
        """Remove the selected round (saved only when the application is saved)."""
        row = self.round_list.currentRow()
        if 0 <= row < len(self.data.rounds):
            del self.data.rounds[row]
            self._refresh_round_list()
            new_row = min(row, len(self.data.rounds) - 1)
            self.round_list.setCurrentRow(new_row)
            self.round_editor.edit(self.data.rounds[new_row] if new_row >= 0 else None)
            self._on_changed()

    def _on_round_selected(self, row: int) -> None:
        self.round_editor.edit(self.data.rounds[row] if 0 <= row < len(self.data.rounds)
                               else None)

    def _on_round_changed(self) -> None:
        row = self.round_list.currentRow()
        item = self.round_list.item(row)
        if item is not None and 0 <= row < len(self.data.rounds):
            item.setText(self._round_text(row + 1, self.data.rounds[row]))
        self._on_changed()

    # -- changes, drafts, saving --------------------------------------------------------
    def _update_channel_fields(self) -> None:
        agency = self.agency.isChecked()
        for widget in self.agency_fields:
            widget.setEnabled(agency)
        self.agency_hint.setVisible(agency)

    def _on_changed(self, *_args) -> None:
        if self._loading:
            return
        self._update_channel_fields()
        self._draft_timer.start()

    def keep_draft(self) -> None:
        """Write the form to disk (or remove the draft when nothing differs)."""
        self._draft_timer.stop()
        try:
            if self.is_dirty():
                form_drafts.write_draft(self.paths, self.draft_key,
                                        applications.to_dict(self.collect()))
            else:
                form_drafts.discard_draft(self.paths, self.draft_key)
        except OSError as exc:
            log.warning("could not keep the unsaved form on disk: %s", exc)

    def _offer_draft(self) -> None:
        draft = form_drafts.read_draft(self.paths, self.draft_key)
        if draft is None:
            return
        try:
            restored = applications.from_dict(draft.data)
        except (ValueError, KeyError, TypeError):
            form_drafts.discard_draft(self.paths, self.draft_key)
            return
        if applications.to_dict(restored) == self._saved_state:
            form_drafts.discard_draft(self.paths, self.draft_key)
            return
        if RestoreDraft.ask(self, draft.saved_at):
            self.populate(restored)
            self._draft_timer.start()
        else:
            form_drafts.discard_draft(self.paths, self.draft_key)

    def show_problems(self, problems: dict[str, str]) -> None:
        """List what to fix above the form; nothing typed is changed."""
        lines = ["<b>Not saved yet. Please fix:</b>"]
        for path, sentence in problems.items():
            lines.append(f"• {self._describe(path)}{sentence}")
        self.problems.setText("<br>".join(lines))
        self.problems.show()
        first = next(iter(problems))
        if first.startswith("rounds["):
            number = int(first[len("rounds["):first.index("]")])
            self.tabs.setCurrentIndex(1)
            self.round_list.setCurrentRow(number)
        else:
            self.tabs.setCurrentIndex(0)
            widget = getattr(self, first, None)
            if isinstance(widget, QWidget):
                widget.setFocus()

    @staticmethod
    def _describe(path: str) -> str:
        if not path.startswith("rounds["):
            return ""
        number = int(path[len("rounds["):path.index("]")]) + 1
        if ".interviewers[" in path:
            start = path.index(".interviewers[") + len(".interviewers[")
            person = int(path[start:path.index("]", start)]) + 1
            return f"Round {number}, interviewer {person}: "
        return f"Round {number}: "

    def save(self) -> bool:
        """Validate and save; on problems, say what to fix and keep everything as typed."""
        data = self.collect()
        try:
            application_id = applications.save(data)
        except ValidationError as exc:
            self.keep_draft()
            self.show_problems(exc.problems)
            return False
        self.problems.hide()
        form_drafts.discard_draft(self.paths, self.draft_key)
        self.application_id = application_id
        self.data = applications.load(application_id)
        self._saved_state = applications.to_dict(self.data)
        self.saved.emit(application_id)
        self.accept()
        return True

    def reject(self) -> None:
        """Close; with unsaved changes, ask first (Esc, Cancel, the window's close button)."""
        if self.is_dirty():
            choice = UnsavedChanges.ask(self)
            if choice == UnsavedChanges.KEEP_EDITING:
                return
            if choice == UnsavedChanges.SAVE:
                self.save()
                return
        self._draft_timer.stop()
        form_drafts.discard_draft(self.paths, self.draft_key)
        super().reject()

    def closeEvent(self, event) -> None:
        """The window's close button behaves like Cancel."""
        event.ignore()
        self.reject()
