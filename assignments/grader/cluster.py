"""Grading on a Dask cluster: ``--scheduler ADDRESS`` or ``--local-cluster N``.

Dask distributed (``dask.distributed``) schedules one task per submission on its workers;
through its deployment packages the same client reaches Kubernetes (``dask-kubernetes``)
and HPC batch systems (``dask-jobqueue``: SLURM, HTCondor, PBS). Dask isolates nothing, so
each task hands its submission to a grading server on its worker (``task.py --serve``,
one per worker thread, started by the thread's first task), which grades it the way a
local batch does: the teacher's notebooks compiled once, sandboxes forked from a warm
zygote, one forked process per submission with the memory bound and the time limit. The
task returns the result as data. This process stays the single writer of result files and the
gradebook (``batch.grade_batch``). Workers must see the course folder at the same path
(a shared file system) and have this project installed.

If a worker dies, Dask runs its tasks again elsewhere (up to ``allowed-failures`` times);
a task that still fails becomes that submission's "grading failed" result.
"""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

from .batch import hard_limit
from .codec import frame, read_frame
from .course import Course
from .grade import Settings, crashed_result
from .result import from_json, to_json

PROJECT = Path(__file__).resolve().parents[2]      # the folder holding ``assignments/``


def _task_env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(PROJECT), *filter(None, [os.environ.get("PYTHONPATH")])]))


class GradingServer:
    """A ``task.py --serve`` process of this worker thread: framed requests, framed replies."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "assignments.grader.task",
                                      "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, cwd=PROJECT, env=_task_env())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def grade(self, request: tuple, timeout: float) -> bytes:
        """The result JSON for ``request``; ``OSError``/``EOFError``/``TimeoutError`` if the
        server fails (the caller then stops it)."""
        self.proc.stdin.write(frame(pickle.dumps(request)))
        self.proc.stdin.flush()
        return read_frame(self.proc.stdout.fileno(), time.monotonic() + timeout)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


servers = threading.local()         # one server per worker thread, started by its first task


def grade_in_process(course: Course, student: str, assignment: str,
                     settings: Settings) -> dict:
    """The Dask task: grade one submission on this worker thread's grading server (started
    once: ``task.py --serve``), or, should the server fail, in a fresh ``task.py`` process;
    its result as JSON-able data (a "grading failed" result if grading fails or overruns)."""
    limit = hard_limit(course, assignment, settings)
    server = getattr(servers, "server", None)
    if server is None or not server.alive():
        server = servers.server = GradingServer()
    try:
        return from_json_checked(server.grade((course, student, assignment, settings),
                                              limit + 10))
    except (OSError, EOFError, TimeoutError, ValueError):
        server.stop()                           # a new one for the next task
        servers.server = None
    return grade_cold(course, student, assignment, settings)


def grade_cold(course: Course, student: str, assignment: str, settings: Settings) -> dict:
    """One submission in a fresh ``task.py`` process (no server, no zygote)."""
    limit = hard_limit(course, assignment, settings) + 5
    try:
        run = subprocess.run([sys.executable, "-m", "assignments.grader.task"],
                             input=pickle.dumps((course, student, assignment, settings)),
                             capture_output=True, timeout=limit, cwd=PROJECT, env=_task_env())
        if run.returncode == 0:
            return from_json_checked(run.stdout)
        reason = f"the grading process ended with code {run.returncode}"
    except subprocess.TimeoutExpired:
        reason = "grading took too long"
    except ValueError as exc:
        reason = f"the grading process gave no result ({exc})"
    return to_json(crashed_result(course, student, assignment, settings, reason))


def from_json_checked(raw: bytes) -> dict:
    """The task's stdout as a result dict (``ValueError`` if it is not one)."""
    data = json.loads(raw)
    from_json(data)                     # raises ValueError if it is not a result
    return data


class DaskBackend:
    """A ``grade_batch`` back end that runs each submission as a task on a Dask cluster."""

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster

    @classmethod
    def connect(cls, address: str) -> "DaskBackend":
        """A running scheduler, e.g. ``tcp://10.0.0.5:8786``."""
        from distributed import Client
        return cls(Client(address))

    @classmethod
    def local(cls, workers: int) -> "DaskBackend":
        """A cluster of ``workers`` processes on this machine (127.0.0.1 only)."""
        from distributed import Client, LocalCluster
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0")
        return cls(Client(cluster), cluster)

    def run(self, course: Course, pairs: list[tuple[str, str]], settings: Settings):
        """Yield ``(student, assignment, SubmissionResult)`` as the cluster finishes them."""
        from distributed import as_completed
        futures = {}
        for student, assignment in pairs:
            key = f"grade-{assignment}-{student}-{os.urandom(4).hex()}"
            fut = self.client.submit(grade_in_process, course, student, assignment, settings,
                                     pure=False, key=key)
            futures[fut] = (student, assignment)
        for fut in as_completed(futures):
            student, assignment = futures.pop(fut)
            try:
                result = from_json(fut.result())
            except Exception as exc:          # noqa: BLE001 - that submission only
                result = crashed_result(course, student, assignment, settings,
                                        f"the cluster could not grade it ({type(exc).__name__})")
            yield student, assignment, result

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

