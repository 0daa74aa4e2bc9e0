"""Feedback for students: scores and visible-test messages only.

A test cell that contains hidden tests shows the traceback of its visible part only; a
failure in a hidden part shows "hidden test failed" and the points. No test code, and no
flag meant for the teacher, is written here.
"""
from __future__ import annotations

import html
from pathlib import Path

from .course import Course
from .result import SubmissionResult
from .submitted import read_or_none


def feedback_html(result: SubmissionResult, notebook: str) -> str:
    nb = result.notebooks[notebook]
    rows = []
    for cell in nb.cells:
        score = "-" if cell.score is None else f"{cell.score:g}"
        rows.append(f"<tr><td>{html.escape(cell.grade_id)}</td><td>{score} / "
                    f"{cell.points:g}</td><td><pre>{html.escape(cell.feedback)}</pre>"
                    f"</td></tr>")
    assignment = html.escape(result.assignment)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Feedback: "
            f"{assignment}/{html.escape(notebook)}</title></head><body>"
            f"<h1>{assignment} / {html.escape(notebook)}</h1>"
            f"<p>Score: {nb.score:g} / {nb.max_score:g}</p><table border='1'>"
            "<tr><th>test</th><th>points</th><th>result</th></tr>" + "".join(rows) +
            "</table></body></html>")


def write_feedback(course: Course, result: SubmissionResult) -> list[Path]:
    """feedback/<student>/<assignment>/<notebook>.html (+ the files ``nbgrader
    release_feedback`` needs, copied from the submission)."""
    folder = course.root / "feedback" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in result.notebooks:
        path = folder / f"{name}.html"
        path.write_text(feedback_html(result, name))
        written.append(path)
    for extra in ("timestamp.txt", "submission_secret.txt"):   # regular files only, no links
        data = read_or_none(course.submitted(result.student, result.assignment) / extra)
        if data is not None:
            (folder / extra).write_bytes(data)
    return written
