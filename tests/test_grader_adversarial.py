"""The adversarial suite: every cheat and fault, for every assignment, graded in one batch.

Cheats are grouped per submission (see tests/grader_fixtures/cheats.py); the whole suite is
one parallel batch so the sandbox start-ups are shared between the two cores.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "grader_fixtures"))

import cheats  # noqa: E402
from assignments.grader import (Course, SandboxConfig, Settings, Timeouts,  # noqa: E402
                                default_hide, detect_mode, grade_batch, snapshot,
                                summary_table)
from assignments.grader.execute import segments  # noqa: E402
from assignments.grader.feedback import feedback_html  # noqa: E402
from assignments.grader import fabricate as F  # noqa: E402

SOURCE = ROOT / "assignments" / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
CHEATS = list(cheats.submissions(cheats.load_source(
    next((SOURCE / ASSIGNMENTS[0]).glob("*.ipynb")))))
UID_BASE = 63000


def settings_for(course_root: Path) -> Settings:
    mode = detect_mode()
    return Settings(SandboxConfig(mode=mode, uid_base=UID_BASE,
                                  hide=default_hide(course_root) + default_hide(SOURCE.parent)),
                    Timeouts(cell=4.0, notebook=90.0))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(SOURCE, root / "source")
    expectations = {}
    for assignment in ASSIGNMENTS:
        for nb_path in sorted((root / "source" / assignment).glob("*.ipynb")):
            for student, (content, expect, flag) in cheats.submissions(
                    cheats.load_source(nb_path), str(root), str(ROOT)).items():
                F.write_submission(root, student, assignment, nb_path.name, content)
                expectations[student, assignment] = (expect, flag)
    course = Course(root)
    report = grade_batch(course, course.submissions(), settings_for(root), workers=2,
                         progress=False)
    print(summary_table(report.results), f"\n{report.seconds:.1f} s")
    results = {(r.student, r.assignment): r for r in report.results}
    return course, results, expectations


def test_every_submission_graded(graded):
    course, results, expectations = graded
    assert set(results) == set(expectations)
    for r in results.values():
        for nb in r.notebooks.values():
            assert nb.cells, "a result without graded cells"
            for cell in nb.cells:
                assert cell.score is not None and 0 <= cell.score <= cell.points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_scores_full_and_wrong_does_not(graded, assignment):
    _, results, _ = graded
    ref, wrong = results["reference", assignment], results["wrong", assignment]
    assert ref.score == ref.max_score > 0, ref.notebooks
    assert ref.flags == () and ref.notes == ()
    assert wrong.score < wrong.max_score
    stub = results["missing", assignment]
    assert stub.score == 0


@pytest.mark.parametrize("cheat", CHEATS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_cheat_earns_nothing(graded, assignment, cheat):
    _, results, expectations = graded
    expect, flag = expectations[cheat, assignment]
    r = results[cheat, assignment]
    baseline = results["wrong", assignment].score
    if expect == "full":
        assert r.score == r.max_score
    elif expect == "zero":
        assert r.score == 0
    elif expect == "same":
        assert r.score == baseline
    else:
        assert r.score <= baseline
    if flag is not None:
        assert any(flag in f for f in r.flags), r.flags


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_tampering_is_flagged_per_kind(graded, assignment):
    _, results, _ = graded
    flags = " | ".join(results["tampered-wrong", assignment].flags)
    for word in ("edited test", "retyped test", "re-tagged test", "reordered", "deleted test"):
        assert word in flags, flags


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_faults_are_reported(graded, assignment):
    _, results, _ = graded
    assert any("timed out" in n for n in results["loop", assignment].notes)
    assert results["invalid-json", assignment].notebooks
    assert all(nb.status == "invalid"
               for nb in results["invalid-json", assignment].notebooks.values())
    assert all(nb.status == "missing"
               for nb in results["missing", assignment].notebooks.values())


def test_the_solutions_the_cheat_reads_exist_outside_the_sandbox(graded):
    course, results, _ = graded
    import glob
    found = [p for pattern in cheats.steal_globs(str(course.root), str(ROOT))
             for p in glob.glob(pattern)]
    assert len(found) >= 2 * len(ASSIGNMENTS)     # the course copy and the repository's
    stolen = {"np": __import__("numpy")}               # outside the sandbox the cheat works:
    exec(cheats.STEAL_SOLUTIONS.format(course=str(course.root), repo=str(ROOT)), stolen)
    assert any(callable(v) and not k.startswith("_") for k, v in stolen.items())
    for assignment in ASSIGNMENTS:
        assert results["steal-solutions", assignment].score < \
            results["reference", assignment].max_score


def test_no_sandbox_process_survives(graded):
    left = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
            except OSError:
                continue
            if UID_BASE <= uid < UID_BASE + 100:
                left.append((entry.name, uid))
    assert left == []


def _hidden_lines(assignment: str) -> list[str]:
    """Lines that appear only in hidden tests (not also in visible code)."""
    hidden_lines, visible = set(), set()
    for nb_path in (SOURCE / assignment).glob("*.ipynb"):
        for cell in cheats.load_source(nb_path)["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for hidden, code in segments(src):
                lines = {l.strip() for l in code.splitlines() if len(l.strip()) > 12}
                (hidden_lines if hidden else visible).update(lines)
    return sorted(hidden_lines - visible)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_tests_never_reach_feedback(graded, assignment):
    _, results, _ = graded
    hidden = _hidden_lines(assignment)
    assert hidden, "the assignment should have hidden tests"
    for (student, a), r in results.items():
        if a != assignment:
            continue
        texts = [feedback_html(r, nb) for nb in r.notebooks]
        texts += [c.feedback for nb in r.notebooks.values() for c in nb.cells]
        texts += r.flags + r.notes
        blob = "\n".join(texts)
        for line in hidden:
            assert line not in blob, (student, line)
        for nb in r.notebooks.values():
            for c in nb.cells:
                assert "<hidden " not in c.feedback


def test_gradebook_holds_the_results(graded):
    course, results, _ = graded
    snap = snapshot(course)
    seen = 0
    for (student, assignment), r in results.items():
        for nb_name, nb in r.notebooks.items():
            for cell in nb.cells:
                auto, _manual, _needs, flagged = snap[assignment, student, nb_name,
                                                      cell.grade_id]
                assert auto == cell.score
                assert flagged == bool(nb.flags)
                seen += 1
    assert seen == len(snap)
