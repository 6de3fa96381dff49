"""Opening the user's data: folders, database, integrity, upgrades and backups.

Start-up calls :func:`open_store`. When the database cannot be used it
raises :class:`StoreProblem` with a sentence for the user and, for a damaged
file, the newest sound backup so the window can offer to restore it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from models import database, migrations
from services import backups
from services.paths import DataPaths

log = logging.getLogger(__name__)


class StoreProblem(Exception):
    """The data cannot be opened; ``message`` says why in words for the user."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        backup: backups.BackupInfo | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.backup = backup
        self.detail = detail


@dataclass
class Store:
    """The opened data: its paths, the connected database and what happened on opening."""

    paths: DataPaths
    db: peewee.SqliteDatabase
    created: bool = False
    upgraded_from: int | None = None
    upgrade_backup: Path | None = None
    notes: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Close the database."""
        if not self.db.is_closed():
            self.db.close()


def corrupt_problem(paths: DataPaths, detail: str) -> StoreProblem:
    """The problem to show for a damaged database, with the newest sound backup if any."""
    good = backups.latest_good_backup(paths.backups)
    message = (
        "Your Next Steps database is damaged and cannot be opened safely. "
        "The damaged file will be kept aside, untouched."
    )
    if good:
        message += f" The latest sound backup is from {good.made_at:%Y-%m-%d %H:%M} UTC."
    else:
        message += " No sound backup was found, so the app can start with an empty database."
    return StoreProblem(message, kind="corrupt", backup=good, detail=detail)


def open_store(paths: DataPaths, *, check_integrity: bool = True) -> Store:
    """Open (creating or upgrading as needed) the database in ``paths``."""
    try:
        paths.ensure()
    except OSError as exc:
        raise StoreProblem(
            f"Next Steps cannot create its data folder {paths.root}: {exc.strerror or exc}. "
            "Choose another folder with --data-dir or fix its permissions.",
            kind="folder",
        ) from exc
    existed = paths.database.exists() and paths.database.stat().st_size > 0
    try:
        db = database.connect(paths.database)
    except database.DatabaseOpenError as exc:
        raise corrupt_problem(paths, str(exc)) from exc
    try:
        if check_integrity and existed:
            problems = database.integrity_problems(db)
            if problems:
                raise corrupt_problem(paths, "; ".join(problems[:5]))
        store = Store(paths=paths, db=db, created=not existed)

        def before_upgrade(found: int) -> None:
            info = backups.make_backup(db, paths.backups, reason=f"before-upgrade-v{found}")
            store.upgraded_from = found
            store.upgrade_backup = info.path
            log.info("backed up schema v%s to %s before upgrading", found, info.path)

        try:
            migrations.prepare_schema(db, before_upgrade)
        except migrations.NewerSchemaError as exc:
            raise StoreProblem(str(exc), kind="newer") from exc
        except migrations.ForeignDatabaseError as exc:
            raise StoreProblem(
                f"{paths.database} is not a Next Steps database. "
                "Move it away or choose another folder with --data-dir.",
                kind="foreign",
            ) from exc
        except (peewee.DatabaseError, migrations.SchemaError) as exc:
            raise corrupt_problem(paths, str(exc)) from exc
        # Only now that the file is known to be ours (not newer, not foreign).
        database.use_wal(db)
    except BaseException:
        db.close()
        raise
    return store


def keep_aside_and_restore(paths: DataPaths, backup: backups.BackupInfo | None) -> Path | None:
    """Move the damaged database aside and put ``backup`` in its place (or start empty).

    Returns the name under which the damaged file was kept.
    """
    database.close()
    if backup is None:
        return backups.set_aside(paths, "damaged")
    return backups.restore_backup(paths, backup.path, label="damaged")
