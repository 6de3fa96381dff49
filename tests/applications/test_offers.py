"""Offers (services.applications.offers): recording, validating, deciding, and what the
dashboard shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services.applications import deletion, offers
from services.applications.dashboard import compute
from services.applications.loading import ApplicationNotFoundError
from services.applications.offers import OfferNotFoundError, OfferProblem

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def _app(company="Orbit Health", stage="awaiting_response"):
    from models.application import Application

    return Application.create(company=company, role="Backend Developer", stage=stage,
                              applied_on=date(2025, 2, 1))


def _deadline(day: date, hour: int = 17, zone: str = "Europe/Berlin") -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def _record(app_id, deadline=None, tz="Europe/Berlin", amount=Decimal("74000"), currency="EUR",
            **extra):
    values = {"received_on": date(2025, 3, 10), "deadline": deadline, "deadline_tz": tz,
              "amount": amount, "currency": currency, "notes": "Start date flexible"}
    values.update(extra)
    return offers.record_offer(app_id, now=NOW, **values)


def test_record_offer_moves_the_application_to_offer_in_one_step(store):
    from models.application import Application, Offer, StageChange

    app = _app()
    offer_id = _record(app.id, _deadline(date(2025, 3, 14)))
    offer = Offer.get_by_id(offer_id)
    assert offer.deadline_at == datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    assert offer.deadline_tz == "Europe/Berlin"
    assert offer.amount == Decimal("74000")
    assert offer.currency == "EUR"
    assert offer.status == "pending"
    assert Application.get_by_id(app.id).stage == "offer"
    changes = [(c.from_stage, c.to_stage, c.changed_at) for c in StageChange.select()]
    assert changes == [("awaiting_response", "offer", NOW)]
    record = offers.load_offer(offer_id)
    assert record.deadline == _deadline(date(2025, 3, 14))
    assert record.deadline.tzinfo.key == "Europe/Berlin"
    assert (record.company, record.role, record.notes) == (
        "Orbit Health", "Backend Developer", "Start date flexible")


def test_a_second_offer_adds_no_stage_change(store):
    from models.application import StageChange

    app = _app(stage="offer")
    _record(app.id)
    _record(app.id, amount=None, currency="")
    assert StageChange.select().count() == 0
    assert len(offers.offers_for(app.id)) == 2


@pytest.mark.parametrize(("days", "expected"), [
    (-3, -3),      # the deadline has passed
    (0, 0),        # today
    (1, 1),
    (400, 400),    # far in the future
])
def test_deadline_days_left_on_the_dashboard(store, days, expected):
    app = _app()
    _record(app.id, _deadline(date(2025, 3, 12) + timedelta(days=days)),
            received_on=date(2025, 3, 1))
    (item,) = compute(NOW, BERLIN, 5).offers
    assert item.days_left == expected
    assert item.deadline == _deadline(date(2025, 3, 12) + timedelta(days=days)).astimezone(UTC)
    assert item.company == "Orbit Health"


def test_deadline_today_late_in_another_zone(store):
    # 23:30 in New York on 12 March is already 13 March in Berlin.
    app = _app()
    _record(app.id, datetime(2025, 3, 12, 23, 30, tzinfo=ZoneInfo("America/New_York")),
            tz="America/New_York")
    (item,) = compute(NOW, BERLIN, 5).offers
    assert item.days_left == 1
    (item,) = compute(NOW, ZoneInfo("America/New_York"), 5).offers
    assert item.days_left == 0


def test_no_deadline(store):
    app = _app()
    offer_id = _record(app.id, None, tz="not a zone")
    record = offers.load_offer(offer_id)
    assert record.deadline is None
    assert record.deadline_tz == "UTC"
    (item,) = compute(NOW, BERLIN, 5).offers
    assert item.days_left is None and item.deadline is None


@pytest.mark.parametrize(("currency", "stored"), [
    ("EUR", "EUR"), ("usd", "USD"), (" gbp ", "GBP"), ("CHF", "CHF"), ("JPY", "JPY"),
    ("", ""), ("XAU", "XAU"),
])
def test_currencies_accepted(store, currency, stored):
    app = _app()
    offer_id = _record(app.id, currency=currency)
    assert offers.load_offer(offer_id).currency == stored


@pytest.mark.parametrize("currency", ["EURO", "€", "US$", "12", "E", "EU R"])
def test_currencies_refused_with_a_sentence(store, currency):
    app = _app()
    with pytest.raises(OfferProblem) as caught:
        _record(app.id, currency=currency)
    assert set(caught.value.problems) == {"currency"}
    assert "three letters such as EUR" in caught.value.problems["currency"]
    assert offers.offers_for(app.id) == []


@pytest.mark.parametrize(("amount", "words"), [
    (Decimal("-1"), "negative"),
    (Decimal("74000.505"), "two decimals"),
    (Decimal("1e15"), "too large"),
    (Decimal("NaN"), "as a number"),
    ("74000", "as a number"),
])
def test_bad_amounts_are_explained(store, amount, words):
    app = _app()
    with pytest.raises(OfferProblem) as caught:
        _record(app.id, amount=amount)
    assert words in caught.value.problems["amount"]


def test_every_problem_at_once_and_nothing_written(store):
    from models.application import Application

    app = _app()
    with pytest.raises(OfferProblem) as caught:
        _record(app.id, datetime(2025, 3, 14, 17), tz="Mars/Olympus", amount=Decimal("-5"),
                currency="EURO", received_on="yesterday")
    assert set(caught.value.problems) == {"received_on", "deadline", "deadline_tz", "amount",
                                          "currency"}
    assert str(caught.value) == caught.value.problems["received_on"]
    assert Application.get_by_id(app.id).stage == "awaiting_response"


def test_deadline_before_the_offer_was_received(store):
    app = _app()
    with pytest.raises(OfferProblem) as caught:
        _record(app.id, _deadline(date(2025, 3, 9)), received_on=date(2025, 3, 10))
    assert caught.value.problems == {
        "deadline": "The deadline is before the day you received the offer; check both dates."}


def test_record_on_a_missing_application(store):
    with pytest.raises(ApplicationNotFoundError):
        _record(12345)


def test_update_offer_changes_details_not_status(store):
    app = _app()
    offer_id = _record(app.id, _deadline(date(2025, 3, 14)))
    offers.update_offer(offer_id, date(2025, 3, 11), _deadline(date(2025, 3, 18), 12, "UTC"),
                        "UTC", Decimal("76000.50"), "chf", "Raised after a call")
    record = offers.load_offer(offer_id)
    assert record.deadline == datetime(2025, 3, 18, 12, tzinfo=ZoneInfo("UTC"))
    assert (record.amount, record.currency, record.notes, record.status) == (
        Decimal("76000.50"), "CHF", "Raised after a call", "pending")
    with pytest.raises(OfferProblem):
        offers.update_offer(offer_id, None, None, "UTC", Decimal("-1"), "", "")
    with pytest.raises(OfferNotFoundError):
        offers.update_offer(999, None, None, "UTC", None, "", "")


def test_accept_offer_moves_the_application_to_accepted(store):
    from models.application import Application, StageChange

    app = _app()
    offer_id = _record(app.id, _deadline(date(2025, 3, 14)))
    offers.accept_offer(offer_id, NOW + timedelta(hours=1))
    assert offers.load_offer(offer_id).status == "accepted"
    assert Application.get_by_id(app.id).stage == "accepted"
    last = StageChange.select().order_by(StageChange.id.desc()).first()
    assert (last.from_stage, last.to_stage) == ("offer", "accepted")
    assert compute(NOW, BERLIN, 5).offers == []
    assert offers.pending_offers() == []


def test_decline_offer_moves_the_application_to_declined(store):
    from models.application import Application

    app = _app()
    offer_id = _record(app.id, _deadline(date(2025, 3, 14)))
    offers.decline_offer(offer_id, NOW)
    assert offers.load_offer(offer_id).status == "declined"
    assert Application.get_by_id(app.id).stage == "declined"


def test_declining_one_of_two_offers_keeps_the_stage(store):
    from models.application import Application

    app = _app()
    first = _record(app.id)
    second = _record(app.id)
    offers.decline_offer(first, NOW)
    assert Application.get_by_id(app.id).stage == "offer"
    offers.decline_offer(second, NOW)
    assert Application.get_by_id(app.id).stage == "declined"


def test_deciding_a_missing_offer(store):
    with pytest.raises(OfferNotFoundError, match="no longer exists"):
        offers.accept_offer(4242, NOW)
    with pytest.raises(OfferNotFoundError):
        offers.decline_offer(4242, NOW)
    with pytest.raises(OfferNotFoundError):
        offers.load_offer(4242)


def test_pending_offers_nearest_deadline_first(store):
    late = _record(_app("Late").id, _deadline(date(2025, 4, 1)))
    none = _record(_app("Open").id, None)
    soon = _record(_app("Soon").id, _deadline(date(2025, 3, 13)))
    done = _record(_app("Done").id, _deadline(date(2025, 3, 12)))
    offers.accept_offer(done, NOW)
    assert [r.id for r in offers.pending_offers()] == [soon, late, none]


def test_deleting_an_application_deletes_its_offers_and_undo_brings_them_back(store):
    from models.application import Offer

    app = _app()
    offer_id = _record(app.id, _deadline(date(2025, 3, 14)))
    other = _record(_app("Other").id)
    snapshot = deletion.delete(app.id)
    assert Offer.get_or_none(Offer.id == offer_id) is None
    assert Offer.get_or_none(Offer.id == other) is not None
    assert [item.offer_id for item in compute(NOW, BERLIN, 5).offers] == [other]
    deletion.undo_delete(snapshot)
    assert offers.load_offer(offer_id).amount == Decimal("74000.00")


def test_the_database_cascade_deletes_offers_too(store):
    from models.application import Application, Offer

    app = _app()
    _record(app.id)
    Application.delete().where(Application.id == app.id).execute()
    assert Offer.select().count() == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("74000", Decimal("74000")),
    ("74,000", Decimal("74000")),
    ("74,000.50", Decimal("74000.50")),
    ("74.000,50", Decimal("74000.50")),
    ("74 000", Decimal("74000")),
    ("74\u202f000,5", Decimal("74000.5")),
    ("1'250'000", Decimal("1250000")),
    ("€ 74000", Decimal("74000")),
    ("74000 EUR", Decimal("74000")),
    ("$140,000", Decimal("140000")),
    ("1.234.567", Decimal("1234567")),
    ("12,34,567", Decimal("1234567")),
    (".5", Decimal("0.5")),
    ("0", Decimal("0")),
    ("", None),
    ("   ", None),
])
def test_parse_amount(text, expected):
    assert offers.parse_amount(text) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("74k", "is not an amount"),
    ("about 70", "is not an amount"),
    ("-5", "negative"),
    ("−5", "negative"),
    ("EUR", "is not an amount"),
    ("1.2.3,4,5", "is not an amount"),
    ("74,00,0", "is not an amount"),
    ("1,2345", "is not an amount"),
])
def test_parse_amount_refuses_with_a_sentence(text, words):
    with pytest.raises(ValueError, match=words):
        offers.parse_amount(text)
