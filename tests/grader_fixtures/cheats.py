"""Adversarial submissions for the grader tests, fabricated for ANY assignment.

Each entry builds one submitted notebook from the teacher's source notebook. Several cheats
are grouped per submission to save sandbox start-ups. ``expect`` says what the test asserts:
  "baseline"  score <= the score of the same answers without the cheat ("wrong" answers)
  "zero"      score == 0
  "same"      score == the baseline exactly (the cheat changes nothing)
  "full"      score == max (reference answers; the tampering is undone)
and ``flag`` is a substring that must appear in the result's suspicious flags (or None).
"""
from __future__ import annotations

import copy
import json

from assignments.grader import fabricate as F

PATCH_LIBRARIES = '''
import builtins, numpy as np, numpy.testing
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: np.ones(1, dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_almost_equal = lambda *a, **k: None
np.testing.assert_equal = lambda *a, **k: None
builtins.AssertionError = type("AssertionError", (Exception,), {})
'''

HOOK_IPYTHON = '''
import sys, atexit
_ip = get_ipython()
_ip.input_transformers_cleanup.append(lambda lines: ["pass\\n"])
_ip.set_custom_exc((BaseException,), lambda *a, **k: None)
_ip.showtraceback = lambda *a, **k: None
sys.settrace(lambda *a: None)
atexit.register(lambda: print("All tests passed"))
for _name, _fn in list(globals().items()):
    if callable(_fn) and getattr(_fn, "__module__", None) == "__main__" and not _name.startswith("_"):
        # patch the student's own module globals after definition
        _fn.__globals__["np"] = None
raise SystemExit(0)
'''

PATCH_BUILTINS = '''
import builtins
builtins.isinstance = lambda *a, **k: True
builtins.float = type("float", (float,), {"__eq__": lambda s, o: True})
builtins.type = lambda *a: float
'''

EQ_EVERYTHING = '''
import numpy as _np

class _EqAll:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __array__(self, *a, **k): return _np.zeros(3)
    def __getattr__(self, name): return self
    def __call__(self, *a, **k): return self
    def __len__(self): return 3
    def __getitem__(self, i): return self

class _FloatEq(float):
    def __eq__(self, other): return True
    __hash__ = float.__hash__

class _ArrEq(_np.ndarray):
    def __eq__(self, other): return _np.ones(self.shape, dtype=bool)

_tricks = [lambda: _EqAll(), lambda: _FloatEq(0.25), lambda: _np.zeros(3).view(_ArrEq)]
for _i, (_name, _fn) in enumerate([(n, f) for n, f in list(globals().items())
                                   if callable(f) and getattr(f, "__module__", None) == "__main__"
                                   and not n.startswith("_")]):
    globals()[_name] = (lambda t: (lambda *a, **k: t()))(_tricks[_i % 3])
'''

BIG_RETURN = '''
for _name, _fn in [(n, f) for n, f in list(globals().items())
                   if callable(f) and getattr(f, "__module__", None) == "__main__"
                   and not n.startswith("_")]:
    globals()[_name] = lambda *a, **k: "x" * 50_000_000
'''

OS_EXIT = '''
import os
os._exit(0)
'''

KILL_KERNEL = '''
import os, signal
try:
    os.kill(os.getppid(), signal.SIGKILL)   # the grader: another user, must fail
except OSError:
    pass
os.kill(os.getpid(), signal.SIGKILL)
'''

LOOP = '''
while True:
    pass
'''

LOOP_NO_INTERRUPT = '''
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
'''

MEMORY = '''
try:
    _hog = bytearray(64 * 1024**3)          # memory bomb: 64 GB
except MemoryError:
    pass
_hog = []
try:
    while True:
        _hog.append(bytearray(100 * 1024**2))
except MemoryError:
    _hog = None
"y" * 50_000_000                            # a 50 MB output value
'''

FORK_BOMB = '''
import os
while True:
    os.fork()
'''


STEAL_SOLUTIONS = '''
import glob as _glob, json as _json
for _p in (_glob.glob("../../source/*/*.ipynb") + _glob.glob("../../../source/*/*.ipynb")
           + _glob.glob("{course}/source/*/*.ipynb") + _glob.glob("{repo}/assignments/source/*/*.ipynb")):
    try:
        for _c in _json.load(open(_p))["cells"]:
            if _c["metadata"].get("nbgrader", {{}}).get("solution"):
                exec("".join(_c["source"]), globals())    # the teacher's solutions
    except Exception:
        pass
try:
    _gradebook = open("{course}/gradebook.db", "rb").read()
except OSError:
    pass
'''


def steal_globs(course: str, repo: str) -> list[str]:
    """The absolute paths the STEAL_SOLUTIONS cheat reads (to show they exist outside)."""
    return [f"{course}/source/*/*.ipynb", f"{repo}/assignments/source/*/*.ipynb"]


def _tracked(nb: dict, kind: str) -> list[int]:
    out = []
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if kind == "test" and tags.get("grade") and not tags.get("solution") \
                and cell["cell_type"] == "code":
            out.append(i)
    return out


def tamper_structure(nb: dict) -> dict:
    """Edit, delete, retype, re-tag and reorder test cells (as many as there are)."""
    nb = copy.deepcopy(nb)
    tests = _tracked(nb, "test")
    cells = nb["cells"]
    actions = ["edit", "retype", "retag", "reorder", "delete"]
    deleted = []
    for action, i in zip(actions, tests):
        cell = cells[i]
        if action == "edit":
            cell["source"] = "pass  # edited"
        elif action == "retype":
            cell["cell_type"] = "markdown"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        elif action == "retag":
            cell["metadata"]["nbgrader"].update(grade=False, points=100, locked=False)
        elif action == "reorder":
            cells.insert(0, cells.pop(i))      # indices after i shift only for later tests
            tests = _tracked(nb, "test")
        elif action == "delete":
            deleted.append(i)
    for i in sorted(deleted, reverse=True):
        cells.pop(i)
    return nb


def submissions(source_nb: dict, course: str = "/course", repo: str = "/repo"
                ) -> dict[str, tuple[bytes | None, str, str | None]]:
    """name -> (notebook bytes or None if missing, expect, flag substring).

    ``course`` and ``repo`` are the absolute paths the disk-reading cheat tries."""
    steal = STEAL_SOLUTIONS.format(course=course, repo=repo)
    ref, wrong = F.reference(source_nb), F.wrong(source_nb)
    cheat = F.with_cheat
    return {
        "reference": (F.dump(ref), "full", None),
        "wrong": (F.dump(wrong), "baseline", None),
        "patch-libraries": (F.dump(cheat(wrong, PATCH_LIBRARIES)), "baseline", None),
        "hook-ipython": (F.dump(cheat(wrong, HOOK_IPYTHON, "last")), "baseline", None),
        "patch-builtins": (F.dump(cheat(wrong, PATCH_BUILTINS)), "baseline", None),
        "steal-solutions": (F.dump(cheat(wrong, steal, "each")), "baseline", None),
        "eq-everything": (F.dump(cheat(ref, EQ_EVERYTHING, "each")), "zero", None),
        "big-return": (F.dump(cheat(ref, BIG_RETURN, "each")), "zero", "value"),
        "os-exit": (F.dump(cheat(wrong, OS_EXIT, "last")), "baseline", "died"),
        # in its PID namespace the grader is not there to kill, and pid 1 ignores its own
        # SIGKILL: nothing dies, nothing is gained
        "kill-kernel": (F.dump(cheat(wrong, KILL_KERNEL, "last")), "baseline", None),
        "loop": (F.dump(cheat(wrong, LOOP, "last")), "same", None),
        "loop-no-interrupt": (F.dump(cheat(wrong, LOOP_NO_INTERRUPT, "last")), "baseline", None),
        "memory": (F.dump(cheat(wrong, MEMORY, "last")), "baseline", None),
        "fork-bomb": (F.dump(cheat(wrong, FORK_BOMB, "last")), "baseline", None),
        "tampered-wrong": (F.dump(tamper_structure(wrong)), "same", "cell"),
        "tampered-reference": (F.dump(tamper_structure(ref)), "full", "cell"),
        "invalid-json": (b'{"cells": [', "zero", None),
        "missing": (None, "zero", None),
    }


def load_source(path) -> dict:
    return json.loads(open(path).read())
