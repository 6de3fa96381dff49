"""Keeping the app's memory at rest small: what the process holds that serves nothing.

- :func:`use_builtin_hashes`: the ORM imports :mod:`hashlib` (an index name's MD5), and
  :mod:`hashlib` loads OpenSSL's ``libcrypto`` for it, 3.6 MB resident for the app's
  whole life. Python's own implementations of the same algorithms (``_md5``,
  ``_sha256``, …; what a Python built without OpenSSL uses) do the app's few short
  hashes as well. TLS (:mod:`ssl`) loads OpenSSL itself when mail is sent or read.
- :func:`release_free_memory_soon`: threads free what they allocated, but the C
  allocator keeps the freed pages; glibc's ``malloc_trim`` gives them back (about 3 MB
  after the start-up's workers). Called by :func:`ui.shell.tasks.run_in_background`
  once no worker has been busy for :data:`TRIM_AFTER_MS`.
"""

from __future__ import annotations

import sys
import threading

__all__ = ["TRIM_AFTER_MS", "release_free_memory", "release_free_memory_soon",
           "use_builtin_hashes"]

#: How long the workers must have been idle before free memory is given back (ms).
TRIM_AFTER_MS = 2_000
_asked = [0]


def use_builtin_hashes() -> bool:
    """Make :mod:`hashlib` use Python's own hash functions, not OpenSSL's; call it before
    anything imports :mod:`hashlib`. False when that is too late."""
    if "hashlib" in sys.modules or "_hashlib" in sys.modules:
        return False
    sys.modules["_hashlib"] = None  # the import then fails, and hashlib uses its fallbacks
    return True


def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    # ctypes: only when memory is given back (this module is imported before the first paint).
    import ctypes

    try:
        # The process's own symbols, the C library's among them (ctypes.util.find_library
        # would start a program to look for it).
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def release_free_memory() -> bool:
    """Give the C allocator's free pages back to the system now; False where it cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def release_free_memory_soon(still_idle, release=None) -> None:
    """Give free memory back (``release``, by default :func:`release_free_memory`)
    :data:`TRIM_AFTER_MS` from now, on a short-lived thread, if ``still_idle()`` holds then
    and nothing asked again meanwhile."""
    # Qt: this module is imported before Qt is (command_line.main), so not at its top.
    from PySide6.QtCore import QTimer

    _asked[0] += 1
    asked = _asked[0]

    def check() -> None:
        if asked == _asked[0] and still_idle():
            threading.Thread(target=release or release_free_memory,
                             name="release-free-memory", daemon=True).start()

    QTimer.singleShot(TRIM_AFTER_MS, check)
