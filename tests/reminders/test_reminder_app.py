"""The real app offscreen (no tray): a reminder is shown once across two launches and a
restart, because the second launch exits and every state is stored at once."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from tests.conftest import ROOT, subprocess_env
from tests.reminders.test_tray_app import prepare, states

TEXT = "Send the portfolio link to Orbit Health"


def _launch(data):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)],
        env=subprocess_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(predicate, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _stop(proc) -> str:
    proc.terminate()
    _out, err = proc.communicate(timeout=20)
    return err


def test_two_launches_never_show_the_same_reminder_twice(tmp_path):
    data = tmp_path / "data"
    log = data / "logs" / "nextsteps.log"
    # The child process is the real app on the real (or faketime's) clock: the wall clock
    # is the one clock the test and the child share.
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    rid = prepare(data, {TEXT: due})[TEXT]
    first = _launch(data)
    try:
        _wait_for(lambda: log.exists() and "reminders ready (no tray" in log.read_text(),
                  what="the first copy's reminders")
        second = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)],
            env=subprocess_env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0 and "already running" in second.stdout
        _wait_for(lambda: states(data)[rid][0] == "shown", what="the reminder shown")
        time.sleep(1.0)
    finally:
        _stop(first)
    shown_at = states(data)[rid][1]
    text = log.read_text(encoding="utf-8")
    shown_lines = [line for line in text.splitlines()
                   if re.search(rf"reminders shown: (.*\b)?{rid}\b", line)]
    assert len(shown_lines) == 1, shown_lines
    third = _launch(data)
    try:
        _wait_for(lambda: log.read_text().count("reminders ready (no tray") == 2,
                  what="the restarted copy's reminders")
        time.sleep(1.0)
    finally:
        _stop(third)
    text = log.read_text(encoding="utf-8")
    assert len([line for line in text.splitlines()
                if re.search(rf"reminders shown: (.*\b)?{rid}\b", line)]) == 1
    assert states(data)[rid] == ("shown", shown_at)
    starts = re.findall(r"(\d+) came due while the app was closed", text)
    assert len(starts) == 2 and starts[1] == "0"
