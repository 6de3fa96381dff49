"""How the application editor words the problems that stop a save, and where they are.

:meth:`ui.applications.editor.ApplicationEditor.show_problems` shows
:func:`problems_text` above the form and goes to the first problem's round
(:func:`problem_round`) or field.
"""

from __future__ import annotations

_ROUNDS = "rounds["
_INTERVIEWERS = ".interviewers["


def problems_text(problems: dict[str, str]) -> str:
    """The banner's text (rich text): one line per problem, its round and interviewer first.

    ``problems`` maps a field's path (``"company"``, ``"rounds[0].interviewers[1].email"``)
    to a sentence.
    """
    lines = ["<b>Not saved yet. Please fix:</b>"]
    for path, sentence in problems.items():
        lines.append(f"• {_where(path)}{sentence}")
    return "<br>".join(lines)


def problem_round(path: str) -> int | None:
    """The index of the round a problem's path is in (None outside the rounds)."""
    if not path.startswith(_ROUNDS):
        return None
    return int(path[len(_ROUNDS):path.index("]")])


def _where(path: str) -> str:
    number = problem_round(path)
    if number is None:
        return ""
    if _INTERVIEWERS in path:
        start = path.index(_INTERVIEWERS) + len(_INTERVIEWERS)
        person = int(path[start:path.index("]", start)]) + 1
        return f"Round {number + 1}, interviewer {person}: "
    return f"Round {number + 1}: "
