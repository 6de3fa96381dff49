"""What the cells of a spreadsheet say: header names, stages, channels, dates, links, people.

Spreadsheets hold free text: "Offer received", "ghosted", "via Hays",
"14.03.2026", "March 14, 2026", "www.example.com/jobs". The functions here read
such a cell and nothing more; no file and no database is involved.
:mod:`services.data.csv_rows` calls :func:`header_key`, :func:`stage_from_text`,
:func:`channel_from_text`, :func:`parse_day`, :func:`normalise_url` and
:func:`split_person` for each row; :mod:`services.data.csv_stream` learns a
column's date order with :class:`SlashOrder`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from email.utils import parseaddr
from functools import lru_cache

from models.values import STAGE_LABELS, Channel, Stage


def header_key(header: str) -> str:
    """A header name reduced to lower-case letters and digits ("Date applied" → "dateapplied")."""
    return "".join(ch for ch in header.lower() if ch.isalnum())


# Checked in order; the first phrase found in the text decides.
_STAGE_PHRASES: list[tuple[str, Stage]] = [
    ("noresponse", Stage.NO_RESPONSE), ("noreply", Stage.NO_RESPONSE),
    ("noanswer", Stage.NO_RESPONSE), ("ghost", Stage.NO_RESPONSE),
    ("neverheard", Stage.NO_RESPONSE), ("nonews", Stage.NO_RESPONSE),
    ("offeraccepted", Stage.ACCEPTED), ("acceptedoffer", Stage.ACCEPTED),
    ("accept", Stage.ACCEPTED), ("hired", Stage.ACCEPTED), ("signed", Stage.ACCEPTED),
    ("offerdeclined", Stage.DECLINED), ("declinedoffer", Stage.DECLINED),
    ("turneddown", Stage.DECLINED), ("idecline", Stage.DECLINED), ("declin", Stage.DECLINED),
    ("reject", Stage.REJECTED), ("notselected", Stage.REJECTED),
    ("unsuccessful", Stage.REJECTED), ("notmovingforward", Stage.REJECTED),
    ("refused", Stage.REJECTED), ("denied", Stage.REJECTED), ("turnedaway", Stage.REJECTED),
    ("withdr", Stage.WITHDRAWN), ("cancel", Stage.WITHDRAWN), ("retract", Stage.WITHDRAWN),
    ("offer", Stage.OFFER),
    ("await", Stage.AWAITING_RESPONSE), ("waiting", Stage.AWAITING_RESPONSE),
    ("pending", Stage.AWAITING_RESPONSE), ("onhold", Stage.AWAITING_RESPONSE),
    ("feedback", Stage.AWAITING_RESPONSE), ("nextsteps", Stage.AWAITING_RESPONSE),
    ("interview", Stage.INTERVIEWING), ("screen", Stage.INTERVIEWING),
    ("onsite", Stage.INTERVIEWING), ("assessment", Stage.INTERVIEWING),
    ("inprogress", Stage.INTERVIEWING), ("inprocess", Stage.INTERVIEWING),
    ("shortlist", Stage.INTERVIEWING), ("call", Stage.INTERVIEWING),
    ("applied", Stage.APPLIED), ("apply", Stage.APPLIED), ("submitted", Stage.APPLIED),
    ("sent", Stage.APPLIED), ("new", Stage.APPLIED),
]


@lru_cache(maxsize=4096)  # a column repeats a few values
def stage_from_text(text: str) -> tuple[Stage, str | None]:
    """The stage a free-text status means, and a note when it had to be guessed.

    "Interviewing", "Offer received", "Rejected", "ghosted"… are recognised;
    an empty cell means Applied; anything else becomes Applied with a note.
    """
    key = header_key(text)
    if not key:
        return Stage.APPLIED, None
    for stage in Stage:
        if key in (header_key(stage.value), header_key(STAGE_LABELS[stage])):
            return stage, None
    for phrase, stage in _STAGE_PHRASES:
        if phrase in key:
            return stage, None
    return Stage.APPLIED, (
        f"the status “{text.strip()[:60]}” is not one the app knows, so it was saved as "
        "Applied"
    )


@lru_cache(maxsize=4096)  # a column repeats a few values
def channel_from_text(text: str) -> str | None:
    """``direct`` or ``agency`` for a free-text "applied through", None when not understood.

    Anything that is not about an agency (a job board, a referral) is None:
    the caller saves it as applied directly and says so.
    """
    key = header_key(text)
    if key in ("", "direct", "directly", "myself", "self", "company", "companywebsite"):
        return Channel.DIRECT.value
    if "agency" in key or "recruit" in key or "staffing" in key:
        return Channel.AGENCY.value
    if "direct" in key:
        return Channel.DIRECT.value
    return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[tT ].*)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\.?(?: .*)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})(?: .*)?$")
_NAMED_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{2}|\d{4})$")
_NAMED_MONTH_FIRST = re.compile(r"^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


class SlashOrder:
    """What the slashed dates of a column, seen one at a time, say about their order."""

    def __init__(self) -> None:
        self.day_first = self.month_first = self.seen = False

    def add(self, value: str) -> None:
        """Look at one cell of the column."""
        match = _SLASHED.match(value.strip())
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            self.seen = True
            self.day_first |= first > 12 >= second
            self.month_first |= second > 12 >= first

    @property
    def order(self) -> str | None:
        """``"dmy"`` or ``"mdy"`` when the dates showed it, else None."""
        if self.day_first and not self.month_first:
            return "dmy"
        if self.month_first and not self.day_first:
            return "mdy"
        return None


def slash_order(values: list[str]) -> str | None:
    """``"dmy"`` or ``"mdy"`` when the slashed dates of a column show their order, else None."""
    found = SlashOrder()
    for value in values:
        found.add(value)
    return found.order


@lru_cache(maxsize=4096)  # a column repeats a few values
def parse_day(text: str, order: str = "dmy") -> date:
    """A date from what a spreadsheet writes; raises ValueError with a sentence.

    ISO (2026-03-14, with or without a time), 14.03.2026, 14/03/2026 (or
    03/14/2026 when ``order`` is ``"mdy"``), 14 March 2026, March 14, 2026,
    14-Mar-26, and spreadsheet serial numbers such as 46095.
    """
    value = text.strip().lower()
    try:
        match = _ISO.match(value)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _DOTTED.match(value)
        if match:
            return date(_year(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = _SLASHED.match(value)
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if order == "mdy":
                first, second = second, first
            return date(_year(match.group(3)), second, first)
        match = _NAMED_DAY_FIRST.match(value)
        if match and match.group(2) in _MONTHS:
            return date(_year(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        match = _NAMED_MONTH_FIRST.match(value)
        if match and match.group(1) in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2)))
        if value.isdigit() and 20000 <= int(value) <= 80000:
            return date(1899, 12, 30) + timedelta(days=int(value))
    except ValueError:
        pass  # an impossible date (31.02.2026): said below like any unreadable one
    raise ValueError(f"“{text.strip()[:40]}” is not a date the app can read; write it as "
                     "2026-03-14")


def normalise_url(value: str) -> str:
    """A link cell trimmed, with ``https://`` before an address written without it
    (``www.example.com/jobs``)."""
    text = value.strip()
    if text and "://" not in text and re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", text):
        return "https://" + text
    return text


def split_person(name: str, email: str) -> tuple[str, str]:
    """"Mira Hoffmann <mira@x.example>" or a bare address in a name cell → (name, email)."""
    if email or "@" not in name:
        return name, email
    display, address = parseaddr(name)
    if address and "@" in address:
        return display, address
    return name, email
