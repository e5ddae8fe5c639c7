"""The engine's layering: no Slack, aiohttp or TRTC imports, no clock, one reader of files."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "bot" / "authz"
MODULES = sorted(PACKAGE.glob("*.py"))
FORBIDDEN = ("slack_bolt", "slack_sdk", "aiohttp", "bot.trtc")
FILE_READS = {"open", "read_text", "read_bytes", "stat", "scandir", "listdir"}
CLOCK_READS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}
# The only module that may touch the disk (reloader watches through it).
READER = "loader.py"


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _called(tree: ast.AST) -> set[str]:
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                called.add(func.id)
            elif isinstance(func, ast.Attribute):
                called.add(func.attr)
    return called


def test_the_package_has_modules() -> None:
    """The layering checks below look at real files."""
    assert len(MODULES) >= 10


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_forbidden_imports(path: Path) -> None:
    """bot/authz imports nothing from slack_bolt, slack_sdk, aiohttp or bot.trtc."""
    imported = _imports(ast.parse(path.read_text(encoding="utf-8")))
    bad = [n for n in imported if any(n == f or n.startswith(f"{f}.") for f in FORBIDDEN)]
    assert bad == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_clock_reads(path: Path) -> None:
    """The engine never reads the clock: time comes from the request context."""
    assert _called(ast.parse(path.read_text(encoding="utf-8"))) & CLOCK_READS == set()


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != READER], ids=lambda p: p.name)
def test_only_the_loader_reads_files(path: Path) -> None:
    """No module but the loader opens, reads or stats a file."""
    assert _called(ast.parse(path.read_text(encoding="utf-8"))) & FILE_READS == set()


def test_init_only_re_exports() -> None:
    """bot/authz/__init__.py holds imports and __all__, nothing else."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.Assign):
            assert [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__all__"]
            continue
        assert isinstance(node, ast.ImportFrom | ast.Import)
