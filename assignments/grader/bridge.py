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
import time

from .codec import CodecError, decode, encode
from .sandbox import Sandbox, SandboxDied, SandboxTimeout


@dataclasses.dataclass(frozen=True)
class Timeouts:
    """Wall-clock limits (seconds)."""
    cell: float = 30.0          # one student cell, or one test cell (like nbgrader's default)
    notebook: float = 300.0     # the whole notebook
    start: float = 60.0         # starting the sandbox and its first reply


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
        return self._value(reply)

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
        reply = self._ask({"op": "call", "target": ["h", target._key, target._type],
                           "args": enc_args, "kwargs": enc_kwargs})
        result = self._value(reply)
        write_back(args, kwargs, reply.get("writeback"), self._remote)
        return result


def write_back(args, kwargs, writeback, make_handle):
    """Mirror in-place changes the student made to array/list/dict/Generator arguments."""
    if not isinstance(writeback, list):
        return
    for item in writeback:
        try:
            where, data = item
            orig = args[where] if type(where) is int else kwargs[where]
            new = decode(data, make_handle)
            if type(orig) is not type(new):
                continue
            if type(orig).__name__ == "ndarray":
                if orig.shape == new.shape and orig.dtype == new.dtype and orig.flags.writeable:
                    orig[...] = new
            elif type(orig) is list:
                orig[:] = new
            elif type(orig) is dict:
                orig.clear()
                orig.update(new)
            elif type(orig).__name__ == "Generator":
                orig.bit_generator.state = new.bit_generator.state
        except (ValueError, TypeError, KeyError, IndexError, CodecError):
            continue


class Remote:
    """An object that lives in the student's sandbox. Calls and attribute reads go there;
    comparisons, truth tests and numeric conversion are refused, so it never passes for
    data."""
    __slots__ = ("_bridge", "_key", "_type")

    def __init__(self, bridge, key, type_name):
        object.__setattr__(self, "_bridge", bridge)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_type", type_name)

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
