"""What the migration tests share: the real old database files (:data:`V1_FILE`,
:data:`V2_FILE`, :data:`V3_FILE`, :data:`V4_FILE`), what schema 4 added (:data:`MAILBOX_TABLES`,
:data:`SCHEMA4_COLUMNS`), and helpers that read a file without changing it
(:func:`open_read_only`, :func:`schema_version`, :func:`schema_of`, :func:`rows_of`), give the
rows an upgrade must leave (:func:`upgraded_rows`), put an old file in a data folder
(:func:`place`, :func:`place_v1`), open one there (:func:`upgrading`) and give the schema of
a new file (:func:`fresh_schema`)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from services.core.paths import DATABASE_NAME, DataPaths
from services.core.store import open_store
from tests.conftest import FIXTURES

V1_FILE = FIXTURES / "schema_v1.sqlite3"
V2_FILE = FIXTURES / "schema_v2.sqlite3"
V3_FILE = FIXTURES / "schema_v3.sqlite3"
V4_FILE = FIXTURES / "schema_v4.sqlite3"

#: The tables schema 4 added (the mailbox): an upgraded older file has them, empty.
MAILBOX_TABLES = ("mail_folder", "inbox_message", "ignored_message", "sent_copy")
#: The table schema 5 added (the list's keys): empty after an upgrade, the app fills it.
LIST_KEY_TABLES = ("list_key",)
#: The columns schema 4 added to older tables, with the value (quoted) an upgrade gives them.
SCHEMA4_COLUMNS = {"email": {"in_reply_to": "''", "references": "''"}}


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the file at ``path``."""
    return sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)


def schema_version(path: Path) -> int:
    """The schema version the file at ``path`` records."""
    con = open_read_only(path)
    try:
        return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    finally:
        con.close()


def schema_of(path: Path) -> dict[str, dict]:
    """Per table: columns as a dict (order-free), index definitions and foreign keys as sets."""
    con = open_read_only(path)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        result = {}
        for table in tables:
            columns = {
                row[1]: (row[2], row[3], row[4], row[5])  # type, notnull, dflt_value, pk
                for row in con.execute(f'PRAGMA table_info("{table}")')
            }
            indexes = set()
            for _seq, name, unique, origin, _partial in con.execute(
                f'PRAGMA index_list("{table}")'
            ):
                cols = tuple(r[2] for r in con.execute(f'PRAGMA index_info("{name}")'))
                indexes.add((cols, bool(unique), origin))
            foreign_keys = {
                (row[2], row[3], row[4], row[6])  # table, from, to, on_delete
                for row in con.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            result[table] = {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}
        return result
    finally:
        con.close()


def rows_of(path: Path) -> dict[str, list[dict[str, str]]]:
    """Every row (column → value) of every table but ``schema_version``, in rowid order, each
    value as SQLite quotes it (so ``1`` and ``1.0``, or text and a blob, differ: equal means
    byte-identical)."""
    con = open_read_only(path)
    try:
        tables = [row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'schema_version'")]
        result = {}
        for table in tables:
            columns = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]
            quoted = ", ".join(f'quote("{column}")' for column in columns)
            result[table] = [dict(zip(columns, row, strict=True)) for row in con.execute(
                f'SELECT {quoted} FROM "{table}" ORDER BY rowid')]
        return result
    finally:
        con.close()


def upgraded_rows(before: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """What :func:`rows_of` gives once a file holding ``before`` is upgraded to schema 5: every
    row kept, the columns schema 4 added holding their defaults, the mailbox tables and the
    list keys empty."""
    after = {table: [row | SCHEMA4_COLUMNS.get(table, {}) for row in rows]
             for table, rows in before.items()}
    return after | {table: [] for table in (*MAILBOX_TABLES, *LIST_KEY_TABLES)}


def place_v1(paths: DataPaths) -> None:
    """Copy the v1 file into the data folder ``paths``."""
    place(V1_FILE, paths)


def place(source: Path, paths: DataPaths) -> None:
    """Copy the old file ``source`` into the data folder ``paths``."""
    paths.root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, paths.root / DATABASE_NAME)


@contextmanager
def upgrading(source: Path, paths: DataPaths):
    """The old file ``source`` placed in ``paths`` and opened (so upgraded) by open_store:
    (the opened store, the rows the file held before); closed afterwards."""
    place(source, paths)
    before = rows_of(paths.database)
    opened = open_store(paths)
    try:
        yield opened, before
    finally:
        opened.close()


def fresh_schema(tmp_path: Path) -> dict[str, dict]:
    """The schema of a database the app creates now."""
    fresh = DataPaths(tmp_path / "fresh")
    opened = open_store(fresh)
    opened.close()
    return schema_of(fresh.database)
