"""The packages form layers: no import cycle between them, the Slack edge imports no
command, and modules stay small enough to read.

Imports are read with ``ast`` from every module, including those inside functions
and under ``TYPE_CHECKING``: a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "commands").rglob("*.py")])
MAX_LINES = 400


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


MODULES = {_module(p): p for p in SOURCES}
PACKAGES = {_module(p) for p in SOURCES if _is_package(p)} | {
    _module(p.parent / "__init__.py") for p in SOURCES
}


def node(module: str) -> str:
    """A module's package; a module directly in ``bot/`` (settings, logs…) is its own."""
    if module in PACKAGES and module != "bot":
        return module
    parent = module.rpartition(".")[0]
    return module if parent == "bot" else parent


def _imported(tree: ast.AST) -> Iterator[str]:
    for found in ast.walk(tree):
        if isinstance(found, ast.Import):
            yield from (alias.name for alias in found.names)
        elif isinstance(found, ast.ImportFrom) and found.module and found.level == 0:
            for alias in found.names:
                full = f"{found.module}.{alias.name}"
                yield full if full in MODULES else found.module


def _ours(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            target = _ours(name)
            if target is not None and node(target) != node(module):
                graph[node(module)].add(node(target))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read() -> None:
    """The checks below see the real packages and their imports."""
    graph = edges()
    assert "bot.core" in graph["commands"]
    assert "bot.trtc" in graph["bot.trtc.simulator"]


def test_no_package_import_cycles() -> None:
    """No two packages import each other, directly or around a loop, even from inside
    a function: each layer can be read, tested and changed without the ones above it."""
    assert cycles(edges()) == []


def test_the_slack_edge_imports_no_command() -> None:
    """bot/slack renders what the core returns; it never reaches into a command module."""
    graph = edges()
    slack = {n for n in graph if n == "bot.slack" or n.startswith("bot.slack.")}
    assert {t for n in slack for t in graph[n] if t == "commands"} == set()


def test_the_client_never_imports_the_simulator() -> None:
    """bot.trtc talks to TRTC; which TRTC (the real one or the simulator) is the root's choice."""
    assert "bot.trtc.simulator" not in edges()["bot.trtc"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_readable(path: Path) -> None:
    """No module in bot/ or commands/ is longer than 400 lines."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines"


def test_the_quality_command_holds_declarations_only() -> None:
    """commands/quality.py declares the command and builds its reply; the engine is elsewhere."""
    lines = len((ROOT / "commands" / "quality.py").read_text(encoding="utf-8").splitlines())
    assert lines < 300, f"{lines} lines"
