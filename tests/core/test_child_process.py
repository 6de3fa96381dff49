"""The app's own commands in a child process (services/core/child_process.py): the command
line of this copy, and output that is not UTF-8."""

from __future__ import annotations

import sys

import pytest

from services.core.child_process import ChildRunner, ChildStopped, app_command
from tests.conftest import ROOT


def test_the_command_line_is_this_copy_of_the_app(monkeypatch):
    assert app_command("mail", "check") == [sys.executable, str(ROOT / "main.py"), "mail",
                                            "check"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert app_command("mail", "check") == [sys.executable, "mail", "check"]


def test_output_that_is_not_utf8_is_read_with_replacements():
    runner = ChildRunner(timeout_s=60)
    code, out, err = runner.run([sys.executable, "-c", (
        "import sys; sys.stdout.buffer.write(b'caf\\xe9\\n'); "
        "sys.stderr.buffer.write(b'\\xff done'); sys.exit(4)")])
    assert (code, out, err) == (4, "caf\ufffd\n", "\ufffd done")
    assert not runner.running
    runner.cancel()
    with pytest.raises(ChildStopped):
        runner.run([sys.executable, "-c", "pass"])
