"""One sandboxed interpreter per submission: its own process, limits, user and view of disk.

Modes (chosen by ``detect_mode``):
- ``root``: the grader runs as root. The child gets fresh mount, network and IPC
  namespaces; the course, the project, /root and /home are covered by empty tmpfs (only
  the Python installation is mounted back), /tmp, /var/tmp, /dev/shm are private and small,
  the submission folder is a private tmpfs holding only the submission's notebook; then it
  drops to an unused uid/gid (locked per sandbox, no groups, no_new_privs) with rlimits.
- ``userns``: not root, but unprivileged user namespaces work: the same mounts and network
  cut-off, but the code runs as your own uid (it can read what you can read outside the
  hidden folders) and RLIMIT_NPROC counts all your processes.
- ``none``: only rlimits, a temporary folder and a new session. Refused unless the teacher
  passes ``allow_weak=True`` (CLI ``--allow-weak-sandbox``).
"""
from __future__ import annotations

import ctypes
import fcntl
import dataclasses
import json
import os
import pwd
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .codec import CodecError, pack

_HERE = Path(__file__).resolve().parent
MAX_FRAME = 16 * 1024 * 1024        # largest reply accepted from the sandbox (bytes)

_CLONE_NEWNS, _CLONE_NEWNET, _CLONE_NEWIPC, _CLONE_NEWUSER = 0x20000, 0x40000000, 0x8000000, 0x10000000
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
_PR_SET_NO_NEW_PRIVS, _PR_SET_PDEATHSIG = 38, 1


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed interpreter."""
    cpu_seconds: int = 300            # RLIMIT_CPU: CPU time of the whole notebook run
    memory_bytes: int = 2 * 1024**3   # RLIMIT_AS: address space (numpy+IPython need ~0.5 GB)
    nproc: int = 16                   # RLIMIT_NPROC: processes+threads of the sandbox uid
    file_bytes: int = 16 * 1024**2    # RLIMIT_FSIZE: largest file it may write
    open_files: int = 256             # RLIMIT_NOFILE
    folder_mb: int = 64               # size of its private working folder (tmpfs)
    tmp_mb: int = 16                  # size of its private /tmp, /var/tmp, /dev/shm


@dataclasses.dataclass(frozen=True)
class SandboxConfig:
    """Where and as whom the sandbox runs."""
    mode: str = "root"                            # "root" | "userns" | "none" (see module doc)
    uid_base: int = 62000                         # root mode: first uid tried for sandboxes
    hide: tuple[str, ...] = ()                    # folders/files made invisible to the student
    limits: Limits = dataclasses.field(default_factory=Limits)
    python: str = sys.executable                  # interpreter run inside the sandbox


class SandboxDied(RuntimeError):
    """The sandboxed process exited, was killed, or broke the protocol."""


class SandboxTimeout(RuntimeError):
    """The sandboxed process did not answer in time (it has been interrupted or killed)."""


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    return libc


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(libc, src, target, fstype, flags, data=None):
    enc = (lambda s: None if s is None else str(s).encode())
    _check(libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def claim_uid(base: int = 62000, lock_dir: str = "/tmp") -> tuple[int, int]:
    """An uid no account uses and no other sandbox holds right now: (uid, lock fd).

    The lock (``flock`` on /tmp/genai-lab-grader-uid-<uid>.lock) is held until the fd is
    closed, so concurrent grading runs and workers never share a sandbox uid (and the
    cleanup that kills every process of that uid only ever hits one sandbox)."""
    uid = base
    while uid < base + 10000:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            fd = os.open(f"{lock_dir}/genai-lab-grader-uid-{uid}.lock",
                         os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return uid, fd
            except BlockingIOError:
                os.close(fd)
        uid += 1
    raise RuntimeError(f"no free sandbox uid in [{base}, {base + 10000})")


def default_hide(course: Path) -> tuple[str, ...]:
    """The course folder, the project holding it and the project holding this grader
    (nearest parents with .git: they contain the notebook builders and solutions), /root
    and /home."""
    course = course.resolve()
    hide = [course]
    for parent in [course, *course.parents]:
        if (parent / ".git").exists():
            hide.append(parent)
            break
    here = Path(__file__).resolve()
    for parent in here.parents:                # the project this grader ships in
        if (parent / ".git").exists():
            hide.append(parent)
            break
    hide += [Path("/root"), Path("/home")]
    return tuple(sorted({str(p) for p in hide if p.exists()}))


def _keep_paths() -> list[str]:
    """Folders the sandboxed Python needs (its venv and base installation)."""
    keep = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent)}
    return sorted(str(Path(k).resolve()) for k in keep)


def _inside(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent.rstrip("/") + "/")


def _mount_back(libc, covered: str, keep: list[str], keep_fds: dict[str, int]) -> None:
    """Bind the kept folders that lie inside ``covered`` (just covered by a tmpfs) back."""
    for k in keep:
        if _inside(k, covered):
            os.makedirs(k, exist_ok=True)
            _mount(libc, f"/proc/self/fd/{keep_fds[k]}", k, None, _MS_BIND | _MS_REC)


def _user_ns(uid: int, gid: int) -> None:
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def _preexec(cfg: SandboxConfig, uid: int, folder: str, files: dict[str, bytes],
             nproc_limit: int, err_fd: int):
    """Runs in the forked child before exec: namespaces, mounts, limits, identity.

    A failure is written to ``err_fd`` and aborts the start (fail closed)."""
    def guarded():
        try:
            setup()
        except BaseException as exc:
            os.write(err_fd, f"{type(exc).__name__}: {exc}".encode()[:1000])
            raise

    def setup():
        os.setsid()
        libc = _libc()
        if cfg.mode in ("root", "userns"):
            flags = _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC
            if cfg.mode == "userns":
                real_uid, real_gid = os.getuid(), os.getgid()
                _check(libc.unshare(flags | _CLONE_NEWUSER), "unshare")
                _user_ns(real_uid, real_gid)
            else:
                _check(libc.unshare(flags), "unshare")
            _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
            keep, keep_fds, unreachable = _keep_paths(), {}, []
            for k in keep:
                try:
                    keep_fds[k] = os.open(k, os.O_PATH | os.O_DIRECTORY)
                except PermissionError:       # userns: a folder we cannot open ourselves
                    unreachable.append(k)
            keep = list(keep_fds)
            for hidden in sorted(cfg.hide, key=len):
                if not os.path.lexists(hidden) or any(_inside(k, hidden) for k in unreachable):
                    continue
                if os.path.isdir(hidden):
                    _mount(libc, "tmpfs", hidden, "tmpfs", _MS_NOSUID | _MS_NODEV,
                           "size=1m,mode=0755")
                    _mount_back(libc, hidden, keep, keep_fds)
                else:
                    _mount(libc, "/dev/null", hidden, None, _MS_BIND)
            for tmp in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
                if os.path.isdir(tmp) and not os.path.islink(tmp):
                    _mount(libc, "tmpfs", tmp, "tmpfs", _MS_NOSUID | _MS_NODEV,
                           f"size={cfg.limits.tmp_mb}m,mode=1777")
                    # A Python installation under /tmp (e.g. a checkout in /tmp with its
                    # .venv) must stay visible under the private /tmp.
                    _mount_back(libc, tmp, keep, keep_fds)
            os.makedirs(folder, exist_ok=True)
            _mount(libc, "tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV,
                   f"size={cfg.limits.folder_mb}m,mode=0700")
            for fd in keep_fds.values():
                os.close(fd)
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        lim = cfg.limits
        for res, val in ((resource.RLIMIT_CPU, lim.cpu_seconds),
                         (resource.RLIMIT_AS, lim.memory_bytes),
                         (resource.RLIMIT_FSIZE, lim.file_bytes),
                         (resource.RLIMIT_NOFILE, lim.open_files),
                         (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NPROC, nproc_limit)):
            resource.setrlimit(res, (val, val))
        _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
        if cfg.mode == "root":
            for name in os.listdir(folder):
                os.chown(os.path.join(folder, name), uid, uid)
            os.chown(folder, uid, uid)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # die with the grader
        os.chdir(folder)
    return guarded


def _count_processes(uid: int) -> int:
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                n += len(os.listdir(f"/proc/{entry.name}/task")) \
                    if os.stat(entry.path).st_uid == uid else 0
            except OSError:
                pass
    return n


def sweep_uid(uid: int) -> None:
    """Kill every process of ``uid`` (the sandbox's own, including escaped fork-bomb children)."""
    for _ in range(3):
        pid = os.fork()
        if pid == 0:                                   # pragma: no cover - child
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)            # all processes of uid, except us
            finally:
                os._exit(0)
        os.waitpid(pid, 0)


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
        self._tmp = None
        if cfg.mode == "none":
            self._tmp = tempfile.mkdtemp(prefix="genai-lab-sandbox-")
            folder = self._tmp
        else:
            folder = f"/tmp/submission-{slot}"
        if cfg.mode == "root":
            sweep_uid(self.uid)
            nproc = cfg.limits.nproc
        else:
            nproc = _count_processes(os.getuid()) + cfg.limits.nproc
        source = (_HERE / "codec.py").read_text() + "\n" + (_HERE / "runner.py").read_text()
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "HOME": folder, "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{folder}/.mpl",
               "IPYTHONDIR": f"{folder}/.ipython", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
               "PYTHONDONTWRITEBYTECODE": "1"}
        err_r, err_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [cfg.python, "-I", "-c", source, str(to_child_r), str(from_child_w)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(to_child_r, from_child_w), env=env, close_fds=True,
                preexec_fn=_preexec(cfg, self.uid, folder, files, nproc, err_w))
        except subprocess.SubprocessError as exc:
            os.close(err_w)
            detail = os.read(err_r, 1000).decode(errors="replace")
            os.close(err_r)
            for fd in (to_child_r, from_child_w, self._to_child, self._from_child):
                os.close(fd)
            raise RuntimeError(f"could not start the sandbox ({cfg.mode} mode): {detail}") from exc
        os.close(err_r)
        os.close(err_w)
        os.close(to_child_r)
        os.close(from_child_w)

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
        chunks = []
        while n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxTimeout("timed out")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            b = os.read(self._from_child, min(n, 1 << 20))
            if not b:
                self._die(self._exit_text())
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

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
            os.kill(self.proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            (size,) = struct.unpack(">Q", self._read(8, time.monotonic() + 3))
            if size <= MAX_FRAME:
                self._read(size, time.monotonic() + 3)
                return                                   # interrupted; channel in sync
        except (SandboxTimeout, SandboxDied):
            pass
        self.dead_reason = "the student process did not stop after a timeout and was killed"
        self.kill()

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.cfg.mode == "root":
            sweep_uid(self.uid)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        if self.dead_reason is None:
            self.dead_reason = "closed"
        self.kill()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
        if self._uid_lock is not None:
            os.close(self._uid_lock)
            self._uid_lock = None


def detect_mode() -> str:
    """``root`` if we are root, else ``userns`` if unprivileged user namespaces work, else ``none``."""
    if os.geteuid() == 0:
        return "root"
    probe = subprocess.run(["unshare", "--user", "--mount", "--map-current-user", "true"],
                           capture_output=True) if shutil.which("unshare") else None
    return "userns" if probe is not None and probe.returncode == 0 else "none"
