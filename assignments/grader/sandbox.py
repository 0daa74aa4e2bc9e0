"""The sandboxed interpreter of one submission and its channel: framed request/reply.

A ``Sandbox`` starts ``codec.py`` + ``runner.py`` in a fresh process isolated by
``isolation.child_setup`` (namespaces, allow-list file system, limits, identity), in a cgroup
of its own (``cgroup.py``) and under a seccomp filter (``seccomp.py``), and talks to it over
two pipes: each message is an 8-byte length and UTF-8 JSON (``codec.pack``). Replies are
bounded (``MAX_FRAME``) and must answer the request they belong to; a timeout interrupts the
student code (SIGINT), then kills it. Closing it kills every process of the sandbox (the
PID namespace dies with its first process; the cgroup is emptied before its uid is freed).
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from . import seccomp, zygote
from .cgroup import SandboxCgroup
from .codec import CodecError, pack, read_exact
from .isolation import (WORKDIR, SandboxConfig, child_setup, claim_uid, count_processes,
                        sweep_uid)

HERE = Path(__file__).resolve().parent
MAX_FRAME = 8 * 1024 * 1024         # largest reply accepted from the sandbox (bytes)


class SandboxDied(RuntimeError):
    """The sandboxed process exited, was killed, or broke the protocol."""


class SandboxTimeout(RuntimeError):
    """The sandboxed process did not answer in time (it has been interrupted or killed)."""


class Sandbox:
    """A running sandboxed interpreter serving the runner protocol over two pipes."""

    def __init__(self, cfg: SandboxConfig, slot: int, files: dict[str, bytes]):
        self.cfg = cfg
        self._uid_lock = None
        if cfg.mode == "root":
            self.uid, self._uid_lock = claim_uid(cfg.uid_base)
        else:
            self.uid = os.getuid()
        self._next_id = 0
        self.dead_reason: str | None = None
        self.cgroup: SandboxCgroup | None = None
        self._child_fd: int | None = None   # pidfd of the interpreter, to kill it before its shim
        if cfg.mode == "none":
            self._tmp = tempfile.mkdtemp(prefix="genai-lab-sandbox-")
            folder = root_dir = self._tmp
        else:                                  # the staging folder of its new root
            self._tmp = root_dir = tempfile.mkdtemp(prefix="genai-lab-root-")
            folder = WORKDIR
        if cfg.mode == "root":
            sweep_uid(self.uid)
            nproc = cfg.limits.nproc
            try:
                self.cgroup = SandboxCgroup(f"genai-lab-sandbox-{self.uid}",
                                            cfg.limits.memory_bytes, cfg.limits.nproc + 4)
                if not self.cgroup.dirs:
                    self.cgroup = None
            except OSError:
                self.cgroup = None
        else:
            nproc = count_processes(os.getuid()) + cfg.limits.nproc
        source = zygote.runner_source()
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "HOME": folder, "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{folder}/.mpl",
               "IPYTHONDIR": f"{folder}/.ipython", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
               "PYTHONDONTWRITEBYTECODE": "1"}
        err_r, err_w = os.pipe()
        pid_r, pid_w = os.pipe()
        setup = child_setup(cfg, self.uid, root_dir, files, nproc, err_w, pid_w,
                            join_cgroup=self.cgroup.join if self.cgroup else None,
                            filter=seccomp.install if cfg.mode != "none" else None)
        warm = zygote.current() if cfg.mode != "none" else None
        self.proc = None
        if warm is not None and warm.python == cfg.python and warm.alive():  # no exec
            try:
                self.proc = warm.launch(
                    (child_setup, (cfg, self.uid, root_dir, files, nproc),
                     {"join_cgroup": self.cgroup.join if self.cgroup else None,
                      "filter": seccomp.install}, env, source),
                    (to_child_r, from_child_w, err_w, pid_w))
            except (OSError, RuntimeError):         # the zygote is gone: start it cold
                self.proc = None
        try:
            if self.proc is None:
                self.proc = subprocess.Popen(
                    [cfg.python, "-I", "-c", source, str(to_child_r), str(from_child_w)],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, pass_fds=(to_child_r, from_child_w, pid_w),
                    env=env, close_fds=True, preexec_fn=setup)
        except (subprocess.SubprocessError, OSError, RuntimeError) as exc:
            os.close(err_w)
            detail = os.read(err_r, 1000).decode(errors="replace")
            for fd in (err_r, pid_r, pid_w, to_child_r, from_child_w, self._to_child,
                       self._from_child):
                os.close(fd)
            self._release()
            raise RuntimeError(f"could not start the sandbox ({cfg.mode} mode): {detail}") from exc
        for fd in (err_w, pid_w, to_child_r, from_child_w):
            os.close(fd)
        ready, _, _ = select.select([pid_r], [], [], 30)
        raw = os.read(pid_r, 8) if ready else b""
        os.close(pid_r)
        # the interpreter's pid, as this process sees it (for reports; signals go to the shim)
        self.child_pid = struct.unpack(">q", raw)[0] if len(raw) == 8 else self.proc.pid
        if cfg.mode != "none" and len(raw) == 8:
            try:                          # it is alive: the shim is waiting for it
                self._child_fd = os.pidfd_open(self.child_pid)
            except OSError:
                pass
        ready, _, _ = select.select([err_r], [], [], 30)     # closed unwritten: set up
        detail = os.read(err_r, 1000).decode(errors="replace") if ready else "no answer"
        os.close(err_r)
        if detail:
            self.kill()
            for fd in (self._to_child, self._from_child):
                os.close(fd)
            self._release()
            raise RuntimeError(f"could not start the sandbox ({cfg.mode} mode): {detail}")

    # ---- protocol ----------------------------------------------------------------------

    def _send(self, msg: dict) -> None:
        try:
            os.write(self._to_child, pack(msg))
        except (BrokenPipeError, OSError, CodecError, ValueError) as exc:
            self._die(f"could not send to the student process ({type(exc).__name__})")

    def request(self, msg: dict, timeout: float, on_callback=None) -> dict:
        """Send ``msg``; return the reply, or raise SandboxTimeout / SandboxDied.

        While waiting, the student code may ask to run a trusted callback
        (``{"callback": id, ...}``): ``on_callback(message) -> reply dict`` answers it."""
        if self.dead_reason:
            raise SandboxDied(self.dead_reason)
        self._next_id += 1
        self._send(dict(msg, id=self._next_id))
        deadline = time.monotonic() + timeout
        while True:
            try:
                (size,) = struct.unpack(">Q", self._read(8, deadline))
                if size > MAX_FRAME:
                    self._die(f"the student process sent a {size}-byte value "
                              f"(limit {MAX_FRAME} bytes)")
                reply = json.loads(self._read(size, deadline))
            except SandboxTimeout:
                self._interrupt_or_kill()
                raise
            except (ValueError, UnicodeDecodeError, RecursionError):
                self._die("the student process broke the protocol (garbled reply)")
            if isinstance(reply, dict) and "callback" in reply and on_callback is not None:
                self._send(on_callback(reply))
                continue
            if not isinstance(reply, dict) or reply.get("id") != self._next_id:
                self._die("the student process broke the protocol (unexpected reply)")
            return reply

    def _read(self, n: int, deadline: float) -> bytes:
        try:
            return read_exact(self._from_child, n, deadline)
        except TimeoutError:
            raise SandboxTimeout("timed out") from None
        except EOFError:
            self._die(self._exit_text())

    def _exit_text(self) -> str:
        try:
            rc = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the student process closed its channel"
        if rc < 0:
            try:
                return f"the student process was killed by {signal.Signals(-rc).name}"
            except ValueError:
                return f"the student process was killed by signal {-rc}"
        return f"the student process exited with code {rc}"

    def _die(self, reason: str):
        self.dead_reason = reason
        self.kill()
        raise SandboxDied(reason)

    def _interrupt_or_kill(self):
        """After a timeout: SIGINT (KeyboardInterrupt), then SIGKILL if it won't answer."""
        try:
            self.proc.send_signal(signal.SIGINT)             # the shim forwards it
        except ProcessLookupError:
            pass
        try:
            (size,) = struct.unpack(">Q", self._read(8, time.monotonic() + 2))
            if size <= MAX_FRAME:
                self._read(size, time.monotonic() + 2)
                return                                   # interrupted; channel in sync
        except (SandboxTimeout, SandboxDied):
            pass
        self.dead_reason = "the student process did not stop after a timeout and was killed"
        self.kill()

    def kill(self):
        """Kill every process of the sandbox: first the interpreter (PID 1 of its namespace:
        the kernel kills the namespace's other processes), which its shim then reaps before
        it exits, so that no process of the sandbox's uid is left a zombie for someone else
        to reap; then the shim (our child: its pid cannot be reused before we wait for it)
        if it still runs, then whatever is left in the cgroup (or, without one, of the uid)."""
        if self._child_fd is not None:
            try:
                signal.pidfd_send_signal(self._child_fd, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        kills = [lambda: self.proc.send_signal(signal.SIGKILL)]
        if self.proc.pid is not None and self.proc.returncode is None:   # ours, not reaped
            kills.insert(0, lambda: os.killpg(self.proc.pid, signal.SIGKILL))
        for kill in kills:
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        if self.cgroup is not None:
            self.cgroup.kill_all()
        elif self.cfg.mode == "root":
            sweep_uid(self.uid)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def _release(self):
        if self._child_fd is not None:
            os.close(self._child_fd)
            self._child_fd = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self._tmp:
            try:
                if self.cfg.mode == "none":
                    shutil.rmtree(self._tmp, ignore_errors=True)
                else:
                    os.rmdir(self._tmp)                 # empty here: its mounts were the child's
            except OSError:
                pass
            self._tmp = None
        if self._uid_lock is not None:
            os.close(self._uid_lock)
            self._uid_lock = None

    def close(self):
        if self.dead_reason is None:
            self.dead_reason = "closed"
        self.kill()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._release()
