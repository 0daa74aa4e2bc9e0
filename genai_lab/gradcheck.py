"""Gradient checking: compare a backward pass with central differences.

A backward pass is a formula; this checks it against the definition of a derivative. For
one entry ``x[i]`` and a small step ``h``::

    df/dx[i]  ~  (f(x + h e_i) - f(x - h e_i)) / (2 h)      (central difference, error O(h^2))

The functions follow CS231n's ``gradient_check.py``:

* ``eval_numerical_gradient(f, x)``: the gradient of a scalar function, every entry;
* ``eval_numerical_gradient_array(f, x, df)``: for a function returning an array, the
  gradient of ``sum(f(x) * df)``, which is what ``*_backward(df, cache)`` returns for ``x``;
* ``grad_check_sparse(f, x, analytic, ...)``: a few random entries only, for big arrays;
* ``rel_error`` (largest entry-wise relative error) and ``rel_error_norm`` (one number for
  the whole array) say how close two gradients are.

Use float64: with float32 rounding noise swamps a step of 1e-5. ``x`` is changed in place
while a difference is taken and restored afterwards, so ``f`` may read ``x`` through a
closure (a model's parameter array, say).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from genai_lab.checks import check_array, check_float, check_int, check_rng


def _check_x(x: object) -> np.ndarray:
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float numpy array (changed in place while checking), "
                        f"got {type(x).__name__}")
    return x


def _central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, idx: tuple,
                        h: float) -> float:
    """(f(x + h e_idx) - f(x - h e_idx)) / 2h, leaving x as it was."""
    old = x[idx]
    x[idx] = old + h
    plus = float(f(x))
    x[idx] = old - h
    minus = float(f(x))
    x[idx] = old
    return (plus - minus) / (2 * h)


def eval_numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                            h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x``: same shape as x."""
    x = _check_x(x)
    h = check_float("h", h, minimum=0.0, min_inclusive=False)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = _central_difference(f, x, idx, h)
    return grad


def eval_numerical_gradient_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                                  df: object, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of ``sum(f(x) * df)`` with respect to ``x``.

    ``df`` is the upstream gradient, shaped like ``f(x)``: the result is what a correct
    ``backward(df, cache)`` returns for ``x``.
    """
    df = check_array("df", df)
    return eval_numerical_gradient(lambda z: float(np.sum(f(z) * df)), x, h)


def grad_check_sparse(f: Callable[[np.ndarray], float], x: np.ndarray, analytic: object,
                      num_checks: int = 10, *, rng: np.random.Generator, h: float = 1e-5,
                      indices: tuple = ()) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of the scalar ``f`` at ``num_checks`` random entries of ``x``.

    Entries are drawn without replacement by ``rng``; ``indices`` (flat positions) are
    checked as well. Returns ``(numeric, analytic)`` at the checked entries, both
    (num_checks + len(indices),), to compare with ``rel_error_norm``.
    """
    x = _check_x(x)
    analytic = check_array("analytic", analytic)
    if analytic.shape != x.shape:
        raise ValueError(f"analytic must have the shape of x {x.shape}, got {analytic.shape}")
    num_checks = check_int("num_checks", num_checks, minimum=0, maximum=x.size)
    rng = check_rng("rng", rng)
    h = check_float("h", h, minimum=0.0, min_inclusive=False)
    flat = [int(i) for i in rng.choice(x.size, size=num_checks, replace=False)]
    flat += [check_int("indices[i]", i, minimum=0, maximum=x.size - 1) for i in indices]
    where = [np.unravel_index(i, x.shape) for i in flat]
    numeric = np.array([_central_difference(f, x, idx, h) for idx in where])
    return numeric, np.array([analytic[idx] for idx in where])


def rel_error(x: object, y: object) -> float:
    """Largest entry-wise relative error ``|x - y| / max(1e-8, |x| + |y|)`` (CS231n).

    Strict: every entry must agree. Entries near 0 in both arrays are measured against
    1e-8, so rounding noise there can dominate; ``rel_error_norm`` does not have that.
    """
    x, y = check_array("x", x), check_array("y", y)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def rel_error_norm(x: object, y: object) -> float:
    """``||x - y|| / (||x|| + ||y||)`` for whole arrays: 0 when equal, 1 when unrelated."""
    x, y = check_array("x", x), check_array("y", y)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    denom = float(np.linalg.norm(x) + np.linalg.norm(y))
    return float(np.linalg.norm(x - y) / max(denom, 1e-300))
