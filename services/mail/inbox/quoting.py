"""Set aside the quoted part of a reply, so only the sender's own words are read.

A reply usually carries the user's own note below it. Those are the user's
words, not the company's: "I look forward to hearing about the next steps"
quoted under a two-line answer must not make the answer an invitation. Three
ways of quoting are recognised:

* lines that start with ``>`` (plain-text quoting, and HTML ``<blockquote>``
  once :mod:`services.mail.inbox.html_text` has turned it into text);
* an attribution line ("On Tue, 3 Nov 2026, Jana Keller wrote:", "Am 03.11.2026
  um 10:15 schrieb Jana Keller:", also wrapped over up to three lines): the
  line goes, and when no ``>`` lines follow it, everything below it goes too;
* Outlook's separators ("-----Original Message-----", "-----Ursprüngliche
  Nachricht-----", or a "From:"/"Von:" line followed by "Sent:"/"Gesendet:"/
  "Date:"/"Datum:"): everything from there on goes.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^[ \t]*(?:On|Am|Le|El|Il|Op)\s[^\n]{0,300}?(?:\n(?![ \t]*>)[^\n]{0,200}?){0,2}?"
    r"(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef)\b[^\n]{0,200}:[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_OUTLOOK = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht)"
    r"[ \t]*-{2,}|\*?(?:From|Von):\*?[ \t][^\n]+\n[ \t]*\*?(?:Sent|Gesendet|Date|Datum):)",
    re.MULTILINE | re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*(?:\n|$)", re.MULTILINE)
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|antw|antwort|sv|vs|odp|r)\s*(?:\[\d+\])?\s*:",
                            re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """``text`` without quoted replies (see the module's description); never longer."""
    outlook = _OUTLOOK.search(text)
    if outlook:
        text = text[: outlook.start()]
    while True:
        attribution = _ATTRIBUTION.search(text)
        if attribution is None:
            break
        rest = text[attribution.end():]
        following = rest.lstrip("\n \t")
        if following.startswith(">"):
            text = text[: attribution.start()] + rest
        else:
            text = text[: attribution.start()]
    return re.sub(r"\n{3,}", "\n\n", _QUOTED_LINE.sub("", text)).strip()


#: How much of a message's own words the matcher and the classifier read.
READ_CHARS = 20_000


def own_words(message) -> str:
    """The subject and the first :data:`READ_CHARS` of the message's own words (quoted
    replies set aside): what the classifier and the matcher read. The subject of a reply
    ("Re: Signed offer letter", "AW: …") is the user's own and is left out too."""
    body = strip_quoted(message.text[: 4 * READ_CHARS])[:READ_CHARS]
    subject = "" if _REPLY_SUBJECT.match(message.subject) else message.subject
    return f"{subject}\n\n{body}"
