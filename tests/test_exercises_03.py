"""Chapter 3's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import numpy as np

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution
from genai_lab.embedding import cosine_similarity

STEM = "03_feature_engineering"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_product_costs_v_times_c(capsys):
    ns = run_solution(STEM, "ch03-ex1")
    config = ns["config"]
    out = capsys.readouterr().out
    assert f"{config.vocab_size * config.n_embd:,} multiplications" in out
    assert f"{30522 * 768:,}" in out   # BERT-base's table, V x C
    # and the lookup equals the product (the chapter's claim)
    from genai_lab.pretrained import default_model
    wte = default_model().model.params["wte"]
    one_hot = np.zeros(wte.shape[0], dtype=wte.dtype)
    one_hot[7] = 1
    np.testing.assert_array_equal(one_hot @ wte, wte[7])


def test_ex3_cosine_by_hand_and_neighbours():
    ns = run_solution(STEM, "ch03-ex3")
    assert abs(ns["by_hand"] - cosine_similarity(ns["a"], ns["b"])) < 1e-9
    tok, out_table, dog = ns["tokenizer"], ns["out_table"], ns["dog"]
    sims = [(cosine_similarity(out_table[dog], out_table[i]), i)
            for i in range(out_table.shape[0]) if i != dog]
    best = [tok.id_to_token(i) for _, i in sorted(sims, reverse=True)[:3]]
    from genai_lab.embedding import nearest_neighbours
    found = [tok.id_to_token(i) for i, _ in nearest_neighbours(out_table[dog], out_table,
                                                               k=3, exclude=dog)]
    assert found == best
