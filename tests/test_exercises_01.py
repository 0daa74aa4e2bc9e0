"""Chapter 1's exercises: each has a revealable solution, and the code in the solutions
runs and shows what the solution's text says."""
import math

from exercise_solutions import check_exercises_have_dropdown_solutions, run_solution

STEM = "01_data_collection"


def test_three_exercises_each_with_a_dropdown_solution():
    check_exercises_have_dropdown_solutions(STEM)


def test_ex1_one_position_below_the_floor_and_after_the_above_it():
    ns = run_solution(STEM, "ch01-ex1")
    grammar, H = ns["grammar"], ns["H"]
    assert H == math.log(2) or abs(H - math.log(2)) < 1e-12   # "exactly ln 2 nats, 1 bit"
    floor = grammar.entropy_per_token()
    assert H < floor                                          # "below the floor"
    after_the = grammar.next_word_distribution("The")
    H_the = -sum(q * math.log(q) for q in after_the.values())
    assert len(after_the) >= 24 and H_the > 3 * floor       # "dozens", "several times"
    assert grammar.next_word_distribution("The sun rises in the east.") == {"[END]": 1.0}


def test_ex2_trigram_floor_lies_between():
    ns = run_solution(STEM, "ch01-ex2")
    grammar = ns["grammar"]
    assert grammar.entropy_per_token() <= ns["trigram_floor"] \
        <= grammar.ngram_entropy_per_token(2)
    assert ns["trigram_floor"] < grammar.ngram_entropy_per_token(2)


def test_ex3_floor_is_an_expectation():
    """The solution's claim: the average loss of fixed probabilities q is H + KL >= H."""
    from genai_lab.corpus import default_grammar
    dist = default_grammar().next_word_distribution("The sun")
    p = list(dist.values())
    q = [1 / len(p)] * len(p)
    H = -sum(x * math.log(x) for x in p)
    cross = -sum(x * math.log(y) for x, y in zip(p, q))
    kl = sum(x * math.log(x / y) for x, y in zip(p, q))
    assert abs(cross - (H + kl)) < 1e-12 and kl > 0
