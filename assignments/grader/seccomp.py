"""A seccomp filter for the sandbox: system calls student code never needs, refused.

Refused with EPERM (the call fails; the process goes on):
- kernel keyrings (``add_key``, ``request_key``, ``keyctl``): keys belong to a uid and
  outlive the process, so one student's sandbox could leave data for the next one;
- ``memfd_create``/``memfd_secret``: anonymous files whose pages are not address space;
- namespace and mount calls (``unshare``, ``setns``, ``mount``, ``umount2``,
  ``pivot_root``, ``open_tree``, ``move_mount``, ``fsopen``, ``fsmount``), ``bpf``,
  ``perf_event_open``, ``userfaultfd`` and ``io_uring_*`` (kernel attack surface);
- every call of another ABI (32-bit ``int 0x80``, x32), so the numbers cannot be dodged.

Only x86_64 and aarch64 are known; elsewhere ``install`` returns False (the caller
reports "seccomp: not available") and the other layers of the sandbox still apply.
"""
from __future__ import annotations

import ctypes
import errno
import platform

# syscall numbers by machine
_NUMBERS = {
    "x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250, "memfd_create": 319,
               "memfd_secret": 447, "unshare": 272, "setns": 308, "mount": 165,
               "umount2": 166, "pivot_root": 155, "open_tree": 428, "move_mount": 429,
               "fsopen": 430, "fsmount": 432, "bpf": 321, "perf_event_open": 298,
               "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
               "io_uring_register": 427},
    "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219, "memfd_create": 279,
                "memfd_secret": 447, "unshare": 97, "setns": 268, "mount": 40,
                "umount2": 39, "pivot_root": 41, "open_tree": 428, "move_mount": 429,
                "fsopen": 430, "fsmount": 432, "bpf": 280, "perf_event_open": 241,
                "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426,
                "io_uring_register": 427},
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
REFUSED = tuple(_NUMBERS["x86_64"])          # the names, for reports

# classic BPF
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_X32_BIT = 0x40000000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


class _Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions; ``ValueError`` for an unknown machine."""
    if machine not in _NUMBERS:
        raise ValueError(f"no seccomp numbers for machine {machine!r}")
    numbers = sorted(set(_NUMBERS[machine].values()))
    deny = (_RET_K, 0, 0, _RET_ERRNO | errno.EPERM)
    body = [(_LD_W_ABS, 0, 0, 4),                                  # seccomp_data.arch
            (_JEQ_K, 1, 0, _AUDIT_ARCH[machine]), deny,            # another ABI: refused
            (_LD_W_ABS, 0, 0, 0)]                                  # seccomp_data.nr
    if machine == "x86_64":
        body += [(_JGE_K, 0, 1, _X32_BIT), deny]                   # x32 numbers: refused
    for i, nr in enumerate(numbers):
        left = len(numbers) - i - 1                                # jumps to the deny below
        body.append((_JEQ_K, left + 1, 0, nr))
    body += [(_RET_K, 0, 0, _RET_ALLOW), deny]
    return body


def install() -> bool:
    """Install the filter on this process (needs no_new_privs or root); False when this
    machine is not supported. Raises ``OSError`` if the kernel refuses it."""
    machine = platform.machine()
    if machine not in _NUMBERS:
        return False
    insns = program(machine)
    arr = (_Insn * len(insns))(*[_Insn(*i) for i in insns])
    prog = _Prog(len(insns), arr)
    lib = ctypes.CDLL(None, use_errno=True)
    lib.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                          ctypes.c_ulong]
    if lib.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp: {errno.errorcode.get(err, err)}")
    return True
