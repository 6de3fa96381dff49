"""The JSON backup of the mailbox tables (schema 4): an export and an import give back identical
rows, a merge matches mail folders by name, ignored messages and messages by Message-ID and Sent
copies by their email, bad entries are refused, and a backup written by schema 3 still imports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models import database
from models.application import Application
from models.base import database_proxy
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage, MailFolder, SentCopy
from services.core.paths import DataPaths
from services.core.store import open_store
from services.data import json_export, json_import
from services.data.backup_format import TABLES

MAILBOX_TABLES = ("mail_folder", "inbox_message", "ignored_message", "sent_copy")
#: What schema 4 added to the email table (a schema-3 backup has no such fields).
EMAIL_THREADING = ("in_reply_to", "references")
SENT_AT = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
#: The exact bytes of a sent note, read as Latin-1 (as SentCopy keeps them).
RAW = "From: Sam <sam@example.org>\r\nSubject: =?utf-8?q?Merci?=\r\n\r\nCaf\xc3\xa9 \xff\r\n"


def dump() -> dict[str, list[tuple]]:
    """Every row of every backed-up table, each value as SQLite quotes it (byte-exact)."""
    result = {}
    for spec in TABLES:
        columns = [row[1] for row in database_proxy.execute_sql(
            f'PRAGMA table_info("{spec.table}")').fetchall()]
        quoted = ", ".join(f'quote("{column}")' for column in columns)
        order = '"key"' if spec.table == "setting" else '"id"'
        result[spec.table] = [tuple(row) for row in database_proxy.execute_sql(
            f'SELECT {quoted} FROM "{spec.table}" ORDER BY {order}').fetchall()]
    return result


def reopen(paths: DataPaths):
    database.close()
    return open_store(paths)


def _first_email() -> Email:
    return Email.select().order_by(Email.id).first()


def fill_mailbox() -> None:
    """One row or more in each mailbox table, tied to the demo data."""
    lumen = Application.get(Application.company == "Lumen Analytics")
    others = Application.select().where(Application.id != lumen.id).order_by(Application.id)
    email = _first_email()
    MailFolder.create(name="INBOX", uid_validity=1_700_000_001, last_uid=42,
                      checked_at=SENT_AT)
    MailFolder.create(name="Archives/2026 – Café", uid_validity=3, last_uid=0)
    InboxMessage.create(
        message_id="<reply-1@lumen.example>", application=lumen, folder="INBOX",
        from_name="Mira Hoffmann", from_address="mira@lumen.example",
        subject="Re: Thank you – next steps", sent_at=SENT_AT,
        in_reply_to="<e1@nextsteps.example>", references="<e1@nextsteps.example>",
        kind="invitation", suggested_stage="interviewing",
        reasons=json.dumps(["It proposes a time for a second interview."]),
        match_reason="It answers your note of 9 November.", match_strength=3,
        deadline=date(2026, 12, 9), text="Dear Sam,\n\nCould you come on Tuesday? 日本語",
        calendar_text="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", state="read", notified=True,
        handled_at=SENT_AT)
    InboxMessage.create(
        message_id="<two-fit@bright.example>", application=None,
        candidates=" ".join(a.uid for a in others[:2]), from_address="lea@bright.example",
        subject="Your applications", sent_at=SENT_AT, text="Which role did you mean?")
    IgnoredMessage.create(message_id="<newsletter-7@shop.example>", seen_at=SENT_AT)
    SentCopy.create(email=email, raw=RAW, state="pending", attempts=2,
                    error="The Sent folder could not be reached.")


@pytest.fixture
def exported(demo_store, tmp_path):
    """The demo data with mailbox rows, exported: (the file, the rows it came from)."""
    fill_mailbox()
    rows = dump()
    path = tmp_path / "backup.json"
    json_export.export_json(path)
    return path, rows


def _document(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _entry(document: dict, table: str, **match) -> dict:
    """The one entry of ``table`` in ``document`` whose fields have the values ``match``."""
    (found,) = [e for e in document["tables"][table]
                if all(e[k] == v for k, v in match.items())]
    return found


def _counts() -> list[int]:
    return [model.select().count()
            for model in (MailFolder, InboxMessage, IgnoredMessage, SentCopy)]


def _write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# -- export ------------------------------------------------------------------------------------


def test_the_export_writes_the_mailbox_tables_by_reference(exported):
    path, _rows = exported
    document = _document(path)
    tables = document["tables"]
    assert [len(tables[t]) for t in MAILBOX_TABLES] == _counts()
    lumen = Application.get(Application.company == "Lumen Analytics")
    matched = _entry(document, "inbox_message", message_id="<reply-1@lumen.example>")
    unmatched = _entry(document, "inbox_message", message_id="<two-fit@bright.example>")
    assert matched["application"] == lumen.uid  # a parent by its uid, not its id
    assert unmatched["application"] is None and len(unmatched["candidates"].split()) == 2
    assert matched["notified"] is True and matched["deadline"] == "2026-12-09"
    assert matched["reasons"] == json.dumps(["It proposes a time for a second interview."])
    # An ignored message is only its Message-ID (and when it was seen).
    assert {tuple(e) for e in tables["ignored_message"]} == {("id", "message_id", "seen_at")}
    copy = _entry(document, "sent_copy", email=_first_email().uid)
    assert copy["raw"] == RAW
    assert {"INBOX", "Archives/2026 – Café"} <= {f["name"] for f in tables["mail_folder"]}


def test_the_export_summary_names_the_mailbox_entries(demo_store, tmp_path):
    fill_mailbox()
    folders, messages, ignored, copies = _counts()
    assert min(folders, messages) > 1 and ignored == copies == 1
    summary = json_export.export_json(tmp_path / "b.json").summary()
    assert f"{folders} mail folders, {messages} messages, 1 ignored message, 1 sent copy" \
        in summary


# -- import ------------------------------------------------------------------------------------


def test_import_into_an_empty_folder_gives_back_identical_rows(exported, tmp_path):
    path, rows = exported
    reopen(DataPaths(tmp_path / "other"))

    result = json_import.import_backup(path, "merge")

    assert result.mode == "replace"
    assert dump() == rows
    assert [result.added[t] for t in MAILBOX_TABLES] == [len(rows[t]) for t in MAILBOX_TABLES]
    raw = SentCopy.get(SentCopy.email == _first_email()).raw
    assert raw.encode("latin-1") == RAW.encode("latin-1")  # the exact bytes that went out


def test_replace_over_other_mailbox_rows_gives_back_identical_rows(exported, tmp_path):
    path, rows = exported
    other = DataPaths(tmp_path / "other")
    reopen(other)
    json_import.import_backup(path, "replace")
    IgnoredMessage.create(message_id="<only-here@example.org>")
    MailFolder.update(last_uid=99).execute()
    InboxMessage.delete().where(InboxMessage.application.is_null()).execute()

    json_import.import_backup(path, "replace", paths=other)

    assert dump() == rows


def test_merging_the_same_file_twice_changes_nothing(exported):
    path, rows = exported

    result = json_import.import_backup(path, "merge")

    assert dump() == rows
    assert not any(result.added.get(t) for t in MAILBOX_TABLES)
    assert [result.updated[t] for t in MAILBOX_TABLES] == [len(rows[t]) for t in MAILBOX_TABLES]


def test_merge_matches_by_name_message_id_and_email(exported):
    path, _rows = exported
    document = _document(path)
    _entry(document, "mail_folder", name="INBOX")["last_uid"] = 50
    # The same message read by another install, under another uid.
    _entry(document, "inbox_message", message_id="<reply-1@lumen.example>").update(
        uid="f" * 32, state="acted")
    _entry(document, "ignored_message", message_id="<newsletter-7@shop.example>")["seen_at"] = \
        "2026-12-03T08:00:00+00:00"
    document["tables"]["ignored_message"].append({"message_id": "<new@shop.example>"})
    _entry(document, "sent_copy", email=_first_email().uid).update(state="done", raw="",
                                                                    attempts=3)
    local_uid = InboxMessage.get(InboxMessage.message_id == "<reply-1@lumen.example>").uid
    folders, messages, ignored, copies = _counts()
    _write(path, document)

    result = json_import.import_backup(path, "merge")

    assert MailFolder.get(MailFolder.name == "INBOX").last_uid == 50
    message = InboxMessage.get(InboxMessage.message_id == "<reply-1@lumen.example>")
    assert (message.uid, message.state) == (local_uid, "acted")
    assert _counts() == [folders, messages, ignored + 1, copies]
    assert IgnoredMessage.get(IgnoredMessage.message_id == "<newsletter-7@shop.example>") \
        .seen_at == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    copy = SentCopy.get(SentCopy.email == _first_email())
    assert (copy.state, copy.raw, copy.attempts) == ("done", "", 3)
    assert result.added == {"ignored_message": 1}


def test_merge_adds_mailbox_rows_to_data_that_has_none(exported, tmp_path):
    path, _rows = exported
    document = _document(path)
    reopen(DataPaths(tmp_path / "other"))
    json_import.import_backup(path, "replace")
    for table in ("inbox_message", "ignored_message", "mail_folder", "sent_copy"):
        database_proxy.execute_sql(f'DELETE FROM "{table}"')

    json_import.import_backup(path, "merge")

    assert _counts() == [len(document["tables"][t]) for t in MAILBOX_TABLES]
    assert {f.name for f in MailFolder.select()} == {f["name"] for f in
                                                     document["tables"]["mail_folder"]}
    assert {m.uid for m in InboxMessage.select()} == {m["uid"] for m in
                                                      document["tables"]["inbox_message"]}
    assert {c.email.uid for c in SentCopy.select()} == {c["email"] for c in
                                                       document["tables"]["sent_copy"]}


# -- a backup written by schema 3 ----------------------------------------------------------------


def _as_schema_3(document: dict) -> dict:
    """``document`` as schema 3 wrote it: no mailbox tables, no email threading fields."""
    document["schema_version"] = 3
    for table in MAILBOX_TABLES:
        del document["tables"][table]
    for email in document["tables"]["email"]:
        for name in EMAIL_THREADING:
            del email[name]
    return document


def test_a_schema_3_backup_imports_into_an_empty_folder(exported, tmp_path):
    path, rows = exported
    old = _write(tmp_path / "v3.json", _as_schema_3(_document(path)))
    reopen(DataPaths(tmp_path / "other"))

    json_import.import_backup(old, "replace")

    got = dump()
    assert {t: got[t] for t in rows if t not in MAILBOX_TABLES} == {
        t: rows[t] for t in rows if t not in MAILBOX_TABLES}
    assert all(got[t] == [] for t in MAILBOX_TABLES)
    assert {(e.in_reply_to, e.references) for e in Email.select()} == {("", "")}


def test_merging_a_schema_3_backup_keeps_the_mailbox(exported, tmp_path):
    path, rows = exported
    old = _write(tmp_path / "v3.json", _as_schema_3(_document(path)))

    json_import.import_backup(old, "merge")

    assert dump() == rows


# -- bad entries ---------------------------------------------------------------------------------


def _mutations():
    def tables(doc):
        return doc["tables"]

    return {
        "unknown message state": (
            lambda d: tables(d)["inbox_message"][0].update(state="lost"), "not one of"),
        "unknown suggested stage": (
            lambda d: tables(d)["inbox_message"][0].update(suggested_stage="hired"),
            "not one of"),
        "unknown copy state": (
            lambda d: tables(d)["sent_copy"][0].update(state="maybe"), "not one of"),
        "message without message_id": (
            lambda d: tables(d)["inbox_message"][0].pop("message_id"), "has no “message_id”"),
        "two messages, one Message-ID": (
            lambda d: tables(d)["inbox_message"][1].update(
                message_id=tables(d)["inbox_message"][0]["message_id"]),
            "share the message_id"),
        "two folders, one name": (
            lambda d: tables(d)["mail_folder"][1].update(name=tables(d)["mail_folder"][0]["name"]),
            "share the name"),
        "empty folder name": (
            lambda d: tables(d)["mail_folder"][0].update(name=" "), "“name” is empty"),
        "two copies of one email": (
            lambda d: tables(d)["sent_copy"].append(dict(tables(d)["sent_copy"][0], id=77)),
            "share the email_id"),
        "copy of a missing email": (
            lambda d: tables(d)["sent_copy"][0].update(email="9" * 32),
            "neither in the file nor in your data"),
        "message of a missing application": (
            lambda d: tables(d)["inbox_message"][0].update(application="9" * 32),
            "neither in the file nor in your data"),
        "a number as the last uid": (
            lambda d: tables(d)["mail_folder"][0].update(last_uid="42"), "whole number"),
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_a_bad_mailbox_entry_changes_nothing_and_says_why(exported, tmp_path, case):
    path, rows = exported
    document = _document(path)
    mutate, words = MUTATIONS[case]
    mutate(document)
    bad = _write(tmp_path / "bad.json", document)

    for mode in ("merge", "replace"):
        with pytest.raises(json_import.ImportProblem) as caught:
            json_import.import_backup(bad, mode)
        assert words in caught.value.message, caught.value.message
        assert caught.value.message.endswith("Nothing was changed.")
        assert dump() == rows
