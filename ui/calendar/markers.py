"""The calendar's markers: one colour AND one shape per kind of entry, in light and dark.

Nothing is told by colour alone: an interview is a filled circle ●, a thank-you
deadline a diamond ◆, a follow-up a triangle ▲, an expected response a ring ○,
an offer deadline a square ■ and a reminder of the user's a star ★; the legend
and the agenda name the kind in words as well.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from services.calendar.entry_types import EntryKind


class Marker(NamedTuple):
    """How a kind is drawn: its shape's name and symbol, and its colours."""

    shape: str
    symbol: str
    light: str
    dark: str
    filled: bool = True


MARKERS: dict[EntryKind, Marker] = {
    EntryKind.INTERVIEW: Marker("circle", "●", "#1f63c6", "#6aa8ff"),
    EntryKind.THANK_YOU_DEADLINE: Marker("diamond", "◆", "#8a3fb0", "#cf9cf0"),
    EntryKind.FOLLOW_UP: Marker("triangle", "▲", "#c25400", "#ffa45c"),
    EntryKind.EXPECTED_RESPONSE: Marker("ring", "○", "#0f7f74", "#4fd8c6", filled=False),
    EntryKind.OFFER_DEADLINE: Marker("square", "■", "#b3261e", "#ff8a80"),
    EntryKind.CUSTOM_REMINDER: Marker("star", "★", "#9a7400", "#f2cc4d"),
}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette (the application's by default) is a dark one."""
    app = QApplication.instance()
    if palette is None and app is not None and app.property("nextsteps_dark") is not None:
        return bool(app.property("nextsteps_dark"))
    palette = palette or (app.palette() if app is not None else QPalette())
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colour(kind: EntryKind, dark: bool) -> QColor:
    """The colour of a kind on a light or dark background."""
    marker = MARKERS[kind]
    return QColor(marker.dark if dark else marker.light)


def _unit_path(shape: str) -> QPainterPath:
    """The shape inside the unit square (0,0)-(1,1)."""
    path = QPainterPath()
    if shape in ("circle", "ring"):
        path.addEllipse(QRectF(0.08, 0.08, 0.84, 0.84))
    elif shape == "diamond":
        path.moveTo(0.5, 0.0)
        path.lineTo(1.0, 0.5)
        path.lineTo(0.5, 1.0)
        path.lineTo(0.0, 0.5)
        path.closeSubpath()
    elif shape == "triangle":
        path.moveTo(0.5, 0.04)
        path.lineTo(1.0, 0.92)
        path.lineTo(0.0, 0.92)
        path.closeSubpath()
    elif shape == "square":
        path.addRect(QRectF(0.12, 0.12, 0.76, 0.76))
    elif shape == "star":
        for point in range(10):
            radius = 0.5 if point % 2 == 0 else 0.21
            angle = -math.pi / 2 + point * math.pi / 5
            at = QPointF(0.5 + radius * math.cos(angle), 0.54 + radius * math.sin(angle))
            if point == 0:
                path.moveTo(at)
            else:
                path.lineTo(at)
        path.closeSubpath()
    return path


_PATHS = {kind: _unit_path(marker.shape) for kind, marker in MARKERS.items()}


def paint_marker(painter: QPainter, kind: EntryKind, rect: QRectF, dark: bool) -> None:
    """Draw the marker of ``kind`` filling ``rect`` (a square)."""
    marker = MARKERS[kind]
    path = _PATHS[kind]
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(rect.topLeft())
    painter.scale(rect.width(), rect.height())
    tint = colour(kind, dark)
    if marker.filled:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
    else:
        pen = QPen(tint)
        pen.setWidthF(0.2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath()
        path.addEllipse(QRectF(0.16, 0.16, 0.68, 0.68))
    painter.drawPath(path)
    painter.restore()


def marker_pixmap(kind: EntryKind, size: int, dark: bool, ratio: float = 1.0) -> QPixmap:
    """The marker of ``kind`` on a transparent square pixmap of ``size`` logical pixels."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_marker(painter, kind, QRectF(1, 1, size - 2, size - 2), dark)
    painter.end()
    return pixmap


def marker_icon(kind: EntryKind, size: int, dark: bool) -> QIcon:
    """The marker of ``kind`` as an icon (for list items and menus)."""
    return QIcon(marker_pixmap(kind, size, dark))
