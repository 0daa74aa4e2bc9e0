"""The pipeline trace: the course model's own five stages, each feeding the next.

``pipeline_trace`` follows the data the course model was trained on: the corpus (stage 1),
the model's word tokenizer turning the training split into a table of ids (stage 2), the
model's learned embedding tables turning those ids into vectors (stage 3), training
(stage 4: the vectors go through the transformer, and every weight, the embedding tables
included, is learned) and generation with the trained weights (stage 5). Every row's
output is the next row's input, and each row is recorded by the code that did the work
(a ``StageRecord``), shown as one ``Table``.

``scale_comparison`` puts the course model beside a BERT-base-sized one (10000 sentences
x 50 positions x 768 numbers, BERT's WordPiece ids with [CLS] = 101 and [SEP] = 102): what
that configuration would cost on this machine, estimated from parameter and FLOP counts and
the throughput measured while the course model trained. No stage of our model runs at that
size.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from genai_lab.checks import check_int, check_str
from genai_lab.corpus import default_corpus
from genai_lab.data import train_val_split
from genai_lab.display.table import Table, to_jsonable
from genai_lab.embedding import embedding_forward
from genai_lab.generate import DEFAULT_SAMPLING, generate
from genai_lab.model import GPTConfig
from genai_lab.pretrained import TrainedModel, default_model
from genai_lab.wordpiece import WordPieceTokenizer


# ------------------------------------------------------------------------- the record
@dataclass
class StageRecord:
    """What one pipeline stage did: recorded by the code that did it."""

    stage: int             # 1..5
    name: str              # "Data collection", ...
    operation: str         # what the code did, in words
    input_shape: tuple     # shape of what went in (the previous stage's output)
    output_shape: tuple    # shape of what came out
    example: str           # a real example of the output
    seconds: float         # wall-clock time the stage took


class PipelineTrace:
    """The five-stage pipeline of the course model, one row per stage that ran."""

    columns = ("stage", "name", "input shape", "operation", "output shape", "example")

    def __init__(self, config: dict) -> None:
        self.config = dict(config)
        self.stages: list[StageRecord] = []

    def record(self, stage: StageRecord) -> None:
        self.stages.append(stage)

    def table(self) -> Table:
        rows = [(s.stage, s.name, s.input_shape, s.operation, s.output_shape, s.example)
                for s in self.stages]
        cfg = ", ".join(f"{k}={v}" for k, v in self.config.items())
        return Table("Pipeline trace of the course model", self.columns, rows,
                     caption=f"Every row was recorded while the stage ran; each output is "
                             f"the next row's input ({cfg}).")

    def __getitem__(self, stage: int) -> StageRecord:
        for s in self.stages:
            if s.stage == stage:
                return s
        raise KeyError(f"stage {stage} did not run; ran {[s.stage for s in self.stages]}")

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def to_dict(self) -> dict:
        return {"config": to_jsonable(self.config),
                "stages": [{"stage": s.stage, "name": s.name, "operation": s.operation,
                            "input_shape": list(s.input_shape),
                            "output_shape": list(s.output_shape), "example": s.example,
                            "seconds": s.seconds} for s in self.stages]}


class LazyFeatures:
    """Embedding features (N, T, C) = table[ids] + positions, computed on demand.

    The shape is exact; the vectors are computed only for the rows you ask for, batch by
    batch, which is what the model's first layer does during training.
    """

    def __init__(self, ids: np.ndarray, token_table: np.ndarray, positions: np.ndarray):
        self.ids = ids                    # (N, T) token ids
        self.token_table = token_table    # (V, C) one vector per vocabulary entry
        self.positions = positions        # (T, C) one vector per position

    @property
    def shape(self) -> tuple[int, int, int]:
        n, length = self.ids.shape
        return (n, length, self.token_table.shape[1])

    @property
    def nbytes(self) -> int:
        n, length, dim = self.shape
        return n * length * dim * self.token_table.dtype.itemsize

    def __getitem__(self, rows) -> np.ndarray:
        out, _ = embedding_forward(self.ids[rows], self.token_table)  # (n, T, C)
        return out + self.positions                                   # (n, T, C)


def _preview(values: Sequence, keep: int = 10) -> str:
    values = [int(v) for v in values]
    return str(values) if len(values) <= keep else str(values[:keep])[:-1] + ", ...]"


def _numbers(vector: np.ndarray, keep: int = 3) -> str:
    return "[" + ", ".join(f"{x:+.2f}" for x in vector[:keep]) + ", ...]"


# ---------------------------------------------------------------------- the five stages
def pipeline_trace(stages: Sequence[int] = (1, 2, 3), seed: int = 0, prompt: str = "The sun",
                   trained: TrainedModel | None = None) -> PipelineTrace:
    """Run the course model's stages ``1..k`` on its own data and record what each did.

    trained: the course model (default: ``default_model()``, trained once, then loaded from
        the on-disk cache). Its training settings say which corpus and split it learned
        from; stage 2 re-encodes that split with its tokenizer and checks the result is
        the model's training table, stage 3 uses its learned embedding tables.
    seed: the random seed of stage 5's sampling; prompt: the text stage 5 continues.
    """
    seed = check_int("seed", seed, minimum=0)
    prompt = check_str("prompt", prompt)
    wanted = sorted({check_int("stage", s, minimum=1, maximum=5) for s in stages})
    if not wanted or wanted != list(range(1, wanted[-1] + 1)):
        raise ValueError(f"stages must be 1..k without gaps (each stage feeds the next), "
                         f"got {tuple(stages)}")
    if trained is None:
        trained = default_model(progress=False)
    if not isinstance(trained, TrainedModel):
        raise TypeError(f"trained must be a TrainedModel or None, got "
                        f"{type(trained).__name__}")
    settings = trained.config  # the TrainConfig the model was trained with, as a dict
    n_samples, corpus_seed = settings["n_samples"], settings["seed"]
    cfg = trained.model.config
    trace = PipelineTrace({"sentences": n_samples, "corpus seed": corpus_seed,
                           "V": cfg.vocab_size, "C": cfg.n_embd, "layers": cfg.n_layer})

    t0 = time.perf_counter()
    texts = default_corpus(n_samples=n_samples, seed=corpus_seed)  # (N,) sentences
    trace.record(StageRecord(1, "Data collection", "sample sentences from the course grammar",
                             (), (len(texts),), repr(texts[0]), time.perf_counter() - t0))
    if 2 not in wanted:
        return trace

    t0 = time.perf_counter()
    train_texts, val_texts = train_val_split(texts, val_fraction=settings["val_fraction"],
                                             seed=corpus_seed)
    tok = trained.tokenizer
    ids = tok.encode_batch(train_texts, seq_len=trained.train_ids.shape[1])  # (N, L)
    if not np.array_equal(ids, trained.train_ids):
        raise RuntimeError("re-encoding the training split did not give the model's "
                           "training table: the cached model and the corpus disagree")
    trace.record(StageRecord(
        2, "Preprocessing",
        f"{len(val_texts):,} held out for validation; the model's word tokenizer "
        f"(V = {tok.vocab_size}): [CLS]={tok.cls_id} ... [SEP]={tok.sep_id}, [PAD]="
        f"{tok.pad_id} up to L = {ids.shape[1]}",
        (len(texts),), ids.shape, f"{repr(train_texts[0])} -> {_preview(ids[0])}",
        time.perf_counter() - t0))
    if 3 not in wanted:
        return trace

    t0 = time.perf_counter()
    inputs = ids[:, :-1]                                    # (N, T) T = L - 1
    params = trained.model.params
    features = LazyFeatures(inputs, params["wte"], params["wpe"][: inputs.shape[1]])
    t = 1                                                   # the first word of row 0
    word = tok.id_to_token(int(inputs[0, t]))
    vector = features[0:1][0, t]                            # (C,) wte[id] + wpe[t]
    example = (f"{word!r} at t={t}: {_numbers(vector)} "
               f"({features.nbytes / 1e6:.0f} MB if all built)")
    trace.record(StageRecord(
        3, "Feature engineering",
        f"per input id (ids[:, :-1]) its row of the learned wte ({cfg.vocab_size} x "
        f"{cfg.n_embd}) plus its position's row of wpe",
        ids.shape, features.shape, example, time.perf_counter() - t0))
    if 4 not in wanted:
        return trace

    t0 = time.perf_counter()
    record = trained.trace
    last = record.epochs[-1]
    n_params = trained.model.num_parameters()
    floor = "" if record.floor is None else f" (floor {record.floor:.3f})"
    trace.record(StageRecord(
        4, "Model training",
        f"{cfg.n_layer} blocks + output layer: scores (N, T, {cfg.vocab_size}); loss "
        f"against targets ids[:, 1:]; Adam updates all {n_params:,} weights, wte and wpe "
        f"included ({len(record.epochs)} epochs)",
        features.shape, (n_params,),
        f"validation loss {last.val_loss:.3f}{floor}, accuracy {last.accuracy:.2f}",
        time.perf_counter() - t0))
    if 5 not in wanted:
        return trace

    t0 = time.perf_counter()
    gen = generate(trained.model, tok, prompt, sampling=DEFAULT_SAMPLING, seed=seed)
    trace.record(StageRecord(
        5, "Generation",
        f"with stage 4's weights: predict the next token, sample one (temperature "
        f"{DEFAULT_SAMPLING.temperature}, top-p {DEFAULT_SAMPLING.top_p}), append, until "
        f"[SEP]",
        (n_params,), (len(gen.ids),),
        f"{prompt!r} -> {gen.sentence!r}", time.perf_counter() - t0))
    return trace


# ------------------------------------------------------------- the same at BERT-base size
def parameter_count(config: GPTConfig) -> int:
    """Trainable numbers of a ``TransformerLM`` with ``config``, from the sizes alone
    (equal to ``TransformerLM(config).num_parameters()`` without allocating anything)."""
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
    V, C, P = config.vocab_size, config.n_embd, config.block_size
    F = config.mlp_ratio * C
    block = 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + 2 * C + (C * F + F) + (F * C + C)
    return V * C + P * C + config.n_layer * block + 2 * C + C * V


def training_flops_per_token(config: GPTConfig, seq_len: int) -> int:
    """Floating-point operations to train on one token (forward + backward), estimated.

    Forward: 2 per weight of every matrix product (Q, K, V, the attention projection, the
    MLP, the output layer) plus 4 * T * C per block for the attention scores and their
    weighted sum over ``seq_len`` = T positions. Backward costs about twice the forward,
    so training is 3 x forward (the usual estimate; layer norms, softmax and the embedding
    lookup are left out).
    """
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
    seq_len = check_int("seq_len", seq_len, minimum=1)
    C, F = config.n_embd, config.mlp_ratio * config.n_embd
    matmul_weights = config.n_layer * (3 * C * C + C * C + 2 * C * F) + C * config.vocab_size
    forward = 2 * matmul_weights + config.n_layer * 4 * seq_len * C
    return 3 * forward


#: BERT-base's sizes (Devlin et al. 2019): 12 layers, 12 heads, 768 numbers per token and
#: its 30522-entry uncased WordPiece vocabulary; block_size = the 50 positions per sentence.
BERT_BASE = GPTConfig(vocab_size=30522, block_size=50, n_layer=12, n_head=12, n_embd=768)


@dataclass(frozen=True)
class ScaleCost:
    """What one epoch of training a model of ``config`` on ``rows`` x ``positions`` costs."""

    config: GPTConfig
    rows: int              # sentences per epoch
    positions: int         # input positions the model reads per row (padding included)
    parameters: int        # parameter_count(config)
    flops_per_token: int   # training_flops_per_token(config, positions)

    @property
    def tokens_per_epoch(self) -> int:
        return self.rows * self.positions

    @property
    def feature_shape(self) -> tuple[int, int, int]:
        """The (N, T, C) block of embedding features of one epoch."""
        return (self.rows, self.positions, self.config.n_embd)

    @property
    def feature_bytes(self) -> int:
        """The feature block as float32 (4 bytes a number), if it were built whole."""
        return int(np.prod(self.feature_shape)) * 4

    @property
    def training_bytes(self) -> int:
        """float32 weights, their gradients and Adam's two moments: 4 numbers per weight."""
        return 4 * 4 * self.parameters


def scale_cost(config: GPTConfig, rows: int, positions: int) -> ScaleCost:
    """The ``ScaleCost`` of ``config`` reading ``rows`` x ``positions`` input ids."""
    rows = check_int("rows", rows, minimum=1)
    positions = check_int("positions", positions, minimum=1)
    return ScaleCost(config, rows, positions, parameter_count(config),
                     training_flops_per_token(config, positions))


def measured_flop_rate(trained: TrainedModel) -> float:
    """Floating-point operations per second the course model reached while it trained:
    every epoch computes all N x T input positions (padding included), so the rate is
    N x T x ``training_flops_per_token`` per epoch over the measured seconds of an epoch
    (its validation pass included, so the rate is slightly underestimated)."""
    rows, length = trained.train_ids.shape                      # (N, L) ids
    cost = scale_cost(trained.model.config, rows, length - 1)   # reads T = L - 1 inputs
    epochs = trained.trace.epochs
    seconds = sum(e.seconds for e in epochs) / len(epochs)
    return cost.tokens_per_epoch * cost.flops_per_token / seconds


def scale_comparison(trained: TrainedModel | None = None, n_samples: int = 10000,
                     seq_len: int = 50, dim: int = 768) -> Table:
    """The course model beside a BERT-base-sized one (``n_samples`` x ``seq_len`` ids, all
    read, as BERT reads every position; ``dim`` numbers per token; BERT's other sizes), with the time per epoch of the larger
    one on this machine estimated from the course model's measured FLOP rate."""
    n_samples = check_int("n_samples", n_samples, minimum=1)
    seq_len = check_int("seq_len", seq_len, minimum=2)
    dim = check_int("dim", dim, minimum=1)
    if trained is None:
        trained = default_model(progress=False)
    heads = BERT_BASE.n_head if dim % BERT_BASE.n_head == 0 else 1
    big_config = GPTConfig(vocab_size=BERT_BASE.vocab_size, block_size=seq_len,
                           n_layer=BERT_BASE.n_layer, n_head=heads, n_embd=dim)
    rows, length = trained.train_ids.shape                           # (N, L) ids
    ours = scale_cost(trained.model.config, rows, length - 1)        # inputs ids[:, :-1]
    big = scale_cost(big_config, n_samples, seq_len)
    rate = measured_flop_rate(trained)                                  # FLOP/s
    big_s = big.tokens_per_epoch * big.flops_per_token / rate
    epoch_s = float(np.mean([e.seconds for e in trained.trace.epochs]))
    wp = WordPieceTokenizer.course()
    tok = trained.tokenizer

    def size(n_bytes: float) -> str:
        return f"{n_bytes / 1e9:.2f} GB" if n_bytes >= 1e9 else f"{n_bytes / 1e6:.1f} MB"

    def duration(seconds: float) -> str:
        if seconds < 3600:
            return f"{seconds:.0f} s"
        return f"{seconds / 3600:.0f} hours" if seconds < 3 * 86400 else \
            f"{seconds / 86400:.0f} days"

    c, b = ours.config, big.config
    rows = [
        ("rows x positions read", f"{ours.rows:,} x {ours.positions}",
         f"{big.rows:,} x {big.positions}"),
        ("tokenizer", f"word-level, V = {c.vocab_size}", f"WordPiece, V = {b.vocab_size:,}"),
        ("start / end ids", f"[CLS]={tok.cls_id}, [SEP]={tok.sep_id}",
         f"[CLS]={wp.cls_id}, [SEP]={wp.sep_id}"),
        ("numbers per token (C)", c.n_embd, b.n_embd),
        ("blocks x heads", f"{c.n_layer} x {c.n_head}", f"{b.n_layer} x {b.n_head}"),
        ("parameters", f"{ours.parameters:,}", f"{big.parameters:,}"),
        ("feature block (N, T, C)", " x ".join(map(str, ours.feature_shape)),
         " x ".join(map(str, big.feature_shape))),
        ("... as float32", size(ours.feature_bytes), size(big.feature_bytes)),
        ("weights + gradients + Adam", size(ours.training_bytes), size(big.training_bytes)),
        ("training FLOPs per token", f"{ours.flops_per_token:,}", f"{big.flops_per_token:,}"),
        ("time per epoch here", f"{epoch_s:.1f} s (measured)",
         f"about {duration(big_s)} (estimated)"),
    ]
    return Table("The course model and a BERT-base-sized one",
                 ("", "course model", "BERT-base-sized"), rows,
                 caption=f"The right column is our architecture at BERT-base's sizes: no "
                         f"stage of our model runs at that size. Its time is estimated as "
                         f"FLOPs per epoch divided by the {rate / 1e9:.2f} GFLOP/s the course "
                         f"model reached while it trained, assuming the bigger matrices run "
                         f"at the same rate.")
