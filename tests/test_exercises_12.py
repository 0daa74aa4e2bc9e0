"""Chapter 12's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import math

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "12_beyond_text"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_the_floor_is_entropy_over_tokens_and_below_the_texts():
    ns = run_solution(STEM, "ch12-ex1")
    pictures = ns["pictures"]
    assert math.isclose(ns["H"] / ns["n"], pictures.entropy_per_token())
    assert pictures.entropy_per_token() < ns["default_grammar"]().entropy_per_token()


def test_ex2_probabilities_sum_to_one_and_the_favourite_repeats():
    ns = run_solution(STEM, "ch12-ex2")
    assert math.isclose(ns["total"], 1.0, rel_tol=1e-12)
    assert ns["n_train"] * ns["best"] > 2         # "likely turns up several times"


def test_ex3_a_sampled_melody_is_valid():
    ns = run_solution(STEM, "ch12-ex3")
    assert ns["grammar"].accepts(ns["melody"])


def test_ex3_writes_a_wav_file():
    ns = run_solution(STEM, "ch12-ex3")
    assert ns["path"].read_bytes()[:4] == b"RIFF" and ns["path"].stat().st_size > 1000
