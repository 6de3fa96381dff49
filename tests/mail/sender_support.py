"""What the sender's tests share (test_mail_sender*.py): three interviewers with non-ASCII
names (:data:`INTERVIEWERS`), a non-ASCII subject (:data:`SUBJECT`), :func:`send` (one message
against a test server, no waiting between retries) and :func:`row` (the stored email)."""

from __future__ import annotations

from models.email import Email
from services.mail import sender as mail_sender
from tests.support.smtp_server import PASSWORD, account_for

INTERVIEWERS = [
    ("José Álvarez", "jose@example.org"),
    ("Åsa Lindqvist", "asa@example.net"),
    ("François Müller-Øberg", "francois@example.com"),
]
SUBJECT = "Merci pour l'entretien – José"


def send(server, email_id, **options):
    """send_one against ``server`` with its CA trusted and no waiting between retries."""
    options.setdefault("retry_delay", 0)
    options.setdefault("timeout", 5)
    password = options.pop("password", PASSWORD)
    account = options.pop("account", None) or account_for(server)
    return mail_sender.send_one(email_id, account, password,
                                tls_context=server.client_context(), **options)


def row(email_id) -> Email:
    """The email as stored now."""
    return Email.get_by_id(email_id)
