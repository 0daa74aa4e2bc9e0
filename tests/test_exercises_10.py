"""Chapter 10's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import math

import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "10_word_selection"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_top_p_keeps_three_tokens():
    ns = run_solution(STEM, "ch10-ex1")
    kept = ns["kept"]
    assert (kept[:3] > 0).all() and (kept[3:] == 0).all()      # "three tokens are kept"
    np.testing.assert_allclose(kept[:3], ns["probs"][:3] / ns["probs"][:3].sum())


def test_ex2_greedy_writes_one_sentence_sampling_several():
    ns = run_solution(STEM, "ch10-ex2")
    assert len(ns["greedy_texts"]) == 1 and len(ns["sampled_texts"]) > 1


def test_ex3_the_number_of_draws():
    ns = run_solution(STEM, "ch10-ex3")
    n, p = ns["n_needed"], ns["p"]
    assert 2 * math.sqrt(p * (1 - p) / n) <= 0.01 < 2 * math.sqrt(p * (1 - p) / (n - 1))
