"""A control group per sandbox: memory and processes limited for the sandbox as a whole.

RLIMIT_AS limits each process's address space, not the sandbox: 16 processes may each use
the limit, and pages of anonymous files (memfd, tmpfs) are not address space at all. A
cgroup counts every page the sandbox's processes use (anonymous memory, tmpfs/memfd pages,
kernel memory) and every process, whatever they do. Each sandbox gets a new cgroup
below the grader's own (so any limit the machine puts on the grader still holds):

- cgroup v2 (``/sys/fs/cgroup/cgroup.controllers`` lists ``memory``): ``memory.max``,
  ``memory.swap.max`` = 0, ``pids.max``; emptied with ``cgroup.kill``;
- cgroup v1 (``/sys/fs/cgroup/memory`` and ``/sys/fs/cgroup/pids``): ``memory.limit_in_bytes``
  (and ``memory.memsw.limit_in_bytes``: no swap either), ``pids.max``.

When the sandbox goes over its memory, the kernel kills one of its processes (out of
memory); the grader sees a dead student process. ``available()`` says which kind works
here (``check`` prints it); without one the sandbox still has its rlimits.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_path(controller: str | None) -> str | None:
    """This process's cgroup path in a v1 hierarchy (``controller``) or in v2 (None)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if (controller is None and names == "") or (controller and controller in names.split(",")):
            return path
    return None


def available() -> str:
    """"v2", "v1" or "none" (and why) for the cgroups a sandbox would get here."""
    if os.geteuid() != 0:
        return "none (not root)"
    v2 = ROOT / "cgroup.controllers"
    if v2.is_file():
        return "v2" if "memory" in v2.read_text().split() else "none (v2 without memory)"
    if (ROOT / "memory" / "memory.limit_in_bytes").is_file() and (ROOT / "pids").is_dir():
        return "v1"
    return "none (no memory cgroup)"


class SandboxCgroup:
    """The cgroup(s) of one sandbox: made with limits, joined by the child, emptied, removed."""

    def __init__(self, name: str, memory_bytes: int, max_pids: int):
        self.kind = available()
        self.dirs: list[Path] = []
        if self.kind == "v2":
            parent = ROOT / _own_path(None).lstrip("/")
            try:
                (parent / "cgroup.subtree_control").write_text("+memory +pids")
            except OSError:
                pass                                  # already on, or not allowed here
            self._make(parent / name, {"memory.max": memory_bytes, "memory.swap.max": 0,
                                       "pids.max": max_pids})
        elif self.kind == "v1":
            self._make(ROOT / "memory" / _own_path("memory").lstrip("/") / name,
                       {"memory.limit_in_bytes": memory_bytes,
                        "memory.memsw.limit_in_bytes": memory_bytes})
            self._make(ROOT / "pids" / _own_path("pids").lstrip("/") / name,
                       {"pids.max": max_pids})

    def _make(self, path: Path, limits: dict) -> None:
        if path.exists():                             # left over from a killed grader
            self._empty(path)
            path.rmdir()
        path.mkdir()
        self.dirs.append(path)
        for key, value in limits.items():
            if (path / key).exists():
                (path / key).write_text(str(value))
        for key in ("memory.max", "memory.limit_in_bytes", "pids.max"):
            if key in limits and not (path / key).exists():
                raise OSError(f"cgroup {path} has no {key}")

    def join(self) -> None:
        """Move the calling process into the cgroup (the child, before it drops root)."""
        for path in self.dirs:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    @staticmethod
    def _pids(path: Path) -> list[int]:
        try:
            return [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def _empty(self, path: Path, seconds: float = 5.0) -> bool:
        kill_file = path / "cgroup.kill"
        deadline = time.monotonic() + seconds
        pause = 0.0005                    # the kernel usually needs well under a millisecond
        while True:
            pids = self._pids(path)
            if not pids:
                return True
            if time.monotonic() > deadline:
                return False
            if kill_file.exists():
                kill_file.write_text("1")
            else:
                for pid in pids:                      # members are alive: no pid reuse
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(pause)
            pause = min(pause * 2, 0.02)

    def kill_all(self) -> bool:
        """Kill every process of the sandbox and wait until none is left (True if so)."""
        return all([self._empty(path) for path in self.dirs])

    def remove(self) -> None:
        for path in reversed(self.dirs):
            if self._empty(path):
                try:
                    path.rmdir()
                except OSError:
                    pass
        self.dirs = []

    def peak_memory(self) -> int | None:
        for path in self.dirs:
            for key in ("memory.peak", "memory.max_usage_in_bytes"):
                try:
                    return int((path / key).read_text())
                except (OSError, ValueError):
                    continue
        return None
