"""Fixtures of the Calendar section's tests (test_calendar_view*.py): the demo data on
:data:`~tests.calendar.view_support.TODAY`, a stand-in main window, the view's messages
recorded instead of shown, and the view itself.

The view's test modules pin the clock with ``pytestmark = pytest.mark.usefixtures("at_now")``.
"""

from __future__ import annotations

import pytest

from services.data import demo as demo_data
from tests.calendar.view_support import NOW, TODAY, StandInWindow
from ui.calendar.dialogs import CalendarMessages
from ui.calendar.view import CalendarView


@pytest.fixture
def at_now(pinned_clock):
    """The test happens at :data:`~tests.calendar.view_support.NOW`."""
    pinned_clock.pin(NOW)


@pytest.fixture
def demo(store):
    """The demo search, its dates around :data:`~tests.calendar.view_support.TODAY`."""
    demo_data.fill_demo(today=TODAY)
    return store


@pytest.fixture
def window(demo, data_paths):
    """A stand-in main window over the demo data."""
    return StandInWindow(data_paths, demo)


@pytest.fixture
def messages(monkeypatch):
    """Every message the view shows, instead of modal boxes."""
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(CalendarMessages, "inform",
                        classmethod(lambda cls, parent, title, text: shown.append(
                            ("inform", title, text))))
    monkeypatch.setattr(CalendarMessages, "warn",
                        classmethod(lambda cls, parent, title, text: shown.append(
                            ("warn", title, text))))
    monkeypatch.setattr(CalendarMessages, "show_report",
                        classmethod(lambda cls, parent, report: shown.append(
                            ("report", "", report.text()))))
    return shown


@pytest.fixture
def view(qtbot, window, messages):
    """The Calendar section, shown at 1100 x 720."""
    widget = CalendarView(window)
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
