"""Schema creation and upgrades, one function per version step.

Every upgrade runs inside one transaction, after the caller's ``before``
hook (which makes a backup with SQLite's backup API). A database written by
a newer version of the app is refused, never downgraded.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee

from models.application import Offer
from models.database import schema_version
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage, MailFolder, SentCopy
from models.list_key import ListKey, create_triggers
from models.reminder import Reminder
from models.schema import ALL_MODELS, CURRENT_VERSION, SchemaVersion
from models.settings import Template


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


def _rebuild_table(
    db: peewee.SqliteDatabase,
    table: str,
    create: str,
    copy: str,
    indexes: tuple[tuple[tuple[str, ...], bool], ...],
) -> None:
    """Replace ``table`` by a new definition (SQLite's documented twelve-step procedure).

    ``create`` makes ``"{table}__new"``, ``copy`` fills it from the old table.
    Foreign keys must be off (see :func:`prepare_schema`): with them on,
    dropping the old table would cascade-delete every child row.
    """
    db.execute_sql(create)
    db.execute_sql(copy)
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "{table}__new" RENAME TO "{table}"')
    # playhouse.migrate (and the other databases' modules it loads): only for an upgrade.
    from playhouse.migrate import SqliteMigrator, migrate

    migrator = SqliteMigrator(db)
    migrate(*(migrator.add_index(table, columns, unique) for columns, unique in indexes))


# The version-2 definitions, frozen here so this step does not change when the
# models do. They match what ``create_tables`` writes for a new database: no
# SQL defaults (peewee supplies them), so an upgraded and a new file are alike.
_V2_APPLICATION = (
    'CREATE TABLE "application__new" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"uid" VARCHAR(255) NOT NULL, "company" VARCHAR(255) NOT NULL, '
    '"role" VARCHAR(255) NOT NULL, "posting_url" TEXT NOT NULL, '
    '"channel" VARCHAR(255) NOT NULL, "agency_name" VARCHAR(255) NOT NULL, '
    '"recruiter_name" VARCHAR(255) NOT NULL, "recruiter_email" VARCHAR(255) NOT NULL, '
    '"contact_name" VARCHAR(255) NOT NULL, "contact_email" VARCHAR(255) NOT NULL, '
    '"stage" VARCHAR(255) NOT NULL, "salary_notes" TEXT NOT NULL, "notes" TEXT NOT NULL, '
    '"applied_on" DATE, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)'
)
_V2_APPLICATION_COPY = (
    'INSERT INTO "application__new" ("id", "uid", "company", "role", "posting_url", '
    '"channel", "agency_name", "recruiter_name", "recruiter_email", "contact_name", '
    '"contact_email", "stage", "salary_notes", "notes", "applied_on", "created_at", '
    '"updated_at") '
    "SELECT id, uid, company, role, posting_url, 'direct', '', '', '', '', '', "
    'stage, salary_notes, notes, applied_on, created_at, updated_at FROM "application"'
)
_V2_APPLICATION_INDEXES = ((("uid",), True), (("stage",), False))
_V2_ROUND = (
    'CREATE TABLE "interview_round__new" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"uid" VARCHAR(255) NOT NULL, "application_id" INTEGER NOT NULL, '
    '"title" VARCHAR(255) NOT NULL, "starts_at" TEXT, "tz_name" VARCHAR(255) NOT NULL, '
    '"duration_minutes" INTEGER NOT NULL, "location" TEXT NOT NULL, '
    '"video_link" TEXT NOT NULL, "cancelled" INTEGER NOT NULL, '
    '"closing_phrase" TEXT NOT NULL, "asked_timeframe" INTEGER NOT NULL, '
    '"timeframe_value" INTEGER, "timeframe_unit" VARCHAR(255), "notes" TEXT NOT NULL, '
    '"ical_uid" VARCHAR(255), "ical_sequence" INTEGER NOT NULL, '
    '"created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL, '
    'FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE)'
)
_V2_ROUND_COPY = (
    'INSERT INTO "interview_round__new" ("id", "uid", "application_id", "title", '
    '"starts_at", "tz_name", "duration_minutes", "location", "video_link", "cancelled", '
    '"closing_phrase", "asked_timeframe", "timeframe_value", "timeframe_unit", "notes", '
    '"ical_uid", "ical_sequence", "created_at", "updated_at") '
    "SELECT id, uid, application_id, title, starts_at, 'UTC', duration_minutes, location, "
    "'', 0, closing_phrase, asked_timeframe, timeframe_days, "
    "CASE WHEN timeframe_days IS NULL THEN NULL ELSE 'days' END, notes, NULL, 0, "
    'created_at, updated_at FROM "interview_round"'
)
_V2_ROUND_INDEXES = (
    (("uid",), True),
    (("application_id",), False),
    (("starts_at",), False),
    (("ical_uid",), False),
)


def _v1_to_v2(db: peewee.SqliteDatabase) -> None:
    """Agency channel and contacts, time zones and invitations on rounds, new tables."""
    # ALTER TABLE ADD COLUMN can only add a NOT NULL column with an SQL
    # DEFAULT, which a new database does not have: rebuild both tables instead.
    _rebuild_table(
        db, "application", _V2_APPLICATION, _V2_APPLICATION_COPY, _V2_APPLICATION_INDEXES
    )
    _rebuild_table(db, "interview_round", _V2_ROUND, _V2_ROUND_COPY, _V2_ROUND_INDEXES)

    db.create_tables([Offer, Email, Reminder, Template])


def _v2_to_v3(db: peewee.SqliteDatabase) -> None:
    """The reminders' ``(state, due_at, snoozed_until)`` index. Schema 2 made it at run time
    (``IF NOT EXISTS`` then), so a file may already have it."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "reminder_state_due_at_snoozed_until" '
                   'ON "reminder" ("state", "due_at", "snoozed_until")')


def _v3_to_v4(db: peewee.SqliteDatabase) -> None:
    """The mailbox: folders read, matched replies, ignored Message-IDs, Sent copies; and a
    note's threading headers when it answers a message."""
    # A schema-1 file got the email table at step 2 from today's model, with these columns.
    present = {column.name for column in db.get_columns("email")}
    for column in ("in_reply_to", "references"):
        if column in present:
            continue
        db.execute_sql(f'ALTER TABLE "email" ADD COLUMN "{column}" TEXT NOT NULL DEFAULT \'\'')
    db.create_tables([MailFolder, InboxMessage, IgnoredMessage, SentCopy])


def _v4_to_v5(db: peewee.SqliteDatabase) -> None:
    """The application list's keys and the triggers that forget them; the app fills them
    (services.applications.list_keys), so the upgrade itself folds nothing."""
    db.create_tables([ListKey])
    create_triggers(db)


#: Upgrade steps: the key is the version the step brings the database to.
UPGRADES: dict[int, Callable[[peewee.SqliteDatabase], None]] = {
    2: _v1_to_v2, 3: _v2_to_v3, 4: _v3_to_v4, 5: _v4_to_v5,
}


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
            create_triggers(db)
            SchemaVersion.create(version=CURRENT_VERSION)
        return [CURRENT_VERSION]
    if found == CURRENT_VERSION:
        return []
    if before_upgrade is not None:
        before_upgrade(found)
    applied = []
    # Steps may rebuild tables: foreign keys must be off so dropping a parent
    # table does not cascade, and the pragma only works outside a transaction.
    # The check below, inside the transaction, still refuses broken references.
    foreign_keys = bool(db.execute_sql("PRAGMA foreign_keys").fetchone()[0])
    db.execute_sql("PRAGMA foreign_keys = 0")
    try:
        with db.atomic():
            for version in range(found + 1, CURRENT_VERSION + 1):
                UPGRADES[version](db)
                SchemaVersion.create(version=version)
                applied.append(version)
            problems = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise SchemaError(
                    f"The upgrade would leave {len(problems)} broken references; "
                    "nothing was changed."
                )
    finally:
        if foreign_keys:
            db.execute_sql("PRAGMA foreign_keys = 1")
    return applied
