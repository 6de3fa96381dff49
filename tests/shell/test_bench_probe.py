"""The probes ``make bench`` runs inside the app (ui/shell/bench_probe.py), each in a real
start of ``main.py`` on the demo data: each prints its line and the app quits by itself.
Their figures are make bench's; here only that they answer, and answer what was asked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, subprocess_env
from ui.shell.warm_up import AFTER_PAINT_MODULES, MAILBOX_MODULES


def run_probe(folder, probe: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(folder),
         f"--benchmark-startup={probe}"],
        capture_output=True, text=True, cwd=ROOT, env=subprocess_env(), timeout=90)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


@pytest.mark.parametrize("probe", ["typing", "section"])
def test_a_probe_answers_after_the_first_paint(demo_store, probe):
    lines = run_probe(demo_store.paths.root, probe)
    assert float(lines["answered"]) > float(lines["first_paint"].split()[0])


def test_the_typing_probe_also_says_when_the_whole_list_is_filtered(demo_store):
    lines = run_probe(demo_store.paths.root, "typing")
    assert float(lines["listed"]) >= float(lines["answered"])


def test_the_stall_probe_says_how_long_the_ui_thread_was_busy(demo_store):
    lines = run_probe(demo_store.paths.root, "stalls")
    assert float(lines["longest_stall_ms"]) >= 0


def test_the_modules_warmed_up_on_a_worker_import_no_qt():
    """PySide builds its types lazily and that is left to the UI thread: the warm-up list
    must not pull Qt in (checked in a fresh interpreter)."""
    code = ("import importlib, sys\n"
            f"for name in {AFTER_PAINT_MODULES + MAILBOX_MODULES!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
