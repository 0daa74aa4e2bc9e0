"""The pipeline trace: run the course's five stages and record what each one did.

``pipeline_trace`` runs data collection -> preprocessing -> feature engineering -> training
-> generation and records, per stage, the input shape, the operation, the output shape and a
real example (a ``StageRecord``), shown as one ``Table``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from genai_lab.checks import check_int
from genai_lab.corpus import default_corpus
from genai_lab.display.table import Table, to_jsonable
from genai_lab.embedding import embedding_forward, init_embedding, sinusoidal_positions
from genai_lab.generate import generate
from genai_lab.pretrained import default_model
from genai_lab.wordpiece import WordPieceTokenizer


@dataclass
class StageRecord:
    """What one pipeline stage did: recorded by the code that did it."""

    stage: int             # 1..5
    name: str              # "Data collection", ...
    operation: str         # what the code did, in words
    input_shape: tuple     # shape of what went in
    output_shape: tuple    # shape of what came out
    example: str           # a real example of the output
    seconds: float         # wall-clock time the stage took


class PipelineTrace:
    """The five-stage pipeline, one row per stage that ran."""

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
        return Table("Pipeline trace", self.columns, rows,
                     caption=f"Every row was recorded while the stage ran ({cfg}).")

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
    """Embedding features (N, L, D) computed on demand, batch by batch.

    At the seed's configuration the full array would be 10000 x 50 x 768 float32 values,
    about 1.5 GB; the shape is real, the values are computed only for rows you ask for.
    """

    def __init__(self, ids: np.ndarray, token_table: np.ndarray, positions: np.ndarray):
        self.ids = ids                    # (N, L) token ids
        self.token_table = token_table    # (V, D) one vector per vocabulary entry
        self.positions = positions        # (L, D) one vector per position

    @property
    def shape(self) -> tuple[int, int, int]:
        n, length = self.ids.shape
        return (n, length, self.token_table.shape[1])

    @property
    def nbytes(self) -> int:
        n, length, dim = self.shape
        return n * length * dim * self.token_table.dtype.itemsize

    def __getitem__(self, rows) -> np.ndarray:
        out, _ = embedding_forward(self.ids[rows], self.token_table)  # (n, L, D)
        return out + self.positions                                   # (n, L, D)


def _preview(ids: Sequence[int], keep: int = 12) -> str:
    ids = [int(i) for i in ids]
    return str(ids) if len(ids) <= keep else str(ids[:keep])[:-1] + ", ...]"


def pipeline_trace(n_samples: int = 10000, seq_len: int = 50, dim: int = 768,
                   seed: int = 0, stages: Sequence[int] = (1, 2, 3)) -> PipelineTrace:
    """Run the pipeline's stages and record what each one did.

    Stages 1-3 build the data: the default corpus (``n_samples`` sentences), WordPiece ids
    padded/truncated to ``seq_len`` with ``[CLS]`` = 101 and ``[SEP]`` = 102, and embedding
    features of ``dim`` numbers per token (computed lazily: the shape is exact, only the
    example row is materialised). Stages 4-5 use the course's trained model (cached on
    disk after the first run) to report training and to generate text.
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    seq_len = check_int("seq_len", seq_len, minimum=2)
    dim = check_int("dim", dim, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    wanted = sorted({check_int("stage", s, minimum=1, maximum=5) for s in stages})
    if not wanted or wanted != list(range(1, wanted[-1] + 1)):
        raise ValueError(f"stages must be 1..k without gaps (each stage feeds the next), "
                         f"got {tuple(stages)}")
    trace = PipelineTrace({"n_samples": n_samples, "seq_len": seq_len, "dim": dim,
                           "seed": seed})

    t0 = time.perf_counter()
    texts = default_corpus(n_samples=n_samples, seed=seed)
    trace.record(StageRecord(1, "Data collection", "sample sentences from the course grammar",
                             (), (len(texts),), repr(texts[0]), time.perf_counter() - t0))
    if 2 not in wanted:
        return trace

    t0 = time.perf_counter()
    tok = WordPieceTokenizer.course()
    ids = np.array([tok.encode(t, seq_len=seq_len) for t in texts], dtype=np.int64)  # (N, L)
    example = f"{tok.tokenize(texts[0])} -> {_preview(ids[0])}"
    trace.record(StageRecord(2, "Preprocessing",
                             f"clean, WordPiece-tokenize, add [CLS]={tok.cls_id} and "
                             f"[SEP]={tok.sep_id}, pad/truncate to {seq_len}",
                             (len(texts),), ids.shape, example, time.perf_counter() - t0))
    if 3 not in wanted:
        return trace

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    table = init_embedding(tok.vocab_size, dim, rng).astype(np.float32)  # (V, D)
    positions = sinusoidal_positions(seq_len, dim).astype(np.float32)    # (L, D)
    features = LazyFeatures(ids, table, positions)
    first = features[0:1][0]                                              # (L, D)
    example = (f"token 0 ({tok.id_to_token(int(ids[0, 0]))}): "
               f"{np.array2string(first[0, :4], precision=3)} ... "
               f"({features.nbytes / 1e9:.2f} GB if materialised)")
    trace.record(StageRecord(3, "Feature engineering",
                             f"look up a {dim}-number vector per token id and add its "
                             f"position vector", ids.shape, features.shape, example,
                             time.perf_counter() - t0))
    if 4 not in wanted:
        return trace
    _model_stages(trace, wanted, seed)
    return trace


def _model_stages(trace: PipelineTrace, wanted: list[int], seed: int) -> None:
    """Stages 4-5: the course's trained model (trained once, then loaded from the cache)."""
    t0 = time.perf_counter()
    trained = default_model(progress=False)
    last = trained.trace.epochs[-1]
    n_params = trained.model.num_parameters()
    trace.record(StageRecord(
        4, "Model training",
        f"train a {n_params:,}-parameter transformer to predict the next word "
        f"({len(trained.trace.epochs)} epochs)",
        tuple(trained.train_ids.shape), (n_params,),
        f"val loss {last.val_loss:.3f}, accuracy {last.accuracy:.2f}: {last.observation}",
        time.perf_counter() - t0))
    if 5 not in wanted:
        return
    t0 = time.perf_counter()
    seed_text = "The sun"
    gen = generate(trained.model, trained.tokenizer, seed_text, seed=seed)
    trace.record(StageRecord(5, "Generation", "predict the next word, pick one, repeat",
                             (len(trained.tokenizer.encode(seed_text, add_special_tokens=False)),),
                             (len(gen.ids),), f"{seed_text!r} -> {gen.sentence!r}",
                             time.perf_counter() - t0))
