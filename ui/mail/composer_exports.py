"""The composer's ways out without an account: the mail app, the clipboard, an .eml file,
and "Mark as sent" once the user has sent a note themselves.

:class:`ComposerExports` is mixed into :class:`ui.mail.composer.ComposerView`; its buttons
call :meth:`~ComposerExports.open_in_mail_app`, :meth:`~ComposerExports.copy_current`,
:meth:`~ComposerExports.save_eml` and :meth:`~ComposerExports.mark_current_sent`. What was
typed is saved before a note leaves the app.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from models import clock
from services.core.atomic import write_bytes_atomic
from services.mail.drafts import DraftProblem, mark_sent
from services.mail.headers import HeaderProblem
from services.mail.mail_program import eml_bytes, mailto_url
from ui.mail.composer_dialogs import ComposerDialogs


class ComposerExports:
    """Mail app, Copy, Save as .eml and Mark as sent (mixed into the composer: uses its
    note on screen, its account and its state line)."""

    def open_in_mail_app(self) -> None:
        """Hand the draft to the system's mail program (mailto:)."""
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
        draft = self._current()
        if draft is not None:
            self.flush()
            mark_sent(draft.email_id, clock.now())
            self._refresh_states()
