"""The question bank: its size per chapter and level, feedback everywhere, and answer keys
recomputed here, independently of the chapter modules, from the package."""
from __future__ import annotations

import contextlib
import functools
import io
import json
import math

import numpy as np
import pytest

from genai_lab.bank import (BANK, CHAPTER_TITLES, KINDS, LEVELS, Mistake, NumberQuestion,
                            ReadCode, SeveralChoice, SingleChoice, as_quiz, by_id, chapter_quiz,
                            questions, records)
from genai_lab.bank.questions import right, wrong
from genai_lab.corpus import default_corpus, default_grammar
from genai_lab.data import corpus_stats, train_val_split
from genai_lab.embedding import cosine_similarity
from genai_lab.layers import causal_mask, gelu_forward, layer_norm_forward
from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.optim import global_norm
from genai_lab.sampling import (SamplingConfig, sample_from, select_next, top_k_filter,
                                top_p_filter)
from genai_lab.softmax import log_softmax, softmax, softmax_cross_entropy
from genai_lab.tokenizer import WordTokenizer
from genai_lab.train import TrainConfig, learning_rate

CHAPTERS = [f"{n:02d}_{name}" for n, name in enumerate(
    ["data_collection", "preprocessing", "feature_engineering", "model_training", "generation",
     "input_tokenization", "embedding_layer", "neural_network_layers", "softmax_activation",
     "word_selection", "key_insight"], start=1)]
ALL = questions()


# ---- size and shape of the bank -----------------------------------------------------------
def test_bank_covers_chapters_01_to_11():
    assert list(BANK) == CHAPTERS
    assert set(CHAPTER_TITLES) == set(CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_at_least_ten_questions_per_chapter_across_levels(chapter):
    items = BANK[chapter]
    assert len(items) >= 10, f"{chapter} has {len(items)} questions"
    for level in LEVELS:
        n = sum(q.level == level for q in items)
        assert n >= 2, f"{chapter} has {n} {level} questions, want at least 2"
    kinds = {q.kind for q in items}
    assert len(kinds) >= 3, f"{chapter} uses only the kinds {kinds}"


def test_every_kind_is_used_and_ids_are_unique():
    assert {q.kind for q in ALL} == set(KINDS)
    ids = [q.qid for q in ALL]
    assert len(set(ids)) == len(ids)
    for chapter, items in BANK.items():
        assert all(q.qid.startswith(chapter[:2] + "-") for q in items)


# ---- feedback on every option ----------------------------------------------------------------
@pytest.mark.parametrize("q", ALL, ids=lambda q: q.qid)
def test_every_option_has_its_own_feedback(q):
    if isinstance(q, NumberQuestion):
        assert q.solution.strip()
        assert q.mistakes, f"{q.qid}: a number question needs likely mistakes with feedback"
        for m in q.mistakes:
            assert m.feedback.strip() and not q.accepts(m.value)
        assert len({m.feedback for m in q.mistakes}) == len(q.mistakes)
    else:
        feedbacks = [o.feedback.strip() for o in q.options]
        assert all(feedbacks)
        assert len(set(feedbacks)) == len(feedbacks), f"{q.qid}: two options share feedback"
        assert any(o.correct for o in q.options) and not all(o.correct for o in q.options)


def test_correct_options_are_not_always_in_the_same_place():
    places = [next(i for i, o in enumerate(q.options) if o.correct)
              for q in ALL if isinstance(q, (SingleChoice, ReadCode))]
    assert len(set(places)) >= 3
    assert max(places.count(p) for p in set(places)) < 0.6 * len(places)


# ---- the question types check themselves ----------------------------------------------------
def test_single_choice_needs_exactly_one_correct_option():
    with pytest.raises(ValueError, match="exactly one"):
        SingleChoice(qid="01-x", level="easy", prompt="?",
                     options=(right("a", "yes"), right("b", "also")))


def test_bad_level_and_bad_id_are_refused():
    options = (right("a", "yes"), wrong("b", "no"))
    with pytest.raises(ValueError, match="level"):
        SingleChoice(qid="01-x", level="tricky", prompt="?", options=options)
    with pytest.raises(ValueError, match="qid"):
        SingleChoice(qid="12-x", level="easy", prompt="?", options=options)


def test_a_mistake_that_would_be_accepted_is_refused():
    with pytest.raises(ValueError, match="would be accepted"):
        NumberQuestion(qid="09-x", level="easy", prompt="?", answer=1.0, tolerance=0.1,
                       solution="s", mistakes=(Mistake(1.05, "close"),))


def test_several_choice_needs_a_wrong_option():
    with pytest.raises(ValueError, match="one wrong"):
        SeveralChoice(qid="01-x", level="easy", prompt="?",
                      options=(right("a", "yes"), right("b", "also")))


def test_read_code_needs_code():
    with pytest.raises(ValueError, match="code"):
        ReadCode(qid="01-x", level="easy", prompt="?", code="  ",
                 options=(right("a", "yes"), wrong("b", "no")))


def test_number_question_accepts_within_tolerance_only():
    q = by_id("09-two-logits")
    assert q.accepts(q.answer + 0.9 * q.tolerance)
    assert not q.accepts(q.answer + 1.1 * q.tolerance)
    assert not q.accepts(float("nan"))


def test_lookups_refuse_unknown_names():
    with pytest.raises(ValueError, match="no question"):
        by_id("01-no-such-question")
    with pytest.raises(ValueError, match="chapter"):
        questions(chapter="12_more")
    with pytest.raises(ValueError, match="level"):
        questions(level="tricky")


# ---- every answer key, recomputed here from the package ------------------------------------
def _grammar_rules(name):
    return {expansion: p for p, expansion in default_grammar().rules[name]}


def _start(topic):
    return next(p for e, p in _grammar_rules("S").items() if e.split()[0] == topic)


@functools.lru_cache(maxsize=None)
def _tiny_tokenizer():
    return WordTokenizer().train(["The cat sleeps.", "The dog sleeps.", "A cat runs."])


@functools.lru_cache(maxsize=None)
def _course_tokenizer():
    return WordTokenizer().train(default_corpus(n_samples=2000, seed=0))


def _entropy(dist):
    p = np.array(list(dist.values()))
    return float(-(p * np.log(p)).sum())


EXPECTED = {  # question id -> the answer, computed another way
    "01-sky-topics": lambda: _start("SUN") + _start("MOON") + _start("STARS"),
    "01-sentence-probability": lambda: default_grammar().probability("The sun rises in the east."),
    "01-floor-one-position": lambda: _entropy(
        default_grammar().next_word_distribution("the sun rises in the")),
    "01-corpus-stats": lambda: corpus_stats(
        ["The cat sleeps.", "The cat chases the dog.", "A dog barks!"]).vocabulary_size,
    "01-split-size": lambda: len(train_val_split(list("abcdefghijklmnopqrstuvwxy"),
                                                 val_fraction=0.2, seed=0)[1]),
    "02-count-ids": lambda: len(_tiny_tokenizer().encode("the cat runs .")),
    "02-vocabulary-order": lambda: _tiny_tokenizer().token_to_id("cat"),
    "02-padding": lambda: int((_tiny_tokenizer().encode_batch(["The cat runs."], seq_len=8)
                               == 0).sum()),
    "02-truncation": lambda: sum(t not in ("[CLS]", "[SEP]", "[PAD]") for t in (
        _tiny_tokenizer().id_to_token(int(i))
        for i in _tiny_tokenizer().encode_batch(["A dog runs in the cat."], seq_len=6)[0])),
    "03-cosine": lambda: float(np.dot([1, 2, 2], [2, 1, 2]) / 9.0),
    "03-how-many-numbers": lambda: 5 * GPTConfig(vocab_size=10).n_embd,
    "03-bert-memory": lambda: np.zeros((10, 50, 768), dtype=np.float32).nbytes * 1000 / 1e6,
    "04-loss-half": lambda: -math.log(float(softmax(np.zeros(2))[1])),
    "04-uniform": lambda: softmax_cross_entropy(np.zeros((3, 250)), np.array([0, 7, 249]))[0],
    "04-cosine-schedule": lambda: float(np.mean([
        learning_rate(0, 1001, TrainConfig().adam.lr, min_fraction=TrainConfig().min_lr_fraction),
        learning_rate(1000, 1001, TrainConfig().adam.lr,
                      min_fraction=TrainConfig().min_lr_fraction)])),
    "04-clipping": lambda: 3.0 * 1.0 / global_norm({"a": np.array([3.0]), "b": np.array([4.0])}),
    "04-count-weights": lambda: sum(
        a.size for name, a in TransformerLM(GPTConfig(vocab_size=10), seed=0).params.items()
        if name.startswith("h0.mlp") and ("fc" in name)),
    "05-top-k": lambda: float(top_k_filter(np.array([0.05, 0.15, 0.3, 0.5]), 2)[3]),
    "05-top-p": lambda: int(np.count_nonzero(top_p_filter(np.array([0.2, 0.3, 0.5]), 0.8))),
    "05-inverse-cdf": lambda: sample_from(np.array([0.2, 0.5, 0.3]), np.random.default_rng(5)),
    "06-context-length": lambda: len(_course_tokenizer().encode("The sun rises in the",
                                                                add_special_tokens=False)) + 1,
    "06-count-unknown": lambda: sum(_course_tokenizer().token_to_id(w) == 1 for w in
                                    "the moonlight shines on the snowy mountains .".split()),
    "07-table-size": lambda: 247 * GPTConfig(vocab_size=247).n_embd,
    "07-position-table": lambda: TransformerLM(GPTConfig(vocab_size=10), seed=0).params["wpe"].size,
    "07-cosine-opposite": lambda: cosine_similarity(np.array([0.5, -1.0, 2.0]),
                                                    np.array([-1.0, 2.0, -4.0])),
    "08-attention-weight": lambda: float(softmax(np.array([[2.0, 1.0, 0.0]]))[0, 0]),
    "08-masked-count": lambda: int(np.count_nonzero(causal_mask(5))),
    "08-head-width": lambda: GPTConfig(vocab_size=10).n_embd / GPTConfig(vocab_size=10).n_head,
    "08-gelu": lambda: float(gelu_forward(np.array([[1.0, -1.0]]))[0][0, 0]),
    "08-layer-norm": lambda: float(layer_norm_forward(np.array([[1.0, 2.0, 3.0, 4.0]]),
                                                      np.ones(4), np.zeros(4))[0][0, 0]),
    "09-two-logits": lambda: float(softmax(np.array([0.0, math.log(3.0)]))[1]),
    "09-temperature": lambda: float(softmax(np.array([4.0, 2.0, 0.0]))[0]),
    "09-log-softmax": lambda: math.log(float(softmax(np.array([2.0, 1.0, 0.0]))[0])),
    "09-overflow": lambda: float(np.log(np.float64(np.finfo(np.float32).max))),
    "10-top-p-count": lambda: int(np.count_nonzero(top_p_filter(
        np.array([0.6, 0.25, 0.1, 0.05]), 0.9))),
    "10-temperature-then-top-k": lambda: float(top_k_filter(
        softmax(np.array([2.0, 0.0, -2.0]), temperature=2.0), 2)[0]),
    "10-spread": lambda: float(np.std(np.r_[np.ones(3), np.zeros(7)]) / math.sqrt(2000)),
    "11-chain": lambda: float(default_grammar().next_word_distribution("")["the"]
                              * default_grammar().next_word_distribution("The")["sun"]
                              * default_grammar().next_word_distribution("The sun")["rises"]),
}


def test_every_number_question_has_an_independent_check():
    numbers = {q.qid for q in ALL if isinstance(q, NumberQuestion)}
    assert numbers == set(EXPECTED), (f"unchecked: {sorted(numbers - set(EXPECTED))}; "
                                      f"stale: {sorted(set(EXPECTED) - numbers)}")


@pytest.mark.parametrize("qid", sorted(EXPECTED))
def test_number_answer_key_matches_the_package(qid):
    q = by_id(qid)
    expected = float(EXPECTED[qid]())
    assert q.accepts(expected), f"{qid}: key {q.answer!r}, recomputed {expected!r}"
    assert math.isclose(q.answer, expected, rel_tol=1e-9, abs_tol=1e-12)


def _printed(code):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    return out.getvalue().strip()


@pytest.mark.parametrize("q", [q for q in ALL if isinstance(q, ReadCode)], ids=lambda q: q.qid)
def test_read_code_key_is_what_the_code_prints(q):
    if q.qid == "10-read-selection":  # the code block shows its own output as comments
        code = q.code.split("\n# prints:\n")[0]
        shown = "\n".join(line[2:] for line in q.code.split("\n# prints:\n")[1].splitlines())
        assert _printed(code) == shown
        return
    printed = _printed(q.code)
    assert q.answer == printed
    assert [o.text for o in q.options].count(printed) == 1


def test_read_code_keys_agree_with_direct_computation():
    assert by_id("01-accepts").answer.split() == [
        str(default_grammar().accepts(s)) for s in
        ("The sun rises in the east.", "The sun rises in the evening.")]
    assert by_id("05-greedy-tie").answer == str(int(np.argmax([1.0, 3.0, 3.0, 0.5])))
    assert by_id("08-mask").answer == str(np.triu(np.ones((3, 3), dtype=bool), k=1))
    assert by_id("09-big-logits").answer == str(np.round(softmax(np.array([2.0, 1.0, 0.0])), 3))
    assert by_id("09-shift-scale").answer == "True False"
    assert by_id("06-decode-unknown").answer == "the [UNK] rises."
    assert by_id("06-shape").answer == f"(1, {len(_course_tokenizer().encode('The sun rises in the')) - 1})"
    assert by_id("03-neighbour").answer == "2"


def test_trace_question_describes_the_real_selection():
    choice = select_next(np.array([2.0, 1.5, 0.5, 0.0, -1.0]), SamplingConfig(top_p=0.9),
                         np.random.default_rng(0))
    q = by_id("10-read-selection")
    assert f"chose id {choice.token_id}" in q.answer
    assert f"kept {int(np.count_nonzero(choice.probs))} tokens" in q.answer
    # an option's feedback says the draw did not pick the favourite: that must be so
    assert choice.token_id != int(np.argmax(choice.raw_probs))


def test_answers_of_choice_questions_that_can_be_computed():
    assert by_id("02-unknown").options[1].correct  # 'sun' -> [UNK]
    assert _tiny_tokenizer().tokens("The sun sleeps.")[1] == "[UNK]"
    wordpiece = by_id("02-wordpiece").answer
    assert wordpiece == "['moon', '##light']"
    # 01-seeded-corpus: the same seed gives the same corpus, and repeats occur
    first = default_corpus(n_samples=500, seed=0)
    assert first == default_corpus(n_samples=500, seed=0)
    assert len(set(first)) < len(first)
    # 08-later-word: positions before a change are unaffected by it (causal attention)
    model = TransformerLM(GPTConfig(vocab_size=12, n_layer=1), seed=0)
    a = model.forward(np.array([[2, 4, 5, 6, 7]]))
    b = model.forward(np.array([[2, 4, 5, 9, 7]]))
    np.testing.assert_allclose(a[0, :3], b[0, :3])
    assert not np.allclose(a[0, 3:], b[0, 3:])


# ---- what the pages read ----------------------------------------------------------------------
def test_records_are_json_and_carry_chapter_and_answers():
    data = json.loads(json.dumps(records()))
    assert len(data) == len(ALL)
    for record in data:
        assert record["chapter"] in CHAPTERS and record["chapter_title"]
        assert record["kind"] in KINDS and record["level"] in LEVELS
        if record["kind"] == "number":
            assert isinstance(record["answer"], float) and record["tolerance"] > 0
        else:
            assert all(o["feedback"] for o in record["options"])


def test_chapter_quiz_takes_single_answer_questions_easiest_first():
    quiz = chapter_quiz("09_softmax_activation", n=4)
    assert len(quiz) == 4
    assert all(q.kind == "single" for q in quiz)
    levels = [LEVELS.index(q.level) for q in quiz]
    assert levels == sorted(levels)
    with pytest.raises(ValueError):
        chapter_quiz("09_softmax_activation", n=0)


def test_as_quiz_keeps_the_key_and_every_feedback():
    for q in chapter_quiz("04_model_training", n=3):
        (converted,) = as_quiz(q)
        right_label = converted.correct
        assert [t for _, t, _ in converted.options] == [o.text for o in q.options]
        for (label, _, feedback), option in zip(converted.options, q.options):
            assert feedback == option.feedback
            assert (label == right_label) == option.correct
    with pytest.raises(TypeError, match="single-answer"):
        as_quiz("09-two-logits")
