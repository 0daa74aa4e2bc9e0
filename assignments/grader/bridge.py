"""The bridge: how trusted test code reaches into the sandbox, and nothing comes back.

A test cell runs in the grader's (trusted) process. Every name it uses that the teacher did
not define is fetched from the sandbox through a ``Bridge``: data arrives as fresh values of
exact types (see ``codec``), functions and other objects as ``Remote`` proxies whose calls
are executed in the sandbox and whose results are data again. So no student code ever runs
in this process, and an object that "equals everything" arrives as a proxy that refuses
comparisons. The messages themselves are ``runner.py``'s protocol, sent by ``Sandbox``.
"""
from __future__ import annotations

import builtins
import contextlib
import dataclasses
import io
import math
import time

import numpy as np

from .codec import CodecError, decode, encode
from .sandbox import Sandbox, SandboxDied, SandboxTimeout


@dataclasses.dataclass(frozen=True)
class Timeouts:
    """Wall-clock limits (seconds)."""
    cell: float = 30.0          # one student cell, or one test cell (like nbgrader's default)
    notebook: float = 300.0     # the whole notebook
    start: float = 60.0         # unused: the notebook limit covers the sandbox start-ups

    def __post_init__(self):
        for name in ("cell", "notebook", "start"):
            value = getattr(self, name)
            if type(value) not in (int, float) or not value > 0:
                raise ValueError(f"Timeouts.{name} must be a positive number of seconds, "
                                 f"got {value!r}")


class BoundedText(io.StringIO):
    """A StringIO that stops growing after 100 000 characters."""

    def write(self, text):
        if self.tell() < 100_000:
            super().write(str(text)[:100_000])
        return len(text)


class StudentError(Exception):
    """An exception raised by student code whose type is not a plain builtin error."""


class StudentTimeout(Exception):
    """Student code called by a test did not return in time."""


class StudentDied(Exception):
    """The student's process is gone; nothing of it can be called any more."""


_PASS_THROUGH = {n: getattr(builtins, n) for n in (
    "ArithmeticError", "AttributeError", "EOFError", "FloatingPointError", "IndexError",
    "KeyError", "LookupError", "MemoryError", "NameError", "NotImplementedError",
    "OverflowError", "RecursionError", "RuntimeError", "TypeError", "UnicodeError",
    "ValueError", "ZeroDivisionError", "OSError", "FileNotFoundError")}


# Builtins that would hand the sandbox the trusted process if a test passed them as a
# callback: refused outright.
_NEVER_CALLBACK = tuple(getattr(builtins, n) for n in (
    "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr",
    "globals", "locals", "vars", "input", "breakpoint", "help"))


class Bridge:
    """Talks to the sandbox on behalf of the tests, with a deadline per test cell."""

    def __init__(self, sandbox: Sandbox, timeouts: Timeouts):
        self.sandbox, self.timeouts = sandbox, timeouts
        self.deadline = float("inf")
        self.callbacks: list = []      # trusted functions passed to student code, by id
        self._rng_synced = None        # numpy's global state as last exchanged with the sandbox

    def _handle_of(self, value):
        """How a non-data argument travels: a student object back as its handle, a
        trusted function as a callback id (it will run here, never in the sandbox)."""
        if type(value) is Remote:
            return ["h", object.__getattribute__(value, "_key"),
                    object.__getattribute__(value, "_type")]
        if callable(value) and not any(value is f for f in _NEVER_CALLBACK):
            self.callbacks.append(value)
            return ["k", len(self.callbacks) - 1]
        raise CodecError(f"cannot send a value of type {type(value).__name__} to student code")

    def _run_callback(self, msg: dict) -> dict:
        try:
            fn = self.callbacks[msg["callback"]]
            args = [decode(a, self._remote) for a in msg.get("args", [])]
            kwargs = {str(k): decode(v, self._remote) for k, v in msg.get("kwargs", {}).items()}
            with contextlib.redirect_stdout(BoundedText()):
                value = fn(*args, **kwargs)
            return {"value": encode(value, handle_of=self._handle_of)}
        except Exception as exc:       # noqa: BLE001 - reported to the student code
            return {"exc": f"{type(exc).__name__}"}

    def _ask(self, msg: dict) -> dict:
        left = min(self.timeouts.cell, self.deadline - time.monotonic())
        if left <= 0:
            raise StudentTimeout("the test cell ran out of time")
        try:
            return self.sandbox.request(msg, left, on_callback=self._run_callback)
        except SandboxTimeout:
            raise StudentTimeout(f"student code did not return within {left:.0f} s") from None
        except SandboxDied as exc:
            raise StudentDied(str(exc)) from None

    def _value(self, reply: dict):
        if "exc" in reply:
            exc = reply["exc"] if isinstance(reply["exc"], dict) else {}
            message = str(exc.get("message", ""))[:2000]
            for name in exc.get("types", []) if isinstance(exc.get("types"), list) else []:
                if name in _PASS_THROUGH:
                    raise _PASS_THROUGH[name](message)
            raise StudentError(message)
        try:
            return decode(reply.get("value"), self._remote)
        except (CodecError, ValueError, TypeError, OverflowError, RecursionError) as exc:
            raise StudentError(f"the student's value could not be read: {exc}") from None

    def _remote(self, key: int, type_name: str) -> "Remote":
        return Remote(self, key, type_name)

    def get(self, name: str):
        reply = self._ask({"op": "get", "name": name})
        if reply.get("missing"):
            raise NameError(name)
        value = self._value(reply)
        if type(value) is Remote:
            object.__setattr__(value, "_label", name[:80])
        return value

    def op(self, op: str, target: "Remote", **fields):
        return self._value(self._ask({"op": op, "target": ["h", target._key, target._type],
                                      **fields}))

    def call(self, target: "Remote", args: tuple, kwargs: dict):
        def enc(v):
            return encode(v, handle_of=self._handle_of)
        try:
            enc_args = [enc(a) for a in args]
            enc_kwargs = {str(k): enc(v) for k, v in kwargs.items()}
        except CodecError as exc:
            raise TypeError(f"cannot pass this value to student code: {exc}") from None
        msg = {"op": "call", "target": ["h", target._key, target._type],
               "args": enc_args, "kwargs": enc_kwargs}
        state = np.random.get_state()
        if self._rng_synced is None or not same_data(state, self._rng_synced):
            msg["global_rng"] = encode(state)
        self._rng_synced = state
        reply = self._ask(msg)
        self._mirror_global_rng(reply.get("global_rng"))
        result = self._value(reply)
        check_in_place(object.__getattribute__(target, "_label"), args, kwargs,
                       reply.get("writeback"), self._remote)
        return result

    def _mirror_global_rng(self, data) -> None:
        """The student's call drew from numpy's global generator: so does the tests'."""
        if data is None:
            return
        try:
            state = decode(data)
            if type(state) is tuple and len(state) == 5 and state[0] == "MT19937" \
                    and type(state[1]) is np.ndarray and state[1].shape == (624,):
                np.random.set_state(state)
        except (CodecError, ValueError, TypeError, OverflowError):
            pass
        self._rng_synced = np.random.get_state()


def same_data(a, b, depth: int = 0) -> bool:
    """Whether two plain values are equal (floats to 1e-9 relative, NaN equal to NaN)."""
    if type(a) is not type(b) or depth > 64:
        return False
    if type(a) is np.ndarray:
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
        return bool(np.array_equal(a, b))
    if type(a) is float:
        return a == b or (a != a and b != b) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same_data(x, y, depth + 1) for x, y in zip(a, b))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same_data(a[k], b[k], depth + 1) for k in a)
    if type(a) is Remote:
        return object.__getattribute__(a, "_key") == object.__getattribute__(b, "_key")
    try:
        return bool(a == b)
    except Exception:               # noqa: BLE001 - not comparable: not data we sent
        return True


def check_in_place(label: str, args, kwargs, writeback, make_handle) -> None:
    """After a call: a Generator argument takes the state the student's code left it in (so
    random-state tests work); any other argument is NEVER changed here - the test's own
    values stay as the test made them - and if the student's code changed one in place the
    call fails with ``AssertionError`` (a function must not change its inputs)."""
    if not isinstance(writeback, list):
        return
    for item in writeback[:1000]:
        try:
            where, data = item
            orig = args[where] if type(where) is int else kwargs[where]
            if type(orig) is Remote or callable(orig):
                continue
            new = decode(data, make_handle)
        except (ValueError, TypeError, KeyError, IndexError, CodecError, RecursionError):
            continue
        if type(orig) is np.random.Generator:
            if type(new) is np.random.Generator:
                try:
                    orig.bit_generator.state = new.bit_generator.state
                except (ValueError, TypeError, KeyError):
                    pass
            continue
        if not same_data(orig, new):
            name = f"argument {where + 1}" if type(where) is int else f"argument {where}="
            raise AssertionError(f"{label} changed its {name} in place (the caller's value "
                                 "must not change)")


class Remote:
    """An object that lives in the student's sandbox. Calls and attribute reads go there;
    comparisons, truth tests and numeric conversion are refused, so it never passes for
    data."""
    __slots__ = ("_bridge", "_key", "_type", "_label")

    def __init__(self, bridge, key, type_name, label=None):
        object.__setattr__(self, "_bridge", bridge)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_label", label or f"a student {type_name}")

    def __call__(self, *args, **kwargs):
        return self._bridge.call(self, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._bridge.op("getattr", self, name=name)

    def __setattr__(self, name, value):
        raise TypeError("tests cannot modify student objects")

    def __getitem__(self, key):
        try:
            enc = encode(key, handle_of=self._bridge._handle_of)
        except CodecError as exc:
            raise TypeError(str(exc)) from None
        return self._bridge.op("getitem", self, key=enc)

    def __len__(self):
        n = self._bridge.op("len", self)
        if type(n) is not int:
            raise TypeError("len() of a student object did not return an int")
        return n

    def __iter__(self):
        items = self._bridge.op("list", self)
        if type(items) is not list:
            raise TypeError("iterating a student object did not give a list")
        return iter(items)

    def _refuse(self, *_args, **_kwargs):
        raise TypeError(f"a student object of type {self._type!r} is not a plain value "
                        f"(expected e.g. an int, float, str, list or numpy array)")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __bool__ = __float__ = __int__ = __index__ = __complex__ = __array__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __abs__ = __neg__ = __contains__ = _refuse
    __hash__ = object.__hash__

    def __repr__(self):
        return f"<student {self._type}>"
