"""A realistic sample job search for ``--demo``, placed relative to today in Berlin.

Sam Rivera, the demo's user, lives in Berlin; every date is relative to
Berlin's today, and nothing depends on the hour: the reminder that shows how
missed reminders look was due yesterday evening, whenever the demo is made.

``--demo``, ``--self-test`` and the screenshot tools call :func:`is_empty` and
:func:`fill_demo`; each sample application is one small function below. The replies the
companies sent (:mod:`services.data.demo_replies`) are read like mail from the mailbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from models import clock
from models.application import Application, Channel, Offer, Stage, StageChange
from models.base import database_proxy
from models.email import Email, EmailState
from models.interview import Interviewer, InterviewRound, RoundSignal, TimeframeUnit
from models.reminder import Reminder
from services.core import settings
from services.data.demo_replies import add_replies

USER_ZONE = "Europe/Berlin"


def is_empty() -> bool:
    """True when the data folder holds no application yet."""
    return not Application.select().exists()


def _at(day: date, hour: int, minute: int = 0, zone: str = USER_ZONE) -> datetime:
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def _history(app: Application, stages: list[Stage], start: date) -> None:
    previous = None
    for step, stage in enumerate(stages):
        StageChange.create(
            application=app,
            from_stage=previous,
            to_stage=stage.value,
            changed_at=_at(start + timedelta(days=4 * step), 9),
        )
        previous = stage.value


def _round(app, title, when, people, *, zone=USER_ZONE, signals=(), timeframe=None, **extra):
    rnd = InterviewRound.create(
        application=app,
        title=title,
        starts_at=when,
        tz_name=zone,
        timeframe_value=timeframe[0] if timeframe else None,
        timeframe_unit=timeframe[1].value if timeframe else None,
        asked_timeframe=timeframe is not None,
        **extra,
    )
    for position, (name, job_title, email, discussed) in enumerate(people):
        Interviewer.create(
            round=rnd, position=position, name=name, title=job_title, email=email,
            discussed=discussed,
        )
    for signal in signals:
        RoundSignal.create(round=rnd, signal=signal)
    return rnd


#: The demo's calendar: days from today (negative: in the past) → that date.
Days = Callable[[int], date]
#: The closing phrase the demo's interviews ended with.
_HR_PHRASE = "HR will contact you about next steps"


def fill_demo(today: date | None = None) -> int:
    """Fill an empty database with a sample search; return how many applications were added."""
    today = today or clock.today(ZoneInfo(USER_ZONE))

    def d(days: int) -> date:
        return today + timedelta(days=days)

    with database_proxy.atomic():
        settings.put("user.name", "Sam Rivera")
        settings.put("user.signature", "Sam Rivera\n+49 30 1234 5678\nlinkedin.com/in/samrivera")
        lumen = _lumen(d)
        _northwind(d)
        _orbit(d)
        kestrel = _kestrel(d)
        _quill(d)
        _short_applications(d)
        _thank_you_sent(d, lumen)
        _own_reminders(d, kestrel)
        add_replies(lambda days, hour, minute=0: _at(d(days), hour, minute))
    return Application.select().count()


def _lumen(d: Days) -> Application:
    """Waiting after a technical interview with three people, a thank-you note sent."""
    lumen = Application.create(
        company="Lumen Analytics", role="Senior Data Engineer",
        posting_url="https://jobs.lumen-analytics.example/positions/4711",
        stage=Stage.AWAITING_RESPONSE.value, applied_on=d(-24),
        salary_notes="Asked for €78k; range in the posting €70–82k.",
        notes="Referred by Ana from the meetup. Team of 6, hybrid (2 days in Kreuzberg).",
        contact_name="Mira Hoffmann", contact_email="mira.hoffmann@lumen-analytics.example",
    )
    _history(lumen, [Stage.APPLIED, Stage.INTERVIEWING, Stage.AWAITING_RESPONSE], d(-24))
    _round(lumen, "Phone screen", _at(d(-14), 10), [
        ("Mira Hoffmann", "Talent Partner", "mira.hoffmann@lumen-analytics.example",
         "Relocation, notice period, why data engineering"),
    ], signals=["explained_next_steps"], duration_minutes=30, location="Phone")
    _round(lumen, "Technical interview", _at(d(-2), 14), [
        ("José Núñez", "Engineering Manager", "jose.nunez@lumen-analytics.example",
         "The migration from nightly batches to streaming, and on-call"),
        ("Priya Raman", "Staff Data Engineer", "priya.raman@lumen-analytics.example",
         "Data contracts and how I test pipelines"),
        ("Lukas Brandt", "Product Analyst", "lukas.brandt@lumen-analytics.example",
         "The churn dashboard and what analysts need from the platform"),
    ], closing_phrase=_HR_PHRASE, signals=["gave_timeframe", "introduced_colleagues",
                                          "discussed_start_date"],
       timeframe=(5, TimeframeUnit.BUSINESS_DAYS), duration_minutes=90,
       video_link="https://meet.example.com/lum-tech-2041")
    return lumen


def _northwind(d: Days) -> Application:
    """Waiting after a panel interview that came through a staffing agency."""
    northwind = Application.create(
        company="Northwind Logistics", role="Platform Engineer",
        posting_url="https://careers.northwind.example/jobs/platform-engineer",
        channel=Channel.AGENCY.value, agency_name="Brightpath Talent",
        recruiter_name="Hannah Okafor", recruiter_email="hannah.okafor@brightpath.example",
        stage=Stage.AWAITING_RESPONSE.value, applied_on=d(-20),
        notes="Through Brightpath; Hannah handles all contact with Northwind.",
    )
    _history(northwind, [Stage.APPLIED, Stage.INTERVIEWING, Stage.AWAITING_RESPONSE], d(-20))
    _round(northwind, "Panel interview", _at(d(-5), 11), [
        ("Greta Lindqvist", "Head of Infrastructure", "greta.lindqvist@northwind.example",
         "Kubernetes upgrades and cost control"),
        ("Omar Haddad", "Senior SRE", "omar.haddad@northwind.example",
         "Incident reviews and the pager rotation"),
    ], closing_phrase=_HR_PHRASE, signals=["vague_next_steps", "little_say"],
       duration_minutes=60, location="Northwind office, Hafenstraße 12, Hamburg")
    return northwind


def _orbit(d: Days) -> Application:
    """An offer whose deadline is four days away."""
    orbit = Application.create(
        company="Orbit Health", role="Backend Developer (Python)",
        posting_url="https://orbithealth.example/careers/backend-python",
        stage=Stage.OFFER.value, applied_on=d(-35),
        salary_notes="Offer: €74,000 + 10% bonus.",
        contact_name="Daniel Weiss", contact_email="daniel.weiss@orbithealth.example",
    )
    _history(orbit, [Stage.APPLIED, Stage.INTERVIEWING, Stage.OFFER], d(-35))
    _round(orbit, "Final interview", _at(d(-9), 15), [
        ("Daniel Weiss", "CTO", "daniel.weiss@orbithealth.example",
         "Their HIPAA audit and the team's roadmap"),
        ("Sofia Costa", "Backend Lead", "sofia.costa@orbithealth.example",
         "Async Python and the billing service"),
    ], closing_phrase="We'd like to move quickly.",
       signals=["explained_next_steps", "asked_references", "discussed_start_date"],
       timeframe=(1, TimeframeUnit.WEEKS), duration_minutes=75, location="Video call")
    Offer.create(
        application=orbit, received_on=d(-3), deadline_at=_at(d(4), 17),
        deadline_tz=USER_ZONE, amount=Decimal("74000.00"), currency="EUR",
        notes="Start date flexible; equity details to follow.",
    )
    return orbit


def _kestrel(d: Days) -> Application:
    """An interview tomorrow morning."""
    kestrel = Application.create(
        company="Kestrel Robotics", role="Software Engineer, Tooling",
        posting_url="https://kestrel-robotics.example/jobs/tooling",
        stage=Stage.INTERVIEWING.value, applied_on=d(-12),
    )
    _history(kestrel, [Stage.APPLIED, Stage.INTERVIEWING], d(-12))
    _round(kestrel, "Pairing session", _at(d(1), 9, 30), [
        ("Ines Moreau", "Tooling Lead", "ines.moreau@kestrel-robotics.example", ""),
        ("Felix Wagner", "Software Engineer", "felix.wagner@kestrel-robotics.example", ""),
    ], duration_minutes=120, video_link="https://zoom.example.com/j/88812345")
    return kestrel


def _quill(d: Days) -> Application:
    """An interview next week in another time zone (New York)."""
    quill = Application.create(
        company="Quill & Ledger", role="Python Developer",
        stage=Stage.INTERVIEWING.value, applied_on=d(-9),
        posting_url="https://quill-ledger.example/careers",
    )
    _history(quill, [Stage.APPLIED, Stage.INTERVIEWING], d(-9))
    _round(quill, "Hiring manager call", _at(d(6), 16, zone="America/New_York"), [
        ("Rachel Kim", "Director of Engineering", "rachel.kim@quill-ledger.example", ""),
    ], zone="America/New_York", duration_minutes=45, video_link="https://teams.example.com/l/q")
    return quill


#: The applications with nothing but a stage: company, role, stage, days since applying.
_SHORT_APPLICATIONS = (
    ("Atlas Mobility", "Data Platform Engineer", Stage.APPLIED, -3),
    ("Fjord Energy", "Backend Engineer", Stage.APPLIED, -6),
    ("Pine & Co.", "Analytics Engineer", Stage.APPLIED, -1),
    ("Helix Bio", "Software Engineer", Stage.REJECTED, -40),
    ("Marigold Media", "Data Engineer", Stage.NO_RESPONSE, -50),
    ("Cobalt Bank", "Python Engineer", Stage.WITHDRAWN, -30),
    ("Tern Travel", "Senior Backend Engineer", Stage.APPLIED, -10),
)


def _short_applications(d: Days) -> None:
    """The :data:`_SHORT_APPLICATIONS`, each with its history (applied, then its stage)."""
    for company, role, stage, days in _SHORT_APPLICATIONS:
        app = Application.create(company=company, role=role, stage=stage.value,
                                 applied_on=d(days))
        path = [Stage.APPLIED] if stage == Stage.APPLIED else [Stage.APPLIED, stage]
        _history(app, path, d(days))


def _thank_you_sent(d: Days, lumen: Application) -> None:
    """The thank-you note sent to José after Lumen's technical interview."""
    lumen_round = lumen.rounds.order_by(InterviewRound.starts_at.desc()).first()
    jose = lumen_round.interviewers.order_by(Interviewer.position).first()
    Email.create(
        application=lumen, round=lumen_round, interviewer=jose,
        template_key="thank_you", to_name=jose.name, to_address=jose.email,
        subject="Thank you for today's conversation",
        body="Dear José,\n\nThank you for walking me through the streaming migration...",
        state=EmailState.SENT.value, message_id="<demo-1@nextsteps.local>",
        sent_at=_at(d(-2), 18),
    )


def _own_reminders(d: Days, kestrel: Application) -> None:
    """The user's own reminders: one missed yesterday evening, one in three days."""
    Reminder.create(
        key="custom:demo-portfolio", kind="custom", custom=True, application=kestrel,
        due_at=_at(d(-1), 20), text="Push the tooling demo repo before the pairing session",
    )
    Reminder.create(
        key="custom:demo-meetup", kind="custom", custom=True,
        due_at=_at(d(3), 19), text="PyData meetup: talk to two people about open roles",
    )
