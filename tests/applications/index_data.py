"""Building blocks for the tests of the application list's index (services/applications/index.py).

:data:`NOW` (a Tuesday, noon UTC), :data:`UTC_ZONE`, and the helpers the tests import:
:func:`add_application` and :func:`add_round` write rows with the ORM, :func:`load_index`
reads them back through a plain SQLite connection (:func:`connect`), :func:`visible_ids` and
:func:`visible_companies` give what the list shows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models.application import Application
from models.interview import Interviewer, InterviewRound, RoundSignal
from services.applications.index import ApplicationIndex

#: A Tuesday, noon UTC.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def add_application(company: str, role: str = "Data Engineer", stage: str = "applied",
                    **extra) -> Application:
    """A new application row (any other field in ``extra``)."""
    return Application.create(company=company, role=role, stage=stage, **extra)


def add_round(app, starts_at: datetime | None, *, tz_name: str = "UTC", cancelled: bool = False,
              value: int | None = None, unit: str | None = None,
              interviewers: tuple[str, ...] = (), signals: tuple[str, ...] = ()) -> InterviewRound:
    """A new round of ``app`` with its interviewers, signals and time frame (``value unit``)."""
    rnd = InterviewRound.create(application=app, starts_at=starts_at, tz_name=tz_name,
                                cancelled=cancelled, timeframe_value=value,
                                timeframe_unit=unit, asked_timeframe=value is not None)
    for position, name in enumerate(interviewers):
        Interviewer.create(round=rnd, name=name, position=position)
    for signal in signals:
        RoundSignal.create(round=rnd, signal=signal)
    return rnd


def connect(store) -> sqlite3.Connection:
    """A plain SQLite connection to the store's database, as the list opens it."""
    return sqlite3.connect(str(store.paths.database))


def load_index(store, now: datetime = NOW, **kwargs) -> ApplicationIndex:
    """The index loaded at ``now`` (``kwargs`` as :meth:`ApplicationIndex.load` takes them)."""
    with closing(connect(store)) as con:
        return ApplicationIndex.load(con, now, **kwargs)


def visible_ids(index: ApplicationIndex) -> list[int]:
    """The ids of the rows the list shows, in order."""
    return [row.id for row in index.visible]


def visible_companies(index: ApplicationIndex) -> list[str]:
    """The companies of the rows the list shows, in order."""
    return [row.company for row in index.visible]
