"""take_messages and known_applications: replies read from the mailbox, kept on a real database.

Messages come from the labelled corpus (tests/fixtures/mail_corpus) or are made on
the spot (tests/mail/inbox/inbox_data.py); the fuzz tests push broken MIME,
unknown charsets, deep nesting, odd dates and random bytes through the whole
path, parse to stored rows, and nothing may raise.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.inbox_corpus import known_applications as corpus_applications
from models import clock, database
from models.application import Application
from models.base import database_proxy
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage
from models.interview import Interviewer, InterviewRound
from services.mail.inbox.inbound import MAX_TEXT_BYTES, parse_message
from services.mail.inbox.keeping import known_applications, known_message_ids, take_messages
from services.mail.inbox.matching import match
from services.mail.inbox.sifting import Sieve
from tests.mail.inbox.inbox_data import (
    CORPUS,
    LUMEN_SENT_ID,
    PRIYA,
    add_search,
    corpus,
    counted_queries,
    message,
)

JSON_KEYS = {"message_id", "from", "subject", "date", "application_uid", "company", "kind",
             "suggested_stage", "reasons"}


@pytest.fixture
def search(store):
    return add_search()


def sound(taken) -> None:
    """What every Taken must be, whatever the message: printable, and exactly one outcome."""
    assert json.loads(json.dumps(taken.as_json(), ensure_ascii=False)).keys() == JSON_KEYS
    taken.line().encode("utf-8")
    taken.as_json()["from"].encode("utf-8")
    assert taken.date.tzinfo is not None
    assert not (taken.kept and taken.duplicate)
    assert (taken.inbox_uid is not None) == taken.kept


# --- What matching knows ---------------------------------------------------------------------


def test_known_applications_are_people_domains_and_sent_message_ids(search):
    known = {k.company: k for k in known_applications()}

    lumen = known["Lumen Analytics GmbH"]
    assert lumen.application_id == search.lumen.id
    assert lumen.people == (("Priya Raman", PRIYA),
                            ("Tom Becker", "tom.becker@lumen-analytics.com"))
    assert lumen.domains == ("lumen-analytics.com",)
    assert lumen.sent_message_ids == (LUMEN_SENT_ID,)  # not the draft's
    assert lumen.open
    meridian = known["Meridian Bank"]
    assert ("Chloe Marsh", "chloe.marsh@harbourfinch.co.uk") in meridian.people
    assert meridian.domains == ("meridianbank.com",)  # not the agency's domain
    assert meridian.agency_name == "Harbour & Finch Recruitment"
    assert known["Kiln & Co"].domains == ()  # gmail.com is nobody's company
    assert known["Kestrel Group"].people == (("Daniel Osei", "daniel.osei@kestrelgroup.com"),)
    assert known["Northwind Logistics"].people == ()
    assert not known["Greyfield Consulting"].open


def test_known_applications_read_each_table_once(search):
    for number in range(40):
        app = Application.create(company=f"Company {number}", role="Analyst")
        rnd = InterviewRound.create(application=app)
        Interviewer.create(round=rnd, name="A Person", email=f"a.person@company{number}.example")
        Email.create(application=app, state="marked_sent", message_id=f"<{number}@posteo.de>")
    with counted_queries() as queries:
        known = known_applications()
    assert len(known) == 47
    assert len(queries) == 3, queries
    assert known[-1].sent_message_ids == ("<39@posteo.de>",)
    assert known[-1].domains == ("company39.example",)


def test_the_sieve_never_sets_aside_a_message_matching_would_attach():
    known, _ids, _stages = corpus_applications()
    sieve = Sieve(known)
    attached = set_aside = 0
    for path in sorted(CORPUS.glob("*.eml")):
        parsed = parse_message(path.read_bytes())
        if match(parsed, known).application_ids:
            attached += 1
            assert sieve.could_match(parsed), path.name
        set_aside += not sieve.could_match(parsed)
    stranger = parse_message(message(sender="Shop <news@shop.example>"))
    assert attached >= 60 and set_aside >= 5
    assert not sieve.could_match(stranger)


# --- Keeping, matching and what it means -------------------------------------------------------


def test_a_reply_to_a_sent_note_is_kept_on_its_application(search):
    (taken,) = take_messages([(corpus(18), "INBOX")])

    assert taken.kept and not taken.duplicate
    assert taken.application_uid == search.lumen.uid
    assert taken.match_reason == ("It answers a note you sent from Next Steps about "
                                  "Lumen Analytics GmbH.")
    row = InboxMessage.get(InboxMessage.uid == taken.inbox_uid)
    assert row.application_id == search.lumen.id
    assert (row.folder, row.state, row.notified, row.kind) == ("INBOX", "new", False, "other")
    assert row.in_reply_to == LUMEN_SENT_ID
    assert "wrapping up the last conversations" in row.text
    assert row.sent_at == taken.date and row.sent_at.tzinfo is not None
    assert row.match_strength == 4


def test_an_offer_from_a_known_person_reads_as_one_line_and_as_json(search):
    (taken,) = take_messages([(corpus(20), "INBOX")])

    day = taken.date.astimezone(clock.user_zone()).date().isoformat()
    assert taken.line() == (f"{day} Lumen Analytics GmbH — Priya Raman <{PRIYA}>: "
                            "“Senior Data Analyst - offer” — offer (suggests Offer)")
    data = taken.as_json()
    assert set(data) == JSON_KEYS
    assert data["date"] == "2026-11-19T15:31:02+00:00"
    assert data["from"] == f"Priya Raman <{PRIYA}>"
    assert (data["application_uid"], data["kind"], data["suggested_stage"]) == (
        search.lumen.uid, "offer", "offer")
    assert any("3 December 2026" in reason for reason in data["reasons"])
    row = InboxMessage.get(InboxMessage.uid == taken.inbox_uid)
    assert row.deadline.isoformat() == "2026-12-03"
    assert json.loads(row.reasons) == data["reasons"]


def test_two_fitting_applications_are_kept_as_candidates(search):
    (taken,) = take_messages([(corpus(22), "INBOX")])

    assert taken.kept and taken.application_uid is None
    assert taken.candidates == (search.kestrel.uid, search.kestrel_digital.uid)
    assert taken.company == "Kestrel Group or Kestrel Digital"
    assert taken.line().endswith("— rejection (say which application it is about)")
    row = InboxMessage.get(InboxMessage.uid == taken.inbox_uid)
    assert row.application_id is None
    assert row.candidates == f"{search.kestrel.uid} {search.kestrel_digital.uid}"
    assert (row.kind, row.suggested_stage) == ("rejection", "rejected")


def test_automatic_replies_and_mail_to_many_are_never_kept(search):
    out_of_office, job_alert = take_messages([(corpus(19), "INBOX"), (corpus(31), "INBOX")])

    assert not out_of_office.kept and out_of_office.kind == "auto_reply"
    assert out_of_office.line().endswith("— an automatic reply, not kept")
    assert not job_alert.kept and job_alert.line().endswith(
        "— not about any of your applications")
    assert InboxMessage.select().count() == 0
    assert {row.message_id for row in IgnoredMessage.select()} == {
        out_of_office.message_id, job_alert.message_id}


def test_duplicates_within_a_call_and_across_calls_write_nothing(search):
    offer, kiln, alert = corpus(20), corpus(28), corpus(31)
    first = take_messages([(offer, "INBOX"), (alert, "INBOX"), (offer, "Archive"),
                           (alert, "INBOX")])
    assert [(t.kept, t.duplicate) for t in first] == [(True, False), (False, False),
                                                      (False, True), (False, True)]
    assert first[2].line().endswith("— already read")
    assert (InboxMessage.select().count(), IgnoredMessage.select().count()) == (1, 1)

    second = take_messages([(alert, "INBOX"), (kiln, "INBOX"), (offer, "INBOX")])
    assert [t.duplicate for t in second] == [True, False, True]
    assert (InboxMessage.select().count(), IgnoredMessage.select().count()) == (2, 1)
    assert known_message_ids() == {first[0].message_id, first[1].message_id,
                                   second[1].message_id}


def test_an_unmatched_message_leaves_only_its_message_id(search, data_paths):
    ignored_canary = "Quokka canary 5517: the violet heron counts pebbles at noon."
    kept_canary = "Quokka canary 9031: the amber walrus hums while it waits."
    stranger = message(ignored_canary, sender="Someone <someone@unrelated.example>",
                       message_id="<stranger.1@unrelated.example>")
    known_person = message(kept_canary, message_id="<priya.7@lumen-analytics.com>")

    ignored, kept = take_messages([(stranger, "INBOX"), (known_person, "INBOX")])

    assert not ignored.kept and kept.kept
    assert [row.message_id for row in IgnoredMessage.select()] == ["<stranger.1@unrelated.example>"]
    files = [path for path in data_paths.root.rglob("*") if path.is_file()]
    everything = b"".join(path.read_bytes() for path in files)
    assert kept_canary.encode() in everything  # the search below can see stored text
    assert ignored_canary.encode() not in everything
    database.close()  # checkpointed into the main file: still not there
    assert ignored_canary.encode() not in data_paths.database.read_bytes()


def test_a_message_without_message_id_gets_a_stable_one(search):
    raw = message("Could you send us two references?", message_id=None, date_header=None)

    (first,) = take_messages([(raw, "INBOX")])
    clock.pin(clock.now() + timedelta(hours=5))  # without a Date, "now" is its date
    (again,) = take_messages([(raw, "INBOX")])

    assert first.kept
    assert re.fullmatch(r"<[0-9a-f]{32}@nextsteps\.invalid>", first.message_id)
    assert again.duplicate and again.message_id == first.message_id
    other = message("Could you send us three references?", message_id=None, date_header=None)
    assert take_messages([(other, "INBOX")])[0].message_id != first.message_id


def test_a_deleted_application_no_longer_takes_messages(search):
    known = known_applications()
    search.kiln.delete_instance()

    (taken,) = take_messages([(corpus(28), "INBOX")], known)

    assert not taken.kept and taken.application_uid is None
    assert InboxMessage.select().count() == 0


def test_stored_text_is_capped(search):
    body = "Thank you for your patience. " + "a" * (400 * 1024)
    (taken,) = take_messages([(message(body), "INBOX")])
    row = InboxMessage.get(InboxMessage.uid == taken.inbox_uid)
    assert taken.kept
    assert 0 < len(row.text.encode("utf-8")) <= MAX_TEXT_BYTES


def test_a_failed_write_leaves_nothing_half_written(search):
    # A real SQLite trigger makes the second row's insert fail inside the transaction.
    database_proxy.execute_sql(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON inbox_message WHEN NEW.subject = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    batch = [(corpus(31), "INBOX"), (corpus(20), "INBOX"),
             (message(subject="boom", message_id="<boom@lumen-analytics.com>"), "INBOX")]

    with pytest.raises(peewee.IntegrityError):
        take_messages(batch)

    assert (InboxMessage.select().count(), IgnoredMessage.select().count()) == (0, 0)
    database_proxy.execute_sql("DROP TRIGGER refuse_boom")
    assert [t.kept for t in take_messages(batch)] == [False, True, True]


# --- Odd mail never raises ---------------------------------------------------------------------


def nested(depth: int) -> bytes:
    """A message from Priya with ``depth`` multiparts inside each other."""
    head = (f"From: Priya Raman <{PRIYA}>\r\nSubject: Deep\r\nMessage-ID: <deep@x>\r\n"
            "MIME-Version: 1.0\r\n")
    body = b"Content-Type: text/plain\r\n\r\nWe would like to invite you to an interview.\r\n"
    for level in range(depth):
        body = (f"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"
                .encode() + body + f"\r\n--b{level}--\r\n".encode())
    return head.encode() + body


ODD_MESSAGES = [
    # broken MIME: a multipart without its boundary, and one never closed
    message("--x\r\nno boundary", content_type="multipart/mixed",
            message_id="<broken.1@lumen-analytics.com>"),
    message("--z\r\nContent-Type: text/plain\r\n\r\nWe regret to inform you", message_id="<b2@x>",
            content_type='multipart/mixed; boundary="z"'),
    # an unknown charset, and undecodable bytes in headers and body
    message("Wir freuen uns \udce4ber Ihre Bewerbung", content_type="text/plain; charset=x-42",
            message_id="<charset@lumen-analytics.com>"),
    b"From: \xff\xfe Bob <b\xffob@lumen-analytics.com>\r\nSubject: Hi \xff\r\n"
    b"Message-ID: <ab\xffc@x>\r\n\r\nbody \xff\x00\r\n",
    nested(100),
    # an empty From, no From at all, a From made of encoded-word tricks
    message(sender="", message_id="<empty-from@x>"),
    message(sender=None, message_id="<no-from@x>"),
    message(sender="=?utf-8?q?Priya=0ABcc:_evil@example.com?= <=?utf-8?b?cHJpeWE=?=@x>",
            subject="=?utf-8?q?hi=0ABcc:_evil@example.com?=", message_id="<tricks@x>"),
    # dates at the ends of time (an offer reads its deadline from the date)
    message("We would like to offer you the position. Please let us know by Friday.",
            date_header="Fri, 31 Dec 9999 23:59:59 +0000", message_id="<future@x>"),
    message("We would like to offer you the position.", date_header="Mon, 01 Jan 0100 00:00:00 "
            "+0000", message_id="<past@x>"),
    message(date_header="yesterday, around noon", message_id="<vague@x>"),
    message(message_id="<" + "x" * 5000 + "@x>"),
    b"",
    b"\x00\x01\x02",
]


def test_odd_messages_are_kept_or_ignored_without_an_exception(search):
    found = take_messages([(raw, "INBOX") for raw in ODD_MESSAGES])

    assert len(found) == len(ODD_MESSAGES)
    for taken in found:
        sound(taken)
    by_id = {t.message_id: t for t in found}
    assert by_id["<broken.1@lumen-analytics.com>"].kept
    assert by_id["<charset@lumen-analytics.com>"].kept
    assert by_id["<deep@x>"].kept
    assert by_id["<future@x>"].kept and by_id["<future@x>"].date.year == clock.now().year
    assert by_id["<empty-from@x>"].kept is False
    stored = InboxMessage.select().count() + IgnoredMessage.select().count()
    assert stored == len(known_message_ids()) == sum(not t.duplicate for t in found)


SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
HEADER_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
SENDERS = st.sampled_from([f"Priya Raman <{PRIYA}>", "", "<>", "x@kestrelgroup.com",
                           "Kestrel <no-reply@greenhouse-mail.io>", "=?x?q?a?= <a@b>",
                           "Ben <ben.adler.kiln@gmail.com>"])
MADE = st.builds(
    lambda body, sender, subject, date, message_id, extra: message(
        body, sender=sender, subject=subject.replace("\r", " ").replace("\n", " "),
        date_header=date, message_id=message_id, headers=extra),
    HEADER_TEXT, SENDERS, HEADER_TEXT,
    st.one_of(st.none(), st.sampled_from(["Mon, 16 Nov 2026 10:00:00 +0100",
                                          "Fri, 31 Dec 9999 23:59:59 -1200", "0", "\x00"])),
    st.one_of(st.none(), st.sampled_from(["<same@x>", "", "<>", "no brackets", "<a@b> <c@d>"])),
    st.sampled_from(["", f"In-Reply-To: {LUMEN_SENT_ID}", "Auto-Submitted: auto-replied",
                     "List-Unsubscribe: <https://u>", "Content-Transfer-Encoding: base64"]))
ITEMS = st.lists(st.tuples(st.one_of(MADE, st.binary(max_size=800)),
                           st.sampled_from(["INBOX", "", "Bewerbungen/\udcff"])), max_size=5)


@SETTINGS
@given(ITEMS)
def test_fuzz_take_messages_never_raises(search, items):
    found = take_messages(items)

    assert len(found) == len(items)
    for taken in found:
        sound(taken)
    stored = InboxMessage.select().count() + IgnoredMessage.select().count()
    assert stored == len(known_message_ids())
