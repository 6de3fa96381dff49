"""What the moments after the first paint load: the integrity check, the daily backup and
the wiring of reminders load no ORM, and recovering interrupted sends loads no SMTP or TLS.

Each of these ran in the window measured by ``make bench`` (peak_rss_10k_mb) and had
pushed the start-up's peak memory up by about 14 MB; the figure itself is the benchmark's.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def loaded_after(imports: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``imports``."""
    code = f"import sys\n{imports}\nprint(' '.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    return out.split()


@pytest.mark.parametrize("module", [
    "services.core.store_problems",
    "services.data.backups",
    "ui.shell.reminder_system",
])
def test_the_first_steps_after_the_paint_load_no_orm(module):
    assert loaded_after(f"import {module}", ("peewee", "ui.reminders.scheduler")) == []


def test_recovering_interrupted_sends_loads_no_smtp_or_tls():
    loaded = loaded_after("import ui.shell.store_recovery", ("smtplib", "ssl", "email.message"))
    assert loaded == []
