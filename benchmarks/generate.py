"""Fill a Next Steps data folder with a large, realistic, deterministic job search.

Used by the benchmarks (``benchmarks/run.py``) and on its own::

    python benchmarks/generate.py DIR [--applications 100000] [--rounds N] [--interviewers N]

The database is created with the app's own code (:func:`services.core.store.open_store`),
so it has exactly the schema the app expects; rows go in with peewee's
``insert_many`` in chunks inside one transaction. The same seed (and the same
``today``) always gives the same data.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from peewee import fn

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Rows per INSERT statement; well under SQLite's limit of 32,766 bound variables.
CHUNK = 500

COMPANY_HEADS = (
    "Lumen", "Northwind", "Orbit", "Blue Harbor", "Kestrel", "Meridian", "Alder", "Quartz",
    "Silverline", "Brightwave", "Copperleaf", "Fjord", "Helix", "Ironbark", "Juniper",
    "Larkspur", "Nimbus", "Oakridge", "Pinecone", "Redwood", "Saffron", "Tidewater", "Umbra",
    "Vantage", "Willow", "Zephyr", "Amber", "Basalt", "Cobalt", "Driftwood", "Evergreen",
    "Foxglove", "Granite", "Hawthorn", "Indigo", "Jasper", "Keystone", "Lighthouse", "Mosaic",
    "Nordlicht", "Café Müller", "Señora", "Über", "Øresund", "Château", "Zürich", "Kraków",
    "São Paulo", "Malmö", "Ærø",
)
COMPANY_TAILS = (
    "Analytics", "Logistics", "Health", "Labs", "Systems", "Software", "Robotics", "Energy",
    "Payments", "Media", "Foods", "Mobility", "Insurance", "Bank", "Studios", "Networks",
    "Biotech", "Security", "Cloud", "Data", "Games", "Retail", "Travel", "Learning", "Works",
)
COMPANY_FORMS = ("", "", "", "", " GmbH", " AG", " Inc.", " Ltd", " B.V.", " SE", " & Co.")

ROLE_LEVELS = ("", "", "Junior ", "Senior ", "Senior ", "Staff ", "Lead ", "Principal ")
ROLE_NAMES = (
    "Data Engineer", "Platform Engineer", "Backend Developer (Python)", "Frontend Developer",
    "Full-Stack Developer", "Site Reliability Engineer", "DevOps Engineer", "Data Scientist",
    "Machine Learning Engineer", "Product Manager", "UX Designer", "QA Engineer",
    "Security Engineer", "Mobile Developer (iOS)", "Mobile Developer (Android)",
    "Engineering Manager", "Solutions Architect", "Analytics Engineer", "Technical Writer",
    "Database Administrator",
)
FIRST_NAMES = (
    "José", "Zoë", "Søren", "Małgorzata", "Chloé", "François", "Björn", "Ngozi", "Priya", "Wei",
    "Hannah", "Omar", "Greta", "Lukas", "Mira", "Daniel", "Ana", "Sam", "Aoife", "Mateus",
    "Yuki", "Fatima", "Kwame", "Ingrid", "Rafael", "Élodie", "Tomás", "Agnieszka", "Jürgen",
    "Siobhán", "Leilani", "Dmitri", "Noor", "Camille", "Henrik", "Lucía", "Emeka", "Astrid",
)
LAST_NAMES = (
    "Núñez", "Müller", "Ødegaard", "Kowalski", "Dvořák", "O'Brien", "Raman", "Okafor",
    "Haddad", "Lindqvist", "Brandt", "Hoffmann", "Weiss", "Rivera", "García", "Nakamura",
    "Mensah", "Schäfer", "Łukasiewicz", "Fernández", "Chen", "Svensson", "Moreau", "Novak",
    "Papadopoulos", "Kuznetsova", "Costa", "Nguyen", "Björklund", "Ruiz", "Østergaard",
    "Adeyemi", "Schmidt", "Rossi", "Kaur", "Jansen", "Yılmaz", "Horváth",
)
AGENCIES = (
    "Brightpath Talent", "Hays Tech", "Nordic Recruit", "Talentwerk", "Peak People",
    "Harbor Staffing", "Recrutement Étoile", "Kaiser & Partner Personal", "Blue Fern Search",
)
RECRUITER_TITLES = ("Talent Partner", "Recruiter", "Senior Recruiter", "Head of Talent")
INTERVIEWER_TITLES = (
    "Engineering Manager", "Staff Engineer", "Senior Engineer", "Head of Infrastructure",
    "Product Manager", "CTO", "Talent Partner", "Data Scientist", "Team Lead",
    "VP Engineering", "Senior SRE", "Designer", "Product Analyst", "HR Business Partner",
)
ROUND_TITLES = (
    "Phone screen", "Recruiter call", "Technical interview", "Take-home review",
    "System design", "Pair programming", "Panel interview", "Culture fit", "Final round",
    "Meet the team", "Hiring manager interview",
)
TIME_ZONES = (
    "Europe/Berlin", "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Amsterdam",
    "Europe/Stockholm", "America/New_York", "America/Chicago", "America/Los_Angeles",
    "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "UTC",
)
LOCATIONS = (
    "Video call", "Phone", "Video call", "Office, Hafenstraße 12, Hamburg",
    "Office, 5th floor, 221 Canal St, New York", "Rua Augusta 100, Lisboa", "",
)
CLOSING_PHRASES = (
    "", "", "HR will contact you about next steps", "We'll be in touch within a week",
    "We have a few more candidates to see", "Expect feedback from the recruiter",
)
SENTENCES = (
    "Referred by a former colleague from the meetup.",
    "Team of six, hybrid with two office days a week.",
    "The posting mentions on-call once every five weeks.",
    "They use Postgres, Kafka and a lot of Python.",
    "Salary range not in the posting; asked the recruiter.",
    "Remote within the EU, occasional travel to the office.",
    "Follow up with the hiring manager about the take-home.",
    "The product is a scheduling tool for clinics — interesting domain.",
    "Interview process: screen, technical, panel, offer.",
    "Visa sponsorship available according to the recruiter.",
    "Great Glassdoor reviews, but the team is new.",
    "Mentioned the data-contracts talk I gave in Zürich.",
    "Asked about the migration from the monolith; still ongoing.",
    "Need to prepare examples of incident reviews.",
    "Notice period of three months could be a problem.",
)
DISCUSSED = (
    "The migration from nightly batches to streaming",
    "Data contracts and how I test pipelines",
    "Kubernetes upgrades and cost control",
    "Incident reviews and the pager rotation",
    "How the team plans its quarters",
    "My last project and what I would do differently",
    "Career growth and the staff engineer track",
    "The churn dashboard and what analysts need",
    "",
)
SALARY_NOTES = (
    "", "", "", "Asked for €78k; range in the posting €70–82k.", "Range $140–165k + equity.",
    "Offer: €74,000 + 10% bonus.", "Said my expectation is around £65k.",
)

# Stages are chosen by how long ago the user applied: recent ones are mostly still open.
RECENT_WEIGHTS = {
    "applied": 40, "interviewing": 25, "awaiting_response": 15, "offer": 4, "accepted": 1,
    "declined": 1, "rejected": 8, "withdrawn": 2, "no_response": 4,
}
OLD_WEIGHTS = {
    "applied": 4, "interviewing": 2, "awaiting_response": 2, "offer": 1, "accepted": 2,
    "declined": 3, "rejected": 45, "withdrawn": 8, "no_response": 33,
}
#: Possible histories ending in each stage.
PATHS = {
    "applied": (("applied",),),
    "interviewing": (("applied", "interviewing"),),
    "awaiting_response": (("applied", "interviewing", "awaiting_response"),),
    "offer": (("applied", "interviewing", "awaiting_response", "offer"),),
    "accepted": (("applied", "interviewing", "awaiting_response", "offer", "accepted"),),
    "declined": (("applied", "interviewing", "offer", "declined"),),
    "rejected": (
        ("applied", "rejected"),
        ("applied", "interviewing", "rejected"),
        ("applied", "interviewing", "awaiting_response", "rejected"),
    ),
    "withdrawn": (("applied", "withdrawn"), ("applied", "interviewing", "withdrawn")),
    "no_response": (("applied", "no_response"),),
}
_ASCII = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae",
                        "Æ": "Ae", "ı": "i", "'": "", " ": "", "&": "", ".": "", ",": ""})


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return folded.encode("ascii", "ignore").decode("ascii").lower()


def _uid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _email(name: str, domain: str) -> str:
    first, _, last = name.partition(" ")
    return f"{_ascii(first)}.{_ascii(last)}@{domain}"


def _notes(rng: random.Random) -> str:
    count = rng.choice((0, 0, 1, 1, 2, 3, 5, 8, 12))
    return " ".join(rng.choice(SENTENCES) for _ in range(count))


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _next_id(model) -> int:
    return (model.select(fn.MAX(model.id)).scalar() or 0) + 1


def _distribute(rng: random.Random, total: int, owners: list[int]) -> dict[int, int]:
    """Spread ``total`` children over ``owners`` at random (owner id -> count)."""
    counts: dict[int, int] = {}
    if not owners:
        return counts
    for owner in rng.choices(owners, k=total):
        counts[owner] = counts.get(owner, 0) + 1
    return counts


def generate(
    data_dir: Path,
    applications: int = 10_000,
    rounds: int = 20_000,
    interviewers: int = 30_000,
    seed: int = 1,
    *,
    today: date | None = None,
) -> None:
    """Create (or add to) the Next Steps database in ``data_dir`` with realistic rows.

    ``applications`` applications, each with its stage history; ``rounds``
    interview rounds spread over the applications that reached an interview;
    ``interviewers`` interviewers spread over the rounds (each round gets one
    first while there are enough). Dates run over the two years before
    ``today`` (default: the current UTC date). Deterministic for a given seed
    and ``today``. The list's keys are filled, as the app fills them after its start.
    """
    # The app's modules: only once ROOT is on sys.path (above).
    from models.application import Application
    from models.interview import InterviewRound
    from services.core.paths import DataPaths
    from services.core.store import open_store

    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    store = open_store(DataPaths(Path(data_dir)))
    try:
        with store.db.atomic():
            first_app = _next_id(Application)
            first_round = _next_id(InterviewRound)
            made = _applications(rng, today, range(first_app, first_app + applications))
            round_rows = _rounds(rng, today, made, rounds, first_round)
            interviewer_rows = _interviewers(rng, round_rows, made, interviewers)
            _insert(made.applications, made.stage_changes, round_rows, interviewer_rows)
    finally:
        store.close()
    from services.applications.list_keys import connect_for_filling, fill_missing

    con = connect_for_filling(DataPaths(Path(data_dir)))
    try:
        fill_missing(con)
    finally:
        con.close()


@dataclass
class _Applications:
    """The rows of the applications and their stage changes, and what the rounds need."""

    applications: list[tuple] = field(default_factory=list)
    stage_changes: list[tuple] = field(default_factory=list)
    #: The applications whose history went through an interview.
    interviewed: list[int] = field(default_factory=list)
    #: Application id -> (day applied, company's mail domain, stage).
    info: dict[int, tuple[date, str, str]] = field(default_factory=dict)


def _applications(rng: random.Random, today: date, ids: range) -> _Applications:
    """One application per id, with its stage history, applied over the last two years."""
    now = datetime.combine(today, clock(23, 59), tzinfo=UTC)
    stages = list(RECENT_WEIGHTS)
    recent_weights = [RECENT_WEIGHTS[s] for s in stages]
    old_weights = [OLD_WEIGHTS[s] for s in stages]
    made = _Applications()
    for app_id in ids:
        age = rng.randrange(0, 730)
        applied_on = today - timedelta(days=age)
        weights = recent_weights if age < 60 else old_weights
        stage = rng.choices(stages, weights)[0]
        path = rng.choice(PATHS[stage])
        head = rng.choice(COMPANY_HEADS)
        company = f"{head} {rng.choice(COMPANY_TAILS)}{rng.choice(COMPANY_FORMS)}"
        domain = f"{_ascii(head)}.example"
        people = _people(rng, domain)
        created = datetime.combine(applied_on, clock(rng.randrange(7, 22)), tzinfo=UTC)
        changed = _stage_changes(rng, app_id, path, created, now, made.stage_changes)
        if "interviewing" in path:
            made.interviewed.append(app_id)
        made.info[app_id] = (applied_on, domain, stage)
        made.applications.append((
            app_id, _uid(rng), company,
            f"{rng.choice(ROLE_LEVELS)}{rng.choice(ROLE_NAMES)}",
            f"https://careers.{domain}/jobs/{rng.randrange(1000, 99999)}",
            *people,
            stage, rng.choice(SALARY_NOTES), _notes(rng), applied_on, created, changed,
        ))
    return made


def _people(rng: random.Random, domain: str) -> tuple[str, str, str, str, str, str]:
    """Channel, agency, recruiter and their address, contact and their address: one
    application in ten came through an agency; some direct ones name a contact."""
    agency = rng.random() < 0.10
    agency_name = rng.choice(AGENCIES) if agency else ""
    recruiter = _person(rng) if agency else ""
    recruiter_email = _email(recruiter, f"{_ascii(agency_name)}.example") if agency else ""
    contact = _person(rng) if not agency and rng.random() < 0.4 else ""
    return ("agency" if agency else "direct", agency_name, recruiter, recruiter_email,
            contact, _email(contact, domain) if contact else "")


def _stage_changes(rng: random.Random, app_id: int, path: tuple[str, ...], created: datetime,
                   now: datetime, rows: list[tuple]) -> datetime:
    """Add the stage changes along ``path`` to ``rows``; return the last change's time."""
    changed = created
    previous = None
    for step, to_stage in enumerate(path):
        if step:
            changed = min(changed + timedelta(days=rng.randrange(2, 21)), now)
        rows.append((app_id, previous, to_stage, changed,
                     "" if rng.random() < 0.8 else rng.choice(SENTENCES)))
        previous = to_stage
    return changed


def _rounds(rng: random.Random, today: date, made: _Applications, rounds: int,
            first_id: int) -> list[tuple]:
    """``rounds`` rounds for applications that reached an interview (any, if none did)."""
    zones = {name: ZoneInfo(name) for name in TIME_ZONES}
    round_counts = _distribute(rng, rounds, made.interviewed or list(made.info))
    round_rows: list[tuple] = []
    for app_id, count in sorted(round_counts.items()):
        applied_on, _domain, stage = made.info[app_id]
        day = applied_on
        for _ in range(count):
            day += timedelta(days=rng.randrange(3, 15))
            if stage != "interviewing" and day > today:
                day = today - timedelta(days=rng.randrange(0, 5))
            round_rows.append(_round(rng, first_id + len(round_rows), app_id, day, zones))
    return round_rows


def _round(rng: random.Random, round_id: int, app_id: int, day: date,
           zones: dict[str, ZoneInfo]) -> tuple:
    """One round on ``day``, at a local hour in a random zone."""
    zone = rng.choice(TIME_ZONES)
    local = datetime.combine(
        day, clock(rng.randrange(9, 18), rng.choice((0, 15, 30, 45))), tzinfo=zones[zone],
    )
    starts_at = local.astimezone(UTC)
    timeframe = rng.random() < 0.4
    location = rng.choice(LOCATIONS)
    return (
        round_id, _uid(rng), app_id,
        rng.choice(ROUND_TITLES), starts_at, zone,
        rng.choice((30, 45, 60, 60, 90, 120)), location,
        f"https://meet.example.com/{rng.getrandbits(32):08x}"
        if location == "Video call" else "",
        rng.random() < 0.02, rng.choice(CLOSING_PHRASES), timeframe,
        rng.choice((3, 5, 7, 10, 14)) if timeframe else None,
        rng.choice(("days", "business_days", "weeks")) if timeframe else None,
        _notes(rng), None, 0,
        starts_at - timedelta(days=rng.randrange(1, 10)), starts_at,
    )


def _interviewers(rng: random.Random, round_rows: list[tuple], made: _Applications,
                  interviewers: int) -> list[tuple]:
    """Every round gets an interviewer first, then the rest land at random."""
    round_ids = [row[0] for row in round_rows]
    round_domain = {row[0]: made.info[row[2]][1] for row in round_rows}
    rows: list[tuple] = []
    if not round_ids:
        return rows
    if interviewers >= len(round_ids):
        first = set(round_ids)
    else:
        first = set(rng.sample(round_ids, interviewers))
    extra = _distribute(rng, interviewers - len(first), round_ids)
    for round_id in round_ids:
        count = (round_id in first) + extra.get(round_id, 0)
        for position in range(count):
            name = _person(rng)
            rows.append((
                _uid(rng), round_id, position, name,
                rng.choice(INTERVIEWER_TITLES), _email(name, round_domain[round_id]),
                rng.choice(DISCUSSED),
            ))
    return rows


def _insert(app_rows: list[tuple], change_rows: list[tuple], round_rows: list[tuple],
            interviewer_rows: list[tuple]) -> None:
    """Insert the rows in chunks with peewee's ``insert_many``."""
    # The app's modules: only once ROOT is on sys.path (above).
    from models.application import Application, StageChange
    from models.interview import Interviewer, InterviewRound

    tables = (
        (Application, (
            Application.id, Application.uid, Application.company, Application.role,
            Application.posting_url, Application.channel, Application.agency_name,
            Application.recruiter_name, Application.recruiter_email,
            Application.contact_name, Application.contact_email, Application.stage,
            Application.salary_notes, Application.notes, Application.applied_on,
            Application.created_at, Application.updated_at,
        ), app_rows),
        (StageChange, (
            StageChange.application, StageChange.from_stage, StageChange.to_stage,
            StageChange.changed_at, StageChange.note,
        ), change_rows),
        (InterviewRound, (
            InterviewRound.id, InterviewRound.uid, InterviewRound.application,
            InterviewRound.title, InterviewRound.starts_at, InterviewRound.tz_name,
            InterviewRound.duration_minutes, InterviewRound.location,
            InterviewRound.video_link, InterviewRound.cancelled,
            InterviewRound.closing_phrase, InterviewRound.asked_timeframe,
            InterviewRound.timeframe_value, InterviewRound.timeframe_unit,
            InterviewRound.notes, InterviewRound.ical_uid, InterviewRound.ical_sequence,
            InterviewRound.created_at, InterviewRound.updated_at,
        ), round_rows),
        (Interviewer, (
            Interviewer.uid, Interviewer.round, Interviewer.position, Interviewer.name,
            Interviewer.title, Interviewer.email, Interviewer.discussed,
        ), interviewer_rows),
    )
    for model, fields, rows in tables:
        for chunk in _chunks(rows):
            model.insert_many(chunk, fields=fields).execute()


def main(argv: list[str] | None = None) -> int:
    """Command line: generate a data folder and say how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="data folder (created if missing)")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, help="default: 2 per application")
    parser.add_argument("--interviewers", type=int, help="default: 3 per application")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rounds = 2 * args.applications if args.rounds is None else args.rounds
    interviewers = 3 * args.applications if args.interviewers is None else args.interviewers
    started = time.perf_counter()
    generate(args.data_dir, args.applications, rounds, interviewers, args.seed)
    print(f"generated {args.applications} applications, {rounds} rounds, {interviewers} "
          f"interviewers in {args.data_dir} in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
