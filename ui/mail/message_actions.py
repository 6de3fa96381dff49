"""What a reply's one suggested action does when the user clicks it.

:class:`MessageActions` carries out the action for :class:`ui.mail.message_list.MessageList`
in the Inbox section; the application editor's "Messages" tab adapts the steps that meet
its open form (:mod:`ui.applications.editor_messages_tab`). Nothing here runs without the
user's click:

* **Mark as rejected**: :func:`services.mail.inbox.actions.apply_stage` (the stage history's
  note, naming the message, is written by the service).
* **Record the offer**: the offer dialog, its answer date filled in from the message; the
  message counts as done once the offer is saved (cancelled: nothing changes).
* **Add the interview**: the invitation in the message (its ``text/calendar`` part) through
  the calendar's invitation import; without one, the editor with a new round, and the
  message counts as done once the application is saved.
* **Reply**: a threaded reply in the composer (:func:`services.mail.drafting.start_reply`);
  the message counts as done at once: the reply is kept as a draft, saved as it is typed,
  and the message's Reply button (in its application's Messages tab) opens it again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from models import clock
from models.values import OfferStatus, Stage
from services.applications.loading import ApplicationNotFoundError
from services.mail.inbox import actions
from services.mail.inbox.actions import InboxActionProblem, MessageView
from ui.applications.editor_offer import current_offer
from ui.applications.offer_dialog import OfferDialog

__all__ = ["MessageActions"]


def _gone(view: MessageView) -> InboxActionProblem:
    return InboxActionProblem(f"The application at {view.company or 'that company'} is no "
                              "longer in Next Steps. Nothing was changed.")


def _source_name(view: MessageView) -> str:
    """How the invitation's report and the round's notes name the message it came in."""
    sender = view.from_name or view.from_address or "the company"
    return f"the message from {sender}".replace("/", "-").replace("\\", "-")


class MessageActions:
    """Carries out suggested actions for the window (the Inbox section's way).

    ``window`` is the main window (``open_editor``, ``open_composer``, ``open_reply``,
    ``applications_changed``, ``refresh_messages``, ``local_zone_name``); ``parent`` is the
    widget the offer dialog opens over.
    """

    def __init__(self, window, parent: QWidget) -> None:
        self.window = window
        self.parent = parent

    def run(self, view: MessageView) -> str:
        """Do ``view``'s suggested action; the sentence saying what happened ("" when the
        user cancelled). Raises :class:`InboxActionProblem` with a sentence."""
        step = {"mark_rejected": self.mark_rejected, "record_offer": self.record_offer,
                "add_round": self.add_round, "reply": self.reply}.get(view.suggested_action)
        if step is None or view.application_id is None or not self.ready():
            return ""
        return step(view)

    # -- what the editor adapts --------------------------------------------------------------
    def ready(self) -> bool:
        """True when the action may start (the editor saves its form first)."""
        return True

    def applications_changed(self, application_ids: list[int]) -> None:
        """Show what changed on these applications wherever they are on screen."""
        changed = getattr(self.window, "applications_changed", None)
        if changed is not None:
            changed(application_ids)

    def ask_more_time(self, application_id: int) -> None:
        """The offer dialog's "Ask for more time": the note to the contact, in the composer."""
        self.window.open_composer(application_id, None, "more_time")

    def new_round(self, view: MessageView) -> str:
        """Add an interview by hand: the editor with a new round; done once it is saved."""
        self.window.open_editor(view.application_id)
        editor = self.window.editor
        editor.add_round()
        editor.saved.connect(lambda _id, uid=view.uid: self.acted_later(uid))
        return ("Enter the interview's day, time and people in the editor, then save; the "
                "message then counts as done.")

    def acted_later(self, uid: str) -> None:
        """A dialog opened for the message did its work: the message is done now."""
        try:
            actions.mark_acted(uid)
        except InboxActionProblem:
            return  # the message went meanwhile (with its application): nothing to mark
        refresh = getattr(self.window, "refresh_messages", None)
        if refresh is not None:
            refresh()

    def open_reply(self, draft) -> None:
        """Show the reply in the composer."""
        self.window.open_reply(draft)

    # -- the four actions --------------------------------------------------------------------
    def mark_rejected(self, view: MessageView) -> str:
        """Move the application to "rejected", noting the message in its history."""
        actions.apply_stage(view.uid, Stage.REJECTED.value)
        self.applications_changed([view.application_id])
        return (f"Your application at {view.company} is now marked as rejected; its stage "
                "history names this message. Your other applications keep going.")

    def record_offer(self, view: MessageView) -> str:
        """The offer dialog (the open offer, or a new one with the message's dates)."""
        offer = current_offer(view.application_id)
        pending = offer is not None and offer.status == OfferStatus.PENDING.value
        offer_id = offer.id if pending else None
        asked: list[int] = []
        try:
            local_day = view.sent_at.astimezone(clock.user_zone()).date()
        except (OverflowError, ValueError):
            local_day = None
        try:
            saved = OfferDialog.ask(self.parent, view.application_id, offer_id,
                                    self.window.local_zone_name(), on_more_time=asked.append,
                                    received_on=local_day, deadline=view.deadline)
        except ApplicationNotFoundError:
            raise _gone(view) from None
        if saved is None:
            return ""
        actions.mark_acted(view.uid)
        self.applications_changed([view.application_id])
        if asked:
            self.ask_more_time(view.application_id)
        return f"The offer from {view.company} is recorded."

    def add_round(self, view: MessageView) -> str:
        """The invitation in the message, imported; without one, a new round by hand."""
        if not view.calendar_text.strip():
            return self.new_round(view)
        report = self.import_invitation(view)
        if not (report.created or report.updated or report.unchanged):
            raise InboxActionProblem(
                "The invitation in this message could not be used: "
                + " ".join(line.strip() for line in report.lines[-3:])
                + " Add the interview by hand in the application's Interviews tab.")
        actions.mark_acted(view.uid)
        self.applications_changed(list(report.application_ids) or [view.application_id])
        lines = [line.strip() for line in report.lines if line.strip()]
        return "\n".join(lines[1:] or lines) or report.summary()

    def import_invitation(self, view: MessageView):
        """Import the message's ``text/calendar`` part as the calendar's import does, for the
        message's application when the invitation's own signs leave a choice; the report."""
        # icalendar: loaded by the import's modules, when an invitation is first imported.
        from services.calendar.ics_import import user_addresses
        from services.calendar.ics_reader import InvitationFileError
        from services.calendar.invitation_files import InvitationFile, apply_invitation_files
        from services.calendar.invitations import parse_invitations

        try:
            parsed = parse_invitations(view.calendar_text.encode("utf-8", "replace"),
                                       own_addresses=user_addresses(),
                                       user_zone=clock.user_zone())
        except InvitationFileError as problem:
            raise InboxActionProblem(
                f"The invitation in this message cannot be read: {problem.message} Add the "
                "interview by hand in the application's Interviews tab.") from None
        read = [InvitationFile(Path(_source_name(view)), parsed)]
        return apply_invitation_files(
            read, now=clock.now().replace(microsecond=0),
            choose_application=lambda _invitation, _candidates: view.application_id,
            accept_partial=lambda _file: True)

    def reply(self, view: MessageView) -> str:
        """A reply in the same thread, in the composer."""
        # jinja2: the drafts' module renders templates; loaded when a note is first written.
        from services.mail.drafting import start_reply

        in_reply_to, references = view.reply_headers()
        try:
            draft = start_reply(view.application_id, to_name=view.from_name,
                                to_address=view.from_address, subject=view.subject,
                                in_reply_to=in_reply_to, references=references,
                                quoted_text=view.text, quoted_sent_at=view.sent_at)
        except ApplicationNotFoundError:
            raise _gone(view) from None
        actions.mark_acted(view.uid)
        self.open_reply(draft)
        return f"Your reply to {view.from_name or view.from_address} is in the composer."
