"""One running copy per data folder: a second launch raises the first window and exits.

The running copy holds a :class:`QLockFile` in the data folder. A later
launch that cannot take the lock drops a small request file into the
folder's ``requests`` directory; the running copy watches that directory
(``QFileSystemWatcher``), brings its window forward and deletes the file,
which tells the later launch it was heard. Files and a watcher work the
same on every platform and need none of Qt's network module.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

from services.paths import DataPaths

if TYPE_CHECKING:
    from PySide6.QtCore import QFileSystemWatcher

log = logging.getLogger(__name__)

REQUEST_PREFIX = "activate-"


class SingleInstance(QObject):
    """Holds the data folder's lock and answers later launches asking to be shown.

    A lock left by a crashed copy names a process that no longer exists, and
    Qt clears it on the next attempt.
    """

    activation_requested = Signal()

    def __init__(self, paths: DataPaths) -> None:
        super().__init__()
        self.paths = paths
        self.lock = QLockFile(str(paths.lock_file))
        self.lock.setStaleLockTime(0)
        self._watcher: QFileSystemWatcher | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another live copy holds it."""
        self.paths.root.mkdir(parents=True, exist_ok=True)
        # tryLock clears a lock whose owner process no longer exists on this host.
        return self.lock.tryLock(0)

    def listen(self) -> None:
        """Start answering requests (including any left while this copy was starting)."""
        self.paths.requests.mkdir(parents=True, exist_ok=True)
        from PySide6.QtCore import QFileSystemWatcher  # listening starts after the first paint

        self._watcher = QFileSystemWatcher([str(self.paths.requests)], self)
        self._watcher.directoryChanged.connect(self._check_requests)
        self._check_requests()

    def _check_requests(self, _path: str = "") -> None:
        found = False
        for request in self.paths.requests.glob(REQUEST_PREFIX + "*"):
            try:
                request.unlink()
            except FileNotFoundError:
                continue
            found = True
        if found:
            self.activation_requested.emit()

    def release(self) -> None:
        """Stop answering and release the lock."""
        if self._watcher is not None:
            self._watcher.deleteLater()
            self._watcher = None
        self.lock.unlock()


def ask_running_instance_to_activate(paths: DataPaths, timeout_s: float = 3.0) -> bool:
    """Ask the copy holding ``paths`` to show its window; True when it answered in time."""
    paths.requests.mkdir(parents=True, exist_ok=True)
    request = paths.requests / f"{REQUEST_PREFIX}{os.getpid()}-{time.time_ns()}"
    request.write_text("activate\n", encoding="utf-8")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not request.exists():
            return True
        time.sleep(0.05)
    request.unlink(missing_ok=True)
    return False
