"""What widgets built before the window's first paint must keep in mind.

Naming Qt's ``Qt`` namespace costs about 16 ms the first time: PySide builds
all of its 130-odd Python enums at once. That happens on ``from
PySide6.QtCore import Qt``, on any call that passes or returns one of those
enums (a ``headerData`` override receives a ``Qt.Orientation``), and even on
``QAction.setShortcut()``, whose overloads are checked against ``Qt.Key``.
So the window and the application list paint first and name ``Qt`` after:
menus, shortcuts, key handling and sorting are switched on right after the
first paint, and the few values needed before it are set as Qt properties,
which take plain values. ``tests/shell/test_fast_start.py`` checks that a start-up
paints its first frame before the namespace exists.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

#: Qt.AlignmentFlag.AlignCenter as a plain int (a test checks it against Qt's value).
ALIGN_CENTER = 0x0084


def qt_namespace_loaded() -> bool:
    """True once PySide has built the ``Qt`` namespace in this process."""
    import PySide6.QtCore  # the module object itself (QObject above came from it)

    return "Qt" in vars(PySide6.QtCore)


def set_alignment(widget: QObject, alignment: int) -> None:
    """Set a label's or line edit's alignment from a plain int such as :data:`ALIGN_CENTER`."""
    widget.setProperty("alignment", alignment)


def report_first_frame() -> None:
    """Print the lines ``make bench`` reads once the first frame is complete
    (benchmarks/harness.py): the time and peak RSS, and whether the Qt namespace was
    built before it."""
    import resource  # only in the benchmark mode
    import time  # only in the benchmark mode

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"first_paint {time.time():.6f} rss_kb {rss_kb}", flush=True)
    print(f"qt_namespace_loaded {int(qt_namespace_loaded())}", flush=True)
