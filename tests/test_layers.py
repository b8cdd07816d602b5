"""The package follows the data flow: imports only go down the layers, with no cycle.

Every import is scanned, those inside functions included. A project import inside a function is
allowed only in the command-line layer (it keeps `gaiko --help` quick); elsewhere dependencies are
declared at the top of the module, where a reader sees them. Third-party libraries may be imported
lazily anywhere, and each one imported by the package is a declared dependency.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = {"gaiko": "gaiko", "gaiko.annotation": "annotation", "gaiko.eval": "eval",
                "gaiko.baselines": "baselines"}

# Lowest first: raw → clean document → Label Studio task → export (gold) → dataset → extractor → scores.
LAYERS = (
    ("records", ("gaiko", "gaiko.schema", "gaiko.io", "gaiko.forked", "gaiko.problems", "gaiko.paths", "gaiko.tables",
                 "gaiko.text", "gaiko.bio", "gaiko.documents", "gaiko.columns", "gaiko.batches", "gaiko.predictions",
                 "gaiko.tuples")),
    ("corpus", ("gaiko.cleaning", "gaiko.manifest", "gaiko.corpus")),
    ("annotation", ("gaiko.annotation",)),
    ("dataset", ("gaiko.dataset", "gaiko.build", "gaiko.card", "gaiko.diff")),
    ("eval", ("gaiko.eval", "gaiko.hf")),
    ("baselines", ("gaiko.baselines",)),
    ("cli", ("gaiko.cli", "gaiko.__main__")),
)
LAZY_PROJECT_IMPORTS = {"cli"}  # the layers that may import project modules inside functions


def _module_files() -> dict[str, Path]:
    modules = {}
    for package, folder in PACKAGE_DIRS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join((package, *(p for p in parts if p != "__init__")))
            if name.split(".")[:2] != ["gaiko", "tests"]:
                modules[name] = path
    return modules


MODULES = _module_files()


def layer_of(module: str) -> int:
    """The layer of a module: its longest matching prefix in LAYERS."""
    best = (-1, -1)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                best = max(best, (len(prefix), index))
    if best[1] < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best[1]


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _project_target(name: str) -> str | None:
    """The project module an imported name refers to (a module, or a name inside one)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def imports() -> tuple[tuple[str, str, int, bool, str], ...]:
    """(module, imported name, line, inside a function, top-level package) for every import."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        nested = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for n in ast.walk(f) if n is not f}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, path, node)
                names = [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                found.append((module, name, node.lineno, id(node) in nested, name.split(".")[0]))
    return tuple(found)


def project_edges() -> list[tuple[str, str, int, bool]]:
    edges = set()
    for module, name, line, lazy, _ in imports():
        target = _project_target(name)
        if target and target != module and not module.startswith(target + "."):
            edges.add((module, target, line, lazy))
    return sorted(edges)


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_imports_only_go_down():
    upward = [f"{MODULES[m].relative_to(ROOT)}:{line}: {m} ({LAYERS[layer_of(m)][0]}) imports {t} "
              f"({LAYERS[layer_of(t)][0]})"
              for m, t, line, _ in project_edges() if layer_of(t) > layer_of(m)]
    assert not upward, "\n".join(upward)


def test_project_imports_are_at_the_top():
    lazy = [f"{MODULES[m].relative_to(ROOT)}:{line}: {t}" for m, t, line, is_lazy in project_edges()
            if is_lazy and LAYERS[layer_of(m)][0] not in LAZY_PROJECT_IMPORTS]
    assert not lazy, "\n".join(lazy)


def test_no_import_cycle():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, target, _, _ in project_edges():
        graph[module].add(target)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import cycle: " + " → ".join(cycle))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_third_party_imports_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *(r for rs in project["optional-dependencies"].values() for r in rs)]
    declared = {_normalize(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]) for r in requirements}
    distributions = importlib.metadata.packages_distributions()
    undeclared = set()
    for module, _, line, _, top in imports():
        if top in sys.stdlib_module_names or top in ("gaiko", "__future__"):
            continue
        names = {_normalize(d) for d in distributions.get(top, [top])}
        if not names & declared:
            undeclared.add(f"{MODULES[module].relative_to(ROOT)}:{line}: {top}")
    assert not undeclared, "\n".join(sorted(undeclared))


def test_the_scan_sees_function_level_imports():
    """The scanner itself: an import inside a function is found and marked as such."""
    lazy = [(m, n) for m, n, _, is_lazy, _ in imports() if is_lazy]
    assert lazy, "no function-level import found: the scanner is blind to them"


def test_no_test_module_imports_another():
    """Test modules share builders through tests/support, never by importing a test module (which couples the
    files and runs the imported module's top-level code a second time)."""

    def is_test_module(name: str) -> bool:
        parts = name.split(".")
        return parts[-1].startswith("test_") and (len(parts) == 1 or parts[:-1] == ["tests"])

    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names if is_test_module(name)]
    assert not found, "\n".join(found)
