"""A small, strict RFC 5545 reader: the text of an .ics file as nested components.

icalendar's object model needs about 75 µs per line (some 15 s for 10 MB), so
invitation files are read here: lines are unfolded in linear time
(:mod:`services.calendar.ics_unfold`), split into name, parameters and value,
and nested by BEGIN/END. Anything that breaks the structure raises
:class:`InvitationFileError` with a sentence for the user.

:mod:`services.calendar.invitations` calls :func:`decode_text` and
:func:`read_components`, and reads the :class:`Component` and
:class:`Property` values they give; :func:`shown` quotes a piece of the file
in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from services.calendar.ics_unfold import FoldingError, unfold

__all__ = [
    "MAX_DEPTH",
    "Component",
    "InvitationFileError",
    "Property",
    "decode_text",
    "read_components",
    "shown",
]

#: Deepest nesting of BEGIN/END accepted (VCALENDAR > VEVENT > VALARM is 3).
MAX_DEPTH = 8


class InvitationFileError(Exception):
    """The file cannot be imported at all; ``message`` says what is wrong, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Property(NamedTuple):
    """One content line: its name (upper case), parameters, value and line number."""

    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class Component:
    """A ``BEGIN:<name>`` … ``END:<name>`` block: its properties and the blocks inside it."""

    name: str
    line: int
    props: list[Property] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)
    text: list[str] | None = None  # the unfolded lines, kept for VTIMEZONE only

    def first(self, name: str) -> Property | None:
        """The first property called ``name``, or None."""
        for prop in self.props:
            if prop.name == name:
                return prop
        return None

    def all(self, name: str) -> list[Property]:
        """Every property called ``name``, in order."""
        return [prop for prop in self.props if prop.name == name]


_NAME = re.compile(r"[A-Za-z0-9-]+\Z")
_SIMPLE_PARAM = re.compile(r"([A-Za-z0-9-]+)=(.*)\Z", re.DOTALL)


def shown(text: str, limit: int = 40) -> str:
    """``text`` in quotes for a message: control characters as ``·``, cut at ``limit``."""
    text = "".join(ch if ch.isprintable() else "·" for ch in text)
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def _rfc6868(value: str) -> str:
    if "^" not in value:
        return value
    return re.sub(r"\^(\^|n|')", lambda m: {"^": "^", "n": "\n", "'": '"'}[m.group(1)], value)


def _split_line(line: str, number: int) -> Property:
    """One unfolded content line → name, parameters, value."""
    colon = line.find(":")
    quote = line.find('"')
    if colon < 0:
        raise InvitationFileError(
            f"Line {number} is not a calendar line ({shown(line)}): it has no “:”. The file "
            "is damaged, or its line folding may be broken (a long line was split without "
            "the leading space). Nothing was imported; save the invitation again from your "
            "mail or calendar program."
        )
    if quote < 0 or quote > colon:
        head, value = line[:colon], line[colon + 1:]
        parts = head.split(";")
    else:
        parts, value = _split_quoted(line, number)
    name = parts[0]
    if not _NAME.match(name):
        raise InvitationFileError(
            f"Line {number} is not a calendar line ({shown(line)}): the file is damaged, or "
            "its line folding may be broken (a long line was split without the leading "
            "space). Nothing was imported; save the invitation again from your mail or "
            "calendar program."
        )
    return Property(name.upper(), _params(parts[1:], number), value, number)


def _split_quoted(line: str, number: int) -> tuple[list[str], str]:
    """The name and parameters, and the value, of a line with quoted parameter values
    (they may hold ";", ":" and ",")."""
    parts, current, quoted, value_at = [], [], False, -1
    for position, char in enumerate(line):
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        elif char == ":" and not quoted:
            value_at = position + 1
            break
        else:
            current.append(char)
    if value_at < 0:
        raise InvitationFileError(
            f"Line {number} has an unfinished quoted value ({shown(line)}); the file "
            "is damaged. Nothing was imported."
        )
    parts.append("".join(current))
    return parts, line[value_at:]


def _params(parts: list[str], number: int) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in parts:
        match = _SIMPLE_PARAM.match(part)
        if match is None:
            raise InvitationFileError(
                f"Line {number} has a malformed parameter ({shown(part)}); the file is "
                "damaged. Nothing was imported."
            )
        key, raw = match.group(1).upper(), match.group(2)
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = raw[1:-1]
        params[key] = _rfc6868(raw.replace('"', ""))
    return params


def decode_text(data: bytes) -> tuple[str, str | None]:
    """The text of the file, and a note when it was not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass  # not UTF-8: Windows-1252 is tried next
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InvitationFileError(
            "The file is not text (it holds bytes no calendar file has), so it is not an "
            "invitation. Nothing was imported."
        ) from exc
    return text, "The file was not UTF-8; it was read as Windows-1252 text."


def read_components(text: str) -> list[Component]:
    """The top-level components of an iCalendar text (strict about structure)."""
    lines = _logical_lines(text)
    nesting = _Nesting()
    last_number = lines[-1][0]
    for number, line in lines:
        try:
            prop = _split_line(line, number)
        except InvitationFileError:
            if number == last_number and nesting.stack:
                raise InvitationFileError(
                    f"The file ends in the middle of a line ({shown(line)}): it was cut off "
                    "when it was saved or sent. Nothing was imported; save the invitation "
                    "again from your mail or calendar program."
                ) from None
            raise
        nesting.take(prop, line)
    nesting.finish()
    return nesting.top


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """The unfolded lines of a text that starts like a calendar file."""
    if "\x00" in text:
        raise InvitationFileError(
            "The file holds binary data, so it is not an iCalendar (.ics) invitation. "
            "Nothing was imported."
        )
    try:
        lines = unfold(text)  # linear: a line folded 800,000 times is no slower than others
    except FoldingError:
        raise InvitationFileError(
            "The file starts with a continued line, so it is not a calendar file. "
            "Nothing was imported."
        ) from None
    if not lines:
        raise InvitationFileError("The file is empty, so there is no invitation in it. "
                                  "Nothing was imported.")
    first = lines[0][1].strip()
    if first.upper() != "BEGIN:VCALENDAR":
        raise InvitationFileError(
            f"This is not a calendar (iCalendar) file: it starts with {shown(first)} instead "
            "of BEGIN:VCALENDAR. Save the invitation from your mail program as an .ics file "
            "and import that. Nothing was imported."
        )
    return lines


class _Nesting:
    """The components read so far: ``top`` the top-level ones, ``stack`` the open ones."""

    def __init__(self) -> None:
        self.top: list[Component] = []
        self.stack: list[Component] = []

    def take(self, prop: Property, line: str) -> None:
        """Add the next line (``prop``, as read from ``line``)."""
        if prop.name == "BEGIN":
            self._begin(prop, line)
        elif prop.name == "END":
            self._end(prop)
        elif not self.stack:
            raise InvitationFileError(
                f"Line {prop.line} ({shown(line)}) is outside the calendar (after "
                "END:VCALENDAR); the file is damaged. Nothing was imported."
            )
        else:
            self.stack[-1].props.append(prop)
        for component in self.stack:
            if component.text is not None:
                component.text.append(line)
                break

    def _begin(self, prop: Property, line: str) -> None:
        number, stack = prop.line, self.stack
        name = prop.value.strip().upper()
        if not _NAME.match(name):
            raise InvitationFileError(
                f"Line {number} begins a component with no valid name ({shown(line)}). "
                "The file is damaged. Nothing was imported."
            )
        if len(stack) >= MAX_DEPTH:
            raise InvitationFileError(
                f"Line {number} nests components deeper than any invitation does; the "
                "file is damaged. Nothing was imported."
            )
        if not stack and name != "VCALENDAR":
            raise InvitationFileError(
                f"Line {number} starts a {name} outside the calendar; the file is "
                "damaged. Nothing was imported."
            )
        component = Component(name, number)
        if name == "VTIMEZONE":
            component.text = []
        if stack:
            stack[-1].children.append(component)
        else:
            self.top.append(component)
        stack.append(component)

    def _end(self, prop: Property) -> None:
        number, stack = prop.line, self.stack
        name = prop.value.strip().upper()
        if not stack:
            raise InvitationFileError(
                f"Line {number} ends a {name or 'component'} that was never begun; the "
                "file is damaged. Nothing was imported."
            )
        if stack[-1].name != name:
            raise InvitationFileError(
                f"Line {number} ends a {name or 'component'} while the "
                f"{stack[-1].name} begun on line {stack[-1].line} is still open: "
                f"END:{stack[-1].name} is missing or misplaced. The file is damaged or "
                "was cut off. Nothing was imported."
            )
        stack.pop()

    def finish(self) -> None:
        """Check that every component begun was ended."""
        if self.stack:
            open_names = ", ".join(f"{c.name} (line {c.line})" for c in self.stack)
            raise InvitationFileError(
                f"The file ends before the calendar is complete: END:{self.stack[-1].name} "
                f"is missing (still open: {open_names}). It may have been cut off when it "
                "was saved. Nothing was imported."
            )
