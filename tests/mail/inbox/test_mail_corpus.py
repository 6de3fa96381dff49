"""The labelled corpus of replies: quality thresholds of parse → match → classify.

A quality threshold on a fixed corpus, not a timing: ``benchmarks/inbox_corpus.py``
computes the figures (and prints the messages read differently from their
labels to stderr).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from benchmarks.inbox_corpus import (
    CORPUS,
    PRECISION_TARGET,
    RECALL_TARGET,
    evaluate,
    figures,
    precision_recall,
)
from services.mail.inbox.classify import KINDS

LABELS = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))["messages"]


@pytest.fixture(scope="module")
def outcomes():
    return evaluate()


def test_the_corpus_is_complete_and_varied():
    files = {path.name for path in CORPUS.glob("*.eml")}
    assert files == set(LABELS), "every message has a label and every label a message"
    assert len(files) >= 60
    languages = Counter(label["language"] for label in LABELS.values())
    assert languages["de"] >= 15
    kinds = Counter(label["kind"] for label in LABELS.values())
    assert set(kinds) == set(KINDS)
    assert all(kinds[kind] >= 3 for kind in KINDS), kinds
    hard = " ".join(label.get("hard", "") for label in LABELS.values())
    for case in ("newsletter about interviews", "job alert naming a company",
                 "we received your application", "rejection that opens with thanks",
                 "similar name", "cold message", "out-of-office", "text/calendar",
                 "two candidate applications"):
        assert case in hard, case


def test_precision_and_recall_of_suggested_stage_changes(capsys):
    precision, recall = figures()
    report = capsys.readouterr().err
    assert precision >= PRECISION_TARGET, report
    assert recall >= RECALL_TARGET, report


def test_no_hard_negative_gets_a_stage_change(outcomes):
    negatives = [o for o in outcomes if o.label.get("hard_negative")]
    assert len(negatives) >= 20
    changed = [(o.file, sorted(o.matched_ids), o.suggested_stage) for o in negatives
               if o.suggests_change]
    assert changed == []


def test_mail_to_many_is_never_attached(outcomes):
    attached = [o.file for o in outcomes if o.label["kind"] == "bulk" and o.matched_ids]
    assert attached == []


def test_the_two_candidates_case_returns_both(outcomes):
    ambiguous = [o for o in outcomes if o.label.get("candidates")]
    assert ambiguous
    for outcome in ambiguous:
        assert len(outcome.matched_ids) == 2
        assert outcome.matched_ids == outcome.expected_ids


def test_figures_count_a_wrong_application_as_wrong(outcomes):
    rejection = next(o for o in outcomes if o.label["stage"] == "rejected")
    wrong = type(rejection)(**{**rejection.__dict__, "matched_ids": frozenset({999})})
    precision, recall = precision_recall([wrong])
    assert (precision, recall) == (0.0, 0.0)
    assert precision_recall([rejection]) == (1.0, 1.0)
