"""Chapter 8's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "08_neural_network_layers"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_the_count_matches_the_model(capsys):
    ns = run_solution(STEM, "ch08-ex1")
    assert ns["count"] == ns["per_block"]
    assert capsys.readouterr().out.strip().endswith("True")


def test_ex2_the_mask_removes_the_upper_triangle(capsys):
    run_solution(STEM, "ch08-ex2")
    lines = capsys.readouterr().out.split("\n")
    assert [line.split()[2] for line in lines if line] == ["True"] * 3
    shares = [float(line.split()[3]) for line in lines if line]
    assert shares == sorted(shares) and 0.49 < shares[-1] < 0.5   # "approaches one half"


def test_ex3_the_strongest_head_matters_for_the_whole_validation_set():
    ns = run_solution(STEM, "ch08-ex3")
    assert ns["loss_off"] > ns["loss_on"]          # "higher on the whole validation set"
