"""Chapter 9's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import math

import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "09_softmax_activation"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_matches_the_pencil_and_paper_formula():
    ns = run_solution(STEM, "ch09-ex1")
    e = math.e
    np.testing.assert_allclose(ns["at_one"], np.array([e**2, e, 1]) / (e**2 + e + 1))
    np.testing.assert_allclose(ns["at_half"], np.array([e**4, e**2, 1]) / (e**4 + e**2 + 1))
    assert ns["at_half"][0] > ns["at_one"][0]                 # "sharper"


def test_ex2_cold_is_greedy_and_hot_is_uniform():
    ns = run_solution(STEM, "ch09-ex2")
    z, cold, hot = ns["z"], ns["cold"], ns["hot"]
    assert cold.argmax() == z.argmax() and cold.max() > 0.99
    np.testing.assert_allclose(hot, 1 / z.size, rtol=0.05)


def test_ex3_three_ways_agree_before_and_after_the_shift():
    ns = run_solution(STEM, "ch09-ex3")
    np.testing.assert_allclose(ns["three"], ns["three"][0], rtol=1e-5)
    spacing = float(np.spacing(np.float32(1000)))
    np.testing.assert_allclose(ns["after"], ns["three"], atol=4 * spacing)
