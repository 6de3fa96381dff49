"""Text folded for searching: without accents, case or typographic dashes and quotes.

The rest of the app calls :func:`fold` wherever a search or a match should
ignore accents and case (``"José Núñez"`` → ``"jose nunez"``): the application
list's search keys, matching mail and invitations to applications, the calendar's
file names.
Nothing here imports peewee or Qt (the list uses it before the first paint).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold"]

#: Letters NFKD leaves whole, written the way people type them without the accent key;
#: and typographic dashes and quotes, written as on a keyboard (O’Brien → o'brien).
_LETTERS = (("ø", "o"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("æ", "ae"), ("œ", "oe"),
            ("ı", "i"), ("ħ", "h"), ("þ", "th"),
            *((dash, "-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"),
            *((quote, "'") for quote in "\u2018\u2019\u201a\u201b"),
            *((quote, '"') for quote in "\u201c\u201d\u201e\u201f"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: Folded non-ASCII characters; a text only ever holds a few distinct ones.
_CHARS: dict[str, str] = {}
_CHARS_LIMIT = 100_000


def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKD", char).casefold()
    folded = "".join(part for part in folded if not unicodedata.combining(part))
    for letter, plain in _LETTERS:
        if letter in folded:
            folded = folded.replace(letter, plain)
    return folded


def fold(text: str) -> str:
    """``text`` without accents and case, for comparing: ``"José Núñez"`` → ``"jose nunez"``.

    NFKD, combining marks dropped, casefolded (so ``ß`` → ``ss``), and the
    letters NFKD does not decompose written plainly (``ø`` → ``o``, ``ł`` →
    ``l``, ``đ``/``ð`` → ``d``, ``æ`` → ``ae``, ``œ`` → ``oe``, ``ı`` → ``i``,
    ``ħ`` → ``h``, ``þ`` → ``th``); typographic dashes and quotes become ``-``,
    ``'`` and ``"``. Each step works character by character, so each distinct
    non-ASCII character is folded once (and remembered) and replaced
    throughout; the ASCII rest is only lowercased.
    """
    if text.isascii():
        return text.lower()
    for char in set(_NON_ASCII.findall(text)):
        folded = _CHARS.get(char)
        if folded is None:
            folded = _fold_char(char)
            if len(_CHARS) < _CHARS_LIMIT:
                _CHARS[char] = folded
        if folded != char:
            text = text.replace(char, folded)
    return text.lower()
