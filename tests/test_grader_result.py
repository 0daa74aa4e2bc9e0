"""The typed grading result and its results-file codec; the grader's modules import one way."""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assignments.grader.result import (CellResult, NotebookResult, SubmissionResult,  # noqa: E402
                                       from_json, read_result, to_json, write_result)

GRADER = ROOT / "assignments" / "grader"
# Each module may import only modules of a lower level (runner.py is sent into the sandbox
# as text and imports nothing of ours).
LEVELS = {"codec": 0, "course": 1, "notebook": 0, "result": 0, "isolation": 0,
          "sandbox": 1, "bridge": 2, "compiled": 1, "execute": 3, "fabricate": 1, "grade": 4,
          "gradebook": 2, "feedback": 3, "autograded": 2, "batch": 5, "task": 6, "cluster": 6,
          "__main__": 7, "__init__": 8,
          "submitted": 0, "safetext": 0, "zygote": 0,
          "runner": 0, "cgroup": 0, "seccomp": 0}


def a_result() -> SubmissionResult:
    cells = (CellResult("test_a", 2.0, 2.0, "passed", "passed", 0.25),
             CellResult("test_b", 3.0, 0.0, "failed", "hidden test failed", 0.5),
             CellResult("essay", 1.0, None, "manual", "graded by the teacher"))
    return SubmissionResult(
        "ada", "softmax", "1", "f" * 64, 1.5,
        {"softmax": NotebookResult("graded", cells, flags=("edited test cell test_a",),
                                   notes=("cell 3 timed out",), outputs=("hello\n",)),
         "extra": NotebookResult("missing", (CellResult("t", 1.0, 0.0, "not run", "x"),),
                                 notes=("notebook extra.ipynb was not submitted",))})


def test_totals_flags_and_notes_come_from_the_notebooks():
    r = a_result()
    assert (r.score, r.max_score) == (2.0, 7.0)
    assert r.flags == ("softmax: edited test cell test_a",)
    assert r.notes == ("softmax: cell 3 timed out", "extra: notebook extra.ipynb was not submitted")
    crashed = SubmissionResult("ada", "softmax", "1", "", 0.0, r.notebooks, errors=("boom",))
    assert crashed.flags[-1] == "grading failed: boom"
    assert r.notebooks["softmax"].flagged and not r.notebooks["extra"].flagged


def test_results_file_round_trips(tmp_path):
    r = a_result()
    path = tmp_path / "ada" / "softmax.json"
    write_result(path, r)
    assert read_result(path) == r
    data = json.loads(path.read_text())
    assert data["score"] == 2.0 and data["max_score"] == 7.0     # totals kept for readers
    assert from_json(json.loads(json.dumps(to_json(r)))) == r


def test_unreadable_results_are_none_and_bad_values_refused(tmp_path):
    path = tmp_path / "r.json"
    for text in ("", "[]", "{}", '{"fingerprint": "x"}'):
        path.write_text(text)
        assert read_result(path) is None, text
    data = to_json(a_result())
    data["notebooks"]["softmax"]["cells"][0]["status"] = "great"
    with pytest.raises(ValueError, match="status"):
        from_json(data)
    with pytest.raises(ValueError, match="manual"):
        CellResult("t", 1.0, None, "failed", "")
    with pytest.raises(ValueError, match="notebook status"):
        NotebookResult("fine", ())


def test_grader_modules_import_downward_only():
    seen = set()
    for path in sorted(GRADER.glob("*.py")):
        name = path.stem
        assert name in LEVELS, f"{name}.py has no level in this test"
        seen.add(name)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                targets = [node.module] if node.module else [a.name for a in node.names]
                for target in targets:
                    assert LEVELS[target] < LEVELS[name], f"{name} imports {target} (upward)"
                    for alias in node.names:
                        assert not alias.name.startswith("_"), \
                            f"{name} imports the private name {target}.{alias.name}"
        assert len(path.read_text().splitlines()) <= 400, f"{name}.py is over 400 lines"
    assert seen == set(LEVELS)
