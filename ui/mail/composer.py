"""The composer: one personal note per interviewer, the similarity and agency guards,
and sending (over the user's account, or through their mail app).

:class:`ComposerView` is the Compose section (:mod:`ui.shell.views`); the window calls its
:meth:`~ComposerView.open_round`, :meth:`~ui.mail.composer_drafts.ComposerDrafts.open_contact_note`
and :meth:`~ui.mail.composer_drafts.ComposerDrafts.flush`. This module builds the form,
chooses the interview and shows the note on screen; the rest is mixed in, one job each:
the notes (:mod:`ui.mail.composer_drafts`), the similarity guard
(:mod:`ui.mail.similarity_notice`), sending (:mod:`ui.mail.composer_send`) and the ways
out through the mail app (:mod:`ui.mail.composer_exports`). Its questions are
:class:`ui.mail.composer_dialogs.ComposerDialogs`.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.applications.loading import round_choices
from services.mail.account import load_account
from services.mail.agency import agency_guard
from ui.mail.composer_drafts import EDITABLE_STATES, STATE_TEXT, ComposerDrafts
from ui.mail.composer_exports import ComposerExports
from ui.mail.composer_send import ComposerSending, SendProgress
from ui.mail.similarity_notice import SimilarityCheck, SimilarityNotice
from ui.shell.accessible import buddy_label, message_label, selecting_makes_current
from ui.shell.labels import section_title

log = logging.getLogger(__name__)

TEMPLATES = (
    ("thank_you", "Thank-you note after the interview"),
    ("follow_up", "Follow-up after the time frame has passed"),
    ("more_time", "Asking for more time on an offer"),
)


class ComposerView(ComposerDrafts, SimilarityCheck, ComposerSending, ComposerExports, QWidget):
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
        layout.addLayout(self._build_pickers())
        layout.addWidget(self._build_agency_banner())
        self.similar = SimilarityNotice(self)
        layout.addWidget(self.similar)
        layout.addWidget(self._build_notes(), 1)
        layout.addLayout(self._build_bottom())
        self.empty = QLabel(
            "Choose an interview and press “Prepare notes”: you get one draft per interviewer, "
            "each to be made personal with what you talked about.", self)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self._start_timers()
        self._connect()
        self.refresh_choices()
        self._update_buttons()

    # -- building the form -------------------------------------------------------------
    def _build_pickers(self) -> QHBoxLayout:
        """The interview, the kind of note, and Prepare notes."""
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
        return pick

    def _build_agency_banner(self) -> QFrame:
        """The agency guard: why follow-ups go through the recruiter, and the two ways on."""
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
        return self.agency_banner

    def _build_notes(self) -> QSplitter:
        """The recipients on the left; the note on screen and its actions on the right."""
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.recipients = QListWidget(splitter)
        self.recipients.setAccessibleName("Recipients")
        self.recipients.currentRowChanged.connect(self._show_draft)
        selecting_makes_current(self.recipients)
        editor = self._build_editor(splitter)
        splitter.addWidget(self.recipients)
        splitter.addWidget(editor)
        splitter.setSizes([220, 880])
        return splitter

    def _build_editor(self, splitter: QSplitter) -> QWidget:
        """To, subject, the text beside its preview, the actions and the delivery state."""
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
        editor_layout.addLayout(self._build_actions(editor))
        self.state_label = QLabel(editor)
        message_label(self.state_label, "Delivery state")
        self.state_label.setWordWrap(True)
        editor_layout.addWidget(self.state_label)
        return editor

    def _build_actions(self, editor: QWidget) -> QHBoxLayout:
        """Send, It arrived, Open in mail app, Copy, Save as .eml and Mark as sent."""
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
        return actions

    def _build_bottom(self) -> QHBoxLayout:
        """What to do without an account, and Send all."""
        bottom = QHBoxLayout()
        self.account_hint = QLabel(self)
        self.account_hint.setWordWrap(True)
        bottom.addWidget(self.account_hint, 1)
        self.send_all_button = QPushButton("Send all", self)
        self.send_all_button.clicked.connect(self.send_all)
        bottom.addWidget(self.send_all_button)
        return bottom

    def _start_timers(self) -> None:
        """Saving a moment after typing stops, and comparing the notes again."""
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save_current)
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(250)
        self._similar_timer.timeout.connect(self.check_similarity)

    def _connect(self) -> None:
        """The fields, the buttons and quitting to what they do."""
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

    # -- choosing what to write ---------------------------------------------------
    def refresh_choices(self) -> None:
        """Fill the interview picker (newest first)."""
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
        choice = self._choice()
        guard = agency_guard(choice.application_id) if choice else None
        if guard is None:
            self.agency_banner.hide()
            return
        self.agency_text.setText(guard.message)
        self.agency_banner.show()

    # -- the note on screen -----------------------------------------------------------
    def _recipient_text(self, draft) -> str:
        state = STATE_TEXT.get(draft.state, draft.state)
        if draft.state in ("queued", "sending"):
            state = self.sending.label(draft.email_id) or state
        return f"{draft.to_name or draft.to_address}\n{state}"

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

    def _account(self):
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

    def _current(self):
        row = self.current_row()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None
