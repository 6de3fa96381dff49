"""The main window's menu actions: File, View and Help, with their shortcuts.

The window creates the menu bar's titles before its first paint and calls
:func:`fill_menus` right after it (QAction and its shortcuts cost start-up time, and no
menu opens and no key arrives before the window is on screen). The Help and File
commands that only the menus use are here too: :func:`open_data_folder`,
:func:`open_log` and :func:`show_about`.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from ui.shell.views import VIEWS

#: File → Export: the format and its menu text.
EXPORTS = (("json", "Full &Backup (.json)…"),
           ("csv", "Applications as &Spreadsheet (.csv)…"),
           ("ics", "&Calendar (.ics)…"))


def fill_menus(window, menus: dict[str, QMenu]) -> tuple[QAction, dict[str, QAction]]:
    """Add every action of ``window``'s menus (``menus`` by "file", "view", "help");
    return File → Quit and View's action per section key."""
    quit_action = _fill_file_menu(window, menus["file"])
    view_actions = _fill_view_menu(window, menus["view"])
    _fill_help_menu(window, menus["help"])
    return quit_action, view_actions


def _fill_file_menu(window, file_menu: QMenu) -> QAction:
    """New application and reminder, Check Mail Now, Import, Export, the data folder and
    Quit."""
    new_action = QAction("&New Application", window)
    new_action.setShortcut(QKeySequence.StandardKey.New)
    new_action.triggered.connect(lambda: window.open_editor(None))
    file_menu.addAction(new_action)
    reminder_action = QAction("New &Reminder…", window)
    reminder_action.setShortcut(QKeySequence("Ctrl+R"))
    reminder_action.triggered.connect(lambda: window.new_reminder())
    file_menu.addAction(reminder_action)
    window.check_mail_action = _check_mail_action(window)
    file_menu.addAction(window.check_mail_action)
    file_menu.addSeparator()
    import_action = QAction("&Import…", window)
    import_action.setShortcut(QKeySequence("Ctrl+I"))
    import_action.triggered.connect(window.import_files)
    file_menu.addAction(import_action)
    export_menu = file_menu.addMenu("&Export")
    for fmt, label in EXPORTS:
        action = QAction(label, window)
        action.triggered.connect(lambda _checked=False, f=fmt: window.export(f))
        export_menu.addAction(action)
    file_menu.addSeparator()
    open_folder = QAction("Open &Data Folder", window)
    open_folder.triggered.connect(lambda: open_data_folder(window))
    file_menu.addAction(open_folder)
    file_menu.addSeparator()
    quit_action = QAction("&Quit", window)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.quit_app)
    file_menu.addAction(quit_action)
    return quit_action


def _check_mail_action(window) -> QAction:
    """File → Check Mail Now: the mailbox watcher's next pass at once; off while no mailbox
    is set up (the watcher turns it on, see ui.mail.mailbox_watch)."""
    action = QAction("Check &Mail Now", window)
    watch = getattr(window, "mailbox_watch", None)
    action.setEnabled(bool(watch is not None and watch.can_check))
    action.triggered.connect(lambda: _check_mail(window))
    return action


def _check_mail(window) -> None:
    watch = getattr(window, "mailbox_watch", None)
    if watch is not None:
        watch.check_now()


def _fill_view_menu(window, view_menu: QMenu) -> dict[str, QAction]:
    """One action per section, with its shortcut (Ctrl+1 …)."""
    actions = {}
    for spec in VIEWS:
        action = QAction(spec.label, window)
        action.setShortcut(QKeySequence(spec.shortcut))
        action.triggered.connect(lambda _checked=False, key=spec.key: window.show_view(key))
        view_menu.addAction(action)
        actions[spec.key] = action
    return actions


def _fill_help_menu(window, help_menu: QMenu) -> None:
    """The log file and About."""
    log_action = QAction("Open &Log File", window)
    log_action.triggered.connect(lambda: open_log(window))
    help_menu.addAction(log_action)
    about = QAction("&About Next Steps", window)
    about.triggered.connect(lambda: show_about(window))
    help_menu.addAction(about)


def _open_locally(path) -> None:
    """Show a file or folder in the system's viewer."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_data_folder(window) -> None:
    """Show the data folder in the system's file manager."""
    _open_locally(window.paths.root)


def open_log(window) -> None:
    """Open the log file in the system's viewer."""
    _open_locally(window.paths.log_file)


def show_about(window) -> None:
    """Show the version and where the data lives."""
    QMessageBox.about(
        window,
        "About Next Steps",
        f"<b>Next Steps {window.version}</b><p>For the days after "
        "“HR will contact you about next steps”: hope for the best, plan for the worst, "
        f"and keep your search moving.</p><p>Your data: {window.paths.root}</p>",
    )
