"""A realistic 10,000-message mailbox for the inbox benchmarks (``benchmarks/inbox_bench.py``).

:func:`mailbox` yields the raw messages: the labelled corpus
(``tests/fixtures/mail_corpus``, 109 messages) spread at random among other mail
a job seeker gets: newsletters (text and HTML, quoted-printable), shop receipts,
personal mail, notifications from services (code hosting, bank, parcels,
calendar), job alerts from job boards, and confirmations from applicant-tracking
systems about companies the user has no application for (these pass the sieve
and go through matching, the slow path). Every message has its own Message-ID
and a size between 2 and 40 KB; :data:`ATTACHMENT_SHARE` of them carry a 1-5 MB
PDF attachment, so the pass's large-message path (header and text parts only)
runs. The same seed always gives the same mailbox.
"""

from __future__ import annotations

import base64
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from quopri import encodestring

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "fixtures" / "mail_corpus"
TOTAL = 10_000
#: Share of the other mail with a 1-5 MB attachment.
ATTACHMENT_SHARE = 0.02
#: The sizes drawn (log-uniform); what comes out lies between 2 and 40 KB.
MIN_BYTES, MAX_BYTES = 2600, 38 * 1024
SHORT_BYTES = 6 * 1024
USER = "Jana Keller <jana.keller@posteo.de>"

#: The words of the made-up sentences.
WORDS = (
    "the a of to and in for on with about your our this that week new update team project "
    "order account delivery time plan next meeting notes share review today tomorrow offer "
    "price member discount article story data report city weather garden trip family photo "
    "dinner weekend concert ticket library course lesson market travel hotel train booking "
    "schedule invoice payment balance statement reminder release feature comment issue pull "
    "request branch build merge change thanks please would could should will can may again "
    "later soon great good nice lovely really quite just also still already never always"
)
NEWSLETTERS = (("The Morning Brief", "news@morningbrief.news"),
               ("Gardening Monthly", "hello@gardeningmonthly.co.uk"),
               ("Städtische Bibliothek", "newsletter@stadtbibliothek-lindenau.de"),
               ("Data Weekly", "issue@dataweekly.io"),
               ("Trail Runner", "team@trailrunner-mag.com"),
               ("Kochbox", "rezepte@kochbox.de"))
SHOPS = (("Bücherstube", "bestellung@buecherstube.de"),
         ("Nordic Outdoor", "orders@nordicoutdoor.eu"),
         ("ElektroMarkt", "service@elektromarkt-shop.de"),
         ("Tea & Leaf", "orders@teaandleaf.co.uk"))
FRIENDS = (("Mira Hoffmann", "mira.hoffmann@gmail.com"), ("Paul Richter", "paul.richter@web.de"),
           ("Lea Schulz", "lea.schulz@posteo.de"), ("Sam O'Neill", "sam.oneill@outlook.com"),
           ("Mama", "ute.keller@t-online.de"), ("Jonas Brandl", "jonas.brandl@gmx.de"))
SERVICES = (("GitHub", "notifications@github.com", "[jkeller/dashboards] New comment on #{n}"),
            ("Sparkasse", "info@sparkasse-lindenau.de", "Ihr Kontoauszug {n} ist da"),
            ("DHL Paket", "noreply@dhl.de", "Ihre Sendung {n} kommt heute"),
            ("Google Calendar", "calendar-notification@google.com", "Reminder: Yoga at 18:00"),
            ("Deutsche Bahn", "buchungsbestaetigung@bahn.de", "Ihre Buchung {n}"),
            ("Stadtwerke Birkenfeld", "kundenservice@stadtwerke-birkenfeld.de",
             "Ihre Abschlagsrechnung {n}"))
JOB_BOARDS = (("LinkedIn Job Alerts", "jobalerts-noreply@linkedin.com"),
              ("Indeed", "alert@indeed.com"), ("StepStone Jobagent", "jobagent@stepstone.de"))
ATS = (("no-reply@greenhouse-mail.io", "Thank you for applying to {c}"),
       ("no-reply@hire.lever.co", "{c}: we received your application"),
       ("noreply@candidates.workablemail.com", "Your application to {c}"),
       ("no-reply@personio.de", "Ihre Bewerbung bei {c}"))
#: Companies the corpus has no application for (so nothing is kept from their mail).
OTHER_COMPANIES = ("Zephyr Cloud", "Basalt Payments", "Granite Mobility", "Foxglove Studios",
                   "Amberline Retail", "Jasper Biotech", "Cobalt Travel", "Hawthorn Media")
_KINDS = (("newsletter", 30), ("receipt", 12), ("personal", 15), ("service", 33),
          ("job_alert", 6), ("ats", 4))


class _Sentences:
    """A pool of made-up sentences to fill bodies with (picking is cheaper than composing)."""

    def __init__(self, rng: random.Random, count: int = 3000) -> None:
        self.pool = []
        words = WORDS.split()
        for _ in range(count):
            sentence = " ".join(rng.choices(words, k=rng.randrange(8, 22))).capitalize() + "."
            self.pool.append(sentence + ("\n\n" if rng.random() < 0.2 else " "))
        self.mean = sum(len(s) for s in self.pool) / count

    def text(self, rng: random.Random, size: int) -> str:
        """Paragraphs of about ``size`` characters."""
        return "".join(rng.choices(self.pool, k=max(1, round(size / self.mean))))


def _headers(sender: str, subject: str, message_id: str, date: datetime, extra: str = "") -> str:
    return (f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\n"
            f"Date: {format_datetime(date)}\r\nMessage-ID: {message_id}\r\n{extra}"
            "MIME-Version: 1.0\r\n")


def _plain(text: str) -> str:
    return ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + text.replace("\n", "\r\n") + "\r\n")


def _html(text: str) -> str:
    paragraphs = "".join(f"<p style=\"margin:0 0 12px\">{p}</p>\n" for p in text.split("\n\n"))
    page = (f"<!DOCTYPE html><html><body><table width=\"600\"><tr><td>{paragraphs}"
            "</td></tr></table><p><a href=\"https://example.org/unsubscribe\">Unsubscribe</a>"
            "</p></body></html>")
    body = encodestring(page.encode("utf-8")).decode("ascii")
    return ("Content-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            + body.replace("\n", "\r\n") + "\r\n")


def _multipart(subtype: str, parts: list[str], boundary: str) -> str:
    inner = "".join(f"--{boundary}\r\n{part}" for part in parts)
    return (f"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n"
            f"{inner}--{boundary}--\r\n")


class _Attachments:
    """Base64 lines of one random blob, cut to the sizes asked for (cheap to make)."""

    def __init__(self, rng: random.Random) -> None:
        blob = rng.randbytes(5 * 1024 * 1024)
        encoded = base64.encodebytes(blob)
        self.lines = encoded.replace(b"\n", b"\r\n").decode("ascii")

    def part(self, rng: random.Random, number: int) -> str:
        size = rng.randrange(1024 * 1024, 5 * 1024 * 1024)
        cut = self.lines[: (size * 4 // 3) // 78 * 78]
        return (f"Content-Type: application/pdf; name=\"document-{number}.pdf\"\r\n"
                "Content-Transfer-Encoding: base64\r\n"
                f"Content-Disposition: attachment; filename=\"document-{number}.pdf\"\r\n\r\n"
                + cut)


def _content(rng: random.Random, kind: str, number: int) -> tuple[str, str, str, str]:
    """(sender, subject, extra headers, text) of one message of ``kind``."""
    if kind == "newsletter":
        name, address = rng.choice(NEWSLETTERS)
        return (f"{name} <{address}>", f"{name} · Issue {number % 300}",
                f"List-Id: <list.{address.split('@')[1]}>\r\nList-Unsubscribe: "
                f"<https://{address.split('@')[1]}/u/{number}>\r\nPrecedence: bulk\r\n", "")
    if kind == "receipt":
        name, address = rng.choice(SHOPS)
        return f"{name} <{address}>", f"Ihre Bestellung Nr. {100000 + number}", "", ""
    if kind == "personal":
        name, address = rng.choice(FRIENDS)
        subject = rng.choice(("Sunday?", "Fotos vom Wochenende", "Re: dinner", "Quick question",
                              "Geburtstag", "Re: Re: the trip"))
        return f"{name} <{address}>", subject, "", "Hi Jana,\n\n"
    if kind == "service":
        name, address, subject = rng.choice(SERVICES)
        return (f"{name} <{address}>", subject.format(n=number),
                "Auto-Submitted: auto-generated\r\n", "")
    if kind == "job_alert":
        name, address = rng.choice(JOB_BOARDS)
        return (f"{name} <{address}>", f"{rng.randrange(3, 40)} new jobs for \"Data Analyst\"",
                "Precedence: bulk\r\n", "")
    address, subject = rng.choice(ATS)
    company = rng.choice(OTHER_COMPANIES)
    return (f"{company} <{address}>", subject.format(c=company), "",
            f"Dear Jana,\n\nthank you for your interest in {company}. We have received your "
            "application and will review it carefully.\n\n")


def other_message(rng: random.Random, number: int, now: datetime, sentences: _Sentences,
                  attachments: _Attachments) -> bytes:
    """One message that is not about any application."""
    kind = rng.choices([k for k, _ in _KINDS], [w for _, w in _KINDS])[0]
    sender, subject, extra, opening = _content(rng, kind, number)
    domain = sender.rsplit("@", 1)[1].rstrip(">")
    message_id = f"<{number}.{rng.getrandbits(48):012x}@{domain}>"
    date = now - timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
    # An applicant-tracking system's confirmation is short, as real ones are.
    top = SHORT_BYTES if kind == "ats" else MAX_BYTES
    size = int(MIN_BYTES * (top / MIN_BYTES) ** rng.random())
    head = _headers(sender, subject, message_id, date, extra)
    if kind in ("newsletter", "receipt"):
        text = opening + sentences.text(rng, size // 3)
        body = _multipart("alternative", [_plain(text), _html(text)], f"alt-{number}")
    else:
        body = _plain(opening + sentences.text(rng, max(size - len(head) - 200, 200)))
    if rng.random() < ATTACHMENT_SHARE:
        body = _multipart("mixed", [body, attachments.part(rng, number)], f"mix-{number}")
    return (head + body).encode("utf-8")


def corpus_messages() -> list[bytes]:
    """The raw bytes of every labelled corpus message, by file name."""
    return [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]


def mailbox(total: int = TOTAL, seed: int = 14, now: datetime | None = None) -> Iterator[bytes]:
    """``total`` raw messages: the corpus at random places among other mail (see the module)."""
    rng = random.Random(seed)
    now = now or datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    corpus = corpus_messages()
    slots = set(rng.sample(range(total), len(corpus)))
    sentences, attachments = _Sentences(rng), _Attachments(rng)
    corpus_iter = iter(corpus)
    for number in range(total):
        if number in slots:
            yield next(corpus_iter)
        else:
            yield other_message(rng, number, now, sentences, attachments)
