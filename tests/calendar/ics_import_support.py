"""What the tests of invitation import (services.calendar.ics_import) share: the sample files
(:data:`DATA`, :func:`read`), the user's address (:data:`ME`) and zone (:data:`BERLIN`), the
instant of the import (:data:`NOW`), and helpers that parse or import samples
(:func:`parse`, :func:`run_import`) and read back what was written (:func:`table_dump`,
:func:`rounds_by_ical_uid`, :func:`interviewers`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from models.interview import InterviewRound
from services.calendar import ics_import
from services.calendar.invitations import parse_invitations
from tests.conftest import FIXTURES

DATA = FIXTURES / "ics"
ME = "sam.rivera@example.net"
BERLIN = "Europe/Berlin"
NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def read(name: str) -> bytes:
    """The bytes of a sample file."""
    return (DATA / name).read_bytes()


def parse(name: str, zone: str = BERLIN):
    """A sample file parsed for :data:`ME` in ``zone``."""
    return parse_invitations(read(name), own_addresses=[ME], user_zone=zone)


def table_dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {table: db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in tables}


def run_import(store, *names_or_paths, zone=BERLIN, **extra):
    """Import sample files (by name) or other files (by path) at :data:`NOW`; the report."""
    files = [p if isinstance(p, Path) else DATA / p for p in names_or_paths]
    extra.setdefault("own_addresses", [ME])
    return ics_import.import_files(store.paths, files, user_zone=zone, now=NOW, **extra)


def rounds_by_ical_uid(uid: str):
    """The rounds imported from the event ``uid``."""
    return list(InterviewRound.select().where(InterviewRound.ical_uid == uid))


def interviewers(rnd) -> list[tuple[str, str]]:
    """(name, email) of each interviewer of ``rnd``, in order."""
    return [(p.name, p.email) for p in rnd.interviewers.order_by("position")]
