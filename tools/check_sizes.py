"""The size limits ``make lint`` adds to ruff: no module over 400 lines, no function over 60.

    python tools/check_sizes.py [PATH ...]     (default: the whole project)

A module's size is its number of lines; a function's is the lines from its
``def`` (decorators included) to its last line, nested functions counted in
their parent. Data is not code: a module-level assignment of a literal table
(a dict, list, tuple or set display) does not count towards its module, so
declarative tables can stay beside the code that reads them; anything bigger
belongs in ``resources/``. Exit status 1 with one line per module or function
over its limit.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_LIMIT = 400
FUNCTION_LIMIT = 60
#: Folders never checked: environments, build output, caches.
SKIPPED = {".venv", ".venv-test", "build", "dist", ".git", "__pycache__", ".ruff_cache",
           ".pytest_cache"}
_LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set)


def python_files(paths: list[Path]) -> Iterator[Path]:
    """Every ``.py`` file under ``paths``, skipping :data:`SKIPPED` folders."""
    for path in paths:
        candidates = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for candidate in candidates:
            if not SKIPPED.intersection(candidate.parts):
                yield candidate


def _table_lines(tree: ast.Module) -> int:
    """Lines of module-level assignments whose value is a literal table."""
    lines = 0
    for node in tree.body:
        value = getattr(node, "value", None)
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(value, _LITERALS):
            lines += node.end_lineno - node.lineno + 1
    return lines


def _function_start(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def problems(path: Path) -> list[str]:
    """One sentence per limit ``path`` goes over."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found = []
    size = len(text.splitlines()) - _table_lines(tree)
    if size > MODULE_LIMIT:
        found.append(f"{shown}: {size} lines of code (limit {MODULE_LIMIT})")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - _function_start(node) + 1
            if length > FUNCTION_LIMIT:
                found.append(f"{shown}:{node.lineno}: {node.name}() is {length} lines "
                             f"(limit {FUNCTION_LIMIT})")
    return found


def main(argv: list[str]) -> int:
    """Check ``argv`` (default: the project) and print what is over its limit."""
    paths = [Path(arg).resolve() for arg in argv] or [ROOT]
    found = [line for file in python_files(paths) for line in problems(file)]
    for line in found:
        print(line)
    if found:
        print(f"check_sizes: {len(found)} over the limits (modules {MODULE_LIMIT} lines, "
              f"functions {FUNCTION_LIMIT})", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
