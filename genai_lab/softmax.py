"""Softmax, log-softmax and the fused softmax + cross-entropy loss.

Shapes: ``V`` is the vocabulary size (number of logits per position), ``N`` the number of
positions, ``B`` the batch size and ``T`` the sequence length.

Numerical stability: every function subtracts the maximum logit along the softmax axis
before exponentiating, so logits such as 1000 or -1000 neither overflow nor produce
warnings. Softmax is unchanged by that shift: exp(x - m) / sum(exp(x - m)) = exp(x) / sum(exp(x)).
"""
from __future__ import annotations

import numpy as np

from genai_lab.checks import check_array, check_float, check_int


def _check_logits(logits: object, axis: object, name: str = "logits") -> tuple[np.ndarray, int]:
    """Return (logits as a float array, axis as a non-negative int), or raise."""
    arr = check_array(name, logits, kind="f", finite=True)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least 1 dimension, got a scalar {arr!r}")
    axis = check_int("axis", axis, minimum=-arr.ndim, maximum=arr.ndim - 1)
    axis %= arr.ndim
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} has no entries along axis {axis} (shape {arr.shape})")
    return arr, axis


def softmax(logits: object, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    """Turn scores into probabilities: ``exp(logits / T) / sum(exp(logits / T))`` along ``axis``.

    logits: any shape with at least one dimension, e.g. (V,), (N, V) or (B, T, V); ints are
        converted to float64, float32 stays float32. NaN or infinity raises ValueError.
    temperature: T > 0. T < 1 sharpens the distribution (T -> 0 approaches a one-hot on the
        largest logit), T > 1 flattens it (T -> infinity approaches uniform).
    axis: the axis that sums to 1.
    Returns an array of the same shape and float dtype as ``logits``.
    """
    x, axis = _check_logits(logits, axis)
    temperature = check_float("temperature", temperature, minimum=0.0, min_inclusive=False)
    # Divide after the shift: a tiny T may push entries to -inf, whose exp is exactly 0;
    # the maximum stays 0 / T = 0, so the denominator is always >= 1. (A spread beyond the
    # float range, e.g. 1e308 vs -1e308, also gives -inf, i.e. probability 0.)
    with np.errstate(over="ignore", under="ignore"):
        shifted = x - x.max(axis=axis, keepdims=True)  # (..., V), every entry <= 0
        e = np.exp(shifted / temperature)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(logits: object, axis: int = -1) -> np.ndarray:
    """Log of the softmax, computed stably as ``x - max - log(sum(exp(x - max)))``.

    Same shapes and dtype rules as :func:`softmax`; every output entry is <= 0.
    """
    x, axis = _check_logits(logits, axis)
    with np.errstate(over="ignore", under="ignore"):  # over: spreads beyond 1.8e308 -> -inf
        shifted = x - x.max(axis=axis, keepdims=True)  # (..., V)
        log_norm = np.log(np.exp(shifted).sum(axis=axis, keepdims=True))  # (..., 1)
    return shifted - log_norm


def softmax_cross_entropy(logits: object, targets: object,
                          ignore_index: int | None = None) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer targets, and its gradient.

    logits: (N, V), or (B, T, V) which is flattened internally to (B*T, V).
    targets: (N,) ints in [0, V), or (B, T) for 3-D logits. Positions whose target equals
        ``ignore_index`` (e.g. padding) contribute neither to the loss nor to the gradient;
        ``ignore_index`` may lie outside [0, V) (e.g. -100).
    Returns ``(loss, dlogits)``: loss is a Python float, the mean of ``-log p[target]`` over
    the n kept positions; ``dlogits`` has the shape of ``logits`` and equals
    ``(softmax(logits) - onehot(target)) / n`` on kept rows and 0 on ignored rows.
    Raises ValueError for a shape mismatch, a target out of range or all targets ignored.
    """
    x = check_array("logits", logits, ndim=(2, 3), kind="f", finite=True)
    y = check_array("targets", targets, ndim=(1, 2), kind="i")
    if y.shape != x.shape[:-1]:
        raise ValueError(f"targets must have shape {x.shape[:-1]} to match logits of shape "
                         f"{x.shape}, got {y.shape}")
    vocab = x.shape[-1]
    if vocab == 0:
        raise ValueError(f"logits must have at least one class, got shape {x.shape}")
    if ignore_index is not None:
        ignore_index = check_int("ignore_index", ignore_index)
    flat_x = x.reshape(-1, vocab)  # (N, V)
    flat_y = y.reshape(-1)  # (N,)
    keep = np.ones(flat_y.shape, dtype=bool) if ignore_index is None else flat_y != ignore_index
    bad = keep & ((flat_y < 0) | (flat_y >= vocab))
    if bad.any():
        pos = np.unravel_index(int(np.argmax(bad)), y.shape)
        raise ValueError(f"targets contains {int(y[pos])} at position {tuple(int(i) for i in pos)}; "
                         f"valid targets are 0..{vocab - 1}"
                         + (f" or ignore_index={ignore_index}" if ignore_index is not None else ""))
    n_kept = int(keep.sum())
    if n_kept == 0:
        raise ValueError(f"every target equals ignore_index={ignore_index}: "
                         "there is nothing to average the loss over")
    everything = n_kept == flat_y.size
    rows = slice(None) if everything else np.flatnonzero(keep)  # the n kept positions
    logp = log_softmax(flat_x[rows], axis=-1)  # (n, V)
    picked = flat_y[rows]  # (n,)
    loss = float(-logp[np.arange(n_kept), picked].mean())
    grad = np.exp(logp)  # (n, V) softmax probabilities
    grad[np.arange(n_kept), picked] -= 1.0
    grad /= n_kept
    if everything:
        return loss, grad.reshape(x.shape)
    dlogits = np.zeros_like(flat_x)  # (N, V), zero rows for ignored positions
    dlogits[rows] = grad
    return loss, dlogits.reshape(x.shape)
