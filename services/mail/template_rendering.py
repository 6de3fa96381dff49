"""Rendering an email template safely: a sandbox, limits, and every problem as a sentence.

Rendering uses a Jinja2 :class:`~jinja2.sandbox.SandboxedEnvironment` with
:class:`~jinja2.StrictUndefined` and limits on loops, output and time
(:mod:`services.mail.template_sandbox`): a template cannot reach Python internals
(``{{ company.__class__ }}`` is refused), and a misspelt placeholder is an
error pointing at the spot, never an empty string. ``trim_blocks`` and
``lstrip_blocks`` are on, so a ``{% if %}`` on a line of its own leaves no
blank line behind. Every problem is a :class:`TemplateProblem` whose
``message`` is a sentence for the user.

The rest of the app calls :func:`render` (a subject and body with their
values) and :func:`check_template` (does it render with example values?);
:func:`services.mail.templates.render_template` renders a stored template.

jinja2 is imported here at module level: this module is loaded only when the
composer or the template editor opens, never at start-up.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.sandbox import SecurityError

from services.mail.placeholders import (
    PLACEHOLDERS,
    normalise_newlines,
    one_line,
    sample_context,
)
from services.mail.template_sandbox import LimitedSandbox, LimitExceeded, guard_tree, render_limited

__all__ = ["Rendered", "TemplateProblem", "check_template", "render"]


class Rendered(NamedTuple):
    """A rendered message: one-line subject and the body."""

    subject: str
    body: str


class TemplateProblem(Exception):
    """A template cannot be rendered; ``message`` is a sentence pointing at the spot.

    ``field`` is ``"subject"`` or ``"body"``; ``line`` is the 1-based line in
    the body (None for the subject, which is one line); ``column`` is the
    1-based column when known.
    """

    def __init__(self, message: str, *, field: str = "body", line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.column = column


# -- the sandbox -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _env() -> LimitedSandbox:
    # Loops, output and time are limited there (services/mail/template_sandbox.py).
    return LimitedSandbox(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )


def _known_list(extra: set[str] = frozenset()) -> str:
    return ", ".join(sorted(set(PLACEHOLDERS) | extra))


def _where(field: str, line: int | None) -> str:
    if field == "subject":
        return "In the subject"
    return f"Line {line}" if line else "In the body"


def _locate(source: str, line: int | None, word: str) -> tuple[int | None, str]:
    """The 1-based column of ``word`` on ``line`` and the ``{{ … }}`` around it, if found."""
    lines = source.split("\n")
    if not line or line > len(lines):
        return None, word
    text = lines[line - 1]
    match = re.search(rf"(?<![\w.]){re.escape(word)}(?!\w)", text)
    if match is None:
        return None, word
    column = match.start() + 1
    for tag in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}", text):
        if tag.start() <= match.start() < tag.end():
            return column, tag.group(0)
    return column, word


def _unknown_name_problem(source: str, field: str, name: str, line: int | None,
                          allowed: set[str]) -> TemplateProblem:
    column, shown = _locate(source, line, name)
    guess = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
    known = f"Known placeholders: {_known_list(allowed - set(PLACEHOLDERS))}."
    if guess:
        message = (f"{_where(field, line)}: “{shown}” is not a placeholder; "
                   f"did you mean “{guess[0]}”? {known}")
    else:
        message = f"{_where(field, line)}: “{shown}” is not a placeholder. {known}"
    return TemplateProblem(message, field=field, line=line if field == "body" else None,
                           column=column)


def _sentence(detail: str) -> str:
    detail = " ".join(str(detail).split()).rstrip(".")
    return detail[:1].lower() + detail[1:] if detail[:2] != detail[:2].upper() else detail


def _syntax_problem(exc: TemplateSyntaxError, field: str) -> TemplateProblem:
    line = exc.lineno if field == "body" else None
    detail = exc.message or str(exc)
    unclosed = re.search(r"innermost block that needs to be closed is '(\w+)'", detail)
    if unclosed:
        block = unclosed.group(1)
        return TemplateProblem(
            f"{_where(field, line)}: the template has a syntax error: the template ends but "
            f"a “{{% {block} … %}}” block is still open; close it with “{{% end{block} %}}”.",
            field=field, line=line,
        )
    return TemplateProblem(
        f"{_where(field, line)}: the template has a syntax error: {_sentence(detail)}. "
        "Check the {{ … }} and {% … %} marks there.",
        field=field, line=line,
    )


@lru_cache(maxsize=128)
def _compile(source: str, field: str, allowed: frozenset[str]):
    """Parse and check ``source``; the compiled template or a :class:`TemplateProblem`."""
    env = _env()
    try:
        tree = env.parse(source)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            attr = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if isinstance(attr, str) and attr.startswith("_"):
                line = node.lineno if field == "body" else None
                column, _shown = _locate(source, node.lineno, attr)
                return TemplateProblem(
                    f"{_where(field, line)}: “{attr}” is off limits: templates may only use "
                    f"placeholders ({_known_list(set(allowed) - set(PLACEHOLDERS))}), not "
                    "the program's internals.",
                    field=field, line=line, column=column,
                )
        # Also compiles the template: an unknown filter or test is reported here.
        unknown = meta.find_undeclared_variables(tree) - set(allowed) - set(env.globals)
        if unknown:
            found = [(n.lineno, n.name) for n in tree.find_all(nodes.Name)
                     if n.name in unknown and n.ctx == "load"]
            line, name = min(found) if found else (None, sorted(unknown)[0])
            return _unknown_name_problem(source, field, name, line, set(allowed))
        return env.from_string(guard_tree(tree))
    except TemplateSyntaxError as exc:
        return _syntax_problem(exc, field)


def _template_line(exc: BaseException) -> int | None:
    """The template line a rendering error happened on (Jinja rewrites tracebacks so)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _render_one(source: str, field: str, context: Mapping[str, Any]) -> str:
    allowed = frozenset(set(PLACEHOLDERS) | {k for k in context if isinstance(k, str)})
    compiled = _compile(source, field, allowed)
    if isinstance(compiled, TemplateProblem):
        raise TemplateProblem(compiled.message, field=compiled.field, line=compiled.line,
                              column=compiled.column)
    try:
        return render_limited(compiled, dict(context))
    except LimitExceeded as exc:
        line = _template_line(exc) if field == "body" else None
        raise TemplateProblem(f"{_where(field, line)}: {exc.message}", field=field,
                              line=line) from None
    except SecurityError as exc:
        line = _template_line(exc) if field == "body" else None
        raise TemplateProblem(
            f"{_where(field, line)}: the template tries something templates may not do "
            f"({_sentence(str(exc))}); use only the placeholders.",
            field=field, line=line,
        ) from None
    except UndefinedError as exc:
        line = _template_line(exc) if field == "body" else None
        if "unsafe" in str(exc):
            raise TemplateProblem(
                f"{_where(field, line)}: the template tries to reach the program's internals "
                f"({_sentence(str(exc))}); use only the placeholders.",
                field=field, line=line,
            ) from None
        missing = re.search(r"has no attribute '([^']*)'", str(exc))
        if missing:
            raise TemplateProblem(
                f"{_where(field, line)}: placeholders are plain text and have no "
                f"“{missing.group(1)}”; write the placeholder alone, such as {{{{ company }}}}.",
                field=field, line=line,
            ) from None
        raise TemplateProblem(
            f"{_where(field, line)}: a placeholder has no value here "
            f"({_sentence(str(exc))}). Known placeholders: {_known_list()}.",
            field=field, line=line,
        ) from None
    except Exception as exc:  # any error of a user's template becomes a sentence
        line = _template_line(exc) if field == "body" else None
        raise TemplateProblem(
            f"{_where(field, line)}: the template could not be filled in: "
            f"{_sentence(str(exc) or type(exc).__name__)}.",
            field=field, line=line,
        ) from None


def render(subject: str, body: str, context: Mapping[str, Any]) -> Rendered:
    """Fill in ``subject`` and ``body`` with ``context``; raise :class:`TemplateProblem`.

    The subject comes back on one line (line breaks and runs of spaces become
    one space), so it is always safe to use as a header.
    """
    rendered_subject = _render_one(one_line(subject), "subject", context)
    rendered_body = _render_one(normalise_newlines(body), "body", context)
    return Rendered(one_line(rendered_subject), rendered_body)


def check_template(subject: str, body: str) -> TemplateProblem | None:
    """The first problem of a template, tried with :func:`sample_context`; None when it renders."""
    try:
        render(subject, body, sample_context())
    except TemplateProblem as problem:
        return problem
    return None
