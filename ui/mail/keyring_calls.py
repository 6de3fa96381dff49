"""Every keyring call the window makes: off the UI thread, one at a time, each asked once.

A keyring may show a prompt (GNOME Keyring asks for a new keyring's password, a
locked one for its password), and the call waits until the user answers. On the UI
thread that froze the window; two calls at once showed the prompt twice. So the
window reaches the keyring only through :func:`call_keyring`: the work runs on a
worker thread (``ui.shell.tasks.run_in_background``) after the call before it has ended,
the result comes back on the UI thread, and a request whose name is already waiting
or running is not made a second time.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6

from services.mail.account import KeyringProblem, get_password
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)


@dataclass
class _Call:
    name: str
    work: Callable[[], Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None] | None
    owner: Any


_waiting: deque[_Call] = deque()
_running: _Call | None = None


def call_keyring(
    name: str,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    owner=None,
) -> bool:
    """Run ``work()`` (keyring calls only, no widgets) on a worker thread once no other
    keyring call runs; ``on_done(result)`` or ``on_error(exc)`` follow on the UI thread,
    unless ``owner`` (a QObject) has been deleted by then.

    Returns False, and does nothing, when a call named ``name`` is already waiting or
    running: its result is on its way.
    """
    if is_pending(name):
        return False
    _waiting.append(_Call(name, work, on_done, on_error, owner))
    _start_next()
    return True


def read_password(
    name: str,
    account,
    on_password: Callable[[str], None],
    on_problem: Callable[[str], None],
    *,
    owner=None,
) -> bool:
    """:func:`call_keyring` for ``account``'s password: ``on_password(password)``, or
    ``on_problem(sentence)`` when the keyring cannot give it. False if already asked."""

    def failed(exc: BaseException) -> None:
        if isinstance(exc, KeyringProblem):
            on_problem(exc.message)
            return
        log.error("reading the password failed unexpectedly: %s", type(exc).__name__)
        on_problem("The password could not be read: the keyring stopped unexpectedly "
                   f"({type(exc).__name__}); see the log for details.")

    return call_keyring(name, lambda: get_password(account), on_password, failed, owner=owner)


def is_pending(name: str | None = None) -> bool:
    """True while a keyring call (named ``name``, or any) is waiting or running."""
    calls = ([_running] if _running else []) + list(_waiting)
    return any(name is None or call.name == name for call in calls)


def reset() -> None:
    """Forget every waiting call and the running one (tests, between two of them)."""
    global _running
    _waiting.clear()
    _running = None


def _start_next() -> None:
    global _running

    if _running is not None or not _waiting:
        return
    call = _running = _waiting.popleft()
    run_in_background(call.work, lambda result: _finish(call, call.on_done, result),
                      lambda exc: _finish(call, call.on_error, exc))


def _finish(call: _Call, callback, value) -> None:
    global _running
    if _running is call:
        _running = None
    _start_next()  # before the callback, which may open a modal dialog
    if callback is None:
        log.error("keyring call %s failed", call.name, exc_info=value)
    elif call.owner is None or _alive(call.owner):
        callback(value)


def _alive(owner) -> bool:

    return shiboken6.isValid(owner)
