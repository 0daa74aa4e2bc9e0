"""Chapter 4's exercises: every exercise has a revealable solution, and the code in the
solutions runs and shows what the solution's text says."""
import math

import numpy as np
import pytest

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "04_model_training"


def test_at_least_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex2_perplexities(capsys):
    ns = run_solution(STEM, "ch04-ex2")
    assert ns["uniform"] == pytest.approx(ns["V"])  # e^(ln V) = V
    trace = ns["trained"].trace
    assert ns["model_ppl"] == pytest.approx(math.exp(trace.final_val_loss))
    # "close to the grammar's own perplexity (the floor's)"
    assert ns["floor_ppl"] <= ns["model_ppl"] < 1.1 * ns["floor_ppl"]
    assert f"{ns['V']}" in capsys.readouterr().out


def test_ex3_gradient_is_p_minus_one_hot():
    ns = run_solution(STEM, "ch04-ex3")
    z, dlogits, y = ns["z"], ns["dlogits"], ns["y"]
    assert np.allclose(dlogits, ns["softmax"](z) - ns["one_hot"])
    assert ns["rel_error_norm"](ns["numeric"], dlogits) < 1e-6
    assert dlogits[0, y[0]] < 0 and (np.delete(dlogits[0], y[0]) >= 0).all()


def test_ex4_ten_times_the_rate_is_worse_but_better_than_a_hundred_times():
    ns = run_solution(STEM, "ch04-ex4")
    results = ns["results"]
    assert results[10] > results[1]  # "further from the floor than the course's rate"
    # "though far better than a hundred times": the chapter's own experiment
    from genai_lab.model import TransformerLM
    from genai_lab.optim import AdamConfig
    from genai_lab.train import TrainConfig, train
    trained = ns["trained"]
    config = TrainConfig(epochs=1, lr_schedule="constant", progress=False, workers=1,
                         adam=AdamConfig(lr=AdamConfig().lr * 100))
    run = train(TransformerLM(trained.model.config, seed=0), trained.train_ids[:200 * 32],
                trained.val_ids[:500], config, tokenizer=trained.tokenizer,
                grammar=trained.grammar, baseline=trained.trace.bigram)
    assert run.final_over_floor > results[10]
