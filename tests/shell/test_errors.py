"""Unexpected errors are logged with their traceback and shown once per session."""

from __future__ import annotations

import logging

from ui.shell.errors import ErrorReporter


def _raise_and_capture():
    try:
        raise ValueError("boom")
    except ValueError as exc:
        return type(exc), exc, exc.__traceback__


def test_uncaught_errors_are_logged_and_shown_once(qtbot, caplog, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr(ErrorReporter, "show_dialog", lambda self, exc: shown.append(exc))
    reporter = ErrorReporter(str(tmp_path / "nextsteps.log"))
    reporter.install()
    try:
        with caplog.at_level(logging.ERROR, logger="nextsteps.crash"):
            reporter.report(*_raise_and_capture())
            reporter.report(*_raise_and_capture())
    finally:
        reporter.uninstall()
    assert len(shown) == 1 and str(shown[0]) == "boom"
    records = [r for r in caplog.records if r.name == "nextsteps.crash"]
    assert len(records) == 2
    assert "Traceback" in records[0].getMessage() and "ValueError: boom" in records[0].getMessage()


def test_log_file_rotates(data_paths):
    from services.core.logs import setup_logging

    handler = setup_logging(data_paths)
    try:
        assert handler.maxBytes == 1_000_000 and handler.backupCount == 5
        logging.getLogger("test").info("hello")
        handler.flush()
        assert "hello" in data_paths.log_file.read_text(encoding="utf-8")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
