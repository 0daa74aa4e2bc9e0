"""Grade one submission (all notebooks of one student's assignment) into a result dict,
and write results atomically."""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path

from .course import GRADER_VERSION, Course
from .execute import NotebookRun, Timeouts
from .notebook import NotebookError, load_cells, rebuild, teacher_cells
from .sandbox import Sandbox, SandboxConfig

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024     # larger submitted notebooks are refused unread


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that decides how a submission is graded."""
    sandbox: SandboxConfig
    timeouts: Timeouts = dataclasses.field(default_factory=Timeouts)

    def key(self) -> str:
        """The part of the settings a grade depends on (for result fingerprints)."""
        return json.dumps({"timeouts": dataclasses.asdict(self.timeouts),
                           "limits": dataclasses.asdict(self.sandbox.limits)}, sort_keys=True)


def _zero(teacher: list[dict], status: str, note: str) -> dict:
    cells = []
    for c in teacher:
        tags = c["tags"]
        if c["id"] and tags.get("grade"):
            manual = bool(tags.get("solution")) or c["type"] != "code"
            cells.append({"grade_id": c["id"], "points": float(tags.get("points") or 0),
                          "score": None if manual else 0.0,
                          "status": "manual" if manual else "not run", "feedback": note})
    return {"status": status, "cells": cells, "flags": [], "notes": [note], "outputs": []}


def grade_notebook(teacher_path: Path, submitted_path: Path, settings: Settings,
                   slot: int) -> dict:
    teacher = teacher_cells(teacher_path)
    if not submitted_path.is_file():
        return _zero(teacher, "missing", f"notebook {submitted_path.name} was not submitted")
    if submitted_path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return _zero(teacher, "invalid", f"notebook {submitted_path.name} is too large")
    raw = submitted_path.read_bytes()
    try:
        student = load_cells(raw, f"notebook {submitted_path.name}")
    except NotebookError as exc:
        return _zero(teacher, "invalid", str(exc))
    rebuilt = rebuild(teacher, student)
    sandbox = Sandbox(settings.sandbox, slot, {submitted_path.name: raw})
    try:
        run = NotebookRun(sandbox, settings.timeouts)
        cells = run.run(rebuilt.cells)
    finally:
        sandbox.close()
    return {"status": "graded", "cells": cells, "flags": list(rebuilt.flags) + run.flags,
            "notes": run.notes, "outputs": run.outputs}


def grade_submission(course: Course, student: str, assignment: str, settings: Settings,
                     slot: int = 0) -> dict:
    """The result of one submission (never raises for anything the student did)."""
    started = time.monotonic()
    fingerprint = course.fingerprint(student, assignment, settings.key())
    notebooks = {}
    for teacher_path in course.source_notebooks(assignment):
        notebooks[teacher_path.stem] = grade_notebook(
            teacher_path, course.submitted(student, assignment) / teacher_path.name,
            settings, slot)
    return summarize(student, assignment, fingerprint, notebooks, time.monotonic() - started)


def summarize(student, assignment, fingerprint, notebooks, seconds) -> dict:
    score = sum(c["score"] or 0.0 for nb in notebooks.values() for c in nb["cells"])
    max_score = sum(c["points"] for nb in notebooks.values() for c in nb["cells"])
    return {"student": student, "assignment": assignment, "grader_version": GRADER_VERSION,
            "fingerprint": fingerprint, "score": score, "max_score": max_score,
            "seconds": round(seconds, 3),
            "flags": [f"{name}: {f}" for name, nb in notebooks.items() for f in nb["flags"]],
            "notes": [f"{name}: {n}" for name, nb in notebooks.items() for n in nb["notes"]],
            "notebooks": notebooks}


def crashed_result(course: Course, student: str, assignment: str, settings: Settings,
                   reason: str) -> dict:
    """The result recorded when grading itself failed (the grader's fault, not the student's)."""
    notebooks = {}
    for teacher_path in course.source_notebooks(assignment):
        nb = _zero(teacher_cells(teacher_path), "grader-error", reason)
        notebooks[teacher_path.stem] = nb
    result = summarize(student, assignment, course.fingerprint(student, assignment,
                                                               settings.key()), notebooks, 0.0)
    result["flags"].append(f"grading failed: {reason}")
    return result


def write_result(path: Path, result: dict) -> None:
    """Write atomically: a reader sees the old file or the complete new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_result(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "fingerprint" in data else None
