"""What the tests of kept replies share: a small job search written with the ORM that the
corpus's messages (tests/fixtures/mail_corpus) are about, messages made on the spot, and a
count of the SQL statements a call runs."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from models.application import Application
from models.email import Email
from models.interview import Interviewer, InterviewRound

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "mail_corpus"
PRIYA = "priya.raman@lumen-analytics.com"
#: The thank-you note the app sent to Priya; corpus message 18 answers it.
LUMEN_SENT_ID = "<178914406512.31877.4412093318874123551@posteo.de>"


def corpus(number: int) -> bytes:
    """The raw bytes of the corpus message whose file name starts with ``number``."""
    (path,) = CORPUS.glob(f"{number:02d}_*.eml")
    return path.read_bytes()


@dataclass
class Search:
    """The applications of :func:`add_search`."""

    lumen: Application
    lumen_round: InterviewRound
    kestrel: Application
    kestrel_digital: Application
    meridian: Application
    northwind: Application
    kiln: Application
    greyfield: Application


def add_search() -> Search:
    """Jana Keller's search of autumn 2026, as the corpus's applications.json describes it."""
    lumen = Application.create(company="Lumen Analytics GmbH", role="Senior Data Analyst",
                               stage="awaiting_response", applied_on=date(2026, 10, 12))
    lumen_round = InterviewRound.create(
        application=lumen, title="Hiring manager interview", tz_name="Europe/Berlin",
        starts_at=datetime(2026, 11, 3, 13, 0, tzinfo=UTC))
    priya = Interviewer.create(round=lumen_round, position=0, name="Priya Raman", email=PRIYA)
    Interviewer.create(round=lumen_round, position=1, name="Tom Becker",
                       email="tom.becker@lumen-analytics.com")
    Email.create(application=lumen, round=lumen_round, interviewer=priya, to_name="Priya Raman",
                 to_address=PRIYA, subject="Thank you for today's conversation", state="sent",
                 message_id=LUMEN_SENT_ID, sent_at=datetime(2026, 11, 3, 17, 14, tzinfo=UTC))
    Email.create(application=lumen, to_address=PRIYA, subject="A draft", state="draft",
                 message_id="<draft.1@posteo.de>")
    kestrel = Application.create(company="Kestrel Group", role="Product Manager, Payments",
                                 stage="interviewing", contact_name="Daniel Osei",
                                 contact_email="daniel.osei@kestrelgroup.com")
    digital = Application.create(company="Kestrel Digital", role="UX Researcher",
                                 stage="interviewing", contact_name="Ines Park",
                                 contact_email="ines.park@kestrelgroup.com")
    meridian = Application.create(
        company="Meridian Bank", role="Risk Analyst", stage="awaiting_response",
        channel="agency", agency_name="Harbour & Finch Recruitment", recruiter_name="Chloe Marsh",
        recruiter_email="chloe.marsh@harbourfinch.co.uk")
    panel = InterviewRound.create(application=meridian, title="Panel", tz_name="Europe/London",
                                  starts_at=datetime(2026, 11, 12, 10, 0, tzinfo=UTC))
    Interviewer.create(round=panel, name="Oliver Grant", email="oliver.grant@meridianbank.com")
    northwind = Application.create(company="Northwind Logistics", role="Operations Planner",
                                   stage="applied")
    kiln = Application.create(company="Kiln & Co", role="Data Generalist", stage="applied",
                              contact_name="Ben Adler", contact_email="ben.adler.kiln@gmail.com")
    greyfield = Application.create(company="Greyfield Consulting", role="Analyst",
                                   stage="rejected", contact_name="Sarah Kim",
                                   contact_email="sarah.kim@greyfield.com")
    return Search(lumen, lumen_round, kestrel, digital, meridian, northwind, kiln, greyfield)


def message(body: str = "Thank you for your patience.", *,
            sender: str | None = f"Priya Raman <{PRIYA}>", subject: str = "Quick update",
            message_id: str | None = "<made.1@lumen-analytics.com>",
            date_header: str | None = "Mon, 16 Nov 2026 10:00:00 +0100",
            headers: str = "", content_type: str = "text/plain; charset=utf-8") -> bytes:
    """A plain message; each header left out when given as None."""
    lines = [f"From: {sender}" if sender is not None else "",
             "To: Jana Keller <jana.keller@posteo.de>",
             f"Subject: {subject}",
             f"Date: {date_header}" if date_header is not None else "",
             f"Message-ID: {message_id}" if message_id is not None else "",
             headers.strip("\r\n"), "MIME-Version: 1.0", f"Content-Type: {content_type}"]
    head = "\r\n".join(line for line in lines if line)
    return f"{head}\r\n\r\n{body}\r\n".encode("utf-8", "surrogateescape")


@contextmanager
def counted_queries():
    """The SQL statements peewee runs inside the block (it logs each one at DEBUG)."""
    found: list[str] = []

    class Counter(logging.Handler):
        def emit(self, record):
            found.append(str(record.msg))

    logger = logging.getLogger("peewee")
    handler, level = Counter(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
