"""Advice rules (services.applications.advice): each fires exactly in its situation; the
loaders' facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.applications import advice
from services.applications.advice import (
    Advice,
    DeclineFacts,
    RoundSavedFacts,
    StageChangeFacts,
    WithdrawFacts,
    after_first_round_saved,
    before_declining_offer,
    before_withdrawing,
    on_awaiting_response,
)

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)


# --- the rules, table-driven -------------------------------------------------------------------

DECLINE_CASES = [
    # (other_open, other_offers, fires)
    (0, 0, False),
    (1, 0, True),
    (3, 0, True),
    (1, 1, True),
    (0, 1, True),   # another offer pending on this same application
    (4, 2, True),
]


@pytest.mark.parametrize(("other_open", "other_offers", "fires"), DECLINE_CASES)
def test_before_declining_offer(other_open, other_offers, fires):
    result = before_declining_offer(DeclineFacts(7, "Orbit Health", other_open, other_offers))
    assert (result is not None) == fires
    if fires:
        assert result.key == "before_declining_offer"
        assert result.better_action == "ask_more_time"
        assert result.go_on_label == "Decline anyway"
        assert result.better_label == "Ask for more time"
        assert "Orbit Health" in result.message


def test_decline_message_counts_what_is_open():
    text = before_declining_offer(DeclineFacts(1, "Elm", 4, 1)).message
    assert text.startswith("You have 1 other offer pending and 3 other applications still open.")
    text = before_declining_offer(DeclineFacts(1, "Elm", 1, 0)).message
    assert text.startswith("You have 1 other application still open.")
    text = before_declining_offer(DeclineFacts(1, "Elm", 2, 2)).message
    assert text.startswith("You have 2 other offers pending.")


WITHDRAW_CASES = [
    # (cancelling_round, awaiting_elsewhere, fires)
    (True, (), False),
    (False, (), False),
    (True, ("Lumen",), True),
    (False, ("Lumen",), True),
    (False, ("Lumen", "Northwind"), True),
]


@pytest.mark.parametrize(("cancelling", "awaiting", "fires"), WITHDRAW_CASES)
def test_before_withdrawing(cancelling, awaiting, fires):
    result = before_withdrawing(WithdrawFacts(3, "Kestrel", cancelling, awaiting, "Pairing"))
    assert (result is not None) == fires
    if fires:
        assert result.key == "before_withdrawing"
        assert result.better_action == "keep_open"
        assert result.better_label == "Keep it open"
        assert "nothing is certain until it is in writing" in result.message
        assert result.go_on_label == ("Cancel it anyway" if cancelling else "Withdraw anyway")
        assert ("Pairing" in result.message) == cancelling


def test_withdraw_message_names_the_others():
    one = before_withdrawing(WithdrawFacts(3, "Kestrel", False, ("Lumen",)))
    assert one.message.startswith("Lumen has not answered yet")
    many = before_withdrawing(WithdrawFacts(3, "Kestrel", True, ("A", "B", "C", "D", "E")))
    assert many.message.startswith("A, B and 3 others have not answered yet")
    assert "this interview" in many.message


AWAITING_CASES = [
    # (old_stage, new_stage, other_open, added_recently, fires)
    ("interviewing", "awaiting_response", 0, 0, True),
    (None, "awaiting_response", 0, 0, True),               # a new application
    ("interviewing", "awaiting_response", 1, 0, False),     # another one is open
    ("interviewing", "awaiting_response", 0, 1, False),     # something added this week
    ("awaiting_response", "awaiting_response", 0, 0, False),  # no change
    ("interviewing", "offer", 0, 0, False),
    ("applied", "interviewing", 0, 0, False),
    ("awaiting_response", "rejected", 0, 0, False),
]


@pytest.mark.parametrize(("old", "new", "other_open", "recent", "fires"), AWAITING_CASES)
def test_on_awaiting_response(old, new, other_open, recent, fires):
    result = on_awaiting_response(StageChangeFacts(5, old, new, other_open, recent))
    assert (result is not None) == fires
    if fires:
        assert result.key == "on_awaiting_response"
        assert result.better_action == "new_application"
        assert result.better_label == "Add an application"


ROUND_CASES = [
    # (rounds, first_has_timeframe, any_timeframe, fires)
    (1, False, False, True),
    (1, True, True, False),
    (0, False, False, False),
    (2, False, False, False),   # not the first round any more
    (2, False, True, False),
]


@pytest.mark.parametrize(("rounds", "first", "any_", "fires"), ROUND_CASES)
def test_after_first_round_saved(rounds, first, any_, fires):
    result = after_first_round_saved(RoundSavedFacts(2, "Quill", rounds, first, any_, 11))
    assert (result is not None) == fires
    if fires:
        assert result.key == "after_first_round_saved"
        assert result.better_action == "note_timeframe"
        assert "how long their process usually takes" in result.message


def test_first_round_wording_before_and_after_the_interview():
    ahead = after_first_round_saved(RoundSavedFacts(2, "Quill", 1, False, False, 11, False))
    past = after_first_round_saved(RoundSavedFacts(2, "Quill", 1, False, False, 11, True))
    assert ahead.message.startswith("At the interview, ask how long")
    assert past.message.startswith("If you did not get to ask, a short email can: ask how long")


@pytest.mark.parametrize("rule", [before_declining_offer, before_withdrawing,
                                  on_awaiting_response, after_first_round_saved])
def test_every_advice_is_complete_and_brief(rule):
    facts = {
        before_declining_offer: DeclineFacts(1, "Elm", 2, 1),
        before_withdrawing: WithdrawFacts(1, "Elm", False, ("Fir",)),
        on_awaiting_response: StageChangeFacts(1, "interviewing", "awaiting_response", 0, 0),
        after_first_round_saved: RoundSavedFacts(1, "Elm", 1, False, False),
    }[rule]
    result = rule(facts)
    assert isinstance(result, Advice)
    assert all(result)
    assert result.key == rule.__name__
    assert len(result.title) <= 60
    assert len(result.message.split()) <= 70
    assert result.message.endswith(".")


def test_rules_are_pure():
    facts = DeclineFacts(1, "Elm", 2, 1)
    assert before_declining_offer(facts) == before_declining_offer(facts)


# --- the loaders -----------------------------------------------------------------------------


def _app(company, stage, applied_on=date(2025, 1, 10), created_at=None):
    from models.application import Application

    values = {"company": company, "role": "Engineer", "stage": stage, "applied_on": applied_on}
    if created_at is not None:
        values["created_at"] = created_at
    return Application.create(**values)


def _offer(app, status="pending"):
    from models.application import Offer

    return Offer.create(application=app, status=status)


def _round(app, starts_at, value=None, asked=False, cancelled=False, title="Screen"):
    from models.interview import InterviewRound

    return InterviewRound.create(application=app, starts_at=starts_at, title=title,
                                 timeframe_value=value,
                                 timeframe_unit="days" if value else None,
                                 asked_timeframe=asked, cancelled=cancelled)


def test_facts_for_decline(store):
    elm = _app("Elm", "offer")
    offer = _offer(elm)
    assert advice.facts_for_decline(offer.id) == DeclineFacts(offer.id, "Elm", 0, 0)
    _app("Closed", "rejected")
    _offer(_app("Old", "accepted"))          # closed: its pending offer does not count
    _offer(elm, status="declined")
    assert advice.facts_for_decline(offer.id) == DeclineFacts(offer.id, "Elm", 0, 0)
    assert before_declining_offer(advice.facts_for_decline(offer.id)) is None
    _app("Fir", "applied")
    _offer(_app("Gum", "offer"))
    assert advice.facts_for_decline(offer.id) == DeclineFacts(offer.id, "Elm", 2, 1)
    assert before_declining_offer(advice.facts_for_decline(offer.id)) is not None


def test_facts_for_decline_of_a_missing_offer(store):
    from services.applications.offers import OfferNotFoundError

    with pytest.raises(OfferNotFoundError):
        advice.facts_for_decline(99)


def test_facts_for_withdraw(store):
    kestrel = _app("Kestrel", "interviewing")
    rnd = _round(kestrel, NOW + timedelta(days=1), title="Pairing session")
    assert advice.facts_for_withdraw(kestrel.id) == WithdrawFacts(kestrel.id, "Kestrel", False)
    _app("Lumen", "awaiting_response")
    _app("Orbit", "offer")
    facts = advice.facts_for_withdraw(kestrel.id, rnd.id)
    assert facts == WithdrawFacts(kestrel.id, "Kestrel", True, ("Lumen",), "Pairing session")
    assert before_withdrawing(facts).go_on_label == "Cancel it anyway"
    # Withdrawing from the only application awaiting a response: nobody else is waiting.
    lumen_id = _find("Lumen")
    assert advice.facts_for_withdraw(lumen_id).awaiting_elsewhere == ()


def _find(company):
    from models.application import Application

    return Application.get(Application.company == company).id


def test_facts_for_withdraw_of_a_missing_application(store):
    from services.applications.loading import ApplicationNotFoundError

    with pytest.raises(ApplicationNotFoundError):
        advice.facts_for_withdraw(99)


def test_facts_for_stage_change(store):
    only = _app("Only", "interviewing", applied_on=date(2025, 2, 1),
                created_at=datetime(2025, 2, 1, tzinfo=UTC))
    facts = advice.facts_for_stage_change(only.id, "awaiting_response", NOW)
    assert facts == StageChangeFacts(only.id, "interviewing", "awaiting_response", 0, 0)
    assert on_awaiting_response(facts) is not None
    # A closed one and an old one do not change that.
    _app("Done", "rejected", applied_on=date(2025, 1, 5),
         created_at=datetime(2025, 3, 11, tzinfo=UTC))
    assert on_awaiting_response(
        advice.facts_for_stage_change(only.id, "awaiting_response", NOW)) is not None
    # Something applied for six days ago counts as recent (even when closed since).
    _app("Recent", "rejected", applied_on=date(2025, 3, 6))
    facts = advice.facts_for_stage_change(only.id, "awaiting_response", NOW)
    assert facts.added_recently == 1
    assert on_awaiting_response(facts) is None


def test_facts_for_stage_change_counts_added_without_applied_date(store):
    only = _app("Only", "interviewing", applied_on=date(2025, 2, 1),
                created_at=datetime(2025, 2, 1, tzinfo=UTC))
    _app("Fresh", "no_response", applied_on=None, created_at=NOW - timedelta(days=2))
    facts = advice.facts_for_stage_change(only.id, "awaiting_response", NOW)
    assert facts.added_recently == 1
    _app("Other", "applied", applied_on=date(2024, 12, 1),
         created_at=datetime(2024, 12, 1, tzinfo=UTC))
    facts = advice.facts_for_stage_change(None, "awaiting_response", NOW)
    assert (facts.old_stage, facts.other_open) == (None, 2)


def test_facts_for_round_saved(store):
    from services.applications.loading import ApplicationNotFoundError

    quill = _app("Quill", "interviewing")
    assert advice.facts_for_round_saved(quill.id, NOW).rounds == 0
    first = _round(quill, NOW + timedelta(days=2))
    facts = advice.facts_for_round_saved(quill.id, NOW)
    assert facts == RoundSavedFacts(quill.id, "Quill", 1, False, False, first.id, False)
    assert after_first_round_saved(facts) is not None
    _round(quill, NOW + timedelta(days=1), cancelled=True)   # cancelled rounds do not count
    assert after_first_round_saved(advice.facts_for_round_saved(quill.id, NOW)) is not None
    first.asked_timeframe = True
    first.save()
    assert after_first_round_saved(advice.facts_for_round_saved(quill.id, NOW)) is None
    first.asked_timeframe = False
    first.timeframe_value = 5
    first.timeframe_unit = "days"
    first.save()
    assert after_first_round_saved(advice.facts_for_round_saved(quill.id, NOW)) is None
    _round(quill, NOW + timedelta(days=9))
    assert advice.facts_for_round_saved(quill.id, NOW).rounds == 2
    with pytest.raises(ApplicationNotFoundError):
        advice.facts_for_round_saved(404)


def test_loaders_refuse_a_naive_now(store):
    app = _app("Any", "applied")
    with pytest.raises(ValueError, match="timezone-aware"):
        advice.facts_for_stage_change(app.id, "awaiting_response", datetime(2025, 3, 12))
