"""Drafts per interviewer, the agency guard, and saving as you type.

Who has been thanked is in test_thanked.py, the mail-app exits (mailto:, .eml) in
test_mail_program.py."""

from __future__ import annotations

import pytest

from models.application import Application
from models.base import database_proxy
from models.interview import Interviewer
from services.mail import agency, drafting
from services.mail.agency import AgencyOverrideRequired
from services.mail.drafting import prepare_drafts
from services.mail.drafts import DraftLocked, DraftNotFound, DraftProblem, update_draft
from services.mail.placeholders import context_for
from services.mail.template_rendering import TemplateProblem
from services.mail.templates import render_template, save_template
from tests.mail.draft_data import (
    count_emails,
    demo_lumen,
    demo_northwind,
    set_state,
    stored_email,
)

# -- one draft per interviewer ------------------------------------------------------------------


def test_one_draft_per_interviewer(lumen_drafts):
    app, rnd, prepared = lumen_drafts
    people = list(rnd.interviewers.order_by("position"))
    assert [d.interviewer_id for d in prepared] == [p.id for p in people]
    assert [d.to_name for d in prepared] == ["José Núñez", "Priya Raman", "Lukas Brandt"]
    # José was already thanked in the demo: his sent note is shown, not a second draft.
    jose, priya, lukas = prepared
    assert jose.state == "sent" and jose.sent_at is not None
    assert jose.subject == "Thank you for today's conversation"
    for draft, person in ((priya, people[1]), (lukas, people[2])):
        assert draft.state == "draft" and draft.sent_at is None and draft.error == ""
        assert draft.to_address == person.email
        expected = render_template("thank_you",
                                   context_for(app.id, rnd.id, person.id, "thank_you"))
        assert (draft.subject, draft.body) == expected
        row = stored_email(draft.email_id)
        assert (row.template_key, row.round_id, row.application_id) == ("thank_you", rnd.id,
                                                                        app.id)
    assert "data contracts and how I test pipelines" in priya.body
    assert "the churn dashboard" in lukas.body
    assert count_emails(round=rnd.id) == 3


def test_reopening_neither_duplicates_nor_overwrites(lumen_drafts):
    app, rnd, prepared = lumen_drafts
    priya = prepared[1]
    update_draft(priya.email_id, body="Dear Priya,\n\nMy own words.\n")
    again = prepare_drafts(app.id, rnd.id)
    assert [d.email_id for d in again] == [d.email_id for d in prepared]
    assert again[1].body == "Dear Priya,\n\nMy own words.\n"
    assert again[2] == prepared[2]
    assert count_emails(round=rnd.id) == 3


def test_a_new_interviewer_gets_a_draft_and_a_removed_one_keeps_theirs(lumen_drafts):
    app, rnd, prepared = lumen_drafts
    Interviewer.create(round=rnd, position=3, name="Eva Schulz", title="Data Scientist",
                       email="eva.schulz@lumen-analytics.example", discussed="")
    again = prepare_drafts(app.id, rnd.id)
    assert [d.to_name for d in again] == ["José Núñez", "Priya Raman", "Lukas Brandt",
                                          "Eva Schulz"]
    assert "Dear Eva," in again[3].body and "our conversation about" not in again[3].body
    Interviewer.delete().where(Interviewer.id == prepared[1].interviewer_id).execute()
    after = prepare_drafts(app.id, rnd.id)
    # Priya's draft stays (the user's words are never thrown away), after the others.
    assert [d.to_name for d in after] == ["José Núñez", "Lukas Brandt", "Eva Schulz",
                                          "Priya Raman"]
    assert after[-1].interviewer_id is None


def test_other_templates_make_their_own_drafts(lumen_drafts):
    app, rnd, prepared = lumen_drafts
    follow = prepare_drafts(app.id, rnd.id, "follow_up")
    assert len(follow) == 3 and all(d.state == "draft" for d in follow)
    assert {d.email_id for d in follow}.isdisjoint(d.email_id for d in prepared)
    assert follow[0].subject == "Following up – Senior Data Engineer at Lumen Analytics"


def test_a_template_that_does_not_render_creates_nothing(demo_store):
    app, rnd = demo_lumen()
    save_template("thank_you", "Thanks", "Thanks", "Dear {{ frist_name }},\n")
    before = count_emails(round=rnd.id)
    with pytest.raises(TemplateProblem, match="did you mean “first_name”"):
        prepare_drafts(app.id, rnd.id)
    assert count_emails(round=rnd.id) == before


def test_a_round_of_another_application_is_refused(demo_store):
    app, _rnd = demo_lumen()
    _other, northwind_round = demo_northwind()
    with pytest.raises(DraftProblem, match="no longer part of the application"):
        prepare_drafts(app.id, northwind_round.id)


# -- the agency guard ---------------------------------------------------------------------------


def test_agency_guard(demo_store):
    app, _rnd = demo_lumen()
    assert agency.agency_guard(app.id) is None
    northwind, _round = demo_northwind()
    guard = agency.agency_guard(northwind.id)
    assert guard.recruiter == agency.Recipient(None, "Hannah Okafor",
                                               "hannah.okafor@brightpath.example",
                                               "Recruiter at Brightpath Talent")
    assert guard.agency_name == "Brightpath Talent"
    assert "Brightpath Talent" in guard.message and "Hannah Okafor" in guard.message
    assert "go through your recruiter" in guard.message and "unprofessional" in guard.message


def test_agency_guard_asks_for_the_missing_recruiter(store):
    app = Application.create(company="Acme", role="Engineer", channel="agency",
                             agency_name="Talentia")
    guard = agency.agency_guard(app.id)
    assert guard.recruiter.name == "" and guard.recruiter.email == ""
    assert "Add the recruiter's name and email address" in guard.message


def test_writing_to_agency_interviewers_needs_an_override(demo_store):
    northwind, rnd = demo_northwind()
    with pytest.raises(AgencyOverrideRequired) as caught:
        prepare_drafts(northwind.id, rnd.id)
    assert caught.value.message == agency.agency_guard(northwind.id).message
    assert caught.value.guard.recruiter.name == "Hannah Okafor"
    assert count_emails(application=northwind.id) == 0
    forced = prepare_drafts(northwind.id, rnd.id, override=True)
    assert [d.to_name for d in forced] == ["Greta Lindqvist", "Omar Haddad"]


def test_recruiter_draft(demo_store):
    northwind, rnd = demo_northwind()
    update = drafting.prepare_recruiter_draft(northwind.id, rnd.id)
    assert (update.to_name, update.to_address) == ("Hannah Okafor",
                                                   "hannah.okafor@brightpath.example")
    assert update.interviewer_id is None and update.state == "draft"
    assert update.body.startswith("Hi Hannah,\n\n")
    assert "Greta Lindqvist" in update.body and "Brightpath Talent" in update.body
    assert stored_email(update.email_id).template_key == "agency_update"
    update_draft(update.email_id, body="Hi Hannah, it went well.\n")
    again = drafting.prepare_recruiter_draft(northwind.id, rnd.id)
    assert again.email_id == update.email_id and again.body == "Hi Hannah, it went well.\n"
    app, lumen_round = demo_lumen()
    with pytest.raises(DraftProblem, match="did not come through a staffing agency"):
        drafting.prepare_recruiter_draft(app.id, lumen_round.id)


# -- saving as the user types -------------------------------------------------------------------


def test_update_draft_saves_only_what_is_given_in_one_statement(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    before = stored_email(priya.email_id)
    statements: list[str] = []
    connection = database_proxy.connection()
    connection.set_trace_callback(statements.append)
    try:
        update_draft(priya.email_id, body="Dear Priya,\r\n\r\nTyped\twith care. ")
    finally:
        connection.set_trace_callback(None)
    assert len(statements) == 1 and statements[0].startswith("UPDATE")
    after = stored_email(priya.email_id)
    assert after.body == "Dear Priya,\r\n\r\nTyped\twith care. "  # exactly as typed
    assert (after.subject, after.to_address, after.to_name) == (
        before.subject, before.to_address, before.to_name)
    assert after.updated_at >= before.updated_at
    update_draft(priya.email_id, subject="New", to_address="p@x.example", to_name="P. Raman")
    after = stored_email(priya.email_id)
    assert (after.subject, after.to_address, after.to_name) == ("New", "p@x.example",
                                                                "P. Raman")
    update_draft(priya.email_id)  # nothing given: nothing to do


@pytest.mark.parametrize("state", ["queued", "sending", "sent", "uncertain", "marked_sent"])
def test_messages_on_their_way_or_sent_are_locked(lumen_drafts, state):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    set_state(priya.email_id, state)
    with pytest.raises(DraftLocked) as caught:
        update_draft(priya.email_id, body="changed")
    assert caught.value.state == state
    message = caught.value.message
    assert message == str(caught.value) and message.endswith(".") and message[0].isupper()
    assert stored_email(priya.email_id).body == priya.body


def test_a_failed_message_can_be_edited(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    set_state(prepared[1].email_id, "failed")
    update_draft(prepared[1].email_id, body="fixed")
    assert stored_email(prepared[1].email_id).body == "fixed"


def test_a_deleted_draft_is_reported(lumen_drafts):
    with pytest.raises(DraftNotFound, match="no longer exists"):
        update_draft(987654, body="x")
