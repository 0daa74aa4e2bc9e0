"""Chapter 5's exercises: every exercise has a revealable solution, and the code in the
solutions runs and shows what the solution's text says."""
import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "05_generation"


def test_at_least_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_temperature_by_hand(capsys):
    ns = run_solution(STEM, "ch05-ex1")
    z = ns["z"]
    for tau in (0.5, 1.0, 2.0):
        by_hand = np.exp(z / tau) / np.exp(z / tau).sum()
        assert np.allclose(ns["softmax"](z, temperature=tau), by_hand)
    out = capsys.readouterr().out
    assert out.count("[") == 3
    # the limits the solution states
    assert ns["softmax"](z, temperature=1e-3)[0] > 0.999
    assert np.allclose(ns["softmax"](z, temperature=1e6), 1 / 3, atol=1e-5)


def test_ex2_top_k_one_is_greedy(capsys):
    ns = run_solution(STEM, "ch05-ex2")
    assert ns["top1"] == {ns["greedy"]}
    assert capsys.readouterr().out.rstrip().endswith("True")


def test_ex3_counts_add_up():
    ns = run_solution(STEM, "ch05-ex3")
    default, hot = ns["default"], ns["hot"]
    for row in (default, hot):
        assert row.novel + row.copied + (row.n - row.accepted) == row.n == 200
    assert hot.sampling.temperature == 1.5 and hot.sampling.top_p == 0.9
    # "Here it wins ... at the price of many more ungrammatical ones"
    assert hot.novel > default.novel and hot.accepted < default.accepted
