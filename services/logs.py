"""Logging to a rotating file in the data folder's log directory."""

from __future__ import annotations

import logging
import logging.handlers

from services.paths import DataPaths

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(paths: DataPaths, level: int = logging.INFO) -> logging.Handler:
    """Send the app's log records to ``paths.log_file``, rotating at 1 MB, 5 files kept."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
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
