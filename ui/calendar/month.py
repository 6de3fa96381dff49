"""The month grid: six weeks of days, each with a marker per kind of entry and its count.

Painted with ``QPainter`` (42 cells, a few shapes each), so a month switch
costs one query for the counts of the visible six weeks and one repaint. The
counts come from a provider function the calendar view sets (it caches them
per month); the grid itself knows nothing of the database. The drawing is in
:mod:`ui.calendar.month_paint`. The calendar uses :class:`MonthGrid` and the date texts
(:func:`long_day`, :func:`month_title`, :func:`add_months`).

Keyboard: arrows move the selected day (left/right a day, up/down a week),
Page Up/Page Down a month, Home goes to today, Enter activates the day.
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QLocale, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QPixmap
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from models import clock
from services.calendar.entry_types import KIND_ORDER, EntryKind
from ui.calendar.month_paint import WEEKS, MonthPainting

Counts = dict[date, dict[EntryKind, int]]
#: ``provider(first, last)`` → counts of the days ``first``..``last``.
CountsProvider = Callable[[date, date], Counts]

SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LONG_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LONG_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def long_day(day: date) -> str:
    """``Tuesday 26 November 2024`` (English, whatever the locale)."""
    return f"{LONG_DAYS[day.weekday()]} {day.day} {LONG_MONTHS[day.month - 1]} {day.year}"


def month_title(month: date) -> str:
    """``November 2024``."""
    return f"{LONG_MONTHS[month.month - 1]} {month.year}"


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months, kept within the month (31 Jan + 1 → 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = pycalendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def week_start_weekday(locale: QLocale | None = None) -> int:
    """The first day of the week of ``locale`` (the default locale) as a Python weekday
    (Monday 0 … Sunday 6)."""
    first = (locale or QLocale()).firstDayOfWeek()
    return (first.value - 1) % 7


def describe_counts(counts: dict[EntryKind, int]) -> str:
    """``1 interview, 2 thank-you deadlines`` (empty when nothing)."""
    parts = []
    for kind in KIND_ORDER:
        number = counts.get(kind, 0)
        if number:
            label = kind.label.lower() if kind is not EntryKind.CUSTOM_REMINDER else "reminder"
            parts.append(f"{number} {label}{'s' if number != 1 else ''}")
    return ", ".join(parts)


class MonthGrid(MonthPainting, QWidget):
    """Six weeks around a month, with the selected day, today and the markers."""

    #: The selected day changed (by click or key).
    day_selected = Signal(object)
    #: The shown month changed (its first day).
    month_changed = Signal(object)
    #: Enter or a double-click on a day.
    day_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None,
                 week_start: int | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Month")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self._today = today or clock.today()
        self._selected = self._today
        self._month = self._today.replace(day=1)
        self._week_start = week_start_weekday() if week_start is None else week_start % 7
        self._provider: CountsProvider | None = None
        self._highlight_week = False
        self._markers: dict[tuple, QPixmap] = {}
        self._counts: Counts = {}
        # The app speaks English; the order of the days follows the user's locale.
        self._day_names = [SHORT_DAYS[(self._week_start + n) % 7] for n in range(7)]
        self._update_description()

    # -- state ------------------------------------------------------------------------------
    @property
    def month(self) -> date:
        """The first day of the month shown."""
        return self._month

    @property
    def selected(self) -> date:
        """The selected day."""
        return self._selected

    @property
    def today(self) -> date:
        """The day highlighted as today."""
        return self._today

    @property
    def week_start(self) -> int:
        """The first day of each row (Python weekday, Monday 0)."""
        return self._week_start

    def first_visible(self) -> date:
        """The first day of the grid (the start of the week holding the 1st)."""
        first = self._month
        return first - timedelta(days=(first.weekday() - self._week_start) % 7)

    def last_visible(self) -> date:
        """The last day of the grid (six weeks after :meth:`first_visible`)."""
        return self.first_visible() + timedelta(days=WEEKS * 7 - 1)

    def set_highlight_week(self, on: bool) -> None:
        """Tint the selected day's week (the agenda shows the week)."""
        self._highlight_week = on
        self.update()

    def set_provider(self, provider: CountsProvider | None) -> None:
        """Set where the counts come from, and load them."""
        self._provider = provider
        self.reload()

    def reload(self) -> None:
        """Ask the provider again for the visible days' counts and repaint."""
        self._counts = (self._provider(self.first_visible(), self.last_visible())
                        if self._provider else {})
        self._update_description()
        self.update()

    def counts(self, day: date) -> dict[EntryKind, int]:
        """The counts shown on ``day`` (empty when it is not visible or has nothing)."""
        return self._counts.get(day, {})

    def set_today(self, day: date) -> None:
        """Change the day highlighted as today (after midnight)."""
        if day != self._today:
            self._today = day
            self.update()

    def set_month(self, month: date) -> None:
        """Show the month holding ``month``; the selected day moves into it if needed."""
        first = month.replace(day=1)
        if first == self._month:
            return
        self._month = first
        if (self._selected.year, self._selected.month) != (first.year, first.month):
            last = pycalendar.monthrange(first.year, first.month)[1]
            self._selected = first.replace(day=min(self._selected.day, last))
            self.day_selected.emit(self._selected)
        self.reload()
        self.month_changed.emit(self._month)

    def select(self, day: date) -> None:
        """Select ``day``, changing the month shown when it is outside it."""
        changed = day != self._selected
        self._selected = day
        if (day.year, day.month) != (self._month.year, self._month.month):
            self._month = day.replace(day=1)
            self.reload()
            self.month_changed.emit(self._month)
        else:
            self._update_description()
            self.update()
        if changed:
            self.day_selected.emit(day)

    def go_today(self) -> None:
        """Select today."""
        self.select(self._today)

    def _update_description(self) -> None:
        counts = describe_counts(self.counts(self._selected)) or "nothing planned"
        self.setAccessibleDescription(
            f"{long_day(self._selected)}: {counts}. "
            "Arrow keys move the day, Page Up and Page Down the month, Home goes to today.")

    # -- geometry ---------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        """Room for six weeks of readable cells."""
        return QSize(620, 470)

    def minimumSizeHint(self) -> QSize:
        """Small but usable."""
        return QSize(350, 280)

    def _header_height(self) -> int:
        return QFontMetrics(self.font()).height() + 10

    def _cell_rect(self, index: int) -> QRectF:
        header = self._header_height()
        width = self.width() / 7
        height = (self.height() - header) / WEEKS
        row, column = divmod(index, 7)
        return QRectF(column * width, header + row * height, width, height)

    def day_at(self, x: float, y: float) -> date | None:
        """The day under a point of the widget (None on the header)."""
        header = self._header_height()
        if y < header or x < 0 or x >= self.width() or y >= self.height():
            return None
        column = int(x / (self.width() / 7))
        row = int((y - header) / ((self.height() - header) / WEEKS))
        return self.first_visible() + timedelta(days=row * 7 + min(column, 6))

    def cell_center(self, day: date) -> QPointF:
        """The centre of ``day``'s cell (for tests and tool tips)."""
        index = (day - self.first_visible()).days
        return self._cell_rect(index).center()

    # -- input ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows, Page Up/Down, Home, Enter (see the module's docstring)."""
        key = event.key()
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -7,
                 Qt.Key.Key_Down: 7}
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            steps[Qt.Key.Key_Left], steps[Qt.Key.Key_Right] = 1, -1
        if key in steps:
            self.select(self._selected + timedelta(days=steps[key]))
        elif key == Qt.Key.Key_PageUp:
            self.select(add_months(self._selected, -1))
        elif key == Qt.Key.Key_PageDown:
            self.select(add_months(self._selected, 1))
        elif key == Qt.Key.Key_Home:
            self.go_today()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.day_activated.emit(self._selected)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event) -> None:
        """A click selects the day under it (changing month for a day outside it)."""
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.select(day)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        """A double-click activates the day."""
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None:
            self.day_activated.emit(day)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:
        """The mouse wheel moves a month at a time."""
        delta = event.angleDelta().y()
        if delta:
            self.set_month(add_months(self._month, -1 if delta > 0 else 1))
            event.accept()
            return
        super().wheelEvent(event)

    def event(self, event) -> bool:
        """Tool tips name the day's entries in words."""
        if event.type() == QEvent.Type.ToolTip:
            day = self.day_at(event.pos().x(), event.pos().y())
            if day is not None:
                counts = describe_counts(self.counts(day)) or "Nothing planned"
                QToolTip.showText(event.globalPos(), f"{long_day(day)}: {counts}", self, QRect())
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def focusInEvent(self, event) -> None:
        """Repaint: the selection is drawn stronger while the grid has focus."""
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        """Repaint the selection in its quiet form."""
        super().focusOutEvent(event)
        self.update()
