"""Stage 4, training: teach the transformer to predict the next word.

The data are encoded sentences, one per row, right-padded with [PAD] (id 0)::

    seq     = [CLS] the sun rises .  [SEP] [PAD] [PAD]
    inputs  = [CLS] the sun rises .  [SEP] [PAD]          seq[:-1]
    targets = the   sun rises .  [SEP] [PAD] [PAD]        seq[1:]

At every position the model sees the inputs up to there and must predict the target.
Targets that are [PAD] are ignored, so the loss counts exactly one prediction per word
(punctuation included) plus one for [SEP] — the same predictions that
``Grammar.entropy_per_token()`` counts. That entropy is the *floor*: no model can do
better on average than the uncertainty of the language itself.

``train`` runs epochs x minibatches of Adam steps, the learning rate following
``learning_rate``'s schedule, and returns a ``TrainingTrace`` (``genai_lab.record``). This
file knows nothing of the course's corpus or of the on-disk cache: ``genai_lab.pretrained``
prepares the default corpus and keeps the trained default model.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from genai_lab.checks import check_array, check_float, check_int
from genai_lab.model import TransformerLM
from genai_lab.optim import Adam, AdamConfig
from genai_lab.parallel import ShardedGradients
from genai_lab.milestones import SampleRecord, observe
from genai_lab.record import EpochRecord, TrainingTrace
from genai_lab.softmax import log_softmax


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


@dataclass(frozen=True)
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
    eval_batch_size: int = 100  # sentences per forward pass when measuring validation loss
    #                             (100 keeps the arrays in the CPU cache: 1.5x faster than 500)
    blas_threads: int | None = 1  # BLAS threads while training: the matrices are small, so
    #                               one thread is faster (8-12x on a busy 2-core machine) and
    #                               gives the same numbers on every machine; None: no limit
    shards: int = 2  # each batch is cut into this many row blocks whose gradients are added
    #                  (genai_lab.parallel); it fixes the arithmetic, whatever ``workers`` is
    workers: int | None = None  # processes computing the shards at once (the same numbers
    #                             for any count): None = one per shard when the machine has
    #                             CPUs to spare (Linux), else 1; 1 = all in this process

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
        check_int("shards", self.shards, minimum=1)
        if self.workers is not None:
            check_int("workers", self.workers, minimum=1)
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
def evaluate(model, ids: np.ndarray, pad_id: int = 0, batch_size: int = 100
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


# ------------------------------------------------------------------------------ train
def _blas_threads(n: int | None):
    """A context that limits BLAS to ``n`` threads (threadpoolctl), or does nothing."""
    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits
    return threadpool_limits(limits=n, user_api="blas")


def train(model, train_ids: object, val_ids: object, config: TrainConfig | None = None,
          tokenizer=None, grammar=None, baseline: float | None = None,
          on_epoch: Callable[[EpochRecord], Any] | None = None,
          on_step: Callable[[int, float, TransformerLM], Any] | None = None) -> TrainingTrace:
    """Train ``model`` in place on padded sequences and return the TrainingTrace.

    train_ids: (N, L) int array, val_ids: (M, L') int array, each row ``[CLS] w1..wn [SEP]``
    right-padded with [PAD]. Rows longer than ``block_size + 1`` tokens are rejected.
    ``tokenizer`` (optional) supplies the pad id (default 0); ``grammar`` (optional) supplies
    the entropy floor; ``baseline`` is the bigram baseline, computed here if None.
    Minibatches are shuffled by ``np.random.default_rng(config.seed)``. ``on_epoch``, if
    given, is called with each EpochRecord as soon as the epoch ends (e.g. to print it).
    ``on_step``, if given, is called as ``on_step(step, epoch, model)`` before the first
    step (0, 0.0) and after every step (steps taken, steps / steps per epoch); whatever
    ``SampleRecord`` it returns (e.g. ``genai_lab.generate.milestone_sampler``'s judged
    samples) goes into ``trace.samples``, and the one at an epoch's last step becomes that
    epoch's observation.
    """
    from tqdm.auto import tqdm

    if not isinstance(model, TransformerLM):
        raise TypeError(f"model must be a TransformerLM, got {type(model).__name__}")
    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got {type(config).__name__}")
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be a function or None, got {type(on_epoch).__name__}")
    if on_step is not None and not callable(on_step):
        raise TypeError(f"on_step must be a function or None, got {type(on_step).__name__}")
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
    optimizer = Adam(model.params, config.adam)  # the schedule passes each step its lr
    n = train_arr.shape[0]
    steps_per_epoch = math.ceil(n / config.batch_size)
    val0, acc0 = evaluate(model, val_arr, pad_id, config.eval_batch_size)
    trace = TrainingTrace(epochs=[], ln_vocab=ln_vocab, initial_val_loss=val0,
                          initial_val_accuracy=acc0, bigram=baseline, floor=floor,
                          config=config.to_dict())
    bar = tqdm(total=config.epochs * steps_per_epoch, desc="training", unit="step",
               disable=not config.progress)

    def call_on_step(step: int) -> str:
        """Run ``on_step`` at ``step``; record and describe any SampleRecord it returns."""
        sample = None if on_step is None else on_step(step, step / steps_per_epoch, model)
        if not isinstance(sample, SampleRecord):
            return ""
        trace.samples.append(sample)
        return observe(sample)

    call_on_step(0)
    # The batch's gradient is the sum of its shards' (genai_lab.parallel), computed by
    # ``workers`` processes at once; one process or two, the numbers are the same.
    with _blas_threads(config.blas_threads), \
            ShardedGradients(model, config.shards, config.workers) as sharded:
        try:
            for epoch in range(1, config.epochs + 1):
                start = time.perf_counter()
                order = rng.permutation(n)  # (N,) a new shuffle every epoch
                loss_sum, token_sum = 0.0, 0
                for s in range(steps_per_epoch):
                    lr = learning_rate(
                        (epoch - 1) * steps_per_epoch + s, config.epochs * steps_per_epoch,
                        config.adam.lr, config.lr_schedule, config.min_lr_fraction)
                    batch = _crop(train_arr[order[s * config.batch_size:(s + 1) * config.batch_size]],
                                  pad_id)                       # (b, L_b)
                    x, y = split_inputs_targets(batch)          # (b, T) each
                    loss, grads = sharded.loss_and_grads(x, y, ignore_index=pad_id)
                    optimizer.step(grads, lr=lr)
                    trace.step_losses.append(float(loss))
                    observation = call_on_step((epoch - 1) * steps_per_epoch + s + 1)
                    n_tok = int((y != pad_id).sum())
                    loss_sum += loss * n_tok                    # token-weighted epoch mean
                    token_sum += n_tok
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{loss:.3f}", refresh=False)
                # Validation loss, and the same measurement on as many training sentences:
                # the epoch's mean train loss averages a model that was improving, this one
                # does not. The two are measured at the same time when there are two workers.
                (val_loss, val_acc), (after, _) = sharded.map(evaluate, [
                    (val_arr, pad_id, config.eval_batch_size),
                    (train_arr[:val_arr.shape[0]], pad_id, config.eval_batch_size)])
                seconds = time.perf_counter() - start
                trace.epochs.append(EpochRecord(
                    epoch=epoch, train_loss=loss_sum / token_sum, val_loss=val_loss,
                    accuracy=val_acc, seconds=seconds,
                    observation=observation, steps=steps_per_epoch, tokens=token_sum,
                    lr=lr, train_loss_after=after))
                if on_epoch is not None:
                    on_epoch(trace.epochs[-1])
        finally:
            bar.close()
    return trace
