"""The sandbox user templates render in, with limits: a template always finishes, quickly.

Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment` keeps a template away
from Python's internals, but not from work without end: two nested
``range(100000)`` loops never finish. Here every rendering has a budget:

* ``range()`` gives at most :data:`MAX_RANGE` numbers;
* all ``{% for %}`` loops together take at most :data:`MAX_LOOP_STEPS` steps
  (each loop's iterable is wrapped when the template is compiled, see
  :func:`guard_tree`);
* a rendering writes at most :data:`MAX_OUTPUT` characters, and no text it
  builds along the way (``~``, ``+``, ``*``, a filter or a method) may be
  longer; a width or a count given to a filter or a text method that would
  make one longer is refused;
* a rendering stops after :data:`MAX_SECONDS`: the clock is checked at every
  loop step, call, filter and piece of output.

A rendering over its budget raises :class:`LimitExceeded`, whose ``message`` is
a sentence for the user.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

#: The most numbers a ``range()`` in a template may give.
MAX_RANGE = 1_000
#: The most steps all the loops of one rendering may take together.
MAX_LOOP_STEPS = 10_000
#: The longest text (characters) a rendering may write or build.
MAX_OUTPUT = 100_000
#: The longest a rendering may take (seconds).
MAX_SECONDS = 1.0

_LOOP = "__nextsteps_loop__"
_CONCAT = "__nextsteps_concat__"
_WIDE_FORMAT = re.compile(r"\d{6,}")
#: Filters and text methods whose numbers are widths or counts of what they make.
_SIZED = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "ljust",
                    "rjust", "zfill", "expandtabs"})


class LimitExceeded(SecurityError):
    """A rendering went over its budget; ``message`` (jinja2's) says which limit, for the
    user."""


@dataclass
class _Budget:
    deadline: float
    seconds: float
    steps: int = 0


_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _check_time() -> None:
    budget = _budget.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise LimitExceeded(
            f"filling in the template took longer than {budget.seconds:g} second"
            f"{'s' if budget.seconds != 1 else ''}, so it was stopped. Check its {{% for %}} "
            "loops and repetitions.")


def _step() -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.steps += 1
    if budget.steps > MAX_LOOP_STEPS:
        raise LimitExceeded(
            f"the template's loops repeat more than {MAX_LOOP_STEPS:,} times in all, more than "
            "any email needs. Check its {% for %} loops.")
    _check_time()


def _too_long(length: int) -> LimitExceeded:
    return LimitExceeded(
        f"the template would make a text of {length:,} characters; an email may have at most "
        f"{MAX_OUTPUT:,}. Check its loops and repetitions.")


def _check_text(value: Any) -> Any:
    if isinstance(value, str | list | tuple) and len(value) > MAX_OUTPUT:
        raise _too_long(len(value))
    return value


def _check_numbers(values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
            raise LimitExceeded(
                f"the number {value:,} is too large for a template (a width or a count may be "
                f"at most {MAX_OUTPUT:,}).")


def _check_growth(name: str, value: Any, args: tuple, kwargs: dict) -> None:
    """Refuse a join or a replace whose result would be too long, before it is made."""
    if name == "replace" and isinstance(value, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = value.count(old) if old else len(value) + 1
        length = len(value) + count * (len(new) - len(old))
        if length > MAX_OUTPUT:
            raise _too_long(length)
    if name == "join" and isinstance(value, list | tuple | range):
        separator = str(args[0] if args else kwargs.get("d", ""))
        length = len(separator) * max(0, len(value) - 1)
        if length > MAX_OUTPUT:
            raise _too_long(length)
    if name in ("format", "format_map") and isinstance(value, str) and \
            _WIDE_FORMAT.search(value):
        raise LimitExceeded("a format in the template asks for a text wider than any email.")


def _guard_filter(name: str, function):
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        _check_time()
        first = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
        value, rest = (args[first] if len(args) > first else None), args[first + 1:]
        if name in _SIZED:
            _check_numbers((*rest, *kwargs.values()))
        _check_growth(name, value, rest, kwargs)
        return _check_text(function(*args, **kwargs))

    return guarded


def limited_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`MAX_RANGE` numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitExceeded(
            f"the template asks for {len(numbers):,} numbers with range(); a template may "
            f"count to at most {MAX_RANGE:,}.")
    return numbers


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _step()
        yield item


def _concat(*parts: Any) -> str:
    texts = [str(part) for part in parts]
    length = sum(len(text) for text in texts)
    if length > MAX_OUTPUT:
        raise _too_long(length)
    return "".join(texts)


class LimitedSandbox(SandboxedEnvironment):
    """The sandbox with the limits of this module (use :func:`guard_tree` on what it
    compiles, and :func:`render_limited` to render)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = limited_range
        self.globals[_LOOP] = _loop
        self.globals[_CONCAT] = _concat
        self.filters = {name: _guard_filter(name, function)
                        for name, function in self.filters.items()}

    def call_binop(self, context, operator, left, right):
        """Arithmetic, with text and number growth kept to a sane size."""
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (isinstance(seq, str | list | tuple) and isinstance(times, int)
                        and len(seq) * times > MAX_OUTPUT):
                    raise SecurityError("the result would be too long")
        if (operator == "**" and isinstance(left, int) and isinstance(right, int)
                and abs(left) > 1 and abs(right) > 64):
            raise SecurityError("the number would be too large")
        if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise LimitExceeded("a format in the template asks for a text wider than any email.")
        if operator == "+" and isinstance(left, str | list | tuple) and \
                isinstance(right, str | list | tuple) and len(left) + len(right) > MAX_OUTPUT:
            raise _too_long(len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    # The double underscores (as in jinja2) keep a template's keyword arguments named self,
    # context or obj apart from these.
    def call(__self, __context, __obj, *args, **kwargs):
        """A call from the template: counted against the time, its numbers and result checked."""
        _check_time()
        target = getattr(__obj, "__wrapped__", __obj)
        owner, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
        if isinstance(owner, str):
            if name in _SIZED:
                _check_numbers((*args, *kwargs.values()))
            _check_growth(name, owner, args, kwargs)
        return _check_text(super().call(__context, __obj, *args, **kwargs))


class _Guard(NodeTransformer):
    def visit_For(self, node: nodes.For) -> nodes.For:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name(_LOOP, "load", lineno=node.lineno), [node.iter], [],
                               None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        self.generic_visit(node)
        return nodes.Call(nodes.Name(_CONCAT, "load", lineno=node.lineno), node.nodes, [],
                          None, None, lineno=node.lineno)


def guard_tree(tree: nodes.Template) -> nodes.Template:
    """``tree`` with every loop counted and every ``~`` checked (call before compiling)."""
    return _Guard().visit(tree)


@contextmanager
def _within(seconds: float):
    token = _budget.set(_Budget(time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _budget.reset(token)


def render_limited(template, context: dict, *, seconds: float | None = None) -> str:
    """Render a template compiled by :class:`LimitedSandbox` within the budget (``seconds``,
    default :data:`MAX_SECONDS`); raises :class:`LimitExceeded` (or the template's errors)."""
    with _within(MAX_SECONDS if seconds is None else seconds):
        pieces: list[str] = []
        length = 0
        for piece in template.generate(context):
            length += len(piece)
            if length > MAX_OUTPUT:
                raise _too_long(length)
            _check_time()
            pieces.append(piece)
        return "".join(pieces)
