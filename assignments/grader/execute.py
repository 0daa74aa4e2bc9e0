"""The notebook run: student cells in the sandbox, teacher tests here, each test scored.

The student's cells run in the sandboxed interpreter. Each test cell runs HERE, in a
namespace that holds only the teacher's code and pristine modules; every name the test
uses that the teacher did not define (``softmax``, ``vocab``...) is fetched through the
``Bridge`` just before the cell runs. So no student code ever runs in this process:
patching ``np.allclose``, builtins, IPython hooks, ``sys.settrace`` or ``atexit`` in the
sandbox cannot touch the tests. Scoring follows nbgrader's rules (an error or any stderr
output scores 0), except that a final ``False`` value scores 0 too.

``run_notebook`` is the entry point: the full run (hidden tests included) gives the scores.
Student code sees the hidden tests' inputs, and could carry them into a later visible
failure's message or its printed output; so any text shown to the student that was made
after a hidden test ran comes from a second, visible-only run in a fresh sandbox that never
saw a hidden test (or is withheld). One notebook time limit bounds everything: both runs,
every cell, every test, the sandbox start-ups.
"""
from __future__ import annotations

import builtins
import contextlib
import dataclasses
import linecache
import signal
import time
import traceback

import numpy as np

from .bridge import BoundedText, Bridge, StudentDied, StudentError, StudentTimeout, Timeouts
from .compiled import TestPart, setup_code, test_parts
from .notebook import Cell
from .result import CellResult
from .safetext import valid_text
from .sandbox import Sandbox, SandboxDied, SandboxTimeout

HIDDEN_FAILED = "hidden test failed"
NOT_SHOWN = ("a visible test failed (its message is not shown: it was produced after hidden "
             "tests ran)")
MAX_STUDENT_CELLS = 500         # student cells run per notebook; the rest are skipped
MAX_OUTPUT_CHARS = 100_000      # printed output kept per notebook
MAX_REPORTS = 50                # flags / notes kept per notebook


class _CellTimeout(BaseException):
    pass


class _StderrOutput(Exception):
    """The test wrote to stderr: like nbgrader, this scores 0."""


def failure_feedback(exc: BaseException, hidden: bool) -> str:
    """What the student sees of a failed test: a visible part's traceback (test frames
    only) and message, or only ``HIDDEN_FAILED`` when a hidden part failed."""
    tb = traceback.extract_tb(exc.__traceback__)
    if hidden or any(f.filename.startswith("<hidden ") for f in tb):
        return HIDDEN_FAILED
    lines = traceback.format_list([f for f in tb if f.filename.startswith("<test ")])
    if isinstance(exc, _StderrOutput):
        lines.append(f"the test wrote to stderr:\n{str(exc)[:2000]}")
    else:
        lines.append(f"{type(exc).__name__}: {str(exc)[:2000]}")
    return "".join(lines)


def credit(last_value, points: float) -> float:
    """The score of a test cell that ran without error, given its last expression's value:
    full points, except a False (0) or a number (clipped to [0, points], NaN gives 0)."""
    if type(last_value) is bool or isinstance(last_value, np.bool_):
        return points if last_value else 0.0        # stricter than nbgrader
    if type(last_value) in (int, float) or isinstance(last_value, (np.integer, np.floating)):
        value = float(last_value)
        return min(max(value, 0.0), points) if value == value else 0.0
    return points


def _alarm(_signum, _frame):
    raise _CellTimeout()


class NotebookRun:
    """Runs a rebuilt notebook and scores its test cells."""

    def __init__(self, sandbox: Sandbox, timeouts: Timeouts, deadline: float | None = None,
                 visible_only: bool = False):
        self.sandbox, self.timeouts = sandbox, timeouts
        self.deadline = time.monotonic() + timeouts.notebook if deadline is None else deadline
        self.visible_only = visible_only        # hidden parts of test cells are skipped
        self.bridge = Bridge(sandbox, timeouts)
        self.ns: dict = {"__name__": "__grader__", "__builtins__": builtins}
        self.teacher_names: set[str] = set()
        self.flags: list[str] = []
        self.notes: list[str] = []
        self.cells: list[dict] = []
        self.outputs: list[str] = []
        self.output_after_hidden: list[bool] = []
        self.hidden_ran = False                 # a hidden part has been executed
        self.after_hidden: set[str] = set()     # tests whose visible failure text came after
        self._output_chars = 0
        self._student_cells = 0

    def _left(self) -> float:
        return min(self.timeouts.cell, self.deadline - time.monotonic())

    # student side -------------------------------------------------------------------------
    def run_student(self, cell: Cell, index: int) -> None:
        if self.sandbox.dead_reason:
            return
        self._student_cells += 1
        if self._student_cells > MAX_STUDENT_CELLS:
            if self._student_cells == MAX_STUDENT_CELLS + 1:
                self.notes.append(f"only the first {MAX_STUDENT_CELLS} student cells ran")
            return
        left = self._left()
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
        text = str(reply.get("output", ""))[:max(0, min(4000, MAX_OUTPUT_CHARS - self._output_chars))]
        self._output_chars += len(text)
        self.outputs.append(text)
        self.output_after_hidden.append(self.hidden_ran)
        if reply.get("status") == "error":
            ename = str(reply.get("ename", ""))[:100]
            if ename == "MemoryError":
                self.notes.append(f"cell {index + 1} ran out of memory")

    # trusted side ---------------------------------------------------------------------------
    def _import_student_names(self, loaded: tuple) -> None:
        for name in loaded:
            if name in self.teacher_names:
                continue
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
        if not self.sandbox.dead_reason and self._left() > 0:
            try:
                self.sandbox.request({"op": "run_cell", "source": cell.source}, self._left())
            except (SandboxTimeout, SandboxDied):
                pass
        try:
            part = setup_code(cell)
            with contextlib.redirect_stdout(BoundedText()), contextlib.redirect_stderr(BoundedText()):
                exec(part.body, self.ns)
        except SyntaxError:
            pass                     # IPython magics etc.: supported on the student side only
        except Exception as exc:     # noqa: BLE001 - a broken setup cell fails its tests later
            self.notes.append(f"setup cell {cell.grade_id} failed in the grader: "
                              f"{type(exc).__name__}")
        else:
            self.teacher_names |= part.bound

    def _score_parts(self, cell: Cell, parts: tuple[TestPart, ...]) -> tuple[float, str]:
        """Run the visible and hidden parts of a test cell: (score, feedback).

        Raises ``_CellTimeout`` when the alarm of ``run_test`` goes off."""
        last_value = None
        for test_part in parts:
            hidden, part = test_part.hidden, test_part.compiled
            self.teacher_names |= part.bound
            self._import_student_names(part.loaded)
            if not hidden:
                linecache.cache[test_part.name] = (len(test_part.code), None,
                                                   test_part.code.splitlines(True),
                                                   test_part.name)
            out, err = BoundedText(), BoundedText()
            self.hidden_ran |= hidden
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    exec(part.body, self.ns)
                    if part.last is not None:
                        last_value = eval(part.last, self.ns)
                if err.getvalue():
                    # nbgrader's rule: output on stderr (an error report, a warning)
                    # costs the cell its points.
                    raise _StderrOutput(err.getvalue())
            except _CellTimeout:
                raise
            except BaseException as exc:  # noqa: BLE001 - any failure of the test
                if self.hidden_ran and not hidden:
                    self.after_hidden.add(cell.grade_id)
                return 0.0, failure_feedback(exc, hidden)
        score = credit(last_value, cell.points)
        return score, "passed" if score else "the test returned no credit"

    def run_test(self, cell: Cell) -> CellResult:
        started = time.monotonic()
        budget = self._left()
        parts = test_parts(cell, self.visible_only)
        if budget <= 0 or not parts:
            if budget <= 0 and "notebook time limit reached" not in self.notes:
                self.notes.append("notebook time limit reached")
                self.sandbox.dead_reason = self.sandbox.dead_reason or "notebook time limit reached"
                self.sandbox.kill()
            return CellResult(cell.grade_id, cell.points, 0.0, "not run",
                              "the notebook ran out of time" if parts else "")
        self.bridge.deadline = started + budget
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, budget + 2)
        try:
            score, feedback = self._score_parts(cell, parts)
        except _CellTimeout:
            score = 0.0
            feedback = HIDDEN_FAILED if any(p.hidden for p in parts) else "the test timed out"
            self.notes.append(f"test {cell.grade_id} timed out")
            self.sandbox.dead_reason = "a test timed out"
            self.sandbox.kill()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return CellResult(cell.grade_id, cell.points, score, "passed" if score else "failed",
                          feedback, round(time.monotonic() - started, 3))

    def run(self, cells: tuple[Cell, ...]) -> tuple[CellResult, ...]:
        self._student_names = set()
        self._death_reported = False
        results = []
        for index, cell in enumerate(cells):
            if cell.kind == "student":
                self.run_student(cell, index)
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
                results.append(CellResult(cell.grade_id, cell.points, None, "manual",
                                          "graded by the teacher"))
            self._death_reported = bool(self.sandbox.dead_reason)
        return tuple(results)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What ``run_notebook`` found: scores from the full run, texts safe to show."""
    cells: tuple[CellResult, ...]
    flags: tuple[str, ...]
    notes: tuple[str, ...]
    outputs: tuple[str, ...]


def _bounded(items: list[str]) -> tuple[str, ...]:
    kept = [valid_text(i, 500) for i in items[:MAX_REPORTS]]
    if len(items) > MAX_REPORTS:
        kept.append(f"... and {len(items) - MAX_REPORTS} more")
    return tuple(kept)


def run_notebook(cells: tuple[Cell, ...], start_sandbox, timeouts: Timeouts) -> Outcome:
    """Grade ``cells``: ``start_sandbox()`` gives a fresh ``Sandbox`` (called once or twice).

    The full run scores. If it produced text for the student after a hidden test had run
    (a visible failure's message, printed output), that text is replaced by the same
    notebook's visible-only run in a new sandbox (no hidden test ever reaches it), or by
    ``NOT_SHOWN`` when the notebook's time is up."""
    deadline = time.monotonic() + timeouts.notebook
    box = start_sandbox()
    try:
        full = NotebookRun(box, timeouts, deadline)
        results = full.run(cells)
    finally:
        box.close()
    outputs = list(full.outputs)
    tainted_output = any(o and t for o, t in zip(full.outputs, full.output_after_hidden))
    failed_after = {c.grade_id for c in results if c.grade_id in full.after_hidden
                    and c.status == "failed" and c.feedback not in (HIDDEN_FAILED,)}
    if failed_after or tainted_output:
        clean = None
        if deadline - time.monotonic() > 1:
            last = len(cells) if tainted_output else 1 + max(
                i for i, c in enumerate(cells) if c.kind == "test" and c.grade_id in failed_after)
            box = start_sandbox()
            try:
                visible = NotebookRun(box, timeouts, deadline, visible_only=True)
                clean = {c.grade_id: c for c in visible.run(cells[:last])}
                if tainted_output:
                    outputs = list(visible.outputs)
            finally:
                box.close()
        else:
            outputs = [o if not t else "" for o, t in zip(full.outputs, full.output_after_hidden)]
        fixed = []
        for c in results:
            if c.grade_id in failed_after:
                v = (clean or {}).get(c.grade_id)
                c = dataclasses.replace(c, feedback=v.feedback if v is not None and
                                        v.status == "failed" else NOT_SHOWN)
            fixed.append(c)
        results = tuple(fixed)
    results = tuple(dataclasses.replace(c, feedback=valid_text(c.feedback, 5000)) for c in results)
    return Outcome(results, _bounded(full.flags), _bounded(full.notes),
                   tuple(valid_text(o, 4000) for o in outputs))
