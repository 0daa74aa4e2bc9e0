"""The whole course workflow for the newest assignments, attention and learning.

In a copy of the course (a temporary folder with ``nbgrader_config.py`` and the two source
notebooks): nbgrader's generate_assignment and release_assignment; a student fetches both,
fills in the reference answers and submits; collect; the SAFE grader (``python -m
assignments.grader grade``) grades them together with the untouched releases of a second
student and writes the gradebook and the feedback pages; export writes grades.csv.

The nbgrader steps run through nbgrader's own Python API in ONE child process (each
``nbgrader`` command costs about 2.5 s of start-up; nine of them would dominate this test).
The older assignments go through the same steps with ``course.sh`` and the nbgrader
commands in tests/test_assignments.py.
"""
from __future__ import annotations

import csv
import getpass
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("attention", "learning")
BIN = Path(sys.executable).parent          # the venv's bin: alembic, which nbgrader calls
UID_BASE = "63700"                         # sandbox uids of this test

# The teacher's and the student's nbgrader steps, in-process. argv: step course student.
NBGRADER_STEPS = r"""
import json, sys
from pathlib import Path
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.apps import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
sys.path.insert(0, sys.argv[4])
from assignments.grader.notebook import reference_answer

step, course, student, names = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[5:]
config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
config.CourseDirectory.root = str(course)
api = NbGraderAPI(config=config)

def check(result, what):
    if not result["success"]:
        sys.exit(f"{what} failed:\n{result.get('error')}\n{result.get('log')}")

def student_config(name):
    cfg = Config()
    cfg.CourseDirectory.course_id = "genai-lab"
    cfg.CourseDirectory.assignment_id = name
    cfg.Exchange.root = config.Exchange.root
    cfg.Exchange.assignment_dir = str(student)
    return cfg

def fill_in_reference(fetched, source):
    teacher = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
               for c in json.loads(source.read_text())["cells"]
               if c["metadata"].get("nbgrader", {}).get("solution")}
    nb = json.loads(fetched.read_text())
    filled = 0
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in teacher:
            cell["source"] = reference_answer(teacher[grade_id])
            filled += 1
    assert filled == len(teacher) >= 3, (filled, len(teacher))
    fetched.write_text(json.dumps(nb, indent=1))

if step == "release-fetch-submit-collect":
    for name in names:
        check(api.generate_assignment(name), f"generate_assignment {name}")
        check(api.release_assignment(name), f"release_assignment {name}")
        cfg = student_config(name)
        coursedir, auth = CourseDirectory(config=cfg), Authenticator(config=cfg)
        ExchangeFetchAssignment(coursedir=coursedir, authenticator=auth, config=cfg).start()
        fill_in_reference(student / name / f"{name}.ipynb",
                          course / "source" / name / f"{name}.ipynb")
        ExchangeSubmit(coursedir=coursedir, authenticator=auth, config=cfg).start()
        check(api.collect(name), f"collect {name}")
elif step == "export":
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        CsvExportPlugin(to=str(course / "grades.csv")).export(gb)
"""


def _run(args, cwd, env, timeout=600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args[:3]}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    top = tmp_path_factory.mktemp("workflow")
    course_dir, student_dir = top / "assignments", top / "student_home"
    student_dir.mkdir()
    (course_dir / "source").mkdir(parents=True)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course_dir)
    for name in NAMES:
        shutil.copytree(ROOT / "assignments" / "source" / name, course_dir / "source" / name)
    env = dict(os.environ, GENAI_LAB_GRADER_UID_BASE=UID_BASE,
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("GENAI_LAB_EXCHANGE", None)

    def steps(step):
        return _run([sys.executable, "-c", NBGRADER_STEPS, step, str(course_dir),
                     str(student_dir), str(ROOT), *NAMES], course_dir, env)

    steps("release-fetch-submit-collect")
    for name in NAMES:                    # a second student hands in the release untouched
        untouched = course_dir / "submitted" / "released" / name
        untouched.mkdir(parents=True)
        shutil.copy(course_dir / "release" / name / f"{name}.ipynb", untouched)
        (untouched / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
    graded = _run([sys.executable, "-m", "assignments.grader", "grade", "--course",
                   str(course_dir), "--workers", "2", "--timeout", "10",
                   "--notebook-timeout", "120", "--no-progress", "--hide", str(ROOT)],
                  ROOT, env)
    steps("export")
    return course_dir, graded


def test_release_holds_no_solution_or_hidden_test(course):
    course_dir, _ = course
    for name in NAMES:
        text = (course_dir / "release" / name / f"{name}.ipynb").read_text()
        for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "_genai_lab_guard"):
            assert secret not in text, f"released {name} contains {secret!r}"


def test_collected_reference_full_marks_and_untouched_release_zero(course):
    course_dir, graded = course
    student = getpass.getuser()
    for name in NAMES:
        assert (course_dir / "submitted" / student / name / f"{name}.ipynb").is_file()
        ref = json.loads((course_dir / "grader_results" / student / f"{name}.json").read_text())
        assert ref["score"] == ref["max_score"] > 0, graded.stdout
        assert not ref["flags"] and not ref["notes"], (ref["flags"], ref["notes"])
        stub = json.loads((course_dir / "grader_results" / "released" / f"{name}.json")
                          .read_text())
        assert stub["score"] == 0 and stub["max_score"] == ref["max_score"]


def test_feedback_pages_show_scores_not_hidden_tests(course):
    course_dir, _ = course
    for student in (getpass.getuser(), "released"):
        for name in NAMES:
            html = (course_dir / "feedback" / student / name / f"{name}.html").read_text()
            assert "Score" in html
            for secret in ("BEGIN HIDDEN TESTS", "_hidden_checks", "_genai_lab_guard"):
                assert secret not in html, f"feedback of {student}/{name} shows {secret!r}"


def test_export_has_the_safe_grader_scores(course):
    course_dir, _ = course
    with open(course_dir / "grades.csv", newline="") as handle:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
    for name in NAMES:
        reference = rows[(name, getpass.getuser())]
        assert float(reference["score"]) == float(reference["max_score"]) > 0
        assert float(rows[(name, "released")]["score"]) == 0
