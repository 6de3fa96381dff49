"""Invitation import (services.calendar.ics_import): which application an invitation goes to (the
organizer's domain, the title, the window's question) and which attendees are the user."""

from __future__ import annotations

from models.application import Application
from models.values import Stage
from services.calendar.invitation_matching import ImportCancelled
from services.core import settings
from tests.calendar.ics_import_support import (
    ME,
    interviewers,
    parse,
    rounds_by_ical_uid,
    run_import,
    table_dump,
)


def test_the_command_line_creates_an_application_named_after_the_domain(store):
    report = run_import(store, "google_request.ics")
    (app,) = Application.select()
    assert app.company == "Lumen Analytics"
    assert app.stage == Stage.INTERVIEWING.value
    assert app.contact_email == "mira.hoffmann@lumen-analytics.example"
    assert "New application “Lumen Analytics” (named after the organizer's domain " \
        "lumen-analytics.example)" in report.text()
    # Its update and the other invitation from the same domain find it.
    run_import(store, "google_update.ics")
    assert Application.select().count() == 1


def test_an_application_is_found_by_the_company_in_the_title(store):
    tern = Application.create(company="Tern Travel GmbH", role="Backend", stage="applied")
    report = run_import(store, "apple_utc.ics")
    (rnd,) = rounds_by_ical_uid("A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF")
    assert rnd.application_id == tern.id
    assert "company is named in the title" in report.text()
    assert Application.get_by_id(tern.id).stage == Stage.INTERVIEWING.value


def test_the_window_is_asked_when_nothing_matches_and_can_create(store):
    Application.create(company="Other Co", role="Dev", stage="applied")
    asked = []

    def choose(invitation, candidates):
        asked.append((invitation.summary, [c.company for c in candidates]))
        return None

    report = run_import(store, "google_request.ics", choose_application=choose)
    assert asked == [("Technical interview – Lumen Analytics", ["Other Co"])]
    assert report.applications_created == 1


def test_the_window_is_asked_between_several_matches(store):
    first = Application.create(company="Lumen Analytics", role="Data Engineer", stage="applied",
                               contact_email="a@lumen-analytics.example")
    Application.create(company="Lumen Analytics", role="Analyst", stage="applied",
                       contact_email="b@lumen-analytics.example")

    def choose(invitation, candidates):
        assert {c.role for c in candidates} == {"Data Engineer", "Analyst"}
        assert all("@lumen-analytics.example" in c.reason for c in candidates)
        return first.id

    report = run_import(store, "google_request.ics", choose_application=choose)
    assert rounds_by_ical_uid(parse("google_request.ics").events[0].uid)[0].application_id \
        == first.id
    assert "(as you chose)" in report.text()


def test_cancelling_the_question_saves_nothing(store):
    Application.create(company="Other Co", role="Dev", stage="applied")
    before = table_dump(store.db)

    def choose(invitation, candidates):
        raise ImportCancelled()

    report = run_import(store, "several_events.ics", "google_request.ics",
                        choose_application=choose)
    assert report.interrupted and not report.ok
    assert "import cancelled" in report.text()
    assert table_dump(store.db) == before


def test_own_address_from_the_account_settings(store):
    settings.put("smtp.sender_address", "Sam.Rivera@Example.net")
    run_import(store, "outlook_teams_request.ics", own_addresses=None)
    (rnd,) = rounds_by_ical_uid(parse("outlook_teams_request.ics").events[0].uid)
    assert ME not in [email for _name, email in interviewers(rnd)]
    assert len(interviewers(rnd)) == 3


def test_the_users_full_name_from_the_settings_leaves_them_out(store):
    settings.put("user.name", "Sam  Rivera")
    run_import(store, "outlook_eastern.ics", own_addresses=None)
    (rnd,) = rounds_by_ical_uid(parse("outlook_eastern.ics").events[0].uid)
    assert interviewers(rnd) == [("Rachel Kim", "rachel.kim@quill-ledger.example")]
