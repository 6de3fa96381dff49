"""Labels the sections share: a section's title, and the coloured message banners."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ui.shell.accessible import message_label

_BANNER_STYLES = {
    # (background, text, border): readable in light and dark palettes alike.
    "problem": ("#fdecea", "#6b1a12", "#e0a39a"),
    "warning": ("#fff4d6", "#5a4300", "#e5c46b"),
}


def section_title(text: str, parent: QWidget) -> QLabel:
    """A section's heading: the window font, bold and a third larger."""
    title = QLabel(text, parent)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    title.setFont(font)
    return title


def banner_label(parent: QWidget, kind: str, role: str, object_name: str) -> QLabel:
    """A hidden, word-wrapped message banner ("problem" or "warning") to show when needed.

    A screen reader reads its message as its name; ``role`` ("Similarity warning")
    is its description (see :func:`ui.shell.accessible.message_label`).
    """
    background, colour, border = _BANNER_STYLES[kind]
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    message_label(label, role)
    label.setStyleSheet(
        f"QLabel#{object_name} {{ background: {background}; color: {colour};"
        f" border: 1px solid {border}; border-radius: 4px; padding: 8px; }}")
    label.hide()
    return label
