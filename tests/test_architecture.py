"""The package's shape: no import cycles, and every rnnlab name a lesson mentions exists."""

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rnnlab"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "solutions").glob("*.ipynb"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """The rnnlab modules ``path`` imports at module level (function-level imports included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rnnlab"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("rnnlab"):
                target = node.module
            else:
                continue
            # "from .pkg import mod" imports the module pkg.mod when it is one
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists():
                    found.add(candidate)
                else:
                    found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports. Package ``__init__`` files are left out: they only
    re-export, and Python resolves a package's submodules whatever order they load in."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    return {name: {m for m in imported_modules(p) if m in modules and m != name}
            for name, p in modules.items()}


def find_cycle(graph: dict[str, set[str]]):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles():
    graph = import_graph()
    assert "rnnlab.gradients.pcgrad" in graph and "rnnlab.training.loop" in graph
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_algorithms_do_not_import_experiments():
    graph = import_graph()
    for algorithm in ("rnnlab.gradients.pcgrad", "rnnlab.gradients.conflict",
                      "rnnlab.gradients.clipping", "rnnlab.training.loop"):
        assert not any(m.startswith("rnnlab.course") for m in graph[algorithm]), algorithm
        assert "rnnlab.gradients.multitask" not in graph[algorithm], algorithm


def mentioned_names() -> set[str]:
    """Every dotted ``rnnlab.…`` name in the lessons' text and code."""
    names = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            names.update(re.findall(r"(?<![\w.])rnnlab(?:\.[A-Za-z_]\w*)+", "".join(cell["source"])))
    return names


def resolve(dotted: str):
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


def test_lessons_mention_names():
    assert len(mentioned_names()) > 30


@pytest.mark.parametrize("dotted", sorted(mentioned_names()))
def test_every_name_a_lesson_mentions_is_importable(dotted):
    resolve(dotted)
