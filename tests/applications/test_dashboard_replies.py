"""The dashboard and replies read from the mailbox: an application that got a reply after its
latest round is answered, so it leaves "Waiting for an answer" and its follow-up is not
overdue; a reply the user said is not about it changes nothing."""

from __future__ import annotations

import pytest

from services.applications.dashboard import compute
from services.mail.inbox import actions
from services.mail.inbox.keeping import take_messages
from tests.applications.dashboard_data import BERLIN, NOW, add_fixed_search
from tests.mail.inbox.inbox_data import message


@pytest.fixture
def fixed(store):
    """The dashboard tests' fixed search of 14 applications (tests/applications/dashboard_data.py);
    Alder waits since its round of Mon 3 Mar 2025 (Bea interviewed) and its follow-up is due."""
    return add_fixed_search()


def from_bea(date_header: str, message_id: str) -> bytes:
    return message("Thank you for your patience; we will be in touch shortly.",
                   sender="Bea <bea@alder.example>", subject="Re: Thank you",
                   date_header=date_header, message_id=message_id)


def alder_rows(figures, fixed) -> tuple[list, list]:
    waiting = [item for item in figures.waiting if item.application_id == fixed["alder"]]
    overdue = [item.kind for item in figures.overdue if item.application_id == fixed["alder"]]
    return waiting, overdue


def test_a_reply_after_the_round_counts_the_application_as_answered(fixed):
    before = compute(NOW, BERLIN, 5)
    waiting, overdue = alder_rows(before, fixed)
    assert len(waiting) == 1 and overdue == ["follow_up"]

    (taken,) = take_messages([(from_bea("Wed, 5 Mar 2025 11:20:00 +0100", "<bea.1@alder>"),
                               "INBOX")])
    assert taken.kept

    after = compute(NOW, BERLIN, 5)
    assert alder_rows(after, fixed) == ([], [])
    assert len(after.waiting) == len(before.waiting) - 1
    assert len(after.overdue) == len(before.overdue) - 1


def test_a_reply_from_before_the_round_is_no_answer(fixed):
    (taken,) = take_messages([(from_bea("Fri, 28 Feb 2025 09:00:00 +0100", "<bea.0@alder>"),
                               "INBOX")])
    assert taken.kept
    waiting, overdue = alder_rows(compute(NOW, BERLIN, 5), fixed)
    assert len(waiting) == 1 and overdue == ["follow_up"]


def test_a_reply_not_about_the_application_changes_nothing(fixed):
    (taken,) = take_messages([(from_bea("Wed, 5 Mar 2025 11:20:00 +0100", "<bea.2@alder>"),
                               "INBOX")])
    actions.not_about_this(taken.inbox_uid)
    waiting, overdue = alder_rows(compute(NOW, BERLIN, 5), fixed)
    assert len(waiting) == 1 and overdue == ["follow_up"]
