"""The kinds of question in the course's question bank, each with its answer key and feedback.

Four kinds, one class each (all frozen dataclasses that validate themselves):

* :class:`SingleChoice`   one correct option among several;
* :class:`SeveralChoice`  one or more correct options: right only when exactly the correct
  ones are chosen;
* :class:`NumberQuestion` a number to compute, right within ``tolerance``; typical mistakes
  (wrong values a reader is likely to reach) carry their own feedback;
* :class:`ReadCode`       a short piece of code or a trace to read, then one correct option.

Every option has feedback that says why it is right or wrong. A question's answer is never
typed by hand when it can be computed: the chapter modules compute numbers (and the output
of code to read, with :func:`run_snippet`) by calling the package, and ``tests/test_bank.py``
recomputes each key independently.

``to_dict()`` gives the JSON form the "test yourself" page reads.
"""
from __future__ import annotations

import contextlib
import io
import math
import re
from dataclasses import dataclass

from genai_lab.checks import check_float, check_str

LEVELS = ("easy", "medium", "hard")  # in order of difficulty
KINDS = ("single", "several", "number", "code")  # the ``kind`` of each class below
QID_PATTERN = re.compile(r"^(0[1-9]|1[01])-[a-z0-9]+(-[a-z0-9]+)*$")  # "09-softmax-shift"


@dataclass(frozen=True)
class Option:
    """One answer to choose: its text, whether it is correct, and the feedback shown."""

    text: str  # what the reader clicks
    feedback: str  # why this option is right or wrong (shown after choosing it)
    correct: bool = False  # True for a correct option

    def __post_init__(self) -> None:
        check_str("text", self.text, allow_empty=False)
        check_str("feedback", self.feedback, allow_empty=False)
        if not isinstance(self.correct, bool):
            raise TypeError(f"correct must be True or False, got {self.correct!r}")

    def to_dict(self) -> dict:
        return {"text": self.text, "feedback": self.feedback, "correct": self.correct}


def right(text: str, feedback: str) -> Option:
    """A correct option."""
    return Option(text=text, feedback=feedback, correct=True)


def wrong(text: str, feedback: str) -> Option:
    """An incorrect option."""
    return Option(text=text, feedback=feedback, correct=False)


@dataclass(frozen=True)
class Mistake:
    """A wrong number a reader is likely to compute, and what went wrong to reach it."""

    value: float  # the wrong result
    feedback: str  # the slip that gives it

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_float("value", self.value))
        check_str("feedback", self.feedback, allow_empty=False)

    def to_dict(self) -> dict:
        return {"value": self.value, "feedback": self.feedback}


def _check_common(qid: object, level: object, prompt: object, code: object) -> None:
    check_str("qid", qid, allow_empty=False)
    if not QID_PATTERN.match(qid):
        raise ValueError(f"qid must look like '09-softmax-shift' (chapter 01-11, then "
                         f"lower-case words joined by '-'), got {qid!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r} for {qid}")
    check_str("prompt", prompt, allow_empty=False)
    check_str("code", code)


def _check_options(qid: str, options: object, n_correct: str) -> None:
    if not isinstance(options, tuple) or len(options) < 2:
        raise ValueError(f"{qid}: options must be a tuple of at least 2 Options, got {options!r}")
    for i, option in enumerate(options):
        if not isinstance(option, Option):
            raise TypeError(f"{qid}: options[{i}] must be an Option, got {type(option).__name__}")
    texts = [o.text for o in options]
    if len(set(texts)) != len(texts):
        raise ValueError(f"{qid}: option texts must differ, got {texts}")
    correct = sum(o.correct for o in options)
    if n_correct == "one" and correct != 1:
        raise ValueError(f"{qid}: exactly one option must be correct, got {correct}")
    if n_correct == "some" and not 1 <= correct < len(options):
        raise ValueError(f"{qid}: at least one option must be correct and one wrong, "
                         f"got {correct} correct of {len(options)}")


@dataclass(frozen=True, kw_only=True)
class SingleChoice:
    """A question with exactly one correct option."""

    qid: str  # unique id, starting with the chapter number: "01-corpus"
    level: str  # "easy", "medium" or "hard"
    prompt: str  # the question
    options: tuple[Option, ...]  # exactly one has correct=True
    code: str = ""  # optional code or trace shown under the prompt
    kind = "single"

    def __post_init__(self) -> None:
        _check_common(self.qid, self.level, self.prompt, self.code)
        _check_options(self.qid, self.options, "one")

    @property
    def answer(self) -> str:
        """The text of the correct option."""
        return next(o.text for o in self.options if o.correct)

    def to_dict(self) -> dict:
        return {"id": self.qid, "kind": self.kind, "level": self.level, "prompt": self.prompt,
                "code": self.code, "options": [o.to_dict() for o in self.options]}


@dataclass(frozen=True, kw_only=True)
class SeveralChoice:
    """A question with one or more correct options; right when exactly those are chosen."""

    qid: str
    level: str
    prompt: str  # should say "choose every ..." so the reader knows several may be right
    options: tuple[Option, ...]  # at least one correct and at least one wrong
    code: str = ""
    kind = "several"

    def __post_init__(self) -> None:
        _check_common(self.qid, self.level, self.prompt, self.code)
        _check_options(self.qid, self.options, "some")

    @property
    def answer(self) -> tuple[str, ...]:
        """The texts of the correct options, in order."""
        return tuple(o.text for o in self.options if o.correct)

    def to_dict(self) -> dict:
        return {"id": self.qid, "kind": self.kind, "level": self.level, "prompt": self.prompt,
                "code": self.code, "options": [o.to_dict() for o in self.options]}


@dataclass(frozen=True, kw_only=True)
class NumberQuestion:
    """A number to compute; an answer within ``tolerance`` of ``answer`` is right."""

    qid: str
    level: str
    prompt: str  # says how to round ("to 3 decimals")
    answer: float  # computed by the package, never typed
    tolerance: float  # largest accepted distance from ``answer``
    solution: str  # the worked solution, shown after any answer
    mistakes: tuple[Mistake, ...] = ()  # likely wrong values, each with its own feedback
    code: str = ""
    kind = "number"

    def __post_init__(self) -> None:
        _check_common(self.qid, self.level, self.prompt, self.code)
        object.__setattr__(self, "answer", check_float("answer", self.answer))
        object.__setattr__(self, "tolerance", check_float(
            "tolerance", self.tolerance, minimum=0.0, min_inclusive=False))
        check_str("solution", self.solution, allow_empty=False)
        if not isinstance(self.mistakes, tuple):
            raise TypeError(f"{self.qid}: mistakes must be a tuple of Mistake")
        for mistake in self.mistakes:
            if not isinstance(mistake, Mistake):
                raise TypeError(f"{self.qid}: mistakes must hold Mistake, "
                                f"got {type(mistake).__name__}")
            if self.accepts(mistake.value):
                raise ValueError(f"{self.qid}: the mistake {mistake.value!r} would be accepted "
                                 f"as the answer {self.answer!r} (tolerance {self.tolerance})")

    def accepts(self, value: float) -> bool:
        """Whether ``value`` counts as right."""
        return math.isfinite(value) and abs(value - self.answer) <= self.tolerance

    def to_dict(self) -> dict:
        return {"id": self.qid, "kind": self.kind, "level": self.level, "prompt": self.prompt,
                "code": self.code, "answer": self.answer, "tolerance": self.tolerance,
                "solution": self.solution, "mistakes": [m.to_dict() for m in self.mistakes]}


@dataclass(frozen=True, kw_only=True)
class ReadCode:
    """A short piece of code (or a trace) to read, and one correct option about it."""

    qid: str
    level: str
    prompt: str
    code: str  # shown as a code block; required
    options: tuple[Option, ...]  # exactly one has correct=True
    kind = "code"

    def __post_init__(self) -> None:
        _check_common(self.qid, self.level, self.prompt, self.code)
        if not self.code.strip():
            raise ValueError(f"{self.qid}: a ReadCode question needs code to read")
        _check_options(self.qid, self.options, "one")

    @property
    def answer(self) -> str:
        return next(o.text for o in self.options if o.correct)

    def to_dict(self) -> dict:
        return {"id": self.qid, "kind": self.kind, "level": self.level, "prompt": self.prompt,
                "code": self.code, "options": [o.to_dict() for o in self.options]}


Question = SingleChoice | SeveralChoice | NumberQuestion | ReadCode


def run_snippet(code: str) -> str:
    """Run ``code`` (a question's own snippet) in a fresh namespace and return what it prints.

    This is how a ReadCode question gets its correct option: the code shown is the code
    that ran, so the two cannot disagree. The trailing newline is removed.
    """
    check_str("code", code, allow_empty=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<question>", "exec"), {"__name__": "genai_lab_bank_snippet"})
    return out.getvalue().rstrip("\n")


def rounded(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals, for numbers written into prompts and feedback."""
    return f"{x:.{digits}f}"
