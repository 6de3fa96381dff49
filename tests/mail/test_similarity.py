"""The similarity guard, tuned and checked on the example notes in tests/fixtures/similarity."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from services.mail.similarity import (
    MIN_SHARED_WORDS,
    THRESHOLD,
    DraftText,
    compare,
    content_span,
    fold,
    normalise_body,
    similarity,
)
from tests.conftest import FIXTURES

EXAMPLES = FIXTURES / "similarity"


class Example(NamedTuple):
    name: str
    expect: str  # "flag" or "pass"
    kind: str  # "name-only", "personal" or "borderline"
    company: str
    user: str
    notes: list[tuple[str, str]]  # (recipient, body)


def _load(path: Path) -> Example:
    head: dict[str, str] = {}
    notes: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("=== to:"):
            notes.append((line[len("=== to:"):].strip(), []))
        elif notes:
            notes[-1][1].append(line)
        elif ":" in line:
            key, value = line.split(":", 1)
            head[key.strip()] = value.strip()
    bodies = [(name, "\n".join(lines).strip("\n") + "\n") for name, lines in notes]
    return Example(path.stem, head["expect"], head["kind"], head["company"], head["user"],
                   bodies)


ALL = [_load(path) for path in sorted(EXAMPLES.glob("*.txt"))]
BY_NAME = {example.name: example for example in ALL}


def _drafts(example: Example, companies: tuple[str, str] | None = None) -> list[DraftText]:
    companies = companies or (example.company, example.company)
    return [DraftText(f"{example.name}:{n}", name, company, body)
            for n, ((name, body), company) in enumerate(zip(example.notes, companies,
                                                            strict=True))]


def _score(example: Example) -> float:
    (first_name, first), (second_name, second) = example.notes
    return similarity(first, second, [first_name, second_name, example.user])


def test_the_examples_are_enough():
    kinds = [example.kind for example in ALL]
    assert kinds.count("name-only") >= 6
    assert kinds.count("personal") >= 6
    assert kinds.count("borderline") >= 3
    assert all(len(example.notes) == 2 for example in ALL)
    assert all(example.expect in ("flag", "pass") for example in ALL)
    assert all(example.expect == "flag" for example in ALL if example.kind == "name-only")
    assert all(example.expect == "pass" for example in ALL if example.kind == "personal")


def test_score_table(capsys):
    """Prints the table the module docstring quotes (run with -s to see it)."""
    rows = sorted(((example.kind, example.name, _score(example), example.expect)
                   for example in ALL), key=lambda r: (r[0], -r[2]))
    with capsys.disabled():
        print(f"\nsimilarity scores (threshold {THRESHOLD:g})")
        for kind, name, score, expect in rows:
            verdict = "flagged" if score >= THRESHOLD else "not flagged"
            print(f"  {kind:10}  {name:36}  {score:5.1f}  {verdict:11}  (expected: {expect})")
    name_only = [score for kind, _n, score, _e in rows if kind == "name-only"]
    personal = [score for kind, _n, score, _e in rows if kind == "personal"]
    # The margins the docstring promises: room on both sides of the threshold.
    assert min(name_only) >= THRESHOLD + 15
    assert max(personal) <= THRESHOLD - 8


@pytest.mark.parametrize("example", ALL, ids=lambda e: e.name)
def test_every_example_is_classified_as_documented(example):
    pairs = compare(_drafts(example), extra_names=[example.user])
    score = _score(example)
    print(f"{example.name}: {score:.1f}")
    if example.expect == "flag":
        assert len(pairs) == 1, f"{example.name} scored {score:.1f}, below {THRESHOLD}"
        pair = pairs[0]
        assert pair.score == score >= THRESHOLD
        assert (pair.first_key, pair.second_key) == (f"{example.name}:0", f"{example.name}:1")
        assert (pair.first_name, pair.second_name) == (example.notes[0][0], example.notes[1][0])
        assert pair.shared
    else:
        assert pairs == [], f"{example.name} scored {score:.1f}, at or above {THRESHOLD}"
        assert score < THRESHOLD


def _words(text: str, names: list[str]) -> list[str]:
    return re.findall(r"\w+(?:'\w+)*", normalise_body(text, names))


@pytest.mark.parametrize("example", [e for e in ALL if e.expect == "flag"], ids=lambda e: e.name)
def test_shared_passages_point_at_the_same_text_in_both_bodies(example):
    (first_name, first), (second_name, second) = example.notes
    names = [first_name, second_name, example.user]
    (pair,) = compare(_drafts(example), extra_names=[example.user])
    for passage in pair.shared:
        assert passage.text == first[passage.first_start:passage.first_end]
        in_first = _words(first[passage.first_start:passage.first_end], names)
        in_second = _words(second[passage.second_start:passage.second_end], names)
        assert in_first == in_second
        assert len(in_first) >= MIN_SHARED_WORDS
        # Spans start and end on whole words.
        for text, start, end in ((first, passage.first_start, passage.first_end),
                                 (second, passage.second_start, passage.second_end)):
            assert 0 <= start < end <= len(text)
            assert text[start].isalnum() and text[end - 1].isalnum()
            assert start == 0 or not text[start - 1].isalnum()
            assert end == len(text) or not text[end].isalnum()
    spans = [(p.first_start, p.first_end) for p in pair.shared]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_a_copied_note_is_shared_from_its_first_to_its_last_sentence():
    example = BY_NAME["flag_harbor_finch"]
    (pair,) = compare(_drafts(example))
    first = example.notes[0][1]
    assert len(pair.shared) == 1
    (passage,) = pair.shared
    assert passage.text.startswith("Thank you for taking the time")
    assert passage.text.endswith("I look forward to hearing about the next steps")
    assert pair.score == 100.0
    assert "Dear" not in passage.text and "Best regards" not in passage.text
    assert first[passage.first_start - len("Dear Priya,\n\n"):passage.first_start] == \
        "Dear Priya,\n\n"


def test_a_name_inside_the_text_does_not_break_a_shared_passage():
    example = BY_NAME["flag_nordlicht"]
    (pair,) = compare(_drafts(example), extra_names=[example.user])
    assert pair.score == 100.0
    first = pair.shared[0]
    assert "Jurgen" in first.text
    second_body = example.notes[1][1]
    assert "ANAÏS" in second_body[first.second_start:first.second_end]


def test_a_moved_paragraph_is_among_the_shared_passages():
    example = BY_NAME["borderline_reordered"]
    (pair,) = compare(_drafts(example), extra_names=[example.user])
    moved = [p for p in pair.shared if p.text.startswith("The way you run play tests")]
    assert moved
    second = example.notes[1][1]
    assert second[moved[0].second_start:].startswith("The way you run play tests")


def test_different_companies_are_never_compared():
    example = BY_NAME["flag_harbor_finch"]
    assert compare(_drafts(example, ("Harbor & Finch", "Harbour & Finch"))) == []
    assert compare(_drafts(example, ("Harbor & Finch", ""))) == []
    # Case, accents and spacing do not make a different company.
    assert len(compare(_drafts(example, ("Harbor & Finch", "  HARBOR  &  finch ")))) == 1
    assert len(compare(_drafts(example, ("Café Lumière", "Cafe Lumiere")))) == 1


def test_only_pairs_within_a_company_are_returned_most_alike_first():
    harbor = _drafts(BY_NAME["flag_harbor_finch"])
    bluebird = _drafts(BY_NAME["flag_bluebird"])
    tidewater = _drafts(BY_NAME["pass_tidewater_bank"])
    drafts = [bluebird[0], harbor[0], tidewater[0], bluebird[1], tidewater[1], harbor[1]]
    pairs = compare(drafts, extra_names=["Alex Chen", "Tomás Ferreira"])
    assert [(p.first_key, p.second_key) for p in pairs] == [
        ("flag_harbor_finch:0", "flag_harbor_finch:1"),
        ("flag_bluebird:0", "flag_bluebird:1"),
    ]
    assert pairs[0].score >= pairs[1].score


def test_three_drafts_to_one_company_give_every_alike_pair():
    example = BY_NAME["flag_harbor_finch"]
    body = example.notes[0][1]
    drafts = [DraftText(n, name, "Harbor & Finch", body.replace("Priya", name.split()[0]))
              for n, name in enumerate(["Priya Shah", "Daniel Moreau", "Ines Kovač"])]
    pairs = compare(drafts)
    assert [(p.first_key, p.second_key) for p in pairs] == [(0, 1), (0, 2), (1, 2)]


def test_notes_too_short_to_judge_are_not_compared():
    drafts = [DraftText(1, "Ann Lee", "Acme", "Dear Ann,\n\nThank you!\n\nBest,\nSam"),
              DraftText(2, "Bo Kim", "Acme", "Dear Bo,\n\nThank you!\n\nBest,\nSam"),
              DraftText(3, "Cy Ray", "Acme", "")]
    assert compare(drafts) == []


def test_normalise_body_sets_aside_greeting_sign_off_names_accents_and_spacing():
    text = ("Dear José,\n\nThank you, José Núñez, for the TIME\n  we spent.\n"
            "Núñez is a great\tname.\n\nBest regards,\nSam Rivera\n+49 30 1234 5678\n")
    assert normalise_body(text, ["José Núñez", "Sam Rivera"]) == (
        "thank you, , for the time we spent. is a great name.")


@pytest.mark.parametrize("greeting", [
    "Dear Ms. Okoye,", "Hi Tom,", "Hello Ben!", "Hello Lena", "Good morning Carla,",
    "Good afternoon, Mr Reid,", "Hey Sam —", "To whom it may concern,",
])
def test_greetings_are_set_aside(greeting):
    text = f"\n{greeting}\n\nThank you for the interview.\n"
    assert normalise_body(text, []) == "thank you for the interview."


@pytest.mark.parametrize("sign_off", [
    "Best regards,", "Kind regards,", "Thanks,", "Thank you,", "Sincerely,",
    "Yours sincerely,", "Many thanks,", "Best,", "Warm regards,", "Cheers!", "Best, Sam",
    "All the best,", "With best wishes,", "--",
])
def test_the_sign_off_and_everything_after_it_are_set_aside(sign_off):
    text = f"Hi Ann,\n\nThank you for the interview.\n\n{sign_off}\nSam\nsam@example.com\n"
    assert normalise_body(text, []) == "thank you for the interview."


def test_content_lines_that_start_like_a_sign_off_are_kept():
    text = ("Hi Ann,\n\nThank you again for your time today.\nBest of luck with the launch.\n"
            "Thanks,\nSam\n")
    assert normalise_body(text, []) == (
        "thank you again for your time today. best of luck with the launch.")
    start, end = content_span(text)
    assert text[start:end].strip().startswith("Thank you again")


def test_a_short_thanks_line_inside_the_note_is_not_its_sign_off():
    text = ("Hi Ann,\n\nThank you for the interview.\n\nThanks again!\n\n"
            "I also wanted to send the link we talked about.\n\nBest,\nSam\n")
    assert normalise_body(text, []) == (
        "thank you for the interview. thanks again! i also wanted to send the link we "
        "talked about.")


def test_a_note_without_greeting_or_sign_off_is_compared_whole():
    text = "Thank you for the interview today.\nI enjoyed it.\n"
    assert content_span(text) == (0, len(text))
    assert content_span("") == (0, 0)
    assert content_span("Dear Ann,\n") == (len("Dear Ann,"), len("Dear Ann,\n"))


def test_fold():
    assert fold("Ñúñez ÅNGSTRÖM straße “quoted” ﬁne") == 'nunez angstrom strasse "quoted" fine'


def test_names_are_matched_without_accents_and_case():
    a = "Hi,\n\nIt was great to meet you, JOSE, and to hear about the roadmap for next year.\n"
    b = "Hi,\n\nIt was great to meet you, Priya, and to hear about the roadmap for next year.\n"
    assert similarity(a, b, ["José Núñez", "Priya Raman"]) == 100.0
    assert similarity(a, b, []) < 100.0


def test_compare_is_fast_for_six_drafts_of_300_words():
    """Six drafts of 300 words to one company, all alike (the slowest case): well under 50 ms."""
    # Every distinct note of the examples, greeting dropped: enough for six different drafts.
    seen = set()
    source = ""
    for example in ALL:
        for _name, body in example.notes:
            text = body.split("\n", 2)[2]
            if text not in seen:
                seen.add(text)
                source += " " + text
    assert len(source.split()) >= 6 * 300
    words = source.split()[:300]
    base = " ".join(words)
    names = ["Ann Lee", "Bo Kim", "Cy Ray", "Di Fox", "Ed Moe", "Flo Day"]
    alike = [DraftText(n, name, "Acme", f"Dear {name.split()[0]},\n\n{base}\n\nBest,\nSam")
             for n, name in enumerate(names)]
    personal = [DraftText(n, name, "Acme",
                          f"Dear {name.split()[0]},\n\n"
                          + " ".join(source.split()[300 * n:300 * (n + 1)]))
                for n, name in enumerate(names)]
    # How fast: benchmarks/mail_bench.py (similarity_6x300_ms in make bench).
    for drafts, expected_pairs in ((alike, 15), (personal, 0)):
        assert len(compare(drafts)) == expected_pairs


def test_the_pure_python_rapidfuzz_of_the_packaged_app_scores_the_same(monkeypatch):
    """The PyInstaller build leaves rapidfuzz's compiled modules out (packaging/
    nextsteps.spec), so the app scores with rapidfuzz's Python implementation there."""
    import rapidfuzz.fuzz_py

    import services.mail.similarity as module

    compiled = {example.name: _score(example) for example in ALL}
    assert module.fuzz.ratio.__module__ != "rapidfuzz.fuzz_py"  # the compiled one here
    monkeypatch.setattr(module, "fuzz", rapidfuzz.fuzz_py)
    python = {example.name: _score(example) for example in ALL}
    assert python == pytest.approx(compiled, abs=1e-9)
