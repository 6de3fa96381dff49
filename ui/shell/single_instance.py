"""One running copy per data folder: a second launch raises the first window and exits.

The running copy holds a :class:`QLockFile` in the data folder. A later
launch that cannot take the lock drops a small request file into the
folder's ``requests`` directory; the running copy watches that directory
(``QFileSystemWatcher``), brings its window forward and deletes the file,
which tells the later launch it was heard. Files and a watcher work the
same on every platform and need none of Qt's network module.

A folder where the lock cannot even be written (a read-only or full disk) is
not a sign of another copy: :meth:`SingleInstance.another_copy_runs` tells
the two apart, and the app then opens the data for reading only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

from services.core.paths import DataPaths

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
        """Take the lock; False when another live copy holds it or it cannot be written."""
        try:
            self.paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("cannot create the data folder for the lock: %s", exc)
            return False
        # tryLock clears a lock whose owner process no longer exists on this host.
        if not self.lock.tryLock(0):
            return False
        with contextlib.suppress(OSError):  # the lock names a process id, nothing private
            os.chmod(self.paths.lock_file, 0o600)
        return True

    def another_copy_runs(self) -> bool:
        """After a failed :meth:`acquire`: True when a live copy holds the lock, False when
        the lock file could not be written (a read-only or full disk, no permission)."""
        return self.lock.error() == QLockFile.LockError.LockFailedError

    def listen(self) -> None:
        """Start answering requests (including any left while this copy was starting)."""
        try:
            self.paths.requests.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:  # a read-only or full disk: later launches are not answered
            log.warning("cannot answer later launches: %s", exc)
            return
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
    """Ask the copy holding ``paths`` to show its window; True when it answered in time.

    False too when the request cannot be written (a read-only or full disk).
    """
    request = paths.requests / f"{REQUEST_PREFIX}{os.getpid()}-{time.time_ns()}"
    try:
        paths.requests.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(request, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("activate\n")
    except OSError as exc:
        log.warning("cannot ask the running copy to show its window: %s", exc)
        with contextlib.suppress(OSError):
            request.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not request.exists():
            return True
        time.sleep(0.05)
    request.unlink(missing_ok=True)
    return False


def hand_over_to_running_copy(paths: DataPaths) -> int:
    """Another copy holds ``paths``: ask it to come to the front, or say why not; the
    exit code for this copy."""
    if ask_running_instance_to_activate(paths):
        print("Next Steps is already running; its window was brought to the front.")
        return 0
    # Only when another copy does not answer (the Qt widgets are loaded by then anyway).
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(
        None, "Next Steps is already running",
        f"Another copy of Next Steps is using {paths.root} but does not answer. "
        "Close it, or start this one with another --data-dir.",
    )
    return 1
