"""One running copy per data folder: a second launch raises the first window and exits."""

from __future__ import annotations

import hashlib
import logging

from PySide6.QtCore import QLockFile, QObject, Signal

from services.paths import DataPaths

log = logging.getLogger(__name__)


def server_name(paths: DataPaths) -> str:
    """The local socket name for this data folder (short, safe on every platform)."""
    digest = hashlib.sha1(str(paths.root).encode("utf-8")).hexdigest()[:16]
    return f"nextsteps-{digest}"


class SingleInstance(QObject):
    """Holds the data folder's lock and listens for later launches asking to be shown.

    The lock is a :class:`QLockFile`: a lock left by a crashed copy names a
    process that no longer exists, and Qt clears it on the next attempt.
    """

    activation_requested = Signal()

    def __init__(self, paths: DataPaths) -> None:
        super().__init__()
        self.paths = paths
        self.lock = QLockFile(str(paths.lock_file))
        self.lock.setStaleLockTime(0)
        self._server = None

    def acquire(self) -> bool:
        """Take the lock; False when another live copy holds it."""
        self.paths.root.mkdir(parents=True, exist_ok=True)
        if self.lock.tryLock(0):
            return True
        if self.lock.error() == QLockFile.LockError.LockFailedError:
            # removeStaleLockFile only succeeds when the owner is gone.
            if self.lock.removeStaleLockFile() and self.lock.tryLock(0):
                return True
        return False

    def listen(self) -> None:
        """Start accepting "show yourself" requests from later launches."""
        from PySide6.QtNetwork import QLocalServer

        name = server_name(self.paths)
        QLocalServer.removeServer(name)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            log.warning("single-instance server not listening: %s", self._server.errorString())
            return
        self._server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_message(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_message(self, socket) -> None:
        data = bytes(socket.readAll())
        if b"activate" in data:
            self.activation_requested.emit()

    def release(self) -> None:
        """Stop listening and release the lock."""
        if self._server is not None:
            self._server.close()
        self.lock.unlock()


def ask_running_instance_to_activate(paths: DataPaths, timeout_ms: int = 2000) -> bool:
    """Tell the copy holding ``paths`` to show its window; True when it answered."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(server_name(paths))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(b"activate\n")
    socket.flush()
    ok = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return ok
