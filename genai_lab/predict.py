"""The prediction trace: what each of the five layers did for one input, from the real pass.

``prediction_trace(model, tokenizer, "The sun rises")`` runs ONE forward pass with the
model's recorder and keeps what it recorded, so the trace shows the computation itself:

1. Input tokenization   text -> tokens -> ids ([CLS] + words, no [SEP]: the text goes on)
2. Embedding layer      token vectors (T, C) + position vectors (T, C) = x0 (T, C)
3. Neural network       per block: attention weights (H, T, T), hidden activations' stats
4. Softmax activation   softmax of the last position's logits: the next-word probabilities,
                        exactly the model's output (no re-computation with other code)
5. Word selection       ``select_next`` on those logits: method, parameters, chosen word

Shapes: T tokens in the input, C = n_embd, H heads, F = mlp_ratio * C, V vocabulary.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from genai_lab.checks import check_int, check_str
from genai_lab.display.palette import COLORS
from genai_lab.display.table import Table, to_jsonable
from genai_lab.generate import DEFAULT_SAMPLING, check_model_and_tokenizer
from genai_lab.sampling import SamplingConfig, Selection, rank_by_probability, select_next
from genai_lab.softmax import softmax

#: How many embedding dimensions the trace shows (the first ones; the rest are elided).
SHOWN_DIMS = 6


def _stats(name: str, arr: np.ndarray) -> tuple:
    """(name, shape, mean, std, min, max) of one activation array."""
    a = np.asarray(arr, dtype=np.float64)
    return (name, tuple(int(s) for s in arr.shape), float(a.mean()), float(a.std()),
            float(a.min()), float(a.max()))


@dataclass
class LayerRecord:
    """What one of the five layers did: a title, a sentence, tables and raw values."""

    number: int  # 1..5
    name: str  # e.g. "Embedding layer"
    summary: str  # one sentence saying what happened, with the real numbers
    tables: list[Table] = field(default_factory=list)  # how it renders
    values: dict[str, Any] = field(default_factory=dict)  # the numbers, JSON-safe

    def to_dict(self) -> dict:
        return {"number": self.number, "name": self.name, "summary": self.summary,
                "tables": [t.to_dict() for t in self.tables],
                "values": to_jsonable(self.values)}


@dataclass
class PredictionTrace:
    """The five-layer record of one next-word prediction."""

    text: str  # the input text
    tokens: list[str]  # [CLS] + the input's tokens
    ids: list[int]  # their ids
    layers: list[LayerRecord]  # the five layers, in order
    recorder: dict = field(repr=False)  # everything the forward pass recorded (batch of 1)
    probs: np.ndarray = field(repr=False)  # (V,) softmax of the last logits, the model's output
    selection: Selection = field(repr=False)  # what select_next did
    vocab: list[str] = field(repr=False)  # id -> token, to label candidates

    @property
    def chosen(self) -> str:
        return self.vocab[self.selection.token_id]

    def top(self, k: int = 10) -> list[tuple[str, float]]:
        """The k most likely next tokens and their probabilities (ties by lowest id)."""
        k = check_int("k", k, minimum=1)
        order = rank_by_probability(self.probs)[:k]
        return [(self.vocab[i], float(self.probs[i])) for i in order]

    # -- renderings --
    def __str__(self) -> str:
        out = [f"Prediction trace for {self.text!r}"]
        for layer in self.layers:
            out.append("")
            out.append(f"Layer {layer.number}: {layer.name}")
            out.append(layer.summary)
            for t in layer.tables:
                out.append(str(t))
        return "\n".join(out)

    def _repr_html_(self) -> str:
        parts = [f"<h4>Prediction trace for <code>{html.escape(self.text)}</code></h4>"]
        for layer in self.layers:
            parts.append(f"<h5>Layer {layer.number}: {html.escape(layer.name)}</h5>"
                         f"<p>{html.escape(layer.summary)}</p>")
            parts.extend(t._repr_html_() for t in layer.tables)
        return "<div class=\"genai-lab-prediction-trace\">" + "".join(parts) + "</div>"

    def to_dict(self) -> dict:
        """JSON-safe form: the input and the five layers (their tables and values)."""
        return {"text": self.text, "tokens": list(self.tokens), "ids": list(self.ids),
                "chosen": self.chosen, "layers": [layer.to_dict() for layer in self.layers]}

    # -- figures --
    def plot_attention(self, block: int = 0):
        """Heat maps of one block's attention weights, one panel per head (2 x 2 for 4 heads).

        Row t, column s: how much position t reads from position s (rows sum to 1). Cells
        above the diagonal are masked (a position cannot read the future): they are drawn
        light grey and hatched, so a masked cell never looks like a weight of 0. Colour map
        'cividis' (readable with colour-vision deficiencies); every cell carries its value.
        """
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch, Rectangle

        n_blocks = len(self.recorder["blocks"])
        block = check_int("block", block, minimum=0, maximum=n_blocks - 1)
        att = self.recorder["blocks"][block]["attn_weights"][0]  # (H, T, T)
        H, T, _ = att.shape
        cols = 2 if H <= 4 else 4
        rows = -(-H // cols)
        size = max(3.0, 0.42 * T + 1.6)
        fig = Figure(figsize=(size * cols + 1.0, size * rows + 0.8), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
        image = None
        for h, ax in enumerate(axes):
            if h >= H:
                ax.axis("off")
                continue
            image = ax.imshow(np.ma.masked_where(np.triu(np.ones((T, T), bool), 1), att[h]),
                              cmap="cividis", vmin=0.0, vmax=1.0)
            for i in range(T):
                for j in range(i + 1, T):       # the masked (future) cells
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="#dddddd",
                                           edgecolor="#999999", hatch="///", linewidth=0))
            ax.set_xticks(range(T), self.tokens, rotation=60, ha="right", fontsize=8)
            ax.set_yticks(range(T), self.tokens, fontsize=8)
            ax.set_title(f"head {h}", fontsize=10)
            ax.grid(False)
            if T <= 12:
                for i in range(T):
                    for j in range(i + 1):
                        w = float(att[h, i, j])
                        ax.text(j, i, f"{w:.2f}", ha="center", va="center", fontsize=6.5,
                                color="black" if w > 0.5 else "white")
        fig.suptitle(f"Attention weights of block {block} (row: position reading, "
                     f"column: position read)", fontsize=10)
        if image is not None:
            fig.colorbar(image, ax=list(axes[:H]), shrink=0.7, label="attention weight")
            fig.legend(handles=[Patch(facecolor="#dddddd", edgecolor="#999999", hatch="///",
                                      label="masked: a later position (never read)")],
                       loc="outside lower center", fontsize=8, frameon=False)
        return fig

    def attention_alt(self, block: int = 0) -> str:
        """Alt text for ``plot_attention(block)``: what the last position reads most, per head."""
        block = check_int("block", block, minimum=0, maximum=len(self.recorder["blocks"]) - 1)
        att = self.recorder["blocks"][block]["attn_weights"][0]      # (H, T, T)
        parts = []
        for h in range(att.shape[0]):
            j = int(np.argmax(att[h, -1]))
            parts.append(f"head {h}: {self.tokens[j]} at position {j} ({att[h, -1, j]:.2f})")
        return (f"{att.shape[0]} heat maps, one per attention head of block {block}, each "
                f"{att.shape[1]} by {att.shape[2]} with the tokens {', '.join(self.tokens)} as "
                f"row and column labels and the weight written in each cell. Cells above the "
                f"diagonal are grey and hatched: masked, no position reads a later one. The "
                f"last position ({self.tokens[-1]}) reads most from: " + "; ".join(parts) + ".")

    def plot_softmax(self, top: int = 10):
        """Bar chart of the ``top`` most likely next tokens (the model's own probabilities).

        The chosen token's bar is hatched and labelled "chosen", so it stands out without
        relying on colour.
        """
        from matplotlib.figure import Figure

        top = check_int("top", top, minimum=1)
        pairs = self.top(top)
        words = [w for w, _ in pairs]
        probs = [p for _, p in pairs]
        fig = Figure(figsize=(max(4.0, 0.6 * len(words) + 1.5), 3.4), layout="constrained")
        ax = fig.subplots()
        bars = ax.bar(range(len(words)), probs, color=COLORS["train"], edgecolor="black")
        for bar, word in zip(bars, words):
            if word == self.chosen:
                bar.set_hatch("//")
                bar.set_facecolor(COLORS["highlight"])
                ax.annotate("chosen", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                            ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(words)), words, rotation=45, ha="right")
        ax.set_ylim(0, min(1.0, max(probs) * 1.2 + 0.02))
        ax.set_ylabel("probability")
        ax.set_title(f"Next token after {self.text!r}: top {len(words)} of {self.probs.size}")
        ax.grid(axis="y", alpha=0.3)
        return fig


# ----------------------------------------------------------------------------- layers
def _layer_tokenization(text, tokens, ids) -> LayerRecord:
    table = Table("Tokens", ("position", "token", "id"),
                  [(i, t, n) for i, (t, n) in enumerate(zip(tokens, ids))])
    return LayerRecord(1, "Input tokenization",
                       f"{text!r} becomes {len(ids)} tokens: [CLS] marks the start, and no "
                       f"[SEP] is added because the model must continue the text.",
                       [table], {"text": text, "tokens": list(tokens), "ids": list(ids)})


def _layer_embedding(rec, tokens) -> LayerRecord:
    tok = rec["tok_emb"][0]  # (T, C)
    pos = rec["pos_emb"]     # (T, C)
    x0 = rec["x0"][0]        # (T, C)
    T, C = x0.shape
    d = min(SHOWN_DIMS, C)
    more = f" ... ({C} dims)" if C > d else ""

    def vec(v: np.ndarray) -> str:
        return "[" + ", ".join(f"{x:+.3f}" for x in v[:d]) + more + "]"

    table = Table(f"Vectors (first {d} of {C} dimensions)",
                  ("position", "token", "token vector", "position vector", "sum = input x0"),
                  [(i, tokens[i], vec(tok[i]), vec(pos[i]), vec(x0[i])) for i in range(T)])
    return LayerRecord(2, "Embedding layer",
                       f"Each of the {T} ids selects a row of the token table and each "
                       f"position a row of the position table; their sum is a ({T}, {C}) "
                       f"matrix, one {C}-number vector per token.",
                       [table], {"shape": [T, C], "shown_dims": d,
                                 "token_vectors": tok[:, :d], "position_vectors": pos[:, :d],
                                 "sum": x0[:, :d]})


def _layer_network(rec, tokens) -> LayerRecord:
    T = len(tokens)
    tables, values = [], {"blocks": []}
    for b, blk in enumerate(rec["blocks"]):
        att = blk["attn_weights"][0]  # (H, T, T)
        H = att.shape[0]
        last = att[:, -1, :]  # (H, T) what the last position reads, per head
        tables.append(Table(f"Block {b}: attention of the last position ({tokens[-1]!r})",
                            ("head",) + tuple(f"{i}:{t}" for i, t in enumerate(tokens)),
                            [(h,) + tuple(round(float(w), 3) for w in last[h])
                             for h in range(H)],
                            caption="How much the last token reads from each position "
                                    "(each row sums to 1)."))
        stats = [_stats("attention weights", blk["attn_weights"][0]),
                 _stats("attention output", blk["attn_out"][0]),
                 _stats("MLP hidden (after GELU)", blk["mlp_hidden"][0]),
                 _stats("block output", blk["out"][0])]
        tables.append(Table(f"Block {b}: activations", ("array", "shape", "mean", "std",
                                                        "min", "max"), stats))
        values["blocks"].append({"attention": att, "attention_last": last,
                                 "stats": [dict(zip(("name", "shape", "mean", "std", "min",
                                                     "max"), s)) for s in stats]})
    n = len(rec["blocks"])
    H = rec["blocks"][0]["attn_weights"].shape[1]
    return LayerRecord(3, "Neural network layers",
                       f"{n} transformer blocks, each with {H} attention heads that mix "
                       f"information between positions (a position reads only itself and "
                       f"earlier ones) and an MLP that transforms every position on its own.",
                       tables, values)


def _layer_softmax(probs, vocab, top, last_logits) -> LayerRecord:
    order = rank_by_probability(probs)[:top]
    rows = [(rank + 1, vocab[i], int(i), float(last_logits[i]), float(probs[i]))
            for rank, i in enumerate(order)]
    covered = float(probs[order].sum())
    return LayerRecord(4, "Softmax activation",
                       f"The last position's {probs.size} scores become probabilities that "
                       f"sum to 1; the top {len(rows)} hold {100 * covered:.1f}% of the mass.",
                       [Table("Most likely next tokens", ("rank", "token", "id", "logit",
                                                          "probability"), rows)],
                       {"top": [{"token": r[1], "id": r[2], "logit": r[3], "prob": r[4]}
                                for r in rows]})


def _layer_selection(sel: Selection, vocab) -> LayerRecord:
    word = vocab[sel.token_id]
    off = lambda value: "off" if value is None else f"{value:g}"  # noqa: E731
    how = (f"{sel.method}, temperature {sel.temperature:g}, top-k {off(sel.top_k)}, "
           f"top-p {off(sel.top_p)}")
    if sel.method == "greedy":
        detail = "greedy takes the most likely token"
    else:
        detail = (f"sampling drew u = {sel.draw:.4f} from the filtered distribution, where "
                  f"{word!r} has probability {float(sel.probs[sel.token_id]):.3f}")
    rows = [(vocab[i], raw, final, "<- chosen" if i == sel.token_id else "")
            for i, raw, final in sel.candidates]
    return LayerRecord(5, "Word selection", f"Chose {word!r} ({how}): {detail}.",
                       [Table("Candidates: model probability and after temperature/top-k/top-p",
                              ("token", "model", "final", ""), rows)],
                       {"method": sel.method, "temperature": sel.temperature,
                        "top_k": sel.top_k, "top_p": sel.top_p, "draw": sel.draw,
                        "token_id": sel.token_id, "token": word,
                        "prob": float(sel.probs[sel.token_id])})


# ------------------------------------------------------------------------------ entry
def prediction_trace(model, tokenizer, text: str, sampling: SamplingConfig | None = None,
                     seed: int = 0, top: int = 10) -> PredictionTrace:
    """Follow ``text`` through the model's five layers and choose the next token.

    sampling: how layer 5 chooses (default: ``generate.DEFAULT_SAMPLING``); its randomness
    comes from ``np.random.default_rng(seed)``. ``top``: candidates shown in layers 4-5.
    The input is ``[CLS]`` + the text's tokens, cropped to the last ``block_size`` tokens;
    an empty text predicts the first word of a sentence.
    """
    check_model_and_tokenizer(model, tokenizer)
    text = check_str("text", text)
    seed = check_int("seed", seed, minimum=0)
    top = check_int("top", top, minimum=1)
    if sampling is None:
        sampling = DEFAULT_SAMPLING
    if not isinstance(sampling, SamplingConfig):
        raise TypeError(f"sampling must be a SamplingConfig or None, got "
                        f"{type(sampling).__name__}")
    ids = tokenizer.encode(text)[:-1][-model.config.block_size:]  # [CLS] + words, no [SEP]
    vocab = [tokenizer.id_to_token(i) for i in range(tokenizer.vocab_size)]
    tokens = [vocab[i] for i in ids]
    recorder: dict = {}
    logits = model.forward(np.array(ids, dtype=np.int64)[None, :], recorder=recorder)  # (1, T, V)
    last = logits[0, -1]                  # (V,) the scores for the next token
    probs = softmax(last)                 # (V,) the model's output distribution
    sel = select_next(last, sampling, np.random.default_rng(seed), n_candidates=top)
    layers = [_layer_tokenization(text, tokens, ids),
              _layer_embedding(recorder, tokens),
              _layer_network(recorder, tokens),
              _layer_softmax(probs, vocab, top, last),
              _layer_selection(sel, vocab)]
    return PredictionTrace(text=text, tokens=tokens, ids=list(ids), layers=layers,
                           recorder=recorder, probs=probs, selection=sel, vocab=vocab)
