"""Write what nbgrader's own tools read after grading: ``autograded/<student>/<assignment>/``.

The Formgrader lists a submission's notebooks from ``autograded/`` and shows the scores of
the gradebook beside each graded cell (matched by ``grade_id``); ``release_feedback`` and
the Formgrader's status ("autograded", not "needs autograding") also read the
``timestamp.txt`` there. This module writes, for each notebook of a result:

* the teacher's notebook (locked cells, tests with their hidden parts: a teacher's view,
  like stock ``nbgrader autograde``) with the student's answer cells put in,
* the outputs the safe grader produced: each student answer cell's printed output (when the
  outputs can be matched to the cells one for one) and each test cell's result text
  ("passed", the visible failure message, the hidden-test note),
* a first markdown cell, without nbgrader metadata, that tells the teacher the safe
  grader's score, flags and notes (a flagged submission shows its flag here).

Nothing here runs student code: it only arranges the texts the grader already kept.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from .course import Course
from .notebook import NotebookError, cell_kind, load_cells, rebuild, teacher_cells
from .result import NotebookResult, SubmissionResult
from .submitted import MAX_NOTEBOOK_BYTES, SubmittedFileError, read_regular

GRADER_NOTE_TAG = "genai-lab-grader-note"    # the tag of the first, informative cell


def _tags(cell: dict) -> dict:
    meta = cell.get("metadata", {}) if isinstance(cell.get("metadata"), dict) else {}
    return meta.get("nbgrader", {}) if isinstance(meta.get("nbgrader"), dict) else {}


def submitted_cells(path: Path) -> list[dict]:
    """The cells of a submitted notebook (none if it is missing, a link or not a notebook)."""
    try:
        return load_cells(read_regular(path, MAX_NOTEBOOK_BYTES), path.name)
    except (SubmittedFileError, NotebookError):
        return []


def answers_by_id(cells: list[dict]) -> dict[str, str]:
    """grade_id -> the student's source of that cell (the first cell with that id)."""
    answers: dict[str, str] = {}
    for cell in cells:
        if cell["id"]:
            answers.setdefault(cell["id"], cell["source"])
    return answers


def _ran_order(teacher_path: Path, student: list[dict]) -> list[str | None]:
    """The grade_id of every student cell of the rebuilt notebook, in run order."""
    if not student:
        return []
    cells = rebuild(teacher_cells(teacher_path), student).cells
    return [c.grade_id for c in cells if c.kind == "student"]


def grader_note(result: SubmissionResult, name: str, nb: NotebookResult) -> str:
    """The teacher's summary of one graded notebook (markdown)."""
    lines = [f"**Graded by the safe grader** (`make grade`, grader version "
             f"{result.grader_version}): {nb.score:g} / {nb.max_score:g} points, "
             f"notebook status: {nb.status}.",
             "Do not press *Autograde* here: stock nbgrader would run this student's code "
             "unsandboxed (this course refuses it; see `assignments/grader/README.md`)."]
    if nb.flags:
        lines.append("**FLAGGED** (look at this submission):")
        lines.extend(f"- {f}" for f in nb.flags)
    if nb.notes:
        lines.append("Notes:")
        lines.extend(f"- {n}" for n in nb.notes)
    lines.extend(f"- grading failed: {e}" for e in result.errors)
    return "\n".join(lines) + "\n"


def _stream(name: str, text: str) -> dict:
    return {"output_type": "stream", "name": name, "text": text if text.endswith("\n")
            else text + "\n"}


def autograded_notebook(teacher_path: Path, submitted_path: Path, result: SubmissionResult,
                        name: str) -> dict:
    """The notebook to write to ``autograded/``: see the module's docstring."""
    nb_result = result.notebooks[name]
    source = json.loads(teacher_path.read_text(encoding="utf-8"))
    student = submitted_cells(submitted_path)           # read once, for both
    answers, order = answers_by_id(student), _ran_order(teacher_path, student)
    outputs = list(nb_result.outputs)
    by_answer: dict[str, str] = {}
    if len(outputs) == len(order):                 # one output per cell that ran
        by_answer = {gid: out for gid, out in zip(order, outputs) if gid and out}
    tests = {c.grade_id: c for c in nb_result.cells}
    cells = [{"cell_type": "markdown", "id": "genai-lab-grader-note",
              "metadata": {"tags": [GRADER_NOTE_TAG]},
              "source": grader_note(result, name, nb_result)}]
    for i, cell in enumerate(source["cells"]):
        cell = copy.deepcopy(cell)
        cell.setdefault("id", f"cell-{i}")
        tags = _tags(cell)
        gid = tags.get("grade_id")
        kind = cell_kind(tags, cell["cell_type"])
        if kind == "answer" and gid in answers:
            cell["source"] = answers[gid]
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if kind == "answer" and gid in by_answer:
                cell["outputs"] = [_stream("stdout", by_answer[gid])]
            elif kind == "test" and gid in tests:
                outcome = tests[gid]
                cell["outputs"] = [_stream("stdout" if outcome.status == "passed" else "stderr",
                                           outcome.feedback or outcome.status)]
        cells.append(cell)
    source["cells"] = cells
    source.setdefault("metadata", {})["genai_lab_grader"] = {
        "score": nb_result.score, "max_score": nb_result.max_score,
        "flags": list(nb_result.flags), "notes": list(nb_result.notes)}
    return source


def write_autograded(course: Course, result: SubmissionResult) -> list[Path]:
    """autograded/<student>/<assignment>/<notebook>.ipynb + timestamp.txt; the paths written."""
    folder = course.root / "autograded" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, teacher_path, submitted_path in course.graded_notebooks(
            result.student, result.assignment, result.notebooks):
        nb = autograded_notebook(teacher_path, submitted_path, result, name)
        path = folder / teacher_path.name
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    course.copy_submitted(result.student, result.assignment, ("timestamp.txt",), folder)
    return written
