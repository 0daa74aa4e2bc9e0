"""Command line: ``python -m assignments.grader {grade,load,check} --course FOLDER ...``.

  grade   grade submitted/ into results, the gradebook and feedback/
  load    load existing results into the gradebook again
  feedback  write feedback/ pages again from the results and the Formgrader's marks
  check   start one sandbox and show what student code can see (run this first)


Run it from the project root (the folder holding ``assignments/``) with the course venv's
Python. See README.md in this folder.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from .batch import grade_batch, summary_table
from .bridge import Timeouts
from .codec import decode
from .course import Course
from .autograded import write_autograded
from .feedback import write_feedback
from .grade import Settings
from .gradebook import load_results, results_in
from .cgroup import available as cgroup_available
from .cluster import DaskBackend
from .isolation import (Limits, SandboxConfig, allow_list, default_hide, detect_mode,
                        keep_paths)
from .result import read_result
from .safetext import printable
from .sandbox import Sandbox


_PROBE = """
import ctypes, os, socket
seen = {}
for p in PATHS:
    try:
        seen[p] = sorted(os.listdir(p)) if os.path.isdir(p) else (open(p, "rb").read(1), "file")[1]
    except OSError as exc:
        seen[p] = "hidden (" + type(exc).__name__ + ")"
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    seen["network"] = "REACHABLE"
except OSError as exc:
    seen["network"] = "cut (" + type(exc).__name__ + ")"
_libc = ctypes.CDLL(None, use_errno=True)
_key = _libc.syscall(248, b"user", b"genai-lab-check", b"x", 1, -4)
_other = [p for p in os.listdir("/proc") if p.isdigit() and p != str(os.getpid())]
_state = {"uid": os.getuid(), "root": sorted(os.listdir("/")), "pid": os.getpid(),
          "others": len(_other), "keyring": _key}
"""


def _isolation_lines(state: dict, box: Sandbox, cfg: SandboxConfig) -> tuple[list[str], int]:
    """What ``check`` says about the file system view, processes, cgroup and keyrings."""
    lines, bad = [], 0
    if cfg.mode == "none":
        return ["file system: EVERYTHING the grader can read (no namespaces)"], 1
    lines.append("file system: allow-list only, read-only: " + ", ".join(allow_list()))
    lines.append(f"  the sandbox's / holds: {' '.join(state['root'])}")
    if state["pid"] == 1 and state["others"] <= 2:
        lines.append(f"processes: PID namespace (it runs as pid 1 and sees "
                     f"{state['others']} other process(es), all its own)")
    else:
        lines.append(f"processes: OTHER PROCESSES VISIBLE ({state['others']})")
        bad += 1
    lim = cfg.limits
    if box.cgroup is not None:
        lines.append(f"cgroup: {box.cgroup.kind}, {lim.memory_bytes // 1024**2} MB and "
                     f"{lim.nproc + 4} processes for the whole sandbox")
    else:
        lines.append(f"cgroup: {cgroup_available()}: memory is limited per process only "
                     f"(RLIMIT_AS {lim.memory_bytes // 1024**2} MB x {lim.nproc} processes)")
    lines.append(f"tmpfs: working folder {lim.folder_mb} MB, /tmp {lim.tmp_mb} MB, "
                 f"{lim.inodes} inodes each")
    if state["keyring"] < 0:
        lines.append("keyrings, memfd, namespace/mount calls: refused (seccomp); SysV IPC and "
                     "abstract sockets: private (IPC and network namespaces)")
    else:
        lines.append("keyrings: USABLE (a key written here outlives the sandbox)")
        bad += 1
    return lines, bad


def _check(course: Course, cfg: SandboxConfig) -> int:
    """Start one sandbox and report what its code can see and use."""
    paths = [str(course.root / "source"), str(course.root / "gradebook.db"),
             str(course.root / "submitted"), str(course.results), *cfg.hide]
    box = Sandbox(cfg, 0, {})
    try:
        box.request({"op": "run_cell", "source": f"PATHS = {paths!r}\n" + _PROBE}, 60)
        seen = decode(box.request({"op": "get", "name": "seen"}, 30)["value"])
        state = decode(box.request({"op": "get", "name": "_state"}, 30)["value"])
        lines, bad = _isolation_lines(state, box, cfg)
    finally:
        box.close()
    print(f"sandbox mode: {cfg.mode}; student code runs as uid {state['uid']}")
    for line in lines:
        print(line)
    for key, value in seen.items():
        if isinstance(value, list):         # a folder: only the Python installation may show
            kept = {Path(k).relative_to(key).parts[0] for k in keep_paths()
                    if k.startswith(key.rstrip("/") + "/")}
            extra = sorted(set(value) - kept)
            value = f"READABLE: {extra}" if extra else \
                f"hidden (empty{', Python installation ' + str(sorted(kept)) if kept else ''})"
        elif value == "file":
            value = "READABLE"
        bad += value.startswith(("READABLE", "REACHABLE"))
        print(f"  {key}: {value}")
    print("OK: student code cannot see the course or reach the network" if not bad else
          "WARNING: student code can read, reach or use what is marked in capitals")
    return 1 if bad else 0


def _sandbox_config(args, course: Course) -> SandboxConfig:
    mode = detect_mode()
    if mode == "none" and not args.allow_weak_sandbox:
        raise SystemExit("error: no sandbox available (not root and no user namespaces): "
                         "student code could read your files. Run as root (sudo), or pass "
                         "--allow-weak-sandbox to grade anyway with resource limits only.")
    hide = default_hide(course.root) + tuple(str(Path(h).resolve()) for h in args.hide)
    return SandboxConfig(mode=mode, hide=tuple(sorted(set(hide))),
                         uid_base=int(os.environ.get("GENAI_LAB_GRADER_UID_BASE", "62000")))


def _settings(args, course: Course) -> Settings:
    cfg = _sandbox_config(args, course)
    limits = Limits(memory_bytes=args.memory_mb * 1024**2,
                    cpu_seconds=int(args.notebook_timeout))
    return Settings(dataclasses.replace(cfg, limits=limits),
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
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on this Dask scheduler (e.g. tcp://10.0.0.5:8786) instead "
                        "of local workers; the workers must see the course folder")
    g.add_argument("--local-cluster", type=int, default=None, metavar="N",
                   help="grade on a Dask cluster of N worker processes on this machine")
    g.add_argument("--no-progress", action="store_true")
    g.add_argument("--no-feedback", action="store_true", help="do not write feedback/ HTML")
    lo = sub.add_parser("load", help="load existing results into the gradebook")
    lo.add_argument("--course", default="assignments")
    fb = sub.add_parser("feedback", help="write feedback/ pages again (teacher's marks included)")
    fb.add_argument("--course", default="assignments")
    ch = sub.add_parser("check", help="start one sandbox and show what student code can see")
    ch.add_argument("--course", default="assignments")
    ch.add_argument("--hide", action="append", default=[])
    ch.add_argument("--allow-weak-sandbox", action="store_true")
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
    if args.command == "feedback":      # after manual grading in the Formgrader
        results = [r for r in map(read_result, results_in(course.results)) if r]
        for r in results:
            write_feedback(course, r)
        print(f"wrote the feedback pages of {len(results)} submissions in {course.root / 'feedback'}")
        return 0
    if args.command == "check":
        return _check(course, _sandbox_config(args, course))
    settings = _settings(args, course)
    pairs = course.submissions(args.assignment or None, args.student or None)
    backend = DaskBackend.connect(args.scheduler) if args.scheduler else \
        DaskBackend.local(args.local_cluster) if args.local_cluster else None
    try:
        report = grade_batch(course, pairs, settings, workers=args.workers,
                             progress=not args.no_progress, backend=backend)
    finally:
        if backend is not None:
            backend.close()
    problems = list(report.load_failures)
    for r in report.results:                   # what the Formgrader opens (autograded.py)
        try:
            write_autograded(course, r)
        except Exception as exc:                # noqa: BLE001 - reported below
            problems.append(f"autograded/ for {r.student!r}/{r.assignment!r}: "
                            f"{type(exc).__name__}: {exc}")
    if not args.no_feedback:
        for r in report.results:               # one failing page never stops the others
            try:
                write_feedback(course, r)
            except Exception as exc:            # noqa: BLE001 - reported below
                problems.append(f"feedback for {r.student!r}/{r.assignment!r}: "
                                f"{type(exc).__name__}: {exc}")
    print(summary_table(report.results))
    for problem in problems:
        print(f"warning: {printable(problem, 500)}", file=sys.stderr)
    print(f"\n{len(report.results)} submissions ({report.graded} graded now, {report.reused} "
          f"already graded) in {report.seconds:.1f} s; sandbox: {settings.sandbox.mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
