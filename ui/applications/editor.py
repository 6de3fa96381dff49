"""The application editor: the job, the channel, the stage and its history, the rounds.

Nothing typed is lost: the form is kept on disk a moment after every change
(:mod:`services.applications.form_drafts`), closing with unsaved changes asks first, and a
save that fails validation keeps every field as it was and says what to fix.

The main window opens :class:`ApplicationEditor`. Its three tabs are built in
:mod:`ui.applications.editor_application_tab`, :mod:`ui.applications.editor_rounds_tab` and
:mod:`ui.applications.editor_messages_tab` (the replies read from the mailbox);
its questions are in :mod:`ui.applications.editor_questions`, its advice in
:mod:`ui.applications.editor_advice`, its offer summary in :mod:`ui.applications.editor_offer`,
the wording of what stops a save in :mod:`ui.applications.editor_problems`.
"""

from __future__ import annotations

import html
import logging

import peewee
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from services.applications import editor_data, form_drafts, loading, saving, validation
from services.applications.editor_data import ApplicationData
from services.applications.validation import ValidationError
from services.core import settings
from services.core.write_problems import explain_write_error
from services.mail.agency import missing_contact_address
from services.mail.thanked import thanked_status
from ui.applications.advice_message import AdviceMessage
from ui.applications.editor_advice import (
    advice_before_saving,
    show_first_round_advice,
    uncancel_rounds,
)
from ui.applications.editor_application_tab import (
    build_application_tab,
    read_application,
    show_application,
    show_stage_history,
)
from ui.applications.editor_messages_tab import build_messages_tab
from ui.applications.editor_offer import current_offer, offer_summary
from ui.applications.editor_problems import problem_round, problems_text
from ui.applications.editor_questions import RestoreDraft, UnsavedChanges
from ui.applications.editor_rounds_tab import build_rounds_tab, round_text, show_round_list
from ui.applications.offer_dialog import OfferDialog
from ui.applications.round_editor import new_round
from ui.shell.labels import banner_label

log = logging.getLogger(__name__)


class ApplicationEditor(QDialog):
    """Edits one application (or a new one) with its rounds and interviewers."""

    saved = Signal(int)

    def __init__(self, window, application_id: int | None = None) -> None:
        super().__init__(window)
        window.ensure_store()
        self.paths = window.paths
        self.application_id = application_id
        self.draft_key = f"application-{application_id or 'new'}"
        self.default_zone = window.local_zone_name()
        self.default_business_days = settings.get("outlook.default_response_business_days")
        self.setWindowTitle("New application" if application_id is None else "Application")
        self.setMinimumSize(820, 620)
        self.resize(980, 760)

        if application_id is None:
            self.data = ApplicationData()
        else:
            self.data = loading.load(application_id)
        self._saved_state = editor_data.to_dict(self.data)
        self._loading = False

        layout = QVBoxLayout(self)
        self._build_banners(layout)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Application sections")
        # Both builders set their fields on self (company, stage, notes, round_list, …).
        self.tabs.addTab(build_application_tab(self), "&Application")
        self.tabs.addTab(build_rounds_tab(self), "&Interviews")
        build_messages_tab(self)  # "Messages": the replies read from the mailbox
        layout.addWidget(self.tabs, 1)
        self._watch_changes()
        self._build_buttons(layout)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(400)
        self._draft_timer.timeout.connect(self.keep_draft)

        self.populate(self.data)
        self._offer_draft()
        self.company.setFocus()

    # -- building -----------------------------------------------------------------
    def _build_banners(self, layout: QVBoxLayout) -> None:
        """The advice and the problems above the tabs, both hidden until needed."""
        self.advice = AdviceMessage(self)
        self.advice.go_on.connect(self._advice_go_on)
        self.advice.better.connect(self._advice_better)
        self._advice_shown: str | None = None
        self._advice_accepted: set[str] = set()
        layout.addWidget(self.advice)
        self.problems = banner_label(self, "problem", "Problems to fix before saving",
                                     "ProblemBanner")
        layout.addWidget(self.problems)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        """Save (also Ctrl+S) and Cancel."""
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip("Save (Ctrl+S)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

    def _watch_changes(self) -> None:
        """Every edit keeps a draft (see :meth:`_on_changed`); the list picks the round."""
        for widget in (self.company, self.role, self.posting_url, self.salary_notes,
                       self.agency_name, self.recruiter_name, self.recruiter_email,
                       self.contact_name, self.contact_email):
            widget.textChanged.connect(self._on_changed)
        self.notes.textChanged.connect(self._on_changed)
        self.applied_on.dateChanged.connect(self._on_changed)
        self.stage.currentIndexChanged.connect(self._on_changed)
        self.agency.toggled.connect(self._on_changed)
        self.round_list.currentRowChanged.connect(self._on_round_selected)
        self.round_editor.changed.connect(self._on_round_changed)
        self.round_editor.compose_requested.connect(self.write_notes)

    # -- form <-> data --------------------------------------------------------------
    def populate(self, data: ApplicationData) -> None:
        """Show ``data`` in every field."""
        self._loading = True
        try:
            self.data = data
            show_application(self, data)
            show_stage_history(self.history, [] if self.application_id is None
                               else loading.stage_history(self.application_id))
            self._show_offer()
            self._refresh_round_list()
            self.round_list.setCurrentRow(len(data.rounds) - 1 if data.rounds else -1)
            self.round_editor.edit(data.rounds[-1] if data.rounds else None)
        finally:
            self._loading = False
        self._update_channel_fields()

    # -- offers ---------------------------------------------------------------------------
    def _show_offer(self) -> None:
        summary, button = offer_summary(current_offer(self.application_id))
        self.offer_summary.setText(summary)
        self.offer_button.setText(button)

    def open_offer(self) -> None:
        """Record or open the offer (saves the application first)."""
        if (self.is_dirty() or self.application_id is None) and not self.save_keep_open():
            return
        offer = current_offer(self.application_id)
        asked: list[int] = []
        OfferDialog.ask(self, self.application_id, offer.id if offer else None,
                        self.default_zone, on_more_time=asked.append)
        self.show_stored()
        if asked:
            self.ask_more_time()

    def show_stored(self) -> None:
        """Show the application as now stored (a dialog or a message changed it) as saved."""
        self.populate(loading.load(self.application_id))
        self._saved_state = editor_data.to_dict(self.data)
        self.saved.emit(self.application_id)

    def ask_more_time(self) -> None:
        """The composer with the request to the HR contact or the agency's recruiter (on the
        latest round when there is one); without their address, say where to add it."""
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
    def _advice_go_on(self) -> None:
        if self._advice_shown:
            self._advice_accepted.add(self._advice_shown)
        self._advice_shown = None
        self.save()

    def _advice_better(self, action: str) -> None:
        self._advice_shown = None
        if action == "keep_open":
            stored = editor_data.from_dict(self._saved_state)
            self.stage.setCurrentIndex(max(self.stage.findData(stored.stage), 0))
            uncancel_rounds(stored, self.data)
            self.round_editor.edit(self.round_editor.round)
        elif action == "new_application" and self.save_keep_open(check_advice=False):
            parent = self.parent()
            self.accept()
            parent.open_editor(None)

    def collect(self) -> ApplicationData:
        """The form's content as :class:`ApplicationData` (rounds are edited in place)."""
        return read_application(self, self.data)

    def is_dirty(self) -> bool:
        """True when the form differs from what was loaded or last saved."""
        return editor_data.to_dict(self.collect()) != self._saved_state

    # -- rounds -----------------------------------------------------------------------
    def _refresh_round_list(self) -> None:
        show_round_list(self.round_list, self.data.rounds)
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
            item.setText(round_text(row + 1, self.data.rounds[row]))
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
                                        editor_data.to_dict(self.collect()))
            else:
                form_drafts.discard_draft(self.paths, self.draft_key)
        except OSError as exc:
            log.warning("could not keep the unsaved form on disk: %s", exc)

    def _offer_draft(self) -> None:
        draft = form_drafts.read_draft(self.paths, self.draft_key)
        if draft is None:
            return
        try:
            restored = editor_data.from_dict(draft.data)
        except (ValueError, KeyError, TypeError):
            form_drafts.discard_draft(self.paths, self.draft_key)
            return
        if editor_data.to_dict(restored) == self._saved_state:
            form_drafts.discard_draft(self.paths, self.draft_key)
            return
        if RestoreDraft.ask(self, draft.saved_at):
            self.populate(restored)
            self._draft_timer.start()
        else:
            form_drafts.discard_draft(self.paths, self.draft_key)

    def show_problems(self, problems: dict[str, str]) -> None:
        """List what to fix above the form; nothing typed is changed."""
        self.problems.setText(problems_text(problems))
        self.problems.show()
        first = next(iter(problems))
        number = problem_round(first)
        if number is not None:
            self.tabs.setCurrentIndex(1)
            self.round_list.setCurrentRow(number)
        else:
            self.tabs.setCurrentIndex(0)
            widget = getattr(self, first, None)
            if isinstance(widget, QWidget):
                widget.setFocus()

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
        if check_advice and not validation.validate(data):
            note = advice_before_saving(editor_data.from_dict(self._saved_state), data,
                                        self.application_id)
            if note is not None and note.key not in self._advice_accepted:
                self._advice_shown = note.key
                self.advice.show_advice(note)
                return False
        had_rounds = any(r.id is not None for r in data.rounds)
        try:
            application_id = saving.save(data)
        except ValidationError as exc:
            self.keep_draft()
            self.show_problems(exc.problems)
            return False
        except (peewee.DatabaseError, OSError) as exc:
            # A full disk or a read-only folder: nothing was saved; keep the form for a retry.
            self.keep_draft()
            self.problems.setText(f"<b>Not saved.</b> {html.escape(explain_write_error(exc))}")
            self.problems.show()
            return False
        self.problems.hide()
        form_drafts.discard_draft(self.paths, self.draft_key)
        self.application_id = application_id
        self.draft_key = f"application-{application_id}"
        self.populate(loading.load(application_id))
        self._saved_state = editor_data.to_dict(self.data)
        if 0 <= row < len(self.data.rounds):
            self.round_list.setCurrentRow(row)
        self.saved.emit(application_id)
        if not had_rounds and self.data.rounds:
            show_first_round_advice(self.parent(), application_id)
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
