"""What the window needs for its first paint, read with the standard ``sqlite3`` module.

Importing the ORM and checking the whole file take longer than showing a
window, so a normal start reads this small snapshot first, paints, and only
then opens the database through peewee and checks its integrity in the
background. A missing, older, newer or unreadable database gives no
snapshot: the caller then opens it the careful way before any window shows.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from models.version import CURRENT_VERSION
from services.paths import DataPaths
from services.settings import DEFAULTS


class Snapshot:
    """Settings and counts for the first paint."""

    __slots__ = ("application_count", "settings")

    def __init__(self, settings: dict[str, Any] | None = None, application_count: int = 0):
        self.settings = dict(settings or {})
        self.application_count = application_count

    def setting(self, key: str) -> Any:
        """The stored value of ``key``, or its documented default."""
        return self.settings.get(key, DEFAULTS.get(key))


def connect_for_reading(paths: DataPaths) -> sqlite3.Connection:
    """A plain sqlite3 connection to the database for quick reads."""
    con = sqlite3.connect(str(paths.database), timeout=5.0)
    con.execute("PRAGMA query_only = 1")
    return con


def read_snapshot(paths: DataPaths) -> Snapshot | None:
    """The first-paint snapshot, or None when the database must be opened carefully first."""
    try:
        if paths.database.stat().st_size == 0:
            return None
    except OSError:
        return None
    try:
        con = connect_for_reading(paths)
    except sqlite3.Error:
        return None
    try:
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        if version != CURRENT_VERSION:
            return None
        rows = con.execute("SELECT key, value FROM setting WHERE key LIKE 'ui.%'").fetchall()
        count = con.execute("SELECT count(*) FROM application").fetchone()[0]
    except (sqlite3.Error, UnicodeDecodeError):
        # A damaged schema can decode as garbage text: open it the careful way.
        return None
    finally:
        con.close()
    settings = {}
    for key, value in rows:
        try:
            settings[key] = json.loads(value)
        except ValueError:
            continue
    return Snapshot(settings=settings, application_count=count)


def save_ui_state(paths: DataPaths, values: dict[str, Any]) -> None:
    """Store ``ui.*`` settings (window geometry, current section) without loading the ORM.

    The counterpart of :func:`read_snapshot`: closing the window should not
    cost the ORM's import when nothing else needed it.
    """
    if any(not key.startswith("ui.") for key in values):
        raise ValueError("only ui.* settings are saved this way")
    con = sqlite3.connect(str(paths.database), timeout=5.0)
    try:
        with con:
            con.executemany(
                "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                [(key, json.dumps(value)) for key, value in values.items()],
            )
    finally:
        con.close()
