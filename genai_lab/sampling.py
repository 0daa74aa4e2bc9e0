"""Stage 5, word selection: turn the model's scores for the next token into one chosen id.

The pipeline of :func:`select_next`, for one position with ``V`` candidate tokens:

    logits (V,) --/temperature--> softmax (V,) --> top-k --> top-p --> argmax or one draw

Every random choice uses an explicit ``np.random.Generator`` and at most one
``rng.random()`` draw, so the same seed always gives the same choice.

Tie rules (documented once, used everywhere): tokens are ranked by probability, highest
first, and equal probabilities are ranked by id, lowest first. Greedy therefore picks the
lowest id among equal maxima, and top-k / top-p cut the ranked list at a fixed length.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from genai_lab.checks import check_array, check_float, check_int, check_rng, check_str
from genai_lab.softmax import softmax

METHODS = ("greedy", "sample")
PROB_SUM_TOLERANCE = 1e-6  # how far from 1 a probability vector's sum may be
TOP_P_TOLERANCE = 1e-9  # cumulative sums within this of p count as reaching p (rounding)


@dataclass(frozen=True)
class SamplingConfig:
    """How to choose the next token."""

    method: str = "sample"  # "greedy": always the most likely token; "sample": draw at random
    temperature: float = 1.0  # divides the logits; 1.0 keeps the model's own distribution
    top_k: int | None = None  # keep only the k most likely tokens; None keeps all
    top_p: float | None = None  # keep the smallest most-likely set with mass >= p; None keeps all

    def __post_init__(self) -> None:
        method = check_str("method", self.method)
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        object.__setattr__(self, "temperature", check_float(
            "temperature", self.temperature, minimum=0.0, min_inclusive=False))
        if self.top_k is not None:
            object.__setattr__(self, "top_k", check_int("top_k", self.top_k, minimum=1))
        if self.top_p is not None:
            object.__setattr__(self, "top_p", check_float(
                "top_p", self.top_p, minimum=0.0, min_inclusive=False, maximum=1.0))


def check_probs(probs: object, name: str = "probs") -> np.ndarray:
    """Return ``probs`` as a float64 (V,) array if it is a probability distribution, else raise.

    A distribution is finite, non-negative, non-empty and sums to 1 within
    ``PROB_SUM_TOLERANCE`` (1e-6).
    """
    p = check_array(name, probs, ndim=1, kind="f", finite=True).astype(np.float64, copy=False)
    if p.size == 0:
        raise ValueError(f"{name} must contain at least one probability, got an empty array")
    if (p < 0).any():
        i = int(np.argmax(p < 0))
        raise ValueError(f"{name} must be non-negative, got {float(p[i])!r} at index {i}")
    total = float(p.sum())
    if abs(total - 1.0) > PROB_SUM_TOLERANCE:
        raise ValueError(f"{name} must sum to 1 (within {PROB_SUM_TOLERANCE}), got sum {total!r}")
    return p


def rank_by_probability(p: np.ndarray) -> np.ndarray:
    """Ids of ``p`` (V,) ordered by probability, highest first, equal probabilities by id.

    The one ranking of the course: top-k, top-p, the candidates of a selection and the
    tables of the prediction trace all use it, so their tie rules agree."""
    return np.lexsort((np.arange(p.size), -p))  # (V,)


def _keep_only(p: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``p`` (V,) with every id outside ``ids`` set to 0, renormalised to sum to 1."""
    out = np.zeros_like(p)  # (V,)
    out[ids] = p[ids]
    return out / out.sum()


def greedy(logits: object) -> int:
    """The id with the largest logit; among equal largest logits, the lowest id."""
    x = check_array("logits", logits, ndim=1, kind="f", finite=True)
    if x.size == 0:
        raise ValueError("logits must contain at least one score, got an empty array")
    return int(np.argmax(x))  # np.argmax returns the first maximum


def top_k_filter(probs: object, k: int) -> np.ndarray:
    """Keep exactly the ``k`` most likely tokens and renormalise; returns a new (V,) array.

    Ties at the k-th probability are broken by id: the lowest ids are kept, so exactly k
    tokens survive (some of them may have probability 0 if fewer than k are non-zero).
    With k >= V every token is kept.
    """
    p = check_probs(probs)
    k = check_int("k", k, minimum=1)
    return _top_k(p, k)


def _top_k(p: np.ndarray, k: int) -> np.ndarray:
    """:func:`top_k_filter` on an already checked (V,) distribution."""
    return _keep_only(p, rank_by_probability(p)[:k])


def top_p_filter(probs: object, p: float) -> np.ndarray:
    """Keep the smallest most-likely set of tokens whose total probability reaches ``p``.

    Tokens are ranked by probability (highest first, ties by lowest id) and the shortest
    prefix whose cumulative sum is >= p is kept, then renormalised. Boundary: a cumulative
    sum equal to p (within ``TOP_P_TOLERANCE`` = 1e-9, to absorb rounding) stops the prefix,
    so p = 0.8 on (0.5, 0.3, 0.2) keeps 2 tokens. The most likely token is always kept;
    p = 1 keeps every token (no filtering, only renormalisation). p must be in (0, 1].
    """
    dist = check_probs(probs)
    p = check_float("p", p, minimum=0.0, min_inclusive=False, maximum=1.0)
    return _top_p(dist, p)


def _top_p(dist: np.ndarray, p: float) -> np.ndarray:
    """:func:`top_p_filter` on an already checked (V,) distribution and p in (0, 1]."""
    if p == 1.0:  # the tolerance below must not cut tails of probability < 1e-9
        return dist / dist.sum()
    order = rank_by_probability(dist)  # (V,)
    mass = np.cumsum(dist[order]) / dist.sum()  # (V,) cumulative mass of the ranked prefix
    n_keep = int(np.searchsorted(mass, p - TOP_P_TOLERANCE, side="left")) + 1
    return _keep_only(dist, order[: min(n_keep, dist.size)])


def _draw(p: np.ndarray, u: float) -> int:
    """Inverse CDF: the first id of ``p`` (V,) whose cumulative sum exceeds ``u * total``."""
    cdf = np.cumsum(p)  # (V,)
    i = int(np.searchsorted(cdf, u * cdf[-1], side="right"))
    if i >= p.size:  # u * total rounded up to the total: take the last possible id
        i = int(np.flatnonzero(p > 0)[-1])
    return i


def inverse_cdf(probs: object, u: float) -> int:
    """The id that the uniform number ``u`` in [0, 1) picks from ``probs`` (V,): the first
    whose cumulative probability exceeds ``u`` times the total. ``sample_from`` is this with
    ``u = rng.random()``."""
    p = check_probs(probs)
    u = check_float("u", u, minimum=0.0, maximum=1.0, max_inclusive=False)
    return _draw(p, u)


def sample_from(probs: object, rng: np.random.Generator) -> int:
    """Draw one id from ``probs`` (V,) by inverse CDF with exactly one ``rng.random()`` call.

    With u uniform in [0, 1), the chosen id is the first whose cumulative probability
    exceeds u (times the total, to absorb rounding). Ids with probability 0 are never chosen.
    """
    p = check_probs(probs)
    rng = check_rng("rng", rng)
    return _draw(p, rng.random())


@dataclass(frozen=True, eq=False)
class Selection:
    """One next-token choice, with everything needed to show how it was made."""

    token_id: int  # the chosen id
    method: str  # "greedy" or "sample"
    temperature: float  # the temperature the logits were divided by
    top_k: int | None  # top-k cut used, or None
    top_p: float | None  # top-p cut used, or None
    probs: np.ndarray  # (V,) the final distribution the choice was made from
    raw_probs: np.ndarray  # (V,) softmax of the logits at temperature 1 (the model's view)
    # up to n_candidates (id, raw_prob, prob) rows, ranked by raw_prob (ties by id)
    candidates: tuple[tuple[int, float, float], ...] = field(default=())
    draw: float | None = None  # the uniform number u used by "sample"; None for greedy

    def to_dict(self) -> dict:
        """JSON-ready description (the full distributions as lists)."""
        return {
            "token_id": self.token_id, "method": self.method,
            "temperature": self.temperature, "top_k": self.top_k, "top_p": self.top_p,
            "draw": self.draw,
            "candidates": [{"id": i, "raw_prob": r, "prob": q} for i, r, q in self.candidates],
            "probs": self.probs.tolist(), "raw_probs": self.raw_probs.tolist(),
        }

    def __str__(self) -> str:
        head = (f"chose id {self.token_id} by {self.method} (T={self.temperature:g}, "
                f"top_k={self.top_k}, top_p={self.top_p}"
                + (f", u={self.draw:.4f})" if self.draw is not None else ")"))
        rows = [f"  id {i:>6}  raw {r:.4f}  final {q:.4f}" + ("  <-" if i == self.token_id else "")
                for i, r, q in self.candidates]
        return "\n".join([head, *rows])


def select_next(logits: object, config: SamplingConfig, rng: np.random.Generator,
                n_candidates: int = 10) -> Selection:
    """Choose the next token id from one position's logits (V,).

    Steps: softmax(logits / temperature) -> top-k filter -> top-p filter -> choose. "sample"
    draws from the final distribution with one ``rng.random()``; "greedy" takes its most
    likely id (lowest id among ties) and does not touch ``rng``. ``n_candidates`` sets how
    many of the model's most likely ids are listed in ``Selection.candidates``.
    """
    x = check_array("logits", logits, ndim=1, kind="f", finite=True).astype(np.float64)
    if x.size == 0:
        raise ValueError("logits must contain at least one score, got an empty array")
    if not isinstance(config, SamplingConfig):
        raise TypeError(f"config must be a SamplingConfig, got {type(config).__name__}")
    rng = check_rng("rng", rng)
    n_candidates = check_int("n_candidates", n_candidates, minimum=0)
    raw = softmax(x)  # (V,) float64
    probs = softmax(x, temperature=config.temperature)  # (V,)
    # The config was validated when it was built; softmax output is a valid distribution.
    if config.top_k is not None:
        probs = _top_k(probs, config.top_k)
    if config.top_p is not None:
        probs = _top_p(probs, config.top_p)
    if config.method == "greedy":
        token, u = int(np.argmax(probs)), None  # first maximum = lowest id among ties
    else:
        u = float(rng.random())
        token = _draw(probs, u)
    top = rank_by_probability(raw)[:n_candidates] if n_candidates else ()
    candidates = tuple((int(i), float(raw[i]), float(probs[i])) for i in top)
    return Selection(token_id=token, method=config.method, temperature=config.temperature,
                     top_k=config.top_k, top_p=config.top_p, probs=probs, raw_probs=raw,
                     candidates=candidates, draw=u)
