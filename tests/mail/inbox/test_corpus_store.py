"""tests/support/corpus_store.py: the corpus's job search written with the ORM reads as the
labelled facts of applications.json, and the corpus's replies land where the labels say."""

from __future__ import annotations

import json

from benchmarks.inbox_corpus import CORPUS
from benchmarks.inbox_corpus import known_applications as labelled_applications
from models.application import Application
from services.mail.inbox.keeping import known_applications, take_messages
from tests.support.corpus_store import add_corpus_applications

LABELS = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))["messages"]


def test_the_stored_applications_read_as_the_labelled_facts(store):
    added = add_corpus_applications()
    labelled = {app.company: app for app in labelled_applications()[0]}
    stored = {app.company: app for app in known_applications()}
    assert set(added) == set(stored) == set(labelled)
    for company, facts in labelled.items():
        found = stored[company]
        assert found.domains == tuple(sorted(facts.domains)), company
        assert found.sent_message_ids == facts.sent_message_ids, company
        assert (found.agency_name, found.open) == (facts.agency_name, facts.open), company
        people = {address.lower() for _name, address in found.people}
        assert {address.lower() for _name, address in facts.people} <= people, company
    meridian = Application.get(Application.company == "Meridian Bank")
    assert (meridian.channel, meridian.recruiter_email) == ("agency",
                                                            "chloe.marsh@harbourfinch.co.uk")


def test_every_kept_corpus_reply_is_on_its_labelled_application(store):
    add_corpus_applications()
    names = sorted(LABELS)
    taken = take_messages((CORPUS.joinpath(name).read_bytes(), "INBOX") for name in names)
    companies = {app.uid: app.company for app in Application.select()}
    kept = 0
    for name, item in zip(names, taken, strict=True):
        if not item.kept:
            continue
        kept += 1
        label = LABELS[name]
        expected = set(label.get("candidates") or [label["application"]])
        found = {companies[uid] for uid in (item.candidates or (item.application_uid,))}
        assert found == expected, name
    assert kept >= 60
