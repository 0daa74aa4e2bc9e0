"""A visible code cell never depends on a hidden one.

A reader can copy the code cells they see on a chapter page into a fresh notebook and run
them: every name a visible cell loads is defined by an earlier visible cell, by the same
cell, or is a builtin / IPython name. Hidden cells (tagged ``remove-cell``, ``remove-input``,
``hide-input`` or ``hide-cell``: their code is removed or collapsed) may only render.

Static and fast: each chapter is read with jupytext, each cell's symbol table (``symtable``)
gives the names it defines and loads. Code that runs when the cell runs (the module level,
class bodies, comprehensions) must find its names already defined; a function body runs
later, so the module names it uses may be defined by any visible cell of the chapter.
"""
from __future__ import annotations

import ast
import builtins
import importlib
import symtable
from dataclasses import dataclass
from pathlib import Path

import jupytext
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.md"))
HIDDEN_TAGS = frozenset({"remove-cell", "remove-input", "hide-input", "hide-cell"})
# Names IPython's kernel provides in every notebook, besides Python's builtins.
IPYTHON_NAMES = frozenset({"display", "get_ipython", "In", "Out", "_", "__", "___",
                           "exit", "quit"})
KNOWN = frozenset(dir(builtins)) | IPYTHON_NAMES | {"__name__", "__doc__", "__builtins__"}
IMMEDIATE = {"listcomp", "setcomp", "dictcomp", "genexpr"}  # run where they are written


@dataclass(frozen=True)
class Cell:
    source: str
    hidden: bool


@dataclass(frozen=True)
class Names:
    defined: frozenset[str]   # names the cell binds at module level
    now: frozenset[str]       # module-level names it needs when it runs
    later: frozenset[str]     # module-level names its function bodies need when called


def _star_names(tree: ast.AST) -> set[str]:
    """The public names ``from module import *`` brings in (the module is imported)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            module = importlib.import_module(node.module or "")
            names |= set(getattr(module, "__all__", None)
                         or [n for n in dir(module) if not n.startswith("_")])
    return names


def cell_names(source: str) -> Names:
    """What one code cell defines and loads (IPython magics are translated first)."""
    code = TransformerManager().transform_cell(source)
    top = symtable.symtable(code, "<cell>", "exec")
    defined = {s.get_name() for s in top.get_symbols()
               if s.is_assigned() or s.is_imported() or s.is_namespace()}
    defined |= _star_names(ast.parse(code))
    now = {s.get_name() for s in top.get_symbols() if s.is_referenced()}
    later: set[str] = set()

    def visit(table: symtable.SymbolTable, deferred: bool) -> None:
        for child in table.get_children():
            runs_later = deferred or (child.get_type() == "function"
                                      and child.get_name() not in IMMEDIATE)
            for symbol in child.get_symbols():
                if symbol.is_declared_global() and symbol.is_assigned():
                    defined.add(symbol.get_name())
                if symbol.is_global() and symbol.is_referenced():
                    (later if runs_later else now).add(symbol.get_name())
            visit(child, runs_later)

    visit(top, deferred=False)
    return Names(frozenset(defined), frozenset(now), frozenset(later))


def hidden_dependencies(cells: list[Cell]) -> list[tuple[int, str, str]]:
    """(cell index, name, why) for every name a visible cell loads but cannot find.

    ``why`` says whether a hidden cell defines the name (the usual mistake) or no cell does.
    The index counts code cells from 0, hidden ones included.
    """
    names = [cell_names(cell.source) for cell in cells]
    visible_anywhere = set().union(*(n.defined for n, c in zip(names, cells) if not c.hidden))
    hidden_defs = set().union(*(n.defined for n, c in zip(names, cells) if c.hidden))
    problems = []
    available = set(KNOWN)
    for index, (cell, found) in enumerate(zip(cells, names)):
        if cell.hidden:
            continue
        available |= found.defined
        missing = (found.now - available) | (found.later - visible_anywhere - KNOWN)
        for name in sorted(missing):
            why = ("defined only in a hidden cell" if name in hidden_defs
                   else "defined by no earlier visible cell")
            problems.append((index, name, why))
    return problems


def notebook_cells(notebook) -> list[Cell]:
    """The code cells of a notebook, each marked hidden when a tag hides its code."""
    return [Cell(cell.source, bool(HIDDEN_TAGS & set(cell.metadata.get("tags", []))))
            for cell in notebook.cells if cell.cell_type == "code"]


# ------------------------------------------------------------------ the checker itself
def test_a_visible_cell_using_a_hidden_name_is_reported() -> None:
    cells = [Cell("import numpy as np\nrows = np.arange(3)", hidden=True),
             Cell("print(rows.sum())", hidden=False)]
    assert hidden_dependencies(cells) == [(1, "rows", "defined only in a hidden cell")]
    assert hidden_dependencies([Cell("print(rows)", hidden=False)]) == [
        (0, "rows", "defined by no earlier visible cell")]


def test_names_from_visible_cells_params_loops_and_comprehensions_are_found() -> None:
    cells = [Cell("import numpy as np\nfrom math import *\nx = np.ones(2)", hidden=False),
             Cell("secret = 1", hidden=True),
             Cell("def f(a, *rest, k=1):\n    b = a + k\n    return helper(b) + pi\n"
                  "for i, j in enumerate(x):\n    pass\n"
                  "with open(__file__ if False else 'x') as fh:\n    pass\n"
                  "squares = [v * v for v in range(i)]\n%matplotlib inline", hidden=False),
             Cell("def helper(z):\n    return z\nprint(f(1), j, fh, squares, display)",
                  hidden=False)]
    assert hidden_dependencies(cells) == [(2, "__file__", "defined by no earlier visible cell")]


def test_order_matters_at_module_level_but_not_inside_functions() -> None:
    used_too_early = [Cell("print(y)", hidden=False), Cell("y = 2", hidden=False)]
    assert hidden_dependencies(used_too_early) == [
        (0, "y", "defined by no earlier visible cell")]
    # A function body may use a name a later visible cell defines ...
    later = [Cell("def f():\n    return y", hidden=False), Cell("y = 2", hidden=False)]
    assert hidden_dependencies(later) == []
    # ... but not one that only a hidden cell defines, and a comprehension runs at once.
    hidden = [Cell("def f():\n    return y", hidden=False), Cell("y = 2", hidden=True),
              Cell("z = [w + q for w in (1, 2)]", hidden=False)]
    assert hidden_dependencies(hidden) == [(0, "y", "defined only in a hidden cell"),
                                           (2, "q", "defined by no earlier visible cell")]


def test_the_tags_that_hide_code() -> None:
    md = ("---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n"
          "```{code-cell} ipython3\n:tags: [hide-input]\n\na = 1\n```\n\n"
          "```{code-cell} ipython3\n:tags: [remove-output]\n\nb = 2\n```\n")
    cells = notebook_cells(jupytext.reads(md, fmt="md:myst"))
    assert [(c.source, c.hidden) for c in cells] == [("a = 1", True), ("b = 2", False)]


# ------------------------------------------------------------------ the chapters
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_visible_cells_run_on_their_own(chapter: Path) -> None:
    problems = hidden_dependencies(notebook_cells(jupytext.read(chapter)))
    assert not problems, (f"{chapter.name}: visible code cells use names they cannot find:\n"
                          + "\n".join(f"  code cell {i}: {name!r} ({why})"
                                      for i, name, why in problems))
