"""Starting a fresh copy of the app on the same data (after a restore, or a new file)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication


def restart_app() -> None:
    """Start a new copy with the same arguments, then quit this one."""
    if getattr(sys, "frozen", False):
        QProcess.startDetached(sys.executable, sys.argv[1:])
    else:
        QProcess.startDetached(sys.executable, sys.argv)
    QApplication.instance().quit()
