"""From a spreadsheet's header and cells to the editor's data, one row at a time.

:func:`map_headers` maps the header names spreadsheets commonly use (case, spaces
and punctuation do not matter) to the application's fields; :func:`build_row`
reads a :class:`CsvRow`'s cells (with :mod:`services.data.csv_cells`) and checks
them with the editor's own :func:`services.applications.validation.validate`,
leaving either the data to save or the reason the row is rejected.
:mod:`services.data.csv_stream` calls both for every row of a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.values import Channel
from services.applications import editor_data, validation
from services.data.csv_cells import (
    channel_from_text,
    header_key,
    normalise_url,
    parse_day,
    split_person,
    stage_from_text,
)
from services.data.csv_files import restore_cell

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


_UID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_CELL = 100_000


@dataclass
class CsvRow:
    """One row of a spreadsheet: its number, its cells by field, and what became of them."""

    number: int
    values: dict[str, str]
    data: editor_data.ApplicationData | None = None
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


def build_row(row: CsvRow, headers: dict[str, str], order: str | None) -> None:
    """Turn a row's cells into editor data, or set ``row.problem`` to the reason it cannot be."""
    row.problem = _missing_or_too_long(row.values, headers)
    if row.problem:
        return
    data = editor_data.ApplicationData()
    given = {name for name in _PLAIN_FIELDS if name in row.values}
    for name in given:
        setattr(data, name, row.values[name])
    _read_link_and_stage(row, data, given)
    _read_channel(row, data, given)
    _read_people(row, data, given)
    row.problem = _read_applied_on(row, data, given, headers, order)
    if row.problem:
        return
    uid = row.values.get("uid", "").strip()
    if uid and not _UID.match(uid):
        row.problem = (f"{headers.get('uid', 'Next Steps ID')}: “{uid[:40]}” is not an ID "
                       "the app wrote.")
        return
    row.uid = uid
    problems = validation.validate(data)
    if problems:
        key, sentence = next(iter(problems.items()))
        row.problem = _problem_sentence(key, sentence, headers)
        return
    row.data = data
    row.given = given


def _missing_or_too_long(values: dict[str, str], headers: dict[str, str]) -> str:
    """Why the cells cannot make an application (a cell too long, no company or role), or ""."""
    for name, text in values.items():
        if len(text) > _MAX_CELL:
            return (f"{headers.get(name, name)}: the cell is {len(text):,} characters "
                    f"long; at most {_MAX_CELL:,} are allowed.")
    if not values.get("company", "").strip():
        return "The company is empty; every application needs one."
    if not values.get("role", "").strip():
        return "The role is empty; every application needs one."
    return ""


def _read_link_and_stage(row: CsvRow, data: editor_data.ApplicationData, given: set[str]) -> None:
    """The posting link and the stage, with a note when the stage had to be guessed."""
    if "posting_url" in row.values:
        data.posting_url = normalise_url(row.values["posting_url"])
        given.add("posting_url")
    if "stage" in row.values:
        stage, note = stage_from_text(row.values["stage"])
        data.stage = stage.value
        given.add("stage")
        if note:
            row.notes.append(note)


def _read_channel(row: CsvRow, data: editor_data.ApplicationData, given: set[str]) -> None:
    """Applied directly or through an agency (an agency's name alone says so too)."""
    channel_text = row.values.get("channel", "")
    channel = channel_from_text(channel_text)
    if channel is None:
        channel = Channel.DIRECT.value
        row.notes.append(f"“{channel_text.strip()[:40]}” was read as applied directly")
    if not channel_text.strip() and data.agency_name.strip():
        channel = Channel.AGENCY.value
    data.channel = channel
    if "channel" in row.values or "agency_name" in row.values:
        given.add("channel")


def _read_people(row: CsvRow, data: editor_data.ApplicationData, given: set[str]) -> None:
    """The "person" columns go to the agency recruiter for an agency row, else to the
    contact (unless those have their own cells); "Name <address>" cells are split."""
    values = row.values
    person, person_email = split_person(values.get("person", "").strip(),
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
    data.contact_name, data.contact_email = split_person(data.contact_name, data.contact_email)
    data.recruiter_name, data.recruiter_email = split_person(data.recruiter_name,
                                                             data.recruiter_email)


def _read_applied_on(row: CsvRow, data: editor_data.ApplicationData, given: set[str],
                     headers: dict[str, str], order: str | None) -> str:
    """The date applied (slashed dates in the column's ``order``); why it cannot be read, or ""."""
    day = row.values.get("applied_on", "").strip()
    if "applied_on" in row.values:
        given.add("applied_on")
    if day:
        try:
            data.applied_on = parse_day(day, order or "dmy")
        except ValueError as exc:
            return f"{headers.get('applied_on', 'Date applied')}: {exc}."
    return ""
