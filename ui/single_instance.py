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
        # tryLock clears a lock whose owner process no longer exists on this host.
        return self.lock.tryLock(0)

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
    # flush() may already send everything, after which there is nothing left to wait for.
    socket.flush()
    ok = socket.bytesToWrite() == 0 or socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return ok
