"""The main sections of the window: their keys, labels, shortcuts and builders."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtWidgets import QWidget


class ViewSpec(NamedTuple):
    """One section of the main window."""

    key: str
    label: str
    shortcut: str
    build: Callable[[object], QWidget]


def _applications(window) -> QWidget:
    # Each section is imported when it is first shown: start-up builds only the first.
    from ui.applications.list_view import ApplicationsView

    view = ApplicationsView(window)
    view.editor_requested.connect(window.open_editor)
    return view


def _inbox(window) -> QWidget:
    # Each section is imported when it is first shown: start-up builds only the first.
    from ui.mail.inbox_view import InboxView

    window.ensure_store()
    return InboxView(window)


def _composer(window) -> QWidget:
    # Each section is imported when it is first shown: start-up builds only the first.
    from ui.mail.composer import ComposerView

    return ComposerView(window)


def _settings(window) -> QWidget:
    # Each section is imported when it is first shown: start-up builds only the first.
    from ui.shell.settings_view import SettingsView

    return SettingsView(window)


def _dashboard(window) -> QWidget:
    # Each section is imported when it is first shown: start-up builds only the first.
    from ui.applications.dashboard_view import DashboardView

    window.ensure_store()
    return DashboardView(window)


def _calendar(window) -> QWidget:
    # Each section is imported when it is first shown: start-up builds only the first.
    from ui.calendar.view import CalendarView

    window.ensure_store()
    return CalendarView(window)


VIEWS: list[ViewSpec] = [
    ViewSpec("applications", "Applications", "Ctrl+1", _applications),
    ViewSpec("inbox", "Inbox", "Ctrl+2", _inbox),
    ViewSpec("compose", "Compose", "Ctrl+3", _composer),
    ViewSpec("calendar", "Calendar", "Ctrl+4", _calendar),
    ViewSpec("dashboard", "Dashboard", "Ctrl+5", _dashboard),
    ViewSpec("settings", "Settings", "Ctrl+6", _settings),
]
