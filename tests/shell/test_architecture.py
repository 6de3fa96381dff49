"""The layers and rooms hold: ui → services → models, never back; services import no widgets;
the UI reaches data only through services; no import cycles; every import made inside a
function says why it waits.

Read from the source (the ``ast`` of every module), so a lazy import inside a function counts
as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("models", "services", "ui")
#: What the UI may import from models/: plain values, the clock, the schema version.
UI_MAY_IMPORT_FROM_MODELS = {"models.values", "models.clock", "models.version"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {"command_line": ROOT / "command_line.py", "main": ROOT / "main.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


class _Imports(ast.NodeVisitor):
    """Every import of a module with its line and whether it sits inside a function."""

    def __init__(self, name: str, is_package: bool) -> None:
        self.name = name
        self.package = name if is_package else name.rpartition(".")[0]
        self.found: list[tuple[str, int, bool]] = []
        self._depth = 0

    def visit_FunctionDef(self, node) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((alias.name, node.lineno, self._depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parent = self.package.split(".")[: len(self.package.split(".")) - node.level + 1]
            base = ".".join([*parent, base] if base else parent)
        for alias in node.names:
            target = f"{base}.{alias.name}"
            self.found.append((target if target in MODULES else base, node.lineno,
                               self._depth > 0))


def _imports(name: str) -> list[tuple[str, int, bool]]:
    path = MODULES[name]
    visitor = _Imports(name, path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.found


def _internal(target: str) -> str | None:
    """The project module ``target`` names (itself or its closest known parent)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


GRAPH = {name: {t for t in (_internal(target) for target, _, _ in _imports(name))
                if t and t != name} for name in MODULES}


def test_models_import_nothing_above_them():
    wrong = {name: sorted(t for t in targets if not t.startswith("models"))
             for name, targets in GRAPH.items() if name.startswith("models")}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_services_import_no_widgets_and_nothing_from_the_ui():
    wrong = {}
    for name in MODULES:
        if not name.startswith("services"):
            continue
        found = [target for target, _, _ in _imports(name)
                 if target.startswith(("ui", "PySide6.QtWidgets", "PySide6.QtGui"))]
        if found:
            wrong[name] = found
    assert wrong == {}


def test_the_ui_reaches_data_only_through_services():
    wrong = {name: sorted(t for t in targets if t.startswith("models")
                          and t not in UI_MAY_IMPORT_FROM_MODELS and t != "models")
             for name, targets in GRAPH.items() if name.startswith("ui")}
    assert {name: found for name, found in wrong.items() if found} == {}


def _reachable(start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = list(GRAPH[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(GRAPH[name])
    return seen


def _cycles() -> list[list[str]]:
    """The groups of modules that import each other (each group once, sorted)."""
    reach = {name: _reachable(name) for name in GRAPH}
    groups = {tuple(sorted({name} | {other for other in reach[name] if name in reach[other]}))
              for name in GRAPH if name in reach[name]}
    return sorted(list(group) for group in groups)


def test_no_import_cycles():
    # Package __init__ modules only hold docstrings, so a package is never part of a cycle.
    assert _cycles() == []


def _comment_above_block(lines: list[str], at: int) -> bool:
    """True when a comment line heads the block of imports that line ``at`` belongs to."""
    row = at - 1
    while row >= 0:
        text = lines[row].strip()
        if text.startswith("#"):
            return True
        is_import_part = (text.startswith(("from ", "import ", ")")) or text.endswith(",")
                          or not text)
        if not is_import_part:
            return False
        row -= 1
    return False


@pytest.mark.parametrize("name", sorted(MODULES))
def test_an_import_inside_a_function_says_why(name):
    lines = MODULES[name].read_text(encoding="utf-8").splitlines()
    silent = []
    for target, line, inside in _imports(name):
        if not inside:
            continue
        if "#" not in lines[line - 1] and not _comment_above_block(lines, line - 1):
            silent.append(f"line {line}: {target}")
    assert silent == [], "a function-level import needs a comment saying why it waits"
