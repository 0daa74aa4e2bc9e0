"""Tests of genai_lab.corpus: the grammar, its exact enumeration and the default corpus."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from genai_lab.corpus import END, Grammar, default_corpus, default_grammar, render_tokens
from genai_lab.text import split_words

N_SAMPLES = 20_000  # Monte-Carlo sample size for the statistical checks
Z = 5.0  # tolerance of the statistical checks, in standard errors (false alarm ~1e-6)


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return default_grammar()


@pytest.fixture(scope="module")
def samples(grammar) -> list[tuple[str, ...]]:
    rng = np.random.default_rng(12345)
    return [tuple(grammar.sample_tokens(rng)) for _ in range(N_SAMPLES)]


def tiny() -> Grammar:
    return Grammar({"S": [(3, "the sun SHINES ."), (1, "the moon SHINES .")],
                    "SHINES": [(1, "shines"), (1, "shines brightly")]})


# ---------------------------------------------------------------- tokenization, rendering
def test_render_is_the_inverse_ofsplit_words(samples):
    for tokens in samples[:500]:
        text = render_tokens(tokens)
        assert text[0].isupper() and text.endswith(".") and " ." not in text
        assert tuple(split_words(text)) == tokens


# ---------------------------------------------------------------- a grammar small enough to check by hand
def test_tiny_grammar_distribution_and_entropy_by_hand():
    g = tiny()
    expected = {("the", "sun", "shines", "."): 3 / 8,
                ("the", "sun", "shines", "brightly", "."): 3 / 8,
                ("the", "moon", "shines", "."): 1 / 8,
                ("the", "moon", "shines", "brightly", "."): 1 / 8}
    dist = g.sentence_distribution()
    assert dist.keys() == expected.keys()
    for seq, p in expected.items():
        assert dist[seq] == pytest.approx(p, rel=1e-12)
    h = -sum(p * math.log(p) for p in expected.values())
    mean_len = sum(p * len(s) for s, p in expected.items())
    assert g.entropy_per_sentence() == pytest.approx(h, rel=1e-12)
    assert g.entropy_per_token() == pytest.approx(h / (mean_len + 1), rel=1e-12)
    assert g.next_word_distribution("the") == pytest.approx({"sun": 0.75, "moon": 0.25})
    assert g.next_word_distribution("the moon shines") == pytest.approx(
        {".": 0.5, "brightly": 0.5})
    assert g.vocabulary() == sorted({".", "the", "sun", "moon", "shines", "brightly"})


def test_rules_are_normalised_data():
    assert tiny().rules == {"S": [(0.75, "the sun SHINES ."), (0.25, "the moon SHINES .")],
                            "SHINES": [(0.5, "shines"), (0.5, "shines brightly")]}
    g = Grammar(tiny().rules)  # the normalised rules describe the same grammar
    assert g.sentence_distribution() == pytest.approx(tiny().sentence_distribution())


def test_ambiguous_derivations_add_up():
    g = Grammar({"S": [(1, "A ."), (1, "B .")], "A": [(1, "hi there")],
                 "B": [(1, "hi C")], "C": [(1, "there"), (3, "you")]})
    dist = g.sentence_distribution()
    assert dist[("hi", "there", ".")] == pytest.approx(0.5 + 0.5 * 0.25)
    assert dist[("hi", "you", ".")] == pytest.approx(0.5 * 0.75)


def test_bigram_entropy_of_tiny_grammar_by_hand():
    # Contexts: [START]->the (certain); the->sun 3/4, moon 1/4; sun/moon->shines (certain);
    # shines->"." 1/2, brightly 1/2; brightly->"." and "."->[END] certain.
    g = tiny()
    h_the = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    h_shines = math.log(2)
    mean_predictions = 4.5 + 1  # E[len] + end token
    assert g.ngram_entropy_per_token(2) == pytest.approx((h_the + h_shines) / mean_predictions)


# ---------------------------------------------------------------- the default grammar
def test_probabilities_are_positive_and_sum_to_one(grammar):
    probs = np.array(list(grammar.sentence_distribution().values()))
    assert np.all(probs > 0)
    assert probs.sum() == pytest.approx(1.0, abs=1e-9)


def test_language_size_vocabulary_and_lengths(grammar):
    dist = grammar.sentence_distribution()
    assert 1000 <= len(dist) <= 200_000
    words = [w for w in grammar.vocabulary() if w != "."]
    assert 100 <= len(words) <= 250
    lengths = {len(seq) - 1 for seq in dist}  # words per sentence ("." excluded)
    assert min(lengths) >= 4 and max(lengths) <= 16
    for seq in dist:  # one "." and it is last
        assert seq[-1] == "." and "." not in seq[:-1]


def test_required_sentences_are_in_the_language(grammar):
    assert grammar.accepts("The sun rises in the east.")
    assert grammar.accepts("The sun rises in the morning and shines brightly.")
    assert grammar.probability("The sun rises in the east.") > 0.005
    assert grammar.probability("The sun rises in the morning and shines brightly.") > 0.002


def test_sun_is_among_the_three_most_likely_words_after_the(grammar):
    dist = grammar.next_word_distribution("The")
    assert sum(dist.values()) == pytest.approx(1.0, abs=1e-12)
    top3 = sorted(dist, key=dist.get, reverse=True)[:3]
    assert "sun" in top3


def test_default_corpus_is_deterministic():
    a = default_corpus(n_samples=300, seed=7)
    assert a == default_corpus(n_samples=300, seed=7)
    assert a != default_corpus(n_samples=300, seed=8)
    assert len(a) == 300 and all(isinstance(s, str) and s[0].isupper() and s.endswith(".")
                                 for s in a)
    assert default_corpus(n_samples=10, seed=7) == a[:10]


def test_sampling_frequencies_match_the_enumeration(grammar, samples):
    """Pearson chi-square over the first three tokens, and the most likely sentences."""
    dist = grammar.sentence_distribution()
    expected: Counter = Counter()
    for seq, p in dist.items():
        expected[seq[:3]] += p * N_SAMPLES
    observed = Counter(s[:3] for s in samples)
    big = [k for k, e in expected.items() if e >= 5]
    chi2 = sum((observed[k] - expected[k]) ** 2 / expected[k] for k in big)
    rest_e = N_SAMPLES - sum(expected[k] for k in big)
    rest_o = N_SAMPLES - sum(observed[k] for k in big)
    if rest_e > 0:
        chi2 += (rest_o - rest_e) ** 2 / rest_e
    df = len(big) + (rest_e > 0) - 1
    assert len(big) > 50
    assert chi2 < df + Z * math.sqrt(2 * df), (chi2, df)  # chi2 has mean df, sd sqrt(2 df)

    counts = Counter(samples)
    for seq, p in sorted(dist.items(), key=lambda kv: -kv[1])[:20]:
        se = math.sqrt(p * (1 - p) / N_SAMPLES)
        assert abs(counts[seq] / N_SAMPLES - p) < Z * se, (seq, counts[seq], p)


def test_entropy_floor_matches_monte_carlo(grammar, samples):
    dist = grammar.sentence_distribution()
    surprisal = np.array([-math.log(dist[s]) for s in samples])  # (N,)
    predictions = np.array([len(s) + 1 for s in samples], dtype=float)  # (N,)
    h_sent = grammar.entropy_per_sentence()
    assert abs(surprisal.mean() - h_sent) < Z * surprisal.std() / math.sqrt(N_SAMPLES)
    assert abs(predictions.mean() - (grammar.mean_tokens() + 1)) \
        < Z * predictions.std() / math.sqrt(N_SAMPLES)
    # ratio estimate of nats per predicted token; its error is dominated by the numerator
    ratio = surprisal.sum() / predictions.sum()
    se = (surprisal - ratio * predictions).std() / predictions.mean() / math.sqrt(N_SAMPLES)
    assert abs(ratio - grammar.entropy_per_token()) < Z * se
    assert 0 < grammar.entropy_per_token() < math.log(len(grammar.vocabulary()))


def test_next_word_distribution_follows_the_chain_rule(grammar, samples):
    """Product of the true next-token probabilities (ending with [END]) = sentence prob."""
    for seq in samples[:60]:
        log_p = 0.0
        for i in range(len(seq) + 1):
            dist = grammar.next_word_distribution(list(seq[:i]))
            assert sum(dist.values()) == pytest.approx(1.0, abs=1e-12)
            log_p += math.log(dist[seq[i] if i < len(seq) else END])
        assert log_p == pytest.approx(math.log(grammar.probability(list(seq))), abs=1e-9)


def test_next_word_distribution_end_and_errors(grammar):
    assert grammar.next_word_distribution("The sun rises in the east.") == {END: 1.0}
    assert grammar.next_word_distribution("THE SUN") == grammar.next_word_distribution(
        ["the", "sun"])
    with pytest.raises(ValueError, match="no sentence"):
        grammar.next_word_distribution("The sun barks")
    with pytest.raises(TypeError):
        grammar.next_word_distribution(42)


def test_accepts_sampled_sentences_and_rejects_perturbed_ones(grammar, samples):
    for tokens in samples[:2000]:
        text = render_tokens(tokens)
        assert grammar.accepts(text)
        assert grammar.accepts(text.upper())  # case-insensitive
        assert not grammar.accepts(text[:-1])  # no final "."
        assert not grammar.accepts(text[:-1] + " zebra.")  # a word outside the vocabulary
        swapped = (tokens[1], tokens[0]) + tokens[2:]  # determiner and next word swapped
        assert not grammar.accepts(render_tokens(swapped))
    for bad in ["The little birds sings in the trees.",  # number agreement
                "A little bird sing in the trees.",
                "Many birds sing in the trees and flies away.",
                "The cat sleeps by the fire and wash their faces.",
                "The sun rises in the evening.",  # topic: the sun does not rise in the evening
                "The moon rises in the east.",
                "The sun rises in the east",
                ""]:
        assert not grammar.accepts(bad), bad
        assert grammar.probability(bad) == 0.0


def test_structure_a_bigram_cannot_capture(grammar):
    sun = grammar.next_word_distribution("The sun rises in the")
    moon = grammar.next_word_distribution("The moon rises in the")
    assert sun.get("east", 0) > 0 and moon.get("east", 0) == 0  # same last two words,
    assert moon.get("evening", 0) > 0 and sun.get("evening", 0) == 0  # different subject
    one = grammar.next_word_distribution("A little")
    many = grammar.next_word_distribution("Many little")
    assert "bird" in one and "birds" not in one
    assert "birds" in many and "bird" not in many
    sg = grammar.next_word_distribution("A little bird sings sweetly and")
    pl = grammar.next_word_distribution("Many little birds sing sweetly and")
    assert "flies" in sg and "fly" not in sg and "fly" in pl and "flies" not in pl
    floor = grammar.entropy_per_token()
    h = [grammar.ngram_entropy_per_token(n) for n in (1, 2, 3)]
    assert h[0] > h[1] > h[2] > floor  # more context always helps, never beats the floor
    assert h[1] - floor > 0.3  # what a network can learn beyond word pairs (nats/token)
    longest = max(len(s) for s in grammar.sentence_distribution())
    assert grammar.ngram_entropy_per_token(longest + 2) == pytest.approx(floor, abs=1e-9)


def test_summary_agrees_with_the_methods(grammar):
    summary = grammar.summary()
    dist = grammar.sentence_distribution()
    assert summary["n_sentences"] == len(dist)
    assert summary["vocabulary_size"] == len(grammar.vocabulary()) - 1  # all but "."
    assert summary["mean_words"] == pytest.approx(grammar.mean_tokens() - 1)  # one "." each
    assert summary["entropy_per_token"] == grammar.entropy_per_token()
    assert summary["bigram_entropy_per_token"] == grammar.ngram_entropy_per_token(2)


def test_sentence_distribution_returns_a_copy(grammar):
    dist = grammar.sentence_distribution()
    key = ("the", "sun", "rises", "in", "the", "east", ".")
    p = dist[key]
    dist[key] = 0.0
    dist.clear()
    assert grammar.probability(list(key)) == p
    assert len(grammar.sentence_distribution()) > 1000


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("rules, error, match", [
    ({"S": [(1, "the X .")]}, ValueError, "'X'"),  # undefined nonterminal
    ({"S": [(1, "the A .")], "A": [(1, "sun"), (1, "big A")]}, ValueError, "recursive"),
    ({"S": [(0, "the sun .")]}, ValueError, "positive"),
    ({"S": [(-1, "the sun .")]}, ValueError, "positive"),
    ({"S": [(float("nan"), "the sun .")]}, ValueError, "positive"),
    ({"S": [(1, "the Sun .")]}, ValueError, "single lowercase token"),
    ({"S": [(1, "the east.")]}, ValueError, "single lowercase token"),
    ({"S": []}, TypeError, "non-empty list"),
    ({"S": "the sun ."}, TypeError, "non-empty list"),
    ({"S": [("1", "the sun .")]}, ValueError, "positive"),
    ({"S": [(1, 2)]}, TypeError, "pair"),
    ({"s": [(1, "the sun .")], "S": [(1, "x")]}, ValueError, "UPPER_CASE"),
    ({"T": [(1, "the sun .")]}, ValueError, "start symbol"),
])
def test_grammar_rejects_bad_rules(rules, error, match):
    with pytest.raises(error, match=match):
        Grammar(rules)


def test_grammar_rejects_non_dict_and_too_large_languages():
    with pytest.raises(TypeError, match="rules"):
        Grammar([(1, "the sun .")])
    big = Grammar({"S": [(1, "A A A ."),], "A": [(1, w) for w in "abcdefghij"]},
                  max_sentences=500)
    with pytest.raises(ValueError, match="max_sentences"):
        big.sentence_distribution()


def test_sampling_and_corpus_argument_checks(grammar):
    with pytest.raises(TypeError, match="Generator"):
        grammar.sample(42)
    with pytest.raises(ValueError, match="n_samples"):
        default_corpus(n_samples=0)
    with pytest.raises(TypeError, match="n_samples"):
        default_corpus(n_samples="10")
    with pytest.raises(ValueError, match="seed"):
        default_corpus(n_samples=5, seed=-1)
    with pytest.raises(TypeError, match="text"):
        grammar.accepts(None)
    with pytest.raises(ValueError, match="n"):
        grammar.ngram_entropy_per_token(0)
