"""What the sections, the menus and the tray ask of the main window.

:class:`WindowCommands` is mixed into :class:`ui.shell.main_window.MainWindow`: open an
application's editor (:meth:`~WindowCommands.open_editor`) or the composer
(:meth:`~WindowCommands.open_composer`), add a reminder of the user's own
(:meth:`~WindowCommands.new_reminder`), import and export files (File menu and files
dropped on the window: :meth:`~WindowCommands.import_files`,
:meth:`~WindowCommands.export`), and refresh what shows the data after it changed
(:meth:`~WindowCommands.after_data_changed`, :meth:`~WindowCommands.reminders_changed`,
:meth:`~WindowCommands.applications_changed`). Replies read from the mailbox:
:meth:`~WindowCommands.refresh_messages` (the mailbox watcher calls it after each pass) and
:meth:`~WindowCommands.open_reply`.
Nothing here runs before the first paint; what these need is imported when first used.
"""

from __future__ import annotations


def _delete_on_close():
    # Imported here: naming Qt's ``Qt`` namespace before the first paint costs about 16 ms.
    from PySide6.QtCore import Qt

    return Qt.WidgetAttribute.WA_DeleteOnClose


class WindowCommands:
    """The main window's commands (mixed into it: uses its sections, ``view()``,
    ``show_view()``, ``ensure_store()``, ``refresh_status()`` and ``local_zone_name()``)."""

    # -- opening what to edit -------------------------------------------------------
    def open_editor(self, application_id: int | None) -> None:
        """Open the editor for an application (None: a new one)."""
        # peewee: the editor reads through the ORM; not before the first paint.
        from ui.applications.editor import ApplicationEditor

        editor = ApplicationEditor(self, application_id)
        editor.saved.connect(self._on_application_saved)
        editor.setAttribute(_delete_on_close())
        editor.open()
        self.editor = editor

    def open_composer(self, application_id: int, round_id: int | None,
                      template_key: str = "thank_you") -> None:
        """Show the composer with the notes of ``round_id``; without a round, the note of
        ``template_key`` to the application's contact (HR, or the agency's recruiter)."""
        self.show_view("compose")
        if round_id is None:
            self.view("compose").open_contact_note(application_id, template_key)
        else:
            self.view("compose").open_round(application_id, round_id, template_key)

    def open_reply(self, draft) -> None:
        """Show the composer with a reply written from a message (a ``DraftInfo``)."""
        self.show_view("compose")
        self.view("compose").open_note(draft)

    def new_reminder(self, application_id: int | None = None) -> None:
        """Ask for a reminder of the user's own and arm it."""
        # Not before the first paint: only File → New Reminder needs it.
        from ui.reminders.dialog import CustomReminderDialog

        self.ensure_store()
        dialog = CustomReminderDialog(self, self.local_zone_name(), application_id)
        dialog.accepted.connect(self.after_data_changed)
        dialog.setAttribute(_delete_on_close())
        dialog.open()
        self.reminder_dialog = dialog

    # -- files -----------------------------------------------------------------------
    def import_files(self, files: list[str] | None = None):
        """File → Import (or files dropped on the window); returns the running import job."""
        # Not before the first paint: only File → Import and Export need it.
        from ui.data import file_actions

        return file_actions.import_files(self, files)

    def export(self, fmt: str) -> str | None:
        """File → Export in ``fmt`` (what was just typed in the composer is saved first)."""
        # Not before the first paint: only File → Import and Export need it.
        from ui.data import file_actions

        if "compose" in self._views:
            self._views["compose"].flush()
        return file_actions.export(self, fmt)

    def dragEnterEvent(self, event) -> None:
        """Accept dropped files (invitations, spreadsheets, backups)."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        """Import dropped files."""
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    # -- after the data changed ------------------------------------------------------
    def after_data_changed(self) -> None:
        """Refresh what shows the data after an import or restore."""
        view = self._views.get("applications")
        if view is not None:
            view.load_all()
        for key in ("calendar", "dashboard"):
            other = self._views.get(key)
            if other is not None and hasattr(other, "refresh"):
                other.refresh()
        self.refresh_status()
        self.reminders_changed()

    def _on_application_saved(self, application_id: int) -> None:
        self._show_changed([application_id])
        self.reminders_changed()

    def applications_changed(self, application_ids) -> None:
        """Refresh what shows these applications after a change made from a message (a stage,
        an offer, an interview), and the replies."""
        self._show_changed(application_ids)
        self.refresh_messages()

    def _show_changed(self, application_ids) -> None:
        """The list's rows of these applications, the calendar, the dashboard, the status."""
        view = self._views.get("applications")
        for application_id in dict.fromkeys(application_ids):
            if view is not None:
                view.reload_one(application_id)
        for key in ("calendar", "dashboard"):
            other = self._views.get(key)
            if other is not None and hasattr(other, "refresh"):
                other.refresh()
        self.refresh_status()

    def refresh_messages(self) -> None:
        """Count the replies still to look at in the navigation ("Inbox (3)"), tell what
        shows replies (the Inbox, an open editor's Messages tab, the dashboard) to read them
        again, and the reminders (a reply stops a follow-up). The mailbox watcher calls this
        after each pass."""
        # The ORM: never before the first paint (the window calls this once the data is open).
        from services.mail.inbox.actions import unhandled_count

        self.ensure_store()
        count = unhandled_count()
        index = self.view_keys().index("inbox")
        spec, item = self._specs["inbox"], self.nav.item(index)
        label = f"{spec.label} ({count:,})" if count else spec.label
        if item is not None and item.text() != label:
            item.setText(label)
            item.setToolTip(f"{label} ({spec.shortcut})")
        self.messages_refreshed.emit()
        self.reminders_changed()

    def reminders_changed(self) -> None:
        """Recompute reminders after the data changed (saves, sends, imports, settings)."""
        system = self.reminder_system
        if system is not None:
            system.data_changed()
