"""What the migration tests share: the real old database files (:data:`V1_FILE`,
:data:`V2_FILE`), and helpers that read a file without changing it (:func:`open_read_only`,
:func:`schema_version`, :func:`schema_of`), put the v1 file in a data folder
(:func:`place_v1`) and give the schema of a new file (:func:`fresh_schema`)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from services.core.paths import DATABASE_NAME, DataPaths
from services.core.store import open_store
from tests.conftest import FIXTURES

V1_FILE = FIXTURES / "schema_v1.sqlite3"
V2_FILE = FIXTURES / "schema_v2.sqlite3"


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


def place_v1(paths: DataPaths) -> None:
    """Copy the v1 file into the data folder ``paths``."""
    paths.root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(V1_FILE, paths.root / DATABASE_NAME)


def fresh_schema(tmp_path: Path) -> dict[str, dict]:
    """The schema of a database the app creates now."""
    fresh = DataPaths(tmp_path / "fresh")
    opened = open_store(fresh)
    opened.close()
    return schema_of(fresh.database)
