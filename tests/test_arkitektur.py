"""The package's architecture: an import graph without cycles, and the layering rules.

The graph holds every import of src/rapportgen, at module level and inside functions
(ast), except those under `if TYPE_CHECKING:` (never executed). `from a import b` is an
edge to a.b when a.b is a module, else to a; importing a.b.c is not counted as importing
the packages a and a.b (Python runs their __init__ first, but that is the parent's
business, not a dependency of the importer). The CLI's lazily loaded verbs (cli.KOMMANDON)
are edges too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC / "rapportgen"

# What model/ and checks/ may not import (the stages and the layers above them).
FORBIDDEN = {
    "model": ("inputs", "render", "checks", "doctypes", "assemble", "convert", "commands", "cli", "config"),
    "checks": ("inputs", "render", "doctypes", "assemble", "convert", "commands", "cli"),
}


def _modules() -> dict[str, tuple[Path, bool]]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        mods[".".join(parts)] = (path, is_pkg)
    return mods


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else None
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skip.update(id(n) for n in ast.walk(child))
    return skip


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, (path, is_pkg) in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package = name if is_pkg else name.rpartition(".")[0]
        skip = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in mods else module for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in mods and t != name)
    # The CLI imports its verbs by name (cli.KOMMANDON): count those edges too.
    cli_tree = ast.parse((ROOT / "cli" / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(cli_tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "KOMMANDON":
            for value in node.value.values:
                graph["rapportgen.cli"].add("rapportgen." + value.value.split(":")[0])
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """The graph of the source as it is, parsed once for the tests below (they only read it)."""
    return import_graph()


def test_graph_sees_function_level_imports(graph):
    # rapportgen.build is imported inside __getattr__ of the package.
    assert "rapportgen.commands.build" in graph["rapportgen"]
    assert "rapportgen.cli.tjansteskrivelse" in graph["rapportgen.cli"]


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle(graph):
    assert cycles(graph) == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer, graph):
    bad = []
    for name, targets in graph.items():
        if name == f"rapportgen.{layer}" or name.startswith(f"rapportgen.{layer}."):
            for t in sorted(targets):
                if t.split(".")[1] in FORBIDDEN[layer]:
                    bad.append(f"{name} -> {t}")
    assert bad == []


def test_document_types_do_not_import_the_registry(graph):
    offenders = [m for m, targets in graph.items()
                 if m.startswith("rapportgen.doctypes.") and "rapportgen.doctypes" in targets]
    assert offenders == []


def test_registry_lists_every_type_module():
    from rapportgen import doctypes

    modules = {p.stem for p in (ROOT / "doctypes").glob("*.py")} - {"__init__", "base"}
    assert {m.__name__.rpartition(".")[2] for m in doctypes.MODULER} == modules
