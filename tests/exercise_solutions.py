"""The code of a chapter's exercise solutions, read from its MyST source (shared by the
tests/test_exercises_<chapter>.py files)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"^````\{solution\} (\S+)\n(.*?)^````$", re.M | re.S)
PYTHON = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)


def solutions(stem: str) -> dict[str, str]:
    """{label: the solution's text} for every ``{solution}`` of chapters/<stem>.md."""
    text = (ROOT / "chapters" / f"{stem}.md").read_text(encoding="utf-8")
    return {label: body for label, body in SOLUTION.findall(text)}


def exercise_labels(stem: str) -> list[str]:
    text = (ROOT / "chapters" / f"{stem}.md").read_text(encoding="utf-8")
    return re.findall(r"^````\{exercise\}\n:label: (\S+)$", text, re.M)


def solution_code(stem: str, label: str) -> str:
    """The python code blocks of one solution, joined."""
    blocks = PYTHON.findall(solutions(stem)[label])
    if not blocks:
        raise AssertionError(f"{stem}: solution {label} has no python code block")
    return "\n".join(blocks)


def run_solution(stem: str, label: str) -> dict:
    """Run one solution's code as a reader would (a fresh namespace); its variables."""
    namespace: dict = {"__name__": f"solution_{label.replace('-', '_')}"}
    exec(compile(solution_code(stem, label), f"{stem}.md:{label}", "exec"), namespace)
    return namespace


def check_exercises_have_dropdown_solutions(stem: str, minimum: int = 3) -> None:
    """At least ``minimum`` exercises with distinct labels, each with a revealable solution."""
    labels = exercise_labels(stem)
    assert len(labels) >= minimum and len(set(labels)) == len(labels)
    found = solutions(stem)
    assert set(found) == set(labels)
    assert all(body.lstrip().startswith(":class: dropdown") for body in found.values())
