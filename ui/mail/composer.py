"""The composer: one personal note per interviewer, the similarity and agency guards,
and sending (over the user's account, or through their mail app)."""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models import clock
from ui.mail.composer_send import SendProgress, checked_for_sending, send_in_background
from ui.mail.similarity_notice import SimilarityNotice, highlight_shared
from ui.shell.accessible import buddy_label, message_label, selecting_makes_current
from ui.shell.labels import section_title

log = logging.getLogger(__name__)

TEMPLATES = (
    ("thank_you", "Thank-you note after the interview"),
    ("follow_up", "Follow-up after the time frame has passed"),
    ("more_time", "Asking for more time on an offer"),
)
STATE_TEXT = {
    "draft": "draft",
    "queued": "waiting to send",
    "sending": "sending…",
    "sent": "sent",
    "marked_sent": "sent from your mail app",
    "failed": "not sent",
    "uncertain": "may have been sent",
}
EDITABLE_STATES = {"draft", "failed"}


class ComposerDialogs:
    """The questions the composer asks; tests replace these class methods."""

    @classmethod
    def confirm_send_similar(cls, parent: QWidget, pairs_text: str) -> bool:
        """True when the user sends although some notes read alike."""
        answer = QMessageBox.warning(
            parent, "Some notes read alike",
            f"{pairs_text}\n\nInterviewers compare notes. Send anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm_send(cls, parent: QWidget, recipients: list[str]) -> bool:
        """True when the user confirms sending to exactly these recipients."""
        answer = QMessageBox.question(
            parent, "Send", "Send now to:\n" + "\n".join(recipients),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm_resend(cls, parent: QWidget, name: str) -> bool:
        """True when the user wants to send again a message that may already have arrived."""
        answer = QMessageBox.question(
            parent, "Send again?",
            f"The connection dropped right after your note to {name} was handed over, so it may "
            "already have arrived. Sending again could give them two copies. Send again?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def eml_path(cls, parent: QWidget, suggested: str) -> str | None:
        """Where to save a .eml file, or None."""
        path, _ = QFileDialog.getSaveFileName(parent, "Save as email file", suggested,
                                              "Email files (*.eml)")
        return path or None


class ComposerView(QWidget):
    """Writes and sends the notes of one round; opened from a round or chosen here."""

    drafts_changed = Signal()

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.setAccessibleName("Compose")
        self.drafts: list = []
        self.pairs: list = []
        self.override = False
        #: Only tests set this (a context trusting their test CA); None verifies against
        #: the system's trust store.
        self.tls_context = None
        #: Seconds the mail server may stay silent at any step (tests shorten it).
        self.send_timeout = 20.0
        self.sending = SendProgress(self)
        self.sending.step.connect(self._show_progress)
        self._loading = False
        self._choices: list = []
        #: The notes edited on screen and not saved yet (their email ids).
        self._unsaved: set[int] = set()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        title = section_title("Thank-you notes and follow-ups", self)
        layout.addWidget(title)

        pick = QHBoxLayout()
        self.round_picker = QComboBox(self)
        self.round_picker.setAccessibleName("Interview")
        self.round_picker.setMinimumContentsLength(30)
        self.template_picker = QComboBox(self)
        self.template_picker.setAccessibleName("Kind of note")
        for key, label in TEMPLATES:
            self.template_picker.addItem(label, key)
        self.prepare_button = QPushButton("Prepare notes", self)
        self.prepare_button.setToolTip("One draft per interviewer, from the template")
        self.prepare_button.clicked.connect(self.prepare)
        pick.addWidget(buddy_label("I&nterview", self.round_picker))
        pick.addWidget(self.round_picker, 2)
        pick.addWidget(buddy_label("&Kind of note", self.template_picker))
        pick.addWidget(self.template_picker, 1)
        pick.addWidget(self.prepare_button)
        layout.addLayout(pick)

        self.agency_banner = QFrame(self)
        self.agency_banner.setObjectName("AgencyBanner")
        self.agency_banner.setFrameShape(QFrame.Shape.StyledPanel)
        banner = QHBoxLayout(self.agency_banner)
        self.agency_text = QLabel(self.agency_banner)
        self.agency_text.setWordWrap(True)
        message_label(self.agency_text, "Agency advice")
        banner.addWidget(self.agency_text, 1)
        self.recruiter_button = QPushButton("Write to the recruiter", self.agency_banner)
        self.recruiter_button.clicked.connect(self.prepare_for_recruiter)
        self.override_button = QPushButton("Write to the interviewers anyway",
                                           self.agency_banner)
        self.override_button.clicked.connect(self.prepare_with_override)
        banner.addWidget(self.recruiter_button)
        banner.addWidget(self.override_button)
        self.agency_banner.hide()
        layout.addWidget(self.agency_banner)

        self.similar = SimilarityNotice(self)
        layout.addWidget(self.similar)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.recipients = QListWidget(splitter)
        self.recipients.setAccessibleName("Recipients")
        self.recipients.currentRowChanged.connect(self._show_draft)
        selecting_makes_current(self.recipients)
        editor = QWidget(splitter)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.to_name = QLineEdit(editor)
        self.to_address = QLineEdit(editor)
        self.subject = QLineEdit(editor)
        for text, widget in (("To (name)", self.to_name), ("To (address)", self.to_address),
                             ("Subject", self.subject)):
            label = QLabel(text, editor)
            label.setBuddy(widget)
            form.addRow(label, widget)
        editor_layout.addLayout(form)
        bodies = QSplitter(Qt.Orientation.Horizontal, editor)
        self.body = QPlainTextEdit(bodies)
        self.body.setAccessibleName("Message")
        self.preview = QTextBrowser(bodies)
        self.preview.setAccessibleName("Preview")
        bodies.setSizes([500, 360])
        editor_layout.addWidget(bodies, 1)
        actions = QHBoxLayout()
        self.send_button = QPushButton("Send", editor)
        self.mailto_button = QPushButton("Open in mail app", editor)
        self.copy_button = QPushButton("Copy", editor)
        self.eml_button = QPushButton("Save as .eml…", editor)
        self.mark_button = QPushButton("Mark as sent", editor)
        self.arrived_button = QPushButton("It arrived", editor)
        self.arrived_button.setToolTip("The recipient got it: record it as sent, no resend")
        self.arrived_button.clicked.connect(self.mark_current_arrived)
        for button in (self.send_button, self.arrived_button, self.mailto_button,
                       self.copy_button, self.eml_button, self.mark_button):
            actions.addWidget(button)
        actions.addStretch(1)
        editor_layout.addLayout(actions)
        self.state_label = QLabel(editor)
        message_label(self.state_label, "Delivery state")
        self.state_label.setWordWrap(True)
        editor_layout.addWidget(self.state_label)
        splitter.addWidget(self.recipients)
        splitter.addWidget(editor)
        splitter.setSizes([220, 880])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.account_hint = QLabel(self)
        self.account_hint.setWordWrap(True)
        bottom.addWidget(self.account_hint, 1)
        self.send_all_button = QPushButton("Send all", self)
        self.send_all_button.clicked.connect(self.send_all)
        bottom.addWidget(self.send_all_button)
        layout.addLayout(bottom)

        self.empty = QLabel(
            "Choose an interview and press “Prepare notes”: you get one draft per interviewer, "
            "each to be made personal with what you talked about.", self)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save_current)
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(250)
        self._similar_timer.timeout.connect(self.check_similarity)
        # textChanged, not textEdited: text put in by assistive technology or an input
        # method emits only textChanged (what is loaded from a draft is ignored).
        for widget in (self.to_name, self.to_address, self.subject):
            widget.textChanged.connect(self._on_edited)
        self.body.textChanged.connect(self._on_edited)
        QApplication.instance().aboutToQuit.connect(self.flush)
        self.send_button.clicked.connect(self.send_current)
        self.mailto_button.clicked.connect(self.open_in_mail_app)
        self.copy_button.clicked.connect(self.copy_current)
        self.eml_button.clicked.connect(self.save_eml)
        self.mark_button.clicked.connect(self.mark_current_sent)
        self.round_picker.currentIndexChanged.connect(self._on_round_chosen)
        self.refresh_choices()
        self._update_buttons()

    # -- choosing what to write ---------------------------------------------------
    def refresh_choices(self) -> None:
        """Fill the interview picker (newest first)."""
        from services.applications.editing import round_choices

        self.window_.ensure_store()
        self._loading = True
        current = self.round_picker.currentData()
        self.round_picker.clear()
        self._choices = round_choices()
        for choice in self._choices:
            self.round_picker.addItem(choice.label(), choice.round_id)
        if current is not None:
            self.round_picker.setCurrentIndex(max(self.round_picker.findData(current), 0))
        self._loading = False

    def _choice(self):
        round_id = self.round_picker.currentData()
        return next((c for c in self._choices if c.round_id == round_id), None)

    def open_round(self, application_id: int, round_id: int,
                   template_key: str = "thank_you") -> None:
        """Show the notes of ``round_id`` (preparing drafts where none exist yet)."""
        self.refresh_choices()
        index = self.round_picker.findData(round_id)
        if index >= 0:
            self.round_picker.setCurrentIndex(index)
        self.template_picker.setCurrentIndex(max(self.template_picker.findData(template_key), 0))
        self.prepare()

    def _on_round_chosen(self, _index: int) -> None:
        if not self._loading:
            self.override = False
            self._set_drafts([])
            self._update_agency_banner()

    def _update_agency_banner(self) -> None:
        from services.mail.drafts import agency_guard

        choice = self._choice()
        guard = agency_guard(choice.application_id) if choice else None
        if guard is None:
            self.agency_banner.hide()
            return
        self.agency_text.setText(guard.message)
        self.agency_banner.show()

    # -- preparing drafts ------------------------------------------------------------
    def prepare(self) -> None:
        """One draft per interviewer (existing drafts are kept as the user left them)."""
        from services.mail.drafts import AgencyOverrideRequired, prepare_drafts
        from services.mail.templates import TemplateProblem, ensure_builtin_templates

        choice = self._choice()
        if choice is None:
            return
        ensure_builtin_templates()
        self._update_agency_banner()
        template_key = self.template_picker.currentData()
        try:
            if template_key == "more_time":
                # Asking for more time on an offer goes to the HR contact (or the recruiter).
                from services.mail.drafts import prepare_contact_draft

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
        from services.mail.drafts import prepare_recruiter_draft
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
        from services.mail.drafts import prepare_contact_draft
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

    def _recipient_text(self, draft) -> str:
        state = STATE_TEXT.get(draft.state, draft.state)
        if draft.state in ("queued", "sending"):
            state = self.sending.label(draft.email_id) or state
        return f"{draft.to_name or draft.to_address}\n{state}"

    # -- one draft ---------------------------------------------------------------
    def current_row(self) -> int:
        """The index of the draft on screen."""
        return self.recipients.currentRow()

    def _show_draft(self, row: int) -> None:
        self.flush()  # an edit made just before switching belongs to the note it was made in
        self._loading = True
        draft = self.drafts[row] if 0 <= row < len(self.drafts) else None
        self.to_name.setText(draft.to_name if draft else "")
        self.to_address.setText(draft.to_address if draft else "")
        self.subject.setText(draft.subject if draft else "")
        self.body.setPlainText(draft.body if draft else "")
        editable = draft is not None and draft.state in EDITABLE_STATES
        for widget in (self.to_name, self.to_address, self.subject):
            widget.setReadOnly(not editable)
        self.body.setReadOnly(not editable)
        self._loading = False
        self._update_preview()
        self._highlight_shared()
        self._update_state_label()
        self._update_buttons()

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
        from services.mail.drafts import DraftProblem, update_draft

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

    def _update_preview(self) -> None:
        text = self.body.toPlainText()
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
        self.preview.setHtml(
            f"<p><b>To:</b> {html.escape(self.to_name.text())} "
            f"&lt;{html.escape(self.to_address.text())}&gt;<br>"
            f"<b>Subject:</b> {html.escape(self.subject.text())}</p><hr>{body}")

    def _update_state_label(self) -> None:
        row = self.current_row()
        if not 0 <= row < len(self.drafts):
            self.state_label.setText("")
            return
        draft = self.drafts[row]
        text = f"State: {STATE_TEXT.get(draft.state, draft.state)}"
        step = self.sending.sentence(draft.email_id)
        if step and draft.state in ("queued", "sending"):
            text = f"State: {step}"
        if draft.sent_at:
            text += f" on {draft.sent_at.astimezone(clock.user_zone()):%d %b %Y at %H:%M}"
        if draft.error:
            text += f". {draft.error}"
        self.state_label.setText(text)

    # -- similarity guard ----------------------------------------------------------------
    def check_similarity(self) -> None:
        """Compare the drafts of this company and show which read alike."""
        from services.mail.similarity import DraftText, compare

        self._similar_timer.stop()
        choice = self._choice()
        company = choice.company if choice else ""
        texts = [DraftText(str(d.email_id), d.to_name or d.to_address, company, d.body)
                 for d in self.drafts if d.state in EDITABLE_STATES | {"queued"}]
        self.pairs = compare(texts) if len(texts) > 1 else []
        self.similar.set_pairs(self.pairs, [str(d.email_id) for d in self.drafts])
        self._highlight_shared()

    def similar_pairs_text(self) -> str:
        """The warning as plain text, capped like on screen (for the question before sending)."""
        return self.similar.plain_text()

    def _highlight_shared(self) -> None:
        row = self.current_row()
        key = str(self.drafts[row].email_id) if 0 <= row < len(self.drafts) else None
        highlight_shared(self.body, self.pairs, key)

    # -- sending and the other ways out ----------------------------------------------------
    def _account(self):
        from services.mail.account import load_account

        return load_account()

    def _update_buttons(self) -> None:
        row = self.current_row()
        draft = self.drafts[row] if 0 <= row < len(self.drafts) else None
        has_account = self._account() is not None
        sendable = draft is not None and draft.state in EDITABLE_STATES | {"uncertain"}
        self.send_button.setEnabled(has_account and sendable)
        self.send_button.setText("Send again…" if draft and draft.state == "uncertain"
                                 else "Send")
        for button in (self.mailto_button, self.copy_button, self.eml_button):
            button.setEnabled(draft is not None)
        self.mark_button.setEnabled(draft is not None and draft.state in EDITABLE_STATES)
        self.arrived_button.setVisible(draft is not None and draft.state == "uncertain")
        self.send_all_button.setEnabled(
            has_account and any(d.state in EDITABLE_STATES for d in self.drafts))
        self.account_hint.setText(
            "" if has_account else
            "No email account is set up, so notes go out through your mail app: "
            "“Open in mail app”, “Copy” or “Save as .eml”, then “Mark as sent”. "
            "Set up sending in Settings → Email account.")

    def send_current(self) -> None:
        """Send the draft on screen (after confirmation)."""
        row = self.current_row()
        if not 0 <= row < len(self.drafts):
            return
        draft = self.drafts[row]
        if draft.state == "uncertain":
            if not ComposerDialogs.confirm_resend(self, draft.to_name or draft.to_address):
                return
            self._send([draft], resend=True)
            return
        self._send([draft])

    def send_all(self) -> None:
        """Send every unsent draft, after confirming (and warning when some read alike)."""
        pending = [d for d in self.drafts if d.state in EDITABLE_STATES]
        self._send(pending)

    def _send(self, drafts: list, resend: bool = False) -> None:
        from services.mail.sender import queue
        from ui.mail.keyring_calls import is_pending, read_password

        if not drafts or is_pending("composer-send"):  # the password is on its way
            return
        self.flush()
        drafts = checked_for_sending(self, drafts)  # as stored: what is confirmed goes out
        if not drafts:
            return
        if self.pairs and not resend and not ComposerDialogs.confirm_send_similar(
                self, self.similar_pairs_text()):
            return
        names = [f"{d.to_name} <{d.to_address}>" for d in drafts]
        if not resend and not ComposerDialogs.confirm_send(self, names):
            return
        account = self._account()
        if account is None:
            return
        ids = [d.email_id for d in drafts]

        def send_with(password: str) -> None:
            self.flush()
            now = checked_for_sending(self, drafts)
            if now is None:
                return
            if now != drafts:  # edited while the keyring was asked: not what was confirmed
                self.state_label.setText("A note changed while the keyring was asked for the "
                                         "password, so nothing was sent. Press Send again.")
                return
            if not resend:
                queue(ids)
            self._refresh_states()
            for email_id in ids:
                self._send_in_background(email_id, account, password, resend)

        # Off the UI thread, once: a keyring may prompt to unlock.
        read_password("composer-send", account, send_with, self.state_label.setText, owner=self)

    def _send_in_background(self, email_id: int, account, password: str, resend: bool) -> None:
        send_in_background(self, email_id, account, password, resend)

    def _show_progress(self, _email_id: int, _step) -> None:
        """A note being sent reached another step: say so in the list and under the note."""
        for number, draft in enumerate(self.drafts):
            item = self.recipients.item(number)
            if item is not None:
                item.setText(self._recipient_text(draft))
        self._update_state_label()

    def _refresh_states(self) -> None:
        """Re-read the drafts' states (after sending, marking or elsewhere)."""
        from models.email import Email

        row = self.current_row()
        fresh = []
        for draft in self.drafts:
            email = Email.get_or_none(Email.id == draft.email_id)
            if email is None:
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

    def open_in_mail_app(self) -> None:
        """Hand the draft to the system's mail program (mailto:)."""
        from services.mail.drafts import DraftProblem, HeaderProblem, mailto_url

        draft = self._current()
        if draft is None:
            return
        self.flush()
        try:
            url = mailto_url(draft.email_id)
        except (DraftProblem, HeaderProblem) as problem:
            self.state_label.setText(getattr(problem, "message", str(problem)))
            return
        QDesktopServices.openUrl(QUrl(url))

    def copy_current(self) -> None:
        """Copy subject and text to the clipboard."""
        draft = self._current()
        if draft is not None:
            QGuiApplication.clipboard().setText(f"Subject: {draft.subject}\n\n{draft.body}")
            self.state_label.setText("Copied. After sending it yourself, press “Mark as sent”.")

    def save_eml(self) -> None:
        """Save the draft as an .eml file the mail program can open."""
        from services.core.atomic import write_bytes_atomic
        from services.mail.drafts import eml_bytes

        draft = self._current()
        if draft is None:
            return
        self.flush()
        account = self._account()
        name = account.sender_name if account else ""
        address = account.sender_address if account else ""
        suggested = f"{(draft.to_name or 'note').replace(' ', '-')}.eml"
        path = ComposerDialogs.eml_path(self, suggested)
        if not path:
            return
        try:
            write_bytes_atomic(path, eml_bytes(draft.email_id, name, address))
        except OSError as exc:
            self.state_label.setText(f"Could not save the file: {exc.strerror or exc}.")
            return
        except ValueError as exc:
            self.state_label.setText(getattr(exc, "message", str(exc)))
            return
        self.state_label.setText(f"Saved {path}. Open it in your mail program to send it.")

    def mark_current_sent(self) -> None:
        """Record that the user sent this note outside the app."""
        from services.mail.drafts import mark_sent

        draft = self._current()
        if draft is not None:
            self.flush()
            mark_sent(draft.email_id, clock.now())
            self._refresh_states()

    def mark_current_arrived(self) -> None:
        """An uncertain message did arrive: record it as sent, never resend it."""
        from services.mail.sender import mark_arrived

        draft = self._current()
        if draft is not None and draft.state == "uncertain":
            mark_arrived(draft.email_id)
            self._refresh_states()

    def _current(self):
        row = self.current_row()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None
