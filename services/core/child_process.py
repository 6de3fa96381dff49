"""Running one of the app's own commands in a child process: what the window's passes share.

The window runs its heavy passes as the app's own command line in a child process (the
mailbox's ``mail check --json``: :mod:`services.mail.imap.pass_process`; the reminders'
``reminders check --json --ids``: :mod:`services.reminders.pass_process`), so their
Python work neither holds the window's interpreter lock nor stays in its memory.
:func:`app_command` is the command line as this copy of the app runs it (the frozen build's
executable, or ``python main.py``); :class:`ChildRunner` runs one at a time from a worker
thread, with a time limit, and :meth:`ChildRunner.cancel` ends it from any thread (the
app is closing).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence

from services.core.paths import project_root

__all__ = ["ChildRunner", "ChildStopped", "ChildTimedOut", "app_command"]


class ChildStopped(Exception):
    """:meth:`ChildRunner.cancel` ended the child, or refused to start one."""


class ChildTimedOut(Exception):
    """The child ran longer than its time limit and was ended."""


def app_command(*arguments: str) -> list[str]:
    """The app's own command line with ``arguments``, as this copy runs it."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *arguments]
    return [sys.executable, str(project_root() / "main.py"), *arguments]


class ChildRunner:
    """Runs a command to its end and gives its exit code and output (see the module).

    ``env`` adds to the child's environment; ``timeout_s`` bounds each run.
    """

    def __init__(self, *, env: Mapping[str, str] | None = None, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._env = {**os.environ, **(env or {})}
        self._lock = threading.Lock()
        self._child: subprocess.Popen | None = None
        self._cancelled = False

    @property
    def running(self) -> bool:
        """True while a child runs."""
        return self._child is not None

    def run(self, command: Sequence[str]) -> tuple[int, str, str]:
        """Run ``command``: its exit code, standard output and standard error (UTF-8, an
        undecodable byte replaced). Raises :class:`ChildTimedOut` or :class:`ChildStopped`."""
        with self._lock:
            if self._cancelled:
                raise ChildStopped
            self._child = subprocess.Popen(
                list(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=self._env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        child = self._child
        try:
            out, err = child.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise ChildTimedOut from None
        finally:
            with self._lock:
                self._child = None
        if self._cancelled:
            raise ChildStopped
        return child.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def cancel(self) -> None:
        """End a running child now, and refuse new ones (what it stored stays stored)."""
        with self._lock:
            self._cancelled = True
            if self._child is not None and self._child.poll() is None:
                self._child.kill()
