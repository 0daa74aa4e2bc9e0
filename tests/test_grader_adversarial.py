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
from assignments.grader.compiled import segments  # noqa: E402
from assignments.grader.feedback import feedback_html  # noqa: E402
from assignments.grader import fabricate as F  # noqa: E402

SOURCE = ROOT / "assignments" / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
CHEATS = list(cheats.submissions(cheats.load_source(
    next((SOURCE / ASSIGNMENTS[0]).glob("*.ipynb")))))
UID_BASE = 63000
# The cheats that spend a time or memory limit (each runs the notebook to its cell limit or
# out of memory) do the same thing in every assignment: graded in two of them, not six.
LIMIT_CHEATS = ("loop", "loop-no-interrupt", "memory")
LIMIT_ASSIGNMENTS = ASSIGNMENTS[:2]


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
                if student in LIMIT_CHEATS and assignment not in LIMIT_ASSIGNMENTS:
                    continue
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


@pytest.mark.parametrize("assignment,cheat", [
    (a, c) for a in ASSIGNMENTS for c in CHEATS
    if c not in LIMIT_CHEATS or a in LIMIT_ASSIGNMENTS])
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
    if assignment in LIMIT_ASSIGNMENTS:
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
        shown = {line.strip() for line in blob.splitlines()}   # whole lines: a hidden line
        for line in hidden:                                      # may be part of a visible one
            assert line not in shown, (student, line)
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


# ==== round two (issue 14): attacks by defect class, one batch ==============================
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import attacks as A  # noqa: E402
from assignments.grader import grade_submission, load_results  # noqa: E402
from assignments.grader.codec import CodecError, decode  # noqa: E402
from assignments.grader.feedback import write_feedback  # noqa: E402
from assignments.grader.notebook import NotebookError, load_cells  # noqa: E402

CONTROL = {chr(c) for c in range(32) if c != 10} | {chr(127)} | {chr(c) for c in range(128, 160)}
ODD_NAME = "esc\x1b[31mname"                      # a student folder name with an escape
BAD_NAME = os.fsdecode(b"bad\xffname")          # a folder name that is not UTF-8


def _nb_of(root: Path, assignment: str) -> Path:
    return next((root / "source" / assignment).glob("*.ipynb"))


@pytest.fixture(scope="module")
def round2(tmp_path_factory):
    root = tmp_path_factory.mktemp("round2")
    shutil.copytree(SOURCE, root / "source")
    (root / "source" / "leak").mkdir()
    (root / "source" / "leak" / "leak.ipynb").write_bytes(A.dump(A.leak_source()))
    backup = Path(f"/srv/genai-lab-backup-{uuid.uuid4().hex}")   # a copy nobody listed
    shutil.copytree(SOURCE, backup / "source")
    subs = {}

    def put(student, assignment, nb, timestamp=None):
        path = _nb_of(root, assignment)
        F.write_submission(root, student, assignment, path.name,
                           nb if nb is None or isinstance(nb, bytes) else F.dump(nb))
        if timestamp is not None:
            (root / "submitted" / student / assignment / "timestamp.txt").write_bytes(timestamp)
        subs[student, assignment] = path

    for assignment in ("embeddings", "softmax", "sampling"):
        src = cheats.load_source(_nb_of(root, assignment))
        put("reference", assignment, F.reference(src))
        put("wrong", assignment, F.wrong(src))
    emb = cheats.load_source(_nb_of(root, "embeddings"))
    ref, wrong = F.reference(emb), F.wrong(emb)
    put("mutate-positions", "embeddings",
        A.after_answer(ref, "add_positions", A.MUTATE_POSITIONS))
    put("wrong-batch-positions", "embeddings",
        A.after_answer(ref, "add_positions", A.WRONG_BATCH_POSITIONS))
    put("mutate-softmax", "softmax", A.after_answer(
        F.reference(cheats.load_source(_nb_of(root, "softmax"))), "softmax", A.MUTATE_SOFTMAX))
    for name, draws in (("global-rng", 1000), ("global-rng-once", 1)):
        put(name, "sampling", A.after_answer(
            F.reference(cheats.load_source(_nb_of(root, "sampling"))), "sample",
            A.GLOBAL_RNG_TOO.format(draws=draws)))
    put("steal-backup", "embeddings", F.with_cheat(wrong, A.STEAL_BACKUP.format(backup=backup),
                                                   "each"))
    put("symlink-notebook", "embeddings", None)
    link = root / "submitted" / "symlink-notebook" / "embeddings" / _nb_of(root, "embeddings").name
    link.symlink_to(_nb_of(root, "embeddings"))
    put("symlink-extras", "embeddings", ref)
    for extra in ("timestamp.txt", "submission_secret.txt"):
        target = root / "submitted" / "symlink-extras" / "embeddings" / extra
        target.unlink(missing_ok=True)
        target.symlink_to(_nb_of(root, "embeddings"))
    put("teacher-verbatim", "embeddings", _nb_of(root, "embeddings").read_bytes())
    put("pasted-hidden", "embeddings", A.pasted_hidden(wrong, emb))
    put("surrogate", "embeddings", A.after_answer(ref, "embed", A.SURROGATE_MESSAGE))
    put("bad-timestamp-bytes", "embeddings", ref, b"\xff\xfe\x00 not a date \x9c")
    put("bad-timestamp-range", "embeddings", ref, b"9999-12-31 23:59:59.999999-14:00")
    put("escape-ids", "embeddings", A.escaped_ids(wrong))
    put(ODD_NAME, "embeddings", ref)
    put(BAD_NAME, "embeddings", ref)
    put("many-cells", "embeddings", A.many_cells(ref))
    put("leaker", "leak", A.leak_submission())
    course = Course(root)
    try:
        report = grade_batch(course, sorted(subs), settings_for(root), workers=2,
                             progress=False, load=False)
    finally:
        shutil.rmtree(backup, ignore_errors=True)
    results = {(r.student, r.assignment): r for r in report.results}
    return course, results


def _cell(result, grade_id):
    return next(c for _, c in result.cells() if c.grade_id == grade_id)


# -- class 1: in-place changes to arguments -------------------------------------------------
def test_mutating_arguments_earns_no_hidden_marks(round2):
    _, results = round2
    honest = _cell(results["wrong-batch-positions", "embeddings"], "test_add_positions")
    cheat = _cell(results["mutate-positions", "embeddings"], "test_add_positions")
    assert honest.score == 0                       # the wrong batch rule loses the cell ...
    assert cheat.score == 0, cheat                 # ... and zeroing the inputs does not help
    soft = _cell(results["mutate-softmax", "softmax"], "test_softmax_last_axis")
    assert soft.score == 0, soft
    ref = results["reference", "embeddings"]
    assert ref.score == ref.max_score


# -- class 2: the global RNG ------------------------------------------------------------------
def test_using_the_global_generator_loses_marks(round2):
    _, results = round2
    for name in ("global-rng", "global-rng-once"):
        r = results[name, "sampling"]
        assert _cell(r, "test_sample").score == 0, (name, _cell(r, "test_sample"))
    assert results["reference", "sampling"].score == results["reference", "sampling"].max_score


# -- class 3: files outside the allow-list ------------------------------------------------
def test_a_backup_copy_of_the_course_is_not_readable(round2):
    _, results = round2
    assert results["steal-backup", "embeddings"].score <= results["wrong", "embeddings"].score


# -- class 4: symlinks and the teacher's own notebook ----------------------------------------
def test_symlinked_notebook_is_not_followed(round2):
    _, results = round2
    r = results["symlink-notebook", "embeddings"]
    assert r.score == 0
    assert any("symlink" in f for f in r.flags), r.flags


def test_symlinked_extra_files_are_not_copied(round2):
    course, results = round2
    r = results["symlink-extras", "embeddings"]
    assert any("symlink" in f for f in r.flags), r.flags
    write_feedback(course, r)
    secret = _nb_of(course.root, "embeddings").read_bytes()
    folder = course.root / "feedback" / "symlink-extras" / "embeddings"
    for extra in ("timestamp.txt", "submission_secret.txt"):
        assert not (folder / extra).exists() or (folder / extra).read_bytes() != secret


def test_teacher_notebook_or_hidden_block_submitted_is_flagged(round2):
    _, results = round2
    for student in ("teacher-verbatim", "pasted-hidden"):
        flags = results[student, "embeddings"].flags
        assert any("teacher" in f for f in flags), (student, flags)
    assert results["reference", "embeddings"].flags == ()


# -- class 5: hidden-test inputs in what the student sees ----------------------------------
def test_hidden_inputs_never_reach_the_feedback(round2):
    _, results = round2
    r = results["leaker", "leak"]
    two = _cell(r, "test_two")
    assert two.score == 0 and "RECORD" in two.feedback      # the visible failure is shown ...
    page = feedback_html(r, "leak")
    assert str(A.SECRET_INPUT) not in two.feedback and str(A.SECRET_INPUT) not in page  # ...
    assert all(str(A.SECRET_INPUT) not in out for nb in r.notebooks.values() for out in nb.outputs)


# -- class 8: one submission must not break the batch --------------------------------------
def test_odd_submissions_do_not_break_loading_or_feedback(round2):
    course, results = round2
    assert {("surrogate", "embeddings"), ("bad-timestamp-bytes", "embeddings"),
            ("bad-timestamp-range", "embeddings"), (BAD_NAME, "embeddings")} <= set(results)
    load_results(course, list(results.values()))        # must not raise
    snap = snapshot(course)
    loaded = {(a, s) for a, s, *_ in snap}
    for student in ("reference", "surrogate", "bad-timestamp-bytes", "bad-timestamp-range",
                    ODD_NAME):
        assert ("embeddings", student) in loaded, student
    for r in results.values():                             # must not raise either
        write_feedback(course, r)
    page = (course.root / "feedback" / "surrogate" / "embeddings" / "embeddings.html")
    assert "bad" in page.read_text(encoding="utf-8")


# -- class 9: bounded work in the grader ----------------------------------------------------
def test_a_huge_notebook_gives_a_small_result(round2):
    course, results = round2
    r = results["many-cells", "embeddings"]
    assert r.score == r.max_score
    assert course.result_path("many-cells", "embeddings").stat().st_size < 1_000_000


def test_codec_and_notebook_reader_bound_their_work():
    with pytest.raises(CodecError):
        decode(["l", [["n"]] * 2_000_000])
    with pytest.raises(CodecError):
        decode(["r", "PCG64", json.dumps({"state": 5})])       # a crafted generator state
    with pytest.raises(CodecError):
        decode(["r", "PCG64", "[" * 100_000])
    cells = [{"cell_type": "code", "source": "", "metadata": {}}] * 20_000
    with pytest.raises(NotebookError):
        load_cells(json.dumps({"cells": cells}).encode())


# -- class 10: forged reports ---------------------------------------------------------------
def test_summary_escapes_student_strings(round2):
    _, results = round2
    text = summary_table(list(results.values()))
    assert not CONTROL & set(text), sorted(CONTROL & set(text))
    text.encode("utf-8")                                      # no lone surrogates either
    assert "ALL GOOD" in text                                 # shown, but harmless


# ---- attacks on one sandbox directly (classes 3, 6, 7) -------------------------------------
from assignments.grader import Limits  # noqa: E402
from assignments.grader.isolation import SYSTEM_DIRS, SYSTEM_FILES, keep_paths  # noqa: E402
from assignments.grader.sandbox import Sandbox  # noqa: E402

needs_sandbox = pytest.mark.skipif(detect_mode() == "none", reason="no sandbox here")


def _probe(box: Sandbox, code: str, timeout: float = 60):
    reply = box.request({"op": "run_cell", "source": code}, timeout)
    assert reply.get("status") == "ok", reply
    return decode(box.request({"op": "get", "name": "report"}, 30)["value"])


def _box(uid_base=63600, **limits):
    cfg = SandboxConfig(mode=detect_mode(), uid_base=uid_base, hide=default_hide(SOURCE.parent),
                        limits=Limits(**limits))
    return Sandbox(cfg, 0, {"mine.ipynb": b"{}"})


PROC_AND_FILES = r'''
import os
report = {"root": sorted(os.listdir("/")), "pids": [], "marker": False, "planted": None}
for p in os.listdir("/proc"):
    if p.isdigit():
        report["pids"].append(int(p))
        try:
            report["marker"] |= MARKER.encode() in open(f"/proc/{p}/cmdline", "rb").read()
        except OSError:
            pass
report["tops"] = {t: sorted(os.listdir(t)) for t in ("/root", "/work", "/var", "/etc")
                  if os.path.isdir(t)}
for p in PLANTED:
    try:
        report["planted"] = open(p).read()
    except OSError:
        pass
'''


@needs_sandbox
def test_only_the_allow_list_and_own_processes_are_visible(tmp_path):
    marker = f"genai-lab-marker-{uuid.uuid4().hex}"
    planted = [Path(f"/srv/{marker}.txt"), Path(f"/opt/{marker}.txt"), Path(f"/var/{marker}.txt")]
    for p in planted:
        p.write_text("SECRET")
    other = subprocess.Popen(["sleep", "30", marker])
    box = _box()
    try:
        report = _probe(box, f"MARKER = {marker!r}\nPLANTED = {[str(p) for p in planted]!r}\n"
                        + PROC_AND_FILES)
    finally:
        box.close()
        other.kill()
        for p in planted:
            p.unlink()
    assert report["planted"] is None
    assert not report["marker"], "another process's command line is visible"
    assert len(report["pids"]) <= 3, report["pids"]
    assert not {"srv", "opt", "home", "mnt"} & set(report["root"]), report["root"]
    for top, seen in report["tops"].items():        # e.g. /root: only the Python installation
        allowed = [*keep_paths(), *SYSTEM_DIRS, *SYSTEM_FILES, "/var/tmp"]
        assert set(seen) <= {Path(k).relative_to(top).parts[0] for k in allowed
                             if k.startswith(top + "/")}, (top, seen)


KEYRING_WRITE = r'''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
serial = libc.syscall(248, b"user", b"genai-lab-probe", b"SECRET-KEY-DATA", 15, -4)  # add_key
report = {"serial": serial, "errno": ctypes.get_errno()}
'''
KEYRING_READ = r'''
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
serial = libc.syscall(250, 10, -4, b"user", b"genai-lab-probe", 0)      # KEYCTL_SEARCH
buf = ctypes.create_string_buffer(64)
n = libc.syscall(250, 11, serial, buf, 64) if serial > 0 else -1       # KEYCTL_READ
report = {"found": buf.raw[:max(n, 0)].decode(errors="replace")}
'''
SYSV_AND_ABSTRACT = r'''
import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
report = {}
if ROLE == "first":
    report["shm"] = libc.shmget(0x6e61676c, 4096, 0o1666)            # IPC_CREAT
    _srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _srv.bind("\0" + NAME)
    _srv.listen(1)
else:
    report["shm"] = libc.shmget(0x6e61676c, 0, 0o666)
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect("\0" + NAME)
        report["abstract"] = "connected"
    except OSError:
        report["abstract"] = "refused"
'''


@needs_sandbox
def test_no_kernel_object_carries_between_sandboxes():
    first = _box(uid_base=63700)
    try:
        _probe(first, KEYRING_WRITE)
    finally:
        first.close()
    second = _box(uid_base=63700)                   # the same uid again: the next student
    try:
        assert _probe(second, KEYRING_READ)["found"] != "SECRET-KEY-DATA"
    finally:
        second.close()
    name = f"genai-lab-{uuid.uuid4().hex}"
    a, b = _box(uid_base=63700), _box(uid_base=63700)
    try:
        _probe(a, f"ROLE = 'first'\nNAME = {name!r}\n" + SYSV_AND_ABSTRACT)
        seen = _probe(b, f"ROLE = 'second'\nNAME = {name!r}\n" + SYSV_AND_ABSTRACT)
    finally:
        a.close()
        b.close()
    assert seen["shm"] == -1 and seen["abstract"] == "refused", seen


MEMORY_AROUND_LIMITS = r'''
import os
report = {}
held, fds = 0, []
try:                                    # memfd pages are not address space (RLIMIT_AS), and
    block = b"m" * (15 * 1024**2)       # each file stays under the file-size limit
    for _ in range(100):                # 1.5 GB in 100 memfds
        fds.append(os.memfd_create("hog"))
        held += os.write(fds[-1], block)
except OSError as exc:
    pass
report["memfd"] = held
ok_r, ok_w = os.pipe()
kids = []
for _ in range(3):                      # 3 processes x 0.8 GB, each under its own limit
    pid = os.fork()
    if pid == 0:
        try:
            hog = b"p" * (800 * 1024**2)
            os.write(ok_w, b"k")
            import time; time.sleep(1.5)
        finally:
            os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
os.close(ok_w)
report["processes"] = len(os.read(ok_r, 100))
made = 0
try:                                    # empty files: inodes, not bytes
    os.mkdir("many")
    for i in range(30000):
        open(f"many/{i}", "w").close()
        made += 1
except OSError:
    pass
report["files"] = made
'''


@needs_sandbox
def test_memory_and_inodes_are_bounded_per_sandbox():
    box = _box(uid_base=63800, memory_bytes=int(1.5 * 1024**3))
    try:
        reply = box.request({"op": "run_cell", "source": MEMORY_AROUND_LIMITS}, 90)
        report = decode(box.request({"op": "get", "name": "report"}, 30)["value"]) \
            if reply.get("status") == "ok" else {"died": reply}
    except Exception as exc:            # noqa: BLE001 - the sandbox killed: also bounded
        report = {"died": str(exc)}
    finally:
        box.close()
    if "died" not in report:
        assert report["memfd"] < 100 * 15 * 1024**2, report
        assert report["processes"] < 3, report
        assert report["files"] < 30000, report


# ---- class 10: every time limit bounds the batch; class 8 via the command line ------------
@needs_sandbox
def test_notebook_time_limit_bounds_all_its_tests(tmp_path):
    (tmp_path / "source" / "slow").mkdir(parents=True)
    (tmp_path / "source" / "slow" / "slow.ipynb").write_bytes(A.dump(A.slow_source()))
    F.write_submission(tmp_path, "slow", "slow", "slow.ipynb", A.dump(A.slow_submission()))
    settings = Settings(settings_for(tmp_path).sandbox, Timeouts(cell=1.5, notebook=3.0))
    started = time.monotonic()
    r = grade_submission(Course(tmp_path), "slow", "slow", settings)
    assert time.monotonic() - started < 3.0 + 3.0, r.seconds


def test_a_hung_worker_is_stopped_within_the_notebook_limit(tmp_path, monkeypatch):
    from assignments.grader import batch
    shutil.copytree(SOURCE / "embeddings", tmp_path / "source" / "embeddings")
    F.write_submission(tmp_path, "hangs", "embeddings", _nb_of(tmp_path, "embeddings").name, b"{}")
    monkeypatch.setattr(batch, "grade_submission", lambda *a, **k: time.sleep(3600))
    settings = Settings(settings_for(tmp_path).sandbox, Timeouts(cell=1.0, notebook=2.0))
    report = batch.grade_batch(Course(tmp_path), [("hangs", "embeddings")], settings,
                               workers=1, progress=False, load=False)
    assert report.seconds < 2.0 + 15.0
    assert any("too long" in f for f in report.results[0].flags)


def test_the_grader_bounds_its_own_memory(tmp_path, monkeypatch):
    from assignments.grader import batch
    shutil.copytree(SOURCE / "embeddings", tmp_path / "source" / "embeddings")
    F.write_submission(tmp_path, "greedy", "embeddings", _nb_of(tmp_path, "embeddings").name, b"{}")
    real = batch.grade_submission

    def greedy(*args, **kwargs):
        bytearray(6 * 1024**3)          # address space only (calloc): no real memory used
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "grade_submission", greedy)
    report = batch.grade_batch(Course(tmp_path), [("greedy", "embeddings")],
                               settings_for(tmp_path), workers=1, progress=False, load=False)
    assert any("grading failed" in f for f in report.results[0].flags)


@needs_sandbox
def test_command_line_survives_odd_files(tmp_path):
    shutil.copytree(SOURCE / "embeddings", tmp_path / "source" / "embeddings")
    nb_path = _nb_of(tmp_path, "embeddings")
    ref = F.dump(F.reference(cheats.load_source(nb_path)))
    for student in ("fifo-stamp", "innocent", ODD_NAME):
        F.write_submission(tmp_path, student, "embeddings", nb_path.name, ref)
    stamp = tmp_path / "submitted" / "fifo-stamp" / "embeddings" / "timestamp.txt"
    stamp.unlink()
    os.mkfifo(stamp)                              # reading it would block forever
    cmd = [sys.executable, "-m", "assignments.grader", "grade", "--course", str(tmp_path),
           "--workers", "2", "--timeout", "4", "--notebook-timeout", "60", "--no-progress",
           "--hide", str(SOURCE.parent)]
    env = dict(os.environ, GENAI_LAB_GRADER_UID_BASE=str(UID_BASE + 50))
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=150)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout.decode("utf-8")
    assert not CONTROL & set(out)
    for student in ("fifo-stamp", "innocent"):
        assert (tmp_path / "feedback" / student / "embeddings" / "embeddings.html").is_file()


def test_hidden_test_lines_flag_only_when_three_come_in_a_row():
    """A pasted hidden test (markers removed) is flagged; an answer that shares a few
    separate lines with the hidden tests (loop headers, common assignments) is not."""
    from assignments.grader.notebook import load_cells, teacher_material
    teacher = load_cells(_nb_of(SOURCE.parent, "embeddings").read_bytes())
    hidden = []
    for cell in teacher:
        for is_hidden, code in segments(cell["source"]):
            if is_hidden and "def _hidden_checks():" in code:      # the test's own body
                body = code.split("def _hidden_checks():", 1)[1]
                hidden = [line for line in body.splitlines()
                          if len(line.strip()) >= 16 and not line.strip().startswith("#")
                          and "_run_hidden_checks" not in line]
                break
        if len(hidden) >= 6:
            break
    assert len(hidden) >= 6
    pasted = [{"source": "\n".join(hidden[2:5])}]
    apart = [{"source": "\n".join(f"{line}\nstep_{i} = {i}" for i, line in enumerate(hidden[:6]))}]
    assert any("hidden tests" in f for f in teacher_material(teacher, pasted))
    assert teacher_material(teacher, apart) == ()
