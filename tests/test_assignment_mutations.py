"""Mutation harness: plausible wrong student solutions lose points, correct ones do not.

Every file in ``tests/assignment_mutants/<assignment>/`` is one fake student: the
reference solution with some answer cells replaced. Its name says what it is:

* ``wrong_<what>.py``: a mistake a student could make. It must lose points, and every
  test cell its ``# loses:`` line names must score below its points (so each mistake is
  caught by the test written for it, not by accident somewhere else);
* ``alt_<what>.py``: a correct solution written in another style. It must get full marks,
  with no flag and no note.

A file starts with a comment line ``# Wrong: ...`` or ``# Correct: ...`` saying what it does,
then (wrong ones) ``# loses: test_a test_b``, then cells ``# %% solution id=<answer cell>``.
The reference solution must get full marks and the released notebook 0.

All the submissions of all the assignments are graded in ONE batch by the safe grader
(``assignments/grader``, two workers), so the sandbox start-ups share the two cores; the
module fixture prints the counts per assignment and the time of the batch.
"""
from __future__ import annotations

import ast
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assignments.grader import (Course, SandboxConfig, Settings, Timeouts,  # noqa: E402
                                default_hide, detect_mode, grade_batch)
from assignments.grader import fabricate as F  # noqa: E402

SOURCE = ROOT / "assignments" / "source"
MUTANTS = Path(__file__).resolve().parent / "assignment_mutants"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
MIN_WRONG, MIN_CORRECT = 15, 5
UID_BASE = 63600          # sandbox uids of this test (other grader tests use 63000-63400)
CELL = re.compile(r"^# %% solution id=([A-Za-z0-9_-]+)\s*$")


@dataclass
class Mutant:
    """One fake student: which answer cells it replaces and what it must score."""
    assignment: str
    name: str                        # the file name without .py
    correct: bool                    # alt_*: full marks; wrong_*: loses points
    summary: str                     # the "# Wrong: ..." / "# Correct: ..." line
    loses: list[str] = field(default_factory=list)   # test cells that must lose points
    answers: dict[str, str] = field(default_factory=dict)   # answer cell id -> code

    @property
    def student(self) -> str:
        return self.name.replace("_", "-")


def parse_mutant(path: Path, assignment: str) -> Mutant:
    lines = path.read_text(encoding="utf-8").splitlines()
    correct = path.stem.startswith("alt_")
    assert correct or path.stem.startswith("wrong_"), f"{path}: name it wrong_* or alt_*"
    header = "# Correct:" if correct else "# Wrong:"
    assert lines and lines[0].startswith(header), f"{path}: first line must be '{header} ...'"
    mutant = Mutant(assignment, path.stem, correct, lines[0][2:].strip())
    current = None
    for line in lines[1:]:
        match = CELL.match(line)
        if match:
            current = match.group(1)
            assert current not in mutant.answers, f"{path}: cell {current} given twice"
            mutant.answers[current] = ""
        elif current is not None:
            mutant.answers[current] += line + "\n"
        elif line.startswith("# loses:"):
            mutant.loses = line[len("# loses:"):].split()
    assert mutant.answers, f"{path}: no '# %% solution id=...' cell"
    assert correct or mutant.loses, f"{path}: a wrong mutant needs a '# loses:' line"
    assert not (correct and mutant.loses), f"{path}: a correct alternative loses nothing"
    for cell_id, code in mutant.answers.items():
        ast.parse(code, f"{path}:{cell_id}")   # a syntax error would lose points for nothing
    return mutant


def all_mutants() -> list[Mutant]:
    return [parse_mutant(path, a) for a in ASSIGNMENTS
            for path in sorted((MUTANTS / a).glob("*.py"))]


def _field(result, key):
    return result[key] if isinstance(result, dict) else getattr(result, key)


def _cells(result) -> dict[str, tuple[float, float]]:
    """Test cell id -> (score, points) of one graded submission."""
    out = {}
    for nb in _field(result, "notebooks").values():
        for cell in _field(nb, "cells"):
            out[_field(cell, "grade_id")] = (_field(cell, "score") or 0.0,
                                             _field(cell, "points"))
    return out


def _submission(source_nb: dict, answers: dict[str, str] | None) -> bytes:
    """The reference submission with the given answer cells replaced."""
    nb = F.reference(source_nb)
    if answers:
        cells = {c["metadata"]["nbgrader"]["grade_id"]: c for c in F.answer_cells(nb)}
        unknown = set(answers) - set(cells)
        assert not unknown, f"no answer cells {sorted(unknown)}"
        for cell_id, code in answers.items():
            cells[cell_id]["source"] = code
    return F.dump(nb)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("mutants")
    shutil.copytree(SOURCE, root / "source")
    mutants = all_mutants()
    for assignment in ASSIGNMENTS:
        nb_path = root / "source" / assignment / f"{assignment}.ipynb"
        source_nb = F.load(nb_path)
        F.write_submission(root, "reference", assignment, nb_path.name,
                           _submission(source_nb, None))
        F.write_submission(root, "released", assignment, nb_path.name,
                           F.dump(F.release(source_nb)))
        for m in (m for m in mutants if m.assignment == assignment):
            F.write_submission(root, m.student, assignment, nb_path.name,
                               _submission(source_nb, m.answers))
    course = Course(root)
    settings = Settings(SandboxConfig(mode=detect_mode(), uid_base=UID_BASE,
                                      hide=default_hide(root) + default_hide(ROOT)),
                        Timeouts(cell=10.0, notebook=120.0))
    report = grade_batch(course, course.submissions(), settings, workers=2, progress=False,
                         load=False)
    results = {(_field(r, "student"), _field(r, "assignment")): r for r in report.results}
    print(f"\nmutation harness: {len(results)} submissions graded in one batch in "
          f"{report.seconds:.1f} s")
    for assignment in ASSIGNMENTS:
        mine = [m for m in mutants if m.assignment == assignment]
        caught = sum(_field(results[m.student, assignment], "score")
                     < _field(results[m.student, assignment], "max_score")
                     for m in mine if not m.correct)
        full = sum(_field(results[m.student, assignment], "score")
                   == _field(results[m.student, assignment], "max_score")
                   for m in mine if m.correct)
        print(f"  {assignment:13s} wrong caught {caught}/{sum(not m.correct for m in mine)}, "
              f"alternatives full {full}/{sum(m.correct for m in mine)}")
    return results


def test_every_assignment_has_enough_mutants():
    mutants = all_mutants()
    for assignment in ASSIGNMENTS:
        mine = [m for m in mutants if m.assignment == assignment]
        wrong = [m for m in mine if not m.correct]
        correct = [m for m in mine if m.correct]
        assert len(wrong) >= MIN_WRONG, f"{assignment}: {len(wrong)} wrong mutants"
        assert len(correct) >= MIN_CORRECT, f"{assignment}: {len(correct)} alternatives"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_full_marks_and_released_zero(graded, assignment):
    reference, released = graded["reference", assignment], graded["released", assignment]
    assert _field(reference, "score") == _field(reference, "max_score") > 0, \
        _cells(reference)
    assert not _field(reference, "flags") and not _field(reference, "notes")
    assert _field(released, "score") == 0, _cells(released)


@pytest.mark.parametrize("mutant", all_mutants(), ids=lambda m: f"{m.assignment}/{m.name}")
def test_mutant(graded, mutant):
    result = graded[mutant.student, mutant.assignment]
    cells = _cells(result)
    if mutant.correct:
        lost = {k: v for k, v in cells.items() if v[0] < v[1]}
        assert not lost, f"{mutant.summary}: a correct solution lost points in {lost}"
        assert not _field(result, "flags") and not _field(result, "notes")
        return
    unknown = set(mutant.loses) - set(cells)
    assert not unknown, f"{mutant.name}: '# loses:' names unknown test cells {unknown}"
    assert _field(result, "score") < _field(result, "max_score"), \
        f"{mutant.summary}: full marks for a wrong solution"
    kept = [c for c in mutant.loses if cells[c][0] >= cells[c][1]]
    assert not kept, f"{mutant.summary}: {kept} gave full points for this mistake"
