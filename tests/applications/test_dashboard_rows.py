"""The words of the dashboard's lists (ui.applications.dashboard_rows)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ui.applications.dashboard_rows import (
    ago_text,
    amount_text,
    days_left_text,
    short_day,
    waited_text,
)

TODAY = date(2025, 3, 12)


def test_words_for_days():
    assert days_left_text(4) == "4 days left"
    assert days_left_text(1) == "1 day left"
    assert days_left_text(0) == "today"
    assert days_left_text(-1) == "1 day ago"
    assert days_left_text(-2) == "2 days ago"
    assert days_left_text(None) == "no deadline"
    assert waited_text(9) == "waiting 9 days"
    assert waited_text(1) == "waiting 1 day"
    assert waited_text(0) == "since today"
    assert ago_text(TODAY, TODAY) == "today"
    assert ago_text(TODAY - timedelta(days=1), TODAY) == "yesterday"
    assert ago_text(TODAY - timedelta(days=3), TODAY) == "3 days ago"
    assert short_day(date(2025, 3, 3), TODAY) == "Mon 03 Mar"
    assert short_day(date(2024, 12, 30), TODAY) == "Mon 30 Dec 2024"
    assert amount_text(Decimal("74000"), "EUR") == "74,000 EUR"
    assert amount_text(Decimal("74000.50"), "") == "74,000.50"
    assert amount_text(None, "EUR") == ""
