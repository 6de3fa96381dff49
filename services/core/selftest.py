"""The data-side checks of ``--self-test``: folder, database, schema, keyring.

``main.py --self-test`` calls :func:`data_checks` for these lines and
:func:`run_check` for its own; each check is one small function here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from models import database
from models.base import database_proxy
from models.schema import CURRENT_VERSION
from services.core.paths import DataPaths
from services.core.write_problems import write_problem
from services.mail.secrets import keyring_status


@dataclass(frozen=True)
class CheckResult:
    """One line of the self-test: what was checked, whether it passed, and the detail."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """The line printed for this check."""
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def run_check(name: str, check: Callable[[], str]) -> CheckResult:
    """Run ``check``; its return value is the detail, any exception a failure."""
    try:
        return CheckResult(name, True, check())
    except Exception as exc:  # the self-test reports every failure as a line
        return CheckResult(name, False, str(exc) or type(exc).__name__)


#: How the data folder's line names a store opened for reading only, by its cause.
_READ_ONLY_LINES = {"full": "disk full", "read-only": "read-only"}


def data_checks(paths: DataPaths, store=None) -> Iterator[CheckResult]:
    """Check the data folder, the database and the keyring, one result at a time.

    ``store`` is the opened :class:`services.core.store.Store`: one opened for reading
    only fails the data folder's line with its cause and the banner's sentence.
    """
    yield run_check("data folder", lambda: _check_folder(paths, store))
    yield run_check("database", lambda: _check_database(paths))
    yield run_check("integrity", _check_integrity)
    yield run_check("schema", _check_schema)
    yield run_check("keyring", _check_keyring)


def _check_folder(paths: DataPaths, store) -> str:
    """The data folder can be written to (and the store is not read-only)."""
    if store is not None and store.read_only:
        cause = _READ_ONLY_LINES.get(store.read_only_cause, "read-only")
        raise RuntimeError(f"{cause}: {store.read_only_message}")
    paths.ensure()
    probe = paths.root / ".self-test-probe"
    try:
        probe.write_text("ok", encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"{write_problem(exc).kind}: {paths.root} cannot be written "
                           f"to ({exc.strerror or exc})") from exc
    probe.unlink()
    return f"{paths.root} is writable"


def _check_database(paths: DataPaths) -> str:
    """The database is open."""
    if database_proxy.obj is None or database_proxy.obj.is_closed():
        raise RuntimeError("the database is not open")
    return str(paths.database)


def _check_integrity() -> str:
    """SQLite's integrity check finds nothing."""
    problems = database.integrity_problems(database_proxy.obj)
    if problems:
        raise RuntimeError("integrity_check: " + "; ".join(problems[:3]))
    return "integrity_check ok"


def _check_schema() -> str:
    """The database has the schema this version writes."""
    found = database.schema_version(database_proxy.obj)
    if found != CURRENT_VERSION:
        raise RuntimeError(f"schema version {found}, expected {CURRENT_VERSION}")
    return f"schema version {found}"


def _check_keyring() -> str:
    """A keyring backend that can keep the mail password is available."""
    status = keyring_status()
    if not status.usable:
        raise RuntimeError(f"{status.backend}: {status.message}")
    return status.backend
