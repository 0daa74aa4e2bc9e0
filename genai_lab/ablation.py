"""Switching one attention head off, to measure what it does for a prediction.

A claim such as "this head carries the subject to the last position" is only as good as
the experiment behind it. ``without_head(model, block, head)`` returns a copy of the model
in which one head writes nothing: its value vectors are zero, so its weighted sum of
values is zero and the output projection receives nothing from it (the other heads, the
MLPs and every weight outside that head's value columns are unchanged). ``head_ablation``
runs the same input through every such copy and compares the next-token distributions.

Layout of the fused projection (``layers.attention_forward``): ``x @ w_qkv`` is (B, T, 3C),
read as (B, T, 3, H, D): queries, keys, values, each H heads of D columns. The value
columns of head h are therefore ``2C + h*D ... 2C + (h+1)*D``.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from genai_lab.checks import check_int, check_str
from genai_lab.display.table import Table
from genai_lab.generate import check_model_and_tokenizer
from genai_lab.sampling import rank_by_probability
from genai_lab.softmax import softmax


def value_columns(n_embd: int, n_head: int, head: int) -> slice:
    """The columns of ``w_qkv`` (and entries of ``b_qkv``) that make head ``head``'s values."""
    d = n_embd // n_head
    return slice(2 * n_embd + head * d, 2 * n_embd + (head + 1) * d)


def without_head(model, block: int, head: int):
    """A copy of ``model`` whose attention head ``head`` of block ``block`` is switched off.

    The original model is not changed; the copy shares every array except the two it
    zeroes (``h{block}.attn.w_qkv`` and ``h{block}.attn.b_qkv``, copied first).
    """
    cfg = model.config
    block = check_int("block", block, minimum=0, maximum=cfg.n_layer - 1)
    head = check_int("head", head, minimum=0, maximum=cfg.n_head - 1)
    cols = value_columns(cfg.n_embd, cfg.n_head, head)
    ablated = copy.copy(model)
    ablated.params = dict(model.params)
    for name in (f"h{block}.attn.w_qkv", f"h{block}.attn.b_qkv"):
        arr = model.params[name].copy()
        arr[..., cols] = 0
        ablated.params[name] = arr
    return ablated


def next_token_probs(model, ids: list[int]) -> np.ndarray:
    """(V,) the model's next-token distribution after ``ids`` (float64)."""
    logits = model.forward(np.asarray(ids, dtype=np.int64)[None, :])   # (1, T, V)
    return softmax(logits[0, -1].astype(np.float64))                   # (V,)


@dataclass(frozen=True)
class HeadEffect:
    """What switching one head off did to the prediction."""

    block: int
    head: int
    prob: float  # probability of the reference token with the head switched off
    top: str  # the most likely token with the head switched off
    distance: float  # total variation distance to the full model's distribution (0..1)


@dataclass(frozen=True)
class AblationReport:
    """The full model's prediction and the effect of switching off each head in turn."""

    text: str
    token: str  # the reference token: the full model's most likely next token
    prob: float  # its probability under the full model
    effects: tuple[HeadEffect, ...]

    def strongest(self) -> HeadEffect:
        """The head whose removal changes the distribution most (ties: first in order)."""
        return max(self.effects, key=lambda e: e.distance)

    def table(self) -> Table:
        rows = [(e.block, e.head, e.prob, e.top, e.distance) for e in self.effects]
        return Table(f"Switching one head off: the prediction after {self.text!r}",
                     ("block", "head", f"p({self.token})", "top token", "change (TV)"),
                     rows, caption=f"With every head on, p({self.token}) = {self.prob:.3f}. "
                                   "Change (TV) is the total variation distance between the "
                                   "two next-token distributions: 0 = identical, 1 = disjoint.")

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def __str__(self) -> str:
        return str(self.table())


def head_ablation(model, tokenizer, text: str) -> AblationReport:
    """Switch off each head of each block in turn and measure the next-token prediction.

    The input is read as in ``predict.prediction_trace``: [CLS] + the text's tokens, no
    [SEP], cropped to the model's block size.
    """
    check_model_and_tokenizer(model, tokenizer)
    text = check_str("text", text)
    ids = tokenizer.encode(text)[:-1][-model.config.block_size:]
    full = next_token_probs(model, ids)
    best = int(rank_by_probability(full)[0])
    effects = []
    for block in range(model.config.n_layer):
        for head in range(model.config.n_head):
            probs = next_token_probs(without_head(model, block, head), ids)
            effects.append(HeadEffect(
                block=block, head=head, prob=float(probs[best]),
                top=tokenizer.id_to_token(int(rank_by_probability(probs)[0])),
                distance=float(0.5 * np.abs(probs - full).sum())))
    return AblationReport(text=text, token=tokenizer.id_to_token(best),
                          prob=float(full[best]), effects=tuple(effects))
