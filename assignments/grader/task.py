"""One submission graded in a process of its own: ``python -m assignments.grader.task``.

A Dask worker (``cluster.py``) runs its tasks in threads, and the grader needs a main
thread (its test-cell alarm is a signal) and a process whose memory it may bound; so each
task starts this program, sends it ``pickle((course, student, assignment, settings))`` on
stdin and reads the ``SubmissionResult`` back as JSON on stdout. The process is the
trusted grader (student code runs in the sandboxes it starts), dies with its parent, and
has the same memory bound as a local worker.
"""
from __future__ import annotations

import ctypes
import json
import pickle
import signal
import sys

from .grade import grade_submission
from .isolation import bound_own_memory
from .result import to_json


def main() -> int:
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)      # PR_SET_PDEATHSIG
    course, student, assignment, settings = pickle.loads(sys.stdin.buffer.read())
    bound_own_memory()
    result = grade_submission(course, student, assignment, settings)
    sys.stdout.write(json.dumps(to_json(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
