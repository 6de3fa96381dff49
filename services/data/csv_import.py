"""Applications to and from CSV: the columns, free-text stages and dates, and the import.

The import maps the header names spreadsheets commonly use (case, spaces and
punctuation do not matter), checks every row with the editor's own
:func:`services.applications.editing.validate`, and reports each row: imported,
updated, skipped (empty) or rejected with the reason. A file is imported all
or nothing, unless ``valid_rows_only`` asks for the valid rows alone; either
way the writing is one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

from models.values import STAGE_LABELS, Channel, Stage
from services.applications import editing as applications
from services.data.csv_files import restore_cell, write_csv

# -- columns ------------------------------------------------------------------------------------

#: The columns written by the export, in order: header → field.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("Company", "company"),
    ("Role", "role"),
    ("Stage", "stage"),
    ("Date applied", "applied_on"),
    ("Link", "posting_url"),
    ("Applied through", "channel"),
    ("Agency", "agency_name"),
    ("Agency recruiter", "recruiter_name"),
    ("Agency recruiter email", "recruiter_email"),
    ("Contact", "contact_name"),
    ("Contact email", "contact_email"),
    ("Salary notes", "salary_notes"),
    ("Notes", "notes"),
    ("Created", "created_at"),
    ("Updated", "updated_at"),
    ("Next Steps ID", "uid"),
]

# Header names (letters and digits only, lower case) → field. "person" and
# "person_email" go to the contact, or to the agency recruiter for an agency row.
_ALIASES: dict[str, tuple[str, ...]] = {
    "company": ("company", "companyname", "employer", "organisation", "organization", "firm"),
    "role": ("role", "title", "position", "jobtitle", "job", "positiontitle", "roletitle",
             "jobrole", "jobposition"),
    "stage": ("status", "stage", "applicationstatus", "applicationstage", "currentstatus",
              "state"),
    "applied_on": ("dateapplied", "applied", "appliedon", "date", "applicationdate",
                   "applieddate", "dateofapplication", "submitted", "datesubmitted",
                   "appliedat"),
    "posting_url": ("link", "url", "posting", "postingurl", "joblink", "joburl",
                    "postinglink", "jobposting", "website"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "person": ("contactname", "contactperson", "hrcontact", "recruiter", "recruitername",
               "hiringmanager"),
    "person_email": ("email", "emailaddress", "recruiteremail", "contactemailaddress"),
    "agency_name": ("agency", "agencyname", "staffingagency", "recruitmentagency"),
    "recruiter_name": ("agencyrecruiter", "agencycontact"),
    "recruiter_email": ("agencyrecruiteremail", "agencycontactemail", "agencyemail"),
    "contact_name": (),
    "contact_email": (),
    "channel": ("appliedthrough", "appliedvia", "channel", "via"),
    "salary_notes": ("salary", "salarynotes", "compensation", "pay", "salaryexpectation",
                     "salaryrange"),
    "uid": ("nextstepsid",),
}
_IGNORED_QUIETLY = frozenset({"created", "updated", "createdat", "updatedat", "lastupdated"})
_HEADER_TO_FIELD = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
# The export's own "Contact" columns are the company-side contact, whatever the channel.
_EXACT = {"contact": "contact_name", "contactemail": "contact_email"}


def header_key(header: str) -> str:
    """A header name reduced to lower-case letters and digits ("Date applied" → "dateapplied")."""
    return "".join(ch for ch in header.lower() if ch.isalnum())


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → field, and the headers that were not used (in order)."""
    mapping: dict[int, str] = {}
    unused: list[str] = []
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = header_key(restore_cell(header))
        name = _EXACT.get(key) or _HEADER_TO_FIELD.get(key)
        if name is None or name in taken:
            if key and key not in _IGNORED_QUIETLY:
                unused.append(header.strip())
            continue
        mapping[index] = name
        taken.add(name)
    return mapping, unused


# -- free text --------------------------------------------------------------------------------

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
        pass
    raise ValueError(f"“{text.strip()[:40]}” is not a date the app can read; write it as "
                     "2026-03-14")


def _normalise_url(value: str) -> str:
    text = value.strip()
    if text and "://" not in text and re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", text):
        return "https://" + text
    return text


def _split_person(name: str, email: str) -> tuple[str, str]:
    """"Mira Hoffmann <mira@x.example>" or a bare address in a name cell → (name, email)."""
    if email or "@" not in name:
        return name, email
    display, address = parseaddr(name)
    if address and "@" in address:
        return display, address
    return name, email


# -- reports ----------------------------------------------------------------------------------

IMPORTED = "imported"
UPDATED = "updated"
REJECTED = "rejected"
SKIPPED = "skipped"


#: Rows of each status a report lists; the others are counted (a file of a million bad
#: rows must not become a million lines held in memory).
LISTED_ROWS = 1000


@dataclass(frozen=True, slots=True)
class RowReport:
    """What happened to one row (or, with ``last_row``, to a run of empty rows): its number
    as the spreadsheet shows it, status and why."""

    row: int
    status: str
    message: str = ""
    company: str = ""
    last_row: int = 0

    def line(self) -> str:
        """The row as one line of the report."""
        what = f" “{self.company[:60]}”" if self.company else ""
        rows = (f"rows {self.row}–{self.last_row}" if self.last_row > self.row
                else f"row {self.row}")
        text = f"{rows}: {self.status}{what}"
        return f"{text}: {self.message}" if self.message else text


@dataclass
class CsvImportResult:
    """What a CSV import did, row by row: ``rows`` lists up to :data:`LISTED_ROWS` rows of
    each status, in the file's order; ``counts`` counts every row."""

    path: Path | None
    encoding: str
    delimiter: str
    rows: list[RowReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        """How many rows ended with ``status``."""
        if self.counts:
            return self.counts.get(status, 0)
        return sum(1 for report in self.rows if report.status == status)

    def unlisted(self, status: str) -> int:
        """How many rows with ``status`` the report counts but does not list."""
        listed = sum(max(1, report.last_row - report.row + 1) for report in self.rows
                     if report.status == status)
        return max(0, self.count(status) - listed)

    def summary(self) -> str:
        """One line for the user."""
        text = f"{self.count(IMPORTED)} applications imported"
        if self.count(UPDATED):
            text += f", {self.count(UPDATED)} updated"
        if self.count(REJECTED):
            text += f", {self.count(REJECTED)} rows rejected"
        return text + f" (read as {self.encoding}, separated by {_sep(self.delimiter)})"


def _sep(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs"}.get(delimiter, repr(delimiter))


# -- export -----------------------------------------------------------------------------------


def export_applications_csv(path: Path) -> int:
    """Write every application to ``path`` as CSV (see :data:`EXPORT_COLUMNS`); return the count."""
    from models.application import Application

    rows = []
    for app in Application.select().order_by(Application.id):
        row = []
        for _header, name in EXPORT_COLUMNS:
            value = getattr(app, name)
            if name == "stage":
                value = STAGE_LABELS.get(value, value)
            elif name == "channel":
                value = "Staffing agency" if value == Channel.AGENCY.value else "Directly"
            elif name in ("created_at", "updated_at", "applied_on"):
                value = value.isoformat() if value else ""
            row.append("" if value is None else str(value))
        rows.append(row)
    write_csv(Path(path), [header for header, _name in EXPORT_COLUMNS], rows)
    return len(rows)


# -- import -----------------------------------------------------------------------------------

_UID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_CELL = 100_000
_HEADERS_BY_FIELD = {name: header for header, name in EXPORT_COLUMNS}
_DATA_FIELDS = {f.name for f in fields(applications.ApplicationData)}


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    data: applications.ApplicationData | None = None
    given: set[str] = field(default_factory=set)
    uid: str = ""
    existing_id: int | None = None
    problem: str = ""
    notes: list[str] = field(default_factory=list)


def _problem_sentence(key: str, sentence: str, headers: dict[str, str]) -> str:
    column = headers.get(key.split(".", 1)[0].split("[", 1)[0])
    return f"{column}: {sentence}" if column else sentence


_PLAIN_FIELDS = ("company", "role", "notes", "salary_notes", "agency_name", "recruiter_name",
                 "recruiter_email", "contact_name", "contact_email")


def _build_row(row: _Row, headers: dict[str, str], order: str | None) -> None:
    """Turn a row's cells into editor data, or set ``row.problem`` to the reason it cannot be."""
    values = row.values
    for name, text in values.items():
        if len(text) > _MAX_CELL:
            row.problem = (f"{headers.get(name, name)}: the cell is {len(text):,} characters "
                           f"long; at most {_MAX_CELL:,} are allowed.")
            return
    if not values.get("company", "").strip():
        row.problem = "The company is empty; every application needs one."
        return
    if not values.get("role", "").strip():
        row.problem = "The role is empty; every application needs one."
        return
    data = applications.ApplicationData()
    given = {name for name in _PLAIN_FIELDS if name in values}
    for name in given:
        setattr(data, name, values[name])
    if "posting_url" in values:
        data.posting_url = _normalise_url(values["posting_url"])
        given.add("posting_url")
    if "stage" in values:
        stage, note = stage_from_text(values["stage"])
        data.stage = stage.value
        given.add("stage")
        if note:
            row.notes.append(note)
    channel_text = values.get("channel", "")
    channel = channel_from_text(channel_text)
    if channel is None:
        channel = Channel.DIRECT.value
        row.notes.append(f"“{channel_text.strip()[:40]}” was read as applied directly")
    if not channel_text.strip() and data.agency_name.strip():
        channel = Channel.AGENCY.value
    data.channel = channel
    if "channel" in values or "agency_name" in values:
        given.add("channel")
    person, person_email = _split_person(values.get("person", "").strip(),
                                         values.get("person_email", "").strip())
    agency = data.channel == Channel.AGENCY.value
    name_field, email_field = (("recruiter_name", "recruiter_email") if agency
                               else ("contact_name", "contact_email"))
    if "person" in values and not getattr(data, name_field):
        setattr(data, name_field, person)
        given.add(name_field)
    wants_email = "person_email" in values or "person" in values
    if wants_email and not getattr(data, email_field):
        setattr(data, email_field, person_email)
        given.add(email_field)
    data.contact_name, data.contact_email = _split_person(data.contact_name, data.contact_email)
    data.recruiter_name, data.recruiter_email = _split_person(data.recruiter_name,
                                                              data.recruiter_email)
    day = values.get("applied_on", "").strip()
    if "applied_on" in values:
        given.add("applied_on")
    if day:
        try:
            data.applied_on = parse_day(day, order or "dmy")
        except ValueError as exc:
            row.problem = f"{headers.get('applied_on', 'Date applied')}: {exc}."
            return
    uid = values.get("uid", "").strip()
    if uid and not _UID.match(uid):
        row.problem = (f"{headers.get('uid', 'Next Steps ID')}: “{uid[:40]}” is not an ID "
                       "the app wrote.")
        return
    row.uid = uid
    problems = applications.validate(data)
    if problems:
        key, sentence = next(iter(problems.items()))
        row.problem = _problem_sentence(key, sentence, headers)
        return
    row.data = data
    row.given = given


def import_applications_csv(path: Path, *, valid_rows_only: bool = False,
                            paths=None) -> CsvImportResult:
    """Import the applications in the CSV file ``path`` in one transaction.

    Raises :class:`services.data.json_import.ImportProblem` (with ``rows``, the
    per-row report) when the file cannot be read, when a row is rejected
    (unless ``valid_rows_only``), or when the write fails; nothing is saved
    then. A row with a "Next Steps ID" that exists updates that application
    (after a backup into ``paths.backups`` when ``paths`` is given). The file
    is read row by row (:mod:`services.data.csv_stream`).
    """
    from services.data.csv_stream import apply_csv_plan, plan_csv

    return apply_csv_plan(plan_csv(Path(path)), valid_rows_only=valid_rows_only, paths=paths)
