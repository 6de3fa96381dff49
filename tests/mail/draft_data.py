"""What the drafts' tests share (test_email_drafts.py, test_thanked.py, test_mail_program.py):
the demo's Lumen and Northwind rounds (:func:`demo_lumen`, :func:`demo_northwind`), the
stored emails (:func:`stored_email`, :func:`set_state`, :func:`count_emails`), and a subject
that decodes to a Bcc header (:data:`ENCODED_BCC`). The ``lumen_drafts`` fixture is in
tests/mail/conftest.py."""

from __future__ import annotations

from models.application import Application
from models.email import Email
from models.interview import InterviewRound

ENCODED_BCC = "=?utf-8?q?hi=0ABcc:_evil@example.com?="


def demo_lumen():
    """The demo's Lumen Analytics application and its technical interview."""
    app = Application.get(Application.company == "Lumen Analytics")
    rnd = InterviewRound.get((InterviewRound.application == app)
                             & (InterviewRound.title == "Technical interview"))
    return app, rnd


def demo_northwind():
    """The demo's Northwind Logistics application (through an agency) and its round."""
    app = Application.get(Application.company == "Northwind Logistics")
    return app, app.rounds.get()


def stored_email(email_id) -> Email:
    """The email as stored now."""
    return Email.get_by_id(email_id)


def set_state(email_id, state) -> None:
    """Put the email in ``state`` behind the services' back."""
    Email.update(state=state).where(Email.id == email_id).execute()


def count_emails(**where) -> int:
    """How many emails match every ``field=value`` given."""
    query = Email.select()
    for field, value in where.items():
        query = query.where(getattr(Email, field) == value)
    return query.count()
