"""Addresses ending in a dot and names too long for one header line are refused up front,
with a sentence, before the confirmation; no line of a message exceeds RFC 5322's 998 bytes."""

from __future__ import annotations

import pytest

from models.email import Email
from services.mail import message as mail_message
from services.mail.account import Account
from services.mail.headers import MAX_NAME_LENGTH, HeaderProblem, address_problem, name_problem
from services.mail.message import MessageFields, prepare
from services.mail.send_checks import ready_to_send
from tests.support.smtp_server import account_for, mail_server_fixture, make_emails  # noqa: F401

ACCOUNT = Account(sender_name="Zoé Durand", sender_address="zoe@example.com",
                  host="smtp.example.com", port=587, security="starttls",
                  username="zoe@example.com")
FIELDS = MessageFields("José Álvarez", "jose@example.org", "Thank you", "Dear José,\n\nThanks.")


@pytest.mark.parametrize("address", ["a@b.com.", "jose@example.org.", "a@b.com.."])
def test_an_address_ending_in_a_dot_is_refused(address):
    assert address_problem(address, "recipient's address") == (
        f"The recipient's address “{address}” ends with a dot, which email addresses cannot "
        "do. Remove the dot at the end.")
    with pytest.raises(HeaderProblem) as caught:
        prepare(FIELDS._replace(to_address=address), ACCOUNT)
    assert caught.value.field == "to_address"


def test_a_name_longer_than_the_limit_is_refused():
    assert name_problem("x" * MAX_NAME_LENGTH, "recipient's name") is None
    assert name_problem("x" * 3000, "recipient's name") == (
        "The recipient's name is 3,000 characters long; email allows names of up to "
        f"{MAX_NAME_LENGTH} characters here. Shorten it and try again.")
    with pytest.raises(HeaderProblem) as caught:
        prepare(FIELDS._replace(to_name="x" * 3000), ACCOUNT)
    assert caught.value.field == "to_name"
    with pytest.raises(HeaderProblem):
        prepare(FIELDS, ACCOUNT._replace(sender_name="y" * 3000))


@pytest.mark.parametrize("name", ["x" * MAX_NAME_LENGTH, "J" + "o" * (MAX_NAME_LENGTH - 1),
                                  '"' * MAX_NAME_LENGTH])
def test_the_longest_accepted_name_keeps_every_line_within_998_bytes(name):
    try:
        prepared = prepare(FIELDS._replace(to_name=name), ACCOUNT)
    except HeaderProblem:
        return  # refused with a sentence is fine; a line over 998 bytes is not
    assert max(len(line) for line in prepared.data.split(b"\r\n")) <= 998


def test_a_line_over_998_bytes_is_refused_by_the_final_check():
    prepared = prepare(FIELDS, ACCOUNT)
    head, _, rest = prepared.data.partition(b"\r\n\r\n")
    long_data = head + b"\r\n\r\n" + b"y" * 999 + b"\r\n" + rest
    with pytest.raises(HeaderProblem) as caught:
        mail_message.verify(long_data, sender=("Zoé Durand", "zoe@example.com"),
                            recipient=("José Álvarez", "jose@example.org"),
                            subject="Thank you", message_id=prepared.message_id)
    assert "998" in caught.value.message


def test_ready_to_send_names_each_note_that_cannot_go(store, mail_server):
    ids = make_emails([("José Álvarez", "jose@example.org"), ("Åsa", "asa@example.net")])
    Email.update(to_address="asa@example.net.").where(Email.id == ids[1]).execute()
    drafts, problems = ready_to_send(ids, account_for(mail_server))
    assert [d.email_id for d in drafts] == ids
    assert [(p.email_id, p.name) for p in problems] == [(ids[1], "Åsa")]
    assert "ends with a dot" in problems[0].message


@pytest.mark.usefixtures("store")
def test_sending_an_address_ending_in_a_dot_fails_with_the_sentence(mail_server):
    from services.mail import sender as mail_sender
    from tests.support.smtp_server import PASSWORD

    [email_id] = make_emails([("José Álvarez", "jose@example.org.")])
    mail_sender.queue([email_id])
    result = mail_sender.send_one(email_id, account_for(mail_server), PASSWORD,
                                  tls_context=mail_server.client_context(), retry_delay=0)
    assert result.message.startswith("The recipient's address “jose@example.org.” ends with a dot")
    assert mail_server.messages == []


# -- in the composer: told before the confirmation ------------------------------------------------


@pytest.mark.parametrize(("field", "value", "start"), [
    ("to_address", "lukas.brandt@lumen-analytics.example.",
     "The note to Lukas Brandt was not sent: The recipient's address "
     "“lukas.brandt@lumen-analytics.example.” ends with a dot"),
    ("to_name", "L" * 3000,
     "The note to " + "L" * 3000 + " was not sent: The recipient's name is 3,000 characters "
     "long"),
])
def test_the_composer_says_why_before_asking_to_send(qtbot, demo_store, mail_server,
                                                     monkeypatch, field, value, start):
    from services.applications.loading import round_choices
    from services.core.snapshot import read_snapshot
    from services.mail.account import save_account
    from tests.support.smtp_server import PASSWORD
    from ui.mail.composer_dialogs import ComposerDialogs
    from ui.shell.main_window import MainWindow

    asked: list = []
    monkeypatch.setattr(ComposerDialogs, "confirm_send",
                        classmethod(lambda cls, p, r: asked.append(r) or True))
    monkeypatch.setattr(ComposerDialogs, "confirm_send_similar",
                        classmethod(lambda cls, p, t: asked.append(t) or True))
    save_account(account_for(mail_server), PASSWORD)
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    choice = next(c for c in round_choices()
                  if c.company == "Lumen Analytics" and c.round_title == "Technical interview")
    window.open_composer(choice.application_id, choice.round_id)
    composer = window.view("compose")
    composer.recipients.setCurrentRow(2)
    email_id = composer.drafts[2].email_id
    getattr(composer, field).setText(value)
    composer.recipients.setCurrentRow(1)
    composer.send_all()
    assert composer.state_label.text().startswith(start)
    assert composer.current_row() == 2
    assert asked == [], "nothing was asked: the note cannot go as it stands"
    assert Email.get_by_id(email_id).state == "draft"
    assert getattr(Email.get_by_id(email_id), field) == value, "what was typed is kept"
    assert mail_server.messages == []


@pytest.mark.parametrize("name", ["François Müller-Øberg Lindqvist-Åsa Ñúñez", "é" * 23,
                                  "Zoë Ἀθηνᾶ Παπαδοπούλου-Κωνσταντινίδου"])
def test_long_accented_names_are_sent_as_typed(name):
    """A long non-ASCII name folds into several encoded words, sometimes inside a word; the
    final check accepts it, and the server's copy reads back the name as typed."""
    from email.header import decode_header, make_header

    prepared = prepare(FIELDS._replace(to_name=name), ACCOUNT)
    raw_to = next(line for line in prepared.data.decode("ascii").split("\r\n\r\n")[0]
                  .replace("\r\n ", " ").split("\r\n") if line.startswith("To:"))
    # RFC 2047: a reader joins adjacent encoded words without the space between them.
    assert str(make_header(decode_header(raw_to[4:].rsplit(" <", 1)[0]))) == name
