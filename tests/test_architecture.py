"""The package's rooms, checked: every import (also those inside functions) points to the same
stage or a lower one, there are no cycles between modules, and no module takes another package's
private name. ARCHITECTURE.md draws the same layers."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "ftzkb"
TESTS = Path(__file__).resolve().parent

# Lowest first. A module may import from its own layer or any layer below it, never above.
LAYERS: list[tuple[str, ...]] = [
    ("ftzkb", "ftzkb.paths", "ftzkb.i18n", "ftzkb.diagnostics", "ftzkb.dates", "ftzkb.collate", "ftzkb.vocab",
     "ftzkb.textunits", "ftzkb.fsio", "ftzkb.gitrepo", "ftzkb.journal"),
    ("ftzkb.load",),
    ("ftzkb.suggest", "ftzkb.resolve"),
    ("ftzkb.rules",),
    ("ftzkb.replication",),
    ("ftzkb.export",),
    ("ftzkb.record",),
    ("ftzkb.search", "ftzkb.diff"),
    ("ftzkb.site", "ftzkb.bench"),
    ("ftzkb.commands",),
    ("ftzkb.cli", "ftzkb.__main__", "ftzkb.mkdocs_hook", "ftzkb.inproc"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best, best_length = None, -1
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                if prefix == "ftzkb" and module != "ftzkb":
                    continue  # the bare package name only stands for ftzkb/__init__.py
                best, best_length = number, len(prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS (and to ARCHITECTURE.md)"
    return best


def imports() -> list[tuple[str, str, str, int]]:
    """(importer, imported module, imported name or "", line) for every ftzkb import."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] == "ftzkb":
                    found += [(importer, target, alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(importer, alias.name, "", node.lineno) for alias in node.names
                          if alias.name.split(".")[0] == "ftzkb"]
    return found


def resolved(target: str, name: str) -> str:
    """`from ftzkb.load import schema` imports the module ftzkb.load.schema."""
    candidate = f"{target}.{name}"
    as_path = PACKAGE.parent / Path(*candidate.split("."))
    return candidate if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists() else target


def test_every_module_belongs_to_a_layer():
    for path in PACKAGE.rglob("*.py"):
        layer_of(module_name(path))


def test_no_import_points_to_a_higher_layer():
    upward = [f"{importer}:{line} imports {resolved(target, name)} (layer {layer_of(resolved(target, name))} > "
              f"{layer_of(importer)})"
              for importer, target, name, line in imports()
              if layer_of(resolved(target, name)) > layer_of(importer)]
    assert upward == []


def test_no_module_imports_another_packages_private_name():
    def package_of(module: str) -> str:
        return module.rpartition(".")[0] or module

    private = [f"{importer}:{line} imports {target}.{name}" for importer, target, name, line in imports()
               if name.startswith("_") and not name.startswith("__")
               and package_of(resolved(target, name)) != package_of(importer)
               and resolved(target, name) != package_of(importer)]
    private += [f"{importer}:{line} imports the private module {target}" for importer, target, _, line in imports()
                if any(part.startswith("_") and not part.startswith("__") for part in target.split("."))]
    assert private == []


def test_there_are_no_import_cycles_between_modules():
    graph: dict[str, set[str]] = defaultdict(set)
    for importer, target, name, _ in imports():
        imported = resolved(target, name)
        if imported != importer and not importer.startswith(imported + "."):  # a package's own __init__
            graph[importer].add(imported)
    seen: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        seen[module] = 1
        path.append(module)
        for following in sorted(graph.get(module, ())):
            if seen.get(following) == 1:
                return [*path[path.index(following):], following]
            if following not in seen and (cycle := visit(following)):
                return cycle
        seen[module] = 2
        path.pop()
        return None

    for module in sorted(graph):
        if module not in seen:
            cycle = visit(module)
            assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize("path", sorted(TESTS.glob("test_*.py")) + sorted((TESTS / "browser").glob("test_*.py")),
                         ids=lambda p: p.name)
def test_no_test_asserts_on_the_wall_clock(path):
    """Speed lives in `ftzkb bench`: a busy CI machine must not fail a test by being slow."""
    tree = ast.parse(path.read_text("utf-8"))
    clocks = {"perf_counter", "monotonic", "time", "process_time"}
    timed = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
             and isinstance(node.value, ast.Call) and getattr(node.value.func, "attr", "") in clocks
             for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
            calls = {getattr(n.func, "attr", "") for n in ast.walk(node.test) if isinstance(n, ast.Call)}
            compares = any(isinstance(n, ast.Compare) and any(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE)
                                                              for op in n.ops) for n in ast.walk(node.test))
            assert not (compares and (names & timed or calls & clocks)), f"{path.name}:{node.lineno}"
