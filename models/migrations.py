"""Schema creation and upgrades, one function per version step.

Every upgrade runs inside one transaction, after the caller's ``before``
hook (which makes a backup with SQLite's backup API). A database written by
a newer version of the app is refused, never downgraded.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee
from playhouse.migrate import SqliteMigrator, migrate

from models.database import schema_version
from models.schema import ALL_MODELS, CURRENT_VERSION, SchemaVersion


class SchemaError(Exception):
    """The database's schema cannot be used by this version of the app."""


class NewerSchemaError(SchemaError):
    """The database was written by a newer version of the app."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"This data was saved by a newer version of Next Steps (schema {found}; "
            f"this version reads up to {CURRENT_VERSION}). Install the newer version "
            "to open it; nothing was changed."
        )
        self.found = found


class ForeignDatabaseError(SchemaError):
    """The file is an SQLite database, but not one of ours."""


def _add_column(db: peewee.SqliteDatabase, table: str, definition: str) -> None:
    # playhouse.migrate adds a NOT NULL column by rebuilding the table, which
    # with foreign keys on would cascade-delete child rows; SQLite can add a
    # NOT NULL column with a constant default directly.
    db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN {definition}')


def _v1_to_v2(db: peewee.SqliteDatabase) -> None:
    """Agency channel and contacts, time zones and invitations on rounds, new tables."""
    migrator = SqliteMigrator(db)
    for definition in (
        "\"channel\" VARCHAR(255) NOT NULL DEFAULT 'direct'",
        "\"agency_name\" VARCHAR(255) NOT NULL DEFAULT ''",
        "\"recruiter_name\" VARCHAR(255) NOT NULL DEFAULT ''",
        "\"recruiter_email\" VARCHAR(255) NOT NULL DEFAULT ''",
        "\"contact_name\" VARCHAR(255) NOT NULL DEFAULT ''",
        "\"contact_email\" VARCHAR(255) NOT NULL DEFAULT ''",
    ):
        _add_column(db, "application", definition)
    for definition in (
        "\"tz_name\" VARCHAR(255) NOT NULL DEFAULT 'UTC'",
        "\"video_link\" TEXT NOT NULL DEFAULT ''",
        '"cancelled" INTEGER NOT NULL DEFAULT 0',
        '"ical_sequence" INTEGER NOT NULL DEFAULT 0',
    ):
        _add_column(db, "interview_round", definition)
    migrate(
        migrator.add_column("interview_round", "timeframe_value", peewee.IntegerField(null=True)),
        migrator.add_column("interview_round", "timeframe_unit", peewee.CharField(null=True)),
        migrator.add_column("interview_round", "ical_uid", peewee.CharField(null=True)),
    )
    db.execute_sql(
        "UPDATE interview_round SET timeframe_value = timeframe_days, timeframe_unit = 'days' "
        "WHERE timeframe_days IS NOT NULL"
    )
    migrate(
        migrator.drop_column("interview_round", "timeframe_days"),
        migrator.add_index("interview_round", ("starts_at",), False),
        migrator.add_index("interview_round", ("ical_uid",), False),
    )
    from models.application import Offer
    from models.email import Email
    from models.reminder import Reminder
    from models.settings import Template

    db.create_tables([Offer, Email, Reminder, Template])


#: Upgrade steps: the key is the version the step brings the database to.
UPGRADES: dict[int, Callable[[peewee.SqliteDatabase], None]] = {2: _v1_to_v2}


def needs_upgrade(db: peewee.SqliteDatabase) -> bool:
    """True when the database holds an older schema that must be upgraded."""
    version = schema_version(db)
    return 0 < version < CURRENT_VERSION


def prepare_schema(
    db: peewee.SqliteDatabase, before_upgrade: Callable[[int], None] | None = None
) -> list[int]:
    """Create a new database or upgrade an older one; return the versions applied.

    ``before_upgrade(found_version)`` runs before the first step of an upgrade,
    outside the transaction, so it can back the file up.
    """
    found = schema_version(db)
    if found > CURRENT_VERSION:
        raise NewerSchemaError(found)
    if found == 0:
        if db.get_tables():
            raise ForeignDatabaseError(
                "This file is an SQLite database, but not one written by Next Steps."
            )
        with db.atomic():
            db.create_tables(ALL_MODELS)
            SchemaVersion.create(version=CURRENT_VERSION)
        return [CURRENT_VERSION]
    if found == CURRENT_VERSION:
        return []
    if before_upgrade is not None:
        before_upgrade(found)
    applied = []
    with db.atomic():
        for version in range(found + 1, CURRENT_VERSION + 1):
            UPGRADES[version](db)
            SchemaVersion.create(version=version)
            applied.append(version)
        problems = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise SchemaError(
                f"The upgrade would leave {len(problems)} broken references; nothing was changed."
            )
    return applied
