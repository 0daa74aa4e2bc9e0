"""Explanatory diagrams drawn by code: what the arrays and loops of a GPT-style model look like.

Every function draws one diagram from values the caller passes in (token ids from the
course tokenizer, a slice of the embedding table, the model's sizes, a generated text), so
a diagram never shows a number nobody computed. This module is part of the display leaf:
it imports nothing from the pipeline. Each returns a :class:`FigureWithAlt` (PNG plus alt
text built from the same values), or ``(Figure, alt)`` with ``as_figure=True``.

* :func:`input_target_shift` - "predict the next token" as two arrays, inputs and targets
* :func:`embedding_lookup`   - a one-hot row times the embedding matrix picks one row
* :func:`transformer_block`  - residual stream, layer norm, attention, MLP
* :func:`qkv_heads`          - queries, keys and values from one matrix product, per head
* :func:`causal_mask`        - which position may read which, and the weights if given
* :func:`training_loop`      - forward, loss, backward, step
* :func:`generation_loop`    - predict, choose, append, repeat
"""
from __future__ import annotations

import textwrap
from typing import Sequence

import numpy as np
from matplotlib.patches import Rectangle

from genai_lab.checks import check_array, check_float, check_int, check_str
from genai_lab.display.drawing import (BLACK, BLUE, GREEN, NEUTRALS, ORANGE, PURPLE,
                                       VERMILLION, WEIGHT_CMAP, arrow, box, canvas,
                                       check_tokens, cycle, finish, signed)


# ------------------------------------------------------------------ 1. inputs and targets
def input_target_shift(tokens: Sequence[str], ids: Sequence[int], *, pad_token: str = "[PAD]",
                       as_figure: bool = False):
    """One encoded sentence as the model's inputs ``seq[:-1]`` and targets ``seq[1:]``.

    ``tokens`` and ``ids`` (the same length, 3 to 14) come from the tokenizer. Position t
    of the inputs is asked to predict position t of the targets, the token after it;
    targets equal to ``pad_token`` are drawn hatched: the loss skips them.
    """
    tokens = check_tokens("tokens", tokens, minimum=3, maximum=14)
    ids = check_array("ids", list(ids), ndim=1, kind="i").tolist()
    if len(ids) != len(tokens):
        raise ValueError(f"tokens and ids must have the same length, got {len(tokens)} and "
                         f"{len(ids)}")
    check_str("pad_token", pad_token)
    n, left = len(tokens), 3.2
    fig, ax = canvas(left + n * 1.25 + 0.3, 7.6)
    rows = (("sequence", tokens, ids, 0, 5.8, BLACK), ("inputs = seq[:-1]", tokens[:-1],
            ids[:-1], 0, 3.5, BLUE), ("targets = seq[1:]", tokens[1:], ids[1:], 1, 0.8, ORANGE))
    for label, toks, tids, _, y, color in rows:
        ax.text(left - 0.25, y + 0.55, label, ha="right", va="center", fontsize=9.5,
                color=BLACK, fontweight="bold")
        for t, (tok, tid) in enumerate(zip(toks, tids)):
            ignored = label.startswith("targets") and tok == pad_token
            x = left + t * 1.25
            box(ax, x, y, 1.1, 1.1, "", edge=NEUTRALS[3] if ignored else color,
                face=NEUTRALS[1] if ignored else "#ffffff", hatch="///" if ignored else None)
            ax.text(x + 0.55, y + 0.72, tok, ha="center", va="center", fontsize=8)
            ax.text(x + 0.55, y + 0.3, str(tid), ha="center", va="center", fontsize=7.5,
                    color=BLACK, family="monospace")
            if ignored:
                ax.text(x + 0.55, y - 0.12, "ignored\nby the loss", ha="center", va="top",
                        fontsize=7)
    for t in range(n - 1):
        x = left + t * 1.25 + 0.55
        arrow(ax, (x, 3.45), (x, 1.95), color=BLACK, lw=1.1)
    ax.text(left + (n - 1) * 1.25 / 2, 2.7, "each input position predicts the target below "
            "it: the next token", ha="center", va="center", fontsize=8.5,
            bbox=dict(facecolor="#ffffff", edgecolor="none", pad=1))
    for t in range(n):  # position numbers under the sequence row
        ax.text(left + t * 1.25 + 0.55, 5.55, f"t={t}", ha="center", va="top", fontsize=7)
    ignored = sum(tok == pad_token for tok in tokens[1:])
    pairs = "; ".join(f"{a} -> {b}" for a, b in zip(tokens[:-1], tokens[1:]))
    alt = (f"Three rows of token boxes with their ids. The sequence has {n} tokens. Inputs are "
           f"the first {n - 1}, targets the last {n - 1}, shifted one place left, so each input "
           f"predicts the token after it: {pairs}.")
    if ignored:
        alt += f" {ignored} target(s) are {pad_token}, drawn hatched: the loss ignores them."
    return finish(fig, alt, as_figure)


# ------------------------------------------------------------------ 2. embedding lookup
def embedding_lookup(matrix, row: int, row_labels: Sequence[str], *,
                     full_shape: tuple[int, int] | None = None, as_figure: bool = False):
    """A one-hot row vector times the embedding matrix: the product is one row of it.

    ``matrix``: (V', C') a slice of the real table (up to 8 x 8), ``row``: the token's row in
    that slice, ``row_labels``: V' token names. ``full_shape`` = the whole table's (V, C).
    """
    mat = check_array("matrix", matrix, ndim=2)
    v, c = mat.shape
    if not (2 <= v <= 8 and 1 <= c <= 8):
        raise ValueError(f"matrix must be 2..8 rows x 1..8 columns, got shape {mat.shape}")
    row = check_int("row", row, minimum=0, maximum=v - 1)
    labels = check_tokens("row_labels", row_labels, minimum=v, maximum=v)
    one_hot = np.zeros(v)
    one_hot[row] = 1.0
    result = one_hot @ mat  # (C',) exactly mat[row]
    ch, ow, cw, gap, lab = 0.8, 0.8, 1.35, 1.0, 1.5  # cell height, widths, gaps
    width = 0.3 + v * ow + gap + lab + 2 * c * cw + gap + 0.8
    fig, ax = canvas(width, v * ch + 2.6, inches_per_unit=0.42)
    top = v * ch + 0.9                    # top edge of the matrix
    y = top - (row + 1) * ch              # the highlighted row: one-hot and result sit level
    for i in range(v):
        hit = i == row
        box(ax, 0.3 + i * ow, y, ow, ch, f"{one_hot[i]:.0f}", edge=ORANGE if hit else BLACK,
            face=NEUTRALS[1] if hit else "#ffffff", round_=False, bold=hit,
            lw=2.4 if hit else 0.8)
        ax.text(0.3 + (i + 0.5) * ow, y - 0.12, labels[i], rotation=60, ha="right", va="top",
                fontsize=7.5)
    ax.text(0.3 + v * ow / 2, y + ch + 0.2, f"one-hot of {labels[row]!r}\n(1 x {v})",
            ha="center", va="bottom", fontsize=8.5)
    xm = 0.3 + v * ow + gap + lab
    ax.text(xm - lab - gap / 2, y + ch / 2, "×", ha="center", va="center", fontsize=16)
    for i in range(v):
        hit = i == row
        yi = top - (i + 1) * ch
        ax.text(xm - 0.15, yi + ch / 2, labels[i], ha="right", va="center", fontsize=8,
                fontweight="bold" if hit else "normal")
        for j in range(c):
            box(ax, xm + j * cw, yi, cw, ch, signed(mat[i, j]),
                edge=ORANGE if hit else BLACK, face=NEUTRALS[1] if hit else "#ffffff",
                round_=False, size=8, bold=hit, lw=2.4 if hit else 0.6)
    shape = f"{full_shape[0]} x {full_shape[1]}" if full_shape else f"{v} x {c}"
    ax.text(xm + c * cw / 2, top + 0.2, f"embedding matrix\n(shown: {v} x {c} of {shape})",
            ha="center", va="bottom", fontsize=8.5)
    xr = xm + c * cw + gap
    ax.text(xr - gap / 2, y + ch / 2, "=", ha="center", va="center", fontsize=16)
    for j in range(c):
        box(ax, xr + j * cw, y, cw, ch, signed(result[j]), edge=ORANGE, round_=False,
            size=8, lw=2.4, bold=True)
    ax.text(xr + c * cw / 2, y + ch + 0.2, f"the row of {labels[row]!r}:\nits vector (1 x {c})",
            ha="center", va="bottom", fontsize=8.5)
    values = ", ".join(signed(x) for x in result)
    alt = (f"A one-hot row vector of length {v} with a single 1 at {labels[row]!r} "
           f"times a {v} by {c} slice of the embedding matrix ({shape} in full) gives exactly "
           f"the row of {labels[row]!r}: [{values}]. Looking up a token's vector and multiplying "
           f"by a one-hot vector are the same operation.")
    return finish(fig, alt, as_figure)


# ------------------------------------------------------------------ 3. a transformer block
def transformer_block(n_embd: int, n_head: int, mlp_ratio: int = 4, *,
                      as_figure: bool = False):
    """One pre-layer-norm block: ``x = x + attn(ln1(x))``, then ``x = x + mlp(ln2(x))``.

    The residual stream runs from bottom to top; each branch reads a normalised copy of it
    and adds its result back. Sizes are the model's (``GPTConfig``): C = ``n_embd``.
    """
    c = check_int("n_embd", n_embd, minimum=1)
    h = check_int("n_head", n_head, minimum=1)
    r = check_int("mlp_ratio", mlp_ratio, minimum=1)
    if c % h:
        raise ValueError(f"n_embd ({c}) must be divisible by n_head ({h})")
    fig, ax = canvas(12.0, 14.0, inches_per_unit=0.48)
    xs, xb, wb = 3.0, 5.6, 5.6  # the stream's x; the branch boxes' left edge and width
    ax.plot([xs, xs], [1.4, 12.6], color=BLACK, lw=4, solid_capstyle="butt")
    arrow(ax, (xs, 12.2), (xs, 13.0), lw=4)
    ax.text(xs, 1.2, f"x: (B, T, C), C = {c}\nfrom the embeddings or the block below",
            ha="center", va="top", fontsize=8.5)
    ax.text(xs, 13.1, "to the next block (or the final layer norm)", ha="center",
            va="bottom", fontsize=8.5)
    branches = ((1.8, "layer norm 1", f"causal self-attention\n{h} heads of {c // h} "
                 f"dimensions\n(B, T, C) -> (B, T, C)", BLUE, "x = x + attn(ln1(x))"),
                (7.0, "layer norm 2", f"MLP: C -> {r}C = {r * c}, GELU,\n{r * c} -> C\n"
                 f"(B, T, C) -> (B, T, C)", GREEN, "x = x + mlp(ln2(x))"))
    for y0, ln, body, color, formula in branches:
        xc = xb + wb / 2
        ax.plot([xs, xc, xc], [y0, y0, y0 + 0.5], color=BLACK, lw=1.4)   # copy out
        box(ax, xb + 0.8, y0 + 0.5, wb - 1.6, 0.8, ln, edge=ORANGE, lw=2, size=9)
        arrow(ax, (xc, y0 + 1.3), (xc, y0 + 1.7))
        box(ax, xb, y0 + 1.7, wb, 1.9, body, edge=color, lw=2.4, size=9)
        ax.plot([xc, xc, xs + 0.33], [y0 + 3.6, y0 + 4.2, y0 + 4.2], color=BLACK, lw=1.4)
        arrow(ax, (xs + 0.8, y0 + 4.2), (xs + 0.33, y0 + 4.2))
        ax.add_patch(Rectangle((xs - 0.33, y0 + 3.87), 0.66, 0.66, facecolor="#ffffff",
                               edgecolor=BLACK, lw=1.6, zorder=3))
        ax.text(xs, y0 + 4.2, "+", ha="center", va="center", fontsize=15, fontweight="bold",
                zorder=4)
        ax.text(xs + 0.6, y0 + 4.4, formula, ha="left", va="bottom", fontsize=8.5,
                family="monospace")
    ax.text(xs - 0.4, 4.0, "residual stream", ha="right", va="center", fontsize=9,
            fontweight="bold", rotation=90)
    params = 2 * 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * r * c + r * c) + (r * c * c + c)
    alt = (f"Diagram of one transformer block. A thick vertical line, the residual stream of "
           f"shape (B, T, C) with C = {c}, runs from the bottom to the top. Two branches leave "
           f"it: layer norm 1 then causal self-attention with {h} heads of {c // h} dimensions, "
           f"whose output is added back to the stream; then layer norm 2 then an MLP "
           f"({c} -> {r * c} with GELU -> {c}), added back too. The block has {params} "
           f"parameters.")
    return finish(fig, alt, as_figure)


# ------------------------------------------------------------ 4. queries, keys and values
def qkv_heads(n_embd: int, n_head: int, seq_len: int, *, as_figure: bool = False):
    """``x @ w_qkv`` gives Q, K and V side by side; each is cut into ``n_head`` heads.

    x: (T, C) times w_qkv: (C, 3C) -> (T, 3C) = [Q | K | V], each (T, C) = ``n_head``
    slices of (T, C / n_head). Widths are drawn to scale.
    """
    c = check_int("n_embd", n_embd, minimum=1)
    h = check_int("n_head", n_head, minimum=1, maximum=16)
    t = check_int("seq_len", seq_len, minimum=1)
    if c % h:
        raise ValueError(f"n_embd ({c}) must be divisible by n_head ({h})")
    d = c // h
    s = 13.5 / (7 * c)            # data units per dimension: x, w_qkv and qkv side by side
    th = max(min(t * s, 3.0), 0.8)  # height of a (T, .) block, kept readable
    fig, ax = canvas(17.0, 5.1, inches_per_unit=0.46)
    y = 2.75
    box(ax, 0.3, y, c * s, th, "x", edge=BLACK, round_=False, size=10)
    ax.text(0.3 + c * s / 2, y - 0.2, f"(T, C)\n= ({t}, {c})", ha="center", va="top",
            fontsize=8)
    ax.text(0.3 + c * s + 0.35, y + th / 2, "@", ha="center", va="center", fontsize=13)
    xw = 0.3 + c * s + 0.7
    box(ax, xw, y + th / 2 - c * s / 2, 3 * c * s, c * s, "w_qkv", edge=BLACK, round_=False,
        size=10, face=NEUTRALS[1])
    ax.text(xw + 1.5 * c * s, y + th / 2 - c * s / 2 - 0.2, f"(C, 3C) = ({c}, {3 * c})",
            ha="center", va="top", fontsize=8)
    ax.text(xw + 3 * c * s + 0.35, y + th / 2, "=", ha="center", va="center", fontsize=13)
    xq = xw + 3 * c * s + 0.7
    hatches = (None, "..", "//")
    for k, (name, color) in enumerate((("Q", BLUE), ("K", ORANGE), ("V", GREEN))):
        x0 = xq + k * c * s
        for i in range(h):
            ax.add_patch(Rectangle((x0 + i * d * s, y), d * s, th, facecolor="#ffffff",
                                   edgecolor=color, lw=1.8, hatch=hatches[k]))
            if h <= 8:
                ax.text(x0 + (i + 0.5) * d * s, y + th + 0.15, f"h{i}", ha="center",
                        va="bottom", fontsize=7)
        ax.text(x0 + c * s / 2, y + th + 0.75, f"{name}: (T, C)", ha="center", va="bottom",
                fontsize=9.5, fontweight="bold", color=BLACK)
    ax.text(xq + 1.5 * c * s, y - 0.2, f"(T, 3C) = ({t}, {3 * c})\nqueries | keys | values,"
            f"\neach cut into {h} heads of {d}", ha="center", va="top", fontsize=8)
    ax.text(0.3, 0.85, f"head i reads its own {d} columns of Q, K and V:  "
            r"$\mathrm{softmax}(Q_i K_i^{\top} / \sqrt{" + str(d) + r"} + \mathrm{mask})\,V_i$"
            f"  ->  (T, {d})", ha="left", va="center", fontsize=8.5)
    ax.text(0.3, 0.3, f"the {h} head outputs side by side give (T, C) = ({t}, {c}) again",
            ha="left", va="center", fontsize=8.5)
    alt = (f"Diagram of one matrix product. x, shape ({t}, {c}), times w_qkv, shape ({c}, "
           f"{3 * c}), gives a ({t}, {3 * c}) array drawn as three blocks side by side: queries "
           f"Q, keys K and values V, each ({t}, {c}). Each block is cut into {h} slices of {d} "
           f"columns, one per head; head i computes softmax(Q_i K_i transposed / sqrt({d}) + "
           f"mask) times V_i, and the {h} head outputs are put side by side again.")
    return finish(fig, alt, as_figure)


# ------------------------------------------------------------------------ 5. causal mask
def causal_mask(tokens: Sequence[str], weights=None, *, as_figure: bool = False):
    """The (T, T) causal mask: row t (a query) may read columns 0..t (keys), never later.

    Without ``weights`` allowed cells are marked "read"; with ``weights`` ((T, T), e.g. one
    head's attention from the model) each allowed cell shows its weight, shaded white to
    blue. Masked cells are grey and hatched either way: they are not weights of 0 that the
    model chose, they are never computed (their score is replaced before the softmax).
    """
    tokens = check_tokens("tokens", tokens, minimum=1, maximum=12)
    t = len(tokens)
    masked = np.triu(np.ones((t, t), dtype=bool), k=1)  # (T, T) True above the diagonal
    if weights is not None:
        weights = check_array("weights", weights, ndim=2)
        if weights.shape != (t, t):
            raise ValueError(f"weights must have shape ({t}, {t}) to match tokens, got "
                             f"{weights.shape}")
        if (np.any(weights < 0) or np.any(np.abs(weights[masked]) > 1e-6)
                or not np.allclose(weights.sum(axis=1), 1.0, atol=1e-3)):
            raise ValueError("weights must be causal attention weights: >= 0, 0 above the "
                             "diagonal, each row summing to 1")
    fig, ax = canvas(t + 3.4, t + 2.4, inches_per_unit=min(0.6, 6.0 / (t + 3.4)))
    x0, y_top = 2.6, t + 0.6
    for i in range(t):          # row i: the position that reads (query)
        for j in range(t):      # column j: the position being read (key)
            x, y = x0 + j, y_top - i - 1
            if masked[i, j]:
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor=NEUTRALS[2], hatch="xx",
                                       edgecolor=NEUTRALS[3], lw=0.8))
                continue
            if weights is None:
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor="#ffffff", edgecolor=BLACK,
                                       lw=0.8))
                ax.text(x + 0.5, y + 0.5, "read", ha="center", va="center", fontsize=7)
            else:
                w = float(weights[i, j])
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor=WEIGHT_CMAP(w),
                                       edgecolor=BLACK, lw=0.8))
                ax.text(x + 0.5, y + 0.5, f"{w:.2f}", ha="center", va="center", fontsize=7.5,
                        color="#ffffff" if w > 0.6 else BLACK)
        ax.text(x0 - 0.15, y_top - i - 0.5, f"{i} {tokens[i]}", ha="right", va="center",
                fontsize=8)
    for j in range(t):
        ax.text(x0 + j + 0.5, y_top + 0.1, f"{j} {tokens[j]}", ha="left", va="bottom",
                fontsize=8, rotation=45)
    ax.text(x0 - 0.15, y_top + 0.15, "query\n(reads)", ha="right", va="bottom", fontsize=8,
            fontweight="bold")
    ax.text(x0 + t / 2, y_top - t - 0.25, "key (is read)   |   grey hatched: masked, "
            "never read", ha="center", va="top", fontsize=8)
    n_masked = int(masked.sum())
    alt = (f"A {t} by {t} grid; rows are the positions that read ({', '.join(tokens)}), "
           f"columns the positions read. Row t may read columns 0 to t only: the {n_masked} "
           f"cells above the diagonal are grey and hatched, masked.")
    if weights is not None:
        best = [tokens[int(np.argmax(weights[i]))] for i in range(t)]
        alt += (" The allowed cells show attention weights, each row summing to 1; the "
                "token each position reads most: " + ", ".join(
                    f"{tokens[i]} -> {b}" for i, b in enumerate(best)) + ".")
    return finish(fig, alt, as_figure)


# ---------------------------------------------------------------------- 6. training loop
def training_loop(*, batch_shape: tuple[int, int] | None = None, vocab_size: int | None = None,
                  loss: float | None = None, lr: float | None = None,
                  grad_clip: float | None = None, as_figure: bool = False):
    """One training step as a cycle: forward -> loss -> backward -> Adam step -> forward.

    The optional values (from the training run and its config) are written into the boxes:
    ``batch_shape`` (B, T) of the inputs, ``vocab_size`` V, a measured ``loss``, the
    learning rate ``lr`` and the gradient-norm limit ``grad_clip``.
    """
    b_t = "(B, T)" if batch_shape is None else "({}, {})".format(
        *[check_int("batch_shape", n, minimum=1) for n in batch_shape])
    v = "V" if vocab_size is None else str(check_int("vocab_size", vocab_size, minimum=2))
    loss_s = "" if loss is None else f"\nhere: {check_float('loss', loss, minimum=0):.3f}"
    lr_s = "" if lr is None else f", learning rate {check_float('lr', lr, minimum=0):g}"
    clip_s = "" if grad_clip is None else (
        f"clip the gradient norm to {check_float('grad_clip', grad_clip, minimum=0):g},\nthen ")
    logits = "(B, T, {})".format(v) if batch_shape is None else b_t[:-1] + f", {v})"
    step = clip_s + "move each weight against\nits gradient, rescaled per\nweight" + lr_s
    boxes = [(f"1 forward\ninputs {b_t} -> logits\n{logits}", BLUE),
             (f"2 loss\nmean of -log p(target)\nover the batch's tokens{loss_s}", VERMILLION),
             ("3 backward\ngradient of the loss\nfor every weight", PURPLE),
             ("4 step (Adam)\n" + step, GREEN)]
    fig, ax = canvas(16.0, 9.6, inches_per_unit=0.45)
    cycle(ax, boxes, centre=(8.0, 4.8), radius=3.0, w=4.8, h=2.0)
    ax.text(8.0, 4.8, "repeat for every\nbatch of sentences,\nepoch after epoch",
            ha="center", va="center", fontsize=9, style="italic")
    alt = (f"A cycle of four boxes joined by arrows. 1 forward: the inputs, shape {b_t}, go "
           f"through the model to logits of shape {logits}. 2 loss: the mean of minus the log "
           f"probability given to each target token{loss_s.replace(chr(10), ', ')}. "
           f"3 backward: the gradient of the loss for every weight. 4 step: Adam "
           f"{clip_s.replace('clip ', 'clips ').replace(chr(10), ' ')}moves each weight against its gradient, rescaled "
           f"per weight{lr_s}. Then the cycle repeats with the next batch.")
    return finish(fig, alt, as_figure)


# -------------------------------------------------------------------- 7. generation loop
def generation_loop(context_tokens: Sequence[str], new_tokens: Sequence[str] = (),
                    probabilities: Sequence[float] | None = None, *,
                    block_size: int | None = None, vocab_size: int | None = None,
                    sampling: str = "sample", as_figure: bool = False):
    """Writing text: predict the next token, choose one, append it, repeat.

    ``context_tokens`` is the prompt as tokens; ``new_tokens`` (optional) what one real
    generation appended, with each chosen token's ``probabilities``; ``sampling`` says how
    tokens were chosen (e.g. "sample, temperature 0.8, top-p 0.9").
    """
    context = check_tokens("context_tokens", context_tokens, minimum=1, maximum=10)
    new = check_tokens("new_tokens", new_tokens, minimum=0, maximum=10)
    if probabilities is not None:
        probs = [check_float(f"probabilities[{i}]", p, minimum=0, maximum=1)
                 for i, p in enumerate(probabilities)]
        if len(probs) != len(new):
            raise ValueError(f"probabilities must have one value per new token: got "
                             f"{len(probs)} for {len(new)} tokens")
    sampling = check_str("sampling", sampling, allow_empty=False)
    blk = "" if block_size is None else f" (at most the last {check_int('block_size', block_size, minimum=1)})"
    v = "V" if vocab_size is None else str(check_int("vocab_size", vocab_size, minimum=2))
    boxes = [(f"1 context\nthe tokens so far{blk.replace(' (', chr(10) + '(')}", BLACK),
             (f"2 model forward\nlogits of the next\ntoken: ({v},)", BLUE),
             ("3 softmax\nof logits / temperature:\nprobabilities", PURPLE),
             ("4 choose one token\n" + "\n".join(textwrap.wrap(sampling, 24)), ORANGE),
             ("5 append it\nto the context;\nstop at the end token", GREEN)]
    strip = bool(new)
    fig, ax = canvas(17.0, 12.0 if strip else 9.4, inches_per_unit=0.42)
    base = 2.8 if strip else 0.0
    cycle(ax, boxes, centre=(8.5, base + 4.7), radius=3.1, stretch=1.8)
    ax.text(8.5, base + 4.7, "one token\nper turn", ha="center", va="center", fontsize=9,
            style="italic")
    if strip:
        n = len(context) + len(new)
        w = min(1.5, 16.0 / n)
        x0 = 8.5 - n * w / 2
        for k, tok in enumerate(context + new):
            is_new = k >= len(context)
            box(ax, x0 + k * w + 0.05, 1.2, w - 0.1, 0.9, tok, edge=ORANGE if is_new else BLACK,
                size=8, lw=2.0 if is_new else 1.0,
                face="#ffffff" if is_new else NEUTRALS[1])
            if is_new and probabilities is not None:
                ax.text(x0 + k * w + w / 2, 1.05, f"p={probs[k - len(context)]:.2f}",
                        ha="center", va="top", fontsize=7.5)
        ax.text(8.5, 2.35, "grey: the prompt   |   orange border: chosen one by one",
                ha="center", va="bottom", fontsize=8.5)
    alt = (f"A cycle of five boxes joined by arrows: 1 the context{blk}; 2 the model's "
           f"forward pass gives logits of shape ({v},) for the next token; 3 softmax of the logits divided by the "
           f"temperature gives probabilities; 4 one token is chosen ({sampling}); 5 it is appended "
           f"to the context, and the loop repeats until the end token.")
    if strip:
        chosen = ", ".join(f"{tok}" + (f" (p={probs[i]:.2f})" if probabilities is not None
                                       else "") for i, tok in enumerate(new))
        alt += (f" Below, a real run: the prompt {' '.join(context)} followed by the "
                f"{len(new)} chosen tokens {chosen}.")
    return finish(fig, alt, as_figure)
