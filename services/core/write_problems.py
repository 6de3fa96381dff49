"""Turning a failed write into a sentence for the user: :class:`WriteProblem` and
:func:`write_problem`.

Apart from :mod:`services.core.store` (which opens the data through the ORM), so that code
that never loads the ORM (the reminders' scheduler, whose recomputing runs in a child
process: services/reminders/pass_process.py) can say why a write was refused.
"""

from __future__ import annotations

import errno

from services.core.store_problems import causes

__all__ = ["StorageFullError", "WriteProblem", "explain_write_error", "write_problem"]


class WriteProblem(Exception):
    """A write failed for a reason the user can act on; ``message`` says so.

    ``kind`` is ``"full"``, ``"read-only"``, ``"busy"``, ``"io"`` or ``"other"``.
    Nothing was saved when this is raised from a transaction.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class StorageFullError(WriteProblem):
    """The disk (or the database's size limit) is full; nothing was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "full")


_FULL = (
    "Your disk is full, so nothing was saved. Free some space on the disk that holds your "
    "data, then try again; what you entered is still here."
)
_READ_ONLY = (
    "Your data cannot be changed because its folder or file is read-only, so nothing was "
    "saved. Fix the permissions of the data folder, then try again; what you entered is "
    "still here."
)
_BUSY = (
    "Another program (perhaps another copy of Next Steps) kept your data busy, so nothing was "
    "saved. Try again in a moment; what you entered is still here."
)
_IO = (
    "The disk reported an error while saving, so nothing was saved. Check the disk or the "
    "drive your data is on, then try again; what you entered is still here."
)


def write_problem(exc: BaseException) -> WriteProblem:
    """The :class:`WriteProblem` (a :class:`StorageFullError` for a full disk) for ``exc``."""
    for cause in causes(exc):
        if isinstance(cause, WriteProblem):
            return cause
        name = getattr(cause, "sqlite_errorname", "") or ""
        text = str(cause).lower()
        number = getattr(cause, "errno", None) if isinstance(cause, OSError) else None
        if name == "SQLITE_FULL" or "disk is full" in text or number in (
            errno.ENOSPC, getattr(errno, "EDQUOT", -1)
        ):
            return StorageFullError(_FULL)
        if name.startswith("SQLITE_READONLY") or "readonly database" in text or (
            number in (errno.EROFS, errno.EACCES, errno.EPERM)
        ):
            return WriteProblem(_READ_ONLY, "read-only")
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
            return WriteProblem(_BUSY, "busy")
        if name.startswith("SQLITE_IOERR") or "disk i/o error" in text or number == errno.EIO:
            return WriteProblem(_IO, "io")
    return WriteProblem(
        "Nothing was saved because of an unexpected problem; what you entered is still "
        f"here. Try again, and if it keeps failing, look at the log. ({exc})",
        "other",
    )


def explain_write_error(exc: BaseException) -> str:
    """A sentence for the user about a failed save: what happened and what to do."""
    return write_problem(exc).message
