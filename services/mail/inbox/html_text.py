"""HTML mail turned into plain text with the standard library's :mod:`html.parser`.

Scripts, styles and the head are dropped; block elements end lines; text
inside ``<blockquote>`` (how mail programs quote a reply in HTML) comes out
with ``> `` before each line, so quoted replies can be recognised and set
aside like plain-text ones. Broken HTML never raises: what was read so far is kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "xml"})
_BLOCK = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "hr", "pre", "dl", "dt", "dd", "center",
})
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


class _TextParser(HTMLParser):
    """Collects the text of a document, line by line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0
        self.quoting = 0

    def _newline(self) -> None:
        self.pieces.append("\n" + "> " * self.quoting)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.quoting += 1
            self._newline()
        elif tag in _BLOCK:
            self._newline()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self._newline()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quoting = max(0, self.quoting - 1)
            self._newline()
        elif tag in _BLOCK:
            self._newline()

    def handle_data(self, data):
        if not self.skipping:
            self.pieces.append(_WHITESPACE.sub(" ", data))


def html_to_text(html: str) -> str:
    """The readable text of an HTML document (or fragment); never raises."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser can still trip on some malformed markup: keep what it read
        pass
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.pieces).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n(?:>? ?\n)+", "\n\n", text).strip()
