"""classify: what a reply means, why, which stage it suggests and which deadline it names."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest

from services.mail.inbox import classify as meaning_of
from services.mail.inbox.classify import (
    ASKS,
    AUTO_REPLY,
    BULK,
    INVITATION,
    OFFER,
    OTHER,
    RECEIVED,
    REJECTION,
    classify,
    suggest,
)
from services.mail.inbox.inbound import InboundMessage
from services.mail.inbox.phrases import PHRASE_KINDS, compile_phrase, languages, load_languages
from services.mail.inbox.quoting import strip_quoted

NOVEMBER = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def message(text: str, subject: str = "Your application", **fields) -> InboundMessage:
    fields.setdefault("date", NOVEMBER)
    fields.setdefault("from_address", "talent@example.com")
    return InboundMessage(subject=subject, text=text, **fields)


def test_a_rejection_that_opens_with_thanks_is_a_rejection():
    meaning = classify(message(
        "Thank you so much for your interest and for the time you took to interview with us. "
        "We enjoyed meeting you.\n\nAfter careful consideration, we have decided to move "
        "forward with other candidates."))
    assert meaning.kind == REJECTION
    assert meaning.suggested_stage == "rejected"
    assert "It says “move forward with other candidates”." in meaning.reasons
    assert meaning.deadline is None


def test_a_german_rejection_quotes_in_german():
    meaning = classify(message(
        "Sehr geehrte Frau Keller,\n\nvielen Dank für Ihre Bewerbung und das angenehme Gespräch. "
        "Leider müssen wir Ihnen mitteilen, dass wir uns für eine andere Bewerberin entschieden "
        "haben."))
    assert meaning.kind == REJECTION
    assert any(reason.startswith("Es heißt „") and reason.endswith("“.")
               for reason in meaning.reasons)


def test_we_received_your_application_is_received_not_an_invitation():
    meaning = classify(message(
        "Thanks for applying! We have received your application. If your profile matches "
        "what we are looking for, we will invite you to an interview."))
    assert meaning.kind == RECEIVED
    assert meaning.suggested_stage is None
    german = classify(message(
        "wir bestätigen den Eingang Ihrer Bewerbung. Sollte Ihr Profil passen, laden wir Sie "
        "zu einem Vorstellungsgespräch ein."))
    assert german.kind == RECEIVED


def test_an_invitation_suggests_interviewing_only_from_applied():
    text = "We'd like to invite you to a first interview. Please pick a time that suits you."
    assert classify(message(text)).suggested_stage == "interviewing"
    assert classify(message(text), "applied").suggested_stage == "interviewing"
    assert classify(message(text), "interviewing").suggested_stage is None
    assert classify(message(text), "awaiting_response").suggested_stage is None
    assert classify(message(text)).kind == INVITATION


def test_suggestions_for_each_kind_and_stage():
    assert suggest(REJECTION, "awaiting_response") == "rejected"
    assert suggest(REJECTION, "rejected") is None
    assert suggest(REJECTION, "withdrawn") is None
    assert suggest(OFFER, "interviewing") == "offer"
    assert suggest(OFFER, "offer") is None
    assert suggest(OFFER, "accepted") is None
    for kind in (RECEIVED, ASKS, OTHER, BULK, AUTO_REPLY):
        assert suggest(kind, "applied") is None


def test_an_offer_names_its_deadline_relative_to_the_message_date():
    meaning = classify(message(
        "We are delighted to offer you the position. Please let us know by 12 December."))
    assert meaning.kind == OFFER
    assert meaning.suggested_stage == "offer"
    assert meaning.deadline == date(2026, 12, 12)
    assert meaning.reasons[-1] == \
        "It names a deadline: Saturday 12 December 2026 (“by 12 December”)."


@pytest.mark.parametrize(("text", "sent", "expected"), [
    ("Wir freuen uns, Ihnen die Stelle anbieten zu können. Bitte geben Sie uns bis zum 12.12. "
     "Bescheid.", NOVEMBER, date(2026, 12, 12)),
    ("We're pleased to offer you the role; could you let us know by 5 January?",
     datetime(2026, 12, 20, 9, 0, tzinfo=UTC), date(2027, 1, 5)),
    ("We are happy to offer you the position and would need an answer by Friday.",
     NOVEMBER, date(2026, 11, 20)),
    ("Job offer: we'd like your decision no later than December 3rd, 2026.",
     NOVEMBER, date(2026, 12, 3)),
    ("We would like to offer you the role. Please reply within five days.",
     NOVEMBER, date(2026, 11, 21)),
    ("Wir möchten Ihnen die Position anbieten. Bitte antworten Sie innerhalb einer Woche.",
     NOVEMBER, date(2026, 11, 23)),
    ("Vertragsangebot: bitte spätestens 2026-12-01 zurücksenden.", NOVEMBER, date(2026, 12, 1)),
])
def test_deadlines_in_both_languages(text, sent, expected):
    meaning = classify(message(text, date=sent))
    assert meaning.kind == OFFER
    assert meaning.deadline == expected


def test_an_offer_without_a_deadline_has_none():
    assert classify(message("I'm thrilled to extend you an offer! Start date 1 February."))\
        .deadline is None


def test_the_users_quoted_note_is_not_read_as_the_companys_words():
    reply = ("Thanks Jana, it was great to meet you too. We'll be in touch.\n\n"
             "On Tue, 3 Nov 2026 at 18:14, Jana Keller <jana@posteo.de> wrote:\n"
             "> I would be delighted to accept an offer, and I'm happy to provide references.\n"
             "> I hope to be invited to the next round.\n")
    assert classify(message(reply, subject="Re: Thank you")).kind == OTHER
    german = ("Danke für Ihre Nachricht, wir melden uns.\n\n"
              "Am 25.11.2026 um 18:03 schrieb Jana Keller <jana@posteo.de>:\n\n"
              "Ich freue mich über Ihr Vertragsangebot und eine Einladung zum Gespräch.")
    assert classify(message(german, subject="AW: Danke")).kind == OTHER
    outlook = ("Thanks, noted.\n\n-----Original Message-----\nFrom: Jana\nSent: Monday\n\n"
               "We are pleased to offer you... (my draft)")
    assert classify(message(outlook)).kind == OTHER


def test_a_reply_subject_is_the_users_own():
    assert classify(message("I'm away until Monday.", subject="Re: Signed offer letter"))\
        .kind == OTHER


def test_strip_quoted_keeps_inline_answers():
    text = ("See below.\n\nOn Mon, Jana wrote:\n> Can I start in March?\nYes, March is fine.\n"
            "> And remote work?\nTwo days a week.")
    assert strip_quoted(text) == "See below.\n\nYes, March is fine.\nTwo days a week."


def test_newsletters_and_job_alerts_are_never_replies():
    invitation = "We'd like to invite you to an interview."
    for headers in ({"list_unsubscribe": "<https://x.example/u>"},
                    {"list_id": "Tips <tips.example.com>"}, {"precedence": "bulk"}):
        meaning = classify(message(invitation, **headers))
        assert meaning.kind == BULK
        assert meaning.suggested_stage is None
    assert classify(message(invitation, from_address="jobs@stepstone.de")).kind == BULK
    alert = classify(message("New jobs for you: Senior Data Analyst at Lumen Analytics. "
                             "See all jobs."))
    assert alert.kind == BULK
    assert alert.reasons == ("It says “New jobs for you”. That is how job alerts read.",
                             "It says “See all jobs”. That is how job alerts read.")


def test_a_rejection_that_mentions_job_alerts_stays_a_rejection():
    meaning = classify(message("We regret to inform you that we have decided to pursue other "
                               "candidates. Why not create a job alert on our careers site?"))
    assert meaning.kind == REJECTION


def test_a_recruiters_cold_message_is_mail_to_many():
    meaning = classify(message("Hi Jana, I came across your profile and have an exciting "
                               "opportunity with one of my clients. Would you be open to a call?"))
    assert meaning.kind == BULK


def test_automatic_replies():
    assert classify(message("Thanks, we'd like to invite you to an interview",
                            auto_submitted="auto-replied")).kind == AUTO_REPLY
    assert classify(message("I am out of the office until Monday with limited access to "
                            "email.")).kind == AUTO_REPLY
    assert classify(message("Ich bin bis 27.11. nicht im Büro.", subject="Automatische "
                            "Antwort: Ihre Bewerbung")).kind == AUTO_REPLY
    assert classify(message("Thank you for applying, we have received your application.",
                            auto_submitted="auto-generated")).kind == RECEIVED


@pytest.mark.parametrize("text", [
    "As a next step, please complete the online assessment on HackerRank by Friday.",
    "Could you please send me the contact details of two referees?",
    "Bitte senden Sie uns Ihre Arbeitszeugnisse und nennen Sie zwei Referenzgeber.",
    "Könnten Sie mir bitte Ihre Gehaltsvorstellung mitteilen?",
])
def test_requests(text):
    meaning = classify(message(text))
    assert meaning.kind == ASKS
    assert meaning.suggested_stage is None


def test_a_request_with_a_deadline_names_it():
    meaning = classify(message("Please complete the take-home exercise by 20 November."))
    assert (meaning.kind, meaning.deadline) == (ASKS, date(2026, 11, 20))


def test_a_calendar_invitation_counts_for_an_invitation():
    meaning = classify(message("Final round with the CTO.", has_calendar=True,
                               calendar_text="BEGIN:VCALENDAR\nMETHOD:REQUEST"))
    assert meaning.kind == INVITATION
    assert meaning.reasons[-1] == "It brings a calendar invitation."
    assert classify(message("Final round with the CTO.")).kind == OTHER


def test_a_plain_reply_is_other_with_a_reason():
    meaning = classify(message("Thanks for your note, I passed it on to Priya."))
    assert meaning.kind == OTHER
    assert meaning.reasons and meaning.suggested_stage is None


def test_an_invitation_that_offers_a_conversation_is_no_offer():
    assert classify(message("Wir möchten Ihnen gerne ein zweites Gespräch anbieten und "
                            "würden uns über einen Termin freuen.")).kind == INVITATION
    assert classify(message("We'd like you to join us for a second interview next week."))\
        .kind == INVITATION
    assert classify(message("Unfortunately we are not able to offer you the position."))\
        .kind == REJECTION


def test_phrase_notation():
    assert compile_phrase("für ... ander* ... entschieden").search(
        "haben uns für einen anderen Bewerber entschieden")
    assert compile_phrase("Gespräch").search("ein Gespraech") is not None
    assert compile_phrase("we'd like").search("We’d like") is not None
    assert compile_phrase("lumen").search("Lumenix") is None
    assert compile_phrase("mov* forward").search("moving   forward") is not None


def test_every_phrase_file_is_read_and_a_new_language_is_picked_up(tmp_path, caplog):
    assert {language.code for language in languages()} >= {"en", "de"}
    for language in languages():
        assert len(language.months) >= 12 and len(set(language.weekdays.values())) == 7
        assert {phrase.kind for phrase in language.phrases} <= PHRASE_KINDS
        assert "{quote}" not in language.quote("x")
    (tmp_path / "fr.json").write_text(json.dumps({
        "language": "fr", "name": "Français", "says": "Il est écrit « {quote} ».",
        "months": [["janvier"]] * 12, "weekdays": [["lundi"]] * 7,
        "phrases": [{"text": "nous avons le regret", "kind": "rejection", "weight": 5},
                    {"text": "x", "kind": "no such kind", "weight": 1}]}), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a language", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="services.mail.inbox.phrases"):
        loaded = load_languages(tmp_path)
    assert [language.code for language in loaded] == ["fr"]
    assert [phrase.text for phrase in loaded[0].phrases] == ["nous avons le regret"]
    assert "broken.json could not be read" in caplog.text
    assert "unknown kind" in caplog.text


def test_the_kinds_are_the_documented_ones():
    assert meaning_of.KINDS == (REJECTION, INVITATION, OFFER, ASKS, RECEIVED, OTHER, BULK,
                                AUTO_REPLY)
