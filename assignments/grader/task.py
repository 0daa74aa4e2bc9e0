"""Submissions graded outside the Dask worker: ``python -m assignments.grader.task [--serve]``.

A Dask worker (``cluster.py``) runs its tasks in threads, and the grader needs a main
thread (its test-cell alarm is a signal) and a process whose memory it may bound; so the
grading happens in a process of its own. Two ways, the same grader:

- ``--serve`` (what ``cluster.py`` uses): a grading server, one per Dask worker thread,
  started once. Like a local batch (``batch.py``) it keeps the teacher's notebooks
  compiled and a warm zygote for the sandboxes, and forks one process per submission
  (memory bounded, killed at the submission's time limit), so a task costs what a local
  submission costs. Requests and replies are framed: an 8-byte length, then
  ``pickle((course, student, assignment, settings))`` from the worker (trusted: it is the
  teacher's own scheduler) and the result's JSON back.
- no argument: one submission read from stdin, its result as JSON on stdout (the fallback
  when a server cannot be used).

Both die with their parent. Student code runs only in the sandboxes they start.
"""
from __future__ import annotations

import ctypes
import json
import os
import pickle
import select
import signal
import sys
import time

from . import zygote
from .batch import enter_worker, hard_limit
from .codec import frame, read_frame
from .grade import crashed_result, grade_submission, prepare_assignments
from .result import to_json

MAX_RESULT_BYTES = 64 * 1024 * 1024      # a result is far smaller (its texts are bounded)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_channel: tuple[int, ...] = ()          # the server's request/reply fds (closed in children)


def _grade_forked(course, student, assignment, settings) -> bytes:
    """One submission in a forked child (the server holds nothing of any student): its
    result's JSON, or a "grading failed" result when the child fails or overruns."""
    limit = hard_limit(course, assignment, settings)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                           # pragma: no cover - child
        try:
            for fd in (r, *_channel):
                os.close(fd)
            enter_worker()
            _write_all(w, json.dumps(to_json(grade_submission(course, student, assignment,
                                                              settings))).encode())
        except BaseException:                              # noqa: BLE001 - no result
            os._exit(1)
        os._exit(0)
    os.close(w)
    deadline, chunks, size, reason = time.monotonic() + limit, [], 0, None
    try:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([r], [], [], max(0.0, left))
            if not ready:
                reason = "grading took too long"
                break
            b = os.read(r, 1 << 20)
            if not b:
                break
            size += len(b)
            if size > MAX_RESULT_BYTES:
                reason = "the grading process gave no result (too large)"
                break
            chunks.append(b)
    finally:
        os.close(r)
        if reason:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if reason is None and code != 0:
        reason = f"the grading process ended with code {code}"
    if reason:
        return json.dumps(to_json(crashed_result(course, student, assignment, settings,
                                                 reason))).encode()
    return b"".join(chunks)


def serve() -> int:
    """Answer framed requests on stdin with framed results on stdout until EOF. The
    channel is moved off fds 0 and 1 first, so that nothing printed can garble it."""
    global _channel
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)      # PR_SET_PDEATHSIG
    rfd, wfd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    _channel = (rfd, wfd)
    while True:
        try:
            course, student, assignment, settings = pickle.loads(read_frame(rfd))
        except EOFError:
            break
        if zygote.enabled(settings.sandbox.mode):
            zygote.ensure(settings.sandbox.python)
        prepare_assignments(course, [assignment])        # compiled once, then cached
        _write_all(wfd, frame(_grade_forked(course, student, assignment, settings)))
    zygote.stop()
    return 0


def main() -> int:
    if sys.argv[1:] == ["--serve"]:
        return serve()
    enter_worker()
    course, student, assignment, settings = pickle.loads(sys.stdin.buffer.read())
    result = grade_submission(course, student, assignment, settings)
    sys.stdout.write(json.dumps(to_json(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
