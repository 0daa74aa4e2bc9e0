"""Fabricate student submissions from a teacher's source notebook (tests, benchmarks).

``reference``  the teacher's solutions (must score full marks),
``stub``       the released notebook untouched (``raise NotImplementedError()``),
``wrong``      the solutions with every answer function's result perturbed (right type,
               shape and dtype, wrong values: only tests that check behaviour such as
               "raises ValueError" can pass),
and adversarial variants built by ``with_cheat`` (cheat code prepended to the first answer
cell) or ``mutate`` (cells deleted, reordered, retyped, re-tagged, edited).
"""
from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

from .notebook import reference_answer, strip_hidden, strip_solutions

WRONG_WRAPPER = '''
def _make_wrong(_f):
    import functools
    import numpy as _np
    @functools.wraps(_f)
    def _g(*a, **k):
        r = _f(*a, **k)
        if type(r) is _np.ndarray and r.dtype.kind == "f":
            return r * 1.5 + 0.125
        if type(r) is float:
            return r * 1.5 + 0.125
        if type(r) is int:
            return r + 1
        if type(r) is list and r and all(type(x) is int for x in r):
            return [x + 1 for x in r]
        if type(r) is _np.ndarray and r.dtype.kind in "iu":
            return r + 1
        return r
    return _g
'''


def _tags(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def release(source_nb: dict) -> dict:
    """What students receive: solutions stubbed, hidden tests removed, outputs cleared."""
    nb = copy.deepcopy(source_nb)
    for cell in nb["cells"]:
        tags = _tags(cell)
        if tags.get("solution") and cell["cell_type"] == "code":
            cell["source"] = strip_solutions(_source(cell))
        elif tags.get("grade") and cell["cell_type"] == "code":
            cell["source"] = strip_hidden(_source(cell))
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def answer_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if _tags(c).get("solution") and c["cell_type"] == "code"]


def _set_answers(nb: dict, source_nb: dict, transform) -> dict:
    teacher = {_tags(c).get("grade_id"): c for c in answer_cells(source_nb)}
    for cell in answer_cells(nb):
        cell["source"] = transform(reference_answer(_source(teacher[_tags(cell)["grade_id"]])))
    return nb


def reference(source_nb: dict) -> dict:
    return _set_answers(release(source_nb), source_nb, lambda s: s)


def _wrongify(src: str) -> str:
    names = [n.name for n in ast.parse(src).body if isinstance(n, ast.FunctionDef)]
    return src + "\n" + WRONG_WRAPPER + "".join(f"{n} = _make_wrong({n})\n" for n in names)


def wrong(source_nb: dict) -> dict:
    return _set_answers(release(source_nb), source_nb, _wrongify)


def with_cheat(nb: dict, cheat: str, where: str = "first") -> dict:
    """Add ``cheat`` code before the first answer cell's code ("first"), after the last
    one's ("last"), or after every answer cell's code ("each")."""
    nb = copy.deepcopy(nb)
    cells = answer_cells(nb)
    if where == "first":
        cells[0]["source"] = cheat + "\n" + _source(cells[0])
    else:
        for cell in (cells if where == "each" else cells[-1:]):
            cell["source"] = _source(cell) + "\n" + cheat
    return nb


def dump(nb: dict) -> bytes:
    return json.dumps(nb, indent=1).encode()


def write_submission(course_root: Path, student: str, assignment: str, name: str,
                     content: bytes | None) -> None:
    folder = course_root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text("2026-11-29 12:00:00.000000 UTC")
    if content is not None:
        (folder / name).write_bytes(content)


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text())
