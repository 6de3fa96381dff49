"""What a reply means: rejection, invitation, offer, a request, a receipt, or something else.

:func:`classify` reads the subject and the sender's own words (quoted replies
set aside, :mod:`services.mail.inbox.quoting`) against the phrase lists of every
language in ``resources/mail_phrases`` and returns a :class:`Meaning`: the kind,
the reasons as sentences the user reads ("It says “…”.", in the message's
language), the stage the kind suggests, and for an offer or a request the
deadline it names. Nothing is changed here; the caller offers the suggestion
and the user decides.

How the kind is decided, in this order:

1. An automatic reply (``Auto-Submitted: auto-replied``, or out-of-office
   phrases outweighing every reply phrase) is :data:`AUTO_REPLY`.
2. Mail to many (mailing-list headers, a job board's sender, the phrases of job
   alerts, newsletters or recruiters' cold messages outweighing reply phrases;
   :mod:`services.mail.inbox.bulk`) is :data:`BULK`, never a reply about an application.
3. Otherwise the weights of the phrases found are summed per kind (a phrase
   counts once; negative weights take back what a conditional sentence such as
   "if your profile matches, we will invite you to an interview" seems to say).
   A calendar invitation (a ``text/calendar`` part) adds :data:`CALENDAR_WEIGHT`
   to an invitation. The heaviest kind with at least :data:`MIN_SCORE` wins (a
   tie goes to the first of :data:`PRIORITY`), except that :data:`RECEIVED`
   counts only when no other kind is that heavy: an invitation or a rejection
   usually thanks for the application too. Nothing that heavy: :data:`OTHER`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models import clock
from services.mail.inbox import bulk, phrases
from services.mail.inbox.deadline import find_deadline
from services.mail.inbox.quoting import own_words

REJECTION = "rejection"
INVITATION = "invitation"
OFFER = "offer"
ASKS = "asks"
RECEIVED = "received"
OTHER = "other"
BULK = "bulk"
AUTO_REPLY = "auto_reply"
#: Every kind: the six meanings of a reply, then mail to many (newsletters, job alerts,
#: recruiters' cold messages) and automatic replies, which are no reply about an application.
KINDS = (REJECTION, INVITATION, OFFER, ASKS, RECEIVED, OTHER, BULK, AUTO_REPLY)
#: The kinds a reply can be, in the order that breaks a tie.
PRIORITY = (OFFER, REJECTION, INVITATION, ASKS, RECEIVED)
#: The least summed weight that makes a kind.
MIN_SCORE = 3.0
#: What a calendar part adds to the weight of an invitation.
CALENDAR_WEIGHT = 2.0
#: The stage each kind suggests (the others suggest none).
STAGE_FOR_KIND = {REJECTION: "rejected", OFFER: "offer", INVITATION: "interviewing"}
#: Stages after which a reply changes nothing.
_FINAL_STAGES = frozenset({"accepted", "declined", "rejected", "withdrawn"})
_MAX_REASONS = 3
_TRAILING_STOP = re.compile(r"(?<=[^\W\d])[.,]$")


@dataclass(frozen=True)
class Meaning:
    """What a message means, why, the stage it suggests (``None``: no change) and a deadline."""

    kind: str
    reasons: tuple[str, ...]
    suggested_stage: str | None
    deadline: date | None = None


def suggest(kind: str, current_stage: str | None = None) -> str | None:
    """The stage a message of ``kind`` suggests for an application now at ``current_stage``.

    A rejection suggests "rejected" and an offer "offer" unless the application
    is already there or closed; an invitation suggests "interviewing" only from
    "applied". Without a current stage, the kind's stage.
    """
    target = STAGE_FOR_KIND.get(kind)
    if target is None or current_stage is None:
        return target
    if kind == INVITATION:
        return target if current_stage == "applied" else None
    if current_stage == target or current_stage in _FINAL_STAGES:
        return None
    return target


def classify(message, current_stage: str | None = None) -> Meaning:
    """The :class:`Meaning` of an :class:`~services.mail.inbox.inbound.InboundMessage`.

    ``current_stage`` (the matched application's stage) narrows the suggestion
    as :func:`suggest` says; without it the kind's own stage is suggested.
    """
    hits = phrases.find_hits(own_words(message))
    totals = phrases.scores(hits)
    best_reply = max((totals.get(kind, 0.0) for kind in PRIORITY), default=0.0)
    automatic = _auto_reply_reasons(message, hits, totals, best_reply)
    if automatic:
        return Meaning(AUTO_REPLY, automatic, None)
    mass = bulk.bulk_reasons(message, hits)
    if mass:
        return Meaning(BULK, tuple(mass[:_MAX_REASONS]), None)
    if message.has_calendar:
        totals[INVITATION] = totals.get(INVITATION, 0.0) + CALENDAR_WEIGHT
    kind = _decide(totals)
    if kind is None:
        return Meaning(OTHER, ("It is a reply, but it names no decision, invitation or "
                               "request that Next Steps recognises.",), None)
    reasons = [hit.sentence for hit in _strongest(hits, kind)]
    if kind == INVITATION and message.has_calendar:
        reasons.append("It brings a calendar invitation.")
    deadline = None
    if kind in (OFFER, ASKS):
        deadline, sentence = _deadline(message)
        if sentence:
            reasons.append(sentence)
    return Meaning(kind, tuple(reasons), suggest(kind, current_stage), deadline)


def _auto_reply_reasons(message, hits, totals, best_reply) -> tuple[str, ...]:
    if message.auto_submitted.startswith("auto-replied"):
        return ("It was sent automatically as an answer to your message (Auto-Submitted: "
                "auto-replied), as out-of-office replies are.",)
    if totals.get("auto_reply", 0.0) >= 4 and totals["auto_reply"] > best_reply:
        found = [hit for hit in hits if hit.kind == "auto_reply" and hit.weight > 0]
        return tuple(f"{hit.sentence} That is how an automatic reply reads."
                     for hit in found[:2])
    return ()


def _decide(totals: dict[str, float]) -> str | None:
    """The heaviest kind of at least :data:`MIN_SCORE`; "received" only when no other kind
    is that heavy (an invitation or a rejection usually thanks for the application too)."""
    ranked = sorted(PRIORITY[:-1], key=lambda kind: (-totals.get(kind, 0.0), PRIORITY.index(kind)))
    for best in (ranked[0], RECEIVED):
        if totals.get(best, 0.0) >= MIN_SCORE:
            return best
    return None


def _strongest(hits, kind: str) -> list[phrases.Hit]:
    """The heaviest phrases of ``kind`` that do not overlap, in the order they appear."""
    found = [hit for hit in hits if hit.kind == kind and hit.weight > 0]
    found.sort(key=lambda hit: (-hit.weight, hit.start))
    chosen: list[phrases.Hit] = []
    for hit in found:
        if not any(hit.start < other.end and other.start < hit.end for other in chosen):
            chosen.append(hit)
        if len(chosen) == _MAX_REASONS:
            break
    return sorted(chosen, key=lambda hit: hit.start)


def _deadline(message) -> tuple[date | None, str]:
    sent = message.date.astimezone(clock.user_zone()).date()
    found = find_deadline(own_words(message), sent, phrases.languages())
    if found is None:
        return None, ""
    deadline, words = found
    return deadline, (f"It names a deadline: {deadline:%A} {deadline.day} {deadline:%B %Y} "
                      f"(“{_TRAILING_STOP.sub('', words)}”).")
