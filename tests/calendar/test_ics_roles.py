"""The role of an application made from an .ics invitation: read from the title only when the
title names a job (services.calendar.ics_roles), else left for the user to fill in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.calendar import ics_import
from services.calendar.ics_roles import role_from_summary
from tests.conftest import FIXTURES

DATA = FIXTURES / "ics"
NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
PEOPLE = ["Dana Li", "Mira Hoffmann", "Sam Rivera"]


@pytest.mark.parametrize(("summary", "company", "role"), [
    # Google Calendar
    ("Technical interview – Lumen Analytics", "Lumen Analytics", ""),
    ("Interview: Senior Data Engineer – Lumen Analytics", "Lumen Analytics",
     "Senior Data Engineer"),
    ("Second interview – Northwind Logistics", "Northwind Logistics", ""),
    ("Second interview for Second interview at Acme", "Acme", ""),
    # Outlook and Teams
    ("Panel interview – Platform Engineer (Northwind Logistics)", "Northwind",
     "Platform Engineer"),
    ("Hiring manager call – Quill & Ledger", "Quill Ledger", ""),
    ("Microsoft Teams Meeting", "Contoso", ""),
    ("Final interview: UX Designer (m/f/d) @ Acme", "Acme", "UX Designer"),
    # Zoom
    ("Kestrel Robotics – Pairing session", "Kestrel Robotics", ""),
    ("Zoom meeting: Backend Developer interview", "Zoom", "Backend Developer"),
    # Scheduling tools
    ("Interview for Senior Backend Engineer at Acme", "Acme", "Senior Backend Engineer"),
    ("Acme | Staff Software Engineer | Onsite", "Acme", "Staff Software Engineer"),
    ("Sam Rivera <> Acme: Product Manager – Technical Interview", "Acme", "Product Manager"),
    ("Phone screen: Data Platform Engineer at Atlas Mobility", "Atlas Mobility",
     "Data Platform Engineer"),
    ("Interview with Dana Li for the Frontend Developer role", "Acme", "Frontend Developer"),
    ("30 Minute Meeting between Sam Rivera and Dana Li", "Calendly", ""),
    ("Round 2 – Machine Learning Engineer", "Acme", "Machine Learning Engineer"),
    # Round words inside a job title stay; a title with no job in it gives nothing
    ("Call Center Agent – first interview", "Acme", "Call Center Agent"),
    ("Test Engineer interview", "Acme", "Test Engineer"),
    ("Head of Design – final round", "Acme", "Head of Design"),
    ("Recruiter call – Tern Travel", "Tern Travel", ""),
    ("Fjord Energy – meet the CTO", "Fjord Energy", ""),
    ("Product team chat", "Acme", ""),
    ("Interview", "Acme", ""),
    ("", "Acme", ""),
])
def test_the_role_is_read_only_when_the_title_names_a_job(summary, company, role):
    assert role_from_summary(summary, company, PEOPLE) == role


@pytest.mark.parametrize(("name", "company", "role", "sentence"), [
    ("google_request.ics", "Lumen Analytics", "", "does not name the role, so add it"),
    ("apple_floating.ics", "Northwind", "", "does not name the role, so add it"),
    ("outlook_teams_request.ics", "Northwind", "Platform Engineer",
     "for the role “Platform Engineer”"),
    ("zoom_publish.ics", "Kestrel Robotics", "", "does not name the role, so add it"),
    ("ats_floating.ics", "Atlas Mobility", "Data Platform Engineer",
     "for the role “Data Platform Engineer”"),
])
def test_a_new_application_from_an_invitation_never_takes_its_title_as_role(
        store, name, company, role, sentence):
    from models.application import Application

    report = ics_import.import_files(store.paths, [DATA / name], user_zone="Europe/Berlin",
                                     now=NOW, own_addresses=["sam.rivera@example.net"])
    assert report.applications_created == 1, report.text()
    (app,) = Application.select()
    assert (app.company, app.role) == (company, role)
    (rnd,) = app.rounds
    assert app.role != rnd.title
    assert sentence in report.text()
