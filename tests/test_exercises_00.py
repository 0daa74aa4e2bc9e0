"""The introduction's exercises: each has a revealable solution, and the code in the
solutions runs and shows what the solution's text says."""
import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution
from genai_lab.pipeline import pipeline_trace

STEM = "00_introduction"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex2_counts_the_numbers_of_stage_3(capsys):
    ns = run_solution(STEM, "ch00-ex2")
    shape = (ns["rows"], ns["positions"], ns["width"])
    assert int(np.prod(shape)) == ns["rows"] * ns["positions"] * ns["width"]
    out = capsys.readouterr().out
    assert f"{int(np.prod(shape)):,}" in out and f"{shape[1] * shape[2]:,}" in out


def test_ex3_only_generation_changes():
    ns = run_solution(STEM, "ch00-ex3")
    other = ns["trace"]
    default = pipeline_trace(stages=(1, 2, 3, 4, 5))
    for stage in (1, 2, 3, 4):
        assert other[stage].example == default[stage].example
        assert other[stage].output_shape == default[stage].output_shape
    assert other[5].example.startswith("'The moon' -> 'The moon")
    assert other[5].example != default[5].example
