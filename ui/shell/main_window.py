"""The main window: section navigation, menus, status bar and remembered geometry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models import clock
from services.core.paths import DataPaths, resources_dir
from services.core.snapshot import Snapshot
from ui.shell.accessible import message_label, selecting_makes_current
from ui.shell.views import VIEWS, ViewSpec

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QIcon

    from services.core.store import Store

log = logging.getLogger(__name__)


ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def _open_locally(path) -> None:
    """Show a file or folder in the system's viewer."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _delete_on_close():
    # Imported here: naming Qt's ``Qt`` namespace before the first paint costs about 16 ms.
    from PySide6.QtCore import Qt

    return Qt.WidgetAttribute.WA_DeleteOnClose


def app_icon() -> QIcon:
    """The Next Steps icon, from PNGs rendered from its SVG source (tools/render_icons.py)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    hicolor = resources_dir() / "icons" / "hicolor"
    for size in ICON_SIZES:
        icon.addFile(str(hicolor / f"{size}x{size}" / "apps" / "next-steps.png"))
    return icon


class MainWindow(QMainWindow):
    """The window every section lives in. Sections are built the first time they are shown.

    It is painted from a :class:`Snapshot` before the database is opened
    through the ORM; :meth:`attach_store` hands it the opened store.
    """

    first_painted = Signal()
    store_attached = Signal()

    def __init__(
        self,
        paths: DataPaths,
        snapshot: Snapshot,
        version: str,
        store: Store | None = None,
        open_store: Callable[[], Store] | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.snapshot = snapshot
        self._store: Store | None = store
        self._open_store = open_store
        self.version = version
        self._views: dict[str, QWidget] = {}
        self._specs: dict[str, ViewSpec] = {spec.key: spec for spec in VIEWS}
        self._painted = False
        #: Whether closing saves the geometry and section (off in start-up benchmarks).
        self.remember_state = True
        self.setWindowTitle("Next Steps")
        self.setAcceptDrops(True)
        self.setObjectName("MainWindow")

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("SectionNavigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setFixedWidth(180)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setStyleSheet(
            "QListWidget#SectionNavigation { padding-top: 8px; }"
            "QListWidget#SectionNavigation::item { padding: 7px 12px; margin: 1px 6px;"
            " border-radius: 4px; color: palette(text); }"
            "QListWidget#SectionNavigation::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        self.stack = QStackedWidget(central)
        self.stack.setAccessibleName("Current section")
        for spec in VIEWS:
            item = QListWidgetItem(spec.label, self.nav)
            item.setToolTip(f"{spec.label} ({spec.shortcut})")
            placeholder = QWidget(self.stack)
            placeholder.setObjectName(f"placeholder-{spec.key}")
            self.stack.addWidget(placeholder)
        layout.addWidget(self.nav)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        self.banners = QVBoxLayout()
        self.banners.setContentsMargins(12, 8, 12, 0)
        right.addLayout(self.banners)
        right.addWidget(self.stack, 1)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._on_nav_row)
        selecting_makes_current(self.nav)

        self._build_menus()
        self.status_label = QLabel(self)
        message_label(self.status_label, "Status")
        self.statusBar().addWidget(self.status_label, 1)
        self.show_status(snapshot.application_count)

        self._restore_geometry()
        self._note_read_only(store)
        start = snapshot.setting("ui.current_view")
        self.show_view(start if start in self._specs else VIEWS[0].key)

    # -- sections ---------------------------------------------------------------
    def view_keys(self) -> list[str]:
        """The keys of every section, in navigation order."""
        return [spec.key for spec in VIEWS]

    def view(self, key: str) -> QWidget:
        """The widget of section ``key``, building it on first use."""
        if key not in self._views:
            index = self.view_keys().index(key)
            widget = self._specs[key].build(self)
            widget.setObjectName(f"view-{key}")
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._views[key] = widget
            if self._painted and hasattr(widget, "after_first_paint"):
                widget.after_first_paint()
        return self._views[key]

    def build_all_views(self) -> list[str]:
        """Build every section and fill the menus (the self-test uses this); return the
        sections' keys."""
        self.fill_menus()
        for key in self.view_keys():
            self.view(key)
        return self.view_keys()

    def show_view(self, key: str) -> None:
        """Switch to section ``key`` (the dashboard is recomputed each time it is shown)."""
        index = self.view_keys().index(key)
        fresh = key not in self._views
        widget = self.view(key)
        if key == "dashboard" and not fresh and hasattr(widget, "refresh"):
            widget.refresh()
        self.stack.setCurrentIndex(index)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)

    def current_view_key(self) -> str:
        """The key of the section on screen."""
        return self.view_keys()[self.stack.currentIndex()]

    def _on_nav_row(self, row: int) -> None:
        if row >= 0:
            self.show_view(self.view_keys()[row])

    # -- menus and status -------------------------------------------------------
    def _build_menus(self) -> None:
        """The menu bar's titles; their actions are added by :meth:`fill_menus` right after
        the first paint (QAction and its shortcuts cost start-up time, and no menu opens
        and no key arrives before the window is on screen)."""
        bar = self.menuBar()
        self._menus = {"file": bar.addMenu("&File"), "view": bar.addMenu("&View"),
                       "help": bar.addMenu("&Help")}
        self._menus_filled = False
        self._quit_action: QAction | None = None
        self._view_actions: dict[str, QAction] = {}

    def fill_menus(self) -> None:
        """Add every menu action with its shortcut (once)."""
        if self._menus_filled:
            return
        self._menus_filled = True
        from PySide6.QtGui import QAction, QKeySequence

        file_menu = self._menus["file"]
        new_action = QAction("&New Application", self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.triggered.connect(lambda: self.open_editor(None))
        file_menu.addAction(new_action)
        reminder_action = QAction("New &Reminder…", self)
        reminder_action.setShortcut(QKeySequence("Ctrl+R"))
        reminder_action.triggered.connect(lambda: self.new_reminder())
        file_menu.addAction(reminder_action)
        file_menu.addSeparator()
        import_action = QAction("&Import…", self)
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.triggered.connect(self.import_files)
        file_menu.addAction(import_action)
        export_menu = file_menu.addMenu("&Export")
        for fmt, label in (("json", "Full &Backup (.json)…"),
                           ("csv", "Applications as &Spreadsheet (.csv)…"),
                           ("ics", "&Calendar (.ics)…")):
            action = QAction(label, self)
            action.triggered.connect(lambda _checked=False, f=fmt: self.export(f))
            export_menu.addAction(action)
        file_menu.addSeparator()
        open_folder = QAction("Open &Data Folder", self)
        open_folder.triggered.connect(self.open_data_folder)
        file_menu.addAction(open_folder)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_app)
        file_menu.addAction(quit_action)
        self._quit_action = quit_action

        for spec in VIEWS:
            action = QAction(spec.label, self)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_view(key))
            self._menus["view"].addAction(action)
            self._view_actions[spec.key] = action

        help_menu = self._menus["help"]
        log_action = QAction("Open &Log File", self)
        log_action.triggered.connect(self.open_log)
        help_menu.addAction(log_action)
        about = QAction("&About Next Steps", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    @property
    def quit_action(self) -> QAction:
        """File → Quit (the menus are filled first if they were not yet)."""
        self.fill_menus()
        return self._quit_action

    @property
    def view_actions(self) -> dict[str, QAction]:
        """View → one action per section, by section key (fills the menus if needed)."""
        self.fill_menus()
        return self._view_actions

    @property
    def painted(self) -> bool:
        """True once the window has been painted for the first time."""
        return self._painted

    @property
    def store(self) -> Store | None:
        """The opened database, or None while it has not been needed yet."""
        return self._store

    def ensure_store(self) -> Store:
        """The opened database, opening it through the ORM on first need.

        A normal start paints from a snapshot and leaves the ORM unloaded
        until something reads or writes through it.
        """
        if self._store is None:
            if self._open_store is None:
                raise RuntimeError("no database was given to the window")
            self._store = self._open_store()
            self._note_read_only(self._store)
            self.store_attached.emit()
        return self._store

    def _note_read_only(self, store: Store | None) -> None:
        if store is not None and getattr(store, "read_only", False):
            banner = QLabel(store.read_only_message, self)
            banner.setObjectName("ReadOnlyBanner")
            banner.setWordWrap(True)
            message_label(banner, "Read-only data")
            banner.setStyleSheet("QLabel#ReadOnlyBanner { background: #fdecea; color: #6b1a12;"
                                 " border: 1px solid #e0a39a; border-radius: 4px; padding: 6px; }")
            self.add_banner(banner)

    def show_status(self, count: int) -> None:
        """Show the count of applications and the data folder in the status bar."""
        noun = "application" if count == 1 else "applications"
        self.status_label.setText(f"{count:,} {noun} · data in {self.paths.root}")

    def refresh_status(self) -> None:
        """Recount the applications for the status bar."""
        from models.application import Application

        self.ensure_store()
        self.show_status(Application.select().count())

    def open_data_folder(self) -> None:
        """Show the data folder in the system's file manager."""
        _open_locally(self.paths.root)

    def open_log(self) -> None:
        """Open the log file in the system's viewer."""
        _open_locally(self.paths.log_file)

    def show_about(self) -> None:
        """Show the version and where the data lives."""
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            "About Next Steps",
            f"<b>Next Steps {self.version}</b><p>For the days after "
            "“HR will contact you about next steps”: hope for the best, plan for the worst, "
            f"and keep your search moving.</p><p>Your data: {self.paths.root}</p>",
        )

    # -- geometry and closing ---------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self.snapshot.setting("ui.window_geometry")
        if saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))
        else:
            self.resize(1100, 720)

    def save_state(self) -> None:
        """Remember the window's geometry and current section (unless :attr:`remember_state`
        is off: ``make bench`` starts every run as a first start)."""
        if not self.remember_state:
            return
        from services.core.snapshot import save_ui_state

        try:
            save_ui_state(self.paths, {
                "ui.window_geometry": bytes(self.saveGeometry().toBase64()).decode(),
                "ui.current_view": self.current_view_key(),
            })
        except Exception:
            log.exception("could not save the window state")

    def quit_app(self) -> None:
        """Save the window state and leave the application."""
        self.save_state()
        QApplication.instance().quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window remembers where it was; the last window closed ends the app,
        unless a tray icon keeps it running (``keep_running_in_tray`` is set by ui.shell.tray)."""
        self.save_state()
        keep_running = getattr(self, "keep_running_in_tray", None)
        if keep_running is not None and keep_running():
            event.ignore()
            self.hide()
            return
        event.accept()

    def paintEvent(self, event) -> None:
        """Announce the first paint once (start-up measurement and deferred work)."""
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        # What was kept out of the first paint's way: the window icon (eight PNG sizes) and
        # what ApplicationsView.after_first_paint lists.
        self.setWindowIcon(app_icon())
        self.fill_menus()
        for widget in self._views.values():
            if hasattr(widget, "after_first_paint"):
                widget.after_first_paint()

    # -- editing ------------------------------------------------------------------
    def local_zone_name(self) -> str:
        """The IANA name of the user's time zone (default for new rounds)."""
        return clock.user_zone().key

    def open_editor(self, application_id: int | None) -> None:
        """Open the editor for an application (None: a new one)."""
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

    def import_files(self, files: list[str] | None = None):
        """File → Import (or files dropped on the window); returns the running import job."""
        from ui.data import file_actions

        return file_actions.import_files(self, files)

    def export(self, fmt: str) -> str | None:
        """File → Export in ``fmt`` (what was just typed in the composer is saved first)."""
        from ui.data import file_actions

        if "compose" in self._views:
            self._views["compose"].flush()
        return file_actions.export(self, fmt)

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

    def reminders_changed(self) -> None:
        """Recompute reminders after the data changed (saves, sends, imports, settings)."""
        system = getattr(self, "reminder_system", None)
        if system is not None:
            system.data_changed()

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

    def new_reminder(self, application_id: int | None = None) -> None:
        """Ask for a reminder of the user's own and arm it."""
        from ui.reminders.dialog import CustomReminderDialog

        self.ensure_store()
        dialog = CustomReminderDialog(self, self.local_zone_name(), application_id)
        dialog.accepted.connect(self.after_data_changed)
        dialog.setAttribute(_delete_on_close())
        dialog.open()
        self.reminder_dialog = dialog

    def add_banner(self, widget: QWidget) -> None:
        """Place a message or panel above the sections (reminders, advice)."""
        self.banners.addWidget(widget)

    def restart(self) -> None:
        """Start a fresh copy of the app on the same data and close this one."""
        self.save_state()
        hook = getattr(self, "restart_hook", None)
        if hook is not None:
            hook()
        else:
            from ui.shell.app import restart_app

            restart_app()

    def _on_application_saved(self, application_id: int) -> None:
        view = self._views.get("applications")
        if view is not None:
            view.reload_one(application_id)
        for key in ("calendar", "dashboard"):
            other = self._views.get(key)
            if other is not None and hasattr(other, "refresh"):
                other.refresh()
        self.refresh_status()
        self.reminders_changed()

    def bring_to_front(self) -> None:
        """Show, un-minimise and raise the window (a second launch asked for it)."""
        log.info("window brought to the front for a second launch")
        self.showNormal()
        self.raise_()
        self.activateWindow()
