"""The single writer: load result files into the nbgrader gradebook, idempotently.

Each result sets (never adds to) the auto scores of one submission, so loading the same
results twice, or after an interrupted load, leaves the same gradebook. If the gradebook
does not know the assignment yet (``nbgrader generate_assignment`` not run), its notebooks
and grade cells are created from the teacher's source notebooks.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import sys
import warnings
from pathlib import Path

import nbgrader.api as nbgrader_api
from nbgrader.api import Gradebook, MissingEntry

from .course import Course
from .notebook import cell_kind, teacher_cells
from .result import SubmissionResult
from .submitted import parse_timestamp, read_or_none


_NBGRADER_ALEMBIC_VERSION = nbgrader_api.get_alembic_version


def _alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` command of its environment to create a gradebook
    (several seconds per new gradebook); ask it once per process, in-process."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    if not hasattr(nbgrader_api.get_alembic_version, "cache_info"):
        nbgrader_api.get_alembic_version = functools.lru_cache(maxsize=1)(_alembic_head)


def _alembic_head() -> str:
    """The gradebook schema version nbgrader stamps on a new database (``alembic heads``)."""
    try:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from nbgrader.dbutil import _temp_alembic_ini
        with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
            return ScriptDirectory.from_config(Config(ini)).get_current_head()
    except Exception:              # noqa: BLE001 - fall back to nbgrader's own way
        return _NBGRADER_ALEMBIC_VERSION()


def _ensure_assignment(gb: Gradebook, course: Course, assignment: str) -> None:
    try:
        gb.find_assignment(assignment)
        return
    except MissingEntry:
        pass
    gb.update_or_create_assignment(assignment)
    for path in course.source_notebooks(assignment):
        gb.update_or_create_notebook(path.stem, assignment)
        for cell in teacher_cells(path):
            if not cell["id"]:
                continue
            tags, kind = cell["tags"], cell_kind(cell["tags"], cell["type"])
            if tags.get("grade"):
                gb.update_or_create_grade_cell(cell["id"], path.stem, assignment,
                                               max_score=float(tags.get("points") or 0),
                                               cell_type=cell["type"])
            if kind == "answer":
                gb.update_or_create_solution_cell(cell["id"], path.stem, assignment)


def _timestamp(course: Course, student: str, assignment: str):
    raw = read_or_none(course.submitted(student, assignment) / "timestamp.txt")
    return parse_timestamp(raw)


def load_results(course: Course, results: list[SubmissionResult]) -> list[str]:
    """Write ``results`` (from ``grade_submission``) into ``course``'s gradebook.

    A result the gradebook refuses (e.g. a student folder name that is not UTF-8) is left
    out and named in the returned list; the others are loaded."""
    _alembic_on_path()
    failed = []
    with warnings.catch_warnings(), Gradebook(course.gradebook_url) as gb:
        # nbgrader's own add_submission triggers SQLAlchemy "not in session" warnings
        warnings.simplefilter("ignore", category=Warning)
        for assignment in sorted({r.assignment for r in results}):
            _ensure_assignment(gb, course, assignment)
        for r in sorted(results, key=lambda r: (r.assignment, r.student)):
            try:
                _load_one(gb, course, r)
            except Exception as exc:       # noqa: BLE001 - this submission's failure only
                gb.db.rollback()
                failed.append(f"{r.student!r}/{r.assignment!r}: {type(exc).__name__}")
    return failed


def _load_one(gb: Gradebook, course: Course, r: SubmissionResult) -> None:
    """Set the scores and flags of one submission (committed on its own)."""
    gb.update_or_create_student(r.student)
    kwargs = {}
    stamp = _timestamp(course, r.student, r.assignment)
    if stamp is not None:
        kwargs["timestamp"] = stamp
    gb.update_or_create_submission(r.assignment, r.student, **kwargs)
    for nb_name, nb in r.notebooks.items():
        sub_nb = gb.find_submission_notebook(nb_name, r.assignment, r.student)
        sub_nb.flagged = nb.flagged
        _flag_comment(sub_nb, nb)
        grades = {g.name: g for g in sub_nb.grades}          # one query, not one per cell
        for cell in nb.cells:
            grade = grades.get(cell.grade_id)
            if grade is None:                                  # what nbgrader would raise
                raise MissingEntry(f"no grade {cell.grade_id!r} in {nb_name!r}")
            if cell.manual:
                grade.auto_score = None
                grade.needs_manual_grade = True
            else:
                grade.auto_score = float(cell.score or 0.0)
                grade.needs_manual_grade = False
    gb.db.commit()


def _flag_comment(sub_nb, nb) -> None:
    """The Formgrader shows a solution cell's automatic comment beside it: the first one
    carries the notebook's flags (for the teacher; students' feedback pages never show
    automatic comments), the others are cleared (a regrade without flags clears them)."""
    comments = sorted(sub_nb.comments, key=lambda c: c.name)
    text = ("Flagged by the safe grader: " + "; ".join(nb.flags)) if nb.flags else \
        ("grader error" if nb.flagged else None)
    for i, comment in enumerate(comments):
        comment.auto_comment = text if i == 0 else None


@dataclasses.dataclass(frozen=True)
class TeacherMark:
    """What a teacher gave one cell in the Formgrader (None: nothing given)."""
    manual_score: float | None
    extra_credit: float | None
    comment: str | None


def teacher_marks(course: Course, student: str, assignment: str) -> dict[str, dict[str, TeacherMark]]:
    """notebook -> grade_id -> the teacher's manual score and comment (empty without a
    gradebook or a submission in it)."""
    if not (course.root / "gradebook.db").is_file():
        return {}
    _alembic_on_path()
    out: dict[str, dict[str, TeacherMark]] = {}
    with warnings.catch_warnings(), Gradebook(course.gradebook_url) as gb:
        warnings.simplefilter("ignore", category=Warning)
        try:
            sub = gb.find_submission(assignment, student)
        except (MissingEntry, UnicodeEncodeError):   # a name the gradebook cannot hold
            return {}
        for nb in sub.notebooks:
            marks: dict[str, TeacherMark] = {}
            comments = {c.name: c.manual_comment for c in nb.comments}
            for g in nb.grades:
                marks[g.name] = TeacherMark(g.manual_score, g.extra_credit,
                                            comments.get(g.name))
            for name, text in comments.items():
                if name not in marks:
                    marks[name] = TeacherMark(None, None, text)
            out[nb.name] = marks
    return out


def snapshot(course: Course) -> dict:
    """The gradebook's content without ids/timings: what two equivalent runs must share."""
    out = {}
    _alembic_on_path()
    with Gradebook(course.gradebook_url) as gb:
        for a in gb.assignments:
            for sub in gb.assignment_submissions(a.name):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(a.name, sub.student.id, nb.name, g.name)] = (
                            g.auto_score, g.manual_score, g.needs_manual_grade, nb.flagged)
    return out


def results_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.json"))
