"""The package's imports run one way: parsed from the source, never by importing it.

Checks, for every module under genai_lab/: no import cycle, no import from a higher layer
(the layer table below, the same as docs/ARCHITECTURE.md), no ``_private`` name taken from
another module, no module over 400 lines, no import inside a function except the optional
heavy ones and the trainer; and that the model's cache key covers every source file the
trained model depends on.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from genai_lab.pretrained import MODEL_SOURCES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "genai_lab"
MAX_LINES = 400

#: The layers, lowest first: a module may import modules of its own layer or of a lower
#: one, never of a higher one. A name ending in "." stands for a whole subpackage.
LAYERS: dict[str, tuple[str, ...]] = {
    "leaves": ("genai_lab", "checks", "text", "parallel", "display."),
    "numerics": ("softmax", "embedding", "gradcheck", "layers", "optim", "sampling", "model"),
    "data": ("course_grammar", "corpus", "data", "tokenizer", "wordpiece", "bpe", "picture",
             "melody", "domain_views", "tokenizers_compare"),
    "training": ("milestones", "record", "train"),
    "using a model": ("generate", "pretrained"),
    "traces and applications": ("pipeline", "predict", "ablation", "domains", "realtext",
                                "bank."),
    "command line": ("cli", "__main__"),
}
#: Imports allowed inside a function: optional heavy libraries (drawing, widgets, progress
#: bars, BLAS limits) and the trainer, which only training needs (using a model never
#: loads it). Everything else is imported at the top of its module.
LAZY_ALLOWED = ("matplotlib", "ipywidgets", "IPython", "tqdm", "threadpoolctl",
                "genai_lab.train")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    short = module.removeprefix("genai_lab.") if module != "genai_lab" else "genai_lab"
    for rank, members in enumerate(LAYERS.values()):
        for member in members:
            if short == member or (member.endswith(".") and
                                   (short + ".").startswith(member)):
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_imports.py "
                         f"and to the layer table of docs/ARCHITECTURE.md")


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from ... import`` statement reads."""
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


class Import:
    """One import statement of ours: which module, which names, at module level or not."""

    def __init__(self, target: str, names: tuple[str, ...], lazy: bool, line: int):
        self.target, self.names, self.lazy, self.line = target, names, lazy, line


def imports_of(module: str) -> list[Import]:
    """Every import in ``module`` (also inside functions); targets in genai_lab resolve to
    modules, so ``from genai_lab import train`` reads the module ``genai_lab.train``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    lazy_nodes = {id(n) for f in ast.walk(tree)
                  if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        lazy = id(node) in lazy_nodes
        if isinstance(node, ast.Import):
            found += [Import(a.name, (), lazy, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(module, node)
            names = tuple(a.name for a in node.names)
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            rest = tuple(n for n in names if f"{base}.{n}" not in MODULES)
            found += [Import(s, (), lazy, node.lineno) for s in submodules]
            if rest or not submodules:
                found.append(Import(base, rest, lazy, node.lineno))
    return found


def ours(target: str) -> bool:
    return target == "genai_lab" or target.startswith("genai_lab.")


GRAPH = {m: sorted({i.target for i in imports_of(m) if ours(i.target) and i.target != m})
         for m in MODULES}


def closure(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += GRAPH[m]
    return seen


# ------------------------------------------------------------------------------ tests
def test_the_parser_sees_the_package():
    assert {"genai_lab.checks", "genai_lab.display.table", "genai_lab.cli"} <= set(MODULES)
    assert "genai_lab.model" in GRAPH["genai_lab.train"]
    assert "genai_lab.train" in GRAPH["genai_lab.pretrained"]  # the lazy import counts too
    assert "genai_lab.display.table" in GRAPH["genai_lab.tokenizer"]


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """One import cycle of ``graph`` as [a, b, ..., a], or [] if there is none."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(module: str, path: list[str]) -> list[str]:
        state[module] = "open"
        for target in graph[module]:
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target, path + [target])
                if found:
                    return found
        state[module] = "done"
        return []

    for module in graph:
        if module not in state:
            found = visit(module, [module])
            if found:
                return found
    return []


def upward(graph: dict[str, list[str]], rank) -> list[str]:
    """The edges of ``graph`` that go to a higher layer than their source."""
    names = list(LAYERS)
    return [f"{m} ({names[rank(m)]}) imports {t} ({names[rank(t)]})"
            for m, targets in graph.items() for t in targets if rank(t) > rank(m)]


def test_the_checks_can_fail():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) == []
    fake = {"genai_lab.checks": ["genai_lab.model"], "genai_lab.model": []}
    assert upward(fake, layer_of) == ["genai_lab.checks (leaves) imports genai_lab.model "
                                      "(numerics)"]


def test_no_import_cycle():
    cycle = find_cycle(GRAPH)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_no_upward_import():
    bad = upward(GRAPH, layer_of)
    assert not bad, "\n".join(bad)


def test_no_private_name_from_another_module():
    bad = []
    for module in MODULES:
        for imp in imports_of(module):
            private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
            if ours(imp.target) and imp.target != module and private:
                bad.append(f"{module}:{imp.line} imports {private} from {imp.target}")
            if ours(imp.target) and imp.target.rpartition(".")[2].startswith("_") \
                    and imp.target.rpartition(".")[2] != "__main__":
                bad.append(f"{module}:{imp.line} imports the private module {imp.target}")
    assert not bad, "\n".join(bad)


def test_no_private_attribute_of_another_module():
    bad = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = set()  # local names bound to one of our modules
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = resolve(module, node)
                aliases |= {a.asname or a.name for a in node.names
                            if f"{base}.{a.name}" in MODULES}
            elif isinstance(node, ast.Import):
                aliases |= {a.asname for a in node.names if a.asname and ours(a.name)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                bad.append(f"{module}:{node.lineno} reads {node.value.id}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_imports_inside_functions_are_only_the_allowed_ones():
    bad = [f"{m}:{i.line} imports {i.target} inside a function"
           for m in MODULES for i in imports_of(m)
           if i.lazy and not any(i.target == a or i.target.startswith(a + ".")
                                 for a in LAZY_ALLOWED)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_readable_in_one_sitting(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES})"


def test_nothing_follows_a_main_guard():
    for module, path in MODULES.items():
        body = ast.parse(path.read_text(encoding="utf-8")).body
        guards = [i for i, n in enumerate(body) if isinstance(n, ast.If)
                  and "__main__" in ast.unparse(n.test)]
        assert all(i == len(body) - 1 for i in guards), f"{module}: code after __main__ guard"


def test_the_cache_key_covers_every_source_of_the_trained_model():
    # Everything pretrained.py reaches (its lazy import of the trainer included), except
    # display code, which only renders saved numbers, and the package root (a version).
    needed = {m for m in closure("genai_lab.pretrained")
              if m != "genai_lab" and not m.startswith("genai_lab.display")}
    files = {str(MODULES[m].relative_to(PACKAGE)) for m in needed}
    assert files == set(MODEL_SOURCES), (f"missing {sorted(files - set(MODEL_SOURCES))}, "
                                         f"extra {sorted(set(MODEL_SOURCES) - files)}")


def test_using_a_model_does_not_load_the_trainer():
    code = ("import sys\n"
            "import genai_lab.cli, genai_lab.pipeline, genai_lab.predict, genai_lab.pretrained\n"
            "print(sorted(m for m in sys.modules if m == 'genai_lab.train' "
            "or m.startswith('matplotlib')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout  # neither the trainer nor matplotlib


def test_the_layer_table_is_the_one_in_the_architecture_notes():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| ([^|]+?) \| ([^|]+?) \|", text, re.M)
    documented = {name.strip(): {m.strip(" `") for m in members.split(",")}
                  for _, name, members in rows}
    assert documented == {name: set(members) for name, members in LAYERS.items()}
    assert [int(n) for n, _, _ in rows] == list(range(len(LAYERS)))
