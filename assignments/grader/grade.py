"""Grade one submission (all notebooks of one student's assignment) into a ``SubmissionResult``."""
from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from .bridge import Timeouts
from .course import GRADER_VERSION, Course
from .compiled import prepare
from .execute import run_notebook
from .isolation import SandboxConfig
from .notebook import NotebookError, load_cells, rebuild, teacher_cells
from .result import CellResult, NotebookResult, SubmissionResult
from .sandbox import Sandbox
from .submitted import MAX_NOTEBOOK_BYTES, SubmittedFileError, odd_entries, read_regular



@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that decides how a submission is graded."""
    sandbox: SandboxConfig
    timeouts: Timeouts = dataclasses.field(default_factory=Timeouts)

    def key(self) -> str:
        """The part of the settings a grade depends on (for result fingerprints)."""
        return json.dumps({"timeouts": dataclasses.asdict(self.timeouts),
                           "limits": dataclasses.asdict(self.sandbox.limits)}, sort_keys=True)


def not_run(teacher: list[dict], status: str, note: str) -> NotebookResult:
    """A notebook that could not be run: 0 for each test, manual cells left to the teacher."""
    cells = []
    for c in teacher:
        tags = c["tags"]
        if c["id"] and tags.get("grade"):
            manual = bool(tags.get("solution")) or c["type"] != "code"
            cells.append(CellResult(c["id"], float(tags.get("points") or 0),
                                    None if manual else 0.0,
                                    "manual" if manual else "not run", note))
    return NotebookResult(status, tuple(cells), notes=(note,))


def grade_notebook(teacher_path: Path, submitted_path: Path, settings: Settings,
                   slot: int) -> NotebookResult:
    teacher = teacher_cells(teacher_path)
    try:                       # never through a symlink, only a regular file (submitted.py)
        raw = read_regular(submitted_path, MAX_NOTEBOOK_BYTES)
    except SubmittedFileError as exc:
        status = "missing" if "missing" in str(exc) else "invalid"
        result = not_run(teacher, status, f"notebook {exc}")
        return dataclasses.replace(result, flags=(str(exc),)) if exc.suspicious else result
    try:
        student = load_cells(raw, f"notebook {submitted_path.name}")
    except NotebookError as exc:
        return not_run(teacher, "invalid", str(exc))
    rebuilt = rebuild(teacher, student)
    run = run_notebook(rebuilt.cells, lambda: Sandbox(settings.sandbox, slot,
                                                      {submitted_path.name: raw}),
                       settings.timeouts)
    return NotebookResult("graded", run.cells, flags=rebuilt.flags[:50] + run.flags,
                          notes=run.notes, outputs=run.outputs)


def prepare_assignments(course: Course, assignments) -> None:
    """Read and compile the teacher's notebooks of ``assignments`` once, in this process, so
    that the processes a batch forks (one per submission) start with them compiled."""
    for assignment in sorted(set(assignments)):
        for path in course.source_notebooks(assignment):
            try:
                teacher = teacher_cells(path)
            except (OSError, NotebookError):
                continue                 # grade_notebook reports it for each submission
            prepare(rebuild(teacher, teacher).cells)


def grade_submission(course: Course, student: str, assignment: str, settings: Settings,
                     slot: int = 0) -> SubmissionResult:
    """The result of one submission (never raises for anything the student did)."""
    started = time.monotonic()
    fingerprint = course.fingerprint(student, assignment, settings.key())
    notebooks = {}
    for teacher_path in course.source_notebooks(assignment):
        notebooks[teacher_path.stem] = grade_notebook(
            teacher_path, course.submitted(student, assignment) / teacher_path.name,
            settings, slot)
    odd = odd_entries(course.submitted(student, assignment))     # symlinks, FIFOs...
    if odd and notebooks:
        first = next(iter(notebooks))
        notebooks[first] = dataclasses.replace(
            notebooks[first], flags=notebooks[first].flags + odd)
    return SubmissionResult(student, assignment, GRADER_VERSION, fingerprint,
                            round(time.monotonic() - started, 3), notebooks)


def crashed_result(course: Course, student: str, assignment: str, settings: Settings,
                   reason: str) -> SubmissionResult:
    """The result recorded when grading itself failed (the grader's fault, not the student's)."""
    notebooks = {path.stem: not_run(teacher_cells(path), "grader-error", reason)
                 for path in course.source_notebooks(assignment)}
    return SubmissionResult(student, assignment, GRADER_VERSION,
                            course.fingerprint(student, assignment, settings.key()), 0.0,
                            notebooks, errors=(reason,))
