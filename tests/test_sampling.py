"""Tests for genai_lab.sampling: config checks, filters, and that samplers draw what they should.

Statistical tests use fixed seeds and N = 20000 draws. The count of token i is binomial with
std sqrt(N p (1 - p)), so its frequency has std sigma_i = sqrt(p (1 - p) / N) (at most 0.0036).
A frequency more than 5 sigma_i from p (chance below 1e-6 per token for a correct sampler)
fails the test; a token the distribution excludes must never be drawn at all.
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from genai_lab.sampling import (SamplingConfig, Selection, check_probs, greedy, inverse_cdf,
                                rank_by_probability, sample_from, select_next, top_k_filter,
                                top_p_filter)
from genai_lab.softmax import softmax

N_DRAWS = 20000


def assert_frequencies_match(draws: list[int], probs: np.ndarray) -> None:
    """Observed frequencies within 5 binomial standard deviations of ``probs``."""
    probs = np.asarray(probs, dtype=np.float64)
    freq = np.bincount(draws, minlength=probs.size) / len(draws)
    assert freq.size == probs.size, "a draw fell outside the vocabulary"
    np.testing.assert_array_equal(freq[probs == 0], 0.0)  # excluded ids never drawn
    sigma = np.sqrt(probs * (1 - probs) / len(draws))
    worst = np.max(np.abs(freq - probs) / np.where(sigma > 0, sigma, 1.0))
    assert worst < 5.0, f"frequency off by {worst:.1f} sigma: {freq} vs {probs}"


def support(p: np.ndarray) -> set[int]:
    return set(np.flatnonzero(p).tolist())


# ---------------------------------------------------------------- config

def test_config_defaults_and_frozen():
    c = SamplingConfig()
    assert (c.method, c.temperature, c.top_k, c.top_p) == ("sample", 1.0, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.temperature = 2.0


@pytest.mark.parametrize("kwargs, err, pattern", [
    ({"method": "beam"}, ValueError, "method.*'beam'"),
    ({"method": 3}, TypeError, "method"),
    ({"temperature": 0.0}, ValueError, "temperature must be > 0.0, got 0.0"),
    ({"temperature": -1.5}, ValueError, "temperature.*-1.5"),
    ({"temperature": float("nan")}, ValueError, "temperature"),
    ({"temperature": "1"}, TypeError, "temperature"),
    ({"top_k": 0}, ValueError, "top_k must be >= 1, got 0"),
    ({"top_k": 2.5}, TypeError, "top_k"),
    ({"top_p": 0.0}, ValueError, "top_p must be > 0.0, got 0.0"),
    ({"top_p": 1.5}, ValueError, "top_p must be <= 1.0, got 1.5"),
    ({"top_p": -0.1}, ValueError, "top_p.*-0.1"),
])
def test_config_rejects_bad_values(kwargs, err, pattern):
    with pytest.raises(err, match=pattern):
        SamplingConfig(**kwargs)


def test_config_accepts_boundaries():
    c = SamplingConfig(method="greedy", temperature=1e-6, top_k=1, top_p=1.0)
    assert c.top_k == 1 and c.top_p == 1.0


# ---------------------------------------------------------------- greedy / check_probs

def test_greedy_picks_largest_and_lowest_id_on_ties():
    assert greedy([0.1, 3.0, -2.0]) == 1
    assert greedy([1.0, 5.0, 2.0, 5.0]) == 1
    assert greedy(np.zeros(4)) == 0
    assert isinstance(greedy(np.array([1.0, 2.0], dtype=np.float32)), int)


def test_greedy_errors():
    with pytest.raises(ValueError, match="at least one"):
        greedy([])
    with pytest.raises(ValueError, match="finite"):
        greedy([1.0, np.nan])
    with pytest.raises(ValueError, match="1 dimension"):
        greedy(np.zeros((2, 2)))


def test_check_probs():
    np.testing.assert_array_equal(check_probs([0.25, 0.75]), [0.25, 0.75])
    check_probs([0.5, 0.5 + 1e-7])  # within tolerance 1e-6
    with pytest.raises(ValueError, match="sum to 1"):
        check_probs([0.5, 0.5 + 1e-5])
    with pytest.raises(ValueError, match="sum to 1.*0.9"):
        check_probs([0.4, 0.5])
    with pytest.raises(ValueError, match=r"non-negative, got -0.5 at index 1"):
        check_probs([1.5, -0.5])
    with pytest.raises(ValueError, match="finite"):
        check_probs([np.nan, 1.0])
    with pytest.raises(ValueError, match="1 dimension"):
        check_probs([[0.5, 0.5]])
    with pytest.raises(ValueError, match="at least one"):
        check_probs(np.zeros(0))
    with pytest.raises(TypeError, match="probs"):
        check_probs("0.5")


# ---------------------------------------------------------------- top-k

def test_top_k_keeps_exactly_the_k_most_likely():
    p = np.array([0.05, 0.4, 0.1, 0.3, 0.15])
    q = top_k_filter(p, 3)
    assert support(q) == {1, 3, 4}
    np.testing.assert_allclose(q[[1, 3, 4]], p[[1, 3, 4]] / 0.85)
    assert q.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(top_k_filter(p, 1), [0, 1, 0, 0, 0])
    np.testing.assert_allclose(top_k_filter(p, 5), p)
    np.testing.assert_allclose(top_k_filter(p, 50), p)
    assert q is not p and p[0] == 0.05  # input untouched


def test_top_k_ties_keep_lowest_ids():
    assert support(top_k_filter(np.full(4, 0.25), 2)) == {0, 1}
    assert support(top_k_filter([0.1, 0.3, 0.3, 0.3], 2)) == {1, 2}
    assert support(top_k_filter([0.3, 0.1, 0.3, 0.3], 2)) == {0, 2}


def test_top_k_errors():
    with pytest.raises(ValueError, match="k must be >= 1"):
        top_k_filter([0.5, 0.5], 0)
    with pytest.raises(TypeError, match="k must be an integer"):
        top_k_filter([0.5, 0.5], 1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        top_k_filter([0.5, 0.6], 1)


# ---------------------------------------------------------------- top-p

def test_top_p_support_and_boundary():
    p = np.array([0.2, 0.5, 0.3])  # ranked: id 1 (0.5), id 2 (0.3), id 0 (0.2)
    assert support(top_p_filter(p, 0.3)) == {1}
    assert support(top_p_filter(p, 0.5)) == {1}  # reaching p exactly stops the set
    assert support(top_p_filter(p, 0.5 + 1e-6)) == {1, 2}
    assert support(top_p_filter(p, 0.8)) == {1, 2}  # 0.5 + 0.3 rounds to 0.8
    assert support(top_p_filter(p, 0.8 + 1e-6)) == {0, 1, 2}
    np.testing.assert_allclose(top_p_filter(p, 0.8), [0.0, 0.625, 0.375])
    np.testing.assert_allclose(top_p_filter(p, 1.0), p)
    tiny = np.array([1 - 1e-12, 1e-12])  # p = 1 keeps even a negligible tail
    assert support(top_p_filter(tiny, 1.0)) == {0, 1}


def test_rank_by_probability_breaks_ties_by_id_in_long_vectors():
    # 40 entries in 3 tied levels: numpy's default argsort is not stable at this length.
    p = np.array([0.01, 0.04, 0.02] * 13 + [0.04])
    p = p / p.sum()
    expected = sorted(range(p.size), key=lambda i: (-p[i], i))
    assert rank_by_probability(p).tolist() == expected
    assert rank_by_probability(np.array([0.2, 0.5, 0.3])).tolist() == [1, 2, 0]


def test_top_p_ties_rank_by_id():
    assert support(top_p_filter(np.full(4, 0.25), 0.5)) == {0, 1}
    assert support(top_p_filter(np.full(4, 0.25), 0.6)) == {0, 1, 2}


def test_top_p_is_the_smallest_set_reaching_p():
    rng = np.random.default_rng(3)
    for _ in range(50):
        p = rng.dirichlet(np.full(12, 0.5))
        target = float(rng.uniform(0.05, 0.99))
        kept = sorted(support(top_p_filter(p, target)))
        mass = p[kept].sum()
        assert mass >= target - 1e-9
        assert mass - p[kept].min() < target  # dropping the weakest kept token falls short
        assert p[kept].min() >= np.delete(p, kept).max(initial=0.0)  # kept = most likely


def test_top_p_errors():
    for bad in (0.0, -0.5, 1.01):
        with pytest.raises(ValueError, match="p must"):
            top_p_filter([0.5, 0.5], bad)
    with pytest.raises(ValueError, match="non-negative"):
        top_p_filter([1.5, -0.5], 0.5)


# ---------------------------------------------------------------- sample_from

def test_sample_from_draws_the_distribution():
    p = np.array([0.1, 0.2, 0.0, 0.3, 0.4])
    rng = np.random.default_rng(11)
    draws = [sample_from(p, rng) for _ in range(N_DRAWS)]
    assert all(isinstance(d, int) for d in draws[:10])
    assert_frequencies_match(draws, p)


def test_sample_from_same_seed_same_draws_and_one_uniform_each():
    p = np.array([0.3, 0.3, 0.4])
    a = [sample_from(p, np.random.default_rng(5)) for _ in range(3)]
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    seq1 = [sample_from(p, r1) for _ in range(50)]
    seq2 = [sample_from(p, r2) for _ in range(50)]
    assert seq1 == seq2 and a == [seq1[0]] * 3
    # Exactly one rng.random() per draw: the generators stay in step.
    r3 = np.random.default_rng(5)
    for _ in range(50):
        r3.random()
    assert r1.random() == r3.random()


def test_draw_edges_never_pick_zero_probability_ids():
    p = np.array([0.0, 0.5, 0.0, 0.5, 0.0])
    assert inverse_cdf(p, 0.0) == 1
    assert inverse_cdf(p, 0.5) == 3
    assert inverse_cdf(p, float(np.nextafter(1.0, 0.0))) == 3
    assert inverse_cdf(np.array([0.0, 0.0, 1.0]), 0.0) == 2
    with pytest.raises(ValueError, match="u must be <"):
        inverse_cdf(p, 1.0)


def test_sample_from_errors():
    with pytest.raises(TypeError, match="rng"):
        sample_from([0.5, 0.5], None)
    with pytest.raises(TypeError, match="rng"):
        sample_from([0.5, 0.5], 42)
    with pytest.raises(ValueError, match="sum to 1"):
        sample_from([0.5, 0.4], np.random.default_rng(0))


# ---------------------------------------------------------------- select_next

LOGITS = np.array([2.0, 1.0, 0.5, -1.0, 1.5, 0.0])


def test_select_next_greedy_matches_greedy_and_leaves_rng_alone():
    rng = np.random.default_rng(0)
    for seed in range(20):
        logits = np.random.default_rng(seed).standard_normal(30)
        for cfg in (SamplingConfig(method="greedy"),
                    SamplingConfig(method="greedy", temperature=3.0, top_k=4, top_p=0.5)):
            sel = select_next(logits, cfg, rng)
            assert sel.token_id == greedy(logits)
            assert sel.draw is None
    assert rng.random() == np.random.default_rng(0).random()


def test_select_next_records_its_work():
    sel = select_next(LOGITS, SamplingConfig(temperature=0.7, top_k=4), np.random.default_rng(1),
                      n_candidates=3)
    assert isinstance(sel, Selection)
    np.testing.assert_allclose(sel.raw_probs, softmax(LOGITS))
    np.testing.assert_allclose(sel.probs, top_k_filter(softmax(LOGITS, temperature=0.7), 4))
    assert sel.probs[sel.token_id] > 0
    assert (sel.method, sel.temperature, sel.top_k, sel.top_p) == ("sample", 0.7, 4, None)
    assert [c[0] for c in sel.candidates] == [0, 4, 1]
    for i, raw, final in sel.candidates:
        assert raw == sel.raw_probs[i] and final == sel.probs[i]
    assert 0.0 <= sel.draw < 1.0
    assert sel.token_id == inverse_cdf(sel.probs, sel.draw)  # the recorded draw explains the choice
    d = json.loads(json.dumps(sel.to_dict()))
    assert d["token_id"] == sel.token_id and len(d["probs"]) == LOGITS.size
    assert f"chose id {sel.token_id}" in str(sel)


@pytest.mark.parametrize("cfg", [  # plain T=1 sampling is covered by sample_from's test
    SamplingConfig(temperature=0.5),
    SamplingConfig(temperature=2.0, top_k=3),
    SamplingConfig(top_p=0.75),
])
def test_select_next_samples_the_filtered_distribution(cfg):
    expected = softmax(LOGITS, temperature=cfg.temperature)
    if cfg.top_k is not None:  # independent reconstruction: keep the k largest
        keep = np.argsort(-expected, kind="stable")[: cfg.top_k]
        expected = np.where(np.isin(np.arange(expected.size), keep), expected, 0.0)
    if cfg.top_p is not None:
        order = np.argsort(-expected, kind="stable")
        n = int(np.argmax(np.cumsum(expected[order]) >= cfg.top_p)) + 1
        expected = np.where(np.isin(np.arange(expected.size), order[:n]), expected, 0.0)
    expected = expected / expected.sum()
    rng = np.random.default_rng(123)
    np.testing.assert_allclose(select_next(LOGITS, cfg, rng).probs, expected, rtol=1e-12)
    draws = [select_next(LOGITS, cfg, rng, n_candidates=0).token_id for _ in range(N_DRAWS)]
    assert_frequencies_match(draws, expected)


def test_select_next_same_seed_same_choices():
    cfg = SamplingConfig(temperature=1.3, top_p=0.9)
    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    a = [select_next(LOGITS, cfg, r1).token_id for _ in range(40)]
    b = [select_next(LOGITS, cfg, r2).token_id for _ in range(40)]
    assert a == b
    assert len(set(a)) > 1  # it really samples


def test_select_next_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="config must be a SamplingConfig"):
        select_next(LOGITS, {"method": "greedy"}, rng)
    with pytest.raises(TypeError, match="rng"):
        select_next(LOGITS, SamplingConfig(), None)
    with pytest.raises(ValueError, match="1 dimension"):
        select_next(LOGITS[None], SamplingConfig(), rng)
    with pytest.raises(ValueError, match="finite"):
        select_next([0.0, np.inf], SamplingConfig(), rng)
    with pytest.raises(ValueError, match="at least one"):
        select_next([], SamplingConfig(), rng)
    with pytest.raises(ValueError, match="n_candidates"):
        select_next(LOGITS, SamplingConfig(), rng, n_candidates=-1)
