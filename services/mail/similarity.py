"""The similarity guard: do two notes to the same company read alike once names are set aside?

Interviewers compare notes, so a thank-you copied from one interviewer to the
next hurts the candidate. Before anything is sent, the composer passes the
drafts to :func:`compare`, which names the pairs that read alike, says how
alike (0–100) and returns the shared passages as character spans of the
*original* bodies, so the UI can highlight them.

What is compared
----------------
:func:`normalise_body` sets aside what legitimately differs between two notes
or carries no meaning: the greeting line at the top ("Dear Priya,", "Hi Tom,",
"Good morning Carla,"), the sign-off and everything after it ("Best regards,"
and the signature block), every name of every recipient and of the sender
(full names, first and last names, wherever they appear), accents (NFKD, then
the combining marks dropped), case, typographic quotes, and line wrapping.

How alike: the score
--------------------
The score is rapidfuzz's normalised Indel similarity (``fuzz.ratio``)
computed on the two **sequences of words** of the normalised bodies, not on
their characters: the share of words the two notes have in common in the
same order, 0 to 100. It is computed twice, once with the sentences as
written and once with each note's sentences sorted (a sentence-level
``token_sort_ratio``), and the higher one counts, so moving paragraphs
around does not hide a copied note.

Why this scorer. Scores measured on ``tests/fixtures/similarity`` (the
``test_score_table`` test prints them); "name-only" pairs must be flagged,
"personal" pairs must not, and the margin is the room between the two:

=========================================  =========  ========  ========  ======
scorer (on the normalised bodies)          name-only  personal  personal  margin
                                           lowest     highest   lowest
=========================================  =========  ========  ========  ======
words, ``fuzz.ratio`` (chosen)             98.2       70.0      45.1      28.2
characters, ``fuzz.ratio``                 98.5       81.0      64.1      17.5
``fuzz.token_sort_ratio``                  97.5       78.8      66.6      18.7
``fuzz.token_set_ratio``                   98.4       81.5      68.4      16.9
=========================================  =========  ========  ========  ======

Character-level and token-set ratios are inflated by what any two English
notes share whatever their content (common letters, "the", "you", "thank"):
two unrelated paragraphs already score about 50–60, which squeezes the
personal notes up towards the copied ones. Counting shared words in order
ignores that background and rewards exactly what an interviewer notices:
the same sentences. As a C++ routine over lists of words it is also fast.
The sentence-sorted pass changes none of the scores above by more than a
point except the reordered example (76.6 in order, 97.0 sorted).

The threshold
-------------
:data:`THRESHOLD` is 80. Measured scores of the example pairs:

* name-only (one copied note; only names, greeting, sign-off, signature,
  line wrapping or two synonyms differ): 98.2, 100, 100, 100, 100, 100;
* personal (identical polite opening and closing, a paragraph of their own
  each): 45.1, 48.7, 50.0, 50.0, 51.2, 52.6, and 70.0 for a council letter
  whose shared opening and closing are longer than its two short personal
  paragraphs;
* borderline, each documented in its file: the built-in thank-you template
  rendered twice where only a five-word "discussed" phrase differs, 94.0,
  flagged on purpose (a form letter is what the guard is for); the same
  paragraphs reordered with a few words changed, 97.0, flagged; an
  otherwise identical note with one personal sentence each, 75.5, not
  flagged, but close; two short notes written separately in stock phrases,
  12.7, not flagged.

80 sits in the gap: 10 points above the most alike personal pair (a longer
shared closing does not trip it) and 18 below the least alike copied pair
(swapping in a few synonyms does not get past it).

Shared passages
---------------
Runs of at least :data:`MIN_SHARED_WORDS` consecutive words found in both
notes with :class:`difflib.SequenceMatcher` (``autojunk`` off: "the" and
"you" must not break a run) over the same word sequences, each mapped back
to the first and last character of its words in each original body. Names
were taken out of the sequences, so a run spans a name that differs between
the two notes ("…to meet you, Priya, and…").

Drafts to different companies are never compared (company names compared
without case and accents), and a draft with fewer than :data:`MIN_WORDS`
words of its own (after setting aside greeting, names and sign-off) is not
compared at all: it is not a note yet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from rapidfuzz import fuzz

__all__ = [
    "MIN_SHARED_WORDS",
    "MIN_WORDS",
    "THRESHOLD",
    "DraftText",
    "SharedPassage",
    "SimilarPair",
    "compare",
    "content_span",
    "fold",
    "normalise_body",
    "similarity",
]

#: Pairs scoring this much or more (0–100) are flagged. See the module docstring.
THRESHOLD = 80.0
#: The shortest run of shared words reported as a shared passage.
MIN_SHARED_WORDS = 8
#: Drafts with fewer words than this (after normalising) are not compared.
MIN_WORDS = 8


class DraftText(NamedTuple):
    """One draft to compare: ``key`` is the caller's (an email id, say)."""

    key: Hashable
    recipient_name: str
    company: str
    body: str


class SharedPassage(NamedTuple):
    """A run of words found in both bodies: ``[start, end)`` character spans of each original."""

    first_start: int
    first_end: int
    second_start: int
    second_end: int
    text: str  # as written in the first body


class SimilarPair(NamedTuple):
    """Two drafts that read alike: their keys, recipients, score (0–100) and shared passages."""

    first_key: Hashable
    second_key: Hashable
    first_name: str
    second_name: str
    score: float
    shared: list[SharedPassage]


# -- folding and the parts of a note that are set aside -----------------------------------------

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
})


def fold(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped), case-folded, plain quotes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


_GREETING = re.compile(
    r"^(?:dear|hi|hello|hey|hiya|greetings|good\s+(?:morning|afternoon|evening|day)"
    r"|to\s+whom\s+it\s+may\s+concern)\b"
)
_SIGN_OFF = re.compile(
    r"^(?:(?:with\s+)?(?:best|kind|kindest|warm|warmest|many|all\s+the\s+best|my\s+best)"
    r"(?:\s+(?:regards|wishes|thanks))?"
    r"|regards|thanks(?:\s+(?:again|so\s+much|a\s+lot))?|thank\s+you(?:\s+(?:again|so\s+much))?"
    r"|many\s+thanks|cheers|sincerely|yours(?:\s+(?:sincerely|faithfully|truly))?"
    r"|sincerely\s+yours|respectfully|take\s+care|talk\s+soon|speak\s+soon|with\s+gratitude"
    r"|gratefully|cordially|all\s+the\s+best|best)"
    r"\s*[,.!]*\s*(?:[,–-]\s*[^,.!?]{0,40})?$"
)
_SIGNATURE_DELIMITER = re.compile(r"^--\s*$")
_GREETING_MAX_WORDS = 12


def _lines_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, line)`` for every line of ``text`` (end excludes the line break)."""
    out = []
    for match in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text):
        raw = match.group(0)
        if not raw and match.start() == len(text) and out:
            break
        line = raw.rstrip("\r\n")
        out.append((match.start(), match.start() + len(line), line))
        if match.end() == len(text):
            break
    return out


def content_span(text: str) -> tuple[int, int]:
    """The ``[start, end)`` of ``text`` between its greeting line and its sign-off.

    The greeting is the first non-blank line when it starts like one ("Dear",
    "Hi", "Hello", "Good morning"…) and is short. The sign-off is the last
    line, after some content, that holds only a closing phrase ("Best
    regards,", "Thanks,", "Sincerely," optionally followed by a name), or a
    ``--`` signature delimiter; it and everything after it are set aside.
    """
    lines = _lines_with_offsets(text)
    start, first = 0, None
    for index, (line_start, _line_end, line) in enumerate(lines):
        if line.strip():
            first = index
            folded = fold(line.strip())
            if _GREETING.match(folded) and len(folded.split()) <= _GREETING_MAX_WORDS:
                first = index + 1
                start = lines[index][1]
            else:
                start = line_start
            break
    if first is None:
        return len(text), len(text)
    end = len(text)
    seen_content = False
    for line_start, _line_end, line in lines[first:]:
        stripped = line.strip()
        if not stripped:
            continue
        folded = fold(stripped)
        if seen_content and _SIGNATURE_DELIMITER.match(stripped):
            end = line_start
            break  # everything after "-- " is the signature
        if seen_content and _SIGN_OFF.match(folded):
            end = line_start  # the last such line counts: "Thanks again!" mid-note does not
        seen_content = True
    return start, max(start, end)


_PARTICLES = frozenset({
    "de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "van", "von",
    "der", "den", "ten", "ter", "bin", "ibn", "al", "el", "st",
    "dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "jr", "sr",
})
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+(?:['\u2019](?:[^\W_]|[\u0300-\u036f])+)*")


def _name_words(names: Iterable[str]) -> frozenset[str]:
    """Every folded word of the given names that is worth removing (no particles, no initials)."""
    words = set()
    for name in names:
        for match in _WORD.finditer(fold(name or "")):
            word = match.group(0)
            if len(word) >= 2 and word not in _PARTICLES:
                words.add(word)
    return frozenset(words)


def normalise_body(text: str, names: Iterable[str]) -> str:
    """``text`` as compared: greeting, sign-off, signature and names set aside, folded.

    Names are every word of every given name (full, first and last names all
    go, wherever they appear); accents are folded (NFKD, combining marks
    dropped), case is folded and whitespace collapsed to single spaces.
    """
    start, end = content_span(text)
    folded = fold(text[start:end])
    name_words = _name_words(names)
    if name_words:
        pattern = "|".join(re.escape(w) for w in sorted(name_words, key=len, reverse=True))
        folded = re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", " ", folded)
    return " ".join(folded.split())


# -- comparing ----------------------------------------------------------------------------------


class _Prepared(NamedTuple):
    draft: DraftText
    words: list[str]
    spans: list[tuple[int, int]]
    sorted_words: list[str]  # the same words, sentence by sentence in sorted order


_SENTENCE_END = re.compile(r"[.!?;]|\n\s*\n")


def _prepare(draft: DraftText, name_words: frozenset[str]) -> _Prepared:
    body = draft.body or ""
    start, end = content_span(body)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    sentences: list[list[str]] = [[]]
    previous_end = start
    for match in _WORD.finditer(body, start, end):
        if sentences[-1] and _SENTENCE_END.search(body, previous_end, match.start()):
            sentences.append([])
        previous_end = match.end()
        word = fold(match.group(0))
        if word in name_words:
            continue
        words.append(word)
        spans.append((match.start(), match.end()))
        sentences[-1].append(word)
    sorted_words = [word for sentence in sorted(sentences) for word in sentence]
    return _Prepared(draft, words, spans, sorted_words)


def _score(a: _Prepared, b: _Prepared) -> float:
    in_order = fuzz.ratio(a.words, b.words)
    if in_order >= 100:
        return 100.0
    return float(max(in_order, fuzz.ratio(a.sorted_words, b.sorted_words)))


def similarity(first: str, second: str, names: Iterable[str] = ()) -> float:
    """How alike two bodies read (0–100) once greeting, sign-off and ``names`` are set aside."""
    name_words = _name_words(names)
    a = _prepare(DraftText(1, "", "", first), name_words)
    b = _prepare(DraftText(2, "", "", second), name_words)
    return round(_score(a, b), 1)


def _free_segments(covered: list[bool]) -> list[tuple[int, int]]:
    """Runs of uncovered positions at least :data:`MIN_SHARED_WORDS` long."""
    segments, start = [], None
    for index, taken in enumerate([*covered, True]):
        if not taken and start is None:
            start = index
        elif taken and start is not None:
            if index - start >= MIN_SHARED_WORDS:
                segments.append((start, index))
            start = None
    return segments


def _shared(a: _Prepared, b: _Prepared) -> list[SharedPassage]:
    """Shared runs of words: SequenceMatcher's blocks, then runs that moved elsewhere."""
    matcher = SequenceMatcher(None, a.words, b.words, autojunk=False)
    blocks = [(i, j, n) for i, j, n in matcher.get_matching_blocks() if n >= MIN_SHARED_WORDS]
    covered_a = [False] * len(a.words)
    covered_b = [False] * len(b.words)

    def take(i: int, j: int, n: int) -> None:
        covered_a[i:i + n] = [True] * n
        covered_b[j:j + n] = [True] * n

    for block in blocks:
        take(*block)
    # Paragraphs moved to another place are not in the in-order blocks above:
    # take the longest remaining run, again and again (a few rounds at most).
    for _round in range(20):
        best = None
        for alo, ahi in _free_segments(covered_a):
            for blo, bhi in _free_segments(covered_b):
                found = matcher.find_longest_match(alo, ahi, blo, bhi)
                if found.size >= MIN_SHARED_WORDS and (best is None or found.size > best.size):
                    best = found
        if best is None:
            break
        blocks.append((best.a, best.b, best.size))
        take(best.a, best.b, best.size)
    passages = []
    for i, j, size in sorted(blocks):
        first_start, first_end = a.spans[i][0], a.spans[i + size - 1][1]
        second_start, second_end = b.spans[j][0], b.spans[j + size - 1][1]
        passages.append(SharedPassage(
            first_start, first_end, second_start, second_end,
            a.draft.body[first_start:first_end],
        ))
    return passages


def _company_key(company: str) -> str:
    return " ".join(fold(company or "").split())


def compare(
    drafts: Sequence[DraftText],
    *,
    extra_names: Iterable[str] = (),
    threshold: float = THRESHOLD,
) -> list[SimilarPair]:
    """Every pair of drafts to the same company that reads alike (score >= ``threshold``).

    Names set aside are those of every recipient in ``drafts`` plus
    ``extra_names`` (pass the sender's name). Pairs come most alike first;
    within a pair, ``first`` is the draft that comes first in ``drafts``.
    """
    by_company: dict[str, list[DraftText]] = {}
    for draft in drafts:
        by_company.setdefault(_company_key(draft.company), []).append(draft)
    extra = list(extra_names)
    pairs: list[tuple[int, int, SimilarPair]] = []
    order = {id(d): n for n, d in enumerate(drafts)}
    for group in by_company.values():
        if len(group) < 2:
            continue
        name_words = _name_words([d.recipient_name for d in group] + extra)
        prepared = [_prepare(d, name_words) for d in group]
        prepared = [p for p in prepared if len(p.words) >= MIN_WORDS]
        for x in range(len(prepared)):
            for y in range(x + 1, len(prepared)):
                a, b = prepared[x], prepared[y]
                score = round(_score(a, b), 1)
                if score < threshold:
                    continue
                pair = SimilarPair(a.draft.key, b.draft.key, a.draft.recipient_name,
                                   b.draft.recipient_name, score, _shared(a, b))
                pairs.append((order[id(a.draft)], order[id(b.draft)], pair))
    pairs.sort(key=lambda item: (-item[2].score, item[0], item[1]))
    return [pair for _, _, pair in pairs]
