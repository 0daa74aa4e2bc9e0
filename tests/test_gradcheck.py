"""Tests of genai_lab.gradcheck on functions whose gradients are known in closed form."""
import numpy as np
import pytest

from genai_lab.gradcheck import (eval_numerical_gradient, eval_numerical_gradient_array,
                                 grad_check_sparse, rel_error, rel_error_norm)


def test_numerical_gradient_of_known_scalar_functions():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    before = x.copy()
    # f = sum(x^3): df/dx = 3 x^2; central differences are exact up to h^2 for a cubic.
    numeric = eval_numerical_gradient(lambda z: float(np.sum(z ** 3)), x)
    np.testing.assert_allclose(numeric, 3 * x ** 2, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(x, before)  # x is restored after every difference
    # f = log(sum(exp(x))): the gradient is softmax(x).
    v = rng.standard_normal(6)
    numeric = eval_numerical_gradient(lambda z: float(np.log(np.exp(z).sum())), v)
    np.testing.assert_allclose(numeric, np.exp(v) / np.exp(v).sum(), rtol=1e-7)


def test_numerical_gradient_array_is_the_backward_of_a_matrix_product():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3)), rng.standard_normal((3, 5))
    dout = rng.standard_normal((2, 5))
    # out = x @ w: dL/dx = dout @ w.T and dL/dw = x.T @ dout for L = sum(out * dout).
    dx = eval_numerical_gradient_array(lambda z: z @ w, x, dout)
    dw = eval_numerical_gradient_array(lambda z: x @ z, w, dout)
    assert rel_error(dx, dout @ w.T) < 1e-8
    assert rel_error(dw, x.T @ dout) < 1e-8


def test_a_wrong_gradient_is_caught():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(5)
    numeric = eval_numerical_gradient(lambda z: float(np.sum(np.sin(z))), x)
    assert rel_error(numeric, np.cos(x)) < 1e-8
    assert rel_error(numeric, -np.cos(x)) == pytest.approx(1.0)  # wrong sign: unrelated
    assert rel_error_norm(numeric, 1.1 * np.cos(x)) == pytest.approx(0.1 / 2.1, rel=1e-6)


def test_grad_check_sparse_checks_random_and_chosen_entries():
    x = np.random.default_rng(3).standard_normal((4, 6))
    analytic = 2 * x  # f = sum(x^2)
    f = lambda z: float(np.sum(z ** 2))  # noqa: E731
    numeric, picked = grad_check_sparse(f, x, analytic, 5, rng=np.random.default_rng(4),
                                        indices=(23,))
    assert numeric.shape == picked.shape == (6,)
    assert picked[-1] == analytic.flat[23]
    assert rel_error_norm(numeric, picked) < 1e-9
    again, _ = grad_check_sparse(f, x, analytic, 5, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(again, numeric[:5])  # the rng decides which entries


def test_rel_error_definitions():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0, 0.0], [3.0, 0.0]) == pytest.approx(0.5)  # |1-3| / (1+3)
    assert rel_error([0.0], [1e-9]) == pytest.approx(0.1)  # measured against 1e-8
    assert rel_error_norm([3.0, 0.0], [0.0, 4.0]) == pytest.approx(5.0 / 7.0)


def test_bad_input():
    with pytest.raises(TypeError, match="float numpy array"):
        eval_numerical_gradient(lambda z: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="float numpy array"):
        eval_numerical_gradient(lambda z: 0.0, np.arange(3))
    with pytest.raises(ValueError, match="h must be >"):
        eval_numerical_gradient(lambda z: 0.0, np.zeros(2), h=0.0)
    with pytest.raises(ValueError, match="shape"):
        grad_check_sparse(lambda z: 0.0, np.zeros(3), np.zeros(4), 1,
                          rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        grad_check_sparse(lambda z: 0.0, np.zeros(3), np.zeros(3), 1, rng=0)
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.zeros(2), np.zeros(3))
