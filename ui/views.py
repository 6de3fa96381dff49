"""The main sections of the window: their keys, labels, shortcuts and builders."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtWidgets import QWidget

from ui.empty_state import EmptyState


class ViewSpec(NamedTuple):
    """One section of the main window."""

    key: str
    label: str
    shortcut: str
    build: Callable[[object], QWidget]


def _pending(title: str, what: str) -> Callable[[object], QWidget]:
    def build(_context: object) -> QWidget:
        return EmptyState(title, what)

    return build


def _applications(window) -> QWidget:
    from ui.applications_view import ApplicationsView

    view = ApplicationsView(window)
    view.editor_requested.connect(window.open_editor)
    return view


VIEWS: list[ViewSpec] = [
    ViewSpec("applications", "Applications", "Ctrl+1", _applications),
    ViewSpec(
        "compose", "Compose", "Ctrl+2",
        _pending(
            "Thank-you notes",
            "The composer is not built yet in this version. It will prepare a personal "
            "note for each interviewer and warn when two notes read alike.",
        ),
    ),
    ViewSpec(
        "calendar", "Calendar", "Ctrl+3",
        _pending(
            "Calendar",
            "The calendar is not built yet in this version. It will show interviews, "
            "thank-you deadlines, follow-ups and offer deadlines.",
        ),
    ),
    ViewSpec(
        "dashboard", "Dashboard", "Ctrl+4",
        _pending(
            "Dashboard",
            "The dashboard is not built yet in this version. It will show what is waiting, "
            "what is overdue and how your search is moving week by week.",
        ),
    ),
    ViewSpec(
        "settings", "Settings", "Ctrl+5",
        _pending(
            "Settings",
            "Settings are not built yet in this version. Your data folder, backups, email "
            "account and reminder preferences will be set here.",
        ),
    ),
]
