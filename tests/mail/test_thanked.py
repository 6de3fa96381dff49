"""Who has been thanked (services.mail.thanked): per interviewer, thanks not follow-ups, the
recruiter of an agency application, the furthest state winning, and marking a message sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import clock
from models.email import Email
from models.values import EmailState
from services.mail import drafting, drafts, thanked
from services.mail.drafting import prepare_drafts
from services.mail.drafts import DraftLocked, DraftNotFound
from tests.mail.draft_data import demo_northwind, set_state, stored_email

# -- who has been thanked -----------------------------------------------------------------------


def test_thanked_status(lumen_drafts):
    app, _rnd, prepared = lumen_drafts
    when = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    marked = drafts.mark_sent(prepared[2].email_id, when)
    assert (marked.state, marked.sent_at) == ("marked_sent", when)
    entries = thanked.thanked_status(app.id)
    summary = [(e.name, e.round_title, e.state) for e in entries]
    assert summary == [
        ("Mira Hoffmann", "Phone screen", "none"),
        ("José Núñez", "Technical interview", "sent"),
        ("Priya Raman", "Technical interview", "draft"),
        ("Lukas Brandt", "Technical interview", "marked_sent"),
    ]
    assert entries[1].sent_at == stored_email(prepared[0].email_id).sent_at
    assert entries[3].sent_at == when and entries[3].email_id == prepared[2].email_id
    assert entries[0].sent_at is None and entries[0].email_id is None


def test_thanked_status_counts_thanks_not_follow_ups(lumen_drafts):
    app, rnd, _prepared = lumen_drafts
    follow = prepare_drafts(app.id, rnd.id, "follow_up")
    drafts.mark_sent(follow[1].email_id, clock.now())
    states = {e.name: e.state for e in thanked.thanked_status(app.id)}
    assert states["Priya Raman"] == "draft"


def test_thanked_status_of_an_agency_application_shows_the_recruiter(demo_store):
    northwind, rnd = demo_northwind()
    assert [(e.name, e.state) for e in thanked.thanked_status(northwind.id)] == [
        ("Greta Lindqvist", "none"), ("Omar Haddad", "none"), ("Hannah Okafor", "none")]
    update = drafting.prepare_recruiter_draft(northwind.id, rnd.id)
    last = thanked.thanked_status(northwind.id)[-1]
    assert (last.interviewer_id, last.state, last.email_id) == (None, "draft",
                                                                update.email_id)


def test_the_furthest_state_wins(lumen_drafts):
    app, rnd, prepared = lumen_drafts
    priya = prepared[1]
    Email.create(application=app, round=rnd, interviewer=priya.interviewer_id,
                 template_key="thank_you", to_name="Priya", state="failed", error="x")
    assert {e.name: e.state for e in thanked.thanked_status(app.id)}["Priya Raman"] == "failed"


def test_mark_sent(lumen_drafts):
    _app, _rnd, prepared = lumen_drafts
    priya = prepared[1]
    with pytest.raises(ValueError, match="timezone-aware"):
        drafts.mark_sent(priya.email_id, datetime(2026, 1, 1, 12, 0))
    for state in ("queued", "sending", "sent"):
        set_state(priya.email_id, state)
        with pytest.raises(DraftLocked):
            drafts.mark_sent(priya.email_id, clock.now())
    set_state(priya.email_id, "uncertain")
    first = clock.now().replace(microsecond=0) - timedelta(hours=1)
    assert drafts.mark_sent(priya.email_id, first).state == "marked_sent"
    later = first + timedelta(minutes=5)
    assert drafts.mark_sent(priya.email_id, later).sent_at == later
    with pytest.raises(DraftNotFound):
        drafts.mark_sent(987654, later)


def test_states_used_here_are_the_models_states():
    assert {s.value for s in EmailState} >= set(thanked._STATE_RANK)
    assert frozenset({"draft", "failed"}) == drafts.EDITABLE_STATES
