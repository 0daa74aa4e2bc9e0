"""Reading files from ``submitted/``: never through a symlink, only regular files, bounded.

Everything under ``submitted/<student>/<assignment>/`` is the student's (``nbgrader
collect`` copies it there). A symlink there could point at the teacher's notebook or at any
file the grader (root) can read; a FIFO or a device would block or never end. So the last
three components (student folder, assignment folder, file) are opened one by one with
``O_NOFOLLOW`` relative to each other, the file must be a regular file (``fstat``), and at
most ``limit`` bytes are read. Each refusal is a ``SubmittedFileError`` whose text says why;
the caller records it for that submission only.

``parse_timestamp`` reads nbgrader's ``timestamp.txt`` defensively (any bytes in, a
datetime in a sane range or None out).
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from pathlib import Path

MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024      # a submitted notebook larger than this is refused
MAX_SMALL_FILE_BYTES = 4096               # timestamp.txt, submission_secret.txt
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class SubmittedFileError(Exception):
    """A submitted file that is missing, a symlink, not a regular file or too large."""

    def __init__(self, name: str, problem: str, suspicious: bool):
        super().__init__(f"{name} {problem}")
        self.suspicious = suspicious           # a symlink / special file: flag it


def _open_component(name: str, flags: int, dir_fd: int | None, shown: str) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise SubmittedFileError(shown, "is missing", False) from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise SubmittedFileError(shown, f"is a symlink (or its folder {name!r} is one): "
                                     "not followed", True) from None
        raise SubmittedFileError(shown, f"cannot be opened ({exc.strerror})", False) from None


def read_regular(path: Path, limit: int, depth: int = 3) -> bytes:
    """The bytes of ``path`` (at most ``limit``), opening its last ``depth`` components
    without following symlinks. Raises ``SubmittedFileError``."""
    path = Path(path)
    parts = path.parts[-depth:]
    base = Path(*path.parts[:-depth]) if len(path.parts) > depth else Path("/")
    shown = path.name
    fds = []
    try:
        fds.append(os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for part in parts[:-1]:
            fds.append(_open_component(part, _OPEN_DIR, fds[-1], shown))
        fd = _open_component(parts[-1], _OPEN_FILE, fds[-1], shown)
        fds.append(fd)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmittedFileError(shown, "is not a regular file (a FIFO, device or "
                                     "folder): not read", True)
        if info.st_size > limit:
            raise SubmittedFileError(shown, f"is too large ({info.st_size} bytes, limit "
                                     f"{limit})", False)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise SubmittedFileError(shown, f"grew beyond {limit} bytes while read", False)
        return b"".join(chunks)
    except OSError as exc:
        raise SubmittedFileError(shown, f"cannot be read ({exc.strerror})", False) from None
    finally:
        for fd in fds:
            os.close(fd)


def odd_entries(folder: Path) -> tuple[str, ...]:
    """What in a submission folder is a symlink or not a regular file/folder (never
    followed, never read, so never graded or copied): one line each, for the flags."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return ()
    odd = []
    for entry in entries[:1000]:
        if entry.is_symlink():
            odd.append(f"{entry.name!r} is a symlink: not followed")
        elif not (entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False)):
            odd.append(f"{entry.name!r} is not a regular file: not read")
    return tuple(odd[:20])


def read_or_none(path: Path, limit: int = MAX_SMALL_FILE_BYTES) -> bytes | None:
    """``read_regular`` for optional small files: None when it cannot be read safely."""
    try:
        return read_regular(path, limit)
    except SubmittedFileError:
        return None


def parse_timestamp(raw: bytes | None) -> dt.datetime | None:
    """nbgrader's timestamp (``2026-11-29 12:00:00.000000 UTC`` or ISO 8601) as a naive UTC
    datetime between 1970 and 2200; None for anything else (never raises)."""
    if raw is None or len(raw) > 100:
        return None
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    for parse in (dt.datetime.fromisoformat,
                  lambda t: dt.datetime.strptime(t, "%Y-%m-%d %H:%M:%S.%f %Z"),
                  lambda t: dt.datetime.strptime(t, "%Y-%m-%d %H:%M:%S %Z")):
        try:
            stamp = parse(text)
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError, TypeError):
            continue
        if 1970 <= stamp.year <= 2200:
            return stamp
        return None
    return None
