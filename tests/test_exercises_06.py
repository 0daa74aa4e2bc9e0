"""Chapter 6's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "06_input_tokenization"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_the_model_reads_one_id_less_than_encode():
    ns = run_solution(STEM, "ch06-ex1")
    assert len(ns["read"]) == len(ns["encoded"]) - 1 and ns["encoded"][:-1] == ns["read"]
    assert ns["read"][0] == ns["trained"].tokenizer.cls_id


def test_ex2_padding_in_front_changes_the_scores():
    ns = run_solution(STEM, "ch06-ex2")
    assert ns["difference"] > 1e-3          # "the scores change" (far above rounding)


def test_ex3_a_long_text_is_cropped_to_the_block_size():
    ns = run_solution(STEM, "ch06-ex3")
    block = ns["trained"].model.config.block_size
    assert len(ns["run"].ids) == block
    assert ns["run"].tokens[0] != "[CLS]"   # "the first tokens are dropped"
