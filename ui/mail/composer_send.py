"""Sending from the composer: the confirmations, the check before them, and each note's
progress.

:class:`ComposerSending` is mixed into :class:`ui.mail.composer.ComposerView`: Send, Send
all and "It arrived" call :meth:`~ComposerSending.send_current`,
:meth:`~ComposerSending.send_all` and :meth:`~ComposerSending.mark_current_arrived`. The
notes are checked as stored before the user confirms (:func:`checked_for_sending`), the
password is read off the UI thread (:mod:`ui.mail.keyring_calls`), and each note is sent on
a worker thread (:func:`send_in_background`); the steps
:func:`services.mail.sender.send_one` reports (connecting, securing the connection, logging
in, sending, trying again) travel back to the UI thread by Qt signal (:class:`SendProgress`)
and show in the list of recipients and under the note, so a slow or silent server never
looks like a note "waiting to send".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from services.mail import sender as mail_sender
from services.mail.send_checks import ready_to_send
from ui.mail.composer_dialogs import ComposerDialogs
from ui.mail.composer_drafts import EDITABLE_STATES
from ui.mail.keyring_calls import is_pending, read_password
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

#: What the list of recipients says while a note is on its way, per step.
STEP_LABELS = {
    "connecting": "connecting…",
    "securing": "securing the connection…",
    "logging_in": "logging in…",
    "sending": "sending…",
    "retrying": "trying again…",
}


class SendProgress(QObject):
    """Where each note being sent stands; ``step`` fires ``(email_id, Step)`` on the UI thread."""

    step = Signal(int, object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.current: dict[int, object] = {}

    def report(self, email_id: int, step) -> None:
        """Record the step ``email_id`` has reached and announce it."""
        self.current[email_id] = step
        self.step.emit(email_id, step)

    def finished(self, email_id: int) -> None:
        """``email_id`` is no longer on its way (sent, failed or uncertain)."""
        self.current.pop(email_id, None)

    def label(self, email_id: int) -> str | None:
        """A short word for the list of recipients, or None when not on its way."""
        step = self.current.get(email_id)
        return STEP_LABELS.get(step.key, step.text) if step is not None else None

    def sentence(self, email_id: int) -> str | None:
        """The step as a sentence for under the note, or None when not on its way."""
        step = self.current.get(email_id)
        return step.text if step is not None else None


def checked_for_sending(view, drafts: list) -> list | None:
    """The notes as stored, when each can be sent as it stands; otherwise None, after
    showing the first that cannot, with the reason under it."""
    account = view._account()
    if account is None:
        return None
    stored, problems = ready_to_send([d.email_id for d in drafts], account)
    if not problems:
        return stored
    email_id, name, message = problems[0]
    row = next((n for n, d in enumerate(view.drafts) if d.email_id == email_id), -1)
    if row >= 0 and row != view.current_row():
        view.recipients.setCurrentRow(row)
    who = f"The note to {name}" if name else "This note"
    view.state_label.setText(f"{who} was not sent: {message}")
    return None


def send_in_background(view, email_id: int, account, password: str | None,
                       resend: bool) -> None:
    """Send (or, after confirmation, resend) one note off the UI thread, showing its steps."""
    context, timeout = view.tls_context, view.send_timeout

    def work(report):
        options = {"tls_context": context, "timeout": timeout,
                   "on_step": lambda step: report(step)}
        if resend:
            return mail_sender.resend_uncertain(email_id, account, password, **options)
        return mail_sender.send_one(email_id, account, password, **options)

    def done(_result) -> None:
        view.sending.finished(email_id)
        view._refresh_states()

    def failed(exc: BaseException) -> None:
        log.error("sending failed unexpectedly", exc_info=exc)
        view.sending.finished(email_id)
        view._refresh_states()
        view.state_label.setText(f"Sending stopped unexpectedly: {exc}. Nothing was sent "
                                 "twice; see the log for details.")

    run_in_background(work, done, failed,
                      on_progress=lambda step: view.sending.report(email_id, step))


class ComposerSending:
    """Send, Send all, and "It arrived" (mixed into the composer: uses its notes, its
    account, the similarity warning and its state line)."""

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
        if not drafts or is_pending("composer-send"):  # the password is on its way
            return
        self.flush()
        drafts = checked_for_sending(self, drafts)  # as stored: what is confirmed goes out
        if not drafts or not self._confirmed(drafts, resend):
            return
        account = self._account()
        if account is None:
            return
        # Off the UI thread, once: a keyring may prompt to unlock.
        read_password("composer-send", account,
                      lambda password: self._send_with(drafts, account, password, resend),
                      self.state_label.setText, owner=self)

    def _confirmed(self, drafts: list, resend: bool) -> bool:
        """The user agrees to send although some notes read alike, and to the recipients
        (a resend was confirmed before: neither question is asked again)."""
        if self.pairs and not resend and not ComposerDialogs.confirm_send_similar(
                self, self.similar_pairs_text()):
            return False
        names = [f"{d.to_name} <{d.to_address}>" for d in drafts]
        return resend or ComposerDialogs.confirm_send(self, names)

    def _send_with(self, drafts: list, account, password: str, resend: bool) -> None:
        """The keyring answered: send the confirmed notes, unless one changed meanwhile."""
        ids = [d.email_id for d in drafts]
        self.flush()
        now = checked_for_sending(self, drafts)
        if now is None:
            return
        if now != drafts:  # edited while the keyring was asked: not what was confirmed
            self.state_label.setText("A note changed while the keyring was asked for the "
                                     "password, so nothing was sent. Press Send again.")
            return
        if not resend:
            mail_sender.queue(ids)
        self._refresh_states()
        for email_id in ids:
            self._send_in_background(email_id, account, password, resend)

    def _send_in_background(self, email_id: int, account, password: str, resend: bool) -> None:
        send_in_background(self, email_id, account, password, resend)

    def _show_progress(self, _email_id: int, _step) -> None:
        """A note being sent reached another step: say so in the list and under the note."""
        for number, draft in enumerate(self.drafts):
            item = self.recipients.item(number)
            if item is not None:
                item.setText(self._recipient_text(draft))
        self._update_state_label()

    def mark_current_arrived(self) -> None:
        """An uncertain message did arrive: record it as sent, never resend it."""
        draft = self._current()
        if draft is not None and draft.state == "uncertain":
            mail_sender.mark_arrived(draft.email_id)
            self._refresh_states()
