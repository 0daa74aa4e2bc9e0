"""nbgrader configuration of the genai-lab course (this folder is the course directory).

Everything lives inside this folder, so a clone of the repository is a complete course:
source/<assignment>/ (teacher versions), release/, submitted/, autograded/, feedback/,
the gradebook (gradebook.db) and the exchange (exchange/, used by release/fetch/submit/
collect). Set GENAI_LAB_EXCHANGE to use another exchange folder (for example a folder
shared by all users of a JupyterHub).
"""
import os
import subprocess
import sys

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

HERE = os.path.dirname(os.path.abspath(__file__))  # the course directory
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "genai-lab"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
c.Exchange.root = os.environ.get("GENAI_LAB_EXCHANGE", os.path.join(HERE, "exchange"))
if "GENAI_LAB_EXCHANGE" not in os.environ:
    # The course's own exchange exists from the start: before anything is released, the
    # Assignments tab shows an empty list instead of "exchange directory does not exist".
    os.makedirs(os.path.join(c.Exchange.root, "genai-lab"), exist_ok=True)
# nbgrader copies every other file of source/<assignment>/ verbatim into release/: a text
# copy of a teacher's notebook there (jupytext .md/.py) would ship its solutions and hidden
# tests. Notebooks are generated from scripts/assignments/specs/; never release text copies.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "*.md", "*.py", "*.myst", "*.Rmd", "*.qmd"]

# Students' notebooks run on the standard Python kernel of the course environment.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# Seconds a cell may run at grading before it is interrupted (an infinite loop then costs
# that cell, not the whole batch). Every reference cell runs in well under a second.
c.Execute.timeout = 30
# Feedback shows scores and visible tests, never the hidden tests.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]


# ---- One grading pipeline: the safe grader (`make grade`), not stock `autograde` ----------
# Stock `nbgrader autograde` (also the Formgrader's Autograde button) runs student code in
# a kernel with the teacher's rights and tests in the same process (assignments/grader/
# README.md, "Why not nbgrader autograde"). In this course it refuses, before it touches
# anything, and says what to run instead. Stock `generate_feedback` (the Formgrader's
# Generate Feedback button) is redirected to the safe grader's feedback pages, which keep
# hidden tests secret and render formulas offline. GENAI_LAB_STOCK_AUTOGRADE=1 allows the
# stock commands (tests/test_assignments.py measures stock nbgrader with it). A course
# folder copied away from the repository names the repository in GENAI_LAB_REPO.
REFUSAL = ("this course is graded by the safe grader: run `make grade` (or `python -m "
           "assignments.grader grade --course assignments`) from the repository root. Stock "
           "`nbgrader autograde` would run students' code unsandboxed with your rights; set "
           "GENAI_LAB_STOCK_AUTOGRADE=1 to use it anyway.")


def _refuse_stock_autograde(self, *args, **kwargs):
    from nbgrader.converters.base import NbGraderException
    self.log.error(REFUSAL)
    raise NbGraderException(REFUSAL)


def _safe_feedback(self, *args, **kwargs):
    """`generate_feedback`: the safe grader's pages (python -m assignments.grader feedback)."""
    from nbgrader.converters.base import NbGraderException
    repo = os.environ.get("GENAI_LAB_REPO", os.path.dirname(HERE))   # holds assignments/grader
    if not os.path.isdir(os.path.join(repo, "assignments", "grader")):
        raise NbGraderException("no safe grader next to this course: cannot write feedback")
    done = subprocess.run([sys.executable, "-m", "assignments.grader", "feedback", "--course",
                           HERE], cwd=repo, capture_output=True, text=True)
    self.log.info(done.stdout.strip())
    if done.returncode != 0:
        raise NbGraderException("the safe grader's feedback failed: " + done.stderr[-2000:])


if os.environ.get("GENAI_LAB_STOCK_AUTOGRADE") != "1":
    from nbgrader.converters import Autograde, GenerateFeedback
    Autograde.start = _refuse_stock_autograde
    GenerateFeedback.start = _safe_feedback
