"""Feedback for students: their own notebook with each test's result beside it.

One self-contained HTML page per notebook (``nbgrader release_feedback`` hands students the
``.html`` files only): the assignment's text, the student's answer cells with the output
the grader kept, and after each test cell its points and result — "passed", the visible
test's message, or "hidden test failed" — plus the teacher's score and comment from the
Formgrader where there is one. Test cells are shown without their hidden parts; no hidden
test code, hidden input and no flag meant for the teacher is written here.

Formulas are typeset offline by MathJax 3 (its ``tex-svg`` component, from the course
environment's ``mathjax`` package), inlined into the page when the page has a formula: no
CDN, no font files. The page has a viewport meta tag and a single narrow column, so it reads
on a phone.
"""
from __future__ import annotations

import functools
import html
import importlib.util
import re
from pathlib import Path

from nbconvert.filters.markdown_mistune import markdown2html_mistune

from .autograded import answers_by_id, submitted_cells
from .course import Course
from .gradebook import TeacherMark, teacher_marks
from .notebook import cell_kind, strip_hidden, teacher_cells
from .result import CellResult, SubmissionResult

_MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\$\$")
MATHJAX_CONFIG = ("window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']]},"
                  " options: {enableMenu: false}, svg: {fontCache: 'global'}};")

CSS = """
:root { --fg: #1f2933; --muted: #52606d; --line: #d9e2ec; --code: #f5f7fa;
        --ok: #1e7b34; --ok-bg: #e3f9e5; --bad: #b42318; --bad-bg: #fdecea;
        --wait: #8a5a00; --wait-bg: #fff4d6; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.55;
       font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue",
       Arial, sans-serif; }
main { max-width: 50rem; margin: 0 auto; padding: 1rem 1rem 4rem; }
header { border-bottom: 2px solid var(--line); margin-bottom: 1.5rem; }
h1 { font-size: 1.5rem; margin: .5rem 0; }
.total { font-size: 1.15rem; margin: .25rem 0 1rem; }
.total strong { color: var(--accent); }
.text img { max-width: 100%; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px;
      padding: .6rem .75rem; overflow-x: auto; font-size: .85rem; line-height: 1.45;
      font-family: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.cell { margin: 1rem 0; }
.label { font-size: .75rem; color: var(--muted); text-transform: uppercase;
         letter-spacing: .04em; margin-bottom: .15rem; }
.output pre { background: #fff; border-style: dashed; }
.result { border-radius: 6px; padding: .6rem .75rem; margin: .4rem 0 1.25rem;
          border-left: 5px solid; }
.result.passed { background: var(--ok-bg); border-color: var(--ok); }
.result.failed { background: var(--bad-bg); border-color: var(--bad); }
.result.waiting { background: var(--wait-bg); border-color: var(--wait); }
.result .points { font-weight: 600; float: right; margin-left: 1rem; }
.result pre { background: rgba(255,255,255,.7); margin: .4rem 0 0; white-space: pre-wrap;
              overflow-wrap: anywhere; }
.comment { margin-top: .4rem; }
.anchor-link { display: none; }
details summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; }
td, th { border: 1px solid var(--line); padding: .2rem .5rem; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  main { padding: .5rem .6rem 3rem; }
  h1 { font-size: 1.25rem; }
  pre { font-size: .78rem; }
}
"""


@functools.lru_cache(maxsize=1)
def mathjax_script() -> str:
    """MathJax 3's ``tex-svg`` component (one file, no fonts to fetch), from the
    ``mathjax`` package of the course environment; "" if it is not installed."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(list(spec.submodule_search_locations)[0]) / "static/mathjax/es5/tex-svg.js"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _pre(text: str, cls: str = "") -> str:
    return f"<pre{f' class={cls!r}' if cls else ''}><code>{html.escape(text)}</code></pre>"


def cell_score(cell: CellResult, mark: TeacherMark | None) -> float | None:
    """The score that counts: the teacher's when given, else the grader's."""
    if mark is not None and mark.manual_score is not None:
        return mark.manual_score + (mark.extra_credit or 0.0)
    if cell.score is None:
        return None
    return cell.score + (mark.extra_credit or 0.0 if mark else 0.0)


def _result_box(cell: CellResult, mark: TeacherMark | None) -> str:
    score = cell_score(cell, mark)
    if score is None:
        cls, head = "waiting", "to be graded by your teacher"
        points = f"? / {cell.points:g}"
    else:
        cls = "passed" if score >= cell.points and cell.points > 0 else "failed"
        head = "passed" if cell.status == "passed" else \
            ("graded by your teacher" if cell.manual else cell.status)
        points = f"{score:g} / {cell.points:g}"
    body = "" if cell.feedback in ("passed", "graded by the teacher") else _pre(cell.feedback)
    comment = "" if mark is None or not mark.comment else \
        f"<div class='comment'><b>Teacher's comment:</b> {html.escape(mark.comment)}</div>"
    return (f"<div class='result {cls}' data-grade-id='{html.escape(cell.grade_id)}'>"
            f"<span class='points'>{points}</span><b>{html.escape(cell.grade_id)}</b>: "
            f"{html.escape(head)}{body}{comment}</div>")


def feedback_html(result: SubmissionResult, notebook: str, teacher_path: Path | None = None,
                  submitted_path: Path | None = None,
                  marks: dict[str, TeacherMark] | None = None) -> str:
    """The page of one notebook (see the module's docstring). Without ``teacher_path`` the
    page holds the results only (no assignment text, no answers)."""
    marks = marks or {}
    nb = result.notebooks[notebook]
    answers = answers_by_id(submitted_cells(submitted_path)) if submitted_path is not None else {}
    results = {c.grade_id: c for c in nb.cells}
    parts, shown = [], set()
    for cell in teacher_cells(teacher_path) if teacher_path is not None else []:
        gid, kind = cell["id"], cell_kind(cell["tags"], cell["type"])
        if kind == "text":
            parts.append(f"<div class='cell text'>{markdown2html_mistune(cell['source'])}</div>")
            continue
        if kind == "answer":
            mine = answers.get(gid, "")
            if cell["type"] == "code":
                parts.append(f"<div class='cell'><div class='label'>your answer</div>"
                             f"{_pre(mine)}</div>")
            else:
                parts.append(f"<div class='cell text'><div class='label'>your answer</div>"
                             f"{markdown2html_mistune(mine)}</div>")
        elif kind in ("test", "manual") and cell["type"] == "code":
            parts.append(f"<div class='cell'><details><summary>test {html.escape(gid or '')}"
                         f" (the visible part)</summary>{_pre(strip_hidden(cell['source']))}"
                         f"</details></div>")
        elif kind == "manual":
            parts.append(f"<div class='cell text'>{markdown2html_mistune(cell['source'])}</div>")
        elif kind == "setup" and cell["source"].strip():
            parts.append(f"<div class='cell'>{_pre(cell['source'])}</div>")
        mark = marks.get(gid)
        if kind == "answer" and gid not in results and mark is not None and mark.comment:
            parts.append(f"<div class='result waiting comment'><b>Teacher's comment:</b> "
                         f"{html.escape(mark.comment)}</div>")
        if gid in results and gid not in shown:
            shown.add(gid)
            parts.append(_result_box(results[gid], marks.get(gid)))
    parts.extend(_result_box(c, marks.get(c.grade_id)) for c in nb.cells
                 if c.grade_id not in shown)
    scores = [cell_score(c, marks.get(c.grade_id)) for c in nb.cells]
    total = sum(s or 0.0 for s in scores)
    waiting = sum(s is None for s in scores)
    title = f"{result.assignment} / {notebook}"
    body = "".join(parts)
    math = mathjax_script() if _MATH.search(body) else ""
    script = (f"<script>{MATHJAX_CONFIG}</script><script>{math}</script>" if math else "")
    pending = f" ({waiting} answer(s) still to be graded by your teacher)" if waiting else ""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Feedback: {html.escape(title)}</title><style>{CSS}</style>{script}"
            f"</head><body><main><header><h1>Feedback: {html.escape(title)}</h1>"
            f"<p class='total'>Score: <strong>{total:g} / {nb.max_score:g}</strong>"
            f"{pending}</p><p>Each test's result is shown under it. Hidden tests only say "
            "whether they passed.</p></header>" + body + "</main></body></html>")


def write_feedback(course: Course, result: SubmissionResult,
                   marks: dict[str, dict[str, TeacherMark]] | None = None) -> list[Path]:
    """feedback/<student>/<assignment>/<notebook>.html (+ the files ``nbgrader
    release_feedback`` needs, copied from the submission). ``marks``: the teacher's
    Formgrader marks (None: read them from the gradebook)."""
    if marks is None:
        marks = teacher_marks(course, result.student, result.assignment)
    folder = course.root / "feedback" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, teacher_path, submitted_path in course.graded_notebooks(
            result.student, result.assignment, result.notebooks):
        path = folder / f"{name}.html"
        path.write_text(feedback_html(result, name, teacher_path, submitted_path,
                                      marks.get(name, {})), encoding="utf-8")
        written.append(path)
    course.copy_submitted(result.student, result.assignment,
                          ("timestamp.txt", "submission_secret.txt"), folder)
    return written
