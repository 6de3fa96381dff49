"""What the user does with kept replies: the views the UI shows and the actions behind its
buttons, on a real database. Nothing changes a stage except apply_stage."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models import clock
from models.application import Application, StageChange
from models.inbox import InboxMessage
from services.applications import deletion
from services.core.instants import MONTHS
from services.mail.inbox import actions
from services.mail.inbox.actions import InboxActionProblem
from services.mail.inbox.keeping import take_messages
from tests.mail.inbox.inbox_data import LUMEN_SENT_ID, PRIYA, add_search, corpus, counted_queries

#: Corpus messages: Northwind's rejection (ATS), Priya's reply to the thank-you note, Priya's
#: offer, Kestrel's rejection that fits two applications, Ben's invitation (Kiln & Co).
NUMBERS = {"rejection": 9, "reply": 18, "offer": 20, "ambiguous": 22, "invitation": 28}


@pytest.fixture
def kept(store):
    search = add_search()
    found = take_messages([(corpus(n), "INBOX") for n in NUMBERS.values()])
    assert all(t.kept for t in found)
    uids = {name: t.inbox_uid for name, t in zip(NUMBERS, found, strict=True)}
    return search, uids


def view(uid: str) -> actions.MessageView:
    (found,) = [v for v in actions.inbox(unhandled_only=False) if v.uid == uid]
    return found


def history() -> list[tuple]:
    return [(c.application_id, c.from_stage, c.to_stage, c.note)
            for c in StageChange.select().order_by(StageChange.id)]


def test_the_inbox_lists_what_is_still_to_look_at_newest_first(kept):
    search, uids = kept
    with counted_queries() as queries:
        views = actions.inbox()
    assert len(queries) == 2  # the messages with their applications, then the candidates

    assert [v.uid for v in views] == [uids[n] for n in ("rejection", "ambiguous", "offer",
                                                        "invitation", "reply")]
    assert [v.sent_at for v in views] == sorted((v.sent_at for v in views), reverse=True)
    assert all(v.sent_at.tzinfo is not None and v.state == "new" for v in views)
    assert actions.unhandled_count() == 5

    offer = view(uids["offer"])
    assert (offer.application_id, offer.application_uid) == (search.lumen.id, search.lumen.uid)
    assert (offer.company, offer.role) == ("Lumen Analytics GmbH", "Senior Data Analyst")
    assert (offer.from_name, offer.from_address) == ("Priya Raman", PRIYA)
    assert (offer.kind, offer.kind_label, offer.suggested_stage) == ("offer", "Offer", "offer")
    assert (offer.suggested_action, offer.action_label) == ("record_offer", "Record the offer")
    assert offer.deadline == date(2026, 12, 3)
    assert offer.candidates == () and offer.reasons and offer.text
    assert offer.match_reason.startswith("It comes from Priya Raman")


def test_each_kind_offers_its_one_action(kept):
    _search, uids = kept
    expected = {
        "rejection": ("Rejection", "mark_rejected", "Mark as rejected"),
        "invitation": ("Interview invitation", "add_round", "Add the interview"),
        "reply": ("Other reply", "reply", "Reply"),
        "offer": ("Offer", "record_offer", "Record the offer"),
    }
    for name, labels in expected.items():
        found = view(uids[name])
        assert (found.kind_label, found.suggested_action, found.action_label) == labels, name
    assert actions.suggested_action("rejection", None) is None  # already rejected: nothing
    assert actions.suggested_action("asks", None) == "reply"
    assert actions.suggested_action("received", None) is None


def test_a_reply_is_threaded_on_the_message(kept):
    _search, uids = kept
    reply = view(uids["reply"])
    assert reply.in_reply_to == LUMEN_SENT_ID
    assert reply.references == (LUMEN_SENT_ID,)
    assert reply.message_id == "<CAH7pR4m0Q2wK1x+Zt9e6F@mail.gmail.com>"
    assert reply.reply_headers() == (reply.message_id, f"{LUMEN_SENT_ID} {reply.message_id}")


def test_an_ambiguous_message_waits_for_the_users_choice(kept):
    search, uids = kept
    found = view(uids["ambiguous"])
    assert found.application_id is None and found.application_uid is None
    assert found.candidates == (
        (search.kestrel.id, "Kestrel Group", "Product Manager, Payments"),
        (search.kestrel_digital.id, "Kestrel Digital", "UX Researcher"))
    assert found.company == "Kestrel Group or Kestrel Digital"
    assert found.suggested_action is None
    assert uids["ambiguous"] in {v.uid for v in actions.messages_for(search.kestrel.id)}
    assert uids["ambiguous"] in {v.uid for v in actions.messages_for(search.kestrel_digital.id)}

    actions.choose_application(uids["ambiguous"], search.kestrel_digital.id)

    chosen = view(uids["ambiguous"])
    assert (chosen.application_id, chosen.candidates) == (search.kestrel_digital.id, ())
    assert (chosen.suggested_stage, chosen.suggested_action) == ("rejected", "mark_rejected")
    assert chosen.match_reason.endswith("You said it is about Kestrel Digital.")
    assert uids["ambiguous"] not in {v.uid for v in actions.messages_for(search.kestrel.id)}
    assert history() == []


def test_choosing_reads_the_suggestion_against_the_chosen_stage(kept):
    search, uids = kept
    Application.update(stage="rejected").where(Application.id == search.kestrel.id).execute()
    actions.choose_application(uids["ambiguous"], search.kestrel.id)
    assert view(uids["ambiguous"]).suggested_stage is None


def test_apply_stage_changes_the_stage_with_the_message_as_note(kept):
    search, uids = kept
    before = history()

    actions.apply_stage(uids["rejection"], "rejected")

    assert Application.get_by_id(search.northwind.id).stage == "rejected"
    sent = InboxMessage.get(InboxMessage.uid == uids["rejection"]).sent_at
    day = sent.astimezone(clock.user_zone()).date()
    note = (f"Reply from Northwind Logistics on {day.day} {MONTHS[day.month - 1]} {day.year}: "
            "“Update on your application - Operations Planner (R-10482)”")
    assert history() == [*before, (search.northwind.id, "applied", "rejected", note)]
    done = view(uids["rejection"])
    assert done.state == "acted"
    assert InboxMessage.get(InboxMessage.uid == uids["rejection"]).handled_at is not None
    assert uids["rejection"] not in {v.uid for v in actions.inbox()}
    noon = datetime(2026, 11, 20, 12, tzinfo=clock.user_zone())
    assert actions.stage_note("Mira Hoffmann", noon, "Next steps") == (
        "Reply from Mira Hoffmann on 20 Nov 2026: “Next steps”")


def test_apply_stage_refuses_what_it_cannot_do_and_changes_nothing(kept):
    search, uids = kept
    with pytest.raises(InboxActionProblem, match="Say which application"):
        actions.apply_stage(uids["ambiguous"], "rejected")
    with pytest.raises(InboxActionProblem, match="not a stage"):
        actions.apply_stage(uids["rejection"], "hired")
    assert history() == []
    assert view(uids["rejection"]).state == "new"
    assert Application.get_by_id(search.northwind.id).stage == "applied"


def test_reading_dismissing_and_acting(kept):
    search, uids = kept
    actions.mark_read(uids["offer"])
    assert view(uids["offer"]).state == "read"
    assert actions.unhandled_count() == 5  # read is still to handle

    actions.dismiss(uids["offer"])
    actions.mark_read(uids["offer"])  # opening it again does not bring it back
    assert view(uids["offer"]).state == "dismissed"
    assert uids["offer"] not in {v.uid for v in actions.inbox()}
    assert uids["offer"] in {v.uid for v in actions.messages_for(search.lumen.id)}

    actions.mark_acted(uids["invitation"])
    assert view(uids["invitation"]).state == "acted"
    assert actions.unhandled_count() == 3
    assert history() == []


def test_not_about_this_never_comes_back(kept):
    search, uids = kept
    actions.not_about_this(uids["reply"])

    assert uids["reply"] not in {v.uid for v in actions.messages_for(search.lumen.id)}
    assert uids["reply"] not in {v.uid for v in actions.inbox(unhandled_only=False)}
    (again,) = take_messages([(corpus(NUMBERS["reply"]), "INBOX")])
    assert again.duplicate and not again.kept
    assert uids["reply"] not in {v.uid for v in actions.messages_for(search.lumen.id)}


def test_notifications_once_per_message(kept):
    _search, uids = kept
    pending = actions.pending_notifications()
    assert [v.uid for v in pending] == [uids[n] for n in ("reply", "invitation", "offer",
                                                          "ambiguous", "rejection")]
    offer = next(v for v in pending if v.uid == uids["offer"])
    assert actions.notification_text(offer) == "Lumen Analytics GmbH replied: offer"
    invitation = next(v for v in pending if v.uid == uids["invitation"])
    assert actions.notification_text(invitation) == "Kiln & Co replied: interview invitation"

    actions.mark_notified([v.uid for v in pending])

    assert actions.pending_notifications() == []
    (new,) = take_messages([(corpus(21), "INBOX")])
    assert [v.uid for v in actions.pending_notifications()] == [new.inbox_uid]


def test_a_message_or_application_that_is_gone_is_said_in_a_sentence(kept):
    search, uids = kept
    with pytest.raises(InboxActionProblem, match="Nothing was changed; choose another one"):
        actions.choose_application(uids["ambiguous"], 9999)
    deletion.delete(search.lumen.id)
    for action in (actions.mark_read, actions.dismiss, actions.not_about_this,
                   actions.mark_acted):
        with pytest.raises(InboxActionProblem) as problem:
            action(uids["offer"])
        assert problem.value.message.startswith("This message is no longer in Next Steps")
    with pytest.raises(InboxActionProblem):
        actions.apply_stage(uids["offer"], "offer")
    assert actions.messages_for(search.lumen.id) == []


def test_nothing_changes_a_stage_by_itself(kept):
    search, _uids = kept
    stages = {a.id: a.stage for a in Application.select()}
    actions.inbox()
    actions.pending_notifications()
    for app in Application.select():
        actions.messages_for(app.id)
    assert {a.id: a.stage for a in Application.select()} == stages
    assert history() == []
    assert search.lumen.stage == "awaiting_response"
