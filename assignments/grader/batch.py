"""Grade a batch of submissions on N worker processes, restartably.

Each submission is graded in its own forked worker process (which starts the sandbox);
its result is written atomically to ``results/<student>/<assignment>.json`` together with a
fingerprint of everything it depends on. A later run skips submissions whose result has
the current fingerprint, so a run killed at any point (even SIGKILL) resumes where it
stopped, and no submission is graded twice. Only after all results exist does one writer
load them into the gradebook (idempotent: scores are set, never added).
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

from .course import Course
from .grade import Settings, crashed_result, grade_submission
from .gradebook import load_results
from .result import SubmissionResult, read_result, write_result


@dataclasses.dataclass
class BatchReport:
    results: list[SubmissionResult]   # one per submission, sorted by (assignment, student)
    graded: int                  # submissions graded in this run
    reused: int                  # submissions whose current result was already on disk
    seconds: float               # wall-clock time of the whole run


def _worker(course: Course, student: str, assignment: str, settings: Settings, slot: int):
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG: die with parent
    if os.getppid() == 1:
        os._exit(3)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    result = grade_submission(course, student, assignment, settings, slot)
    write_result(course.result_path(student, assignment), result)
    os._exit(0)


def _hard_limit(course: Course, assignment: str, settings: Settings) -> float:
    n = len(course.source_notebooks(assignment))
    return n * (settings.timeouts.notebook + settings.timeouts.start + 30) + 30


def grade_batch(course: Course, pairs: list[tuple[str, str]], settings: Settings,
                workers: int | None = None, progress: bool = True,
                load: bool = True) -> BatchReport:
    """Grade every (student, assignment) in ``pairs`` that has no current result."""
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
                overdue = now - t0 > _hard_limit(course, assignment, settings)
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
        if bar:
            bar.close()
    results = [read_result(course.result_path(s, a)) for s, a in pairs]
    results = sorted((r for r in results if r), key=lambda r: (r.assignment, r.student))
    if load and results:
        load_results(course, results)
    return BatchReport(results, len(todo), len(pairs) - len(todo), time.monotonic() - started)


def summary_table(results: list[SubmissionResult]) -> str:
    """One line per submission: student, assignment, score/max, seconds, flags and notes."""
    rows = [("student", "assignment", "score", "seconds", "suspicious / notes")]
    for r in results:
        marks = "; ".join([*r.flags, *(f"({n})" for n in r.notes)]) or "-"
        rows.append((r.student, r.assignment, f"{r.score:g}/{r.max_score:g}",
                     f"{r.seconds:.1f}", marks[:200]))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4]
             for row in rows]
    return "\n".join(lines)
