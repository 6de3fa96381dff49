"""PySide's import hook reads every later module's source into linecache (about 9 MB at
rest); the app tells it not to (ui/shell/pyside_sources.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_after_the_switch_an_imported_module_leaves_no_source_behind():
    code = (
        "import linecache, sys\n"
        "import PySide6.QtCore\n"
        "import csv\n"  # imported after PySide, with the hook reading sources
        "read = any(name.endswith('/csv.py') for name in linecache.cache)\n"
        "from ui.shell.pyside_sources import skip_feature_source_reads\n"
        "found = skip_feature_source_reads()\n"
        "import fractions\n"
        "kept = any(name.endswith('/fractions.py') for name in linecache.cache)\n"
        "print(read, found, kept)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]


def test_no_module_of_the_app_uses_a_feature_switch():
    """The switch tells PySide that no module uses ``from __feature__ import …``."""
    used = [path for folder in ("models", "services", "ui")
            for path in (ROOT / folder).rglob("*.py")
            if "from __feature__" in path.read_text(encoding="utf-8")
            or "import __feature__" in path.read_text(encoding="utf-8")]
    assert used == []
