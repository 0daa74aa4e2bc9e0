"""Grade one notebook: student code in the sandbox, teacher tests in this (trusted) process.

The student's cells run in the sandboxed interpreter. Each test cell runs HERE, in a
namespace that holds only the teacher's code and pristine modules; every name the test
uses that the teacher did not define (``softmax``, ``vocab``...) is fetched from the
sandbox just before the cell runs: data arrives as fresh values of exact types (see
``codec``), functions and other objects as ``Remote`` proxies whose calls are executed in
the sandbox and whose results are data again. So no student code ever runs in this
process: patching ``np.allclose``, builtins, IPython hooks, ``sys.settrace`` or ``atexit``
in the sandbox cannot touch the tests, and an object that "equals everything" arrives as
a proxy that refuses comparisons.
"""
from __future__ import annotations

import ast
import contextlib
import io
import builtins
import dataclasses
import linecache
import signal
import time
import traceback

import numpy as np

from .codec import CodecError, decode, encode
from .notebook import HIDDEN_BEGIN, HIDDEN_END, Cell
from .sandbox import Sandbox, SandboxDied, SandboxTimeout

HIDDEN_FAILED = "hidden test failed"


@dataclasses.dataclass(frozen=True)
class Timeouts:
    """Wall-clock limits (seconds)."""
    cell: float = 30.0          # one student cell, or one test cell (like nbgrader's default)
    notebook: float = 300.0     # the whole notebook
    start: float = 60.0         # starting the sandbox and its first reply


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
            with contextlib.redirect_stdout(_Bounded()):
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
        _write_back(args, kwargs, reply.get("writeback"), self._remote)
        return result


def _write_back(args, kwargs, writeback, make_handle):
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


# ---- the notebook run ---------------------------------------------------------------------

def _bound_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _loaded_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _segments(source: str) -> list[tuple[bool, str]]:
    """Split a test cell into (hidden, code) parts at the hidden-test markers."""
    parts, current, hidden = [], [], False
    for line in source.splitlines(keepends=True):
        marker = line.strip()
        if marker.startswith(HIDDEN_BEGIN) or marker.startswith(HIDDEN_END):
            if current:
                parts.append((hidden, "".join(current)))
            current, hidden = [], marker.startswith(HIDDEN_BEGIN)
            continue
        current.append(line)
    if current:
        parts.append((hidden, "".join(current)))
    try:
        for _, code in parts:
            ast.parse(code)
    except SyntaxError:               # markers inside a block: treat the whole cell as hidden
        hidden_any = any(h for h, _ in parts)
        return [(hidden_any, source.replace(HIDDEN_BEGIN, "#").replace(HIDDEN_END, "#"))]
    return parts


class _CellTimeout(BaseException):
    pass


class _StderrOutput(Exception):
    """The test wrote to stderr: like nbgrader, this scores 0."""


class _Bounded(io.StringIO):
    """A StringIO that stops growing after 100 000 characters."""

    def write(self, text):
        if self.tell() < 100_000:
            super().write(str(text)[:100_000])
        return len(text)


def _alarm(_signum, _frame):
    raise _CellTimeout()


class NotebookRun:
    """Runs a rebuilt notebook and scores its test cells."""

    def __init__(self, sandbox: Sandbox, timeouts: Timeouts):
        self.sandbox, self.timeouts = sandbox, timeouts
        self.bridge = Bridge(sandbox, timeouts)
        self.ns: dict = {"__name__": "__grader__", "__builtins__": builtins}
        self.teacher_names: set[str] = set()
        self.flags: list[str] = []
        self.notes: list[str] = []
        self.cells: list[dict] = []
        self.outputs: list[str] = []

    # student side -------------------------------------------------------------------------
    def run_student(self, cell: Cell, index: int, deadline: float) -> None:
        if self.sandbox.dead_reason:
            return
        left = min(self.timeouts.cell, deadline - time.monotonic())
        if left <= 0:
            self.notes.append("notebook time limit reached: the remaining cells did not run")
            self.sandbox.dead_reason = "notebook time limit reached"
            self.sandbox.kill()
            return
        try:
            reply = self.sandbox.request({"op": "run_cell", "source": cell.source}, left)
        except SandboxTimeout:
            self.notes.append(f"cell {index + 1} timed out after {left:.0f} s")
            return
        except SandboxDied as exc:
            self.flags.append(f"student process died in cell {index + 1}: {exc}")
            return
        self.outputs.append(str(reply.get("output", ""))[:4000])
        if reply.get("status") == "error":
            ename = str(reply.get("ename", ""))[:100]
            if ename == "MemoryError":
                self.notes.append(f"cell {index + 1} ran out of memory")

    # trusted side ---------------------------------------------------------------------------
    def _import_student_names(self, tree: ast.AST) -> None:
        for name in sorted(_loaded_names(tree) - self.teacher_names):
            if name in self.ns and name not in self._student_names:
                continue
            if hasattr(builtins, name):
                continue
            self.ns.pop(name, None)
            try:
                self.ns[name] = self.bridge.get(name)
                self._student_names.add(name)
            except NameError:
                self._student_names.discard(name)
            except (StudentTimeout, StudentDied, StudentError):
                self._student_names.discard(name)

    _student_names: set

    def run_teacher_setup(self, cell: Cell) -> None:
        """A locked, ungraded teacher cell (imports, helpers): runs on both sides."""
        if not self.sandbox.dead_reason:
            try:
                self.sandbox.request({"op": "run_cell", "source": cell.source}, self.timeouts.cell)
            except (SandboxTimeout, SandboxDied):
                pass
        try:
            tree = ast.parse(cell.source)
            with contextlib.redirect_stdout(_Bounded()), contextlib.redirect_stderr(_Bounded()):
                exec(compile(tree, f"<setup {cell.grade_id}>", "exec"), self.ns)
        except SyntaxError:
            pass                     # IPython magics etc.: supported on the student side only
        except Exception as exc:     # noqa: BLE001 - a broken setup cell fails its tests later
            self.notes.append(f"setup cell {cell.grade_id} failed in the grader: "
                              f"{type(exc).__name__}")
        else:
            self.teacher_names |= _bound_names(tree)

    def run_test(self, cell: Cell) -> dict:
        started = time.monotonic()
        self.bridge.deadline = started + self.timeouts.cell
        result = {"grade_id": cell.grade_id, "points": cell.points, "score": 0.0,
                  "status": "failed", "feedback": ""}
        segments = _segments(cell.source)
        hidden_failed = False
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeouts.cell + 5)
        last_value = None
        try:
            for i, (hidden, code) in enumerate(segments):
                name = f"<{'hidden' if hidden else 'test'} {cell.grade_id} part {i + 1}>"
                tree = ast.parse(code)
                self.teacher_names |= _bound_names(tree)
                self._import_student_names(tree)
                if not hidden:
                    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
                last = None
                if i == len(segments) - 1 and tree.body and isinstance(tree.body[-1], ast.Expr):
                    last = ast.Expression(tree.body.pop().value)
                out, err = _Bounded(), _Bounded()
                try:
                    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                        exec(compile(tree, name, "exec"), self.ns)
                        if last is not None:
                            last_value = eval(compile(last, name, "eval"), self.ns)
                    if err.getvalue():
                        # nbgrader's rule: output on stderr (an error report, a warning)
                        # costs the cell its points.
                        raise _StderrOutput(err.getvalue())
                except _CellTimeout:
                    raise
                except BaseException as exc:  # noqa: BLE001 - any failure of the test
                    tb = traceback.extract_tb(exc.__traceback__)
                    if hidden or any(f.filename.startswith("<hidden ") for f in tb):
                        hidden_failed = True
                        result["feedback"] = HIDDEN_FAILED
                    else:
                        frames = [f for f in tb if f.filename.startswith("<test ")]
                        lines = traceback.format_list(frames)
                        if isinstance(exc, _StderrOutput):
                            lines.append(f"the test wrote to stderr:\n{str(exc)[:2000]}")
                        else:
                            lines.append(f"{type(exc).__name__}: {str(exc)[:2000]}")
                        result["feedback"] = "".join(lines)
                    result["status"] = "failed"
                    return result
            score = cell.points
            if type(last_value) is bool or isinstance(last_value, np.bool_):
                score = cell.points if last_value else 0.0        # stricter than nbgrader
            elif type(last_value) in (int, float) or isinstance(last_value, (np.integer,
                                                                             np.floating)):
                value = float(last_value)
                score = min(max(value, 0.0), cell.points) if value == value else 0.0
            result.update(score=score, status="passed" if score else "failed",
                          feedback="passed" if score else "the test returned no credit")
            return result
        except _CellTimeout:
            result["feedback"] = HIDDEN_FAILED if hidden_failed or any(
                h for h, _ in segments) else "the test timed out"
            self.notes.append(f"test {cell.grade_id} timed out")
            self.sandbox.dead_reason = "a test timed out"
            self.sandbox.kill()
            return result
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            result["seconds"] = round(time.monotonic() - started, 3)

    def run(self, cells: tuple[Cell, ...]) -> list[dict]:
        self._student_names = set()
        self._death_reported = False
        deadline = time.monotonic() + self.timeouts.notebook
        results = []
        for index, cell in enumerate(cells):
            if cell.kind == "student":
                self.run_student(cell, index, deadline)
            elif cell.kind == "setup":
                self.run_teacher_setup(cell)
            elif cell.kind == "test":
                results.append(self.run_test(cell))
                reason = self.sandbox.dead_reason
                if reason and not self._death_reported:
                    if "timed out" in reason or "timeout" in reason:
                        self.notes.append(f"student process stopped during test "
                                          f"{cell.grade_id}: {reason}")
                    else:
                        self.flags.append(f"student process died during test "
                                          f"{cell.grade_id}: {reason}")
            elif cell.kind == "manual":
                results.append({"grade_id": cell.grade_id, "points": cell.points, "score": None,
                                "status": "manual", "feedback": "graded by the teacher"})
            self._death_reported = bool(self.sandbox.dead_reason)
        return results
