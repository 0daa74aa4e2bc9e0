"""The Dask back end: the same gradebook as local workers, and a killed worker loses nothing."""
from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "grader_fixtures"))

import cheats  # noqa: E402
from assignments.grader import (Course, SandboxConfig, Settings, Timeouts,  # noqa: E402
                                default_hide, detect_mode, grade_batch, snapshot)
from assignments.grader import fabricate as F  # noqa: E402
from assignments.grader.cluster import DaskBackend  # noqa: E402

pytest.importorskip("distributed")
SOURCE = ROOT / "assignments" / "source"
KINDS = ["reference", "wrong", "tampered-wrong", "os-exit", "loop"]
UID_BASE = 64000


def make_course(root: Path) -> Course:
    """One assignment x 5 kinds of submission (full, partial, flagged, died, timed out)."""
    shutil.copytree(SOURCE / "embeddings", root / "source" / "embeddings")
    nb_path = next((SOURCE / "embeddings").glob("*.ipynb"))
    subs = cheats.submissions(cheats.load_source(nb_path))
    for kind in KINDS:
        F.write_submission(root, kind, "embeddings", nb_path.name, subs[kind][0])
    return Course(root)


def settings(root: Path) -> Settings:
    return Settings(SandboxConfig(mode=detect_mode(), uid_base=UID_BASE,
                                  hide=default_hide(root) + default_hide(SOURCE.parent)),
                    Timeouts(cell=3.0, notebook=60.0))


def scores(report) -> dict:
    return {(r.student, r.assignment): (r.score, r.flags, r.notes,
                                        [(c.grade_id, c.score, c.feedback) for _, c in r.cells()])
            for r in report.results}


class KillOneWorker:
    """A back end that kills one Dask worker process as soon as the first result is in."""

    def __init__(self, backend: DaskBackend):
        self.backend, self.killed = backend, None

    def run(self, course, pairs, settings):
        for item in self.backend.run(course, pairs, settings):
            if self.killed is None:
                pids = self.backend.client.run(os.getpid)        # worker address -> pid
                self.killed = sorted(pids.values())[0]
                os.kill(self.killed, signal.SIGKILL)
            yield item


@pytest.mark.skipif(detect_mode() == "none", reason="no sandbox here")
def test_dask_cluster_gives_the_local_gradebook_even_when_a_worker_dies(tmp_path):
    local = make_course(tmp_path / "local")
    expected = grade_batch(local, local.submissions(), settings(local.root), workers=2,
                           progress=False)
    course = make_course(tmp_path / "dask")
    backend = DaskBackend.local(2)
    try:
        killer = KillOneWorker(backend)
        report = grade_batch(course, course.submissions(), settings(course.root),
                             progress=False, backend=killer)
    finally:
        backend.close()
    assert killer.killed is not None
    assert report.graded == len(KINDS)
    assert scores(report) == scores(expected)
    assert snapshot(course) == snapshot(local)
    assert not any("grading failed" in f for r in report.results for f in r.flags)


def test_the_grading_server_grades_as_a_fresh_process_does_and_is_replaced_if_it_dies(tmp_path):
    from assignments.grader import cluster
    from assignments.grader.result import from_json
    course, s = make_course(tmp_path), settings(tmp_path)

    def marks(data):
        r = from_json(data)
        return [(c.grade_id, c.score, c.feedback) for _, c in r.cells()], r.flags, r.notes

    server = cluster.GradingServer()
    try:
        for kind in ("reference", "tampered-wrong"):     # full marks; partial and flagged
            served = cluster.from_json_checked(server.grade((course, kind, "embeddings", s), 120))
            assert marks(served) == marks(cluster.grade_cold(course, kind, "embeddings", s)), kind
    finally:
        server.stop()
    first = cluster.grade_in_process(course, "reference", "embeddings", s)
    for wait in (False, True):            # this thread's server dies (before or while used)
        cluster.servers.server.proc.kill()
        if wait:
            cluster.servers.server.proc.wait()
        again = cluster.grade_in_process(course, "reference", "embeddings", s)
        assert marks(again) == marks(first) and not from_json(again).errors
        if cluster.servers.server is None:             # it failed mid-request: graded cold
            cluster.grade_in_process(course, "reference", "embeddings", s)
        assert cluster.servers.server.alive()          # and the next task starts a new one
    cluster.servers.server.stop()
