"""Rebuild the notebook to grade from the TEACHER's cells and the student's answers.

The teacher's source notebook is the skeleton: every locked cell (setup code, tests,
instructions) is taken from it, with its hidden tests, in the teacher's order. From the
student's notebook we take only code: the answer cells (matched by ``grade_id``) and any
cells the student added (kept after the tracked cell they followed). Every difference in a
tracked cell (edited, deleted, retyped, re-tagged, reordered, duplicated, unknown id) is
recorded as a suspicious flag; it can never change which test code runs.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
_TAG_KEYS = ("grade", "solution", "locked", "points", "task")
MAX_CELLS = 10_000                 # a notebook with more cells is refused (not a notebook)
MAX_SOURCE_CHARS = 4_000_000       # nor one whose cells hold more code than this


class NotebookError(ValueError):
    """A notebook file that is missing, not JSON, or not shaped like a notebook."""


@dataclasses.dataclass(frozen=True)
class Cell:
    """One cell of the notebook to grade."""
    kind: str              # "setup" (teacher, runs on both sides) | "student" | "test" | "manual"
    source: str            # code to run (for "test": the teacher's full code, hidden tests included)
    grade_id: str | None = None
    points: float = 0.0    # max points of a "test" (or "manual") cell


@dataclasses.dataclass(frozen=True)
class Rebuilt:
    cells: tuple[Cell, ...]
    flags: tuple[str, ...]          # suspicious differences found in the student's notebook


def _text(source) -> str:
    if isinstance(source, list):
        if not all(isinstance(s, str) for s in source):
            raise NotebookError("cell source is not text")
        return "".join(source)
    if isinstance(source, str):
        return source
    raise NotebookError("cell source is not text")


def load_cells(raw: bytes | str, what: str = "notebook") -> list[dict]:
    """The cells of a notebook given as JSON bytes; ``NotebookError`` if it is not one."""
    try:
        nb = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError, MemoryError) as exc:
        raise NotebookError(f"{what} is not valid JSON ({exc.__class__.__name__})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{what} has no list of cells")
    if len(nb["cells"]) > MAX_CELLS:
        raise NotebookError(f"{what} has {len(nb['cells'])} cells (limit {MAX_CELLS})")
    cells, chars = [], 0
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookError(f"{what} has a malformed cell")
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        cells.append({"type": cell["cell_type"], "source": _text(cell.get("source", "")),
                      "tags": tags, "id": tags.get("grade_id") if isinstance(
                          tags.get("grade_id"), str) else None})
        chars += len(cells[-1]["source"])
        if chars > MAX_SOURCE_CHARS:
            raise NotebookError(f"{what} holds more than {MAX_SOURCE_CHARS} characters of code")
    return cells


def _norm(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def _tags(tags: dict) -> tuple:
    return tuple(tags.get(k) for k in _TAG_KEYS)


def cell_kind(tags: dict, cell_type: str) -> str:
    """What an nbgrader cell is: "answer", "test", "manual", "setup" or "text"."""
    if tags.get("solution"):
        return "answer"
    if tags.get("grade"):
        return "test" if cell_type == "code" else "manual"
    if tags.get("locked"):
        return "setup" if cell_type == "code" else "text"
    return "text" if cell_type != "code" else "setup"


def strip_solutions(source: str, stub: str = "raise NotImplementedError()") -> str:
    """The student's starting version of an answer cell (what ``generate_assignment`` does)."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        if line.strip().startswith(SOLUTION_BEGIN):
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{stub}\n")
        elif line.strip().startswith(SOLUTION_END):
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out)


def reference_answer(source: str) -> str:
    """The teacher's solution with the solution markers removed."""
    return "".join(l for l in source.splitlines(keepends=True)
                   if not l.strip().startswith((SOLUTION_BEGIN, SOLUTION_END)))


def strip_hidden(source: str) -> str:
    """A test cell as the student sees it (hidden tests removed)."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        if line.strip().startswith(HIDDEN_BEGIN):
            inside = True
        elif line.strip().startswith(HIDDEN_END):
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out)


def teacher_material(teacher: list[dict], student: list[dict]) -> tuple[str, ...]:
    """Flags for a submission holding what only the teacher has: solution or hidden-test
    markers, or the lines of a hidden test (e.g. the teacher's notebook submitted verbatim,
    or what ``nbgrader collect`` made of a symlink to it)."""
    flags = []
    text = "\n".join(c["source"] for c in student)
    lines = {line.strip() for line in text.splitlines()}
    for marker in (SOLUTION_BEGIN, HIDDEN_BEGIN):
        if any(line.startswith(marker) for line in lines):
            flags.append(f"the submission contains the teacher's {marker!r} blocks")
    # Three hidden-test lines in a row, as in the teacher's notebook: one shared line (a
    # loop header, `probs = softmax(logits)`) is what an honest answer may well contain.
    visible = set()
    for c in teacher:
        visible |= {line.strip() for line in strip_hidden(c["source"]).splitlines()}
    mine = _code_lines(text)
    runs = {tuple(mine[i:i + RUN]) for i in range(len(mine) - RUN + 1)}
    found = 0
    for c in teacher:
        hidden = [h for h in _code_lines(c["source"]) if h not in visible]
        found += sum(tuple(hidden[i:i + RUN]) in runs and
                     sum(map(len, hidden[i:i + RUN])) >= 16 * RUN      # not `)`, `else:`...
                     for i in range(len(hidden) - RUN + 1))
    if found:
        flags.append(f"the submission contains the teacher's hidden tests "
                     f"({RUN} or more of their lines in a row)")
    return tuple(flags)


RUN = 3     # consecutive hidden-test lines that flag a submission


def _code_lines(source: str) -> list[str]:
    """The lines of ``source`` that carry code: stripped, no blanks, comments or markers."""
    return [s for s in (line.strip() for line in source.splitlines())
            if s and not s.startswith("#")]


def rebuild(teacher: list[dict], student: list[dict]) -> Rebuilt:
    """The cells to grade: teacher's tracked cells + the student's answers and extra cells."""
    flags: list[str] = []
    tracked = [c for c in teacher if c["id"]]
    known = {c["id"] for c in tracked}
    by_id: dict[str, dict] = {}
    extras: dict[str | None, list[dict]] = {None: []}
    anchor = None
    order = []
    for cell in student:
        gid = cell["id"]
        if gid in known and gid not in by_id:
            by_id[gid] = cell
            order.append(gid)
            anchor = gid
            continue
        if gid in known:
            flags.append(f"duplicate cell {gid}")
        elif gid:
            flags.append(f"unknown cell id {gid}")
        if cell["type"] == "code":
            extras.setdefault(anchor, []).append(cell)
    teacher_order = [c["id"] for c in tracked if c["id"] in by_id]
    if order != teacher_order:
        flags.append("tracked cells reordered")

    cells = [Cell("student", c["source"]) for c in extras[None]]
    for t in tracked:
        gid, kind = t["id"], cell_kind(t["tags"], t["type"])
        mine = by_id.get(gid)
        if mine is None:
            flags.append(f"deleted {kind} cell {gid}")
        else:
            if mine["type"] != t["type"]:
                flags.append(f"retyped {kind} cell {gid} ({t['type']} -> {mine['type']})")
            if _tags(mine["tags"]) != _tags(t["tags"]):
                flags.append(f"re-tagged {kind} cell {gid}")
            if kind != "answer" and _norm(mine["source"]) not in (
                    _norm(t["source"]), _norm(strip_hidden(t["source"]))):
                flags.append(f"edited {kind} cell {gid}")
        points = float(t["tags"].get("points") or 0)
        if kind == "answer":
            if t["type"] == "code":
                cells.append(Cell("student", mine["source"] if mine else "", gid))
            elif t["tags"].get("grade"):
                cells.append(Cell("manual", mine["source"] if mine else "", gid, points))
        elif kind == "test":
            cells.append(Cell("test", t["source"], gid, points))
        elif kind == "manual":
            cells.append(Cell("manual", t["source"], gid, points))
        elif kind == "setup":
            cells.append(Cell("setup", t["source"], gid))
        cells.extend(Cell("student", c["source"]) for c in extras.get(gid, []))
    return Rebuilt(tuple(cells), tuple(flags) + teacher_material(teacher, student))


def teacher_cells(path: Path) -> list[dict]:
    return load_cells(Path(path).read_bytes(), f"teacher notebook {path}")
