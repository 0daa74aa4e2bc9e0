"""The feedback page a student reads (assignments/grader/feedback.py), without grading.

Each page is built from a teacher's source notebook, a fabricated submission and a result
made here, so the checks are fast: the page is the student's notebook with a result under
each test (points, visible message, "hidden test failed"), the teacher's Formgrader marks
count, no hidden-test line of any assignment reaches it, it has a viewport tag, and MathJax
is inlined (no script or font from the network).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from assignments.grader import fabricate as F
from assignments.grader.execute import HIDDEN_FAILED
from assignments.grader.feedback import feedback_html
from assignments.grader.gradebook import TeacherMark
from assignments.grader.notebook import HIDDEN_BEGIN, HIDDEN_END, teacher_cells
from assignments.grader.result import CellResult, NotebookResult, SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "assignments" / "source").glob("*/*.ipynb"))


def _result(teacher: Path) -> SubmissionResult:
    """Every test cell: the first passes, the others fail (visible message, hidden note)."""
    cells = []
    for i, c in enumerate(x for x in teacher_cells(teacher) if x["tags"].get("grade")):
        points = float(c["tags"]["points"])
        if i == 0:
            cells.append(CellResult(c["id"], points, points, "passed", "passed"))
        elif i % 2:
            cells.append(CellResult(c["id"], points, 0.0, "failed", HIDDEN_FAILED))
        else:
            cells.append(CellResult(c["id"], points, 0.0, "failed",
                                    f"AssertionError: visible message of {c['id']}"))
    return SubmissionResult("s", teacher.parent.name, "1", "", 0.0,
                            {teacher.stem: NotebookResult("graded", tuple(cells))})


def _page(teacher: Path, tmp_path: Path, marks=None) -> tuple[str, SubmissionResult]:
    sub = tmp_path / f"{teacher.stem}.ipynb"
    sub.write_bytes(F.dump(F.wrong(F.load(teacher))))
    result = _result(teacher)
    return feedback_html(result, teacher.stem, teacher, sub, marks), result


def _hidden_lines(teacher: Path) -> set[str]:
    hidden, visible = set(), set()
    for c in teacher_cells(teacher):
        inside = False
        for line in c["source"].splitlines():
            s = line.strip()
            if s.startswith(HIDDEN_BEGIN):
                inside = True
            elif s.startswith(HIDDEN_END):
                inside = False
            elif len(s) > 12:
                (hidden if inside else visible).add(s)
    return hidden - visible


def _text_lines(page: str) -> set[str]:
    page = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    return {html.unescape(line).strip() for line in re.sub(r"<[^>]+>", "\n", page).splitlines()}


@pytest.mark.parametrize("teacher", SOURCES, ids=lambda p: p.parent.name)
def test_no_hidden_test_line_reaches_the_page(teacher, tmp_path):
    page, _ = _page(teacher, tmp_path)
    hidden = _hidden_lines(teacher)
    assert hidden, "every assignment has hidden tests"
    assert not hidden & _text_lines(page)
    assert HIDDEN_BEGIN not in page and "BEGIN SOLUTION" not in page


def test_each_test_has_its_result_under_it(tmp_path):
    teacher = next(p for p in SOURCES if p.parent.name == "softmax")
    page, result = _page(teacher, tmp_path)
    cells = result.notebooks["softmax"].cells
    boxes = re.findall(r"<div class='result (\w+)' data-grade-id='([\w-]+)'>", page)
    assert [gid for _, gid in boxes] == [c.grade_id for c in cells]
    assert [kind for kind, _ in boxes] == ["passed"] + ["failed"] * (len(cells) - 1)
    assert page.count(HIDDEN_FAILED) == sum(c.feedback == HIDDEN_FAILED for c in cells)
    assert "visible message of" in page
    first = page.index(f"data-grade-id='{cells[0].grade_id}'")
    answer = page.index("your answer")
    assert answer < first                       # the student's answer comes before its test
    assert f"Score: <strong>{cells[0].points:g} / {result.max_score:g}</strong>" in page


def test_teacher_marks_and_comments_count(tmp_path):
    teacher = next(p for p in SOURCES if p.parent.name == "softmax")
    result = _result(teacher)
    failed = result.notebooks["softmax"].cells[1]
    marks = {failed.grade_id: TeacherMark(failed.points, None, "Fair: see the rule on axes")}
    page, _ = _page(teacher, tmp_path, marks)
    total = result.notebooks["softmax"].cells[0].points + failed.points
    assert f"Score: <strong>{total:g} /" in page
    assert "<b>Teacher's comment:</b> Fair: see the rule on axes" in page
    answer = next(c["id"] for c in teacher_cells(teacher) if c["tags"].get("solution"))
    page, _ = _page(teacher, tmp_path, {answer: TeacherMark(None, None, "Nice & short")})
    assert "<b>Teacher's comment:</b> Nice &amp; short" in page   # on an answer cell


def test_page_reads_on_a_phone_and_typesets_offline(tmp_path):
    teacher = next(p for p in SOURCES if p.parent.name == "softmax")
    page, _ = _page(teacher, tmp_path)
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in page
    assert "@media (max-width: 600px)" in page
    assert "MathJax" in page and "<script src=" not in page
    outside = re.sub(r"<script>.*?</script>", "", page, flags=re.S)   # the inlined MathJax
    assert not re.search(r"src=['\"]?(https?:)?//", outside), "nothing loaded from the network"
    assert "<link" not in outside and "@import" not in outside
