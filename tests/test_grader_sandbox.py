"""The sandbox, the data-only codec and the notebook rebuild, tested directly."""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assignments.grader import SandboxConfig, Timeouts, default_hide, detect_mode  # noqa: E402
from assignments.grader.codec import CodecError, decode, encode  # noqa: E402
from assignments.grader.execute import HIDDEN_FAILED, NotebookRun  # noqa: E402
from assignments.grader.feedback import feedback_html  # noqa: E402
from assignments.grader.bridge import Bridge, Remote  # noqa: E402
from assignments.grader.notebook import load_cells, rebuild, NotebookError  # noqa: E402
from assignments.grader.result import NotebookResult, SubmissionResult  # noqa: E402
from assignments.grader.isolation import keep_paths  # noqa: E402
from assignments.grader.sandbox import Sandbox  # noqa: E402

COURSE = ROOT / "assignments"
MODE = detect_mode()


# ---- codec --------------------------------------------------------------------------------

def test_codec_round_trip_gives_exact_types():
    values = [None, True, 3, 2.5, float("nan"), 1 + 2j, "é", b"\x00", [1, (2, 3)], {"a": {1, 2}},
              np.arange(6, dtype=np.int32).reshape(2, 3), np.float32(1.5),
              np.array(["ab", "c"])]
    for v in values:
        out = decode(json.loads(json.dumps(encode(v))))
        assert type(out) is type(v)
        if isinstance(v, np.ndarray):
            assert out.dtype == v.dtype and out.shape == v.shape and np.array_equal(out, v)
        elif v == v:
            assert out == v


def test_codec_rejects_objects_and_subclasses():
    class FloatEq(float):
        def __eq__(self, other):
            return True
    with pytest.raises(CodecError):
        encode(FloatEq(1.0))
    with pytest.raises(CodecError):
        encode(np.array([object()]))
    assert encode(FloatEq(1.0), handle_of=lambda v: 7)[0] == "h"
    with pytest.raises((CodecError, TypeError)):
        decode(["a", "|O", [1], "AAAAAAAAAAA="])
    with pytest.raises(CodecError):
        decode(["a", "<f8", [2], "AAAAAAAAAAA="])          # 8 bytes for 2 float64
    with pytest.raises(CodecError):
        decode(["h", 1, "x"])                              # handles need a maker


def test_remote_objects_refuse_to_pass_for_values():
    r = Remote(None, 1, "EqAll")
    for attempt in (lambda: r == 1, lambda: bool(r), lambda: float(r), lambda: r + 1,
                    lambda: np.testing.assert_allclose(r, 1.0)):
        with pytest.raises(Exception):
            attempt()


# ---- notebook rebuild ---------------------------------------------------------------------

def _nb(*cells):
    return json.dumps({"cells": [
        {"cell_type": t, "source": src, "metadata": {"nbgrader": tags} if tags else {}}
        for t, src, tags in cells]})


T_ANS = {"grade_id": "ans", "solution": True, "grade": False, "locked": False}
T_TEST = {"grade_id": "t1", "solution": False, "grade": True, "locked": True, "points": 2}


def test_rebuild_takes_tests_from_teacher_and_flags_changes():
    teacher = load_cells(_nb(("code", "def f(): return 1", T_ANS),
                             ("code", "assert f() == 1\n### BEGIN HIDDEN TESTS\nassert f()\n"
                                      "### END HIDDEN TESTS", T_TEST)))
    edited = load_cells(_nb(("code", "pass", dict(T_TEST, points=99)),
                            ("code", "def f(): return 2", T_ANS),
                            ("code", "x = 1", None)))
    out = rebuild(teacher, edited)
    kinds = [(c.kind, c.grade_id) for c in out.cells]
    assert kinds == [("student", "ans"), ("student", None), ("test", "t1")]
    assert "BEGIN HIDDEN" in out.cells[2].source and out.cells[2].points == 2
    flags = " | ".join(out.flags)
    assert "re-tagged test cell t1" in flags and "edited test cell t1" in flags
    assert "reordered" in flags
    deleted = rebuild(teacher, load_cells(_nb(("code", "def f(): return 2", T_ANS))))
    assert [c.kind for c in deleted.cells] == ["student", "test"]
    assert deleted.flags == ("deleted test cell t1",)
    untouched = rebuild(teacher, load_cells(_nb(("code", "def f(): return 2", T_ANS),
                                                 ("code", "assert f() == 1", T_TEST))))
    assert untouched.flags == ()


def test_invalid_notebooks_are_refused():
    for raw in (b"{", b"[]", b'{"cells": [1]}', b'{"cells": [{"cell_type": "code", '
                                                  b'"source": 3}]}'):
        with pytest.raises(NotebookError):
            load_cells(raw)


# ---- the sandbox itself -------------------------------------------------------------------

PROBE = r'''
import os, json, socket
course = {course!r}
found = {{}}
for p in [course + "/source", course + "/gradebook.db",
          course + "/../scripts/assignments/build.py", course + "/course.sh",
          "../../source", "../../../gradebook.db", "/root", "/home"]:
    try:
        found[p] = sorted(os.listdir(p)) if os.path.isdir(p) else len(open(p, "rb").read())
    except OSError as exc:
        found[p] = "error"
writes = {{}}
for p in [{outside!r}, course + "/cheat.txt", "/var/tmp/cheat.txt", "mine.txt"]:
    try:
        with open(p, "w") as fh:
            fh.write("x")
        writes[p] = "ok"
    except OSError:
        writes[p] = "error"
try:
    socket.create_connection(("127.0.0.1", 22), timeout=1)
    net = "connected"
except OSError:
    net = "error"
report = {{"uid": os.getuid(), "found": found, "writes": writes, "net": net,
          "cwd_files": sorted(os.listdir("."))}}
'''


@pytest.mark.skipif(MODE == "none", reason="covered by test_weak_sandbox_is_refused")
def test_sandbox_hides_the_course_and_keeps_writes_inside():
    outside = f"/tmp/genai-lab-cheat-{uuid.uuid4().hex}"
    cfg = SandboxConfig(mode=MODE, uid_base=63500, hide=default_hide(COURSE))
    box = Sandbox(cfg, 0, {"mine.ipynb": b"{}"})
    try:
        reply = box.request({"op": "run_cell", "source": PROBE.format(course=str(COURSE),
                                                                      outside=outside)}, 60)
        assert reply["status"] == "ok", reply
        report = decode(box.request({"op": "get", "name": "report"}, 30)["value"])
    finally:
        box.close()
    kept = {Path(k).relative_to(top).parts[0] for k in keep_paths() for top in ("/root", "/home")
            if k.startswith(top + "/")}
    for path, seen in report["found"].items():
        # nothing readable, except the Python installation the sandbox runs on
        assert seen == "error" or (isinstance(seen, list) and set(seen) <= kept), (path, seen)
    assert report["cwd_files"] == ["mine.ipynb", "mine.txt"] or \
        set(report["cwd_files"]) <= {"mine.ipynb", "mine.txt", ".ipython", ".mpl"}
    assert report["writes"]["mine.txt"] == "ok"
    assert report["net"] == "error"
    assert not Path(outside).exists()
    assert not (COURSE / "cheat.txt").exists()
    assert not Path("/var/tmp/cheat.txt").exists()
    if MODE == "root":
        assert report["uid"] != 0


def test_weak_sandbox_is_refused(monkeypatch, capsys):
    from assignments.grader import __main__ as cli
    monkeypatch.setattr(cli, "detect_mode", lambda: "none")
    with pytest.raises(SystemExit) as exc:
        cli.main(["grade", "--course", str(COURSE), "--student", "nobody-at-all"])
    assert "no sandbox available" in str(exc.value)


@pytest.mark.skipif(MODE == "none", reason="covered by test_weak_sandbox_is_refused")
def test_timeouts_interrupt_and_kill():
    cfg = SandboxConfig(mode=MODE, uid_base=63500, hide=default_hide(COURSE))
    box = Sandbox(cfg, 0, {})
    try:
        bridge = Bridge(box, Timeouts(cell=2.0))
        box.request({"op": "run_cell", "source": "def f():\n    while True: pass\n"
                                                  "def g(x): raise ValueError('bad ' + str(x))"},
                    30)
        f, g = bridge.get("f"), bridge.get("g")
        with pytest.raises(ValueError, match="bad 3"):
            g(3)
        from assignments.grader.bridge import StudentTimeout
        with pytest.raises(StudentTimeout):
            f()
        assert box.dead_reason is None           # interrupted (KeyboardInterrupt), still alive
        with pytest.raises(ValueError):
            g(4)
    finally:
        box.close()


# ---- hidden tests: what a failing one shows -------------------------------------------------

HIDDEN_TEACHER = [
    ("code", "import numpy as np", {"grade_id": "setup", "locked": True, "solution": False,
                                    "grade": False}),
    ("code", "def f(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION", T_ANS),
    ("code", "assert f(1) == 1, 'f(1) should be 1'\n### BEGIN HIDDEN TESTS\n"
             "SECRET_LINE_7391 = 2\nassert f(SECRET_LINE_7391) == 4, 'SECRET-MESSAGE-7391'\n"
             "### END HIDDEN TESTS", T_TEST),
    ("code", "### BEGIN HIDDEN TESTS\nimport sys\ndef _h():\n    assert f(3) == 9\ntry:\n    _h()\n"
             "except AssertionError as e:\n    print('SECRET-STDERR-7391', e, file=sys.stderr)\n"
             "### END HIDDEN TESTS", dict(T_TEST, grade_id="t2")),
]


@pytest.mark.skipif(MODE == "none", reason="covered by test_weak_sandbox_is_refused")
def test_failing_hidden_tests_show_no_code_and_no_message():
    teacher = load_cells(_nb(*HIDDEN_TEACHER))
    memorised = load_cells(_nb(("code", "def f(x):\n    return 1", T_ANS)))
    correct = load_cells(_nb(("code", "def f(x):\n    return x * x", T_ANS)))
    wrong = load_cells(_nb(("code", "def f(x):\n    return 0", T_ANS)))
    outcomes = {}
    for name, student in (("memorised", memorised), ("correct", correct), ("wrong", wrong)):
        box = Sandbox(SandboxConfig(mode=MODE, uid_base=63500, hide=default_hide(COURSE)), 0, {})
        try:
            run = NotebookRun(box, Timeouts(cell=10))
            outcomes[name] = run.run(rebuild(teacher, student).cells)
        finally:
            box.close()
    assert [c.score for c in outcomes["correct"]] == [2.0, 2.0]
    memo = outcomes["memorised"]
    assert [c.score for c in memo] == [0.0, 0.0]
    assert [c.feedback for c in memo] == [HIDDEN_FAILED, HIDDEN_FAILED]
    page = feedback_html(SubmissionResult("s", "a", "1", "", 0.0,
                                          {"nb": NotebookResult("graded", memo)}), "nb")
    assert "SECRET" not in page and "7391" not in page
    visible = outcomes["wrong"][0].feedback                # a visible failure: its own text
    assert "f(1) should be 1" in visible and "assert f(1) == 1" in visible
    assert "SECRET" not in visible and "7391" not in visible


@pytest.mark.skipif(MODE == "none", reason="covered by test_weak_sandbox_is_refused")
def test_check_command_reports_the_course_hidden(capsys):
    from assignments.grader import __main__ as cli
    assert cli.main(["check", "--course", str(COURSE)]) == 0
    out = capsys.readouterr().out
    assert "OK: student code cannot see the course" in out and "READABLE" not in out


@pytest.mark.skipif(MODE == "none", reason="covered by test_weak_sandbox_is_refused")
def test_a_sandbox_forked_from_the_zygote_is_isolated_the_same_way():
    from assignments.grader import zygote
    probe = ("import os, numpy\nreport = {'pid': os.getpid(), 'uid': os.getuid(), "
             "'root': sorted(os.listdir('/')), 'cwd': sorted(os.listdir('.')), "
             "'procs': [p for p in os.listdir('/proc') if p.isdigit()], "
             "'env': os.environ.get('MPLBACKEND')}")
    cfg = SandboxConfig(mode=MODE, uid_base=63550, hide=default_hide(COURSE))
    reports = {}
    zygote.start()
    try:
        for warm in (True, False):
            if not warm:
                zygote.stop()
            box = Sandbox(cfg, 0, {"mine.ipynb": b"{}"})
            try:
                assert box.request({"op": "run_cell", "source": probe}, 60)["status"] == "ok"
                reports[warm] = decode(box.request({"op": "get", "name": "report"}, 30)["value"])
                assert (type(box.proc).__name__ == "ZygoteProcess") == warm
            finally:
                box.close()
    finally:
        zygote.stop()
    assert reports[True] == reports[False]
    assert reports[True]["pid"] == 1 and reports[True]["procs"] == ["1"]
    assert "mine.ipynb" in reports[True]["cwd"] and reports[True]["env"] == "Agg"


@pytest.mark.skipif(MODE == "none", reason="covered by test_weak_sandbox_is_refused")
def test_a_worker_forked_by_the_batch_uses_the_zygote_and_a_dead_one_is_not_used():
    """The batch's workers are forks of the process that started the zygote: it is not
    their child, and Popen.poll() would call it dead (the zygote then went unused)."""
    import os
    from assignments.grader import zygote
    cfg = SandboxConfig(mode=MODE, uid_base=63560, hide=default_hide(COURSE))
    warm = zygote.start()
    try:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:                                     # a worker, as batch.py forks it
            try:
                box = Sandbox(cfg, 0, {})
                ok = box.request({"op": "run_cell", "source": "x = 6 * 7"}, 60)["status"]
                os.write(w, f"{zygote.current().alive()} {type(box.proc).__name__} {ok}".encode())
                box.close()
            finally:
                os._exit(0)
        os.close(w)
        os.waitpid(pid, 0)
        assert os.read(r, 200).decode() == "True ZygoteProcess ok"
        os.close(r)
        warm.proc.kill()
        warm.proc.wait()
        assert not warm.alive()
        box = Sandbox(cfg, 0, {})                        # started cold instead
        try:
            assert type(box.proc).__name__ == "Popen"
            assert box.request({"op": "run_cell", "source": "x = 1"}, 60)["status"] == "ok"
        finally:
            box.close()
    finally:
        zygote.stop()
