"""The keys of the application list: Enter opens, Delete deletes, Down leaves the search box.

:meth:`ui.applications.list_view.ApplicationsView.after_first_paint` installs
:class:`ListKeys` on the table and the search box. This module names ``Qt``, which costs
about 16 ms the first time (see :mod:`ui.shell.prepaint`): import it only after the first
paint.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class ListKeys(QObject):
    """Enter opens, Delete deletes, Down from the search box moves into the list."""

    def __init__(self, view: QWidget) -> None:
        """Keys for ``view``'s table and search box (install it on both)."""
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched, event) -> bool:
        """Handle the keys above; let every other event through."""
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if watched is self.view.table:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.view.open_current()
                return True
            if key == Qt.Key.Key_Delete:
                self.view.delete_current()
                return True
        elif watched is self.view.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Return):
            self.view.table.setFocus()
            if self.view.model.rowCount() and not self.view.table.currentIndex().isValid():
                self.view.table.selectRow(0)
            return True
        return False
