"""The upgrade of a real version-3 database file: a backup first, the schema of a new file
(the mailbox tables added, empty), every row kept byte-identical, and the new tables'
references working; a failed step leaves the file as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import migrations
from models.application import Application
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage, MailFolder, SentCopy
from models.schema import CURRENT_VERSION
from services.core.store import open_store
from services.data import backups
from tests.models.schema_files import (
    MAILBOX_TABLES,
    V3_FILE,
    fresh_schema,
    place,
    rows_of,
    schema_of,
    schema_version,
    upgraded_rows,
    upgrading,
)

DUE_INDEX = ("state", "due_at", "snoozed_until")
OLD_TABLES = ("application", "stage_change", "interview_round", "interviewer", "round_signal",
              "offer", "email", "reminder", "template", "setting")


@pytest.fixture
def upgraded(data_paths):
    """The v3 file upgraded by open_store: (the opened store, the rows it held before)."""
    with upgrading(V3_FILE, data_paths) as result:
        yield result


def test_v3_fixture_is_what_it_claims():
    assert schema_version(V3_FILE) == 3
    schema = schema_of(V3_FILE)
    assert (DUE_INDEX, False, "c") in schema["reminder"]["indexes"]
    assert not set(MAILBOX_TABLES) & set(schema)
    assert not {"in_reply_to", "references"} & set(schema["email"]["columns"])
    rows = rows_of(V3_FILE)
    assert set(rows) == set(OLD_TABLES)
    assert all(rows[table] for table in OLD_TABLES)


def test_v3_upgrades_to_the_schema_of_a_new_file_with_its_data(upgraded, tmp_path):
    opened, before = upgraded
    assert opened.created is False
    assert opened.upgraded_from == 3
    opened.close()
    assert schema_version(opened.paths.database) == CURRENT_VERSION == 5
    assert schema_of(opened.paths.database) == fresh_schema(tmp_path)
    # Every row kept byte for byte; the mailbox tables are new and empty, and the email
    # rows' new threading columns hold their default.
    assert rows_of(opened.paths.database) == upgraded_rows(before)


def test_the_v3_upgrade_backs_the_file_up_first(upgraded):
    opened, before = upgraded
    (backup,) = backups.list_backups(opened.paths.backups)
    assert backup.path == opened.upgrade_backup
    assert backup.reason == "before-upgrade-v3"
    assert backups.file_problems(backup.path) == []
    assert schema_version(backup.path) == 3
    assert not set(MAILBOX_TABLES) & set(schema_of(backup.path))
    assert rows_of(backup.path) == before


def test_the_upgraded_v3_file_is_sound_and_its_new_tables_hold_references(upgraded):
    opened, _before = upgraded
    db = opened.db
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    lumen = Application.get(Application.uid == "a1")
    sent_at = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    InboxMessage.create(message_id="<reply-1@lumen.example>", application=lumen,
                        sent_at=sent_at, subject="Re: Thank you")
    InboxMessage.create(message_id="<reply-2@example.org>", candidates="a1 a2", sent_at=sent_at)
    IgnoredMessage.create(message_id="<news@shop.example>")
    MailFolder.create(name="INBOX", uid_validity=7, last_uid=42)
    SentCopy.create(email=Email.get(Email.uid == "e1"), raw="From: Sam\r\n\r\nThanks\r\n")

    lumen.delete_instance()  # cascades to its message and to its email's Sent copy

    assert [m.message_id for m in InboxMessage.select()] == ["<reply-2@example.org>"]
    assert SentCopy.select().count() == 0
    assert (IgnoredMessage.select().count(), MailFolder.select().count()) == (1, 1)
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_the_upgraded_v3_file_reopens_without_another_upgrade(upgraded):
    opened, before = upgraded
    opened.close()
    again = open_store(opened.paths)
    try:
        assert again.upgraded_from is None
        assert again.created is False
    finally:
        again.close()
    assert len(backups.list_backups(opened.paths.backups)) == 1
    assert rows_of(opened.paths.database) == upgraded_rows(before)


class _StepFailed(Exception):
    pass


def test_a_failed_v4_step_leaves_the_v3_file_as_it_was(data_paths, monkeypatch):
    def half_step(db):
        db.create_tables([MailFolder, InboxMessage])
        db.execute_sql("UPDATE application SET notes = 'overwritten'")
        raise _StepFailed("boom")

    monkeypatch.setitem(migrations.UPGRADES, 4, half_step)
    place(V3_FILE, data_paths)
    schema, before = schema_of(data_paths.database), rows_of(data_paths.database)

    with pytest.raises(_StepFailed):
        open_store(data_paths)

    assert schema_version(data_paths.database) == 3
    assert schema_of(data_paths.database) == schema
    assert rows_of(data_paths.database) == before
    monkeypatch.undo()
    again = open_store(data_paths)
    try:
        assert again.upgraded_from == 3
        assert MailFolder.select().count() == 0
    finally:
        again.close()
