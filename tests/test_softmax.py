"""Tests for genai_lab.softmax: stability, axes, temperature and the fused cross-entropy."""
from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from genai_lab.gradcheck import eval_numerical_gradient, rel_error
from genai_lab.softmax import log_softmax, softmax, softmax_cross_entropy
from helpers import no_warnings


# ---------------------------------------------------------------- softmax

def test_softmax_sums_to_one_and_is_positive():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 7)) * 5
    p = softmax(x)
    assert p.shape == x.shape
    np.testing.assert_allclose(p.sum(axis=-1), np.ones((4, 3)), atol=1e-12)
    assert np.all(p > 0)


def test_softmax_matches_definition_for_moderate_logits():
    x = np.array([0.5, -1.0, 2.0, 0.0])
    expected = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(softmax(x), expected, rtol=1e-12)


def test_softmax_is_shift_invariant():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 6))
    for c in (-300.0, 3.5, 700.0):
        np.testing.assert_allclose(softmax(x + c), softmax(x), atol=1e-12)


def test_softmax_extreme_logits_do_not_overflow_or_warn():
    with no_warnings():
        np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])
        np.testing.assert_allclose(softmax([-1000.0, -1000.0]), [0.5, 0.5])
        np.testing.assert_allclose(softmax([1000.0, -1000.0, 0.0]), [1.0, 0.0, 0.0])
        np.testing.assert_allclose(log_softmax([1000.0, 0.0]), [0.0, -1000.0])
        np.testing.assert_allclose(log_softmax([-1000.0, -1000.0]), np.log([0.5, 0.5]))
        assert np.all(np.isfinite(log_softmax([1000.0, -1000.0])))


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(1, 12),
              elements=st.floats(-1e308, 1e308, allow_nan=False, allow_infinity=False)),
       st.floats(1e-3, 1e3))
def test_softmax_any_finite_logits_give_a_distribution(x, temperature):
    with no_warnings():
        p = softmax(x, temperature=temperature)
        logp = log_softmax(x)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    assert abs(p.sum() - 1.0) < 1e-12
    assert p[np.argmax(x)] == p.max()  # the largest logit gets the largest probability
    assert np.all(logp <= 0.0) and not np.any(np.isnan(logp))
    assert logp[np.argmax(x)] == logp.max()


def test_softmax_axis_on_non_square_batch():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 5))
    rows = softmax(x, axis=-1)
    cols = softmax(x, axis=0)
    np.testing.assert_allclose(rows.sum(axis=1), np.ones(3), atol=1e-12)
    np.testing.assert_allclose(cols.sum(axis=0), np.ones(5), atol=1e-12)
    np.testing.assert_allclose(rows, np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(cols, np.exp(x) / np.exp(x).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(cols, softmax(x.T, axis=1).T)
    np.testing.assert_allclose(softmax(x, axis=1), rows)
    assert not np.allclose(rows.sum(axis=0), 1.0)  # the two axes really differ


def test_softmax_dtype():
    assert softmax(np.zeros(3, dtype=np.float32)).dtype == np.float32
    assert softmax([1, 2, 3]).dtype == np.float64


def test_temperature_divides_logits():
    x = np.array([1.0, 2.0, -0.5, 0.3])
    for t in (0.3, 1.0, 2.5):
        np.testing.assert_allclose(softmax(x, temperature=t), softmax(x / t), rtol=1e-12)


def test_temperature_limits():
    x = np.array([0.2, 1.5, 1.4, -2.0, 0.0])
    with no_warnings():
        cold = softmax(x, temperature=1e-3)
        frozen = softmax(x, temperature=1e-300)
        hot = softmax(x, temperature=1e6)
    assert cold[1] > 1 - 1e-6  # gap 0.1 / T = 100 nats to the runner-up
    np.testing.assert_array_equal(frozen, [0.0, 1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(hot, np.full(5, 0.2), atol=1e-5)
    # Raising the temperature never sharpens: the top probability only falls.
    tops = [softmax(x, temperature=t).max() for t in (0.05, 0.3, 1.0, 3.0, 30.0)]
    assert all(a > b for a, b in zip(tops, tops[1:]))


def test_log_softmax_equals_log_of_softmax():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 9)) * 3
    np.testing.assert_allclose(log_softmax(x), np.log(softmax(x)), atol=1e-12)
    np.testing.assert_allclose(log_softmax(x, axis=0), np.log(softmax(x, axis=0)), atol=1e-12)
    assert np.all(log_softmax(x) <= 0)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_softmax_errors(fn):
    with pytest.raises(ValueError, match="finite"):
        fn([1.0, np.nan])
    with pytest.raises(ValueError, match="finite"):
        fn([1.0, np.inf])
    with pytest.raises(ValueError, match="finite"):
        fn([-np.inf, 0.0])
    with pytest.raises(ValueError, match="at least 1 dimension"):
        fn(3.0)
    with pytest.raises(ValueError, match="no entries"):
        fn(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="axis"):
        fn(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="axis"):
        fn(np.zeros((2, 3)), axis=1.0)
    with pytest.raises(TypeError, match="logits"):
        fn("abc")
    with pytest.raises(TypeError, match="logits"):
        fn([True, False])


def test_softmax_temperature_errors():
    for bad in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="temperature"):
            softmax([1.0, 2.0], temperature=bad)
    with pytest.raises(TypeError, match="temperature"):
        softmax([1.0, 2.0], temperature="hot")


# ---------------------------------------------------------------- cross-entropy

def test_cross_entropy_uniform_logits_is_log_vocab():
    loss, dlogits = softmax_cross_entropy(np.zeros((4, 7)), [0, 3, 6, 2])
    assert isinstance(loss, float)
    assert loss == pytest.approx(np.log(7), rel=1e-12)
    assert dlogits.shape == (4, 7)


def test_cross_entropy_value_matches_log_of_softmax():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 5))
    y = rng.integers(0, 5, size=6)
    loss, dlogits = softmax_cross_entropy(x, y)
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(6), y])), rel=1e-12)
    np.testing.assert_allclose(dlogits.sum(axis=1), np.zeros(6), atol=1e-15)


def test_cross_entropy_extreme_logits_are_finite_without_warnings():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    with no_warnings():
        loss, dlogits = softmax_cross_entropy(x, [1, 2])
    assert loss == pytest.approx(2000.0 / 2)  # row 0 pays 2000 nats, row 1 pays ~0
    assert np.all(np.isfinite(dlogits))


def test_cross_entropy_gradient_matches_central_differences():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 5))
    y = rng.integers(0, 5, size=6)
    _, analytic = softmax_cross_entropy(x, y)
    numeric = eval_numerical_gradient(lambda z: softmax_cross_entropy(z, y)[0], x.copy())
    assert rel_error(analytic, numeric) < 1e-6


def test_cross_entropy_3d_gradient_with_ignore_index():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 4, 5))  # (B, T, V)
    y = rng.integers(0, 5, size=(2, 4))
    y[0, 3] = y[1, 0] = -100  # padding positions
    loss, analytic = softmax_cross_entropy(x, y, ignore_index=-100)
    assert analytic.shape == x.shape
    np.testing.assert_array_equal(analytic[0, 3], np.zeros(5))
    np.testing.assert_array_equal(analytic[1, 0], np.zeros(5))
    numeric = eval_numerical_gradient(lambda z: softmax_cross_entropy(z, y, ignore_index=-100)[0], x.copy())
    assert rel_error(analytic, numeric) < 1e-6
    # The mean runs over the 6 kept positions only, and equals the 2-D computation on them.
    keep = y != -100
    loss_kept, _ = softmax_cross_entropy(x[keep], y[keep])
    assert loss == pytest.approx(loss_kept, rel=1e-12)
    # Changing an ignored position's logits changes nothing.
    x2 = x.copy()
    x2[0, 3] += 50.0
    assert softmax_cross_entropy(x2, y, ignore_index=-100)[0] == loss


def test_cross_entropy_ignore_index_inside_vocabulary():
    x = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0], [1.0, 1.0, 5.0]])
    loss, dlogits = softmax_cross_entropy(x, [0, 2, 1], ignore_index=0)
    np.testing.assert_array_equal(dlogits[0], np.zeros(3))
    expected = -(log_softmax(x[1])[2] + log_softmax(x[2])[1]) / 2
    assert loss == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_errors():
    x = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"contains 4 at position \(1,\).*0\.\.3"):
        softmax_cross_entropy(x, [0, 4, 1])
    with pytest.raises(ValueError, match="contains -1"):
        softmax_cross_entropy(x, [0, -1, 1])
    with pytest.raises(ValueError, match="contains -1"):  # -1 is not the ignore_index
        softmax_cross_entropy(x, [0, -1, 1], ignore_index=-100)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        softmax_cross_entropy(x, [0, 1])
    with pytest.raises(ValueError, match="shape"):
        softmax_cross_entropy(np.zeros((2, 3, 4)), [0, 1, 2])
    with pytest.raises(ValueError, match="ignore_index=-100"):
        softmax_cross_entropy(x, [-100, -100, -100], ignore_index=-100)
    with pytest.raises(TypeError, match="targets"):
        softmax_cross_entropy(x, [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="dimension"):
        softmax_cross_entropy(np.zeros(4), [0])
    with pytest.raises(ValueError, match="finite"):
        softmax_cross_entropy(np.full((1, 2), np.nan), [0])
    with pytest.raises(TypeError, match="ignore_index"):
        softmax_cross_entropy(x, [0, 1, 2], ignore_index=0.5)
    with pytest.raises(ValueError, match="at least one class"):
        softmax_cross_entropy(np.zeros((2, 0)), [0, 0])
