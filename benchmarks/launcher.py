"""A small, long-lived process that starts the measured children and reaps them with wait4.

Why it exists: on Linux a process's ``ru_maxrss`` starts at the peak RSS of
the process that spawned it (``exec`` records the high-water mark of the
memory it replaces, and with ``vfork`` that is the parent's). A child
spawned by the benchmark runner after it generated 10,000 rows would report
the runner's peak, not its own. This launcher imports nothing heavy, so the
floor it passes on (about 10 MB) is far below any Qt window.

Protocol: one JSON object per line on stdin ``{"argv", "cwd", "env",
"timeout"}``; one JSON object per line on stdout ``{"t0", "returncode",
"timed_out", "maxrss_kb", "stdout", "stderr"}``. ``t0`` is ``time.time()``
taken immediately before ``subprocess.Popen``. Exits at end of input.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time


def run(request: dict) -> dict:
    """Start one child as ``request`` says, wait for it with wait4, and report."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.time()
        proc = subprocess.Popen(
            request["argv"], cwd=request.get("cwd"), env=request.get("env"),
            stdin=subprocess.DEVNULL, stdout=out, stderr=err,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)

        watchdog = threading.Timer(float(request.get("timeout", 60)), kill)
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return {
            "t0": t0,
            "returncode": proc.returncode,
            "timed_out": timed_out.is_set(),
            "maxrss_kb": usage.ru_maxrss,
            "stdout": out.read(),
            "stderr": err.read(),
        }


def main() -> int:
    """Serve requests from stdin until it closes."""
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run(json.loads(line))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
