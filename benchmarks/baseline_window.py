"""The floor for start-up figures: a bare QMainWindow, shown, painted once, then quit.

Speaks the same protocol as ``main.py --benchmark-startup``: once its first
frame is complete (the paint event handled and the frame flushed, measured
from a zero-time timer queued during the first paint) it prints
``first_paint <time.time()> rss_kb <ru_maxrss>`` and quits 300 ms later.
"""

import resource
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class BaselineWindow(QMainWindow):
    """A plain main window that reports its first paint and quits shortly after."""

    def __init__(self) -> None:
        """A window that has not been painted yet."""
        super().__init__()
        self._painted = False

    def paintEvent(self, event) -> None:
        """At the first paint, queue the report for when the frame is complete."""
        super().paintEvent(event)
        if self._painted:
            return
        self._painted = True
        QTimer.singleShot(0, self._report)

    @staticmethod
    def _report() -> None:
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"first_paint {time.time():.6f} rss_kb {rss_kb}", flush=True)
        QTimer.singleShot(300, QApplication.instance().quit)


def main() -> int:
    """Show the bare window and run the event loop until it quits."""
    app = QApplication(sys.argv[:1])
    window = BaselineWindow()
    window.resize(1100, 720)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
