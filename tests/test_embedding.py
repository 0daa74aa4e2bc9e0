"""Tests for genai_lab.embedding: lookup forward/backward, positions, similarity, PCA."""
from __future__ import annotations

import math

import numpy as np
import pytest

from genai_lab.embedding import (cosine_similarity, embedding_backward, embedding_forward,
                                 init_embedding, nearest_neighbours, pca_2d,
                                 sinusoidal_positions)
from genai_lab.gradcheck import eval_numerical_gradient_array, rel_error
from helpers import no_warnings


# ---------------------------------------------------------------- forward / backward

def test_forward_looks_up_rows_for_batches_and_single_sequences():
    w = np.arange(15.0).reshape(5, 3)  # (V=5, C=3)
    out, _ = embedding_forward(np.array([[4, 0, 4], [1, 2, 3]]), w)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out[0, 0], w[4])
    np.testing.assert_array_equal(out[1, 2], w[3])
    out1, _ = embedding_forward([2, 2], w)
    assert out1.shape == (2, 3)
    np.testing.assert_array_equal(out1, w[[2, 2]])
    out1[0, 0] = -99.0  # the output is a copy, not a view of the table
    assert w[2, 0] == 6.0


def test_forward_empty_sequence():
    out, cache = embedding_forward([], np.ones((4, 2)))
    assert out.shape == (0, 2)
    np.testing.assert_array_equal(embedding_backward(np.zeros((0, 2)), cache), np.zeros((4, 2)))


def test_forward_errors_name_the_bad_id_and_range():
    w = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"contains 7 at position \(1, 0\).*0\.\.4"):
        embedding_forward([[0, 1], [7, 2]], w)
    with pytest.raises(ValueError, match=r"contains -1.*0\.\.4"):
        embedding_forward([0, -1], w)
    with pytest.raises(ValueError, match="contains 5"):
        embedding_forward([5], w)
    with pytest.raises(TypeError, match="ids must hold integers"):
        embedding_forward([0.0, 1.0], w)
    with pytest.raises(TypeError, match="ids"):
        embedding_forward([True, False], w)
    with pytest.raises(TypeError, match="ids"):
        embedding_forward("hello", w)
    with pytest.raises(ValueError, match="ids must have 1 or 2"):
        embedding_forward(np.zeros((1, 1, 1), dtype=int), w)
    with pytest.raises(ValueError, match="weight must have 2"):
        embedding_forward([0], np.zeros(5))
    with pytest.raises(ValueError, match="weight must be finite"):
        embedding_forward([0], np.full((2, 2), np.nan))


def test_backward_accumulates_repeated_ids():
    w = np.zeros((4, 2))
    _, cache = embedding_forward([3, 1, 3, 3], w)
    dw = embedding_backward(np.ones((4, 2)), cache)
    np.testing.assert_array_equal(dw, [[0, 0], [1, 1], [0, 0], [3, 3]])


@pytest.mark.parametrize("ids", [np.array([[1, 4, 1], [0, 1, 4]]), np.array([2, 2, 0, 2])])
def test_backward_matches_central_differences(ids):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((5, 3))  # (V, C), float64
    out, cache = embedding_forward(ids, w)
    g = rng.standard_normal(out.shape)  # upstream gradient: the check is on sum(out * g)
    numeric = eval_numerical_gradient_array(lambda weight: embedding_forward(ids, weight)[0],
                                            w, g)
    analytic = embedding_backward(g, cache)
    assert analytic.shape == w.shape
    assert rel_error(analytic, numeric) < 1e-6
    unused = np.setdiff1d(np.arange(5), ids)
    np.testing.assert_array_equal(analytic[unused], 0.0)


def test_backward_rejects_wrong_shape():
    _, cache = embedding_forward([[0, 1, 2]], np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"dout must have shape \(1, 3, 4\)"):
        embedding_backward(np.zeros((3, 4)), cache)


# ---------------------------------------------------------------- init

def test_init_embedding_is_seeded_and_scaled():
    a = init_embedding(100, 64, np.random.default_rng(7))
    b = init_embedding(100, 64, np.random.default_rng(7))
    c = init_embedding(100, 64, np.random.default_rng(8))
    assert a.shape == (100, 64) and a.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # Sample std of n normal draws has std ~ scale / sqrt(2n); allow 5 of those.
    n = a.size
    assert abs(a.std() - 0.02) < 5 * 0.02 / math.sqrt(2 * n)
    assert abs(init_embedding(50, 50, np.random.default_rng(0), scale=1.0).std() - 1.0) < 5 / math.sqrt(2 * 2500)


def test_init_embedding_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng"):
        init_embedding(3, 2, None)
    with pytest.raises(TypeError, match="rng"):
        init_embedding(3, 2, 0)
    with pytest.raises(ValueError, match="vocab_size"):
        init_embedding(0, 2, rng)
    with pytest.raises(ValueError, match="dim"):
        init_embedding(3, 0, rng)
    with pytest.raises(ValueError, match="scale"):
        init_embedding(3, 2, rng, scale=0.0)
    with pytest.raises(TypeError, match="vocab_size"):
        init_embedding(3.0, 2, rng)


# ---------------------------------------------------------------- positions

def test_sinusoidal_positions_formula():
    pe = sinusoidal_positions(10, 6)
    assert pe.shape == (10, 6)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1, 0, 1])
    for pos in (1, 7):
        for i in range(3):
            freq = 1.0 / 10000 ** (2 * i / 6)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(pos * freq), abs=1e-12)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(pos * freq), abs=1e-12)


def test_sinusoidal_positions_properties():
    pe = sinusoidal_positions(50, 16)
    assert np.all(np.abs(pe) <= 1.0)
    assert len({tuple(np.round(row, 12)) for row in pe}) == 50  # every position distinct
    # The dot product of two positions depends only on their distance.
    for k in (1, 5):
        dots = [pe[p] @ pe[p + k] for p in range(0, 40, 7)]
        np.testing.assert_allclose(dots, np.full(len(dots), pe[0] @ pe[k]), atol=1e-10)
    odd = sinusoidal_positions(4, 5)
    assert odd.shape == (4, 5)
    for pos in range(4):  # odd width: pairs (0, 1), (2, 3), then a lone sine in column 4
        for col in range(5):
            angle = pos / 10000 ** ((col - col % 2) / 5)
            want = math.sin(angle) if col % 2 == 0 else math.cos(angle)
            assert odd[pos, col] == pytest.approx(want, abs=1e-12)


def test_sinusoidal_positions_errors():
    with pytest.raises(ValueError, match="seq_len"):
        sinusoidal_positions(0, 4)
    with pytest.raises(ValueError, match="dim"):
        sinusoidal_positions(4, 0)
    with pytest.raises(TypeError, match="seq_len"):
        sinusoidal_positions(2.5, 4)
    with pytest.raises(ValueError, match="base"):
        sinusoidal_positions(4, 4, base=1.0)


# ---------------------------------------------------------------- cosine similarity

def test_cosine_similarity_basic_angles():
    assert cosine_similarity([1.0, 0.0], [3.0, 0.0]) == pytest.approx(1.0)
    assert cosine_similarity([1.0, 2.0], [-2.0, -4.0]) == pytest.approx(-1.0)
    assert cosine_similarity([1.0, 0.0], [0.0, 5.0]) == pytest.approx(0.0)
    assert cosine_similarity([1.0, 0.0], [1.0, 1.0]) == pytest.approx(1 / math.sqrt(2))
    assert isinstance(cosine_similarity([1, 2], [3, 4]), float)


def test_cosine_similarity_broadcasts_rows():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((6, 4))
    q = rng.standard_normal(4)
    sims = cosine_similarity(q, w)
    assert sims.shape == (6,)
    expected = w @ q / (np.linalg.norm(w, axis=1) * np.linalg.norm(q))
    np.testing.assert_allclose(sims, expected, rtol=1e-12)
    np.testing.assert_allclose(cosine_similarity(w, w), np.ones(6), rtol=1e-12)
    np.testing.assert_allclose(cosine_similarity(w * 1e-3, q * 50), expected, rtol=1e-12)


def test_cosine_similarity_zero_vectors_are_zero_without_warnings():
    with no_warnings():
        assert cosine_similarity([0.0, 0.0], [1.0, 2.0]) == 0.0
        assert cosine_similarity([0.0, 0.0], [0.0, 0.0]) == 0.0
        sims = cosine_similarity([1.0, 1.0], np.array([[0.0, 0.0], [2.0, 2.0], [0.0, 0.0]]))
    np.testing.assert_allclose(sims, [0.0, 1.0, 0.0])
    assert not np.any(np.isnan(sims))


def test_cosine_similarity_huge_and_tiny_values():
    with no_warnings():
        assert cosine_similarity([1e200, 1e200], [1e200, 1e200]) == pytest.approx(1.0)
        assert cosine_similarity([1e-200, 0.0], [3e-200, 0.0]) == pytest.approx(1.0)


def test_cosine_similarity_errors():
    with pytest.raises(ValueError, match="same last dimension"):
        cosine_similarity([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="broadcast"):
        cosine_similarity(np.ones((2, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="vectors"):
        cosine_similarity(1.0, [1.0])
    with pytest.raises(ValueError, match="finite"):
        cosine_similarity([np.nan, 1.0], [1.0, 1.0])
    with pytest.raises(TypeError, match="b must"):
        cosine_similarity([1.0], "x")


# ---------------------------------------------------------------- nearest neighbours

def _table():
    angles = np.array([0.0, 0.1, 0.5, 0.1, 3.0, 1.0])
    w = np.stack([np.cos(angles), np.sin(angles)], axis=1) * np.arange(1, 7)[:, None]
    w[3] = w[1]  # ids 1 and 3 are identical: an exact tie
    return w


def test_nearest_neighbours_order_and_ties():
    w = _table()
    got = nearest_neighbours(w[0], w, k=4)
    assert [i for i, _ in got] == [0, 1, 3, 2]  # 1 and 3 tie: lower id first
    assert got[1][1] == got[2][1]
    assert got[1][1] == pytest.approx(math.cos(0.1))
    sims = [s for _, s in got]
    assert sims == sorted(sims, reverse=True)
    assert all(isinstance(i, int) and isinstance(s, float) for i, s in got)


def test_nearest_neighbours_exclude_and_k_bounds():
    w = _table()
    assert [i for i, _ in nearest_neighbours(w[0], w, k=2, exclude=0)] == [1, 3]
    assert [i for i, _ in nearest_neighbours(w[0], w, k=2, exclude=[0, 1])] == [3, 2]
    everything = nearest_neighbours(w[0], w, k=100, exclude=np.int64(4))
    assert sorted(i for i, _ in everything) == [0, 1, 2, 3, 5]
    assert len(nearest_neighbours(w[0], w, k=3, exclude=range(6))) == 0


def test_nearest_neighbours_errors():
    w = _table()
    with pytest.raises(ValueError, match="k must be >= 1"):
        nearest_neighbours(w[0], w, k=0)
    with pytest.raises(ValueError, match="exclude id must be <= 5"):
        nearest_neighbours(w[0], w, exclude=[6])
    with pytest.raises(ValueError, match="query has 3 dimensions"):
        nearest_neighbours([1.0, 0.0, 0.0], w)
    with pytest.raises(ValueError, match="query must have 1"):
        nearest_neighbours(w[:2], w)
    with pytest.raises(TypeError, match="exclude id"):
        nearest_neighbours(w[0], w, exclude=[1.5])


# ---------------------------------------------------------------- PCA

def test_pca_2d_recovers_axes_with_fixed_signs():
    x = np.array([[-2.0, 0.0, 5.0], [2.0, 0.0, 5.0], [0.0, -1.0, 5.0], [0.0, 1.0, 5.0]])
    np.testing.assert_allclose(pca_2d(x), x[:, :2], atol=1e-12)
    # Negating the data negates the picture (signs are fixed by the loadings, not by chance).
    np.testing.assert_allclose(pca_2d(-x), -x[:, :2], atol=1e-12)


def test_pca_2d_sign_rule_largest_loading_is_positive():
    for seed in range(10):
        x = np.random.default_rng(seed).standard_normal((12, 5))
        y = pca_2d(x)
        loadings, *_ = np.linalg.lstsq(x - x.mean(axis=0), y, rcond=None)  # (C, 2)
        for col in loadings.T:
            assert col[np.argmax(np.abs(col))] > 0


def test_pca_2d_properties():
    rng = np.random.default_rng(2)
    plane = rng.standard_normal((30, 2)) * [3.0, 1.0]  # points on a 2-D plane ...
    basis, _ = np.linalg.qr(rng.standard_normal((8, 2)))  # ... embedded in 8-D
    x = plane @ basis.T + rng.standard_normal(8)  # (30, 8)
    y = pca_2d(x)
    assert y.shape == (30, 2) and y.dtype == np.float64
    np.testing.assert_array_equal(pca_2d(x), y)  # deterministic
    np.testing.assert_allclose(pca_2d(x + 10.0), y, atol=1e-9)  # translation invariant
    # A 2-D cloud loses nothing: pairwise distances survive the projection.
    d_in = np.linalg.norm(x[:, None] - x[None], axis=-1)
    d_out = np.linalg.norm(y[:, None] - y[None], axis=-1)
    np.testing.assert_allclose(d_out, d_in, atol=1e-9)
    assert y[:, 0].var() >= y[:, 1].var()
    assert abs(np.corrcoef(y.T)[0, 1]) < 1e-9
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)


def test_pca_2d_degenerate_inputs():
    line = np.outer(np.arange(5.0), [1.0, 2.0, -1.0])  # all points on one line
    y = pca_2d(line)
    np.testing.assert_allclose(y[:, 1], 0.0, atol=1e-12)
    np.testing.assert_allclose(np.abs(np.diff(y[:, 0])), math.sqrt(6), rtol=1e-12)
    one_d = pca_2d(np.array([[1.0], [3.0], [2.0]]))
    np.testing.assert_allclose(one_d, [[-1.0, 0.0], [1.0, 0.0], [0.0, 0.0]], atol=1e-12)
    np.testing.assert_array_equal(pca_2d(np.ones((1, 4))), np.zeros((1, 2)))


def test_pca_2d_errors():
    with pytest.raises(ValueError, match="x must have 2"):
        pca_2d(np.ones(4))
    with pytest.raises(ValueError, match="at least one vector"):
        pca_2d(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="finite"):
        pca_2d([[np.inf, 1.0]])
