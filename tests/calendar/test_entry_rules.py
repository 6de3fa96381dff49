"""The rules of the dated entries as a pure core (services.calendar.entry_rules): facts in,
entries out, no clock and no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.values import OfferStatus
from services.calendar.entry_facts import OfferFacts, ResponseFacts, RoundFacts, Rules
from services.calendar.entry_rules import derive, thank_you_entry
from services.calendar.entry_types import EntryKind, Person, role_at
from tests.calendar.entry_data import kinds


def test_the_pure_core_needs_no_database():
    facts = RoundFacts(
        1, "r1", 2, "a1", "Acme", "Engineer", False, "", "", "Panel",
        datetime(2024, 5, 14, 12, tzinfo=UTC), "Europe/Berlin", 45,
        interviewers=(Person("Ann", "ann@acme.example"),), unthanked=("Ann",))
    response = ResponseFacts(2, "a1", "Acme", "Engineer", "interviewing", False, "", "", 1,
                             "Panel", datetime(2024, 5, 14, 12, tzinfo=UTC),
                             "Europe/Berlin", None, None)
    entries = derive([facts], [response], rules=Rules(follow_up_grace_business_days=1,
                                                      default_response_business_days=3))
    assert kinds(entries) == [EntryKind.INTERVIEW, EntryKind.THANK_YOU_DEADLINE,
                              EntryKind.EXPECTED_RESPONSE, EntryKind.FOLLOW_UP]
    assert entries[2].start == date(2024, 5, 17)
    assert entries[3].start == date(2024, 5, 20)  # Friday + 1 business day
    assert thank_you_entry(facts._replace(unthanked=())) is None


def test_an_application_without_a_role_reads_well():
    """An application made from an invitation that did not name the role has none yet: the
    texts name the company alone, never "for  at Acme"."""
    facts = RoundFacts(
        1, "r1", 2, "a1", "Acme", "", False, "", "", "Panel",
        datetime(2024, 5, 14, 12, tzinfo=UTC), "Europe/Berlin", 45,
        interviewers=(Person("Ann", "ann@acme.example"),), unthanked=("Ann",))
    response = ResponseFacts(2, "a1", "Acme", "", "interviewing", False, "", "", 1,
                             "Panel", datetime(2024, 5, 14, 12, tzinfo=UTC),
                             "Europe/Berlin", None, None)
    offer = OfferFacts("o1", 2, "a1", "Acme", "", OfferStatus.PENDING.value,
                       datetime(2024, 5, 20, 12, tzinfo=UTC), "Europe/Berlin")
    entries = derive([facts], [response], [offer])
    assert len(entries) == 5
    for entry in entries:
        assert " at Acme" not in entry.description and "  " not in entry.description
        assert "Acme" in entry.description
    assert role_at("Engineer", "Acme") == "Engineer at Acme"
    assert role_at(" ", "Acme") == "Acme"
