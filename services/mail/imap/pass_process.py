"""A pass over the mailbox in a process of its own, for the window's watcher.

A first pass over a large mailbox parses thousands of messages. Run on a thread of the
window's process, that Python work holds the interpreter lock for most of each 5 ms switch
interval, and every repaint of the application list (over a thousand model calls) waits
for it: typing in the search box became 25 times slower during a pass. So the window's
watcher keeps only the waiting (``IDLE``, polling) on its thread and runs each pass as the
command line's ``mail check --json`` in a child process (:class:`PassProcess`). The child
opens the same data folder (SQLite allows the two writers, one transaction at a time),
reads the password from the keyring itself, runs one pass and the pending Sent copies,
and exits; its memory is given back when it ends.

What the child says is read as ``mail check`` documents it: one JSON object per new
message on standard output; on standard error, a sentence per Sent copy not added, then a
closing summary (exit 0), or the sentence why the pass could not run (exit 1). Anything
else (a crash, a timeout) is reported with a sentence of its own, and the child's output
goes to the log, never to the user.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from services.core.paths import project_root
from services.mail.imap.connection import ImapProblem
from services.mail.imap.mail_pass import PassSummary

__all__ = ["PASS_TIMEOUT_S", "PassProcess", "pass_command"]

log = logging.getLogger(__name__)

#: The longest one pass may take (a first pass over 10,000 messages takes about 10 s).
PASS_TIMEOUT_S = 30 * 60
_STOPPED = "Reading your mail was stopped."
_CRASHED = ("Reading your mail stopped unexpectedly. Next Steps tries again shortly; "
            "nothing read so far is lost.")
_TOO_LONG = ("Reading your mail took longer than {minutes} minutes and was stopped. Next "
             "Steps tries again shortly; nothing read so far is lost.")


def pass_command(data_dir: Path) -> list[str]:
    """``mail check --json`` on ``data_dir``, as this copy of the app runs it (the frozen
    build's executable, or ``python main.py``)."""
    if getattr(sys, "frozen", False):
        head = [sys.executable]
    else:
        head = [sys.executable, str(project_root() / "main.py")]
    return [*head, "--data-dir", str(data_dir), "mail", "check", "--json"]


class PassProcess:
    """Runs one pass per call in a child process; see the module.

    Called as the watcher's pass (``runner(client)``; the child makes its own connection,
    so ``client`` is not used). ``env`` adds to the child's environment (the tests add
    ``SSL_CERT_FILE`` to trust their own certificate authority). :meth:`cancel` ends a
    running pass at once, from any thread.
    """

    def __init__(self, data_dir: Path, *, env: Mapping[str, str] | None = None,
                 timeout_s: float = PASS_TIMEOUT_S,
                 command: Sequence[str] | None = None) -> None:
        self.command = list(command) if command is not None else pass_command(data_dir)
        self._env = {**os.environ, **(env or {})}
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._child: subprocess.Popen | None = None
        self._cancelled = False

    def __call__(self, _client=None) -> PassSummary:
        """Run one pass; its summary. Raises :class:`ImapProblem` (kind ``"pass"``) with
        the sentence to show when the pass did not run to its end."""
        with self._lock:
            if self._cancelled:
                raise ImapProblem(_STOPPED, kind="pass")
            self._child = subprocess.Popen(
                self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=self._env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        child = self._child
        try:
            out, err = child.communicate(timeout=self._timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            minutes = round(self._timeout_s / 60)
            raise ImapProblem(_TOO_LONG.format(minutes=minutes), kind="pass") from None
        finally:
            with self._lock:
                self._child = None
        if self._cancelled:
            raise ImapProblem(_STOPPED, kind="pass")
        return _summary(child.returncode, out.decode("utf-8", "replace"),
                        err.decode("utf-8", "replace"))

    def cancel(self) -> None:
        """End a running pass now, and refuse new ones (what was stored stays stored)."""
        with self._lock:
            self._cancelled = True
            if self._child is not None and self._child.poll() is None:
                self._child.kill()


def _summary(code: int, out: str, err: str) -> PassSummary:
    """The summary of a child that exited with ``code`` after writing ``out`` and ``err``."""
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 0 and lines:
        new = sum(1 for line in out.splitlines() if line.startswith("{"))
        return PassSummary(new, " ".join(lines[:-1]))
    if code == 1 and lines and not any(line.startswith("Traceback") for line in lines):
        sentence = " ".join(lines)
        raise ImapProblem(sentence.removeprefix("FAIL "), kind="pass")
    log.warning("the mail pass ended with exit code %s: %s", code, err[-2000:])
    raise ImapProblem(_CRASHED, kind="pass")
