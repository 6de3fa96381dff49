"""Run a command (the offscreen test suite) at other hours and in other zones.

``make test`` calls this after the normal run, so a test that passes at 18:00
and fails at 09:00 fails here at any hour. Each run starts the command under
Debian's ``faketime`` with a *relative* offset (the clock keeps ticking, and
every child process is shifted the same way), chosen so that the faked "now"
is today's given UTC time of day; ``NEXTSTEPS_TEST_ZONE`` (read by
``tests/conftest.py``) and ``TZ`` name the zone.

Usage: ``python tools/any_hour.py -- COMMAND...``; exits with the first
non-zero exit status, after saying which instant and zone it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, time

#: (UTC time of day, zone): before 06:00 UTC where the local date is the day before;
#: late in the UTC evening where the local date is already the next day.
RUNS: tuple[tuple[time, str], ...] = (
    (time(4, 30), "America/Los_Angeles"),
    (time(20, 45), "Pacific/Auckland"),
)


def offset_to(target: time, now: datetime) -> str:
    """faketime's relative offset (``+N``/``-N`` seconds) from ``now`` to ``target`` today."""
    aim = datetime.combine(now.date(), target, tzinfo=UTC)
    seconds = round((aim - now).total_seconds())
    return f"{seconds:+d}"


def main(argv: list[str]) -> int:
    """Run ``argv`` (after ``--``) once per entry of :data:`RUNS`; the first failure wins."""
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print("usage: any_hour.py -- COMMAND...", file=sys.stderr)
        return 2
    faketime = shutil.which("faketime")
    if faketime is None:
        print("any_hour: 'faketime' is missing (Debian package faketime; make system-deps "
              "installs it)", file=sys.stderr)
        return 1
    for target, zone in RUNS:
        offset = offset_to(target, datetime.now(UTC))
        env = dict(os.environ, NEXTSTEPS_TEST_ZONE=zone, TZ=zone)
        print(f"any_hour: the suite at {target:%H:%M} UTC in {zone} (faketime {offset} s)",
              flush=True)
        status = subprocess.call([faketime, "-f", offset, *argv], env=env)
        if status != 0:
            print(f"any_hour: FAILED at {target:%H:%M} UTC in {zone}", file=sys.stderr)
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
