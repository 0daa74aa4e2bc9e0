"""Grade a fabricated class on local workers and on a local Dask cluster (prints figures).

    sudo .venv/bin/python benchmarks/bench_grading.py                  # 1000 students x 4
    sudo .venv/bin/python benchmarks/bench_grading.py --students 100   # 400 submissions
    sudo .venv/bin/python benchmarks/bench_grading.py --students 100 --backends local

Each student gets, per assignment, the teacher's reference solutions or (one in three) the
"wrong" solutions (right types, wrong values), fabricated from the source notebooks
(``assignments.grader.fabricate``). The same class is graded into separate course copies:
by ``grade_batch`` on N local worker processes, and on a Dask ``LocalCluster`` of N worker
processes on 127.0.0.1 (``cluster.DaskBackend``: each task runs the whole grader in its own
process on its worker). The gradebooks must be equal. Run as root for the full sandbox.
Prints the machine's load before and after: on a shared machine the figures move with it.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assignments.grader import (Course, SandboxConfig, Settings, Timeouts,  # noqa: E402
                                default_hide, detect_mode, grade_batch, snapshot)
from assignments.grader import fabricate as F  # noqa: E402
from assignments.grader.cluster import DaskBackend  # noqa: E402
from assignments.grader.gradebook import load_results  # noqa: E402

SOURCE = ROOT / "assignments" / "source"
FOUR = ("embeddings", "sampling", "softmax", "tokenization")


def make_class(root: Path, students: int, assignments: tuple[str, ...]) -> Course:
    for assignment in assignments:
        shutil.copytree(SOURCE / assignment, root / "source" / assignment)
        for nb_path in sorted((root / "source" / assignment).glob("*.ipynb")):
            src = F.load(nb_path)
            ref, wrong = F.dump(F.reference(src)), F.dump(F.wrong(src))
            for i in range(students):
                content = wrong if i % 3 == 0 else ref   # a third of the class is wrong
                F.write_submission(root, f"student{i:04d}", assignment, nb_path.name, content)
    return Course(root)


def cpu_seconds() -> float:
    """User + system CPU of this process and of every process it has waited for (workers,
    sandboxes, zygote, Dask's processes once closed)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--students", type=int, default=1000)
    p.add_argument("--assignments", nargs="+", default=list(FOUR))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--backends", nargs="+", default=["local", "dask"], choices=["local", "dask"])
    args = p.parse_args()
    mode = detect_mode()
    print(f"machine: {os.cpu_count()} CPUs, load average at start {load()}, sandbox: {mode}")
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.backends:
            course = make_class(Path(tmp) / name, args.students, tuple(args.assignments))
            settings = Settings(SandboxConfig(mode=mode, uid_base=64500,
                                              hide=default_hide(course.root)
                                              + default_hide(SOURCE.parent)), Timeouts())
            pairs = course.submissions()
            cpu0 = cpu_seconds()
            started = time.perf_counter()
            backend = DaskBackend.local(args.workers) if name == "dask" else None
            try:
                report = grade_batch(course, pairs, settings, workers=args.workers,
                                     progress=True, backend=backend, load=False)
            finally:
                if backend is not None:
                    backend.close()
            graded = time.perf_counter()
            failures = load_results(course, report.results)
            seconds = time.perf_counter() - started
            cpu = cpu_seconds() - cpu0
            runs[name] = (seconds, len(pairs), snapshot(course), report)
            per = sorted(r.seconds for r in report.results)
            n = len(pairs)
            print(f"{name:5s} ({args.workers} workers): {n} submissions in {seconds:7.1f} s "
                  f"= {seconds / n:.3f} s each ({seconds * args.workers / n:.2f} worker-s each)"
                  f"{'; cluster start-up included' if name == 'dask' else ''}")
            print(f"      grading {graded - started:.1f} s, gradebook {seconds - (graded - started):.1f} s"
                  f" ({len(failures)} refused); "
                  + (f"CPU {cpu:.1f} s = {cpu / n:.3f} s a submission" if name == "local" else
                     "CPU not counted (Dask's processes are not this one's children)") +
                  f"; inside a worker: median {per[n // 2]:.3f} s, max {per[-1]:.2f} s; "
                  f"load now {load()}")
    if len(runs) == 2:
        print(f"gradebooks equal: {runs['local'][2] == runs['dask'][2]}")
    print(f"load average at end {load()}")


if __name__ == "__main__":
    main()
