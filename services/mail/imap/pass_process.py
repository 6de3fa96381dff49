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
from collections.abc import Mapping, Sequence
from pathlib import Path

from services.core.child_process import ChildRunner, ChildStopped, ChildTimedOut, app_command
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
    """``mail check --json`` on ``data_dir``, as this copy of the app runs it
    (:func:`services.core.child_process.app_command`)."""
    return app_command("--data-dir", str(data_dir), "mail", "check", "--json")


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
        #: What runs the child (:class:`services.core.child_process.ChildRunner`).
        self.runner = ChildRunner(env=env, timeout_s=timeout_s)

    def __call__(self, _client=None) -> PassSummary:
        """Run one pass; its summary. Raises :class:`ImapProblem` (kind ``"pass"``) with
        the sentence to show when the pass did not run to its end."""
        try:
            code, out, err = self.runner.run(self.command)
        except ChildStopped:
            raise ImapProblem(_STOPPED, kind="pass") from None
        except ChildTimedOut:
            minutes = round(self.runner.timeout_s / 60)
            raise ImapProblem(_TOO_LONG.format(minutes=minutes), kind="pass") from None
        return _summary(code, out, err)

    def cancel(self) -> None:
        """End a running pass now, and refuse new ones (what was stored stays stored)."""
        self.runner.cancel()


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
