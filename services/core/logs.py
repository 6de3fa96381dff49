"""Logging to a rotating file in the data folder's log directory."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys

from services.core.paths import DataPaths

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only their owner can read (0600 on POSIX).

    A log that cannot be written (a full or read-only disk) drops the record
    quietly: the app keeps working and says what matters in its window.
    """

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop a record the disk refused; report any other failure as logging does."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


def setup_logging(paths: DataPaths, level: int = logging.INFO) -> logging.Handler:
    """Send the app's log records to ``paths.log_file``, rotating at 1 MB, 5 files kept."""
    with contextlib.suppress(OSError):  # a read-only or full disk: records are dropped
        paths.logs.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(
        paths.log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_nextsteps", False)]:
        root.removeHandler(old)
        old.close()
    handler._nextsteps = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler
