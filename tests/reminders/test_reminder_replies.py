"""A reply read from the mailbox resolves the follow-up: once a message matched to the
application, dated after the round began, is kept, the next sync removes the pending
follow-up reminder (tests/reminders/conftest.py: the lumen search)."""

from __future__ import annotations

from services.mail.inbox import actions
from services.mail.inbox.keeping import take_messages
from services.reminders.rules import ReminderKind
from tests.mail.inbox.inbox_data import message
from tests.reminders.reminder_data import local, rows, sync


def from_priya(date_header: str, message_id: str, body: str = "Thank you for your patience; "
               "we are still talking to a few candidates.", **extra) -> bytes:
    """A message from the round's interviewer Priya Raman (priya@example.com)."""
    return message(body, sender="Priya Raman <priya@example.com>", subject="Re: Thank you",
                   date_header=date_header, message_id=message_id, **extra)


def test_a_matched_reply_removes_the_follow_up_on_the_next_sync(lumen):
    _app, rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    assert list(rows(ReminderKind.FOLLOW_UP)) == [f"follow_up:round:{rnd.uid}"]

    (taken,) = take_messages([(from_priya("Thu, 16 May 2024 11:00:00 +0200", "<p.1@example>"),
                               "INBOX")])
    assert taken.kept

    result = sync(local(2024, 5, 16, 12))
    assert rows(ReminderKind.FOLLOW_UP) == {}
    assert result.removed >= 1


def test_a_reply_that_does_not_count_leaves_the_follow_up(lumen):
    _app, rnd, _people = lumen
    sync(local(2024, 5, 14, 10))
    key = f"follow_up:round:{rnd.uid}"
    before, automatic, not_this = take_messages([
        (from_priya("Fri, 10 May 2024 09:00:00 +0200", "<p.0@example>"), "INBOX"),
        (from_priya("Thu, 16 May 2024 11:00:00 +0200", "<p.2@example>",
                    body="I am out of the office until Monday.",
                    headers="Auto-Submitted: auto-replied"), "INBOX"),
        (from_priya("Fri, 17 May 2024 11:00:00 +0200", "<p.3@example>"), "INBOX"),
    ])
    assert before.kept and not automatic.kept and not_this.kept
    actions.not_about_this(not_this.inbox_uid)

    sync(local(2024, 5, 17, 12))
    assert list(rows(ReminderKind.FOLLOW_UP)) == [key]
