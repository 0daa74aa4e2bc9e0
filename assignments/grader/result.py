"""What grading produces: typed results, and the one codec of the results file.

A ``SubmissionResult`` (one student's assignment) holds a ``NotebookResult`` per notebook,
which holds a ``CellResult`` per graded cell. ``grade.py`` makes them, ``batch.py`` keeps
them on disk (``write_result``/``read_result``: JSON, written atomically), ``gradebook.py``
loads them into nbgrader's gradebook and ``feedback.py`` shows them to students.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path

CELL_STATUSES = ("passed", "failed", "manual", "not run")
NOTEBOOK_STATUSES = ("graded", "missing", "invalid", "grader-error")


@dataclasses.dataclass(frozen=True)
class CellResult:
    """The outcome of one graded cell."""
    grade_id: str
    points: float                  # the most the cell can earn
    score: float | None            # None: a manually graded cell (the teacher scores it)
    status: str                    # one of CELL_STATUSES
    feedback: str                  # what the student may see ("passed", a visible traceback...)
    seconds: float | None = None   # time the test took (None: it did not run)

    def __post_init__(self):
        if self.status not in CELL_STATUSES:
            raise ValueError(f"cell status must be one of {CELL_STATUSES}, got {self.status!r}")
        if (self.score is None) != (self.status == "manual"):
            raise ValueError(f"cell {self.grade_id}: score None means status 'manual', got "
                             f"score={self.score!r}, status={self.status!r}")

    @property
    def manual(self) -> bool:
        return self.status == "manual"


@dataclasses.dataclass(frozen=True)
class NotebookResult:
    """The outcome of one notebook of a submission."""
    status: str                              # one of NOTEBOOK_STATUSES
    cells: tuple[CellResult, ...]
    flags: tuple[str, ...] = ()              # suspicious: for the teacher's eyes
    notes: tuple[str, ...] = ()              # not suspicious (time-outs, out of memory)
    outputs: tuple[str, ...] = ()            # printed output of the student's cells

    def __post_init__(self):
        if self.status not in NOTEBOOK_STATUSES:
            raise ValueError(f"notebook status must be one of {NOTEBOOK_STATUSES}, "
                             f"got {self.status!r}")

    @property
    def score(self) -> float:
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def flagged(self) -> bool:
        """Whether the teacher should look at it (the gradebook's flag)."""
        return bool(self.flags) or self.status == "grader-error"


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    """The outcome of one (student, assignment): all its notebooks."""
    student: str
    assignment: str
    grader_version: str
    fingerprint: str               # hash of all the grade depends on (course.fingerprint)
    seconds: float                 # wall-clock time of grading it
    notebooks: dict[str, NotebookResult]   # notebook name (file stem) -> result
    errors: tuple[str, ...] = ()   # grading itself failed (the grader's fault, not the student's)

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks.values())

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks.values())

    @property
    def flags(self) -> tuple[str, ...]:
        """Every notebook's flags (prefixed with its name), then the grading errors."""
        return tuple(f"{name}: {f}" for name, nb in self.notebooks.items()
                     for f in nb.flags) + tuple(f"grading failed: {e}" for e in self.errors)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f"{name}: {n}" for name, nb in self.notebooks.items() for n in nb.notes)

    def cells(self) -> list[tuple[str, CellResult]]:
        """(notebook name, cell result) of every graded cell, in order."""
        return [(name, c) for name, nb in self.notebooks.items() for c in nb.cells]


# ---- the results file: JSON in and out ---------------------------------------------------

def to_json(result: SubmissionResult) -> dict:
    """A JSON-able dict; the totals, flags and notes are included for readers of the file."""
    data = dataclasses.asdict(result)
    data.update(score=result.score, max_score=result.max_score, flags=list(result.flags),
                notes=list(result.notes))
    return data


def _cell(data: dict) -> CellResult:
    score = data["score"]
    return CellResult(grade_id=str(data["grade_id"]), points=float(data["points"]),
                      score=None if score is None else float(score), status=data["status"],
                      feedback=str(data["feedback"]),
                      seconds=None if data.get("seconds") is None else float(data["seconds"]))


def _notebook(data: dict) -> NotebookResult:
    return NotebookResult(status=data["status"], cells=tuple(_cell(c) for c in data["cells"]),
                          flags=tuple(map(str, data["flags"])),
                          notes=tuple(map(str, data["notes"])),
                          outputs=tuple(map(str, data["outputs"])))


def from_json(data: dict) -> SubmissionResult:
    """The result ``to_json`` wrote; ``ValueError`` if ``data`` is not one."""
    try:
        return SubmissionResult(
            student=str(data["student"]), assignment=str(data["assignment"]),
            grader_version=str(data["grader_version"]), fingerprint=str(data["fingerprint"]),
            seconds=float(data["seconds"]),
            notebooks={str(k): _notebook(v) for k, v in data["notebooks"].items()},
            errors=tuple(map(str, data.get("errors", ()))))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a grading result: {type(exc).__name__}: {exc}") from None


def write_result(path: Path, result: SubmissionResult) -> None:
    """Write atomically: a reader sees the old file or the complete new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(to_json(result), f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_result(path: Path) -> SubmissionResult | None:
    """The result stored at ``path``, or None if there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text())
        return from_json(data) if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None
