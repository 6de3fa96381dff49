"""Two small charts drawn with QPainter: applications by stage, and applications per week.

No chart library: both are plain widgets that paint from the palette (so they
follow the light and dark themes) and say what they show in words through
``text_equivalent()``, which is also their accessible description. Nothing is
told by colour alone: closed stages are hatched and grouped after a rule,
the current week is outlined and labelled "This week", the goal is a dashed
line with its number beside it, and every bar carries its count as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from models.values import OPEN_STAGES

__all__ = ["StageBars", "WeeklyBars"]

_OPEN_VALUES = frozenset(stage.value for stage in OPEN_STAGES)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short_day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _bar_colour(palette: QPalette) -> QColor:
    """The highlight colour, darkened or lightened when it does not stand out from the base
    colour (at least 3:1, as WCAG asks of graphics)."""
    bar = QColor(palette.color(QPalette.ColorRole.Highlight))
    base = palette.color(QPalette.ColorRole.Base)
    if _contrast(bar, base) < 3.0:
        bar = bar.darker(140) if base.lightnessF() > 0.5 else bar.lighter(150)
    return bar


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def _contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class _Chart(QWidget):
    """What both charts share: the accessible description and palette-driven repaints."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Drawn over a card's base colour: text and contrast follow Base and Text.
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setForegroundRole(QPalette.ColorRole.Text)

    def text_equivalent(self) -> str:  # pragma: no cover - overridden
        """The figures in words."""
        raise NotImplementedError

    def _described(self) -> None:
        text = self.text_equivalent()
        self.setAccessibleDescription(text)
        self.updateGeometry()
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        """Repaint when the palette or font changes (theme switch)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        """Tooltips name the bar under the mouse."""
        if event.type() == QEvent.Type.ToolTip:
            text = self._tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _tooltip_at(self, point: QPointF) -> str:  # pragma: no cover - overridden
        return ""


class StageBars(_Chart):
    """Horizontal bars, one per stage, with the stage's name and its count as text.

    Open stages are solid; closed ones are hatched and come after a thin rule.
    """

    ROW_GAP = 5
    MARGIN = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty chart; :meth:`set_counts` fills it."""
        super().__init__("Applications by stage", parent)
        self._rows: list[tuple[str, str, int]] = []
        self._rects: list[tuple[QRectF, str]] = []
        self._described()

    def set_counts(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """Show ``(stage, label, count)`` rows, in the order given."""
        self._rows = [(str(stage), str(label), int(count)) for stage, label, count in rows]
        self._described()

    def rows(self) -> list[tuple[str, str, int]]:
        """The rows shown, as given to :meth:`set_counts`."""
        return list(self._rows)

    def text_equivalent(self) -> str:
        """``"Applications by stage: Offer 1, Interviewing 2, …."``"""
        if not self._rows:
            return "Applications by stage: no applications yet."
        parts = ", ".join(f"{label} {count:,}" for _stage, label, count in self._rows)
        return f"Applications by stage: {parts}."

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 6

    def _has_rule(self) -> bool:
        kinds = [stage in _OPEN_VALUES for stage, _label, _count in self._rows]
        return any(kinds) and not all(kinds)

    def sizeHint(self) -> QSize:
        """Tall enough for every row; about 420 pixels wide."""
        rows = max(len(self._rows), 1)
        rule = self.ROW_GAP * 2 if self._has_rule() else 0
        height = rows * (self._row_height() + self.ROW_GAP) - self.ROW_GAP + 2 * self.MARGIN
        return QSize(420, height + rule)

    def minimumSizeHint(self) -> QSize:
        """As tall as :meth:`sizeHint`, narrower."""
        return QSize(240, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        """Draw the labels, the bars and the counts."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        bar = _bar_colour(palette)
        metrics = QFontMetrics(self.font())
        row_h = self._row_height()
        label_w = max((metrics.horizontalAdvance(label) for _s, label, _c in self._rows),
                      default=0) + 12
        biggest = max((count for _s, _l, count in self._rows), default=0)
        count_w = metrics.horizontalAdvance(f"{max(biggest, 100):,}") + 10
        left = self.MARGIN + label_w
        span = max(self.width() - left - count_w - self.MARGIN, 10)
        self._rects = []
        y = float(self.MARGIN)
        previous_open = None
        for stage, label, count in self._rows:
            is_open = stage in _OPEN_VALUES
            if previous_open is True and not is_open:
                # Open stages above, closed ones below a thin rule in the middle of the gap.
                rule_y = y + self.ROW_GAP / 2
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
                painter.drawLine(QPointF(self.MARGIN, rule_y),
                                 QPointF(self.width() - self.MARGIN, rule_y))
                y += self.ROW_GAP * 2
            previous_open = is_open
            row = QRectF(0, y, self.width(), row_h)
            painter.setPen(text)
            painter.drawText(QRectF(self.MARGIN, y, label_w - 8, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            length = 0.0 if biggest == 0 else span * count / biggest
            if count > 0:
                length = max(length, 3.0)
            shape = QRectF(left, y + 3, length, row_h - 6)
            if length > 0:
                if is_open:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(bar)
                else:
                    hatch = QColor(text)
                    painter.setPen(QPen(hatch, 1))
                    painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(shape)
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(text)
            painter.drawText(QRectF(left + length + 6, y, count_w, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{count:,}")
            state = "still open" if is_open else "closed"
            self._rects.append((row, f"{label}: {_plural(count, 'application', 'applications')}"
                                     f" ({state})"))
            y += row_h + self.ROW_GAP
        painter.end()

    def _tooltip_at(self, point: QPointF) -> str:
        for rect, text in self._rects:
            if rect.contains(point):
                return text
        return ""


class _WeekPlan(NamedTuple):
    """Where the weekly chart's parts go, and with which colours and font, for one paint."""

    text: QColor
    bar: QColor
    bold: QFont
    line_h: int
    goal_w: int
    top: float
    bottom: float
    left: float
    right: float
    height: float
    biggest: int
    slot: float
    bar_w: float
    this_w: int
    label_gap: float
    every: int


class WeeklyBars(_Chart):
    """Vertical bars of applications per week, the goal as a dashed line, this week outlined."""

    MARGIN = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty chart; :meth:`set_weeks` fills it."""
        super().__init__("Applications per week", parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._weeks: list[tuple[date, int]] = []
        self._goal = 0
        self._rects: list[tuple[QRectF, str]] = []
        self._described()

    def set_weeks(self, weeks: Sequence[tuple[date, int]], goal: int) -> None:
        """Show ``(week_start, count)`` pairs, oldest first (the last is the current week),
        against ``goal`` applications a week (0: no goal line)."""
        self._weeks = [(start, int(count)) for start, count in weeks]
        self._goal = max(int(goal or 0), 0)
        self._described()

    def weeks(self) -> list[tuple[date, int]]:
        """The weeks shown, as given to :meth:`set_weeks`."""
        return list(self._weeks)

    @property
    def goal(self) -> int:
        """The weekly goal drawn as the dashed line."""
        return self._goal

    def text_equivalent(self) -> str:
        """``"Applications per week, last 12 weeks (…): 3, 5, 2, …; goal 5 a week, …."``"""
        if not self._weeks:
            return "Applications per week: nothing to show yet."
        counts = ", ".join(f"{count:,}" for _start, count in self._weeks)
        number = len(self._weeks)
        text = (f"Applications per week, last {number} weeks "
                f"(from the week of {_short_day(self._weeks[0][0])} to this week): {counts}")
        if self._goal:
            reached = sum(1 for _start, count in self._weeks if count >= self._goal)
            text += (f"; goal {self._goal:,} a week, reached in {reached} of {number} weeks")
        return text + "."

    def _metrics(self) -> tuple[QFontMetrics, QFontMetrics]:
        bold = QFont(self.font())
        bold.setBold(True)
        return QFontMetrics(self.font()), QFontMetrics(bold)

    def sizeHint(self) -> QSize:
        """About 480 by 190 pixels."""
        metrics, _bold = self._metrics()
        return QSize(480, max(170, metrics.height() * 9))

    def minimumSizeHint(self) -> QSize:
        """As tall as :meth:`sizeHint`, narrower."""
        return QSize(300, self.sizeHint().height())

    def _goal_text(self) -> str:
        return f"Goal {self._goal:,}"

    def paintEvent(self, _event) -> None:
        """Draw the bars, their counts and weeks, the goal line and this week's mark."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._rects = []
        if not self._weeks:
            painter.end()
            return
        plan = self._plan()
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(QPointF(plan.left, plan.bottom + 0.5),
                         QPointF(plan.right, plan.bottom + 0.5))
        for number, (start, value) in enumerate(self._weeks):
            self._draw_week(painter, plan, number, start, value)
        if self._goal:
            self._draw_goal(painter, plan)
        painter.end()

    def _plan(self) -> _WeekPlan:
        """Where everything goes at the current size, font and palette (weeks to show)."""
        palette = self.palette()
        metrics, bold_metrics = self._metrics()
        line_h = metrics.height()
        goal_w = bold_metrics.horizontalAdvance(self._goal_text()) + 10 if self._goal else 0
        top = self.MARGIN + line_h + 4
        bottom = self.height() - self.MARGIN - line_h - 6
        left = float(self.MARGIN)
        right = self.width() - self.MARGIN - goal_w
        count = len(self._weeks)
        slot = (right - left) / count
        # Week labels count back from "This week", every week when they fit, else fewer.
        short_w = max(metrics.horizontalAdvance(_short_day(s)) for s, _c in self._weeks) + 8
        every = 1
        while slot * every < short_w and every < count:
            every += 1
        this_w = bold_metrics.horizontalAdvance("This week") + 8
        bold = QFont(self.font())
        bold.setBold(True)
        return _WeekPlan(
            text=palette.color(QPalette.ColorRole.Text), bar=_bar_colour(palette), bold=bold,
            line_h=line_h, goal_w=goal_w, top=top, bottom=bottom, left=left, right=right,
            height=max(bottom - top, 10),
            biggest=max(max(c for _s, c in self._weeks), self._goal, 1),
            slot=slot, bar_w=max(min(slot * 0.62, 46.0), 4.0), this_w=this_w,
            label_gap=(this_w + short_w) / 2, every=every)

    def _draw_week(self, painter: QPainter, plan: _WeekPlan, number: int, start: date,
                   value: int) -> None:
        """One week's bar, its count above and its label below; remember its tooltip."""
        current = number == len(self._weeks) - 1
        x = plan.left + plan.slot * number + (plan.slot - plan.bar_w) / 2
        bar_h = plan.height * value / plan.biggest
        if value > 0:
            bar_h = max(bar_h, 2.0)
        shape = QRectF(x, plan.bottom - bar_h, plan.bar_w, bar_h)
        if current:
            # This week is still going on: outlined and lightly filled, and labelled.
            fill = QColor(plan.bar)
            fill.setAlphaF(0.35)
            painter.setBrush(fill)
            painter.setPen(QPen(plan.bar, 2))
            painter.drawRect(shape.adjusted(1, 1, -1, 0) if bar_h > 2 else shape)
        elif value > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(plan.bar)
            painter.drawRect(shape)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(plan.text)
        painter.setFont(plan.bold if current else self.font())
        painter.drawText(QRectF(x - plan.slot / 2, plan.bottom - bar_h - plan.line_h - 2,
                                plan.bar_w + plan.slot, plan.line_h),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                         f"{value:,}")
        back = len(self._weeks) - 1 - number
        if current or (back % plan.every == 0 and back * plan.slot >= plan.label_gap):
            label_w = max(plan.slot * plan.every, plan.this_w)
            painter.drawText(QRectF(x + plan.bar_w / 2 - label_w / 2, plan.bottom + 4, label_w,
                                    plan.line_h),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             "This week" if current else _short_day(start))
        painter.setFont(self.font())
        week = "this week" if current else f"week of {_short_day(start)}"
        self._rects.append((QRectF(plan.left + plan.slot * number, plan.top - plan.line_h,
                                   plan.slot, plan.bottom - plan.top + 2 * plan.line_h),
                            f"{_plural(value, 'application', 'applications')} {week}"))

    def _draw_goal(self, painter: QPainter, plan: _WeekPlan) -> None:
        """The goal as a dashed line across the bars, with its number beside it."""
        y = plan.bottom - plan.height * self._goal / plan.biggest
        painter.setPen(QPen(plan.text, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plan.left, y), QPointF(plan.right, y))
        painter.setFont(plan.bold)
        painter.setPen(plan.text)
        painter.drawText(QRectF(plan.right + 6, y - plan.line_h / 2, plan.goal_w, plan.line_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self._goal_text())
        painter.setFont(self.font())

    def _tooltip_at(self, point: QPointF) -> str:
        for rect, text in self._rects:
            if rect.contains(point):
                goal = f" (goal {self._goal:,})" if self._goal else ""
                return text + goal
        return ""
