"""Sample editor forms for the tests of the applications service (tests/applications).

An application using every field, small valid forms, the first problem of a form, and a
dump of every table to compare the database before and after.

The tests import :func:`full_application`, :func:`valid_data`, :func:`with_round`,
:func:`problem_at` and :func:`dump_tables`.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.applications import validation
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def full_application() -> ApplicationData:
    """An application using every field, with rounds in New York, Berlin and no time."""
    return ApplicationData(
        company="Lumen Analytics",
        role="Senior Data Engineer",
        posting_url="https://jobs.lumen-analytics.example/positions/4711",
        channel="agency",
        agency_name="Brightpath Talent",
        recruiter_name="Hannah Okafor",
        recruiter_email="hannah.okafor@brightpath.example",
        contact_name="Mira Hoffmann",
        contact_email="mira.hoffmann@lumen-analytics.example",
        stage="awaiting_response",
        salary_notes="Asked for €78k; range €70–82k.",
        notes="  Referred by Ana.\n  Keep the leading spaces.  ",
        applied_on=date(2026, 8, 10),
        rounds=[
            RoundData(
                title="Technical interview",
                starts_at=datetime(2026, 9, 10, 14, 0, tzinfo=BERLIN),
                tz_name="Europe/Berlin",
                duration_minutes=90,
                location="Kreuzberg office",
                video_link="https://meet.example.com/lum-tech-2041",
                cancelled=False,
                closing_phrase="HR will contact you about next steps",
                signals={"gave_timeframe", "introduced_colleagues", "discussed_start_date"},
                asked_timeframe=True,
                timeframe_value=5,
                timeframe_unit="business_days",
                notes="Whiteboard: streaming migration.",
                interviewers=[
                    InterviewerData(name="José Núñez", title="Engineering Manager",
                                    email="jose.nunez@lumen-analytics.example",
                                    discussed="The migration to streaming"),
                    InterviewerData(name="Priya Raman", title="Staff Data Engineer",
                                    email="priya.raman@lumen-analytics.example",
                                    discussed="Data contracts"),
                ],
            ),
            RoundData(
                title="Phone screen",
                starts_at=datetime(2026, 9, 3, 9, 30, tzinfo=NEW_YORK),
                tz_name="America/New_York",
                duration_minutes=30,
                location="Phone",
                cancelled=True,
                closing_phrase="We'll be in touch soon.",
                signals={"vague_next_steps"},
                asked_timeframe=True,
                timeframe_value=2,
                timeframe_unit="weeks",
                interviewers=[InterviewerData(name="Rachel Kim", title="Recruiter")],
            ),
            RoundData(title="Team lunch, date to be set", tz_name="UTC", duration_minutes=60),
        ],
    )


def dump_tables(db) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by rowid."""
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name").fetchall()]
    return {t: db.execute_sql(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def problem_at(data: ApplicationData, path: str) -> str:
    """The problem ``validate`` reports at ``path`` (the test fails when there is none)."""
    problems = validation.validate(data)
    assert path in problems, problems
    return problems[path]


def valid_data(**extra) -> ApplicationData:
    """The smallest valid form (company and role), with ``extra`` fields."""
    return ApplicationData(company="Acme", role="Engineer", **extra)


def with_round(**extra) -> ApplicationData:
    """A valid form with one round made of ``extra``."""
    return valid_data(rounds=[RoundData(**extra)])
