"""Stage 4, training: teach the transformer to predict the next word, and record how it went.

The data are encoded sentences, one per row, right-padded with [PAD] (id 0)::

    seq     = [CLS] the sun rises .  [SEP] [PAD] [PAD]
    inputs  = [CLS] the sun rises .  [SEP] [PAD]          seq[:-1]
    targets = the   sun rises .  [SEP] [PAD] [PAD]        seq[1:]

At every position the model sees the inputs up to there and must predict the target.
Targets that are [PAD] are ignored, so the loss counts exactly one prediction per word
(punctuation included) plus one for [SEP] — the same predictions that
``Grammar.entropy_per_token()`` counts. That entropy is the *floor*: no model can do
better on average than the uncertainty of the language itself.

``train`` runs epochs x minibatches of Adam steps and returns a ``TrainingTrace``: one
``EpochRecord`` per epoch (train loss, validation loss, next-word accuracy, seconds and an
observation sentence derived from those numbers) plus three reference levels:

* ``ln V``: the loss of guessing uniformly among V tokens (an untrained model),
* the bigram baseline: a model that only knows which word follows which (``bigram_baseline``),
* the entropy floor of the grammar.

``default_model()`` trains the course's default model once and caches it on disk.
"""
from __future__ import annotations

import hashlib
import contextlib
import json
import math
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from genai_lab.checks import check_array, check_float, check_int
from genai_lab.model import TransformerLM
from genai_lab.optim import Adam, AdamConfig
from genai_lab.softmax import log_softmax
from genai_lab.display.table import Table

# Okabe-Ito colours: distinguishable with every common form of colour blindness.
_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#E69F00", "#009E73", "#555555"


# ------------------------------------------------------------------------ configuration
LR_SCHEDULES = ("constant", "cosine")


def learning_rate(step: int, total: int, base: float, schedule: str = "cosine",
                  min_fraction: float = 0.1) -> float:
    """The learning rate of Adam step ``step`` (0-based) out of ``total``.

    "constant" is always ``base``. "cosine" follows half a cosine from ``base`` at step 0
    down to ``min_fraction * base`` at the last step: big steps while the loss is far from
    its minimum, small ones at the end to settle into it.
    """
    if schedule == "constant" or total <= 1:
        return base
    progress = step / (total - 1)  # 0 .. 1
    low = min_fraction * base
    return low + 0.5 * (base - low) * (1.0 + math.cos(math.pi * progress))


@dataclass
class TrainConfig:
    """How to train (and, for ``default_model``, which corpus to train on)."""

    epochs: int = 5  # passes over the training split; 5 reach the floor at the default size
    batch_size: int = 32  # sentences per Adam step: small enough for many steps per epoch
    seed: int = 0  # seeds the minibatch shuffling (and the corpus and split in default_model)
    val_fraction: float = 0.1  # share of the corpus held out to measure validation loss
    n_samples: int = 10000  # sentences in the default corpus (used by default_model only)
    adam: AdamConfig = field(default_factory=AdamConfig)  # optimiser settings (lr 3e-3, clip 1)
    lr_schedule: str = "cosine"  # "cosine": lr falls from adam.lr to min_lr_fraction * adam.lr
    #                              over all steps (fine steps at the end); "constant": adam.lr
    min_lr_fraction: float = 0.1  # the cosine schedule's final lr, as a share of adam.lr
    progress: bool = True  # show a tqdm progress bar (a widget in Jupyter, text in a terminal)
    eval_batch_size: int = 500  # sentences per forward pass when measuring validation loss
    blas_threads: int | None = 1  # BLAS threads while training: the matrices are small, so
    #                               one thread is faster (8-12x on a busy 2-core machine) and
    #                               gives the same numbers on every machine; None: no limit

    def __post_init__(self) -> None:
        check_int("epochs", self.epochs, minimum=1)
        check_int("batch_size", self.batch_size, minimum=1)
        check_int("seed", self.seed, minimum=0)
        check_float("val_fraction", self.val_fraction, minimum=0.0, maximum=1.0,
                    min_inclusive=False, max_inclusive=False)
        check_int("n_samples", self.n_samples, minimum=2)
        check_int("eval_batch_size", self.eval_batch_size, minimum=1)
        if self.blas_threads is not None:
            check_int("blas_threads", self.blas_threads, minimum=1)
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, "
                             f"got {self.lr_schedule!r}")
        check_float("min_lr_fraction", self.min_lr_fraction, minimum=0.0, maximum=1.0)
        if not isinstance(self.adam, AdamConfig):
            raise TypeError(f"adam must be an AdamConfig, got {type(self.adam).__name__}")
        if not isinstance(self.progress, bool):
            raise TypeError(f"progress must be True or False, got {self.progress!r}")

    def to_dict(self) -> dict:
        """JSON-safe form (nested AdamConfig as a dict)."""
        return asdict(self)


# ------------------------------------------------------------------------------- data
def split_inputs_targets(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, L) padded sequences -> inputs (N, L-1) = ids[:, :-1], targets (N, L-1) = ids[:, 1:]."""
    return ids[:, :-1], ids[:, 1:]


def _crop(ids: np.ndarray, pad_id: int) -> np.ndarray:
    """Drop the trailing columns that are [PAD] in every row: (N, L) -> (N, L'), L' <= L."""
    real = (ids != pad_id).any(axis=0)  # (L,) True where some row has a real token
    last = int(np.flatnonzero(real)[-1]) + 1 if real.any() else 1
    return ids[:, : max(last, 2)]


def _check_ids(name: str, ids: object, vocab_size: int) -> np.ndarray:
    arr = check_array(name, ids, ndim=2, kind="i")
    if arr.shape[0] == 0 or arr.shape[1] < 2:
        raise ValueError(f"{name} must hold at least one sequence of >= 2 tokens, "
                         f"got shape {arr.shape}")
    if arr.min() < 0 or arr.max() >= vocab_size:
        raise ValueError(f"{name} holds ids outside 0..{vocab_size - 1} "
                         f"(min {int(arr.min())}, max {int(arr.max())})")
    return arr.astype(np.int64, copy=False)


# ------------------------------------------------------------------ bigram baseline
def bigram_baseline(train_ids: object, val_ids: object, vocab_size: int, pad_id: int = 0,
                    alpha: float = 0.1) -> float:
    """Cross-entropy per token (nats) of an add-alpha bigram model on the validation split.

    The bigram model predicts each target from the one token before it only:
    ``P(b | a) = (count(a, b) + alpha) / (count(a) + alpha * V)``, counted on ``train_ids``
    (N, L). It is measured on ``val_ids`` (M, L') exactly like the transformer's loss: every
    (input, target) pair whose target is not ``pad_id``, averaged. A model that beats this
    number must be using more than the previous word. ``alpha`` (default 0.1) gives unseen
    pairs a small probability so the loss stays finite.
    """
    vocab_size = check_int("vocab_size", vocab_size, minimum=1)
    pad_id = check_int("pad_id", pad_id)
    alpha = check_float("alpha", alpha, minimum=0.0, min_inclusive=False)
    train_arr = _check_ids("train_ids", train_ids, vocab_size)
    val_arr = _check_ids("val_ids", val_ids, vocab_size)
    counts = np.zeros((vocab_size, vocab_size), dtype=np.float64)  # (V, V) counts[a, b]
    x, y = split_inputs_targets(train_arr)  # (N, L-1) each
    keep = y != pad_id
    np.add.at(counts, (x[keep], y[keep]), 1.0)
    probs = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * vocab_size)  # (V, V)
    vx, vy = split_inputs_targets(val_arr)
    vkeep = vy != pad_id
    if not vkeep.any():
        raise ValueError("val_ids holds no target that is not padding")
    return float(-np.log(probs[vx[vkeep], vy[vkeep]]).mean())


# ------------------------------------------------------------------------ evaluation
def evaluate(model, ids: np.ndarray, pad_id: int = 0, batch_size: int = 500
             ) -> tuple[float, float]:
    """Mean next-token loss and accuracy of ``model`` on padded sequences ``ids`` (N, L).

    Both are averaged over every target that is not ``pad_id``; accuracy counts the
    positions where the most likely token (argmax of the logits) is the target.
    """
    if not isinstance(model, TransformerLM):
        raise TypeError(f"model must be a TransformerLM, got {type(model).__name__}")
    ids = _check_ids("ids", ids, model.config.vocab_size)
    pad_id = check_int("pad_id", pad_id)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    total_loss, total_right, total_n = 0.0, 0, 0
    for start in range(0, ids.shape[0], batch_size):
        chunk = _crop(ids[start:start + batch_size], pad_id)  # (b, L')
        x, y = split_inputs_targets(chunk)                   # (b, T) each
        logits = model.forward(x)                            # (b, T, V)
        keep = y != pad_id                                   # (b, T)
        logp = log_softmax(logits[keep].astype(np.float64))  # (n, V)
        target = y[keep]                                     # (n,)
        total_loss += float(-logp[np.arange(target.size), target].sum())
        total_right += int((logp.argmax(axis=-1) == target).sum())
        total_n += int(target.size)
    if total_n == 0:
        raise ValueError("ids holds no target that is not padding")
    return total_loss / total_n, total_right / total_n


# ------------------------------------------------------------------------ observation
#: How close (relative) to the floor counts as "at the floor", and to the bigram as "at it".
NEAR_FLOOR = 0.05
NEAR_BIGRAM = 0.05
#: Below this share of ln V the model has clearly moved away from uniform guessing.
BELOW_UNIFORM = 0.9


def observe(val_loss: float, ln_vocab: float, bigram: float | None = None,
            floor: float | None = None, previous: float | None = None) -> str:
    """One sentence saying what a validation loss means, judged against the reference levels.

    The levels, from worst to best: ``ln_vocab`` (uniform guessing), ``bigram`` (knows which
    word follows which), ``floor`` (the language's own uncertainty). ``previous`` is the
    validation loss of the epoch before, if any. The sentence is chosen by the numbers alone.
    """
    v = check_float("val_loss", val_loss, minimum=0.0)
    ln_v = check_float("ln_vocab", ln_vocab, minimum=0.0)
    if floor is not None and v <= floor * (1 + NEAR_FLOOR):
        text = (f"Model produces fluent and relevant text: loss {v:.3f} is within "
                f"{100 * (v / floor - 1):.1f}% of the entropy floor {floor:.3f}")
    elif bigram is not None and v < bigram * (1 - NEAR_BIGRAM):
        text = (f"Model uses the whole sentence: loss {v:.3f} is below the bigram "
                f"baseline {bigram:.3f}")
        if floor is not None:
            text += f" ({100 * (v / floor - 1):.0f}% above the floor)"
    elif bigram is not None and v <= bigram * (1 + NEAR_BIGRAM):
        text = (f"Model has learned which words follow which (bigram level): loss {v:.3f} "
                f"vs bigram {bigram:.3f}")
    elif v < BELOW_UNIFORM * ln_v:
        text = (f"Model starts learning basic word patterns: loss {v:.3f} is below "
                f"uniform guessing ln V = {ln_v:.3f}")
    else:
        text = (f"Model is still guessing almost uniformly: loss {v:.3f} vs "
                f"ln V = {ln_v:.3f}")
    if previous is not None and v > previous:
        text += (f"; validation loss rose from {previous:.3f}: overfitting or a too "
                 f"large learning rate")
    return text + "."


# ------------------------------------------------------------------------------ trace
@dataclass
class EpochRecord:
    """What one epoch of training did."""

    epoch: int  # 1-based epoch number
    train_loss: float  # mean loss per target token over the epoch's minibatches, measured
    #                    while the weights changed (so usually a bit above val_loss at the end)
    val_loss: float  # loss on the validation split after the epoch
    accuracy: float  # share of validation targets that are the model's top prediction
    seconds: float  # wall-clock time of the epoch (training and validation)
    observation: str  # what the numbers mean, from ``observe``
    steps: int = 0  # Adam steps taken in the epoch
    tokens: int = 0  # target tokens trained on in the epoch
    lr: float = 0.0  # learning rate of the epoch's last step


@dataclass
class TrainingTrace:
    """The record of a training run: one EpochRecord per epoch plus the reference levels."""

    epochs: list[EpochRecord]
    ln_vocab: float  # loss of uniform guessing, ln V
    initial_val_loss: float  # validation loss before the first step
    initial_val_accuracy: float  # validation accuracy before the first step
    bigram: float | None = None  # bigram baseline on the same split, if computed
    floor: float | None = None  # entropy floor of the grammar, if known
    config: dict = field(default_factory=dict)  # the TrainConfig as a dict

    # -- derived numbers --
    @property
    def final_val_loss(self) -> float:
        return self.epochs[-1].val_loss if self.epochs else self.initial_val_loss

    @property
    def final_over_floor(self) -> float | None:
        """Final validation loss / entropy floor (1.0 would be perfect), or None."""
        return None if not self.floor else self.final_val_loss / self.floor

    @property
    def total_seconds(self) -> float:
        return float(sum(e.seconds for e in self.epochs))

    # -- renderings --
    def table(self) -> Table:
        rows = [(0, "", self.initial_val_loss, self.initial_val_accuracy, "",
                 observe(self.initial_val_loss, self.ln_vocab, self.bigram, self.floor))]
        rows += [(e.epoch, round(e.train_loss, 4), round(e.val_loss, 4),
                  round(e.accuracy, 4), round(e.seconds, 1), e.observation)
                 for e in self.epochs]
        return Table("Training trace", ("epoch", "train loss", "val loss", "val accuracy",
                                        "seconds", "observation"), rows,
                     caption=self.summary())

    def summary(self) -> str:
        """One line with the reference levels and the final/floor ratio."""
        parts = [f"ln V = {self.ln_vocab:.3f}"]
        if self.bigram is not None:
            parts.append(f"bigram baseline = {self.bigram:.3f}")
        if self.floor is not None:
            parts.append(f"entropy floor = {self.floor:.3f}")
        ratio = self.final_over_floor
        if ratio is not None:
            parts.append(f"final val loss / floor = {ratio:.3f}")
        parts.append(f"{self.total_seconds:.1f} s in total")
        return "Epoch 0 is the untrained model. " + ", ".join(parts) + "."

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def to_dict(self) -> dict:
        """JSON-safe form; ``from_dict`` reads it back."""
        return {"epochs": [asdict(e) for e in self.epochs], "ln_vocab": self.ln_vocab,
                "initial_val_loss": self.initial_val_loss,
                "initial_val_accuracy": self.initial_val_accuracy,
                "bigram": self.bigram, "floor": self.floor,
                "final_over_floor": self.final_over_floor, "config": self.config}

    @classmethod
    def from_dict(cls, data: dict) -> "TrainingTrace":
        return cls(epochs=[EpochRecord(**e) for e in data["epochs"]],
                   ln_vocab=float(data["ln_vocab"]),
                   initial_val_loss=float(data["initial_val_loss"]),
                   initial_val_accuracy=float(data["initial_val_accuracy"]),
                   bigram=data.get("bigram"), floor=data.get("floor"),
                   config=dict(data.get("config", {})))

    def ascii_chart(self, width: int = 50, height: int = 12) -> str:
        """Validation (o) and training (*) loss per epoch as a text plot.

        The dashed line (-) is the entropy floor and the dotted line (.) the bigram
        baseline, when known; "@" marks a validation and a training loss in the same cell.
        The vertical range fits the trained epochs and the reference lines, so that their
        differences stay visible; the untrained model (epoch 0, about ln V) is drawn as "^"
        at the top when it lies above that range, and its value is printed. ``width`` and
        ``height`` are the size of the plotting area in characters.
        """
        width = check_int("width", width, minimum=10)
        height = check_int("height", height, minimum=4)
        xs = [0] + [e.epoch for e in self.epochs]
        val = [self.initial_val_loss] + [e.val_loss for e in self.epochs]
        tr = [None] + [e.train_loss for e in self.epochs]
        values = val[1:] + tr[1:] + [r for r in (self.floor, self.bigram) if r is not None]
        if not values:
            values = val
        lo, hi = min(values), max(values)
        if hi - lo < 1e-12:
            hi = lo + 1.0
        hi += 0.05 * (hi - lo)  # a little headroom above the highest point
        grid = [[" "] * width for _ in range(height)]

        def row_of(v: float) -> int:  # 0 is the top row (highest loss)
            return min(max(int(round((hi - v) / (hi - lo) * (height - 1))), 0), height - 1)

        def col_of(x: float) -> int:
            return int(round(x / max(xs[-1], 1) * (width - 1)))

        def put(v: float, x: int, mark: str) -> None:
            cell = grid[row_of(v)][col_of(x)]
            grid[row_of(v)][col_of(x)] = "@" if cell in ("o", "*") and cell != mark else mark

        for ref, ch in ((self.bigram, "."), (self.floor, "-")):
            if ref is not None:
                grid[row_of(ref)] = [ch if c == " " else c for c in grid[row_of(ref)]]
        for x, t in zip(xs[1:], tr[1:]):
            put(t, x, "*")
        for x, v in zip(xs[1:], val[1:]):
            put(v, x, "o")
        off_chart = self.initial_val_loss > hi
        grid[0 if off_chart else row_of(val[0])][0] = "^" if off_chart else "o"
        title = ("Loss (o validation, * training, @ both"
                 + (", - entropy floor" if self.floor is not None else "")
                 + (", . bigram baseline" if self.bigram is not None else "") + ")")
        lines = [title]
        if off_chart:
            lines.append(f"^ epoch 0 (untrained): {self.initial_val_loss:.3f}, above the chart")
        for r, cells in enumerate(grid):
            level = hi - r * (hi - lo) / (height - 1)
            label = f"{level:6.3f}" if r in (0, height - 1) or r == height // 2 else " " * 6
            lines.append(f"{label} |" + "".join(cells).rstrip())
        lines.append(" " * 7 + "+" + "-" * width)
        axis = [" "] * (width + 1)
        for x in xs:
            text = str(x)
            c = col_of(x)
            axis[c:c + len(text)] = list(text)
        lines.append(" " * 8 + "".join(axis).rstrip() + "   epoch")
        return "\n".join(lines)

    def alt_text(self) -> str:
        """What ``plot()`` shows, in words built from the same numbers (for alt text)."""
        text = (f"Validation loss falls from {self.initial_val_loss:.2f} (untrained) to "
                f"{self.final_val_loss:.2f} after {len(self.epochs)} epochs")
        if self.floor is not None:
            text += f", against an entropy floor of {self.floor:.2f}"
        if self.bigram is not None:
            text += f" and a bigram baseline of {self.bigram:.2f}"
        if self.epochs:
            text += (f"; next-word accuracy rises from {self.initial_val_accuracy:.2f} "
                     f"to {self.epochs[-1].accuracy:.2f}")
        return text + "."

    def plot(self):
        """A matplotlib Figure: loss (left) and validation accuracy (right) per epoch.

        Reference lines: the entropy floor (dashed) and the bigram baseline (dotted).
        Every series has its own marker and line style, so colour is never the only cue.
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 3.6), layout="constrained")
        ax_loss, ax_acc = fig.subplots(1, 2)
        xs = [0] + [e.epoch for e in self.epochs]
        ax_loss.plot(xs, [self.initial_val_loss] + [e.val_loss for e in self.epochs],
                     marker="o", color=_BLUE, label="validation loss")
        ax_loss.plot(xs[1:], [e.train_loss for e in self.epochs], marker="s",
                     linestyle="--", color=_ORANGE, label="training loss")
        if self.floor is not None:
            ax_loss.axhline(self.floor, color=_GREEN, linestyle="--", linewidth=1,
                            label=f"entropy floor {self.floor:.3f}")
        if self.bigram is not None:
            ax_loss.axhline(self.bigram, color=_GREY, linestyle=":", linewidth=1.5,
                            label=f"bigram baseline {self.bigram:.3f}")
        ax_loss.set_xlabel("epoch (0 = untrained)")
        ax_loss.set_ylabel("loss per token (nats)")
        ax_loss.set_title("Loss")
        ax_loss.legend(fontsize="small")
        ax_acc.plot(xs, [self.initial_val_accuracy] + [e.accuracy for e in self.epochs],
                    marker="^", color=_BLUE, label="validation accuracy")
        ax_acc.set_ylim(0, 1)
        ax_acc.set_xlabel("epoch (0 = untrained)")
        ax_acc.set_ylabel("next-word accuracy")
        ax_acc.set_title("Accuracy (top prediction = next word)")
        ax_acc.legend(fontsize="small")
        for ax in (ax_loss, ax_acc):
            ax.set_xticks(xs)
            ax.grid(alpha=0.3)
        return fig


# ------------------------------------------------------------------------------ train
def _blas_threads(n: int | None):
    """A context that limits BLAS to ``n`` threads (threadpoolctl), or does nothing."""
    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits
    return threadpool_limits(limits=n, user_api="blas")


def train(model, train_ids: object, val_ids: object, config: TrainConfig | None = None,
          tokenizer=None, grammar=None, baseline: float | None = None,
          on_epoch: Callable[[EpochRecord], Any] | None = None) -> TrainingTrace:
    """Train ``model`` in place on padded sequences and return the TrainingTrace.

    train_ids: (N, L) int array, val_ids: (M, L') int array, each row ``[CLS] w1..wn [SEP]``
    right-padded with [PAD]. Rows longer than ``block_size + 1`` tokens are rejected.
    ``tokenizer`` (optional) supplies the pad id (default 0); ``grammar`` (optional) supplies
    the entropy floor; ``baseline`` is the bigram baseline, computed here if None.
    Minibatches are shuffled by ``np.random.default_rng(config.seed)``. ``on_epoch``, if
    given, is called with each EpochRecord as soon as the epoch ends (e.g. to print it).
    """
    from tqdm.auto import tqdm

    if not isinstance(model, TransformerLM):
        raise TypeError(f"model must be a TransformerLM, got {type(model).__name__}")
    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got {type(config).__name__}")
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be a function or None, got {type(on_epoch).__name__}")
    vocab = model.config.vocab_size
    pad_id = 0 if tokenizer is None else tokenizer.pad_id
    train_arr = _crop(_check_ids("train_ids", train_ids, vocab), pad_id)  # (N, L)
    val_arr = _crop(_check_ids("val_ids", val_ids, vocab), pad_id)        # (M, L')
    for name, arr in (("train_ids", train_arr), ("val_ids", val_arr)):
        if arr.shape[1] - 1 > model.config.block_size:
            raise ValueError(f"{name} has sequences of {arr.shape[1]} tokens, but the model "
                             f"reads at most block_size + 1 = {model.config.block_size + 1}")
    if baseline is None:
        baseline = bigram_baseline(train_arr, val_arr, vocab, pad_id=pad_id)
    else:
        baseline = check_float("baseline", baseline, minimum=0.0)
    floor = float(grammar.entropy_per_token()) if grammar is not None else None
    ln_vocab = math.log(vocab)

    rng = np.random.default_rng(config.seed)
    optimizer = Adam(model.params, replace(config.adam))  # own copy: the lr is scheduled
    n = train_arr.shape[0]
    steps_per_epoch = math.ceil(n / config.batch_size)
    val0, acc0 = evaluate(model, val_arr, pad_id, config.eval_batch_size)
    trace = TrainingTrace(epochs=[], ln_vocab=ln_vocab, initial_val_loss=val0,
                          initial_val_accuracy=acc0, bigram=baseline, floor=floor,
                          config=config.to_dict())
    bar = tqdm(total=config.epochs * steps_per_epoch, desc="training", unit="step",
               disable=not config.progress)
    previous = val0
    with _blas_threads(config.blas_threads):
        try:
            for epoch in range(1, config.epochs + 1):
                start = time.perf_counter()
                order = rng.permutation(n)  # (N,) a new shuffle every epoch
                loss_sum, token_sum = 0.0, 0
                for s in range(steps_per_epoch):
                    optimizer.config.lr = learning_rate(
                        (epoch - 1) * steps_per_epoch + s, config.epochs * steps_per_epoch,
                        config.adam.lr, config.lr_schedule, config.min_lr_fraction)
                    batch = _crop(train_arr[order[s * config.batch_size:(s + 1) * config.batch_size]],
                                  pad_id)                       # (b, L_b)
                    x, y = split_inputs_targets(batch)          # (b, T) each
                    loss, grads = model.loss_and_grads(x, y, ignore_index=pad_id)
                    optimizer.step(grads)
                    n_tok = int((y != pad_id).sum())
                    loss_sum += loss * n_tok                    # token-weighted epoch mean
                    token_sum += n_tok
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{loss:.3f}", refresh=False)
                val_loss, val_acc = evaluate(model, val_arr, pad_id, config.eval_batch_size)
                seconds = time.perf_counter() - start
                trace.epochs.append(EpochRecord(
                    epoch=epoch, train_loss=loss_sum / token_sum, val_loss=val_loss,
                    accuracy=val_acc, seconds=seconds,
                    observation=observe(val_loss, ln_vocab, baseline, floor, previous),
                    steps=steps_per_epoch, tokens=token_sum, lr=optimizer.config.lr))
                previous = val_loss
                if on_epoch is not None:
                    on_epoch(trace.epochs[-1])
        finally:
            bar.close()
    return trace


# ------------------------------------------------------------ the course's default model
#: Source files of the model code; their contents are part of the cache key, so editing
#: any of them retrains instead of loading a stale model.
_MODEL_SOURCES = ("embedding.py", "layers.py", "model.py", "optim.py", "softmax.py",
                  "tokenizer.py")
#: Version of the training loop in this file (bump it when ``train`` or ``_prepare`` change
#: what is learned; display code can change without retraining the cached model).
TRAINING_VERSION = 1


@dataclass
class TrainedModel:
    """A trained model with everything needed to use and explain it."""

    model: Any  # the TransformerLM
    tokenizer: Any  # the WordTokenizer it was trained with
    trace: TrainingTrace  # how training went
    grammar: Any  # the Grammar that generated the corpus (for the floor and acceptance)
    config: TrainConfig  # how it was trained
    train_ids: np.ndarray  # (N, L) the training split, padded ids
    val_ids: np.ndarray  # (M, L) the validation split, padded ids
    path: Path | None = None  # the folder it was saved to or loaded from, if any

    def save(self, folder) -> Path:
        """Write the model to ``folder`` (created; replaced atomically if it exists).

        The folder holds ``model.npz`` (weights, GPTConfig, tokenizer, TrainConfig),
        ``trace.json`` (the TrainingTrace) and ``data.npz`` (the two splits).
        """
        from genai_lab.model import save_checkpoint

        if not isinstance(folder, (str, os.PathLike)):
            raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", suffix=".tmp", dir=folder.parent))
        try:
            save_checkpoint(tmp / "model.npz", self.model, self.tokenizer,
                            extra={"train_config": self.config.to_dict()})
            (tmp / "trace.json").write_text(json.dumps(self.trace.to_dict(), indent=1),
                                            encoding="utf-8")
            np.savez_compressed(tmp / "data.npz", train_ids=self.train_ids.astype(np.int32),
                                val_ids=self.val_ids.astype(np.int32))
            if folder.exists():  # replace: move the old folder away first, then delete it
                old = Path(tempfile.mkdtemp(prefix=folder.name + ".", suffix=".old",
                                            dir=folder.parent))
                os.replace(folder, old / "x")
                shutil.rmtree(old, ignore_errors=True)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.path = folder
        return folder


def load_trained(folder) -> TrainedModel:
    """Read a folder written by ``TrainedModel.save`` (or a cache entry of ``default_model``).

    The model was trained on the default corpus, so ``grammar`` is ``default_grammar()``.

    Raises ValueError naming the folder for a missing, incomplete or corrupt save.
    """
    from genai_lab.corpus import default_grammar
    from genai_lab.model import load_checkpoint
    from genai_lab.tokenizer import WordTokenizer

    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"no saved model at {str(folder)!r} (not a folder)")
    model, tok_dict, extra = load_checkpoint(folder / "model.npz")
    try:
        tokenizer = WordTokenizer.from_dict(tok_dict)
        adam = AdamConfig(**extra["train_config"].pop("adam"))
        config = TrainConfig(adam=adam, **extra["train_config"])
        trace = TrainingTrace.from_dict(
            json.loads((folder / "trace.json").read_text(encoding="utf-8")))
        with np.load(folder / "data.npz", allow_pickle=False) as data:
            train_ids = data["train_ids"].astype(np.int64)
            val_ids = data["val_ids"].astype(np.int64)
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{str(folder)!r} is not a complete saved model: "
                         f"{type(err).__name__}: {err}") from None
    return TrainedModel(model=model, tokenizer=tokenizer, trace=trace,
                        grammar=default_grammar(), config=config, train_ids=train_ids,
                        val_ids=val_ids, path=folder)


def _prepare(config: TrainConfig):
    """The default corpus, split and encoded: (grammar, tokenizer, texts, train_ids, val_ids)."""
    from genai_lab.corpus import default_corpus, default_grammar
    from genai_lab.data import train_val_split
    from genai_lab.tokenizer import WordTokenizer

    grammar = default_grammar()
    texts = default_corpus(n_samples=config.n_samples, seed=config.seed)
    train_texts, val_texts = train_val_split(texts, val_fraction=config.val_fraction,
                                             seed=config.seed)
    tokenizer = WordTokenizer().train(train_texts)
    # Pad to the longest sentence: nothing is truncated, so the loss sees whole sentences.
    length = max(len(tokenizer.encode(t)) for t in texts)
    train_ids = tokenizer.encode_batch(train_texts, seq_len=length)  # (N, L)
    val_ids = tokenizer.encode_batch(val_texts, seq_len=length)      # (M, L)
    return grammar, tokenizer, texts, train_ids, val_ids


def train_default(config: TrainConfig | None = None, save=None,
                  on_epoch: Callable[[EpochRecord], Any] | None = None,
                  gpt_config=None) -> TrainedModel:
    """Train a fresh model on the default corpus (no cache) and optionally save it to ``save``.

    ``gpt_config`` defaults to ``GPTConfig(vocab_size=<the tokenizer's>)``; the model's
    weights are seeded with ``config.seed``.
    """
    from genai_lab.model import GPTConfig

    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got {type(config).__name__}")
    grammar, tokenizer, _, train_ids, val_ids = _prepare(config)
    gpt = GPTConfig(vocab_size=tokenizer.vocab_size) if gpt_config is None else gpt_config
    if gpt.vocab_size != tokenizer.vocab_size:
        raise ValueError(f"gpt_config.vocab_size is {gpt.vocab_size} but the tokenizer has "
                         f"{tokenizer.vocab_size} tokens")
    if train_ids.shape[1] - 1 > gpt.block_size:
        raise ValueError(f"the corpus has sentences of {train_ids.shape[1]} tokens; "
                         f"block_size must be at least {train_ids.shape[1] - 1}")
    model = TransformerLM(gpt, seed=config.seed)
    trace = train(model, train_ids, val_ids, config, tokenizer=tokenizer, grammar=grammar,
                  on_epoch=on_epoch)
    trained = TrainedModel(model=model, tokenizer=tokenizer, trace=trace, grammar=grammar,
                           config=config, train_ids=train_ids, val_ids=val_ids)
    if save is not None:
        trained.save(save)
    return trained


def cache_key(gpt_config, config: TrainConfig, texts: list[str]) -> str:
    """Hex digest identifying a trained default model: configs, corpus and model code."""
    import genai_lab

    here = Path(__file__).parent
    settings = config.to_dict()
    settings.pop("progress")  # showing a bar does not change the model
    h = hashlib.sha256()
    h.update(json.dumps({"training": TRAINING_VERSION, "gpt": gpt_config.to_dict(),
                         "train": settings,
                         "version": getattr(genai_lab, "__version__", "")},
                        sort_keys=True).encode())
    h.update("\n".join(texts).encode("utf-8"))
    for name in _MODEL_SOURCES:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def resolve_cache_dir(cache_dir=None) -> Path:
    """The cache folder: the argument, else $GENAI_LAB_CACHE, else ~/.cache/genai-lab."""
    if cache_dir is not None:
        if not isinstance(cache_dir, (str, os.PathLike)):
            raise TypeError(f"cache_dir must be a str, os.PathLike or None, "
                            f"got {type(cache_dir).__name__}")
        return Path(cache_dir)
    env = os.environ.get("GENAI_LAB_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "genai-lab"


def default_model(cache_dir=None, progress: bool = False,
                  config: TrainConfig | None = None) -> TrainedModel:
    """The course's trained model: trained once on the default corpus, then loaded from disk.

    The cache entry is a folder ``default-<key>`` (see ``TrainedModel.save``) under
    ``cache_dir`` (else $GENAI_LAB_CACHE, else ~/.cache/genai-lab), where the key hashes
    the GPTConfig, the TrainConfig, the corpus text and the model code. An entry that cannot
    be read is trained again (with a warning) and replaced. ``progress`` shows a progress
    bar while training.
    """
    from genai_lab.model import GPTConfig

    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got {type(config).__name__}")
    root = resolve_cache_dir(cache_dir)
    grammar, tokenizer, texts, train_ids, val_ids = _prepare(config)
    gpt = GPTConfig(vocab_size=tokenizer.vocab_size)
    folder = root / f"default-{cache_key(gpt, config, texts)[:20]}"
    if folder.exists():
        try:
            return load_trained(folder)
        except ValueError as err:
            warnings.warn(f"retraining the default model: the cache entry is unusable ({err})",
                          RuntimeWarning, stacklevel=2)
    model = TransformerLM(gpt, seed=config.seed)
    run = replace(config, progress=progress)
    trace = train(model, train_ids, val_ids, run, tokenizer=tokenizer, grammar=grammar)
    trace.config = config.to_dict()
    trained = TrainedModel(model=model, tokenizer=tokenizer, trace=trace, grammar=grammar,
                           config=config, train_ids=train_ids, val_ids=val_ids)
    trained.save(folder)
    return trained
