"""Grade a batch of submissions on N worker processes, restartably.

Each submission is graded in its own forked worker process (which starts the sandbox),
whose address space is bounded (``isolation.GRADER_MEMORY_BYTES``: untrusted input cannot
make the trusted grader grow without limit), killed after the submission's time limit;
its result is written atomically to ``results/<student>/<assignment>.json`` together with a
fingerprint of everything it depends on. A later run skips submissions whose result has
the current fingerprint, so a run killed at any point (even SIGKILL) resumes where it
stopped, and no submission is graded twice. Only after all results exist does one writer
load them into the gradebook (idempotent: scores are set, never added).

Before it forks, the batch compiles the teacher's notebooks once (``prepare_assignments``),
and starts a zygote (``zygote.py``: numpy and IPython imported once per batch, nothing of
any student) from which the sandboxes are forked instead of exec'd; each forked worker
inherits both. ``GENAI_LAB_GRADER_ZYGOTE=0`` starts every sandbox cold instead.
Another engine can do the grading: ``backend.run(course, pairs, settings)`` yielding
``(student, assignment, SubmissionResult)`` (``cluster.DaskBackend``); this process still
writes every result file and the gradebook.
"""
from __future__ import annotations

import ctypes
import dataclasses
import multiprocessing as mp
import multiprocessing.connection
import os
import signal
import sys
import time

from . import zygote
from .course import Course
from .grade import Settings, crashed_result, grade_submission, prepare_assignments
from .isolation import GRADER_MEMORY_BYTES, bound_own_memory
from .gradebook import load_results
from .result import SubmissionResult, read_result, write_result
from .safetext import printable


@dataclasses.dataclass
class BatchReport:
    results: list[SubmissionResult]   # one per submission, sorted by (assignment, student)
    graded: int                  # submissions graded in this run
    reused: int                  # submissions whose current result was already on disk
    seconds: float               # wall-clock time of the whole run
    load_failures: list[str] = dataclasses.field(default_factory=list)  # gradebook refused


def enter_worker() -> None:
    """The first steps of a process forked to grade one submission: die with the parent
    (or exit 3 if it is gone already), Ctrl-C's default, the bounded address space."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG: die with parent
    if os.getppid() == 1:
        os._exit(3)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    bound_own_memory(GRADER_MEMORY_BYTES)


def _worker(course: Course, student: str, assignment: str, settings: Settings, slot: int):
    try:
        enter_worker()
        result = grade_submission(course, student, assignment, settings, slot)
        write_result(course.result_path(student, assignment), result)
    except BaseException:            # noqa: BLE001 - the parent records "grading failed"
        os._exit(1)
    os._exit(0)


KILL_GRACE = 8.0     # seconds per notebook for interrupting, killing and emptying sandboxes


def hard_limit(course: Course, assignment: str, settings: Settings) -> float:
    """A worker still running after this is killed: the notebook limit (which already
    covers start-ups and both runs) plus the time its kills may take."""
    n = len(course.source_notebooks(assignment))
    return n * (settings.timeouts.notebook + KILL_GRACE) + 5


def grade_batch(course: Course, pairs: list[tuple[str, str]], settings: Settings,
                workers: int | None = None, progress: bool = True,
                load: bool = True, backend=None) -> BatchReport:
    """Grade every (student, assignment) in ``pairs`` that has no current result, on local
    worker processes or on ``backend`` (e.g. ``cluster.DaskBackend``)."""
    started = time.monotonic()
    workers = max(1, workers or os.cpu_count() or 1)
    key = settings.key()
    todo, prints = [], {}
    for student, assignment in pairs:
        old = read_result(course.result_path(student, assignment))
        prints[student, assignment] = course.fingerprint(student, assignment, key)
        if old is None or old.fingerprint != prints[student, assignment]:
            todo.append((student, assignment))
    bar = None
    if progress:
        from tqdm import tqdm
        tqdm.monitor_interval = 0          # no monitor thread: we fork workers
        bar = tqdm(total=len(pairs), initial=len(pairs) - len(todo), unit="submission",
                   desc="grading", file=sys.stderr)
    try:
        if backend is not None:
            for student, assignment, result in backend.run(course, todo, settings):
                write_result(course.result_path(student, assignment), result)
                if bar:
                    bar.update(1)
        else:
            warm = todo and zygote.enabled(settings.sandbox.mode)
            if warm:
                zygote.start(settings.sandbox.python)     # forked workers inherit it
            prepare_assignments(course, {a for _, a in todo})   # inherited by the forks
            try:
                _run_local(course, todo, settings, workers, prints, bar)
            finally:
                if warm:
                    zygote.stop()
    finally:
        if bar:
            bar.close()
    results = [read_result(course.result_path(s, a)) for s, a in pairs]
    results = sorted((r for r in results if r), key=lambda r: (r.assignment, r.student))
    failures = load_results(course, results) if load and results else []
    return BatchReport(results, len(todo), len(pairs) - len(todo), time.monotonic() - started,
                       failures)


def _run_local(course: Course, todo: list[tuple[str, str]], settings: Settings, workers: int,
               prints: dict, bar) -> None:
    """Grade ``todo`` on ``workers`` forked processes, each result written by its worker."""
    ctx = mp.get_context("fork")
    running: dict = {}                 # sentinel -> (process, student, assignment, slot, t0)
    free_slots = list(range(workers))[::-1]
    queue = list(reversed(todo))
    try:
        while queue or running:
            while queue and free_slots:
                student, assignment = queue.pop()
                slot = free_slots.pop()
                proc = ctx.Process(target=_worker, args=(course, student, assignment,
                                                         settings, slot), daemon=True)
                proc.start()
                running[proc.sentinel] = (proc, student, assignment, slot, time.monotonic())
            ready = mp.connection.wait(list(running), timeout=1.0)
            now = time.monotonic()
            for sentinel in list(running):
                proc, student, assignment, slot, t0 = running[sentinel]
                overdue = now - t0 > hard_limit(course, assignment, settings)
                if sentinel not in ready and not overdue:
                    continue
                if overdue:
                    proc.kill()
                proc.join()
                del running[sentinel]
                free_slots.append(slot)
                path = course.result_path(student, assignment)
                done = read_result(path)
                if done is None or done.fingerprint != prints[student, assignment]:
                    reason = "grading took too long" if overdue else \
                        f"the grading process ended with code {proc.exitcode}"
                    write_result(path, crashed_result(course, student, assignment,
                                                      settings, reason))
                if bar:
                    bar.update(1)
    finally:
        for proc, *_ in running.values():
            proc.kill()


def summary_table(results: list[SubmissionResult]) -> str:
    """One line per submission: student, assignment, score/max, seconds, flags and notes."""
    rows = [("student", "assignment", "score", "seconds", "suspicious / notes")]
    for r in results:                      # every student-controlled string escaped
        marks = "; ".join([*r.flags, *(f"({n})" for n in r.notes)]) or "-"
        rows.append((printable(r.student, 100), printable(r.assignment, 100),
                     f"{r.score:g}/{r.max_score:g}", f"{r.seconds:.1f}", printable(marks[:200])))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4]
             for row in rows]
    return "\n".join(lines)
