"""The date by which a message wants an answer ("please let us know by 12 December").

A deadline is a date that follows one of a language's cue words ("by", "no
later than", "bis zum", "spätestens") within a few words, written as a day and
a month name ("12 December", "December 12th", "12. Dezember"), as numbers
("12.12.", "12.12.2026", "2026-12-12"), as a weekday ("by Friday": the next
Friday after the message's date), or as a span ("within five days",
"innerhalb einer Woche"). A date without a year is the next such date on or
after the message's date (a date up to 30 days before it is read as this
year's, since people mention passed dates; anything earlier as next year's).
Month names, weekdays, cue words and spans come from the language files.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from services.mail.inbox.phrases import Language

_WORDS_BETWEEN = r"(?:\W+\w+){0,4}?\W+"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|\.)?"
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"
_YEAR2 = _YEAR.replace("year", "year2")
_PAST_GRACE = timedelta(days=30)


def _alternatives(names) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _date_pattern(language: Language) -> str:
    months = _alternatives(language.months)
    weekdays = _alternatives(language.weekdays)
    shapes = [
        rf"{_DAY}\s*(?:of\s+)?(?P<month>{months})\b\.?{_YEAR}",
        rf"(?P<month2>{months})\b\.?\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\b{_YEAR2}",
        r"(?P<nday>[0-3]?\d)\.(?P<nmonth>[01]?\d)\.(?P<nyear>(?:20)?\d\d)?",
        r"(?P<iyear>20\d\d)-(?P<imonth>[01]\d)-(?P<iday>[0-3]\d)",
    ]
    if weekdays:
        shapes.append(rf"(?P<weekday>{weekdays})\b")
    return "(?:" + "|".join(f"(?:{shape})" for shape in shapes) + ")"


def _cue_pattern(language: Language) -> re.Pattern | None:
    if not language.deadline_cues or not language.months:
        return None
    cues = _alternatives(language.deadline_cues)
    return re.compile(rf"(?<!\w)(?:{cues})(?:{_WORDS_BETWEEN}|\s+){_date_pattern(language)}",
                      re.IGNORECASE)


def _resolve(found: re.Match, language: Language, sent: date) -> date | None:
    parts = found.groupdict()
    if parts.get("weekday"):
        ahead = (language.weekdays[parts["weekday"].lower()] - sent.weekday()) % 7
        return sent + timedelta(days=ahead or 7)
    if parts.get("iyear"):
        return _make(int(parts["iyear"]), int(parts["imonth"]), int(parts["iday"]))
    if parts.get("nday"):
        year = parts.get("nyear")
        year_number = None if not year else int(year) + (2000 if len(year) == 2 else 0)
        return _with_year(year_number, int(parts["nmonth"]), int(parts["nday"]), sent)
    month_name = (parts.get("month") or parts.get("month2") or "").lower()
    day = parts.get("day") or parts.get("day2")
    year = parts.get("year") or parts.get("year2")
    if not month_name or not day:
        return None
    return _with_year(int(year) if year else None, language.months[month_name], int(day), sent)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(year: int | None, month: int, day: int, sent: date) -> date | None:
    if year is not None:
        return _make(year, month, day)
    candidate = _make(sent.year, month, day)
    if candidate is not None and candidate < sent - _PAST_GRACE:
        candidate = _make(sent.year + 1, month, day)
    return candidate


def _within(text: str, language: Language, sent: date) -> tuple[date, str] | None:
    numbers = _alternatives(language.numbers) if language.numbers else None
    for shape, days in language.within:
        number = r"(?P<n>\d{1,2}" + (f"|{numbers}" if numbers else "") + ")"
        pattern = r"(?<!\w)" + re.escape(shape).replace(r"\{n\}", number) + r"(?!\w)"
        found = re.search(pattern.replace(r"\ ", r"\s+"), text, re.IGNORECASE)
        if found:
            raw = found.groupdict().get("n")
            count = 1 if raw is None else (int(raw) if raw.isdigit()
                                           else language.numbers[raw.lower()])
            return sent + timedelta(days=days * count), found.group()
    return None


def find_deadline(text: str, sent: date, languages) -> tuple[date, str] | None:
    """The first deadline named in ``text`` with the words that name it, or ``None``.

    ``sent`` is the message's date (in the user's zone); ``languages`` the
    language files to read cue words, months and weekdays from.
    """
    best: tuple[int, date, str] | None = None
    for language in languages:
        pattern = _cue_pattern(language)
        for found in pattern.finditer(text) if pattern else ():
            deadline = _resolve(found, language, sent)
            if deadline is not None and deadline >= sent:
                if best is None or found.start() < best[0]:
                    best = (found.start(), deadline, " ".join(found.group().split()))
                break
    if best is not None:
        return best[1], best[2]
    for language in languages:
        spanned = _within(text, language, sent)
        if spanned is not None:
            return spanned[0], " ".join(spanned[1].split())
    return None
