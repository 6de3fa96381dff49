"""What the window needs for its first paint, read with the standard ``sqlite3`` module.

Importing the ORM and checking the whole file take longer than showing a
window, so a normal start reads this small snapshot first, paints, and only
then opens the database through peewee and checks its integrity in the
background. A missing, older, newer or unreadable database gives no
snapshot: the caller then opens it the careful way before any window shows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from models.version import CURRENT_VERSION
from services.core.paths import DataPaths, read_only_uri

# Settings are stored as JSON text. SQLite decodes the scalars the first paint needs
# (json_extract), so the json module is imported only for a list or an object.
_UI_SETTINGS_SQL = (
    "SELECT key, json_type(value), json_extract(value, '$') FROM setting "
    "WHERE key LIKE 'ui.%' AND json_valid(value)"
)


class Snapshot:
    """Settings and counts for the first paint."""

    __slots__ = ("application_count", "settings")

    def __init__(self, settings: dict[str, Any] | None = None, application_count: int = 0):
        self.settings = dict(settings or {})
        self.application_count = application_count

    def setting(self, key: str) -> Any:
        """The stored value of ``key``, or its documented default."""
        if key in self.settings:
            return self.settings[key]
        # json and the settings registry: not before the first paint (SQLite decodes its settings).
        from services.core.settings import DEFAULTS

        return DEFAULTS.get(key)


def connect_for_reading(paths: DataPaths) -> sqlite3.Connection:
    """A plain sqlite3 connection to the database for quick reads.

    In a folder the app cannot write to (read-only, or on a full disk), it
    reads through :func:`services.core.paths.read_only_uri`, which writes nothing
    beside the file.
    """
    uri = read_only_uri(paths)
    con = sqlite3.connect(uri or str(paths.database), timeout=5.0, uri=uri is not None)
    con.execute("PRAGMA query_only = 1")
    # No memory map (SQLite's default): the pages a mapped read touches count in the
    # process's memory with their neighbours (the kernel maps a few around each one read),
    # 45 MB before the first paint at 100,000 applications against 2 MB of page cache.
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
        rows = con.execute(_UI_SETTINGS_SQL).fetchall()
        count = con.execute("SELECT count(*) FROM application").fetchone()[0]
    except (sqlite3.Error, UnicodeDecodeError):
        # A damaged schema can decode as garbage text: open it the careful way.
        return None
    finally:
        con.close()
    settings = {key: _decoded(kind, value) for key, kind, value in rows}
    return Snapshot(settings=settings, application_count=count)


def _decoded(kind: str, value: Any) -> Any:
    """A setting's value from SQLite's json_type and json_extract (invalid JSON is skipped
    by the query, as a value json.loads refuses would be)."""
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind in ("object", "array"):
        # json and the settings registry: not before the first paint (SQLite decodes its settings).
        import json

        return json.loads(value)
    return value  # text, integer, real or null, already decoded by SQLite


def save_ui_state(paths: DataPaths, values: dict[str, Any]) -> None:
    """Store ``ui.*`` settings (window geometry, current section) without loading the ORM.

    The counterpart of :func:`read_snapshot`: closing the window should not
    cost the ORM's import when nothing else needed it.
    """
    if any(not key.startswith("ui.") for key in values):
        raise ValueError("only ui.* settings are saved this way")
    # json and the settings registry: not before the first paint (SQLite decodes its settings).
    import json

    con = sqlite3.connect(str(paths.database), timeout=5.0)
    try:
        with con:
            con.executemany(
                "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                [(key, json.dumps(value)) for key, value in values.items()],
            )
    finally:
        con.close()
