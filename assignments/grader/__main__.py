"""Command line: ``python -m assignments.grader {grade,load,check} --course FOLDER ...``.

Run it from the project root (the folder holding ``assignments/``) with the course venv's
Python. See README.md in this folder.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .batch import grade_batch, summary_table
from .course import Course
from .execute import Timeouts
from .feedback import write_feedback
from .grade import Settings, read_result
from .gradebook import load_results, results_in
from .sandbox import Limits, SandboxConfig, default_hide, detect_mode


def _settings(args, course: Course) -> Settings:
    mode = detect_mode()
    if mode == "none" and not args.allow_weak_sandbox:
        raise SystemExit("error: no sandbox available (not root and no user namespaces): "
                         "student code could read your files. Run as root (sudo), or pass "
                         "--allow-weak-sandbox to grade anyway with resource limits only.")
    hide = default_hide(course.root) + tuple(str(Path(h).resolve()) for h in args.hide)
    limits = Limits(memory_bytes=args.memory_mb * 1024**2,
                    cpu_seconds=int(args.notebook_timeout))
    uid_base = int(os.environ.get("GENAI_LAB_GRADER_UID_BASE", "62000"))
    return Settings(SandboxConfig(mode=mode, hide=tuple(sorted(set(hide))), limits=limits,
                                  uid_base=uid_base),
                    Timeouts(cell=args.timeout, notebook=args.notebook_timeout))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m assignments.grader", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade submitted/ into results and the gradebook")
    g.add_argument("--course", default="assignments", help="nbgrader course folder")
    g.add_argument("--assignment", action="append", default=[], help="only these (repeatable)")
    g.add_argument("--student", action="append", default=[], help="only these (repeatable)")
    g.add_argument("--workers", type=int, default=None, help="parallel workers (default: CPUs)")
    g.add_argument("--timeout", type=float, default=30.0, help="seconds per cell (default 30)")
    g.add_argument("--notebook-timeout", type=float, default=300.0,
                   help="seconds per notebook (default 300)")
    g.add_argument("--memory-mb", type=int, default=2048, help="address space per sandbox")
    g.add_argument("--hide", action="append", default=[],
                   help="extra folder/file the student code must not see (repeatable)")
    g.add_argument("--allow-weak-sandbox", action="store_true",
                   help="grade even without namespaces (rlimits + temporary folder only)")
    g.add_argument("--no-progress", action="store_true")
    g.add_argument("--no-feedback", action="store_true", help="do not write feedback/ HTML")
    lo = sub.add_parser("load", help="load existing results into the gradebook")
    lo.add_argument("--course", default="assignments")
    args = p.parse_args(argv)

    course = Course(Path(args.course).resolve())
    if not (course.root / "source").is_dir():
        print(f"error: {course.root} has no source/ folder (is it an nbgrader course?)",
              file=sys.stderr)
        return 2
    if args.command == "load":
        results = [r for r in map(read_result, results_in(course.results)) if r]
        load_results(course, results)
        print(f"loaded {len(results)} results into {course.gradebook_url}")
        return 0
    settings = _settings(args, course)
    pairs = course.submissions(args.assignment or None, args.student or None)
    report = grade_batch(course, pairs, settings, workers=args.workers,
                         progress=not args.no_progress)
    if not args.no_feedback:
        for r in report.results:
            write_feedback(course, r)
    print(summary_table(report.results))
    print(f"\n{len(report.results)} submissions ({report.graded} graded now, {report.reused} "
          f"already graded) in {report.seconds:.1f} s; sandbox: {settings.sandbox.mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
