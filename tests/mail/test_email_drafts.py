"""Drafts per interviewer, the agency guard, saving as you type, and the mail-app exits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from models import clock
from models.values import EmailState
from services.mail import drafts
from services.mail.drafts import (
    AgencyOverrideRequired,
    DraftLocked,
    DraftNotFound,
    DraftProblem,
    HeaderProblem,
    mailto_url,
    prepare_drafts,
    update_draft,
)

ENCODED_BCC = "=?utf-8?q?hi=0ABcc:_evil@example.com?="


def _lumen():
    from models.application import Application
    from models.interview import InterviewRound

    app = Application.get(Application.company == "Lumen Analytics")
    rnd = InterviewRound.get((InterviewRound.application == app)
                             & (InterviewRound.title == "Technical interview"))
    return app, rnd


def _northwind():
    from models.application import Application

    app = Application.get(Application.company == "Northwind Logistics")
    return app, app.rounds.get()


def _email(email_id):
    from models.email import Email

    return Email.get_by_id(email_id)


def _set_state(email_id, state):
    from models.email import Email

    Email.update(state=state).where(Email.id == email_id).execute()


def _count(**where):
    from models.email import Email

    query = Email.select()
    for field, value in where.items():
        query = query.where(getattr(Email, field) == value)
    return query.count()


@pytest.fixture
def lumen_drafts(demo_store):
    app, rnd = _lumen()
    return app, rnd, prepare_drafts(app.id, rnd.id)


# -- one draft per interviewer ------------------------------------------------------------------


def test_one_draft_per_interviewer(lumen_drafts):
    from services.mail.templates import context_for, render_template

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
        row = _email(draft.email_id)
        assert (row.template_key, row.round_id, row.application_id) == ("thank_you", rnd.id,
                                                                        app.id)
    assert "data contracts and how I test pipelines" in priya.body
    assert "the churn dashboard" in lukas.body
    assert _count(round=rnd.id) == 3


def test_reopening_neither_duplicates_nor_overwrites(lumen_drafts):
    app, rnd, prepared = lumen_drafts
    priya = prepared[1]
    update_draft(priya.email_id, body="Dear Priya,\n\nMy own words.\n")
    again = prepare_drafts(app.id, rnd.id)
    assert [d.email_id for d in again] == [d.email_id for d in prepared]
    assert again[1].body == "Dear Priya,\n\nMy own words.\n"
    assert again[2] == prepared[2]
    assert _count(round=rnd.id) == 3


def test_a_new_interviewer_gets_a_draft_and_a_removed_one_keeps_theirs(lumen_drafts):
    from models.interview import Interviewer

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
    from services.mail.templates import TemplateProblem, save_template

    app, rnd = _lumen()
    save_template("thank_you", "Thanks", "Thanks", "Dear {{ frist_name }},\n")
    before = _count(round=rnd.id)
    with pytest.raises(TemplateProblem, match="did you mean “first_name”"):
        prepare_drafts(app.id, rnd.id)
    assert _count(round=rnd.id) == before


def test_a_round_of_another_application_is_refused(demo_store):
    app, _rnd = _lumen()
    _other, northwind_round = _northwind()
    with pytest.raises(DraftProblem, match="no longer part of the application"):
        prepare_drafts(app.id, northwind_round.id)


# -- the agency guard ---------------------------------------------------------------------------


def test_agency_guard(demo_store):
    app, _rnd = _lumen()
    assert drafts.agency_guard(app.id) is None
    northwind, _round = _northwind()
    guard = drafts.agency_guard(northwind.id)
    assert guard.recruiter == drafts.Recipient(None, "Hannah Okafor",
                                               "hannah.okafor@brightpath.example",
                                               "Recruiter at Brightpath Talent")
    assert guard.agency_name == "Brightpath Talent"
    assert "Brightpath Talent" in guard.message and "Hannah Okafor" in guard.message
    assert "go through your recruiter" in guard.message and "unprofessional" in guard.message


def test_agency_guard_asks_for_the_missing_recruiter(store):
    from models.application import Application

    app = Application.create(company="Acme", role="Engineer", channel="agency",
                             agency_name="Talentia")
    guard = drafts.agency_guard(app.id)
    assert guard.recruiter.name == "" and guard.recruiter.email == ""
    assert "Add the recruiter's name and email address" in guard.message


def test_writing_to_agency_interviewers_needs_an_override(demo_store):
    northwind, rnd = _northwind()
    with pytest.raises(AgencyOverrideRequired) as caught:
        prepare_drafts(northwind.id, rnd.id)
    assert caught.value.message == drafts.agency_guard(northwind.id).message
    assert caught.value.guard.recruiter.name == "Hannah Okafor"
    assert _count(application=northwind.id) == 0
    forced = prepare_drafts(northwind.id, rnd.id, override=True)
    assert [d.to_name for d in forced] == ["Greta Lindqvist", "Omar Haddad"]


def test_recruiter_draft(demo_store):
    northwind, rnd = _northwind()
    update = drafts.prepare_recruiter_draft(northwind.id, rnd.id)
    assert (update.to_name, update.to_address) == ("Hannah Okafor",
                                                   "hannah.okafor@brightpath.example")
    assert update.interviewer_id is None and update.state == "draft"
    assert update.body.startswith("Hi Hannah,\n\n")
    assert "Greta Lindqvist" in update.body and "Brightpath Talent" in update.body
    assert _email(update.email_id).template_key == "agency_update"
    update_draft(update.email_id, body="Hi Hannah, it went well.\n")
    again = drafts.prepare_recruiter_draft(northwind.id, rnd.id)
    assert again.email_id == update.email_id and again.body == "Hi Hannah, it went well.\n"
    app, lumen_round = _lumen()
    with pytest.raises(DraftProblem, match="did not come through a staffing agency"):
        drafts.prepare_recruiter_draft(app.id, lumen_round.id)


# -- saving as the user types -------------------------------------------------------------------


def test_update_draft_saves_only_what_is_given_in_one_statement(lumen_drafts):
    from models.base import database_proxy

    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    before = _email(priya.email_id)
    statements: list[str] = []
    connection = database_proxy.connection()
    connection.set_trace_callback(statements.append)
    try:
        update_draft(priya.email_id, body="Dear Priya,\r\n\r\nTyped\twith care. ")
    finally:
        connection.set_trace_callback(None)
    assert len(statements) == 1 and statements[0].startswith("UPDATE")
    after = _email(priya.email_id)
    assert after.body == "Dear Priya,\r\n\r\nTyped\twith care. "  # exactly as typed
    assert (after.subject, after.to_address, after.to_name) == (
        before.subject, before.to_address, before.to_name)
    assert after.updated_at >= before.updated_at
    update_draft(priya.email_id, subject="New", to_address="p@x.example", to_name="P. Raman")
    after = _email(priya.email_id)
    assert (after.subject, after.to_address, after.to_name) == ("New", "p@x.example",
                                                                "P. Raman")
    update_draft(priya.email_id)  # nothing given: nothing to do


@pytest.mark.parametrize("state", ["queued", "sending", "sent", "uncertain", "marked_sent"])
def test_messages_on_their_way_or_sent_are_locked(lumen_drafts, state):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    _set_state(priya.email_id, state)
    with pytest.raises(DraftLocked) as caught:
        update_draft(priya.email_id, body="changed")
    assert caught.value.state == state
    message = caught.value.message
    assert message == str(caught.value) and message.endswith(".") and message[0].isupper()
    assert _email(priya.email_id).body == priya.body


def test_a_failed_message_can_be_edited(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    _set_state(prepared[1].email_id, "failed")
    update_draft(prepared[1].email_id, body="fixed")
    assert _email(prepared[1].email_id).body == "fixed"


def test_a_deleted_draft_is_reported(lumen_drafts):
    with pytest.raises(DraftNotFound, match="no longer exists"):
        update_draft(987654, body="x")


# -- who has been thanked -----------------------------------------------------------------------


def test_thanked_status(lumen_drafts):
    app, _rnd, prepared = lumen_drafts
    when = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    marked = drafts.mark_sent(prepared[2].email_id, when)
    assert (marked.state, marked.sent_at) == ("marked_sent", when)
    entries = drafts.thanked_status(app.id)
    summary = [(e.name, e.round_title, e.state) for e in entries]
    assert summary == [
        ("Mira Hoffmann", "Phone screen", "none"),
        ("José Núñez", "Technical interview", "sent"),
        ("Priya Raman", "Technical interview", "draft"),
        ("Lukas Brandt", "Technical interview", "marked_sent"),
    ]
    assert entries[1].sent_at == _email(prepared[0].email_id).sent_at
    assert entries[3].sent_at == when and entries[3].email_id == prepared[2].email_id
    assert entries[0].sent_at is None and entries[0].email_id is None


def test_thanked_status_counts_thanks_not_follow_ups(lumen_drafts):
    app, rnd, _prepared = lumen_drafts
    follow = prepare_drafts(app.id, rnd.id, "follow_up")
    drafts.mark_sent(follow[1].email_id, clock.now())
    states = {e.name: e.state for e in drafts.thanked_status(app.id)}
    assert states["Priya Raman"] == "draft"


def test_thanked_status_of_an_agency_application_shows_the_recruiter(demo_store):
    northwind, rnd = _northwind()
    assert [(e.name, e.state) for e in drafts.thanked_status(northwind.id)] == [
        ("Greta Lindqvist", "none"), ("Omar Haddad", "none"), ("Hannah Okafor", "none")]
    update = drafts.prepare_recruiter_draft(northwind.id, rnd.id)
    last = drafts.thanked_status(northwind.id)[-1]
    assert (last.interviewer_id, last.state, last.email_id) == (None, "draft",
                                                                update.email_id)


def test_the_furthest_state_wins(lumen_drafts):
    from models.email import Email

    app, rnd, prepared = lumen_drafts
    priya = prepared[1]
    Email.create(application=app, round=rnd, interviewer=priya.interviewer_id,
                 template_key="thank_you", to_name="Priya", state="failed", error="x")
    assert {e.name: e.state for e in drafts.thanked_status(app.id)}["Priya Raman"] == "failed"


def test_mark_sent(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    with pytest.raises(ValueError, match="timezone-aware"):
        drafts.mark_sent(priya.email_id, datetime(2026, 1, 1, 12, 0))
    for state in ("queued", "sending", "sent"):
        _set_state(priya.email_id, state)
        with pytest.raises(DraftLocked):
            drafts.mark_sent(priya.email_id, clock.now())
    _set_state(priya.email_id, "uncertain")
    first = clock.now().replace(microsecond=0) - timedelta(hours=1)
    assert drafts.mark_sent(priya.email_id, first).state == "marked_sent"
    later = first + timedelta(minutes=5)
    assert drafts.mark_sent(priya.email_id, later).sent_at == later
    with pytest.raises(DraftNotFound):
        drafts.mark_sent(987654, later)


# -- mailto: ------------------------------------------------------------------------------------


def test_mailto_url_round_trips(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    subject = "Thanks & more? 100% – ünïcödé + plus #1 =x"
    body = "Dear Priya,\n\nLine with &body=evil and ?cc=x@y.z\r\nCRLF line, 50% + #hash\n"
    address = "priya.raman+jobs@lumen-analytics.example"
    update_draft(priya.email_id, subject=subject, body=body, to_address=address)
    url = mailto_url(priya.email_id)
    assert url.isascii() and not any(ch.isspace() for ch in url)
    assert "%0D%0A" in url and "%0A" not in url.replace("%0D%0A", "")
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == address
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert query == {
        "subject": [subject],
        "body": ["Dear Priya,\r\n\r\nLine with &body=evil and ?cc=x@y.z\r\nCRLF line, "
                 "50% + #hash\r\n"],
    }


def test_mailto_without_an_address_still_works(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, to_address="  ")
    parts = urlsplit(mailto_url(prepared[1].email_id))
    assert parts.path == "" and "subject" in parse_qs(parts.query)


@pytest.mark.parametrize("field, value", [
    ("subject", "Thanks\r\nBcc: evil@example.com"),
    ("subject", ENCODED_BCC),
    ("to_address", "priya@lumen.example\r\nBcc: evil@example.com"),
    ("to_address", "priya@lumen.example?cc=evil@example.com"),
    ("to_address", "Priya <priya@lumen.example>, evil@example.com"),
])
def test_mailto_refuses_unsafe_header_fields(lumen_drafts, field, value):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, **{field: value})  # stored as typed …
    with pytest.raises(HeaderProblem) as caught:  # … and refused on the way out
        mailto_url(prepared[1].email_id)
    assert caught.value.message.endswith(".")


# -- .eml ---------------------------------------------------------------------------------------


def _parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def test_eml_parses_back_with_the_same_headers_and_both_parts(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    jose_like = prepared[1]
    update_draft(jose_like.email_id, to_name="José Núñez", subject="Danke – merci, José!",
                 body="Dear José,\n\nThank you <b>& more</b>.\n\nBest regards,\nSam\n")
    data = drafts.eml_bytes(jose_like.email_id, "Sam Rivera-Ölund", "sam@example.com")
    assert b"\r\n" in data and data.isascii()
    message = _parse(data)
    assert sorted(k.lower() for k in message) == sorted(
        ["from", "to", "subject", "date", "x-unsent", "mime-version", "content-type"])
    assert message["X-Unsent"] == "1"
    assert str(message["Subject"]) == "Danke – merci, José!"
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Sam Rivera-Ölund", "sam@example.com")
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("José Núñez",
                                               "priya.raman@lumen-analytics.example")
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == (
        "Dear José,\n\nThank you <b>& more</b>.\n\nBest regards,\nSam\n")
    assert rich.get_content_type() == "text/html"
    assert "Thank you &lt;b&gt;&amp; more&lt;/b&gt;." in rich.get_content()
    assert message.defects == [] and plain.defects == [] and rich.defects == []


def test_eml_without_an_account_leaves_from_to_the_mail_app(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, to_address="")
    message = _parse(drafts.eml_bytes(prepared[1].email_id, "", ""))
    assert "From" not in message and "To" not in message
    assert message["X-Unsent"] == "1" and message.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize("field, value", [
    ("to_name", "Bob\r\nBcc: x@y.z"),
    ("to_name", "Bob\nBcc: x@y.z"),
    ("to_name", ENCODED_BCC),
    ("subject", ENCODED_BCC),
    ("subject", "Thanks\rBcc: x@y.z"),
    ("subject", "Thanks\u2028Bcc: x@y.z"),
    ("to_address", "priya@lumen.example\r\nBcc: x@y.z"),
    ("to_address", "priya@lumen.example, x@y.z"),
])
def test_eml_refuses_header_injection(lumen_drafts, field, value):
    _app, _rnd, prepared = lumen_drafts
    update_draft(prepared[1].email_id, **{field: value})
    with pytest.raises(HeaderProblem) as caught:
        drafts.eml_bytes(prepared[1].email_id, "Sam", "sam@example.com")
    assert isinstance(caught.value, ValueError)  # the composer catches ValueError
    assert caught.value.message.endswith(".")


@pytest.mark.parametrize("name, address", [
    ("Sam\r\nBcc: x@y.z", "sam@example.com"),
    ("Sam", "sam@example.com\r\nBcc: x@y.z"),
    (ENCODED_BCC, "sam@example.com"),
    ("Sam", "not an address"),
])
def test_eml_refuses_an_unsafe_sender(lumen_drafts, name, address):
    _app, _rnd, prepared = lumen_drafts
    with pytest.raises(HeaderProblem):
        drafts.eml_bytes(prepared[1].email_id, name, address)


@pytest.mark.parametrize("field, value", [
    ("subject", ENCODED_BCC),
    ("to_name", ENCODED_BCC),
    ("to_name", "Bob\r\nBcc: x@y.z"),
    ("subject", "hi\r\nBcc: evil@example.com"),
])
def test_the_parse_back_check_stops_what_the_first_check_missed(lumen_drafts, monkeypatch,
                                                                 field, value):
    """Even without the field checks, no message with an extra header is ever returned."""
    _app, _rnd, prepared = lumen_drafts
    monkeypatch.setattr(drafts, "check_text", lambda text, what, field="": text)
    update_draft(prepared[1].email_id, **{field: value})
    try:
        data = drafts.eml_bytes(prepared[1].email_id, "Sam", "sam@example.com")
    except ValueError:  # HeaderProblem, or the email package's own refusal
        return
    message = _parse(data)
    assert "Bcc" not in message
    assert sorted(k.lower() for k in message) == sorted(
        ["from", "to", "subject", "date", "x-unsent", "mime-version", "content-type"])
    assert [a.addr_spec for a in message["To"].addresses] == [prepared[1].to_address]


def test_states_used_here_are_the_models_states():
    assert {s.value for s in EmailState} >= set(drafts._STATE_RANK)
    assert frozenset({"draft", "failed"}) == drafts.EDITABLE_STATES
