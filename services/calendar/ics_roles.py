"""The role an interview invitation is about, read from its title, or nothing.

Invitations name the interview, not always the job: "Technical interview –
Lumen Analytics" (Google), "Panel interview – Platform Engineer (Northwind
Logistics)" (Outlook/Teams), "Kestrel Robotics – Pairing session" (Zoom),
"Interview for Senior Backend Engineer at Acme" (scheduling tools).
:func:`role_from_summary` takes out what names the round ("second interview",
"phone screen", "hiring manager call"…), the company and the people, splits
what is left at the usual separators, and keeps a part only when it reads as
a job title (it has a word such as engineer, designer, manager). Otherwise it
returns an empty string, and the user is asked to fill in the role: a new
application never gets the interview's title as its role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["role_from_summary"]

_ROUND_KIND = (
    r"first|second|third|fourth|fifth|final|1st|2nd|3rd|4th|5th|next|last|follow[- ]?up"
    r"|initial|intro(?:ductory)?|introduction|technical|tech|behaviou?ral|cultur(?:e|al)"
    r"|culture[- ]fit|values|panel|on[- ]?site|in[- ]person|virtual|remote|video|phone"
    r"|telephone|zoom|teams|microsoft teams|google meet|webex|hiring[- ]manager|recruiter"
    r"|recruiting|hr|talent|talent acquisition|team|peer|leadership|executive|founder|ceo"
    r"|cto|cfo|coo|coding|live coding|pair(?:ing)?|pair programming|system design|design"
    r"|case|case study|portfolio|take[- ]home|whiteboard|screening|short|quick|informal"
    r"|exploratory|30[- ]?min(?:ute)?|45[- ]?min(?:ute)?|60[- ]?min(?:ute)?|1[- ]?hour"
    r"|\d+(?:st|nd|rd|th)?[- ]round|round \d+")
_ROUND_WORD = (
    r"interviews?|screen|screening|call|chat|conversation|meeting|session|review"
    r"|discussion|catch[- ]up|sync|debrief|day|loop|assessment|presentation|lunch|coffee"
    r"|talk|exercise|test|challenge|meet[- ]and[- ]greet|meet & greet|intro")
#: Where the name of a round ends: the end, a separator, or a word such as "for".
_ROUND_END = r"(?=\s*(?:$|[–—|/:()\[\],;-]|<>|(?:for|with|at|about|on|re|@)\b))"
#: A name of a round: optional kinds, then a round word ("second technical interview"),
#: followed by the end or a separator (so "Call Center Agent" and "Test Engineer" stay).
_ROUND = re.compile(
    rf"\b(?:(?:{_ROUND_KIND})\s+)*(?:round\s+)?(?:{_ROUND_WORD})(?:\s+round)?{_ROUND_END}"
    rf"|\b(?:round|stage|step)\s+\d+\b|\bmeet(?:ing)?\s+(?:the|with)\s+\w+\b",
    re.IGNORECASE)
#: Words that make a part read as a job title.
_ROLE_NOUN = re.compile(
    r"\b(?:engineer|engineering|developer|programmer|architect|designer|analyst|scientist"
    r"|researcher|manager|director|lead|head of|vp|vice president|officer|specialist"
    r"|consultant|administrator|coordinator|associate|assistant|intern|internship|trainee"
    r"|apprentice|representative|accountant|controller|auditor|writer|editor|marketer"
    r"|strategist|recruiter|technician|nurse|teacher|advisor|adviser|planner|buyer|owner"
    r"|counsel|lawyer|attorney|paralegal|pharmacist|physician|therapist|supervisor"
    r"|operator|agent|sre|devops|qa|tester|product|executive)s?\b",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[–—|/-]\s+|\s*[|:()\[\]]\s*|\s+<>\s+|\s+(?:at|with|@|x)\s+",
                         re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:re|fwd?|for|for the|about|the|a|an|and|with|at|on|of|to"
                      r"|your|our)\b\s*)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s+(?:role|position|opening|job|vacancy|opportunity|and|for|at"
                       r"|with|the|of))+$|\s*\((?:m/w/d|m/f/d|f/m/d|w/m/d|all genders)\)\s*$",
                       re.IGNORECASE)
_GENDER = re.compile(r"\((?:m/w/d|m/f/d|f/m/d|w/m/d|all genders)\)", re.IGNORECASE)
_MAX_WORDS = 8


def _without(text: str, names: Iterable[str]) -> str:
    """``text`` with each name (a company, a person) taken out, as a separator."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " | ", text, flags=re.IGNORECASE)
    return text


def _tidy(part: str) -> str:
    part = " ".join(part.split()).strip(" ,.;:-–—|&+'\"")
    previous = None
    while part != previous:
        previous = part
        part = _LEADING.sub("", part)
        part = _TRAILING.sub("", part).strip(" ,.;:-–—|&+'\"")
    return part


def role_from_summary(summary: str, company: str = "", people: Iterable[str] = ()) -> str:
    """The job title an invitation's title names, or "" when it names none.

    ``company`` and ``people`` (names of the organizer and attendees) are taken
    out first, so "Sam Rivera <> Acme: Product Manager – Technical Interview"
    gives "Product Manager" and "Second interview – Northwind Logistics" gives "".
    """
    text = _GENDER.sub(" ", " ".join((summary or "").split()))
    text = _without(text, [company, *people])
    text = _ROUND.sub(" | ", text)
    for part in _SEPARATORS.split(text):
        role = _tidy(part)
        if not role or len(role.split()) > _MAX_WORDS or not _ROLE_NOUN.search(role):
            continue
        if re.fullmatch(r"(?:product|executive|team|lead)s?", role, re.IGNORECASE):
            continue  # alone, these name a team or a meeting, not a job
        return role[:200]
    return ""
