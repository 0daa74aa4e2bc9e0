"""Chapter 2's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "02_preprocessing"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex2_padding_shares(capsys):
    ns = run_solution(STEM, "ch02-ex2")
    table, real = ns["table"], ns["real"]
    pad = ns["trained"].tokenizer.pad_id
    assert real == int((table != pad).sum())
    ours, to_50 = 1 - real / table.size, 1 - real / (table.shape[0] * 50)
    assert 0 < ours < to_50 < 1          # more places, the same real ids
    out = capsys.readouterr().out
    assert f"{ours:.0%}" in out and f"{to_50:.0%}" in out


def test_ex1_real_positions_never_read_the_padding():
    """ex1's premise: a real token at position t never reads a later [PAD], so the logits of
    the real positions do not depend on what the padding holds."""
    from genai_lab.pretrained import default_model
    trained = default_model()
    row = trained.train_ids[:1, :-1].copy()                    # (1, T)
    n_real = int((row != trained.tokenizer.pad_id).sum())
    changed = row.copy()
    changed[0, n_real:] = trained.tokenizer.token_to_id("sun")  # other ids in the pad places
    a = trained.model.forward(row)[0, :n_real]
    b = trained.model.forward(changed)[0, :n_real]
    np.testing.assert_array_equal(a, b)


def test_ex3_fewer_merges_more_pieces(capsys):
    run_solution(STEM, "ch02-ex3")
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    counts = {int(line.split()[0]): eval(line.split(" ", 1)[1]) for line in lines}
    assert counts[300][" sun"] == counts[400][" sun"] == 1
    assert counts[300][" giraffe"] >= counts[400][" giraffe"] > 1
