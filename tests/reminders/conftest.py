"""Fixtures of the reminder engine's tests (test_reminder_*.py): :func:`lumen`, one application
with a round whose answer is expected on a known day.

Their helpers are in tests/reminders/reminder_data.py."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reminders.reminder_data import application, interview, local


@pytest.fixture
def lumen(store):
    """Lumen: a 90-minute round on Mon 13 May 2024 at 14:00 Berlin with two interviewers,
    "5 business days" → answer expected Mon 20 May, follow-up Wed 22 May. A second open
    application (applied) keeps the search from counting as stalled."""
    app = application()
    application("Atlas Mobility", "applied", applied_on=date(2024, 5, 10))
    rnd, people = interview(app, local(2024, 5, 13, 14), duration=90, asked_timeframe=True,
                            timeframe_value=5, timeframe_unit="business_days")
    return app, rnd, people
