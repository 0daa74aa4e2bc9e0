"""Grade a fabricated class, serial against parallel, on this machine (prints figures).

    .venv/bin/python benchmarks/bench_grading.py                 # 100 students x 4 assignments
    .venv/bin/python benchmarks/bench_grading.py --students 10   # a subset (extrapolated)

Each student gets, per assignment, either the teacher's reference solutions or the
"wrong" solutions (right types, wrong values), fabricated from the source notebooks
(assignments.grader.fabricate). The same class is graded twice, into two separate course
copies: with 1 worker and with N workers (default: os.cpu_count()); the two gradebooks
must be equal. Run as root for the full sandbox (as the teacher would).
"""
from __future__ import annotations

import argparse
import os
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

SOURCE = ROOT / "assignments" / "source"


def make_class(root: Path, students: int) -> Course:
    shutil.copytree(SOURCE, root / "source")
    for assignment in sorted(p.name for p in (root / "source").iterdir() if p.is_dir()):
        for nb_path in sorted((root / "source" / assignment).glob("*.ipynb")):
            src = F.load(nb_path)
            ref, wrong = F.dump(F.reference(src)), F.dump(F.wrong(src))
            for i in range(students):
                content = wrong if i % 3 == 0 else ref   # a third of the class is wrong
                F.write_submission(root, f"student{i:03d}", assignment, nb_path.name, content)
    return Course(root)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    args = p.parse_args()
    mode = detect_mode()
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, args.workers):
            course = make_class(Path(tmp) / f"w{workers}", args.students)
            settings = Settings(SandboxConfig(mode=mode, uid_base=64000,
                                              hide=default_hide(course.root)
                                              + default_hide(SOURCE.parent)), Timeouts())
            pairs = course.submissions()
            started = time.perf_counter()
            report = grade_batch(course, pairs, settings, workers=workers, progress=True)
            seconds = time.perf_counter() - started
            runs[workers] = (seconds, len(pairs), snapshot(course), report)
    (s1, n, snap1, rep1), (sn, _, snapn, _) = runs[1], runs[args.workers]
    per = [r.seconds for r in rep1.results]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average now {load}, sandbox mode: {mode}")
    print(f"class: {args.students} students x {n // max(args.students, 1)} assignments = "
          f"{n} submissions")
    print(f"serial (1 worker):    {s1:8.1f} s total, {s1 / n:.2f} s per submission")
    print(f"parallel ({args.workers} workers): {sn:8.1f} s total, {sn / n:.2f} s per submission")
    print(f"speed-up: {s1 / sn:.2f}x; gradebooks equal: {snap1 == snapn}")
    print(f"one submission inside its worker: median {sorted(per)[len(per) // 2]:.2f} s, "
          f"max {max(per):.2f} s")
    if args.students != 100:
        scale = 100 / args.students
        print(f"extrapolated to 100 students ({n * scale:.0f} submissions): serial "
              f"{s1 * scale / 60:.1f} min, parallel {sn * scale / 60:.1f} min")


if __name__ == "__main__":
    main()
