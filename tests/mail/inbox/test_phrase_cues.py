"""The quick test before a phrase is searched (services/mail/inbox/phrases.py): a text whose
folded form lacks one of a phrase's cues can never hold the phrase, in any case or spelling."""

from __future__ import annotations

import pytest

from services.mail.inbox.inbound import parse_message
from services.mail.inbox.phrases import compile_phrase, cues, find_hits, folded, languages
from services.mail.inbox.quoting import own_words
from tests.mail.inbox.inbox_data import CORPUS

#: Letters IGNORECASE reads as ASCII ones: dotted and dotless I, long s, the Kelvin sign.
ODD_LETTERS = {"i": "İ", "I": "ı", "s": "ſ", "k": "K"}


def _oddly_spelt(text: str) -> str:
    """``text`` in swapped case with every third i, s and k written as an odd letter."""
    return "".join(ODD_LETTERS.get(char, char) if number % 3 == 0 else char
                   for number, char in enumerate(text.swapcase()))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    plain = [own_words(parse_message(path.read_bytes())) for path in sorted(CORPUS.glob("*.eml"))]
    return plain + [_oddly_spelt(text) for text in plain]


def test_cues_are_the_plain_runs_of_a_phrase():
    assert cues("we'd like to invite you") == ("we", "d", "like", "to", "invite", "you")
    assert cues("für ... ander* ... entschieden") == ("f", "r", "ander", "entschieden")
    assert cues("Gespräch") == ("gespr", "ch")
    assert folded("İst ſo KALT") == "ist so kalt"


@pytest.mark.parametrize("language", languages(), ids=lambda language: language.code)
def test_nothing_is_found_where_a_cue_is_missing(language, texts):
    found = 0
    for text in texts:
        lower = folded(text)
        for phrase in language.phrases:
            if phrase.pattern.search(text):
                found += 1
                assert all(cue in lower for cue in phrase.cues), (phrase.text, text[:80])
        for rule in language.rules:
            for group, words in zip(rule.all_of, rule.cues, strict=True):
                if group.search(text):
                    assert any(all(cue in lower for cue in word) for word in words), text[:80]
    assert found >= 50


def test_odd_letters_find_the_same_phrases():
    plain = "We would like to invite you to a second interview. Please book a slot."
    odd = "We WOULD lİke to ınvite you to a ſecond interview. Please book a slot."
    assert compile_phrase("invite you").search(odd)
    assert {hit.kind for hit in find_hits(odd)} == {hit.kind for hit in find_hits(plain)}
    assert find_hits(plain)
