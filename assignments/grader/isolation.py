"""Isolation primitives: namespaces, the file system view, limits and identity of a sandbox.

Nothing here talks to the student's process; ``sandbox.py`` starts the process with
``child_setup`` as its pre-exec step (passing it the sandbox's cgroup and seccomp filter).

Modes (chosen by ``detect_mode``):
- ``root``: the grader runs as root. The child gets fresh mount, PID, network and IPC
  namespaces and an ALLOW-LIST file system: a new, empty root holding only the Python
  installation and the system's programs and libraries (``/usr/bin``, ``/usr/lib``...,
  read-only), a few files of ``/etc``, ``/dev/null``-like devices, its own ``/proc`` (its own
  processes only), small private ``/tmp``, ``/var/tmp``, ``/dev/shm`` and its working folder
  ``/submission`` (a private tmpfs holding only the submission's notebook); every tmpfs is
  limited in bytes AND inodes. Nothing else of the machine exists for it: not the course,
  not a backup copy of it, not /root, /home, /srv, /opt. Then it drops to an unused uid/gid
  (locked per sandbox, no groups, no_new_privs) with rlimits.
- ``userns``: not root, but unprivileged user namespaces work: the same namespaces and
  file system view, but the code runs as your own uid, there is no cgroup, and
  RLIMIT_NPROC counts all your processes.
- ``none``: only rlimits, a temporary folder and a new session. Refused unless the teacher
  passes ``allow_weak=True`` (CLI ``--allow-weak-sandbox``).
"""
from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import os
import platform
import pwd
import resource
import shutil
import signal
import struct
import subprocess
import sys
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUSER = 0x20000, 0x40000000, 0x8000000, 0x10000000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE, MNT_DETACH = 4096, 16384, 1 << 18, 2
PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG = 38, 1
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
WORKDIR = "/submission"                  # the sandbox's working folder, inside its own root
# What the sandbox sees of the machine besides the Python installation (read-only).
SYSTEM_DIRS = ("/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec",
               "/bin", "/sbin", "/lib", "/lib64", "/etc/alternatives")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
DEVICES = ("null", "zero", "full", "random", "urandom")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox."""
    cpu_seconds: int = 300            # RLIMIT_CPU: CPU time of the whole notebook run
    memory_bytes: int = 2 * 1024**3   # RLIMIT_AS per process AND the cgroup's memory for the
                                      # whole sandbox (numpy+IPython need ~0.5 GB)
    nproc: int = 16                   # RLIMIT_NPROC (uid) and the cgroup's pids.max
    file_bytes: int = 16 * 1024**2    # RLIMIT_FSIZE: largest file it may write
    open_files: int = 256             # RLIMIT_NOFILE
    folder_mb: int = 64               # size of its private working folder (tmpfs)
    tmp_mb: int = 16                  # size of its private /tmp, /var/tmp, /dev/shm
    inodes: int = 4096                # files + folders in each of its tmpfs

    def __post_init__(self):
        for name, value in dataclasses.asdict(self).items():
            if type(value) is not int or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")


@dataclasses.dataclass(frozen=True)
class SandboxConfig:
    """Where and as whom the sandbox runs."""
    mode: str = "root"                            # "root" | "userns" | "none" (see module doc)
    uid_base: int = 62000                         # root mode: first uid tried for sandboxes
    hide: tuple[str, ...] = ()                    # also covered if inside the allow-list
    limits: Limits = dataclasses.field(default_factory=Limits)
    python: str = sys.executable                  # interpreter run inside the sandbox

    def __post_init__(self):
        if self.mode not in ("root", "userns", "none"):
            raise ValueError(f"SandboxConfig.mode must be root, userns or none, got {self.mode!r}")


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
    pid = os.fork()
    if pid == 0:                                       # pragma: no cover - child
        try:
            os.setresuid(uid, uid, uid)
            for _ in range(3):                         # again: children forked meanwhile
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


def allow_list() -> list[str]:
    """Every folder/file of the machine the sandbox sees (read-only), outermost first."""
    found = [p for p in (*SYSTEM_DIRS, *keep_paths(), *SYSTEM_FILES)
             if os.path.exists(p) and not os.path.islink(p)]
    outer = []
    for p in sorted(set(found), key=len):
        if not any(inside(p, o) for o in outer):
            outer.append(p)
    return outer


def map_user(uid: int, gid: int) -> None:
    """Inside a new user namespace: map our own uid/gid, forbid setgroups."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


_ST_TO_MS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
             (os.ST_NOATIME, 1024), (os.ST_NODIRATIME, 2048), (os.ST_RELATIME, 1 << 21))


def bind_read_only(lib, src: str, target: str) -> None:
    """Bind ``src`` at ``target`` (created) and make it read-only, keeping its locked flags."""
    if os.path.isdir(src):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        Path(target).touch()
    mount(lib, src, target, None, MS_BIND | MS_REC)
    flags = os.statvfs(src).f_flag
    kept = sum(ms for st, ms in _ST_TO_MS if flags & st)
    mount(lib, None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | kept)


def tmpfs(lib, target: str, mb: float, inodes: int, mode: str) -> None:
    os.makedirs(target, exist_ok=True)
    mount(lib, "tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
          f"size={int(mb * 1024)}k,nr_inodes={inodes},mode={mode}")


def build_root(lib, cfg: SandboxConfig, new_root: str) -> None:
    """In fresh mount and PID namespaces: make ``new_root`` the sandbox's whole file system
    (the allow-list, read-only; its own /proc, /dev, /tmp and working folder) and pivot
    into it, detaching the machine's file system."""
    lim = cfg.limits
    mount(lib, None, "/", None, MS_REC | MS_PRIVATE)
    tmpfs(lib, new_root, 1, 256, "0755")
    # The private /tmp first: a Python installation that lives under /tmp (a checkout in
    # /tmp with its .venv) is then bound inside it instead of being covered by it.
    tmpfs(lib, new_root + "/dev", 0.0625, 64, "0755")
    for tmp in ("/tmp", "/var/tmp", "/dev/shm"):
        tmpfs(lib, new_root + tmp, lim.tmp_mb, lim.inodes, "1777")
    allowed = allow_list()
    for path in allowed:
        bind_read_only(lib, path, new_root + path)
    for link in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        if os.path.islink(link):
            os.symlink(os.readlink(link), new_root + link)
    for hidden in cfg.hide:                         # a hidden path inside the allow-list
        target = new_root + hidden
        if any(inside(hidden, a) for a in allowed) and os.path.lexists(target) \
                and not os.path.islink(target):
            if os.path.isdir(target):
                mount(lib, "tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY,
                      "size=4k,nr_inodes=2,mode=0755")
            else:
                mount(lib, "/dev/null", target, None, MS_BIND)
    for dev in DEVICES:
        Path(new_root, "dev", dev).touch()
        mount(lib, f"/dev/{dev}", f"{new_root}/dev/{dev}", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{new_root}/dev/{name}")
    tmpfs(lib, new_root + WORKDIR, lim.folder_mb, lim.inodes, "0700")
    os.makedirs(new_root + "/proc", exist_ok=True)
    mount(lib, "proc", new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount(lib, None, new_root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
          "size=1024k,nr_inodes=256,mode=0755")
    os.chdir(new_root)
    check_rc(lib.syscall(SYS_PIVOT_ROOT[platform.machine()], b".", b"."), "pivot_root")
    check_rc(lib.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def run_shim(lib, child: int, pid_fd: int) -> None:
    """The process Popen started, outside the new PID namespace: report the sandbox's pid,
    forward SIGINT to it, die with the grader (PDEATHSIG), exit as the sandbox did."""
    try:
        os.closerange(3, pid_fd)
        os.closerange(pid_fd + 1, 1 << 16)
        lib.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        signal.signal(signal.SIGINT, lambda *_: os.kill(child, signal.SIGINT))
        os.write(pid_fd, struct.pack(">q", child))
        os.close(pid_fd)
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)
    finally:
        os._exit(1)


GRADER_MEMORY_BYTES = 3 * 1024**3   # address space of the (trusted) process grading one submission


def bound_own_memory(limit: int = GRADER_MEMORY_BYTES) -> None:
    """Limit this trusted process's address space: a bomb in untrusted input ends in a
    MemoryError here, i.e. that one submission's "grading failed", not a machine out of memory."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY
                                            else min(limit, hard), hard))


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


def child_setup(cfg: SandboxConfig, uid: int, root_dir: str, files: dict[str, bytes],
                nproc_limit: int, err_fd: int, pid_fd: int, join_cgroup=None, filter=None):
    """The pre-exec step of the forked child: cgroup, namespaces, file system view, files,
    limits, identity, seccomp ``filter`` (a callable, last). In root/userns mode the child
    forks once more: the grandchild is PID 1 of the new PID namespace and becomes the
    student's interpreter; the child stays outside as its shim (``run_shim``). The pid of
    the interpreter is written to ``pid_fd``; a failure to ``err_fd`` (fail closed)."""
    def setup():
        os.setsid()
        lib = libc()
        if join_cgroup is not None:
            join_cgroup()
        if cfg.mode in ("root", "userns"):
            flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID
            if cfg.mode == "userns":
                real_uid, real_gid = os.getuid(), os.getgid()
                check_rc(lib.unshare(flags | CLONE_NEWUSER), "unshare")
                map_user(real_uid, real_gid)
            else:
                check_rc(lib.unshare(flags), "unshare")
            child = os.fork()
            if child:
                run_shim(lib, child, pid_fd)        # never returns
            os.close(pid_fd)
            build_root(lib, cfg, root_dir)
            folder = WORKDIR
        else:
            os.write(pid_fd, struct.pack(">q", os.getpid()))
            os.close(pid_fd)
            folder = root_dir
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        set_limits(cfg.limits, nproc_limit)
        drop_privileges(lib, cfg, uid, folder)
        lib.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # die with the shim / grader
        os.chdir(folder)
        if filter is not None:
            filter()

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
