"""The application editor: the job, the channel, the stage and its history, the rounds.

Nothing typed is lost: the form is kept on disk a moment after every change
(:mod:`services.applications.form_drafts`), closing with unsaved changes asks first, and a
save that fails validation keeps every field as it was and says what to fix.
"""

from __future__ import annotations

import html
import logging
from datetime import date

import peewee
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

from models import clock
from models.values import STAGE_LABELS, Channel, Stage
from services.applications import editing as applications
from services.applications import form_drafts
from services.applications.editing import ApplicationData, RoundData, ValidationError
from ui.applications.round_editor import RoundEditor, new_round
from ui.shell.accessible import buddy_label, make_steppable, message_label, selecting_makes_current
from ui.shell.labels import banner_label

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
    when = entry.changed_at.astimezone(clock.user_zone()).strftime("%d %b %Y, %H:%M")
    if entry.from_stage is None:
        return f"{when}   {to_label}"
    from_label = STAGE_LABELS.get(Stage(entry.from_stage), entry.from_stage)
    return f"{when}   {from_label} → {to_label}"


class ApplicationEditor(QDialog):
    """Edits one application (or a new one) with its rounds and interviewers."""

    saved = Signal(int)

    def __init__(self, window, application_id: int | None = None) -> None:
        super().__init__(window)
        from services.core import settings

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
        from ui.applications.advice_message import AdviceMessage

        self.advice = AdviceMessage(self)
        self.advice.go_on.connect(self._advice_go_on)
        self.advice.better.connect(self._advice_better)
        self._advice_shown: str | None = None
        self._advice_accepted: set[str] = set()
        layout.addWidget(self.advice)
        self.problems = banner_label(self, "problem", "Problems to fix before saving",
                                     "ProblemBanner")
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
        make_steppable(self.applied_on)
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
        stage_layout.addWidget(buddy_label("Current s&tage", self.stage))
        stage_layout.addWidget(self.stage)
        self.history = QListWidget(stage_box)
        self.history.setAccessibleName("Stage history")
        stage_layout.addWidget(buddy_label("History", self.history))
        self.history.setMaximumHeight(140)
        stage_layout.addWidget(self.history)
        right.addWidget(stage_box)
        offer_box = QGroupBox("Offer", page)
        offer_layout = QVBoxLayout(offer_box)
        self.offer_summary = QLabel(offer_box)
        self.offer_summary.setWordWrap(True)
        message_label(self.offer_summary, "Offer")
        offer_layout.addWidget(self.offer_summary)
        self.offer_button = QPushButton("Record an offer…", offer_box)
        self.offer_button.clicked.connect(self.open_offer)
        offer_layout.addWidget(self.offer_button)
        right.addWidget(offer_box)
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
        selecting_makes_current(self.round_list)
        self.round_editor.changed.connect(self._on_round_changed)
        self.round_editor.compose_requested.connect(self.write_notes)
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
            self._show_offer()
            self._refresh_round_list()
            self.round_list.setCurrentRow(len(data.rounds) - 1 if data.rounds else -1)
            self.round_editor.edit(data.rounds[-1] if data.rounds else None)
        finally:
            self._loading = False
        self._update_channel_fields()

    # -- offers ---------------------------------------------------------------------------
    def _current_offer(self):
        from services.applications.offers import offers_for

        if self.application_id is None:
            return None
        offers = offers_for(self.application_id)
        pending = [offer for offer in offers if offer.status == "pending"]
        return (pending or offers or [None])[0]

    def _show_offer(self) -> None:
        offer = self._current_offer()
        if offer is None:
            self.offer_summary.setText("No offer recorded.")
            self.offer_button.setText("Record an offer…")
            return
        parts = []
        if offer.amount is not None:
            parts.append(f"{offer.amount:,.0f} {offer.currency}".strip())
        if offer.deadline is not None:
            parts.append(f"answer by {offer.deadline:%a %d %b %Y, %H:%M}")
        parts.append({"pending": "open", "accepted": "accepted",
                      "declined": "declined"}.get(offer.status, offer.status))
        self.offer_summary.setText(" · ".join(parts))
        self.offer_button.setText("Open the offer…")

    def open_offer(self) -> None:
        """Record or open the offer (saves the application first)."""
        from ui.applications.offer_dialog import OfferDialog

        if (self.is_dirty() or self.application_id is None) and not self.save_keep_open():
            return
        offer = self._current_offer()
        asked: list[int] = []
        OfferDialog.ask(self, self.application_id, offer.id if offer else None,
                        self.default_zone, on_more_time=asked.append)
        self.populate(applications.load(self.application_id))
        self._saved_state = applications.to_dict(self.data)
        self.saved.emit(self.application_id)
        if asked:
            self._ask_more_time()

    def _ask_more_time(self) -> None:
        """The composer with the request to the HR contact or the agency's recruiter (on the
        latest round when there is one); without their address, say where to add it."""
        from services.mail.drafts import missing_contact_address

        problem = missing_contact_address(self.application_id)
        if problem:
            self.problems.setText(html.escape(problem))
            self.problems.show()
            self.tabs.setCurrentIndex(0)
            field = self.recruiter_email if self.agency.isChecked() else self.contact_email
            field.setFocus()
            return
        rounds = [r for r in self.data.rounds if r.id is not None]
        application_id = self.application_id
        self.accept()
        self.parent().open_composer(application_id, rounds[-1].id if rounds else None,
                                    "more_time")

    # -- advice -------------------------------------------------------------------------------
    def _advice_before_saving(self, data: ApplicationData):
        """The advice for this save, if any (withdrawing, cancelling, only one left waiting)."""

        from services.applications import advice

        stored = applications.from_dict(self._saved_state)
        withdrawing = data.stage == Stage.WITHDRAWN.value and stored.stage != data.stage
        if withdrawing and self.application_id is not None:
            return advice.before_withdrawing(advice.facts_for_withdraw(self.application_id))
        was_cancelled = {r.id for r in stored.rounds if r.cancelled}
        for rnd in data.rounds:
            if rnd.cancelled and rnd.id is not None and rnd.id not in was_cancelled:
                return advice.before_withdrawing(
                    advice.facts_for_withdraw(self.application_id, rnd.id))
        if (data.stage == Stage.AWAITING_RESPONSE.value and stored.stage != data.stage):
            return advice.on_awaiting_response(advice.facts_for_stage_change(
                self.application_id, data.stage, clock.now()))
        return None

    def _advice_go_on(self) -> None:
        if self._advice_shown:
            self._advice_accepted.add(self._advice_shown)
        self._advice_shown = None
        self.save()

    def _advice_better(self, action: str) -> None:
        self._advice_shown = None
        if action == "keep_open":
            stored = applications.from_dict(self._saved_state)
            self.stage.setCurrentIndex(max(self.stage.findData(stored.stage), 0))
            cancelled = {r.id for r in stored.rounds if r.cancelled}
            for rnd in self.data.rounds:
                if rnd.id is not None and rnd.id not in cancelled:
                    rnd.cancelled = False
            self.round_editor.edit(self.round_editor.round)
        elif action == "new_application" and self.save_keep_open(check_advice=False):
            parent = self.parent()
            self.accept()
            parent.open_editor(None)

    def _advice_after_saving(self, had_rounds: bool) -> None:
        from services.applications import advice
        from ui.applications.advice_message import AdviceMessage

        if had_rounds or not self.data.rounds or self.application_id is None:
            return
        note = advice.after_first_round_saved(advice.facts_for_round_saved(self.application_id))
        window = self.parent()
        if note is None or not hasattr(window, "add_banner"):
            return
        banner = AdviceMessage(window)
        application_id = self.application_id

        def better(_action: str) -> None:
            window.open_editor(application_id)
            window.editor.tabs.setCurrentIndex(1)

        banner.better.connect(better)
        window.add_banner(banner)
        banner.show_advice(note)

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
        self._show_thanked()

    def _show_thanked(self) -> None:
        from services.mail.drafts import thanked_status

        entries = thanked_status(self.application_id) if self.application_id else []
        self.round_editor.show_thanked(entries)

    def write_notes(self) -> None:
        """Save, close, and open the composer on the round on screen."""
        row = self.round_list.currentRow()
        if not 0 <= row < len(self.data.rounds):
            return
        if (self.is_dirty() or self.application_id is None) and not self.save_keep_open():
            return
        round_id = self.data.rounds[row].id
        application_id = self.application_id
        self.accept()
        self.parent().open_composer(application_id, round_id)

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
        """Validate, save and close; on problems, say what to fix and keep everything."""
        if not self.save_keep_open():
            return False
        self.accept()
        return True

    def save_keep_open(self, check_advice: bool = True) -> bool:
        """Validate and save without closing; on problems, say what to fix.

        Before withdrawing, cancelling an interview or leaving only one application
        waiting, a non-blocking piece of advice shows first; "Go on" saves.
        """
        row = self.round_list.currentRow()
        data = self.collect()
        if check_advice and not applications.validate(data):
            note = self._advice_before_saving(data)
            if note is not None and note.key not in self._advice_accepted:
                self._advice_shown = note.key
                self.advice.show_advice(note)
                return False
        had_rounds = any(r.id is not None for r in data.rounds)
        try:
            application_id = applications.save(data)
        except ValidationError as exc:
            self.keep_draft()
            self.show_problems(exc.problems)
            return False
        except (peewee.DatabaseError, OSError) as exc:
            from services.core.store import explain_write_error

            # A full disk or a read-only folder: nothing was saved; keep the form for a retry.
            self.keep_draft()
            self.problems.setText(f"<b>Not saved.</b> {html.escape(explain_write_error(exc))}")
            self.problems.show()
            return False
        self.problems.hide()
        form_drafts.discard_draft(self.paths, self.draft_key)
        self.application_id = application_id
        self.draft_key = f"application-{application_id}"
        self.populate(applications.load(application_id))
        self._saved_state = applications.to_dict(self.data)
        if 0 <= row < len(self.data.rounds):
            self.round_list.setCurrentRow(row)
        self.saved.emit(application_id)
        self._advice_after_saving(had_rounds)
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
