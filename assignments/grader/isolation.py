"""Isolation primitives: namespaces, mounts, resource limits and identity of a sandbox.

Nothing here talks to the student's process; ``sandbox.py`` starts the process with
``child_setup`` as its pre-exec step and ``sweep_uid`` as its clean-up.

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
import dataclasses
import fcntl
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUSER = 0x20000, 0x40000000, 0x8000000, 0x10000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG = 38, 1


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


# ---- system calls ------------------------------------------------------------------------

def libc():
    """The C library, with ``mount``'s argument types declared."""
    lib = ctypes.CDLL(None, use_errno=True)
    lib.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    return lib


def check_rc(rc: int, what: str) -> None:
    """Raise ``OSError`` (with errno's text) when a libc call returned non-zero."""
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(lib, src, target, fstype, flags, data=None) -> None:
    def enc(s):
        return None if s is None else str(s).encode()
    check_rc(lib.mount(enc(src), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


# ---- identity ----------------------------------------------------------------------------

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


def count_processes(uid: int) -> int:
    """Processes and threads of ``uid`` now (userns mode adds its RLIMIT_NPROC to this)."""
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


# ---- what the sandbox sees ---------------------------------------------------------------

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


def keep_paths() -> list[str]:
    """Folders the sandboxed Python needs (its venv and base installation)."""
    keep = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent)}
    return sorted(str(Path(k).resolve()) for k in keep)


def inside(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent.rstrip("/") + "/")


def mount_back(lib, covered: str, keep: list[str], keep_fds: dict[str, int]) -> None:
    """Bind the kept folders that lie inside ``covered`` (just covered by a tmpfs) back."""
    for k in keep:
        if inside(k, covered):
            os.makedirs(k, exist_ok=True)
            mount(lib, f"/proc/self/fd/{keep_fds[k]}", k, None, MS_BIND | MS_REC)


def map_user(uid: int, gid: int) -> None:
    """Inside a new user namespace: map our own uid/gid, forbid setgroups."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def enter_namespaces(lib, cfg: SandboxConfig, folder: str) -> None:
    """New mount/network/IPC (and in userns mode user) namespaces; hide ``cfg.hide``,
    private small temporary folders, a private tmpfs working ``folder``."""
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC
    if cfg.mode == "userns":
        real_uid, real_gid = os.getuid(), os.getgid()
        check_rc(lib.unshare(flags | CLONE_NEWUSER), "unshare")
        map_user(real_uid, real_gid)
    else:
        check_rc(lib.unshare(flags), "unshare")
    mount(lib, None, "/", None, MS_REC | MS_PRIVATE)
    keep, keep_fds, unreachable = keep_paths(), {}, []
    for k in keep:
        try:
            keep_fds[k] = os.open(k, os.O_PATH | os.O_DIRECTORY)
        except PermissionError:       # userns: a folder we cannot open ourselves
            unreachable.append(k)
    keep = list(keep_fds)
    for hidden in sorted(cfg.hide, key=len):
        if not os.path.lexists(hidden) or any(inside(k, hidden) for k in unreachable):
            continue
        if os.path.isdir(hidden):
            mount(lib, "tmpfs", hidden, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
            mount_back(lib, hidden, keep, keep_fds)
        else:
            mount(lib, "/dev/null", hidden, None, MS_BIND)
    for tmp in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
        if os.path.isdir(tmp) and not os.path.islink(tmp):
            mount(lib, "tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV,
                  f"size={cfg.limits.tmp_mb}m,mode=1777")
            # A Python installation under /tmp (e.g. a checkout in /tmp with its
            # .venv) must stay visible under the private /tmp.
            mount_back(lib, tmp, keep, keep_fds)
    os.makedirs(folder, exist_ok=True)
    mount(lib, "tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV,
          f"size={cfg.limits.folder_mb}m,mode=0700")
    for fd in keep_fds.values():
        os.close(fd)


def set_limits(limits: Limits, nproc_limit: int) -> None:
    for res, val in ((resource.RLIMIT_CPU, limits.cpu_seconds),
                     (resource.RLIMIT_AS, limits.memory_bytes),
                     (resource.RLIMIT_FSIZE, limits.file_bytes),
                     (resource.RLIMIT_NOFILE, limits.open_files),
                     (resource.RLIMIT_CORE, 0),
                     (resource.RLIMIT_NPROC, nproc_limit)):
        resource.setrlimit(res, (val, val))


def drop_privileges(lib, cfg: SandboxConfig, uid: int, folder: str) -> None:
    """no_new_privs; as root also the sandbox's own uid/gid, owning its folder, no groups."""
    check_rc(lib.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    if cfg.mode == "root":
        for name in os.listdir(folder):
            os.chown(os.path.join(folder, name), uid, uid)
        os.chown(folder, uid, uid)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)


def child_setup(cfg: SandboxConfig, uid: int, folder: str, files: dict[str, bytes],
                nproc_limit: int, err_fd: int):
    """The pre-exec step of the forked child: namespaces, mounts, files, limits, identity.

    A failure is written to ``err_fd`` and aborts the start (fail closed)."""
    def setup():
        os.setsid()
        lib = libc()
        if cfg.mode in ("root", "userns"):
            enter_namespaces(lib, cfg, folder)
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        set_limits(cfg.limits, nproc_limit)
        drop_privileges(lib, cfg, uid, folder)
        lib.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # die with the grader
        os.chdir(folder)

    def guarded():
        try:
            setup()
        except BaseException as exc:
            os.write(err_fd, f"{type(exc).__name__}: {exc}".encode()[:1000])
            raise
    return guarded


def detect_mode() -> str:
    """``root`` if we are root, else ``userns`` if unprivileged user namespaces work, else ``none``."""
    if os.geteuid() == 0:
        return "root"
    probe = subprocess.run(["unshare", "--user", "--mount", "--map-current-user", "true"],
                           capture_output=True) if shutil.which("unshare") else None
    return "userns" if probe is not None and probe.returncode == 0 else "none"
