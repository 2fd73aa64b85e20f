"""The code's layout holds: no import cycles among cxsite's modules (counting the imports made
inside functions, which hide a cycle rather than remove it), and no build state kept in
module-level variables."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "cxsite"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(name: str, path: Path) -> set[str]:
    """The cxsite modules `name` imports anywhere but under `if TYPE_CHECKING:`."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, *([child.module] if child.module else [])])
                targets = [f"{base}.{alias.name}" for alias in child.names] + [base]
            for target in targets:
                while target and target not in MODULES:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph = {name: imported(name, path) for name, path in MODULES.items()}
    assert "cxsite.load.measurements" in graph["cxsite.build"]  # imports inside functions count
    # A package's __init__ that imports its own modules is not a cycle with them.
    for name in graph:
        graph[name] = {other for other in graph[name] if not name.startswith(other + ".")}
    assert cycles(graph) == []


def test_no_module_keeps_build_state() -> None:
    """Module-level names bound to mutable containers, `global` assignments (outside the
    worker pool's hand-over to forked processes) and functions with arguments whose results
    are cached in the process. A cached function of no arguments is a constant of the
    installed packages, made on first use (the Markdown parser, the Vega bundle)."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            mutable = isinstance(value, ast.Dict | ast.List | ast.Set) or (
                isinstance(value, ast.Call) and ast.unparse(value.func) in ("dict", "list", "set")
            )
            if mutable and not _constant(node) and "__all__" not in ast.unparse(node):
                found.append(f"{name}: {ast.unparse(node)[:60]}")
        for inner in ast.walk(tree):
            if isinstance(inner, ast.Global) and name != "cxsite.workers":
                found.append(f"{name}: global {', '.join(inner.names)}")
            if (
                isinstance(inner, ast.FunctionDef)
                and any(_caches(d) for d in inner.decorator_list)
                and (inner.args.args or inner.args.kwonlyargs or inner.args.vararg)
            ):
                found.append(f"{name}: {inner.name} is cached in the process")
    assert found == []


def _constant(node: ast.stmt) -> bool:
    """An upper-case name: a constant table, by the code's convention (never mutated)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
    return all(isinstance(t, ast.Name) and t.id.isupper() for t in targets)


def _caches(decorator: ast.expr) -> bool:
    """Whether a decorator is functools' cache or lru_cache."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("cache", "lru_cache")
