"""Parallel grading equals serial grading; a run killed with SIGKILL resumes exactly."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "grader_fixtures"))

import cheats  # noqa: E402
from assignments.grader import (Course, SandboxConfig, Settings, Timeouts,  # noqa: E402
                                default_hide, detect_mode, grade_batch, snapshot)
from assignments.grader import fabricate as F  # noqa: E402
from assignments.grader.gradebook import results_in  # noqa: E402
from assignments.grader.result import read_result  # noqa: E402

SOURCE = ROOT / "assignments" / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
KINDS = ["reference", "wrong", "tampered-wrong", "os-exit"]
UID_BASE = 63200


def make_course(root: Path) -> Course:
    """Two assignments x 4 kinds of submission = 8 submissions (mixed outcomes)."""
    for assignment in ASSIGNMENTS[:2]:
        shutil.copytree(SOURCE / assignment, root / "source" / assignment)
        for nb_path in sorted((SOURCE / assignment).glob("*.ipynb")):
            subs = cheats.submissions(cheats.load_source(nb_path))
            for kind in KINDS:
                F.write_submission(root, kind, assignment, nb_path.name, subs[kind][0])
    return Course(root)


def settings(root: Path) -> Settings:
    return Settings(SandboxConfig(mode=detect_mode(), uid_base=UID_BASE,
                                  hide=default_hide(root) + default_hide(SOURCE.parent)),
                    Timeouts(cell=4.0, notebook=60.0))


def scores(course: Course) -> dict:
    out = {}
    for path in results_in(course.results):
        r = read_result(path)
        out[r.student, r.assignment] = (r.score, r.flags,
                                        [c.score for nb in r.notebooks.values()
                                         for c in nb.cells])
    return out


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("serial"))
    report = grade_batch(course, course.submissions(), settings(course.root), workers=1,
                         progress=False)
    assert report.graded == 8
    return course


def test_parallel_equals_serial(serial, tmp_path):
    course = make_course(tmp_path)
    report = grade_batch(course, course.submissions(), settings(course.root), workers=2,
                         progress=False)
    assert report.graded == 8 and report.reused == 0
    assert snapshot(course) == snapshot(serial)
    assert scores(course) == scores(serial)
    again = grade_batch(course, course.submissions(), settings(course.root), workers=2,
                        progress=False)
    assert again.graded == 0 and again.reused == 8          # nothing graded twice
    assert snapshot(course) == snapshot(serial)


def test_killed_run_resumes_to_the_same_gradebook(serial, tmp_path):
    course = make_course(tmp_path)
    cmd = [sys.executable, "-m", "assignments.grader", "grade", "--course", str(course.root),
           "--workers", "2", "--timeout", "4", "--notebook-timeout", "60", "--no-progress",
           "--hide", str(SOURCE.parent)]
    env = dict(os.environ, GENAI_LAB_GRADER_UID_BASE=str(UID_BASE))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(results_in(course.results)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)                      # the parent only, mid-batch
    proc.wait()
    done_before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in results_in(course.results)}
    assert 2 <= len(done_before) < 8, "the kill should land mid-batch"
    time.sleep(1.0)                                        # workers die with their parent
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done_before)} already graded" in rerun.stdout
    for p, stamp in done_before.items():                  # finished results were not redone
        assert (p.stat().st_ino, p.stat().st_mtime_ns) == stamp
    assert not list(course.results.glob("*/.*.tmp"))        # no half-written result left
    assert snapshot(course) == snapshot(serial)
    assert scores(course) == scores(serial)
    assert "reference" in rerun.stdout and "os-exit" in rerun.stdout   # the summary table
    for student, assignment in course.submissions():        # feedback for every submission
        pages = list((course.root / "feedback" / student / assignment).glob("*.html"))
        assert pages and all("Score:" in p.read_text() for p in pages)


def test_a_crash_on_one_submission_never_stops_the_others(tmp_path, monkeypatch):
    from assignments.grader import batch
    course = make_course(tmp_path)
    real = batch.grade_submission

    def flaky(course, student, assignment, settings, slot=0):
        if student == "wrong":
            os.kill(os.getpid(), signal.SIGKILL)           # the worker dies mid-grading
        return real(course, student, assignment, settings, slot)

    monkeypatch.setattr(batch, "grade_submission", flaky)
    pairs = [("wrong", ASSIGNMENTS[0]), ("reference", ASSIGNMENTS[0])]
    report = batch.grade_batch(course, pairs, settings(course.root), workers=2, progress=False)
    by_student = {r.student: r for r in report.results}
    assert by_student["reference"].score == by_student["reference"].max_score
    crashed = by_student["wrong"]
    assert crashed.score == 0 and any("grading failed" in f for f in crashed.flags)
    assert all(c.score == 0 for nb in crashed.notebooks.values() for c in nb.cells)
