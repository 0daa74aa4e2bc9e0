"""The teacher's test and setup cells, split at the hidden-test markers, parsed and compiled
once per process (a batch does it before it forks): every student's run then executes the
same code objects. They are the teacher's code, never a student's."""
from __future__ import annotations

import ast
import dataclasses
import functools

from .notebook import HIDDEN_BEGIN, HIDDEN_END, Cell


def bound_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def loaded_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@dataclasses.dataclass(frozen=True)
class CompiledPart:
    """One part of a teacher's test cell, parsed and compiled once per batch: every
    student's run executes the same code objects (they are the teacher's, never a student's)."""
    bound: frozenset            # names the part defines
    loaded: tuple               # names it reads, sorted
    body: object                # code object of the statements
    last: object | None         # code object of the final expression (its value scores)


@functools.lru_cache(maxsize=4096)
def compile_part(code: str, name: str, keep_last: bool) -> CompiledPart:
    """``code`` compiled under the file name ``name``; with ``keep_last`` a final
    expression is compiled apart, so its value can be read."""
    tree = ast.parse(code)
    bound, loaded = frozenset(bound_names(tree)), tuple(sorted(loaded_names(tree)))
    last = None
    if keep_last and tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), name, "eval")
    return CompiledPart(bound, loaded, compile(tree, name, "exec"), last)


@functools.lru_cache(maxsize=1024)
def segments(source: str) -> tuple[tuple[bool, str], ...]:
    """Split a test cell into (hidden, code) parts at the hidden-test markers."""
    parts, current, hidden = [], [], False
    for line in source.splitlines(keepends=True):
        marker = line.strip()
        if marker.startswith(HIDDEN_BEGIN) or marker.startswith(HIDDEN_END):
            if current:
                parts.append((hidden, "".join(current)))
            current, hidden = [], marker.startswith(HIDDEN_BEGIN)
            continue
        current.append(line)
    if current:
        parts.append((hidden, "".join(current)))
    try:
        for _, code in parts:
            ast.parse(code)
    except SyntaxError:               # markers inside a block: treat the whole cell as hidden
        hidden_any = any(h for h, _ in parts)
        return ((hidden_any, source.replace(HIDDEN_BEGIN, "#").replace(HIDDEN_END, "#")),)
    return tuple(parts)


@dataclasses.dataclass(frozen=True)
class TestPart:
    """One part of a test cell as a run executes it."""
    hidden: bool
    code: str
    name: str                   # its file name, e.g. "<test test_softmax part 1>"
    compiled: CompiledPart


def test_parts(cell: Cell, visible_only: bool = False) -> tuple[TestPart, ...]:
    """The parts of test ``cell`` that a run executes (``visible_only``: the hidden ones
    left out), compiled; the last part keeps its final expression apart (it scores)."""
    parts = [p for p in segments(cell.source) if not (visible_only and p[0])]
    out = []
    for i, (hidden, code) in enumerate(parts):
        name = f"<{'hidden' if hidden else 'test'} {cell.grade_id} part {i + 1}>"
        out.append(TestPart(hidden, code, name, compile_part(code, name, i == len(parts) - 1)))
    return tuple(out)


def setup_code(cell: Cell) -> CompiledPart:
    """A setup cell, compiled (``SyntaxError`` for what only IPython runs, e.g. magics)."""
    return compile_part(cell.source, f"<setup {cell.grade_id}>", False)


def prepare(cells: tuple[Cell, ...]) -> None:
    """Compile the teacher's setup and test cells now, the way both runs will ask for them
    (a batch calls this once, before it forks a process per submission)."""
    for cell in cells:
        try:
            if cell.kind == "setup":
                setup_code(cell)
            elif cell.kind == "test":
                test_parts(cell)
                test_parts(cell, visible_only=True)
        except SyntaxError:
            continue                 # reported when the cell runs
