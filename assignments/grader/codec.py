"""A restricted, data-only codec for values crossing the sandbox boundary.

Only plain data crosses between the trusted grader and the student's sandbox process:
None, bool, int, float, complex, str, bytes, list, tuple, dict, set, numpy arrays of
numeric/bool/str dtype, numpy scalars, and ``np.random.Generator`` (as its bit-generator
state). Anything else the student returns travels as an opaque handle ``["h", id, type]``.

Decoding builds values of *exactly* these builtin/numpy types from JSON, so a student
cannot smuggle an object whose ``__eq__`` says True to everything, a float subclass or a
patched ndarray into the trusted test process: the test sees only pristine data.

This module is also sent verbatim into the sandbox (it must stay self-contained: stdlib
and numpy imports only, no package-relative imports).
"""
import base64
import json
import math
import os
import select
import struct
import time

import numpy as np

MAX_DEPTH = 64                      # nesting limit for containers
MAX_NODES = 1_000_000               # values (of any kind) one decoded message may hold
MAX_STATE_CHARS = 20_000            # size of a generator state (JSON text)
_ARRAY_KINDS = "biufcU"             # numpy dtype kinds allowed to cross (never "O")


class CodecError(ValueError):
    """A value that cannot be encoded, or a message that is not valid codec data."""


def _f(x):
    return float.hex(float(x))


def encode(value, handle_of=None, depth=0):
    """Encode ``value`` into JSON-able tagged lists.

    ``handle_of(obj) -> int`` is called for values that are not plain data; when it is
    None such values raise ``CodecError``.
    """
    if depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    t = type(value)
    if value is None:
        return ["n"]
    if t is bool:
        return ["b", value]
    if t is int:
        return ["i", str(value)]
    if t is float:
        return ["f", _f(value)]
    if t is complex:
        return ["c", _f(value.real), _f(value.imag)]
    if t is str:
        return ["s", value]
    if t is bytes:
        return ["y", base64.b64encode(value).decode("ascii")]
    if t is list or t is tuple or t is set or t is frozenset:
        tag = {list: "l", tuple: "u", set: "e", frozenset: "e"}[t]
        return [tag, [encode(v, handle_of, depth + 1) for v in value]]
    if t is dict:
        return ["d", [[encode(k, handle_of, depth + 1), encode(v, handle_of, depth + 1)]
                      for k, v in value.items()]]
    if t is np.ndarray and value.dtype.kind in _ARRAY_KINDS:
        arr = np.ascontiguousarray(value)
        return ["a", arr.dtype.str, list(arr.shape), base64.b64encode(arr.tobytes()).decode("ascii")]
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" \
            and np.dtype(t).kind in _ARRAY_KINDS:
        arr = np.asarray(value)
        return ["g", arr.dtype.str, base64.b64encode(arr.tobytes()).decode("ascii")]
    if t is np.random.Generator:
        bg = value.bit_generator
        return ["r", type(bg).__name__, json.dumps(bg.state)]
    if handle_of is not None:
        handle = handle_of(value)
        if type(handle) is list:           # a ready-made tag, e.g. ["k", id] for a callback
            return handle
        return ["h", int(handle), t.__name__[:80]]
    raise CodecError(f"cannot send a value of type {t.__name__} across the sandbox boundary")


def _dtype(code):
    if not isinstance(code, str) or len(code) > 16:
        raise CodecError("bad dtype")
    dt = np.dtype(code)
    if dt.kind not in _ARRAY_KINDS or dt.hasobject or dt.fields is not None:
        raise CodecError(f"dtype {code!r} is not allowed")
    return dt


def decode(data, make_handle=None, depth=0, make_callback=None):
    """Decode tagged lists into fresh values of exact builtin/numpy types.

    ``["h", id, type]`` becomes ``make_handle(id, type)`` and ``["k", id]`` (a function of
    the trusted side passed as an argument) ``make_callback(id)``; without these makers
    such tags are refused. Anything malformed, too deep or too big (``MAX_NODES``) raises
    ``CodecError`` and nothing else."""
    try:
        return _decode(data, make_handle, depth, make_callback, [MAX_NODES])
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
            RecursionError, MemoryError) as exc:
        raise CodecError(f"malformed value ({type(exc).__name__})") from None


def _decode(data, make_handle, depth, make_callback, budget):
    if depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    budget[0] -= 1
    if budget[0] < 0:
        raise CodecError(f"value holds more than {MAX_NODES} items")
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise CodecError("malformed value")
    tag = data[0]
    if tag == "n":
        return None
    if tag == "b" and len(data) == 2 and type(data[1]) is bool:
        return bool(data[1])
    if tag == "i" and len(data) == 2 and type(data[1]) is str and len(data[1]) < 5000:
        return int(data[1])
    if tag == "f" and len(data) == 2 and type(data[1]) is str:
        return float.fromhex(data[1])
    if tag == "c" and len(data) == 3:
        return complex(float.fromhex(data[1]), float.fromhex(data[2]))
    if tag == "s" and len(data) == 2 and type(data[1]) is str:
        return str(data[1])
    if tag == "y" and len(data) == 2 and type(data[1]) is str:
        return bytes(base64.b64decode(data[1]))
    if tag in ("l", "u", "e") and len(data) == 2 and isinstance(data[1], list):
        if len(data[1]) > budget[0]:
            raise CodecError(f"value holds more than {MAX_NODES} items")
        items = [_decode(v, make_handle, depth + 1, make_callback, budget) for v in data[1]]
        if tag == "l":
            return items
        if tag == "u":
            return tuple(items)
        try:
            return set(items)
        except TypeError as exc:
            raise CodecError("unhashable set item") from exc
    if tag == "d" and len(data) == 2 and isinstance(data[1], list):
        out = {}
        for pair in data[1]:
            if not isinstance(pair, list) or len(pair) != 2:
                raise CodecError("malformed dict item")
            key = _decode(pair[0], None, depth + 1, None, budget)
            try:
                out[key] = _decode(pair[1], make_handle, depth + 1, make_callback, budget)
            except TypeError as exc:
                raise CodecError("unhashable dict key") from exc
        return out
    if tag == "a" and len(data) == 4:
        dt = _dtype(data[1])
        shape = data[2]
        if not isinstance(shape, list) or len(shape) > 32 or \
                not all(type(n) is int and n >= 0 for n in shape):
            raise CodecError("bad array shape")
        raw = base64.b64decode(data[3])
        if len(raw) != math.prod(shape) * dt.itemsize:
            raise CodecError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    if tag == "g" and len(data) == 3:
        dt = _dtype(data[1])
        raw = base64.b64decode(data[2])
        if len(raw) != dt.itemsize:
            raise CodecError("scalar data does not match its dtype")
        return np.frombuffer(raw, dtype=dt)[0]
    if tag == "r" and len(data) == 3 and data[1] in ("PCG64", "PCG64DXSM", "MT19937",
                                                      "Philox", "SFC64"):
        if type(data[2]) is not str or len(data[2]) > MAX_STATE_CHARS:
            raise CodecError("bad generator state")
        bg = getattr(np.random, data[1])()
        try:
            bg.state = json.loads(data[2])
        except Exception as exc:       # noqa: BLE001 - numpy raises many kinds here
            raise CodecError(f"bad generator state ({type(exc).__name__})") from None
        return np.random.Generator(bg)
    if tag == "h" and len(data) == 3 and type(data[1]) is int and make_handle is not None:
        return make_handle(int(data[1]), str(data[2]))
    if tag == "k" and len(data) == 2 and type(data[1]) is int and make_callback is not None:
        return make_callback(int(data[1]))
    raise CodecError(f"malformed value with tag {tag!r}")


# ---- framing: 8-byte big-endian length + UTF-8 JSON -------------------------------------

def pack(message):
    return frame(json.dumps(message, separators=(",", ":"), allow_nan=False).encode("utf-8"))


def frame(body):
    """``body`` (bytes) behind its 8-byte big-endian length."""
    return struct.pack(">Q", len(body)) + body


def read_exact(fd, n, deadline=None):
    """Exactly ``n`` bytes from ``fd``: ``EOFError`` if it closes first, ``TimeoutError``
    once ``time.monotonic()`` passes ``deadline`` (None: wait as long as it takes)."""
    chunks = []
    while n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            if not select.select([fd], [], [], left)[0]:
                continue
        b = os.read(fd, min(n, 1 << 20))
        if not b:
            raise EOFError("the channel was closed")
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read_frame(fd, deadline=None):
    """One ``frame``'s body from ``fd`` (errors as ``read_exact``)."""
    (size,) = struct.unpack(">Q", read_exact(fd, 8, deadline))
    return read_exact(fd, size, deadline)
