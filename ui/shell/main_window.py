"""The main window: section navigation, menus, status bar and remembered geometry.

:class:`MainWindow` is built by the start-up (:mod:`ui.shell.app`) and painted from a
snapshot before the database is opened. Its menus are filled after the first paint
(:mod:`ui.shell.window_menus`); what sections, menus and the tray ask of it (open the
editor or the composer, import and export, refresh after changes) is
:class:`ui.shell.window_commands.WindowCommands`, mixed into it.
"""

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
from services.core.paths import DataPaths
from services.core.snapshot import Snapshot, save_ui_state
from ui.shell.accessible import message_label, selecting_makes_current
from ui.shell.restart import restart_app
from ui.shell.views import VIEWS, ViewSpec
from ui.shell.window_commands import WindowCommands

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent

    from services.core.store import Store

log = logging.getLogger(__name__)


class MainWindow(WindowCommands, QMainWindow):
    """The window every section lives in. Sections are built the first time they are shown.

    It is painted from a :class:`Snapshot` before the database is opened
    through the ORM; :meth:`ensure_store` opens it on first need.
    """

    first_painted = Signal()
    store_attached = Signal()
    #: The replies read from the mailbox changed (see WindowCommands.refresh_messages).
    messages_refreshed = Signal()

    def __init__(
        self,
        paths: DataPaths,
        snapshot: Snapshot,
        version: str,
        store: Store | None = None,
        open_store: Callable[[], Store] | None = None,
        *,
        restart: Callable[[], None] = restart_app,
        remember_state: bool = True,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.snapshot = snapshot
        self._store: Store | None = store
        self._store_given = store is not None
        self._open_store = open_store
        self.version = version
        self._views: dict[str, QWidget] = {}
        self._specs: dict[str, ViewSpec] = {spec.key: spec for spec in VIEWS}
        self._painted = False
        #: Whether closing saves the geometry and section (off in start-up benchmarks).
        self.remember_state = remember_state
        self._restart = restart
        #: The reminders (ui.shell.reminder_system.ReminderSystem) once started (attach_reminders).
        self.reminder_system = None
        #: The mailbox watcher (ui.mail.mailbox_watch.MailboxWatch), once the start-up made it.
        self.mailbox_watch = None
        #: Starts the watcher when a mailbox is saved; set by the start-up while none is
        #: (ui.mail.mailbox_start).
        self.start_mailbox_watch: Callable[[], None] | None = None
        #: Asked when the window is closed: True keeps the app running (in the tray).
        self.keep_running_in_tray: Callable[[], bool] | None = None
        self.setWindowTitle("Next Steps")
        self.setAcceptDrops(True)
        self.setObjectName("MainWindow")
        self._build_central()
        self._build_menus()
        self._build_status_bar()
        self.show_status(snapshot.application_count)
        self._restore_geometry()
        self._note_read_only(store)
        start = snapshot.setting("ui.current_view")
        self.show_view(start if start in self._specs else VIEWS[0].key)
        self.store_attached.connect(self.refresh_messages)

    def _build_central(self) -> None:
        """The list of sections on the left; the banners above the current section."""
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

    def _build_status_bar(self) -> None:
        """The status bar's message: the count of applications and the data folder."""
        self.status_label = QLabel(self)
        message_label(self.status_label, "Status")
        self.statusBar().addWidget(self.status_label, 1)

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
        # QAction and its shortcuts: not before the first paint (see _build_menus).
        from ui.shell.window_menus import fill_menus

        self._quit_action, self._view_actions = fill_menus(self, self._menus)

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
        if store is not None and store.read_only:
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
        # peewee: not before the first paint (the status bar starts from the snapshot).
        from services.applications.loading import application_count

        self.ensure_store()
        self.show_status(application_count())

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
        unless a tray icon keeps it running (see :meth:`set_close_policy`)."""
        self.save_state()
        keep_running = self.keep_running_in_tray
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
        # What was kept out of the first paint's way: the window icon (eight PNG sizes, and
        # its module) and what ApplicationsView.after_first_paint lists.
        from ui.shell.app_icon import app_icon

        self.setWindowIcon(app_icon())
        self.fill_menus()
        if self._store_given and not self._store.db.is_closed():
            self.refresh_messages()  # a store opened later counts them when it is attached
        for widget in self._views.values():
            if hasattr(widget, "after_first_paint"):
                widget.after_first_paint()

    # -- time, banners, restarting --------------------------------------------------
    def local_zone_name(self) -> str:
        """The IANA name of the user's time zone (default for new rounds)."""
        return clock.user_zone().key

    def add_banner(self, widget: QWidget) -> None:
        """Place a message or panel above the sections (reminders, advice)."""
        self.banners.addWidget(widget)

    def restart(self) -> None:
        """Start a fresh copy of the app on the same data and close this one."""
        self.save_state()
        self._restart()

    def set_close_policy(self, keep_running: Callable[[], bool] | None) -> None:
        """What closing the window does: when ``keep_running`` returns True the window only
        hides (a tray icon keeps the app running); None closes the app."""
        self.keep_running_in_tray = keep_running

    def attach_reminders(self, system) -> None:
        """The reminders started (a moment after the first paint); data changes reach them."""
        self.reminder_system = system

    def bring_to_front(self) -> None:
        """Show, un-minimise and raise the window (a second launch asked for it)."""
        log.info("window brought to the front for a second launch")
        self.showNormal()
        self.raise_()
        self.activateWindow()
