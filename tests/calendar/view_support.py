"""What the Calendar section's tests share: the day they happen (:data:`TODAY`, :data:`NOW`),
the invitation files (:data:`DATA`), a stand-in main window (:class:`StandInWindow`), and
small helpers (:func:`app_id`, :func:`agenda_titles`, :func:`select`).

Their fixtures are in tests/calendar/conftest.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.application import Application
from tests.conftest import FIXTURES

TODAY = date(2024, 5, 15)  # a Wednesday
NOW = datetime(2024, 5, 15, 8, 0, tzinfo=UTC)  # 10:00 in Berlin
DATA = FIXTURES / "ics"


class StandInWindow:
    """What the calendar needs from the main window."""

    def __init__(self, paths, store) -> None:
        self.paths = paths
        self.store = store
        self.opened: list[int | None] = []
        self.store_asked = 0

    def ensure_store(self):
        """The store (counting the calls)."""
        self.store_asked += 1
        return self.store

    def open_editor(self, application_id):
        """Record the application the calendar opened."""
        self.opened.append(application_id)

    def local_zone_name(self) -> str:
        """The user's zone."""
        return "Europe/Berlin"


def app_id(company: str) -> int:
    """The id of the demo application of ``company``."""
    return Application.get(Application.company == company).id


def agenda_titles(view) -> list[str]:
    """The titles the agenda lists."""
    return [entry.title for entry in view.agenda_model.entries()]


def select(qtbot, view, day: date) -> None:
    """Select ``day`` and fill the agenda now (not after the usual short pause)."""
    view.select_day(day)
    view.refresh_agenda_now()
    assert view.grid.selected == day
