"""Unfolding the content lines of an iCalendar text (RFC 5545, section 3.1), in linear time.

A long line is written as several physical lines, each continuation starting
with one space or tab. :func:`unfold` joins them back: the pieces of a
logical line are collected in a list and joined once, so a line folded
800,000 times costs as much as 800,000 short lines (adding each piece to
the growing line copied it again every time: quadratic).
"""

from __future__ import annotations

from collections.abc import Callable


class FoldingError(ValueError):
    """The text starts with a continuation line, so it cannot be an iCalendar file."""


def unfold(text: str, *, progress: Callable[[int, int], None] | None = None,
           every: int = 65_536) -> list[tuple[int, str]]:
    """The logical lines of ``text``: ``(number of its first physical line, line)``.

    Lines end with CRLF or a bare LF; a trailing CR is dropped. Blank lines
    (some programs add them) and empty or white continuations are skipped.
    A continuation line adds its text after the one space or tab that marks
    it. ``progress(done, total)`` is called every ``every`` physical lines.
    Raises :class:`FoldingError` when the first non-blank line is a
    continuation.
    """
    raw_lines = text.split("\n")
    total = len(raw_lines)
    lines: list[tuple[int, str]] = []
    pieces: list[str] = []
    first = 0
    for number, raw in enumerate(raw_lines, start=1):
        if progress is not None and number % every == 0:
            progress(number, total)
        if raw.endswith("\r"):
            raw = raw[:-1]
        if not raw.strip():
            continue
        if raw[0] in " \t":
            if not pieces:
                raise FoldingError("the text starts with a continued line")
            pieces.append(raw[1:])
            continue
        if pieces:
            lines.append((first, pieces[0] if len(pieces) == 1 else "".join(pieces)))
        pieces = [raw]
        first = number
    if pieces:
        lines.append((first, pieces[0] if len(pieces) == 1 else "".join(pieces)))
    return lines
