"""The nbgrader course in assignments/: build, metadata, release, autograde, feedback.

The nbgrader commands run as subprocesses in a copy of the course in a temporary folder, so
the repository is never modified. One module-scoped fixture does the expensive work once:
``generate_assignment`` for all four assignments, then ONE ``autograde`` over a batch of fake
students (every fixture in tests/assignment_fixtures/<assignment>/, the reference solution
and the unmodified released notebook), then ``generate_feedback``; the tests read the
gradebook and the files it leaves behind.

A fixture file names the cells it replaces and the scores it must get::

    # expect: test_softmax_stable=0      (every other test cell: full points)
    # %% solution id=softmax             (replaces the student's answer cell)
    # %% delete id=test_x                (the student deleted test cell test_x)
    # %% edit id=test_x                  (the student rewrote test cell test_x)

Answer cells that a fixture does not replace hold the reference solution (from the source
notebook, without its solution markers), so each wrong fixture isolates one mistake.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
FIXTURES = Path(__file__).resolve().parent / "assignment_fixtures"
BIN = Path(sys.executable).parent  # the venv's bin: nbgrader, and alembic which it calls
TIMEOUT = 5  # seconds per cell at grading in this test (the course default is 30)

sys.path.insert(0, str(ROOT))
from scripts.assignments import build as builder  # noqa: E402

ASSIGNMENTS = builder.ASSIGNMENTS  # one spec each in scripts/assignments/specs/

FIXTURE_MARKER = re.compile(r"^# %% (solution|delete|edit) id=([A-Za-z0-9_-]+)\s*$")


@dataclass
class Fixture:
    """A fake student's changes to the released notebook and the scores it must get."""
    assignment: str
    name: str
    expect: dict[str, float]  # test cell id -> score; unlisted cells get full points
    solutions: dict[str, str] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)
    deletions: list[str] = field(default_factory=list)

    @property
    def student(self) -> str:
        return f"{self.assignment}_{self.name}"


def parse_fixture(path: Path, assignment: str) -> Fixture:
    expect: dict[str, float] | None = None
    fixture = Fixture(assignment, path.stem, {})
    current: tuple[str, str] | None = None
    lines: list[str] = []

    def flush() -> None:
        if current is None:
            return
        kind, cell_id = current
        text = "\n".join(lines).strip("\n")
        if kind == "solution":
            fixture.solutions[cell_id] = text
        elif kind == "edit":
            fixture.edits[cell_id] = text
        else:
            fixture.deletions.append(cell_id)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            pairs = line[len("# expect:"):].split()
            expect = {k: float(v) for k, v in (p.split("=") for p in pairs)}
            continue
        match = FIXTURE_MARKER.match(line)
        if match:
            flush()
            current, lines = (match.group(1), match.group(2)), []
        elif current is not None:
            lines.append(line)
    flush()
    assert expect is not None, f"{path} has no '# expect:' line"
    fixture.expect = expect
    return fixture


def all_fixtures() -> list[Fixture]:
    found = []
    for assignment in ASSIGNMENTS:
        for path in sorted((FIXTURES / assignment).glob("*.py")):
            found.append(parse_fixture(path, assignment))
    return found


def strip_solution_markers(source: str) -> str:
    """The reference answer as a student would write it (no ### BEGIN/END SOLUTION)."""
    return "\n".join(line for line in source.split("\n")
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def make_submission(released: nbformat.NotebookNode, source: nbformat.NotebookNode,
                    fixture: Fixture | None) -> nbformat.NotebookNode:
    """The released notebook with answers filled in (reference, then fixture overrides)."""
    nb = nbformat.from_dict(json.loads(json.dumps(released)))
    reference = {grade_id(c): strip_solution_markers(c.source) for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    known = {grade_id(c) for c in nb.cells}
    if fixture is not None:
        for cell_id in [*fixture.solutions, *fixture.edits, *fixture.deletions]:
            assert cell_id in known, f"{fixture.student}: no cell {cell_id!r}"
    kept = []
    for cell in nb.cells:
        cell_id = grade_id(cell)
        if fixture is not None and cell_id in fixture.deletions:
            continue
        if cell_id in reference:
            cell.source = reference[cell_id]
        if fixture is not None and cell_id in fixture.solutions:
            cell.source = fixture.solutions[cell_id]
        if fixture is not None and cell_id in fixture.edits:
            cell.source = fixture.edits[cell_id]
        kept.append(cell)
    nb.cells = kept
    return nb


def nbgrader(course: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("GENAI_LAB_EXCHANGE", None)
    env["GENAI_LAB_STOCK_AUTOGRADE"] = "1"   # this file measures stock nbgrader (the config refuses it)
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout)


@dataclass
class Course:
    path: Path
    students: dict[str, Fixture | None]  # student id -> fixture (None: reference/released)
    autograde: subprocess.CompletedProcess
    feedback: subprocess.CompletedProcess
    seconds_per_submission: float

    def scores(self, assignment: str, student: str) -> dict[str, tuple[float, float]]:
        """Test cell id -> (score, max score) from the gradebook of this course copy."""
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.path / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.score, g.max_score) for g in nb.grades}


def _children_cpu() -> float:
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    path = tmp_path_factory.mktemp("course")
    shutil.copy(COURSE / "nbgrader_config.py", path)
    shutil.copytree(COURSE / "source", path / "source")
    # A teacher's jupytext copy left in a source folder: the configuration must keep it
    # (solutions, hidden tests) out of the release.
    (path / "source" / "softmax" / "softmax.md").write_text(
        (COURSE / "source" / "softmax" / "softmax.ipynb").read_text(encoding="utf-8"))
    generated = nbgrader(path, "generate_assignment", "*", "--force")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    students: dict[str, Fixture | None] = {}
    fixtures = all_fixtures()
    for assignment in ASSIGNMENTS:
        released = nbformat.read(path / "release" / assignment / f"{assignment}.ipynb", 4)
        source = nbformat.read(path / "source" / assignment / f"{assignment}.ipynb", 4)
        batch = {f"{assignment}_reference": make_submission(released, source, None),
                 f"{assignment}_released": released}
        for fixture in (f for f in fixtures if f.assignment == assignment):
            batch[fixture.student] = make_submission(released, source, fixture)
            students[fixture.student] = fixture
        for student, nb in batch.items():
            students.setdefault(student, None)
            folder = path / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
    start, cpu_start = time.perf_counter(), _children_cpu()
    graded = nbgrader(path, "autograde", "*", f"--Execute.timeout={TIMEOUT}")
    seconds = (time.perf_counter() - start) / len(students)
    cpu = (_children_cpu() - cpu_start) / len(students)
    print(f"\nautograde: {len(students)} submissions in one command, per submission "
          f"{seconds:.1f} s wall and {cpu:.1f} s CPU (nbgrader + kernel; includes the "
          f"timeouts of the infinite-loop submission), load average "
          f"{os.getloadavg()[0]:.1f}")
    feedback = nbgrader(path, "generate_feedback", "*")
    return Course(path, students, graded, feedback, seconds)


def full_marks(course: Course, assignment: str) -> dict[str, float]:
    return {k: mx for k, (_, mx) in course.scores(assignment, f"{assignment}_reference").items()}


# --- the specs and the committed notebooks (no nbgrader run) ---------------------------

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_notebook_equals_fresh_build(name):
    committed = builder.notebook_path(name).read_text(encoding="utf-8")
    assert committed == builder.render(name), \
        f"{name}: run assignments/course.sh build and commit the notebook"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_metadata_is_valid(name):
    from nbgrader.nbgraderformat import MetadataValidator
    nb = nbformat.read(builder.notebook_path(name), 4)
    MetadataValidator().validate_nb(nb)  # raises on invalid metadata
    assert nb.metadata.kernelspec.name == "python3"
    tests = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    answers = [c for c in nb.cells if c.metadata["nbgrader"]["solution"]]
    assert len(tests) >= 5 and len(answers) >= 3
    for cell in tests:
        assert cell.metadata["nbgrader"]["locked"] and cell.metadata["nbgrader"]["points"] > 0
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{grade_id(cell)} has no hidden tests"
        assert "genai_lab" not in cell.source.split("### BEGIN HIDDEN TESTS")[0], \
            f"{grade_id(cell)}: visible tests must not use genai_lab"
    for cell in answers:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    links = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "https://genai-lab.github.io/genai-lab/chapters/" in links


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebook_says_it_is_generated_and_from_which_spec(name):
    nb = nbformat.read(builder.notebook_path(name), 4)
    spec = f"scripts/assignments/specs/{name}.py"
    assert nb.metadata["genai_lab"]["generated_from"] == spec
    assert (ROOT / spec).is_file()
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.metadata["nbgrader"]["locked"]
    assert first.source.startswith(f"*Generated from `{spec}` — edit that file, then "
                                   "`assignments/course.sh build`")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_folder_holds_only_notebooks(name):
    # nbgrader copies every other file of source/<name>/ verbatim into release/: a jupytext
    # or script copy of the teacher's notebook there would ship its solutions.
    folder = COURSE / "source" / name
    others = [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".ipynb"]
    assert not others, f"only notebooks may sit in {folder}: {others}"


SECRETS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "HIDDEN TESTS")


def leaked_secrets(folder: Path) -> list[tuple[str, str]]:
    """(file, marker) for every solution or hidden-test marker in any file under folder."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [(str(path.relative_to(folder)), s) for s in SECRETS if s in text]
    return found


def test_leak_check_finds_a_jupytext_copy(tmp_path):
    # The check below is only as good as this: a planted text copy of a source notebook.
    (tmp_path / "softmax").mkdir()
    (tmp_path / "softmax" / "softmax.ipynb").write_text('{"cells": []}')
    assert leaked_secrets(tmp_path) == []
    (tmp_path / "softmax" / "softmax.md").write_text(
        builder.notebook_path("softmax").read_text(encoding="utf-8"))
    assert {s for _, s in leaked_secrets(tmp_path)} == set(SECRETS)


def test_expected_values_never_come_from_genai_lab():
    # The tests compute expected values from literals, properties or inline references:
    # the only mention of genai_lab in a test cell is the guard that switches it off.
    for name in ASSIGNMENTS:
        for cell in builder.parse_spec(builder.spec_path(name).read_text()):
            if cell.kind == "tests":
                code = cell.text + "\n".join(cell.hidden or [])
                assert not re.search(r"^\s*(import|from)\s+genai_lab", code, re.M), \
                    f"{name}/{cell.grade_id} imports genai_lab"


def test_spec_parser_rejects_bad_cells():
    with pytest.raises(ValueError, match="needs id"):
        builder.parse_spec("# %% solution\nx = 1\n")
    with pytest.raises(ValueError, match="points"):
        builder.parse_spec("# %% tests id=t\nx = 1\n")
    with pytest.raises(ValueError, match="hidden block"):
        builder.parse_spec("# %% code id=a\nx = 1\n# %% hidden\nassert x\n")
    with pytest.raises(ValueError, match="duplicate"):
        builder.parse_spec("# %% code id=a\n# %% solution id=a\n")


def test_guard_switches_off_genai_lab_functions_bound_before_it_runs():
    script = "\n".join([
        "from genai_lab.softmax import softmax as bound_early",
        "import genai_lab.softmax as module",
        "assert abs(bound_early([1000.0, 1000.0])[0] - 0.5) < 1e-12  # works before",
        builder.GUARD,
        "_genai_lab_guard()",
        "for call in (lambda: bound_early([1.0, 2.0]), lambda: module.log_softmax([1.0]),",
        "             lambda: __import__('genai_lab.sampling')):",
        "    try:",
        "        call()",
        "    except (RuntimeError, ImportError) as err:",
        "        assert 'switched off' in str(err)",
        "    else:",
        "        raise SystemExit('genai_lab still works after the guard')",
        "print('blocked')",
    ])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "blocked", done.stderr


# --- nbgrader: release, autograde, feedback -------------------------------------------

def test_generate_assignment_releases_all_four_without_solutions_or_hidden_tests(course):
    for name in ASSIGNMENTS:
        text = (course.path / "release" / name / f"{name}.ipynb").read_text()
        for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "_genai_lab_guard",
                       "_hidden_checks"):
            assert secret not in text, f"released {name} contains {secret!r}"
        nb = nbformat.read(course.path / "release" / name / f"{name}.ipynb", 4)
        code = "\n".join(c.source for c in nb.cells  # the answer cells students get
                         if c.metadata.get("nbgrader", {}).get("solution"))
        source = nbformat.read(builder.notebook_path(name), 4)
        for cell in source.cells:
            if cell.metadata["nbgrader"]["solution"]:
                body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                for line in (ln.strip() for ln in body.splitlines()):
                    if len(line) > 12:  # a solution line must not survive the release
                        assert line not in code, f"{name}: solution line {line!r} released"
        stubs = [c for c in nb.cells
                 if c.cell_type == "code" and "raise NotImplementedError()" in c.source]
        assert len(stubs) == sum(c.metadata["nbgrader"]["solution"] for c in source.cells)
        last = nb.cells[-1].source
        assert "hidden" in last.lower() and "all tests passed" not in last.lower()


def test_no_file_of_the_release_holds_a_solution_or_hidden_test_marker(course):
    # Includes the jupytext copy planted in source/softmax/ by the fixture.
    files = [p for p in (course.path / "release").rglob("*") if p.is_file()]
    assert len(files) >= len(ASSIGNMENTS)
    assert leaked_secrets(course.path / "release") == []
    assert not (course.path / "release" / "softmax" / "softmax.md").exists()


def test_released_notebook_keeps_the_generated_note(course):
    for name in ASSIGNMENTS:
        nb = nbformat.read(course.path / "release" / name / f"{name}.ipynb", 4)
        assert "Students: this notebook is your copy" in nb.cells[0].source


def test_autograde_ran_every_submission_of_the_batch(course):
    assert course.autograde.returncode == 0, course.autograde.stdout + course.autograde.stderr
    for student in course.students:
        assignment = next(a for a in ASSIGNMENTS if student.startswith(a + "_"))
        scores = course.scores(assignment, student)
        assert scores, f"{student} was not graded"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_reference_solution_gets_full_marks(course, name):
    scores = course.scores(name, f"{name}_reference")
    assert len(scores) >= 5
    assert all(score == mx for score, mx in scores.values()), scores


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_released_notebook_gets_zero(course, name):
    scores = course.scores(name, f"{name}_released")
    assert all(score == 0 for score, _ in scores.values()), scores


@pytest.mark.parametrize("fixture", all_fixtures(), ids=lambda f: f.student)
def test_fixture_gets_exactly_its_expected_scores(course, fixture):
    expected = full_marks(course, fixture.assignment)
    unknown = set(fixture.expect) - set(expected)
    assert not unknown, f"{fixture.student}: expect names unknown cells {unknown}"
    expected.update(fixture.expect)
    got = course.scores(fixture.assignment, fixture.student)
    for deleted in fixture.deletions:  # a deleted test cell may have no grade row at all
        got.setdefault(deleted, (0.0, expected[deleted]))
    assert {k: s for k, (s, _) in got.items()} == expected


def test_each_assignment_has_three_wrong_fixtures_an_alternative_and_a_delegation():
    for name in ASSIGNMENTS:
        fixtures = [f for f in all_fixtures() if f.assignment == name]
        wrong = [f for f in fixtures if f.expect and f.name != "delegates"]
        assert len(wrong) >= 3, f"{name}: only {len(wrong)} wrong fixtures"
        assert any(f.name == "alternative" and not f.expect for f in fixtures)
        assert any(f.name == "delegates" for f in fixtures)


def test_tampering_and_broken_submissions_are_graded_not_crashed(course):
    # infinite loop, syntax error, deleted and edited test cells: all graded, with total
    # scores no higher than their correct cells earn (exact scores: the fixture test).
    for name in ("infinite_loop", "syntax_error", "deleted_test_cell", "edited_test_cell"):
        scores = course.scores("softmax", f"softmax_{name}")
        total = sum(s for s, _ in scores.values())
        full = sum(full_marks(course, "softmax").values())
        assert 0 < total < full, (name, scores)
    log = course.autograde.stdout + course.autograde.stderr
    assert "softmax_infinite_loop" in log and "softmax_reference" in log


def test_feedback_shows_scores_but_no_hidden_tests(course):
    assert course.feedback.returncode == 0, course.feedback.stdout + course.feedback.stderr
    pages = sorted((course.path / "feedback").glob("*/*/*.html"))
    assert len(pages) == len(course.students)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for secret in ("BEGIN HIDDEN TESTS", "_genai_lab_guard", "_hidden_checks",
                       "_run_hidden_checks"):
            assert secret not in html, f"{page} shows {secret!r}"
    # negative_target passes the visible tests and fails a hidden one: the feedback shows
    # the hidden test's message, not its code.
    wrong = (course.path / "feedback" / "softmax_negative_target" / "softmax" / "softmax.html")
    html = wrong.read_text(encoding="utf-8")
    assert "A hidden test failed" in html and "a negative target must raise ValueError" in html


def test_delegation_fixtures_are_meaningful_without_the_guard():
    # The delegating submissions score 0 because of the guard, not because genai_lab gives
    # different answers: the course functions pass the visible checks they delegate to.
    import numpy as np
    from genai_lab import softmax as course_softmax
    np.testing.assert_allclose(course_softmax.softmax([1000.0, 1000.0]), [0.5, 0.5])
    np.testing.assert_allclose(course_softmax.softmax([0.0, np.log(4.0)], temperature=2.0),
                               [1 / 3, 2 / 3], rtol=1e-12)
    np.testing.assert_allclose(course_softmax.log_softmax([0.0, -1000.0]), [0.0, -1000.0],
                               atol=1e-9)


def test_course_script_release_fetch_submit_collect_export(course, tmp_path):
    # The teacher's course.sh and the student's nbgrader commands, through the exchange
    # inside the course folder (runs last: it adds one collected submission).
    import csv
    import getpass
    shutil.copy(COURSE / "course.sh", course.path)
    env = dict(os.environ, VENV=str(BIN.parent),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("GENAI_LAB_EXCHANGE", None)

    def run(args, cwd):
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    teacher = ["bash", str(course.path / "course.sh")]
    student = [str(BIN / "nbgrader")]
    exchange = f"--Exchange.root={course.path / 'exchange'}"
    run(teacher + ["release", "softmax"], course.path)
    listed = run(student + ["list", "--course", "genai-lab", exchange], tmp_path)
    assert "genai-lab softmax" in listed.stdout + listed.stderr
    run(student + ["fetch_assignment", "softmax", "--course", "genai-lab", exchange], tmp_path)
    fetched = tmp_path / "softmax" / "softmax.ipynb"
    source = nbformat.read(builder.notebook_path("softmax"), 4)
    nbformat.write(make_submission(nbformat.read(fetched, 4), source, None), fetched)
    run(student + ["submit", "softmax", "--course", "genai-lab", exchange], tmp_path)
    run(teacher + ["collect", "softmax"], course.path)
    collected = course.path / "submitted" / getpass.getuser() / "softmax" / "softmax.ipynb"
    assert nbformat.read(collected, 4).cells == nbformat.read(fetched, 4).cells
    run(teacher + ["export"], course.path)
    with open(course.path / "grades.csv", newline="") as handle:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
    reference = rows[("softmax", "softmax_reference")]
    assert float(reference["score"]) == float(reference["max_score"]) > 0
    assert float(rows[("softmax", "softmax_released")]["score"]) == 0
