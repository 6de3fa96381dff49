"""The data-side checks of ``--self-test``: folder, database, schema, keyring."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from models import database
from models.base import database_proxy
from models.schema import CURRENT_VERSION
from services.core.paths import DataPaths


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

    def folder() -> str:
        if store is not None and store.read_only:
            cause = _READ_ONLY_LINES.get(store.read_only_cause, "read-only")
            raise RuntimeError(f"{cause}: {store.read_only_message}")
        paths.ensure()
        probe = paths.root / ".self-test-probe"
        try:
            probe.write_text("ok", encoding="utf-8")
        except OSError as exc:
            from services.core.store import write_problem

            raise RuntimeError(f"{write_problem(exc).kind}: {paths.root} cannot be written "
                               f"to ({exc.strerror or exc})") from exc
        probe.unlink()
        return f"{paths.root} is writable"

    yield run_check("data folder", folder)

    def db_open() -> str:
        if database_proxy.obj is None or database_proxy.obj.is_closed():
            raise RuntimeError("the database is not open")
        return str(paths.database)

    yield run_check("database", db_open)

    def integrity() -> str:
        problems = database.integrity_problems(database_proxy.obj)
        if problems:
            raise RuntimeError("integrity_check: " + "; ".join(problems[:3]))
        return "integrity_check ok"

    yield run_check("integrity", integrity)

    def schema() -> str:
        found = database.schema_version(database_proxy.obj)
        if found != CURRENT_VERSION:
            raise RuntimeError(f"schema version {found}, expected {CURRENT_VERSION}")
        return f"schema version {found}"

    yield run_check("schema", schema)

    def keyring_backend() -> str:
        from services.mail.secrets import keyring_status

        status = keyring_status()
        if not status.usable:
            raise RuntimeError(f"{status.backend}: {status.message}")
        return status.backend

    yield run_check("keyring", keyring_backend)
