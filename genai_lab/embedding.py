"""Stage 3, features: token embeddings, positional encodings and tools to inspect vectors.

An embedding table is a (V, C) matrix: row ``i`` is the vector of token id ``i``. Looking ids
up is the forward pass; the backward pass adds each output gradient into the row it came
from. Shapes: ``V`` vocabulary size, ``C`` embedding width, ``B`` batch, ``T`` sequence
length, ``N`` number of vectors.

Learned positional embeddings are just another (T_max, C) table looked up with
``np.arange(T)``; :func:`sinusoidal_positions` gives the fixed alternative.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from genai_lab.checks import check_array, check_float, check_int, check_rng


def _check_ids(ids: object, vocab_size: int) -> np.ndarray:
    """Return ids as an int array of shape (T,) or (B, T) with values in [0, V), or raise."""
    if isinstance(ids, (list, tuple)) and len(ids) == 0:
        ids = np.zeros((0,), dtype=np.int64)  # np.asarray([]) would be float64
    arr = check_array("ids", ids, ndim=(1, 2), kind="i")
    bad = (arr < 0) | (arr >= vocab_size)
    if bad.any():
        pos = np.unravel_index(int(np.argmax(bad)), arr.shape)
        raise ValueError(f"ids contains {int(arr[pos])} at position {tuple(int(i) for i in pos)}; "
                         f"valid ids are 0..{vocab_size - 1} (vocabulary size {vocab_size})")
    return arr


def embedding_forward(ids: object, weight: object) -> tuple[np.ndarray, tuple]:
    """Look up the rows of ``weight`` named by ``ids``.

    ids: (T,) or (B, T) integers in [0, V). Non-integer ids raise TypeError, ids outside
        [0, V) raise ValueError naming the id and the valid range.
    weight: (V, C) float table.
    Returns ``(out, cache)``: out is (T, C) or (B, T, C), a copy (editing it leaves
    ``weight`` unchanged); cache holds what :func:`embedding_backward` needs.
    """
    w = check_array("weight", weight, ndim=2, kind="f")
    idx = _check_ids(ids, w.shape[0])
    out = w[idx]  # (B, T, C) or (T, C)
    cache = (idx, w.shape, w.dtype)
    return out, cache


def embedding_backward(dout: object, cache: tuple) -> np.ndarray:
    """Gradient of the loss with respect to the (V, C) table.

    dout: gradient of the output, (T, C) or (B, T, C), the shape ``embedding_forward`` returned.
    Returns dweight (V, C): row ``i`` is the sum of ``dout`` over every position whose id is
    ``i`` (an id used twice gets both gradients, via ``np.add.at``); unused rows are 0.
    """
    idx, (vocab, dim), dtype = cache
    d = check_array("dout", dout, kind="f")
    if d.shape != idx.shape + (dim,):
        raise ValueError(f"dout must have shape {idx.shape + (dim,)} (ids shape + (C,)), "
                         f"got {d.shape}")
    dweight = np.zeros((vocab, dim), dtype=np.result_type(dtype, d.dtype))  # (V, C)
    np.add.at(dweight, idx.reshape(-1), d.reshape(-1, dim))
    return dweight


def init_embedding(vocab_size: int, dim: int, rng: np.random.Generator,
                   scale: float = 0.02) -> np.ndarray:
    """A (V, C) float64 table of independent normal draws with standard deviation ``scale``.

    0.02 is the GPT-2 initialisation: small enough that early logits are near zero.
    """
    vocab_size = check_int("vocab_size", vocab_size, minimum=1)
    dim = check_int("dim", dim, minimum=1)
    rng = check_rng("rng", rng)
    scale = check_float("scale", scale, minimum=0.0, min_inclusive=False)
    return rng.standard_normal((vocab_size, dim)) * scale  # (V, C)


def sinusoidal_positions(seq_len: int, dim: int, base: float = 10000.0) -> np.ndarray:
    """Fixed positional encodings of "Attention is all you need", shape (T, C).

    Column 2i holds ``sin(pos / base**(2i / C))`` and column 2i+1 ``cos(...)`` of the same
    frequency; with an odd C the last column is a sine. Values lie in [-1, 1], row 0 is
    alternating 0, 1, and every row is distinct for T well below ``2 * pi * base``.
    """
    seq_len = check_int("seq_len", seq_len, minimum=1)
    dim = check_int("dim", dim, minimum=1)
    base = check_float("base", base, minimum=1.0, min_inclusive=False)
    pos = np.arange(seq_len, dtype=np.float64)[:, None]  # (T, 1)
    even = np.arange(0, dim, 2, dtype=np.float64)  # (ceil(C/2),) the 2i values
    angles = pos / base ** (even / dim)  # (T, ceil(C/2))
    out = np.empty((seq_len, dim), dtype=np.float64)  # (T, C)
    out[:, 0::2] = np.sin(angles)
    out[:, 1::2] = np.cos(angles[:, : dim // 2])
    return out


def cosine_similarity(a: object, b: object) -> float | np.ndarray:
    """Cosine of the angle between vectors: ``a.b / (|a| |b|)``, in [-1, 1].

    a, b: (C,) or (..., C), broadcast against each other over the leading axes; e.g. a (C,)
        query against a (V, C) table gives (V,).
    Returns a Python float for two vectors, else an array of the broadcast leading shape.
    A zero vector has no direction: its similarity with anything is defined as 0.0 (no NaN
    and no numpy warning).
    """
    x = check_array("a", a, kind="f")
    y = check_array("b", b, kind="f")
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"a and b must be vectors or stacks of vectors, got shapes "
                         f"{x.shape} and {y.shape}")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"a and b must have the same last dimension C, got shapes "
                         f"{x.shape} and {y.shape}")
    try:
        lead = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
    except ValueError:
        raise ValueError(f"the leading shapes of a {x.shape} and b {y.shape} "
                         "do not broadcast") from None
    # Scale each vector by its largest entry first, so squaring cannot overflow.
    xs = _unit_or_zero(x)  # (..., C)
    ys = _unit_or_zero(y)  # (..., C)
    sim = np.clip(np.sum(xs * ys, axis=-1), -1.0, 1.0)  # lead
    return float(sim) if lead == () else sim


def _unit_or_zero(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` (..., C) scaled to length 1; zero rows stay zero."""
    peak = np.max(np.abs(x), axis=-1, keepdims=True)  # (..., 1)
    safe_peak = np.where(peak > 0, peak, 1.0)
    scaled = x / safe_peak  # (..., C) entries in [-1, 1]
    norm = np.sqrt(np.sum(scaled * scaled, axis=-1, keepdims=True))  # (..., 1), >= 1 or 0
    return scaled / np.where(norm > 0, norm, 1.0)


def nearest_neighbours(query: object, weight: object, k: int = 5,
                       exclude: int | Iterable[int] | None = None) -> list[tuple[int, float]]:
    """The ``k`` rows of ``weight`` (V, C) most cosine-similar to ``query`` (C,).

    exclude: an id or ids to leave out (typically the query word's own id).
    Returns up to k ``(id, similarity)`` pairs sorted by similarity, highest first; equal
    similarities are ordered by id, smallest first. Fewer than k pairs come back only when
    fewer than k ids remain after ``exclude``.
    """
    w = check_array("weight", weight, ndim=2, kind="f")
    q = check_array("query", query, ndim=1, kind="f")
    if q.shape[0] != w.shape[1]:
        raise ValueError(f"query has {q.shape[0]} dimensions but the rows of weight have "
                         f"{w.shape[1]} (weight shape {w.shape})")
    k = check_int("k", k, minimum=1)
    vocab = w.shape[0]
    keep = np.ones(vocab, dtype=bool)  # (V,)
    if exclude is not None:
        ids = [exclude] if not isinstance(exclude, Iterable) else list(exclude)
        for i in ids:
            i = check_int("exclude id", i, minimum=0, maximum=vocab - 1)
            keep[i] = False
    sims = np.atleast_1d(cosine_similarity(q, w))  # (V,)
    candidates = np.flatnonzero(keep)  # (V',)
    order = np.lexsort((candidates, -sims[candidates]))[:k]  # similarity desc, then id asc
    return [(int(candidates[j]), float(sims[candidates[j]])) for j in order]


def pca_2d(x: object) -> np.ndarray:
    """Project N vectors (N, C) onto their two main directions of variation, giving (N, 2).

    The rows are centred, the directions come from an SVD, and each direction's sign is
    fixed so that its largest-magnitude loading is positive: the same input always gives the
    same picture. With C == 1 the second column is exactly 0; with all points on one line it is
    0 up to rounding (about 1e-16 times the data's scale).
    """
    arr = check_array("x", x, ndim=2, kind="f")
    if arr.shape[0] == 0:
        raise ValueError(f"x must contain at least one vector, got shape {arr.shape}")
    centred = arr.astype(np.float64) - arr.mean(axis=0, dtype=np.float64)  # (N, C)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)  # vt (min(N, C), C)
    comps = vt[:2].copy()  # (<=2, C)
    for row in comps:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1.0
    out = np.zeros((arr.shape[0], 2), dtype=np.float64)  # (N, 2)
    out[:, : comps.shape[0]] = centred @ comps.T
    return out
