"""Nothing acknowledged is lost: a writer killed with SIGKILL at random moments, 200+ times.

The child (``tests/support/durability_child.py``) saves an application with one round
and one interviewer per transaction through ``services.applications.saving.save``
and prints ``ack <uid>`` after each commit. The parent kills it 5–60 ms after
it is ready, restarts it on the same database, and at the end checks that
every acknowledged application is there with its round and interviewer, that
no application lacks its round (no half transaction), and that
``PRAGMA integrity_check`` says ``ok``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from models import database
from services.core.paths import DataPaths
from services.core.store import open_store
from tests.conftest import ROOT, subprocess_env

CHILD = ROOT / "tests" / "support" / "durability_child.py"
KILLS = 200
SEED = 20261125


def _run_once(data_dir, tag: str, delay: float) -> tuple[list[str], str]:
    """Start the writer, let it write for ``delay`` seconds after it is ready, SIGKILL it."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(ROOT), str(data_dir), tag],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=subprocess_env(),
    )
    try:
        ready = child.stdout.readline()
        if ready.strip() != "ready":
            child.kill()
            _out, err = child.communicate(timeout=30)
            raise AssertionError(f"the writer did not start: {ready!r} {err}")
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL, err
    # Only complete lines count: a line is written in one write() of less than PIPE_BUF.
    lines = out.split("\n")[:-1]
    acked = [line.split()[1] for line in lines if line.startswith("ack ")]
    return acked, err


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_acknowledged_commits_survive_sigkill(tmp_path, record_property):
    data_dir = tmp_path / "durable"
    open_store(DataPaths(data_dir)).close()
    database.close()
    rng = random.Random(SEED)
    acknowledged: list[str] = []
    started = time.monotonic()
    for kill in range(KILLS):
        acked, _err = _run_once(data_dir, str(kill), rng.uniform(0.005, 0.060))
        acknowledged.extend(acked)
    elapsed = time.monotonic() - started

    con = sqlite3.connect(data_dir / "nextsteps.sqlite3")
    try:
        integrity = [row[0] for row in con.execute("PRAGMA integrity_check")]
        rows = con.execute(
            "SELECT a.uid, count(DISTINCT r.id), count(i.id) FROM application a "
            "LEFT JOIN interview_round r ON r.application_id = a.id "
            "LEFT JOIN interviewer i ON i.round_id = r.id GROUP BY a.id"
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM interview_round r LEFT JOIN application a "
            "ON a.id = r.application_id WHERE a.id IS NULL"
        ).fetchone()[0]
    finally:
        con.close()
    stored = {uid: (rounds, people) for uid, rounds, people in rows}
    lost = [uid for uid in acknowledged if uid not in stored]
    half = [uid for uid, (rounds, people) in stored.items() if (rounds, people) != (1, 1)]
    unacknowledged = len(stored) - len(set(acknowledged) & set(stored))

    figures = {
        "kills": KILLS,
        "acknowledged_commits": len(acknowledged),
        "stored_applications": len(stored),
        "committed_not_acknowledged": unacknowledged,
        "lost_commits": len(lost),
        "half_transactions": len(half),
        "integrity_check": "; ".join(integrity),
        "seconds": round(elapsed, 1),
    }
    for name, value in figures.items():
        record_property(name, value)
    print("\ndurability: " + ", ".join(f"{name} = {value}" for name, value in figures.items()))

    assert integrity == ["ok"]
    assert len(acknowledged) >= KILLS, "the writer hardly wrote anything; the test proves little"
    assert len(set(acknowledged)) == len(acknowledged)
    assert lost == []
    assert half == []
    assert orphans == 0
