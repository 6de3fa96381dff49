"""Sending from the composer: the check before the confirmation, and each note's progress.

Each note is sent on a worker thread (:func:`ui.shell.tasks.run_in_background`); the
steps :func:`services.mail.sender.send_one` reports (connecting, securing the
connection, logging in, sending, trying again) travel back to the UI thread
by Qt signal and show in the list of recipients and under the note, so a slow
or silent server never looks like a note "waiting to send".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

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
    from services.mail.send_checks import ready_to_send

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
    from services.mail import sender as mail_sender
    from ui.shell.tasks import run_in_background

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
