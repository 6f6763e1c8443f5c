"""The house rules that keep the layout readable, checked on the source with `ast`.

- No import cycle between msgcheck's modules, counting imports inside functions too: a lazy
  import still couples two modules, it only hides the cycle from the interpreter.
  Imports under `if TYPE_CHECKING:` are left out (they never run).
- No function or method longer than 80 lines, no class longer than 250.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "msgcheck"
MAX_FUNCTION = 80
MAX_CLASS = 250


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"))


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """msgcheck modules this module imports, anywhere in it but TYPE_CHECKING blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            for child in node.orelse:  # type: ignore[attr-defined]
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[:len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    resolved = set()
    for target in out:
        # `import msgcheck.a.b` depends on msgcheck.a.b (and runs its parents' __init__, which
        # is how Python works, not a design choice: parents are not counted).
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name and target.startswith("msgcheck"):
            resolved.add(target)
    return resolved


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imported(name, path, known) for name, path in mods.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package importing its own submodules is how a package exposes them; the
            # submodule importing the package back is the cycle we care about, and it is caught
            # from the submodule's side when it names the package's own definitions.
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = dfs(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = dfs(node)
            if found:
                return found
    return None


def test_the_import_graph_is_found():
    graph = import_graph()
    assert "msgcheck.pipeline" in graph
    assert "msgcheck.analysis" in graph["msgcheck.pipeline"]


def test_no_import_cycle_inside_msgcheck():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_detected_when_there_is_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def _long_units() -> list[str]:
    out = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            length = (node.end_lineno or node.lineno) - node.lineno + 1 \
                if hasattr(node, "lineno") else 0
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and length > MAX_FUNCTION:
                out.append(f"{name}:{node.lineno} def {node.name}: {length} lines")
            elif isinstance(node, ast.ClassDef) and length > MAX_CLASS:
                out.append(f"{name}:{node.lineno} class {node.name}: {length} lines")
    return out


def test_no_function_over_80_lines_and_no_class_over_250():
    assert _long_units() == []
