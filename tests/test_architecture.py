"""The package's shape: layers that import only downwards (the table below), no import cycles,
and every rnnlab name a lesson mentions exists."""

import ast
import importlib
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rnnlab"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "solutions").glob("*.ipynb"))


# The layers, lowest first. A module may import modules of its own layer and of the layers below
# it, never above: algorithms are functions on tensors, the loop drives models, experiments drive
# the loop, lessons show experiments. Every module must be listed (a new file needs a layer).
LAYERS = (
    ("ground", ("rnnlab.checks", "rnnlab.device", "rnnlab.randomness", "rnnlab.metrics",
                "rnnlab.files", "rnnlab.i18n", "rnnlab.data")),
    ("text", ("rnnlab.text",)),
    ("models", ("rnnlab.models", "rnnlab.fused", "rnnlab.generation", "rnnlab.series")),
    ("algorithms", ("rnnlab.gradients",)),
    ("training", ("rnnlab.training",)),
    ("experiments", ("rnnlab.experiments",)),
    ("course", ("rnnlab.course", "rnnlab.notebook")),
    ("edge", ("rnnlab.compat",)),
)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """The rnnlab modules ``path`` imports at module level (function-level imports included)."""
    name = module_name(path, root)
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
                if (root / Path(*candidate.split("."))).with_suffix(".py").exists():
                    found.add(candidate)
                else:
                    found.add(target)
    return found


def import_graph(root: Path = ROOT, packages: bool = False) -> dict[str, set[str]]:
    """Module -> the modules it imports. Package ``__init__`` files are left out unless
    ``packages`` (the cycle test leaves them out: they only re-export, and Python resolves a
    package's submodules whatever order they load in)."""
    every = {module_name(p, root): p for p in (root / "rnnlab").rglob("*.py")}
    files = {n: p for n, p in every.items() if packages or p.name != "__init__.py"}
    return {name: {m for m in imported_modules(p, root) if m in files and m != name}
            for name, p in files.items()}


def layer_of(module: str) -> int | None:
    """The index in LAYERS of the layer holding ``module`` (longest prefix wins); None if none."""
    best, best_len = None, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = i, len(prefix)
    return best


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that runs up the table, and every module the table does not place."""
    problems = []
    for module, imports in sorted(graph.items()):
        if module == "rnnlab":   # the front door re-exports from every layer
            continue
        mine = layer_of(module)
        if mine is None:
            problems.append(f"{module} is in no layer of LAYERS")
            continue
        for target in sorted(imports):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                problems.append(f"{module} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]})")
    return problems


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


def test_every_import_runs_down_the_layers():
    graph = import_graph(packages=True)
    assert "rnnlab.gradients.pcgrad" in graph and "rnnlab.experiments.multitask" in graph
    assert layer_violations(graph) == []


def test_an_injected_upward_import_is_caught(tmp_path):
    """The layer test can fail: a copy of the package where an algorithm imports the loop."""
    shutil.copytree(PACKAGE, tmp_path / "rnnlab")
    assert layer_violations(import_graph(tmp_path, packages=True)) == []
    clipping = tmp_path / "rnnlab" / "gradients" / "clipping.py"
    clipping.write_text(clipping.read_text(encoding="utf-8") + "\nfrom ..training.loop import train\n",
                        encoding="utf-8")
    (tmp_path / "rnnlab" / "stray.py").write_text("from . import checks\n", encoding="utf-8")
    found = layer_violations(import_graph(tmp_path, packages=True))
    assert found == ["rnnlab.gradients.clipping (algorithms) imports rnnlab.training.loop (training)",
                     "rnnlab.stray is in no layer of LAYERS"]


def test_algorithms_and_text_never_import_training_or_experiments():
    graph = import_graph(packages=True)
    for module, imports in graph.items():
        if module.startswith(("rnnlab.gradients", "rnnlab.text")):
            assert not any(m.startswith(("rnnlab.training", "rnnlab.experiments", "rnnlab.course"))
                           for m in imports), module


def test_package_inits_only_re_export():
    """An ``__init__`` holds imports, its docstring and ``__all__``, nothing else."""
    for init in PACKAGE.rglob("__init__.py"):
        for node in ast.parse(init.read_text(encoding="utf-8")).body:
            is_import = isinstance(node, (ast.Import, ast.ImportFrom))
            is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            names = [t.id for t in node.targets] if isinstance(node, ast.Assign) else []
            is_export = names == ["__all__"] or (names == ["__version__"] and init.parent == PACKAGE)
            assert is_import or is_doc or is_export, f"{init}: line {node.lineno}"


def test_the_runtime_package_holds_no_build_tools():
    """``import rnnlab`` loads what a lesson runs; the edition builder lives in scripts/."""
    assert not (PACKAGE / "i18n" / "edition.py").exists()
    assert (ROOT / "scripts" / "zh_edition.py").exists()


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


# The layers a lesson teaches: every public function and class there says which lesson ("Lesson 04.").
# Ground (checks, files, randomness, device, catalogues), the lessons' own modules (course/) and the
# d2l edge (compat, which names d2l's chapters instead) are furniture, not lesson material.
TAUGHT = ("text", "models", "algorithms", "training", "experiments")


def test_every_public_helper_of_the_taught_layers_names_its_lesson():
    taught = {i for i, (name, _) in enumerate(LAYERS) if name in TAUGHT}
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" or layer_of(module_name(path)) not in taught:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                if not re.search(r"\blessons? \d\d", ast.get_docstring(node) or "", re.I):
                    silent.append(f"{module_name(path)}.{node.name}")
    assert silent == []


def _unused_public():
    spec = importlib.util.spec_from_file_location("unused_public", ROOT / "scripts" / "unused_public.py")
    unused_public = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(unused_public)
    return unused_public


def test_nothing_public_is_unused():
    """scripts/unused_public.py: every public name is used by a lesson, a solution, a benchmark, a
    script, a document or another module (its own test does not count)."""
    assert _unused_public().unused() == []


def test_unused_public_reports_a_name_only_its_definition_reexport_and_test_mention(tmp_path, monkeypatch):
    unused_public = _unused_public()
    package = tmp_path / "rnnlab"
    package.mkdir()
    (package / "__init__.py").write_text("from .a import lonely, used, used_by_a_lesson\n")
    (package / "a.py").write_text("def used():\n    pass\n\n\ndef lonely():\n    pass\n\n\n"
                                  "def used_by_a_lesson():\n    pass\n\n\nlonely_constant = 3\n")
    (package / "b.py").write_text("from .a import used\n\nused()\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "l.ipynb").write_text('{"source": "rnnlab.used_by_a_lesson(1)"}')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("from rnnlab.a import lonely\n")
    monkeypatch.setattr(unused_public, "ROOT", tmp_path)
    monkeypatch.setattr(unused_public, "PACKAGE", package)
    assert unused_public.unused() == ["rnnlab/a.py: lonely", "rnnlab/a.py: lonely_constant"]
