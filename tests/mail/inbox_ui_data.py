"""What the tests of the replies' screens share (test_message_list.py, test_inbox_view.py,
tests/applications/test_editor_messages_tab.py): the corpus's job search with its replies
read from real .eml files (tests/fixtures/mail_corpus) through ``take_messages``, and the
main window on that data.

Corpus messages used (numbers): 9 Northwind's rejection (suggests "rejected"), 18 Priya's
reply to the thank-you note (Lumen: "Reply"), 20 Priya's offer (Lumen, an answer date),
21 Daniel's second-round invitation (Kestrel Group, no calendar part), 22 a rejection that
Kestrel Group and Kestrel Digital both fit, 27 Maya's Google Calendar invitation
(Copperleaf Games, with its ``text/calendar`` part).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.application import Application
from services.core.snapshot import read_snapshot
from services.mail.inbox.actions import MessageView, inbox, messages_for
from services.mail.inbox.keeping import take_messages
from tests.mail.inbox.inbox_data import Search, add_search, corpus
from ui.shell.main_window import MainWindow

NORTHWIND_REJECTION, PRIYA_REPLY, PRIYA_OFFER, KESTREL_ROUND = 9, 18, 20, 21
AMBIGUOUS, COPPERLEAF_CALENDAR = 22, 27


@dataclass
class Replies:
    """The search of tests/mail/inbox/inbox_data.py, Copperleaf Games besides."""

    search: Search
    copperleaf: Application


def add_replies(*numbers: int) -> Replies:
    """The job search, then the corpus messages ``numbers`` read from the mailbox."""
    search = add_search()
    copperleaf = Application.create(company="Copperleaf Games", role="Analytics Engineer",
                                    stage="interviewing", contact_name="Maya Lindqvist",
                                    contact_email="maya@copperleafgames.com")
    take(*numbers)
    return Replies(search, copperleaf)


def take(*numbers: int) -> None:
    """Read more corpus messages, as one pass of the watcher would."""
    taken = take_messages([(corpus(number), "INBOX") for number in numbers])
    assert all(item.kept for item in taken), [item.outcome() for item in taken]


def in_inbox(company: str) -> MessageView:
    """The one message still to look at about ``company``."""
    (view,) = [view for view in inbox() if view.company == company]
    return view


def about(application_id: int) -> list[MessageView]:
    """The messages of one application, as its Messages tab lists them."""
    return messages_for(application_id)


def make_window(qtbot, store) -> MainWindow:
    """The main window on ``store``, shown and painted."""
    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window
