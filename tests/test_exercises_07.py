"""Chapter 7's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "07_embedding_layer"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_counts(capsys):
    ns = run_solution(STEM, "ch07-ex1")
    assert ns["handed_on"] == 32 * 16 * ns["cfg"].n_embd
    assert capsys.readouterr().out.split()[-1] == "True"


def test_ex2_cosine_ignores_length_and_lengths_differ():
    ns = run_solution(STEM, "ch07-ex2")
    assert ns["same"]
    assert ns["lengths"].max() > 2 * ns["lengths"].min()      # "differ by a large factor"


def test_ex3_random_vectors_are_nearly_perpendicular():
    ns = run_solution(STEM, "ch07-ex3")
    spread = 1 / np.sqrt(ns["cfg"].n_embd)
    assert abs(ns["pairs"].mean()) < 0.2 * spread
    assert 0.8 * spread < ns["pairs"].std() < 1.2 * spread
