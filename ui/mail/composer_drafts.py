"""The composer's notes: preparing them, putting them on screen, saving what is typed.

:class:`ComposerDrafts` is mixed into :class:`ui.mail.composer.ComposerView`. Preparing
(:meth:`~ComposerDrafts.prepare`, :meth:`~ComposerDrafts.prepare_for_recruiter`,
:meth:`~ComposerDrafts.prepare_with_override`, :meth:`~ComposerDrafts.open_contact_note`)
makes one draft per interviewer, or one to the recruiter or the contact;
:meth:`~ComposerDrafts.open_note` shows a reply written elsewhere. What is typed is
saved a moment after each change, and at once by :meth:`~ComposerDrafts.flush` before a
switch, a send, an export (the window calls it) or quitting: nothing typed is lost.
:data:`STATE_TEXT` and :data:`EDITABLE_STATES` say what each state of a note means on
screen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QListWidgetItem

from services.mail.agency import AgencyOverrideRequired
from services.mail.drafts import DraftNotFound, DraftProblem, email_row, update_draft

#: What the list of recipients says about a note, per state.
STATE_TEXT = {
    "draft": "draft",
    "queued": "waiting to send",
    "sending": "sending…",
    "sent": "sent",
    "marked_sent": "sent from your mail app",
    "failed": "not sent",
    "uncertain": "may have been sent",
}
#: The states in which a note can still be edited.
EDITABLE_STATES = {"draft", "failed"}


class ComposerDrafts:
    """The notes of the composer (mixed into it: uses its pickers, its editor fields and
    ``_show_draft``)."""

    # -- preparing drafts ------------------------------------------------------------
    def prepare(self) -> None:
        """One draft per interviewer (existing drafts are kept as the user left them)."""
        # jinja2: loaded when notes are first prepared, not when the composer opens.
        from services.mail.drafting import prepare_contact_draft, prepare_drafts
        from services.mail.template_rendering import TemplateProblem
        from services.mail.templates import ensure_builtin_templates

        choice = self._choice()
        if choice is None:
            return
        ensure_builtin_templates()
        self._update_agency_banner()
        template_key = self.template_picker.currentData()
        try:
            if template_key == "more_time":
                # Asking for more time on an offer goes to the HR contact (or the recruiter).
                drafts = [prepare_contact_draft(choice.application_id, choice.round_id,
                                                template_key)]
            else:
                drafts = prepare_drafts(choice.application_id, choice.round_id, template_key,
                                        override=self.override)
        except AgencyOverrideRequired:
            self._set_drafts([])
            self.empty.setText("This application came through an agency: choose above whether "
                               "to write to the recruiter or, exceptionally, to the interviewers.")
            self.empty.show()
            return
        except TemplateProblem as problem:
            self._set_drafts([])
            self.empty.setText(f"The template cannot be used: {problem.message}")
            self.empty.show()
            return
        if not drafts:
            self.empty.setText("This round has no interviewers yet. Add them in the "
                               "application's Interviews tab, with their email addresses.")
        self._set_drafts(drafts)

    def prepare_for_recruiter(self) -> None:
        """Write the update to the agency's recruiter instead."""
        # jinja2: loaded when notes are first prepared, not when the composer opens.
        from services.mail.drafting import prepare_recruiter_draft
        from services.mail.templates import ensure_builtin_templates

        choice = self._choice()
        if choice is None:
            return
        ensure_builtin_templates()
        self._set_drafts([prepare_recruiter_draft(choice.application_id, choice.round_id)])

    def prepare_with_override(self) -> None:
        """The explicit override: write to the interviewers of an agency application."""
        self.override = True
        self.prepare()

    def open_contact_note(self, application_id: int, template_key: str = "more_time") -> None:
        """Show the note of ``template_key`` to the application's contact (the HR contact, or
        the agency's recruiter), for an application that has no interview to choose."""
        # jinja2: loaded when notes are first prepared, not when the composer opens.
        from services.mail.drafting import prepare_contact_draft
        from services.mail.templates import ensure_builtin_templates

        self.refresh_choices()
        self._loading = True
        self.round_picker.setCurrentIndex(-1)  # the note belongs to no interview
        self.template_picker.setCurrentIndex(max(self.template_picker.findData(template_key), 0))
        self._loading = False
        self.override = False
        self.agency_banner.hide()
        ensure_builtin_templates()
        self._set_drafts([prepare_contact_draft(application_id, None, template_key)])

    def open_note(self, draft) -> None:
        """Show one note written elsewhere (a reply to a message from a company, made by
        :func:`services.mail.drafting.start_reply`), outside any interview."""
        self.refresh_choices()
        self._loading = True
        self.round_picker.setCurrentIndex(-1)  # the note belongs to no interview
        self._loading = False
        self.override = False
        self.agency_banner.hide()
        self._set_drafts([draft])

    def _set_drafts(self, drafts: list) -> None:
        self.flush()  # the notes on screen until now keep what was typed last
        self.drafts = list(drafts)
        self._loading = True
        self.recipients.clear()
        for draft in self.drafts:
            QListWidgetItem(self._recipient_text(draft), self.recipients)
        self._loading = False
        self.empty.setVisible(not self.drafts)
        if self.drafts:
            editable = [n for n, d in enumerate(self.drafts) if d.state in EDITABLE_STATES]
            self.recipients.setCurrentRow(editable[0] if editable else 0)
        else:
            self._show_draft(-1)
        self.check_similarity()
        self._update_buttons()
        self.drafts_changed.emit()

    # -- saving what is typed ------------------------------------------------------------
    def _on_edited(self, *_args) -> None:
        if self._loading:
            return
        row = self.current_row()
        if not 0 <= row < len(self.drafts):
            return
        draft = self.drafts[row]
        self.drafts[row] = draft._replace(to_name=self.to_name.text(),
                                          to_address=self.to_address.text(),
                                          subject=self.subject.text(),
                                          body=self.body.toPlainText())
        self._unsaved.add(draft.email_id)
        self._update_preview()
        self._save_timer.start()
        self._similar_timer.start()

    def save_current(self) -> None:
        """Save every edited note (called a moment after each change, and by :meth:`flush`):
        each to its own row, whichever note is on screen now."""
        self._save_timer.stop()
        unsaved, self._unsaved = self._unsaved, set()
        for draft in (d for d in self.drafts if d.email_id in unsaved):
            try:
                update_draft(draft.email_id, subject=draft.subject, body=draft.body,
                             to_address=draft.to_address, to_name=draft.to_name)
            except DraftProblem as problem:
                # Sent meanwhile, or deleted with its application: say so, keep the text.
                self.state_label.setText(problem.message)

    def flush(self) -> None:
        """Save any pending edit now (before switching notes or sections, sending,
        exporting, closing the window and quitting)."""
        if self._unsaved or self._save_timer.isActive():
            self.save_current()

    def hideEvent(self, event) -> None:
        """Another section is shown, or the window closes: save what was typed."""
        self.flush()
        super().hideEvent(event)

    # -- states ----------------------------------------------------------------------------
    def _refresh_states(self) -> None:
        """Re-read the drafts' states (after sending, marking or elsewhere)."""
        row = self.current_row()
        fresh = []
        for draft in self.drafts:
            try:
                email = email_row(draft.email_id)
            except DraftNotFound:
                continue
            fresh.append(draft._replace(state=email.state, sent_at=email.sent_at,
                                        error=email.error))
        self.drafts = fresh
        for number, draft in enumerate(self.drafts):
            item = self.recipients.item(number)
            if item is not None:
                item.setText(self._recipient_text(draft))
        if 0 <= row < len(self.drafts):
            self._loading = True
            editable = self.drafts[row].state in EDITABLE_STATES
            for widget in (self.to_name, self.to_address, self.subject):
                widget.setReadOnly(not editable)
            self.body.setReadOnly(not editable)
            self._loading = False
        self._update_state_label()
        self._update_buttons()
        self.drafts_changed.emit()
        if hasattr(self.window_, "reminders_changed"):
            self.window_.reminders_changed()
