"""The key insight's exercises: each has a revealable solution; the code ones run, and the
names the solutions give exist in the package."""
import genai_lab.generate
import genai_lab.pretrained
import genai_lab.sampling
import genai_lab.softmax
import genai_lab.train
from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution, solutions
from genai_lab.model import TransformerLM

STEM = "11_key_insight"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_distances_are_total_variation():
    ns = run_solution(STEM, "ch11-ex1")
    assert 0.0 <= ns["short"] <= 1.0 and 0.0 <= ns["long"] <= 1.0


def test_ex2_names_functions_that_exist():
    text = solutions(STEM)["ch11-ex2"]
    for name in ("genai_lab.train.train", "genai_lab.pretrained.default_model",
                 "TransformerLM.forward", "genai_lab.softmax.softmax",
                 "genai_lab.generate.generate", "genai_lab.sampling.select_next"):
        assert f"`{name}`" in text
    assert callable(genai_lab.train.train) and callable(genai_lab.pretrained.default_model)
    assert callable(TransformerLM.forward) and callable(genai_lab.softmax.softmax)
    assert callable(genai_lab.generate.generate) and callable(genai_lab.sampling.select_next)
