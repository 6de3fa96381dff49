"""match: which application a message is about, strongest evidence first, with its reason."""

from __future__ import annotations

from datetime import UTC, datetime

from services.mail.inbox.inbound import InboundMessage
from services.mail.inbox.matching import (
    KnownApplication,
    Strength,
    company_key,
    match,
    names_in,
    normalise_name,
)
from services.mail.inbox.tables import ats_name, is_free_mail, is_job_board

LUMEN = KnownApplication(
    1, "Lumen Analytics GmbH",
    people=(("Priya Raman", "Priya.Raman@lumen-analytics.com"),),
    domains=("lumen-analytics.com",), sent_message_ids=("<178914406512.31877.44@posteo.de>",))
KESTREL = KnownApplication(2, "Kestrel Group", domains=("kestrelgroup.com",))
KESTREL_DIGITAL = KnownApplication(3, "Kestrel Digital", domains=("kestrelgroup.com",))
MERIDIAN = KnownApplication(
    4, "Meridian Bank", agency_name="Harbour & Finch Recruitment",
    people=(("Chloe Marsh", "chloe.marsh@harbourfinch.co.uk"),), domains=("meridianbank.com",))
KILN = KnownApplication(5, "Kiln & Co", people=(("Ben Adler", "ben.adler.kiln@gmail.com"),))
CAFE = KnownApplication(6, "Café Zürich AG")
KESTREL_OLD = KnownApplication(7, "Kestrel", domains=("kestrelgroup.com",), open=False)
KNOWN = (LUMEN, KESTREL, KESTREL_DIGITAL, MERIDIAN, KILN, CAFE)


def message(**fields) -> InboundMessage:
    fields.setdefault("date", datetime(2026, 11, 16, 10, 0, tzinfo=UTC))
    fields.setdefault("subject", "Your application")
    return InboundMessage(**fields)


def test_a_reply_to_a_note_the_app_sent_matches_first():
    by_reply = match(message(from_address="someone@elsewhere.example",
                             in_reply_to="<178914406512.31877.44@posteo.de>"), KNOWN)
    assert by_reply.application_ids == (1,)
    assert by_reply.strength == Strength.THREAD
    assert by_reply.reason == ("It answers a note you sent from Next Steps about "
                               "Lumen Analytics GmbH.")
    by_references = match(message(references=("<x@y>", " <178914406512.31877.44@POSTEO.DE> ")),
                          KNOWN)
    assert by_references.application_ids == (1,)


def test_a_thread_match_wins_over_newsletter_headers():
    result = match(message(from_address="noreply@linkedin.com", list_unsubscribe="<https://u>",
                           in_reply_to="<178914406512.31877.44@posteo.de>"), KNOWN)
    assert result.application_ids == (1,)


def test_a_known_person_matches_by_exact_address():
    result = match(message(from_address="priya.raman@lumen-analytics.com"), KNOWN)
    assert (result.application_ids, result.strength) == ((1,), Strength.PERSON)
    assert result.reason == ("It comes from Priya Raman (priya.raman@lumen-analytics.com), whom "
                             "you know from your application to Lumen Analytics GmbH.")
    assert match(message(from_address="ben.adler.kiln@gmail.com"), KNOWN).application_ids == (5,)


def test_a_free_mail_domain_never_matches_as_a_company_domain():
    result = match(message(from_address="someone.else@gmail.com",
                           text="Hi, I work with Ben at Kiln & Co."), KNOWN)
    assert result.application_ids == ()
    assert result.strength == Strength.NONE
    assert is_free_mail("gmx.de") and is_free_mail("posteo.de") and is_free_mail("mailbox.org")
    assert not is_free_mail("lumen-analytics.com")


def test_the_sender_domain_of_a_known_company_or_person_matches():
    result = match(message(from_address="talent@lumen-analytics.com"), KNOWN)
    assert (result.application_ids, result.strength) == ((1,), Strength.DOMAIN)
    assert result.reason == ("It comes from lumen-analytics.com, the mail domain of "
                             "Lumen Analytics GmbH.")
    assert match(message(from_address="hr@mail.lumen-analytics.com"), KNOWN).application_ids == (1,)
    assert match(message(from_address="james@harbourfinch.co.uk"), KNOWN).application_ids == (4,)
    assert match(message(from_address="x@notlumen-analytics.com"), KNOWN).application_ids == ()


def test_two_applications_at_one_company_family_are_both_returned():
    result = match(message(from_address="talent@kestrelgroup.com"), KNOWN)
    assert result.application_ids == (2, 3)
    assert result.reason.endswith("the mail domain of Kestrel Group and Kestrel Digital.")


def test_open_applications_are_preferred_to_closed_ones():
    assert match(message(from_address="talent@kestrelgroup.com"),
                 (KESTREL_OLD, KESTREL)).application_ids == (2,)
    assert match(message(from_address="talent@kestrelgroup.com"),
                 (KESTREL_OLD,)).application_ids == (7,)


def test_an_applicant_tracking_system_needs_the_company_named():
    greenhouse = {"from_address": "no-reply@us.greenhouse-mail.io"}
    by_name = match(message(from_name="Lumen Analytics Hiring Team", **greenhouse), KNOWN)
    assert (by_name.application_ids, by_name.strength) == ((1,), Strength.ATS)
    assert by_name.reason == ("It comes from Greenhouse, an applicant-tracking system, and "
                              "names Lumen Analytics GmbH in its sender's name.")
    by_subject = match(message(subject="Your application to LUMEN ANALYTICS", **greenhouse), KNOWN)
    assert by_subject.application_ids == (1,)
    by_body = match(message(text="Thank you for applying to Café Zurich.", **greenhouse), KNOWN)
    assert by_body.application_ids == (6,)
    assert "in the message" in by_body.reason
    assert match(message(text="Thank you for applying.", **greenhouse), KNOWN).application_ids == ()


def test_a_company_with_a_similar_name_is_no_match():
    for sender, name in (("no-reply@us.greenhouse-mail.io", "Lumenix Analytics"),
                         ("no-reply@hire.lever.co", "Lumen Analyticsware"),
                         ("kestrel@myworkday.com", "Kestrelgroup")):
        result = match(message(from_address=sender, from_name=name,
                               text=f"We have decided to move forward with other candidates "
                                    f"at {name}."), KNOWN)
        assert result.application_ids == (), name


def test_the_longer_company_name_wins():
    apps = (KnownApplication(10, "Kestrel"), KnownApplication(11, "Kestrel Digital"))
    result = match(message(from_address="no-reply@ashbyhq.com",
                           subject="Your interview with Kestrel Digital"), apps)
    assert result.application_ids == (11,)


def test_an_agency_named_by_an_applicant_tracking_system_matches_its_application():
    result = match(message(from_address="noreply@jobvite.com",
                           text="Harbour & Finch Recruitment: your registration"), KNOWN)
    assert result.application_ids == (4,)


def test_a_company_named_only_in_the_quoted_note_is_no_match():
    result = match(message(from_address="no-reply@ashbyhq.com", subject="Re: hello",
                           text="Thanks!\n\nOn Mon, Jana wrote:\n> I applied to Kiln & Co."),
                   KNOWN)
    assert result.application_ids == ()


def test_job_alerts_newsletters_and_cold_messages_are_never_attached():
    alert = match(message(from_address="jobalerts-noreply@linkedin.com",
                          subject="Lumen Analytics and 9 more"), KNOWN)
    assert alert.application_ids == ()
    assert alert.reason.startswith("Not attached: it is mail to many, not a reply.")
    newsletter = match(message(from_address="news@lumen-analytics.com",
                               list_unsubscribe="<https://u>"), KNOWN)
    assert newsletter.application_ids == ()
    ats_alert = match(message(from_address="jobs@teamtailor-mail.com", from_name="Kestrel Group",
                              text="New jobs for you at Kestrel Group. See all jobs."), KNOWN)
    assert ats_alert.application_ids == ()
    cold = match(message(from_address="james.okoro@harbourfinch.co.uk",
                         text="I came across your profile and have an exciting opportunity."),
                 KNOWN)
    assert cold.application_ids == ()


def test_a_known_person_on_a_job_board_is_still_attached():
    app = KnownApplication(20, "Acme", people=(("Sophie", "sophie@linkedin.com"),))
    assert match(message(from_address="sophie@linkedin.com"), (app,)).application_ids == (20,)


def test_nothing_known_gives_an_empty_result_with_a_reason():
    result = match(message(from_address="someone@unknown.example"), KNOWN)
    assert result.application_ids == () and result.strength == Strength.NONE
    assert result.reason
    assert match(message(), ()).application_ids == ()


def test_names_are_compared_as_whole_folded_words():
    assert normalise_name("Café-Zürich  AG!") == "cafe zurich ag"
    assert company_key("Lumen Analytics GmbH") == "lumen analytics"
    assert company_key("Nordlicht Versicherung AG") == "nordlicht versicherung"
    assert company_key("Verdant Foods plc") == "verdant foods"
    assert company_key("Müller Logistik GmbH & Co. KG") == "muller logistik"
    assert company_key("AB") == "ab"
    assert names_in("lumen analytics", "thanks from lumen analytics team")
    assert not names_in("lumen analytics", "thanks from lumenix analytics team")
    assert not names_in("", "anything")


def test_sender_tables():
    assert ats_name("us.greenhouse-mail.io") == "Greenhouse"
    assert ats_name("northwind.myworkdayjobs.com") == "Workday"
    assert ats_name("talent.icims.com") == "iCIMS"
    assert ats_name("lumen-analytics.com") is None
    assert is_job_board("match.indeed.com") and is_job_board("stepstone.de")
    assert not is_job_board("notlinkedin.com")
