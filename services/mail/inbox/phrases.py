"""The phrase lists of ``resources/mail_phrases/*.json``, one file per language.

``resources/mail_phrases/README.md`` documents the format. Every ``*.json`` file
in the folder is read (a user adds a language by adding a file); a file that
cannot be read, or a phrase with an unknown kind, is skipped and logged so one
mistake never stops the watcher. A phrase is matched case-insensitively as
whole words, with any punctuation or line break between its words; ``...``
in a phrase stands for up to six words, a word ending in ``*`` for any word
starting so, and German umlauts and ``ß`` also match ``ae``/``oe``/``ue``/``ss``.

Sentence rules generalise beyond fixed phrases: a rule counts when one
sentence holds a word of each of its ``all_of`` groups and none of its
``none_of`` words ("not" and "proceed" in one sentence without "if" reads as
a rejection). The whole sentence is then what the user is shown.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from services.core.paths import resources_dir

log = logging.getLogger(__name__)

#: What a phrase can point to: the meanings of a reply, and the marks of mail that is none.
PHRASE_KINDS = frozenset({
    "rejection", "invitation", "offer", "asks", "received",
    "job_alert", "newsletter", "cold_outreach", "auto_reply",
})
_SEPARATOR = r"\W+"
_GAP = r"\W+(?:\w+\W+){0,6}?"
_SPELLINGS = {"ä": "(?:ä|ae)", "ö": "(?:ö|oe)", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}
_EXCERPT_CHARS = 160
#: A sentence: up to its end mark, or up to an empty line (single line breaks are wrapping).
_SENTENCE = re.compile(r"[^\s.!?](?:[^.!?\n]|\n(?![ \t]*\n)|[.!?](?=\w))*[.!?]*")
#: What a phrase spells with plain letters and digits (lower case), its *cues*.
_CUE = re.compile(r"[a-z0-9]+")
#: The characters an IGNORECASE pattern matches to an ASCII letter that ``str.lower`` does
#: not turn into one (the Kelvin sign it does).
_TO_ASCII = {0x130: "i", 0x131: "i", 0x17F: "s"}


@dataclass(frozen=True)
class Phrase:
    """One phrase of one language, with the kind it points to and its weight."""

    text: str
    kind: str
    weight: float
    language: str
    pattern: re.Pattern
    #: Every match holds these (see :func:`cues`); a text without one is not searched.
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentenceRule:
    """A kind that one sentence shows by holding a word of every group and none of the others."""

    kind: str
    weight: float
    all_of: tuple[re.Pattern, ...]
    none_of: re.Pattern | None
    #: For each ``all_of`` group, the cues of each of its words.
    cues: tuple[tuple[tuple[str, ...], ...], ...] = ()

    def may_hold(self, folded: str) -> bool:
        """False when the text :func:`folded` gives cannot hold a word of every group."""
        return all(any(all(cue in folded for cue in word) for word in group)
                   for group in self.cues)

    def holds(self, sentence: str) -> bool:
        """True when ``sentence`` has a word of each ``all_of`` group and none of ``none_of``."""
        if self.none_of is not None and self.none_of.search(sentence):
            return False
        return all(group.search(sentence) for group in self.all_of)


@dataclass(frozen=True)
class Language:
    """One language's file: its phrases and what deadlines look like in it."""

    code: str
    name: str
    says: str
    phrases: tuple[Phrase, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    deadline_cues: tuple[str, ...]
    within: tuple[tuple[str, int], ...]
    numbers: dict[str, int]
    rules: tuple[SentenceRule, ...] = ()

    def quote(self, excerpt: str) -> str:
        """The sentence that tells the user what the message says, in this language."""
        return self.says.replace("{quote}", excerpt)


@dataclass(frozen=True)
class Hit:
    """A phrase found in a message: the words as they stand there."""

    kind: str
    weight: float
    excerpt: str
    language: Language
    start: int
    end: int

    @property
    def sentence(self) -> str:
        """What the user reads: "It says “…”." in the message's language."""
        return self.language.quote(self.excerpt)


def compile_phrase(text: str) -> re.Pattern:
    """The pattern of one phrase (see the module's description for the notation)."""
    return re.compile(_phrase_source(text), re.IGNORECASE)


def compile_words(words) -> re.Pattern:
    """One pattern that finds any of ``words`` (each in the phrase notation)."""
    if not words:
        raise ValueError("an empty group of words")
    return re.compile("|".join(f"(?:{_phrase_source(w)})" for w in words), re.IGNORECASE)


def cues(text: str) -> tuple[str, ...]:
    """The runs of ASCII letters and digits of a phrase, lower case: any text the phrase's
    pattern finds holds each of them once :func:`folded`, so a text that lacks one need
    not be searched."""
    runs = (run for token in text.split() if token not in ("...", "…")
            for run in _CUE.findall(token.rstrip("*").lower()))
    return tuple(dict.fromkeys(runs))


def folded(text: str) -> str:
    """``text`` in lower case, with the few letters IGNORECASE reads as ASCII made so."""
    return text.translate(_TO_ASCII).lower()


def _phrase_source(text: str) -> str:
    pieces: list[str] = []
    gap = False
    open_end = False
    for token in text.split():
        if token in ("...", "…"):
            gap = True
            continue
        if pieces:
            pieces.append(_GAP if gap else _SEPARATOR)
        open_end = token.endswith("*") and len(token) > 1
        word = "".join(_SPELLINGS.get(c, re.escape(c)) for c in token.rstrip("*").lower())
        pieces.append(word.replace("'", "['’]") + (r"\w*" if open_end else ""))
        gap = False
    if not pieces:
        raise ValueError("an empty phrase")
    return r"(?<!\w)" + "".join(pieces) + ("" if open_end else r"(?!\w)")


def _rules(code: str, entries) -> tuple[SentenceRule, ...]:
    rules = []
    for entry in entries:
        if entry.get("kind") not in PHRASE_KINDS:
            log.warning("mail phrases %s: unknown kind in rule %r, skipped", code, entry)
            continue
        none_of = entry.get("none_of") or []
        rules.append(SentenceRule(entry["kind"], float(entry["weight"]),
                                  tuple(compile_words(group) for group in entry["all_of"]),
                                  compile_words(none_of) if none_of else None,
                                  tuple(tuple(cues(word) for word in group)
                                        for group in entry["all_of"])))
    return tuple(rules)


def _language(code: str, data: dict) -> Language:
    phrases = []
    for entry in data.get("phrases", []):
        if entry.get("kind") not in PHRASE_KINDS:
            log.warning("mail phrases %s: unknown kind in %r, skipped", code, entry)
            continue
        phrases.append(Phrase(entry["text"], entry["kind"], float(entry["weight"]), code,
                              compile_phrase(entry["text"]), cues(entry["text"])))
    months = {name.lower(): number for number, names in enumerate(data.get("months", []), 1)
              for name in names}
    weekdays = {name.lower(): number for number, names in enumerate(data.get("weekdays", []))
                for name in names}
    return Language(
        code=code, name=data.get("name", code), says=data.get("says", "It says “{quote}”."),
        phrases=tuple(phrases), months=months, weekdays=weekdays,
        deadline_cues=tuple(data.get("deadline_cues", [])),
        within=tuple((w["text"], int(w["days"])) for w in data.get("within", [])),
        numbers={k.lower(): int(v) for k, v in data.get("numbers", {}).items()},
        rules=_rules(code, data.get("sentence_rules", [])),
    )


def load_languages(folder: Path) -> tuple[Language, ...]:
    """Every language file in ``folder``, in the order of their names; bad ones skipped."""
    languages = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            languages.append(_language(data.get("language", path.stem), data))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, re.error) as problem:
            log.warning("mail phrases: %s could not be read and is skipped: %s", path.name, problem)
    return tuple(languages)


@cache
def languages() -> tuple[Language, ...]:
    """The languages of ``resources/mail_phrases``, read once."""
    return load_languages(resources_dir() / "mail_phrases")


def _excerpt(text: str) -> str:
    excerpt = " ".join(text.split())
    return excerpt if len(excerpt) <= _EXCERPT_CHARS else excerpt[: _EXCERPT_CHARS - 1] + "…"


@lru_cache(maxsize=64)
def find_hits(text: str) -> tuple[Hit, ...]:
    """Every phrase of every language found in ``text``, each phrase once, in text order."""
    hits = []
    lower = folded(text)
    for language in languages():
        for phrase in language.phrases:
            if not all(cue in lower for cue in phrase.cues):
                continue  # a quick test first: most phrases are not in most texts
            found = phrase.pattern.search(text)
            if found:
                hits.append(Hit(phrase.kind, phrase.weight, _excerpt(found.group()), language,
                                found.start(), found.end()))
        hits.extend(_rule_hits(text, language, lower))
    return tuple(sorted(hits, key=lambda hit: hit.start))


def _rule_hits(text: str, language: Language, lower: str) -> list[Hit]:
    """For each sentence rule of ``language``, the first sentence of ``text`` it holds for
    (``lower`` is ``folded(text)``)."""
    hits = []
    rules = [rule for rule in language.rules if rule.may_hold(lower)]
    if not rules:
        return hits
    sentences = [(m.start(), m.end(), " ".join(m.group().split()))
                 for m in _SENTENCE.finditer(text)]
    for rule in rules:
        for start, end, sentence in sentences:
            if rule.holds(sentence):
                excerpt = _excerpt(sentence.rstrip("."))
                hits.append(Hit(rule.kind, rule.weight, excerpt, language, start, end))
                break
    return hits


def scores(hits: tuple[Hit, ...]) -> dict[str, float]:
    """The summed weight of the hits per kind. Where hits of one kind overlap (two phrases
    found in the same words), only the heaviest counts; negative weights always count."""
    totals: dict[str, float] = {}
    counted: dict[str, list[Hit]] = {}
    for hit in sorted(hits, key=lambda hit: -hit.weight):
        taken = counted.setdefault(hit.kind, [])
        if hit.weight > 0 and any(hit.start < o.end and o.start < hit.end for o in taken):
            continue
        taken.append(hit)
        totals[hit.kind] = totals.get(hit.kind, 0.0) + hit.weight
    return totals
