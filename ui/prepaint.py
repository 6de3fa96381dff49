"""Qt calls for widgets built before the window's first paint.

Naming Qt's ``Qt`` namespace costs about 16 ms the first time: PySide builds
all of its 130-odd Python enums at once. That happens on ``from
PySide6.QtCore import Qt``, on any call that passes or returns one of those
enums, and even on ``QAction.setShortcut()``, whose overloads are checked
against ``Qt.Key``. The window and the application list therefore set those
values as Qt properties, which take plain values, and everything else names
``Qt`` freely after the paint. ``tests/test_fast_start.py`` checks that a
start-up still paints before the namespace exists.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence, QShortcut

#: Qt.AlignmentFlag.AlignCenter as a plain int (a test checks it against Qt's value).
ALIGN_CENTER = 0x0084


def qt_namespace_loaded() -> bool:
    """True once PySide has built the ``Qt`` namespace in this process."""
    import PySide6.QtCore

    return "Qt" in vars(PySide6.QtCore)


def set_alignment(widget: QObject, alignment: int) -> None:
    """Set a label's or line edit's alignment from a plain int such as :data:`ALIGN_CENTER`."""
    widget.setProperty("alignment", alignment)


def set_shortcut(action: QObject, key: str | QKeySequence.StandardKey) -> None:
    """Give a QAction its shortcut: a portable text such as "Ctrl+R", or a standard key."""
    action.setProperty("shortcut", QKeySequence(key))


def add_shortcut(parent: QObject, key: str | QKeySequence.StandardKey,
                 slot: Callable[[], object]) -> QShortcut:
    """A QShortcut on ``parent`` (for its window) that calls ``slot``."""
    shortcut = QShortcut(parent)
    shortcut.setProperty("key", QKeySequence(key))
    shortcut.activated.connect(slot)
    return shortcut
