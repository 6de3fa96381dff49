"""What the dashboard's lists say: each item of the figures as a row of short texts.

:class:`ui.applications.dashboard_view.DashboardView` fills its lists with
:func:`waiting_row`, :func:`overdue_row`, :func:`interview_row` and :func:`offer_row`;
the words for days and amounts they use (:func:`short_day`, :func:`days_left_text`,
:func:`waited_text`, :func:`ago_text`, :func:`amount_text`) are public too.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from services.applications.dashboard import InterviewItem, OfferItem
from services.applications.overdue import OverdueItem, WaitingItem
from ui.applications.dashboard_list_model import ListRow

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- Words for days --------------------------------------------------------------------------


def short_day(day: date, today: date) -> str:
    """``Mon 03 Mar``, with the year when it is not this year's."""
    text = f"{_WEEKDAYS[day.weekday()]} {day.day:02d} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def days_left_text(days: int | None) -> str:
    """``"4 days left"``, ``"1 day left"``, ``"today"``, ``"1 day ago"``, ``"2 days ago"``."""
    if days is None:
        return "no deadline"
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day left" if days == 1 else f"{days:,} days left"
    return "1 day ago" if days == -1 else f"{-days:,} days ago"


def waited_text(days: int) -> str:
    """``"waiting 9 days"`` (``"since today"`` on the first day)."""
    if days <= 0:
        return "since today"
    return "waiting 1 day" if days == 1 else f"waiting {days:,} days"


def ago_text(day: date, today: date) -> str:
    """``"today"``, ``"yesterday"``, ``"3 days ago"``."""
    days = (today - day).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days:,} days ago"


def amount_text(amount: Decimal | None, currency: str) -> str:
    """``"74,000 EUR"`` (cents only when there are some); empty without an amount."""
    if amount is None:
        return ""
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{number} {currency}".strip()


# --- Rows --------------------------------------------------------------------------------------


def waiting_row(item: WaitingItem, today: date) -> ListRow:
    """Company, role, how long it has waited, the answer expected by."""
    if item.expected is None:
        expected, tip = "", ""
    else:
        expected = short_day(item.expected, today)
        passed = " (that day has passed)" if item.expected < today else ""
        tip = f"Answer expected by {expected}{passed}"
    since = f"Waiting since {short_day(item.since, today)}"
    return ListRow((item.company, item.role, waited_text(item.days), expected),
                   item.application_id, f"{since}. {tip}".strip(". ") + ".")


def overdue_row(item: OverdueItem, today: date) -> ListRow:
    """Company, what to do, how long ago it was due."""
    due = ago_text(item.due, today)
    return ListRow((item.company, item.text, due), item.application_id,
                   f"{item.text} Due {short_day(item.due, today)}.")


def interview_row(item: InterviewItem, today: date, zone: ZoneInfo) -> ListRow:
    """When (in ``zone``), company, round; the tooltip adds the time in the interview's zone."""
    local = item.starts_at.astimezone(zone)
    days = (local.date() - today).days
    day = {0: "Today", 1: "Tomorrow"}.get(days, short_day(local.date(), today))
    when = f"{day}, {local.hour:02d}:{local.minute:02d}"
    title = item.title.strip() or "Interview"
    tip = f"{title} for {item.role} at {item.company}, {item.duration_minutes} minutes"
    if item.tz_name and item.tz_name != zone.key:
        there = item.starts_at.astimezone(_zone_or_utc(item.tz_name))
        tip += f" ({there.hour:02d}:{there.minute:02d} {item.tz_name})"
    return ListRow((when, item.company, title), item.application_id, tip)


def offer_row(item: OfferItem, today: date, zone: ZoneInfo) -> ListRow:
    """Company, deadline (in ``zone``), days left, amount."""
    if item.deadline is None:
        deadline = "no deadline"
    else:
        local = item.deadline.astimezone(zone)
        deadline = f"{short_day(local.date(), today)}, {local.hour:02d}:{local.minute:02d}"
    left = days_left_text(item.days_left)
    tip = f"Offer for {item.role} at {item.company}"
    if item.days_left is not None and 0 <= item.days_left <= 3:
        tip += ". The deadline is close: asking for a few more days is a normal request."
    return ListRow((item.company, deadline, left, amount_text(item.amount, item.currency)),
                   item.application_id, tip)


def _zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
