"""How the month grid looks: the weekday header, the cells' backgrounds and lines, the
selection, the day numbers (today in a filled circle) and each day's markers with counts.

:class:`MonthPainting` is the drawing half of :class:`ui.calendar.month.MonthGrid` (which
inherits it); Qt calls its ``paintEvent``. The grid also reads :data:`WEEKS` from here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap

from services.calendar.entry_types import KIND_ORDER, EntryKind
from ui.calendar.markers import is_dark, marker_pixmap

#: The weeks (rows) the grid shows.
WEEKS = 6


def _blend(colour: QColor, background: QColor, amount: float) -> QColor:
    """``colour`` laid over ``background`` at ``amount`` (0–1) opacity, as an opaque colour."""
    keep = 1.0 - amount
    return QColor(round(colour.red() * amount + background.red() * keep),
                  round(colour.green() * amount + background.green() * keep),
                  round(colour.blue() * amount + background.blue() * keep))


class _Fonts(NamedTuple):
    """The fonts of one paint and their metrics."""

    normal: QFont
    small: QFont
    bold: QFont
    metrics: QFontMetrics
    small_metrics: QFontMetrics
    bold_metrics: QFontMetrics

    @classmethod
    def of(cls, base: QFont) -> _Fonts:
        """The day numbers' font (``base``), a smaller one and a bold one."""
        font = QFont(base)
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.86))
        bold = QFont(font)
        bold.setBold(True)
        return cls(font, small, bold, QFontMetrics(font), QFontMetrics(small),
                   QFontMetrics(bold))


class MonthPainting:
    """The painting of :class:`~ui.calendar.month.MonthGrid` (mixed into it: it uses the
    grid's state, its ``_cell_rect`` and ``_header_height``)."""

    def _palette_colours(self) -> dict[str, QColor]:
        """The colours of one paint, all opaque: QPainter blends lines and rectangles of a
        translucent colour about 30 times slower than opaque ones, so the blends are done
        here once."""
        palette = self.palette()
        dark = is_dark(palette)
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        return {
            "base": base,
            "text": text,
            "muted": _blend(text, base, 0.45),
            "grid": _blend(palette.color(QPalette.ColorRole.Mid), base, 0.45),
            "highlight": highlight,
            "highlighted_text": palette.color(QPalette.ColorRole.HighlightedText),
            "selected": _blend(highlight, base, 0.24 if dark else 0.15),
            "week": _blend(highlight, base, 0.11 if dark else 0.07),
            "weekend": palette.color(QPalette.ColorRole.AlternateBase),
        }

    def paintEvent(self, event) -> None:
        """Draw the weekday header, the 42 cells, today, the selection and the markers."""
        painter = QPainter(self)
        colours = self._palette_colours()
        painter.fillRect(self.rect(), colours["base"])
        fonts = _Fonts.of(self.font())
        self._paint_header(painter, fonts, colours)
        # Backgrounds first, then the lines, then the days' content.
        self._paint_backgrounds(painter, colours)
        self._paint_lines(painter, colours)
        self._paint_selection(painter, colours)
        self._paint_days(painter, fonts, colours)
        painter.end()

    def _paint_header(self, painter: QPainter, fonts: _Fonts, colours: dict) -> None:
        """The names of the weekdays, centred over their columns."""
        header = self._header_height()
        painter.setFont(fonts.small)
        painter.setPen(colours["muted"])
        width = self.width() / 7
        metrics = fonts.small_metrics
        baseline = (header + metrics.ascent() - metrics.descent()) / 2
        for column, name in enumerate(self._day_names):
            x = column * width + (width - metrics.horizontalAdvance(name)) / 2
            painter.drawText(QPointF(x, baseline), name)

    def _paint_backgrounds(self, painter: QPainter, colours: dict) -> None:
        """The selected day, the selected week (when the agenda shows it) and weekends."""
        first = self.first_visible()
        week_first = self._selected - timedelta(days=(self._selected.weekday()
                                                      - self._week_start) % 7)
        for index in range(WEEKS * 7):
            day = first + timedelta(days=index)
            if day == self._selected:
                fill = colours["selected"]
            elif self._highlight_week and 0 <= (day - week_first).days < 7:
                fill = colours["week"]
            elif day.weekday() >= 5 and day.month == self._month.month:
                fill = colours["weekend"]
            else:
                continue
            painter.fillRect(self._cell_rect(index), fill)

    def _paint_lines(self, painter: QPainter, colours: dict) -> None:
        """The lines between the weeks and between the weekdays."""
        header = self._header_height()
        painter.setPen(colours["grid"])
        for row in range(1, WEEKS + 1):
            y = round(self._cell_rect(row * 7 - 1).bottom())
            painter.drawLine(0, y, self.width(), y)
        for column in range(1, 7):
            x = round(self._cell_rect(column).left())
            painter.drawLine(x, header, x, self.height())

    def _paint_selection(self, painter: QPainter, colours: dict) -> None:
        """The frame of the selected day: stronger while the grid has the focus."""
        index = (self._selected - self.first_visible()).days
        if 0 <= index < WEEKS * 7:
            pen = QPen(colours["highlight"])
            pen.setWidthF(2.0 if self.hasFocus() else 1.0)
            painter.setPen(pen)
            painter.drawRect(self._cell_rect(index).adjusted(1, 1, -2, -2))

    def _paint_days(self, painter: QPainter, fonts: _Fonts, colours: dict) -> None:
        """Each day's number and markers (days of other months muted)."""
        first = self.first_visible()
        cell_height = self._cell_rect(0).height()
        marker = round(max(10.0, min(18.0, cell_height * 0.17, fonts.metrics.height() * 1.0)))
        dark = is_dark(self.palette())
        ratio = self.devicePixelRatioF() or 1.0
        for index in range(WEEKS * 7):
            day = first + timedelta(days=index)
            rect = self._cell_rect(index)
            in_month = day.month == self._month.month
            self._paint_number(painter, rect, day, in_month, fonts, colours)
            counts = self._counts.get(day)
            if counts:
                self._paint_markers(painter, rect, counts, marker, dark, ratio,
                                    colours["text"] if in_month else colours["muted"],
                                    fonts.small, fonts.small_metrics)

    def _paint_number(self, painter: QPainter, rect: QRectF, day: date, in_month: bool,
                      fonts: _Fonts, colours: dict) -> None:
        """The day's number at the top left of its cell; today's in a filled circle."""
        number_box = fonts.metrics.height() + 8
        label = str(day.day)
        left, top = rect.left() + 4, rect.top() + 3
        if day == self._today:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colours["highlight"])
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.drawEllipse(QRectF(left, top, number_box, fonts.metrics.height() + 4))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(colours["highlighted_text"])
            painter.setFont(fonts.bold)
            used = fonts.bold_metrics
        else:
            painter.setPen(colours["text"] if in_month else colours["muted"])
            painter.setFont(fonts.normal)
            used = fonts.metrics
        painter.drawText(QPointF(left + (number_box - used.horizontalAdvance(label)) / 2,
                                 top + 2 + used.ascent()), label)

    def _paint_markers(self, painter: QPainter, rect: QRectF, counts: dict[EntryKind, int],
                       size: int, dark: bool, ratio: float, pen: QColor, font: QFont,
                       metrics: QFontMetrics) -> None:
        """The kinds of a day as shape + count, flowing left to right, row by row."""
        top = rect.top() + QFontMetrics(self.font()).height() + 10
        x, y = rect.left() + 6, top
        right = rect.right() - 4
        painter.setFont(font)
        painter.setPen(pen)
        for kind in KIND_ORDER:
            number = counts.get(kind)
            if not number:
                continue
            label = str(number) if number > 1 else ""
            width = size + (metrics.horizontalAdvance(label) + 2 if label else 0) + 5
            if x + width > right and x > rect.left() + 6:
                x = rect.left() + 6
                y += size + 4
            if y + size > rect.bottom() - 2:
                break
            painter.drawPixmap(QPointF(x, y), self._marker(kind, size, dark, ratio))
            if label:
                painter.drawText(QPointF(x + size + 2, y + (size + metrics.ascent()
                                                             - metrics.descent()) / 2), label)
            x += width

    def _marker(self, kind: EntryKind, size: int, dark: bool, ratio: float) -> QPixmap:
        key = (kind, size, dark, ratio)
        pixmap = self._markers.get(key)
        if pixmap is None:
            pixmap = self._markers[key] = marker_pixmap(kind, size, dark, ratio)
        return pixmap
