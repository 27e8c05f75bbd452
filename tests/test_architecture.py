"""The import rules: models/ and exporters/ never import Qt (ARCHITECTURE.md section 1), and no
module imports itself back at run time."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "pyqtgraph", "shiboken6", "app.gui")


def _modules(package: str) -> list[str]:
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / package)])]


def test_core_packages_import_without_qt():
    modules = ["models", "exporters", "app.cli", *_modules("models"), *_modules("exporters")]
    ca = ROOT / "app" / "ca"
    if ca.is_dir():
        modules += ["app.ca", *_modules("app/ca")]
    code = (
        "import importlib, sys\n"
        f"for name in {[m.replace('/', '.') for m in modules]!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT!r} "
        f"or any(m.startswith(q + '.') or m == q for q in {QT!r}))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""


# --- import circles (issue 22) ------------------------------------------------------------------
# A runtime import circle makes import order matter and breaks in ways a type checker cannot
# see. Type-only back-references (under `if TYPE_CHECKING:`) run nothing and are allowed;
# imports inside functions run on call, after every module has loaded, and are allowed too.

FIRST_PARTY = ("app", "models", "exporters", "resources")


def _module_files(root: Path) -> dict[str, Path]:
    files = {}
    for package in FIRST_PARTY:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            files[name] = path
    return files


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_time_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported, skipping TYPE_CHECKING blocks."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _import_time_statements(node.body)
            yield from _import_time_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody,
                          *(h.body for h in node.handlers)):
                yield from _import_time_statements(block)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from _import_time_statements(node.body)


def _runtime_imports(name: str, path: Path, modules: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _import_time_statements(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in modules and t != name}
    return found


def import_circles(root: Path) -> list[list[str]]:
    """Every strongly connected group of two or more modules in the runtime import graph."""
    files = _module_files(root)
    graph = {name: _runtime_imports(name, path, set(files)) for name, path in files.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_runtime_import_circles():
    assert import_circles(ROOT) == []


def test_circle_check_finds_a_circle_and_ignores_type_only_references(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "__init__.py").write_text("")
    (models / "a.py").write_text("from models.b import B\n")
    (models / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from models.a import A\n")
    (models / "c.py").write_text("from . import d\n")
    (models / "d.py").write_text("import models.c\n")
    (models / "e.py").write_text("def late():\n    from models.a import A\n")
    assert import_circles(tmp_path) == [["models.c", "models.d"]]
