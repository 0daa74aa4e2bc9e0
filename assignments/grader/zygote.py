"""A zygote: a warm interpreter, numpy and IPython imported, that forks each sandbox.

Starting a sandbox the plain way execs a new Python that imports numpy and IPython (about
a third of a second each time). The zygote is started once per batch, as a NEW process
(``python -c``, not a fork of the grader: it holds nothing but imported modules, no
student's data, no result, no gradebook), and forks one child per sandbox request. The
child then does exactly what the exec'd interpreter would: ``isolation.child_setup``
(cgroup, namespaces and the allow-list root, limits, uid, seccomp; passed in the request,
so this module imports nothing of ours) and the runner's loop; only the import is skipped. Nothing is shared between students: each child is a fresh copy
of the zygote, which never runs student code.

Protocol: a worker sends, on the zygote's SOCK_SEQPACKET control socket, five descriptors
(a reply socket and the sandbox's four pipe ends) and nothing else; the forked child reads
the pickled request (config, uid, files...) from the reply socket itself, so a large
notebook never blocks the zygote. The zygote answers on the reply socket with the child's
pidfd (signals without pid reuse) and, when the child ends, its exit status; if the worker
goes away (its reply socket closes), the zygote kills the child.
"""
from __future__ import annotations

import array
import ctypes
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
_current = None                      # the running Zygote of this batch (inherited by forks)
_runner = None                       # (source, code object) compiled once in the zygote


def runner_source() -> str:
    """The program a sandbox runs: ``codec.py`` then ``runner.py``, as one source text."""
    return (HERE / "codec.py").read_text() + "\n" + (HERE / "runner.py").read_text()


def _recv_fds(sock: socket.socket, n: int) -> list[int]:
    fds = array.array("i")
    _, anc, _, _ = sock.recvmsg(16, socket.CMSG_LEN(n * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    return list(fds)


def _child(fds: list[int]) -> None:
    """In the forked child: read the request, set the sandbox up, serve. Never returns."""
    try:
        reply, to_child_r, from_child_w, err_w, pid_w = fds
        keep = sorted(fds)
        low = 3
        for fd in keep:
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, 1 << 16)
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):                            # nothing reaches a terminal
            os.dup2(null, std)
        os.close(null)
        with os.fdopen(os.dup(reply), "rb") as f:
            (size,) = struct.unpack(">Q", f.read(8))
            make_setup, args, kwargs, env, source = pickle.loads(f.read(size))
        os.environ.clear()
        os.environ.update(env)
        sys.path[:] = [p for p in sys.path if not p.startswith(str(PROJECT))]
        make_setup(*args, err_w, pid_w, **kwargs)()     # isolation.child_setup(...)()
        os.close(reply)
        os.close(err_w)                                  # closed without a word: ready
        namespace = {"__name__": "__sandbox__"}
        code = _runner[1] if _runner and _runner[0] == source else \
            compile(source, "<sandbox runner>", "exec")
        exec(code, namespace)
        namespace["_serve"](to_child_r, from_child_w)
    finally:
        os._exit(0)


def serve(control_fd: int) -> None:
    """The zygote's loop (run by ``Zygote.start`` in a new process)."""
    global _runner
    import numpy  # noqa: F401  - the imports every sandbox would repeat
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401
    from traitlets.config import Config  # noqa: F401
    # what each request unpickles (isolation.child_setup, seccomp.install) and the runner,
    # compiled: the child would otherwise import and compile them again each time
    import assignments.grader.isolation  # noqa: F401
    import assignments.grader.seccomp  # noqa: F401
    source = runner_source()
    _runner = (source, compile(source, "<sandbox runner>", "exec"))
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)      # die with the batch
    control = socket.socket(fileno=control_fd)
    children: dict[int, tuple[socket.socket, int]] = {}      # pid -> (reply socket, pidfd)
    orphans: set[int] = set()                                # their worker is gone: killed
    while True:
        watched = [control, *[r for pid, (r, _) in children.items() if pid not in orphans],
                   *[p for _, p in children.values()]]
        ready, _, _ = select.select(watched, [], [], 1.0)   # a pidfd is readable once it ends
        if control in ready:
            fds = _recv_fds(control, 5)
            if not fds:
                return                                       # the batch closed it
            pid = os.fork()
            if pid == 0:
                control.close()
                _child(fds)
            pidfd = os.pidfd_open(pid)
            reply = socket.socket(fileno=fds[0])
            for fd in fds[1:]:
                os.close(fd)
            reply.sendmsg([b"p"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                    array.array("i", [pidfd]))])
            children[pid] = (reply, pidfd)
        for pid, (reply, pidfd) in list(children.items()):
            try:
                gone = reply in ready and not reply.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except OSError:
                gone = False
            if gone:                                         # its worker is gone
                orphans.add(pid)
                try:
                    signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                except OSError:
                    pass
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid not in children:
                continue
            orphans.discard(pid)
            reply, pidfd = children.pop(pid)
            try:
                reply.send(struct.pack(">q", os.waitstatus_to_exitcode(status)))
            except OSError:
                pass
            reply.close()
            os.close(pidfd)


class ZygoteProcess:
    """The worker's handle on a sandbox forked by the zygote (what Popen is otherwise)."""

    def __init__(self, reply: socket.socket, pidfd: int):
        self.reply, self.pidfd, self.returncode = reply, pidfd, None
        self.pid = None

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self.pidfd, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            ready, _, _ = select.select([self.reply], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired("sandbox", timeout)
            data = self.reply.recv(8)
            self.returncode = struct.unpack(">q", data)[0] if len(data) == 8 else -9
            self.reply.close()
            os.close(self.pidfd)
        return self.returncode


class Zygote:
    """The zygote process of a batch; ``launch`` asks it for one sandbox."""

    def __init__(self, python: str = sys.executable):
        self.python = python
        self.control, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        code = (f"import sys; sys.path.insert(0, {str(PROJECT)!r}); "
                f"from assignments.grader.zygote import serve; serve({child_end.fileno()})")
        self.proc = subprocess.Popen([python, "-I", "-c", code],
                                     pass_fds=(child_end.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        child_end.close()
        self._owner = os.getpid()

    def alive(self) -> bool:
        """Whether the zygote still runs. Not ``Popen.poll()``: in a worker forked from the
        batch the zygote is not our child, and poll() would call it dead (ECHILD)."""
        if self._owner == os.getpid():
            return self.proc.poll() is None
        try:
            os.kill(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def launch(self, request: tuple, pipe_fds: tuple[int, int, int, int]) -> ZygoteProcess:
        """Fork a sandbox: ``request`` is what ``_child`` unpickles; ``pipe_fds`` are
        (to_child_r, from_child_w, err_w, pid_w), which the caller closes afterwards."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control.sendmsg([b"s"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                       array.array("i", [theirs.fileno(), *pipe_fds]))])
        theirs.close()
        data = pickle.dumps(request)
        mine.sendall(struct.pack(">Q", len(data)) + data)
        fds = _recv_fds(mine, 1)
        if not fds:
            mine.close()
            raise RuntimeError("the zygote did not start the sandbox")
        return ZygoteProcess(mine, fds[0])

    def close(self) -> None:
        self.control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def current() -> Zygote | None:
    return _current


def enabled(mode: str) -> bool:
    """Whether sandboxes of ``mode`` are forked from a zygote: not for mode "none" (no
    sandbox to set up), nor with ``GENAI_LAB_GRADER_ZYGOTE=0`` (every sandbox exec'd cold)."""
    return mode != "none" and os.environ.get("GENAI_LAB_GRADER_ZYGOTE", "1") != "0"


def ensure(python: str = sys.executable) -> Zygote:
    """This process's zygote for ``python``, started (again) if there is none running."""
    if _current is not None and _current.python == python and _current.alive():
        return _current
    stop()
    return start(python)


def start(python: str = sys.executable) -> Zygote:
    """Start this batch's zygote (workers forked afterwards inherit it)."""
    global _current
    _current = Zygote(python)
    return _current


def stop() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None
