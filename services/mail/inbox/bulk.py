"""Is this mail to many (a newsletter, a job alert, a recruiter's cold message), not a reply?

Such mail is never classified as a reply and never attached to an application
by its sender's domain or a company it names; only a reply to a note the app
sent, or a message from a person the user knows, is looked at as a reply. Three
kinds of evidence count, each given as a sentence the user reads: the headers of
mailing lists (``List-Unsubscribe``, ``List-Id``, ``Precedence: bulk``/``list``/
``junk``), a job board's sender domain (``resources/job_board_senders.json``),
and the phrases of job alerts, newsletters and recruiters' unsolicited messages
("I came across your profile") in the message's own words when they weigh at
least :data:`BULK_SCORE` and more than any reply phrase.
"""

from __future__ import annotations

from services.mail.inbox import phrases, tables
from services.mail.inbox.quoting import own_words

#: The weight of job-alert and newsletter phrases that marks mail to many.
BULK_SCORE = 4.0
#: The phrase kinds of mail to many, with how the reason names them.
BULK_KINDS = {
    "job_alert": "That is how job alerts read.",
    "newsletter": "That is how newsletters read.",
    "cold_outreach": "That is how recruiters' unsolicited messages read.",
}
REPLY_KINDS = ("rejection", "invitation", "offer", "asks", "received")


def header_reasons(message) -> list[str]:
    """Sentences for the mailing-list headers and job-board sender of ``message``."""
    reasons = []
    if message.list_unsubscribe:
        reasons.append("It carries an unsubscribe link in its headers, as newsletters and "
                       "mailings do.")
    if message.list_id:
        reasons.append(f"It was sent to a mailing list ({message.list_id}).")
    if message.precedence in ("bulk", "list", "junk"):
        reasons.append(f"It is marked as mail to many (Precedence: {message.precedence}).")
    if tables.is_job_board(message.sender_domain):
        reasons.append(f"It comes from {message.sender_domain}, a job board.")
    return reasons


def phrase_reasons(hits: tuple[phrases.Hit, ...]) -> list[str]:
    """Sentences for the phrases of mail to many, when they outweigh reply phrases."""
    totals = phrases.scores(hits)
    bulk = sum(totals.get(kind, 0.0) for kind in BULK_KINDS)
    reply = max((totals.get(kind, 0.0) for kind in REPLY_KINDS), default=0.0)
    if bulk < BULK_SCORE or bulk <= reply:
        return []
    found = sorted((h for h in hits if h.kind in BULK_KINDS and h.weight > 0),
                   key=lambda h: -h.weight)
    return [f"{hit.sentence} {BULK_KINDS[hit.kind]}" for hit in found[:2]]


def bulk_reasons(message, hits: tuple[phrases.Hit, ...] | None = None) -> list[str]:
    """Why ``message`` is mail to many rather than a reply; empty when nothing says so."""
    if hits is None:
        hits = phrases.find_hits(own_words(message))
    return header_reasons(message) + phrase_reasons(hits)
