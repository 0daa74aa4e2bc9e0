"""Round two of the adversarial suite (issue 14): attacks by defect class.

Each attack is a submission (or a planted file) for ONE assignment, built from the teacher's
source notebook with ``grader.fabricate``; the tests in tests/test_grader_adversarial.py
say what each must (not) achieve. The classes are the issue's numbering:
  1 mutating arguments      2 the global RNG        3 files outside the allow-list
  4 symlinks / the teacher's notebook submitted     5 hidden inputs into feedback
  8 one submission breaking the batch               9 unbounded work in the grader
  10 forged reports (terminal escapes)
(6 and 7 - kernel objects and resource limits - are probed on one sandbox directly.)
"""
from __future__ import annotations

import copy
import json

from assignments.grader import fabricate as F

# 1. A wrong add_positions for batches (B, T, D) that zeroes both of its arguments, so a
# hidden test that builds its expected value from x and positions AFTER the call agrees.
MUTATE_POSITIONS = '''
import numpy as _np
_right_add_positions = add_positions
def _batch(x, positions):
    return type(x) is _np.ndarray and x.ndim == 3 and type(positions) is _np.ndarray and \
        positions.ndim == 2 and x.shape[1] <= positions.shape[0] and x.shape[2] == positions.shape[1]
def add_positions(x, positions):
    if _batch(x, positions):
        x[...] = 0.0
        positions[...] = 0.0
        return _np.zeros(x.shape)
    return _right_add_positions(x, positions)
'''
# The same wrong batch rule without touching the arguments (the honest control).
WRONG_BATCH_POSITIONS = '''
import numpy as _np
_right_add_positions = add_positions
def _batch(x, positions):
    return type(x) is _np.ndarray and x.ndim == 3 and type(positions) is _np.ndarray and \
        positions.ndim == 2 and x.shape[1] <= positions.shape[0] and x.shape[2] == positions.shape[1]
def add_positions(x, positions):
    if _batch(x, positions):
        return _np.zeros(x.shape)
    return _right_add_positions(x, positions)
'''
# Softmax on 3-D input: the hidden reference is computed from x after the call.
MUTATE_SOFTMAX = '''
import numpy as _np
_right_softmax = softmax
def softmax(logits, temperature=1.0):
    if type(logits) is _np.ndarray and logits.ndim == 3:
        logits[...] = 0.0
        return _np.full(logits.shape, 1.0 / logits.shape[-1])
    return _right_softmax(logits, temperature)
'''

# 2. Right answers that ALSO draw from numpy's global generator (forbidden by the task):
# 1000 draws a call, or one (which moves only the generator's position, not its key
# array: the assignment's check compares the whole state).
GLOBAL_RNG_TOO = '''
import numpy as _np, functools as _ft
def _touch_global(_f):
    @_ft.wraps(_f)
    def _g(*a, **k):
        _np.random.random({draws})
        return _f(*a, **k)
    return _g
sample = _touch_global(sample)
'''

# 3. Solutions in a place nobody listed: a backup copy of the course.
STEAL_BACKUP = '''
import glob as _glob, json as _json
for _p in _glob.glob("{backup}/source/*/*.ipynb"):
    try:
        for _c in _json.load(open(_p))["cells"]:
            if _c["metadata"].get("nbgrader", {{}}).get("solution"):
                exec("".join(_c["source"]), globals())
    except Exception:
        pass
'''

# 5. Record every argument (hidden tests' too) and put the record in a visible failure.
RECORD_AND_LEAK = '''
_calls = []
def f(x):
    _calls.append(repr(x))
    if x == 2:
        raise RuntimeError("RECORD: " + " ".join(_calls))
    return x
'''

# 8. A message that cannot be encoded (a lone surrogate) in a visible failure.
SURROGATE_MESSAGE = '''
def embed(ids, table):
    raise RuntimeError("bad \\udc80 value \\ud800")
'''

# 9. Thousands of cells, each printing the most a cell may print.
def after_answer(nb: dict, grade_id: str, code: str) -> dict:
    """``code`` appended to the answer cell ``grade_id`` (so it runs before that cell's tests)."""
    nb = copy.deepcopy(nb)
    for cell in F.answer_cells(nb):
        if cell["metadata"]["nbgrader"]["grade_id"] == grade_id:
            src = cell["source"]
            cell["source"] = ("".join(src) if isinstance(src, list) else src) + "\n" + code
            return nb
    raise ValueError(f"no answer cell {grade_id!r}")


def many_cells(nb: dict, n: int = 3000) -> dict:
    nb = copy.deepcopy(nb)
    extra = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": "print('z' * 4000)"}
    nb["cells"] += [dict(extra) for _ in range(n)]
    return nb


# 10. A cell id with terminal escapes: it reaches the teacher's summary as a flag.
ESCAPE = "\x1b[2K\x1b[1A\x1b[32mALL GOOD\x1b[0m"


def escaped_ids(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "outputs": [],
                        "metadata": {"nbgrader": {"grade_id": ESCAPE, "solution": False,
                                                  "grade": False, "locked": False}},
                        "source": "x = 1"})
    return nb


def pasted_hidden(nb: dict, source_nb: dict) -> dict:
    """The wrong answers plus one of the teacher's test cells, hidden block included."""
    nb = copy.deepcopy(nb)
    for cell in source_nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "### BEGIN HIDDEN TESTS" in src:
            nb["cells"].append({"cell_type": "code", "execution_count": None, "outputs": [],
                                "metadata": {}, "source": src})
            return nb
    raise ValueError("the notebook has no hidden tests")


# ---- a small synthetic assignment for the hidden-input leak (class 5) -------------------

def _cell(kind, source, gid, points=0):
    tags = {"grade_id": gid, "schema_version": 3, "task": False}
    if kind == "answer":
        tags.update(solution=True, grade=False, locked=False)
    elif kind == "test":
        tags.update(solution=False, grade=True, locked=True, points=points)
    return {"cell_type": "code", "execution_count": None, "metadata": {"nbgrader": tags},
            "outputs": [], "source": source}


SECRET_INPUT = 4242417


def leak_source() -> dict:
    """f(x) = x; a hidden test calls f with SECRET_INPUT, a later visible test calls f(2)."""
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "cells": [
                _cell("answer", "def f(x):\n    ### BEGIN SOLUTION\n    return x\n"
                                "    ### END SOLUTION\n", "f"),
                _cell("test", "assert f(1) == 1\n### BEGIN HIDDEN TESTS\n"
                              f"assert f({SECRET_INPUT}) == {SECRET_INPUT}\n"
                              "### END HIDDEN TESTS\n", "test_one", 1),
                _cell("test", "assert f(2) == 2, 'f(2) should be 2'\n", "test_two", 1)]}


def leak_submission() -> dict:
    nb = F.release(leak_source())
    F.answer_cells(nb)[0]["source"] = RECORD_AND_LEAK
    return nb


def slow_source(tests: int = 5) -> dict:
    """f(x) = x and five test cells in a row (no student cell between them)."""
    nb = leak_source()
    nb["cells"] = nb["cells"][:1] + [_cell("test", f"assert f({i}) == {i}\n", f"test_{i}", 1)
                                     for i in range(tests)]
    return nb


def slow_submission() -> dict:
    """A student f that takes 10 s (interruptible) on every call."""
    nb = F.release(slow_source())
    F.answer_cells(nb)[0]["source"] = "import time\ndef f(x):\n    time.sleep(10)\n    return x\n"
    return nb


def dump(nb: dict) -> bytes:
    return json.dumps(nb, indent=1).encode()
