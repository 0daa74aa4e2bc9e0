"""The same transformer on real text: byte-level BPE, GPT-style windows, honest measurements.

The course's grammar corpus has an entropy floor, so a loss can be judged against the best
possible one. Real text has no known floor. What can still be measured, and is here:

* the held-out loss (nats per token on text the model and the tokenizer never saw) and
  its perplexity ``exp(loss)``, beside the uniform guess ``ln V`` and the bigram baseline;
* bits per byte: the same held-out loss spread over the text's UTF-8 bytes, which does
  not depend on the tokenizer, so models with different vocabularies can be compared;
* memorised vs new text: the share of the generated word 8-grams that occur in the
  training text, and the share of generated texts that are copies of a training text;
* the time each stage took.

``save_text_model`` / ``load_text_model`` write and read such a model with its tokenizer
(the CLI's ``genai-lab train --text PATH --save FOLDER`` and ``generate --checkpoint``).

The data pipeline, GPT-2 style: the documents (sentences or paragraphs) are split into
training and validation documents; BPE is trained on the training documents only; each
document is encoded and followed by ``<|endoftext|>``; the token stream is cut into
windows of ``block_size + 1`` tokens (no padding: the pad token exists only because
``train`` asks for a pad id, and it never occurs in the data).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Sequence

import numpy as np

from genai_lab.bpe import END_OF_TEXT, BPEConfig, BPETokenizer
from genai_lab.bpe import FORMAT as BPE_FORMAT
from genai_lab.checks import check_float, check_int, check_rng, check_str
from genai_lab.data import train_val_split
from genai_lab.display.table import Table
from genai_lab.model import GPTConfig, TransformerLM, load_checkpoint, save_checkpoint
from genai_lab.sampling import SamplingConfig, select_next

#: The special tokens of a real-text tokenizer: end of a document, and the (unused) pad.
PAD = "<|pad|>"
SPECIAL_TOKENS = (END_OF_TEXT, PAD)
#: How texts are sampled for the memorisation measure (and by default in the CLI).
REALTEXT_SAMPLING = SamplingConfig(method="sample", temperature=0.8, top_p=0.95)


@dataclass(frozen=True)
class RealTextConfig:
    """Sizes of a real-text run; with the defaults, training on ``stdlib_docstrings()`` takes
    about 20-30 seconds on one core (measured: 5 epochs in 10 s, 20 epochs in 62 s; the
    held-out loss was lowest near epoch 12 and rose after it, as the model overfitted)."""

    vocab_size: int = 512     # BPE ids: 256 bytes + merges + 2 special tokens
    block_size: int = 32      # tokens the model reads; windows are block_size + 1 long
    n_layer: int = 2          # transformer blocks (as the course model)
    n_head: int = 4           # attention heads per block
    n_embd: int = 64          # width of the residual stream
    epochs: int = 10          # passes over the training windows
    batch_size: int = 32      # windows per Adam step
    val_fraction: float = 0.1  # share of the documents held out
    seed: int = 0             # the split, the weights and the minibatch order
    n_generate: int = 20      # texts generated to measure memorisation
    max_new_tokens: int = 48  # longest generated text, in tokens
    ngram: int = 8            # n of the word n-grams looked up in the training text

    def __post_init__(self) -> None:
        check_int("vocab_size", self.vocab_size, minimum=256 + len(SPECIAL_TOKENS))
        for name in ("block_size", "n_layer", "n_head", "n_embd", "epochs", "batch_size",
                     "n_generate", "max_new_tokens", "ngram"):
            check_int(name, getattr(self, name), minimum=1)
        check_int("seed", self.seed, minimum=0)
        check_float("val_fraction", self.val_fraction, minimum=0.0, maximum=1.0,
                    min_inclusive=False, max_inclusive=False)
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head "
                             f"({self.n_head})")


# ------------------------------------------------------------------------------- data
def encode_documents(tokenizer: BPETokenizer, documents: Sequence[str]) -> list[int]:
    """One token stream: each document's ids followed by ``<|endoftext|>``."""
    eot = tokenizer.special_id(END_OF_TEXT)
    stream: list[int] = []
    for i, doc in enumerate(documents):
        stream.extend(tokenizer.encode(check_str(f"documents[{i}]", doc)))
        stream.append(eot)
    return stream


def windows(stream: Sequence[int], length: int) -> np.ndarray:
    """Cut a token stream into consecutive rows of ``length`` tokens: (N, length) int64.

    The last partial row is dropped. ValueError if the stream is shorter than one row.
    """
    length = check_int("length", length, minimum=2)
    n = len(stream) // length
    if n == 0:
        raise ValueError(f"the text gives {len(stream)} tokens, fewer than one window of "
                         f"{length}: use more text or a smaller block_size")
    return np.asarray(stream[: n * length], dtype=np.int64).reshape(n, length)  # (N, L)


def target_bytes(tokenizer: BPETokenizer, targets: np.ndarray) -> int:
    """UTF-8 bytes of the target tokens; a special token (end of document) counts as 1."""
    special = set(tokenizer.special_tokens.values())
    return sum(1 if t in special else len(tokenizer.token_bytes(t))
               for t in targets.ravel().tolist())


# ------------------------------------------------------------------------- generation
def generate_text(model: TransformerLM, tokenizer: BPETokenizer, prompt: str = "",
                  max_new_tokens: int = 48, sampling: SamplingConfig = REALTEXT_SAMPLING,
                  rng: np.random.Generator | None = None, seed: int = 0) -> str:
    """Continue ``prompt`` (after an ``<|endoftext|>``, as a new document) until the model
    writes ``<|endoftext|>`` or ``max_new_tokens`` tokens; returns the new text only."""
    if not isinstance(model, TransformerLM):
        raise TypeError(f"model must be a TransformerLM, got {type(model).__name__}")
    if not isinstance(tokenizer, BPETokenizer):
        raise TypeError(f"tokenizer must be a BPETokenizer, got {type(tokenizer).__name__}")
    if tokenizer.vocab_size != model.config.vocab_size:
        raise ValueError(f"the tokenizer has {tokenizer.vocab_size} ids but the model expects "
                         f"{model.config.vocab_size}: they do not belong together")
    max_new_tokens = check_int("max_new_tokens", max_new_tokens, minimum=1)
    if not isinstance(sampling, SamplingConfig):
        raise TypeError(f"sampling must be a SamplingConfig, got {type(sampling).__name__}")
    rng = np.random.default_rng(check_int("seed", seed, minimum=0)) if rng is None \
        else check_rng("rng", rng)
    eot = tokenizer.special_id(END_OF_TEXT)
    ids = [eot] + tokenizer.encode(check_str("prompt", prompt))
    new: list[int] = []
    for _ in range(max_new_tokens):
        context = np.array(ids[-model.config.block_size:], dtype=np.int64)[None, :]  # (1, T)
        token = select_next(model.forward(context)[0, -1], sampling, rng).token_id
        if token == eot:
            break
        ids.append(token)
        new.append(token)
    return tokenizer.decode(new)


# ------------------------------------------------------------------------ memorisation
def word_ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    """The word n-grams of ``text`` (words split at whitespace, punctuation kept)."""
    words = text.split()
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def memorisation(generated: Sequence[str], training: Sequence[str], n: int = 8) -> dict:
    """How much of ``generated`` is copied from ``training``.

    Returns ``{"ngrams": how many word n-grams the generated texts have, "seen_share":
    the share of them found in the training documents (None if there are none),
    "copied_share": the share of generated texts equal to a training document}``.
    """
    n = check_int("n", n, minimum=1)
    known = {g for doc in training for g in word_ngrams(doc, n)}
    grams = [g for text in generated for g in word_ngrams(text, n)]
    docs = {doc.strip() for doc in training}
    copied = sum(text.strip() in docs for text in generated)
    return {"ngrams": len(grams),
            "seen_share": (sum(g in known for g in grams) / len(grams)) if grams else None,
            "copied_share": copied / len(generated) if generated else None}


# ------------------------------------------------------------------------------ the run
@dataclass
class RealTextResult:
    """What ``train_on_text`` built and measured."""

    config: RealTextConfig
    tokenizer: BPETokenizer
    model: TransformerLM
    trace: object                 # the TrainingTrace of ``genai_lab.train.train``
    documents: tuple[int, int]    # training and validation documents
    tokens: tuple[int, int]       # tokens in the training and validation streams
    val_targets: int              # validation tokens the loss is measured on
    val_target_bytes: int         # their UTF-8 bytes (each <|endoftext|> counted as 1)
    samples: list[str]            # texts generated from scratch (REALTEXT_SAMPLING)
    copying: dict                 # ``memorisation(samples, training documents)``
    seconds: dict = field(default_factory=dict)  # stage -> wall-clock seconds

    @property
    def val_loss(self) -> float:
        """Held-out loss, nats per token."""
        return self.trace.final_val_loss

    @property
    def perplexity(self) -> float:
        return math.exp(self.val_loss)

    @property
    def bits_per_byte(self) -> float:
        """Held-out loss per byte of the predicted validation text, in bits: the total
        loss of the predicted tokens over their UTF-8 bytes (an end of document counts as
        one byte, like a newline), divided by ln 2."""
        return self.val_loss * self.val_targets / self.val_target_bytes / math.log(2)

    def table(self) -> Table:
        c, t = self.copying, self.trace
        seen = "-" if c["seen_share"] is None else f"{c['seen_share']:.1%}"
        rows = [("documents (train / validation)", f"{self.documents[0]} / {self.documents[1]}"),
                ("BPE vocabulary", self.tokenizer.vocab_size),
                ("tokens (train / validation)", f"{self.tokens[0]} / {self.tokens[1]}"),
                ("model parameters", self.model.num_parameters()),
                ("uniform guess, ln V (nats/token)", t.ln_vocab),
                ("bigram baseline (nats/token)", t.bigram),
                ("held-out loss (nats/token)", self.val_loss),
                ("perplexity", self.perplexity),
                ("bits per byte", self.bits_per_byte),
                (f"generated word {self.config.ngram}-grams seen in training", seen),
                ("generated texts copied whole", f"{c['copied_share']:.1%}"),
                *((f"seconds: {k}", v) for k, v in self.seconds.items())]
        return Table("The same model on real text", ("measure", "value"), rows,
                     caption=f"{self.config.epochs} epochs; no entropy floor is known for "
                             f"real text, so the loss is compared with ln V and the bigram "
                             f"baseline only.")

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def to_dict(self) -> dict:
        return {"config": asdict(self.config), "documents": list(self.documents),
                "tokens": list(self.tokens), "val_targets": self.val_targets,
                "val_target_bytes": self.val_target_bytes,
                "val_loss": self.val_loss, "perplexity": self.perplexity,
                "bits_per_byte": self.bits_per_byte, "samples": list(self.samples),
                "copying": dict(self.copying), "seconds": dict(self.seconds)}


def train_on_text(documents: Sequence[str], config: RealTextConfig | None = None,
                  progress: bool = False, on_epoch=None) -> RealTextResult:
    """Train BPE and a TransformerLM on ``documents`` and measure the result.

    ``documents``: a list of texts (e.g. ``stdlib_docstrings()`` or ``load_text(path)``),
    split into training and validation documents before anything is learned.
    """
    from genai_lab.train import TrainConfig, train  # only training needs the trainer

    config = RealTextConfig() if config is None else config
    if not isinstance(config, RealTextConfig):
        raise TypeError(f"config must be a RealTextConfig or None, got {type(config).__name__}")
    if isinstance(documents, str) or not isinstance(documents, Sequence):
        raise TypeError(f"documents must be a list of strings, got {type(documents).__name__}")
    documents = [check_str(f"documents[{i}]", d) for i, d in enumerate(documents)]
    seconds = {}
    train_docs, val_docs = train_val_split(documents, config.val_fraction, config.seed)

    start = time.perf_counter()
    tokenizer = BPETokenizer(BPEConfig(config.vocab_size, "gpt2", SPECIAL_TOKENS))
    tokenizer.train(train_docs)
    seconds["BPE training"] = time.perf_counter() - start

    start = time.perf_counter()
    train_stream = encode_documents(tokenizer, train_docs)
    val_stream = encode_documents(tokenizer, val_docs)
    train_rows = windows(train_stream, config.block_size + 1)  # (N, block_size + 1)
    val_rows = windows(val_stream, config.block_size + 1)      # (M, block_size + 1)
    seconds["encoding"] = time.perf_counter() - start

    model = TransformerLM(GPTConfig(vocab_size=tokenizer.vocab_size,
                                    block_size=config.block_size, n_layer=config.n_layer,
                                    n_head=config.n_head, n_embd=config.n_embd),
                          seed=config.seed)
    pad = SimpleNamespace(pad_id=tokenizer.special_id(PAD))  # train reads only .pad_id
    trace = train(model, train_rows, val_rows,
                  TrainConfig(epochs=config.epochs, batch_size=config.batch_size,
                              seed=config.seed, progress=progress),
                  tokenizer=pad, on_epoch=on_epoch)
    seconds["model training"] = trace.total_seconds

    start = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    samples = [generate_text(model, tokenizer, "", config.max_new_tokens, rng=rng)
               for _ in range(config.n_generate)]
    seconds["generation"] = time.perf_counter() - start
    return RealTextResult(config=config, tokenizer=tokenizer, model=model, trace=trace,
                          documents=(len(train_docs), len(val_docs)),
                          tokens=(len(train_stream), len(val_stream)),
                          val_targets=int(val_rows[:, 1:].size),
                          val_target_bytes=target_bytes(tokenizer, val_rows[:, 1:]),
                          samples=samples,
                          copying=memorisation(samples, train_docs, config.ngram),
                          seconds=seconds)


# ------------------------------------------------------------------------ saving it
def save_text_model(result: RealTextResult, folder) -> Path:
    """Write ``folder/model.npz`` (weights, GPTConfig, the BPE tokenizer and the measures)."""
    if not isinstance(result, RealTextResult):
        raise TypeError(f"result must be a RealTextResult, got {type(result).__name__}")
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
    return save_checkpoint(Path(folder) / "model.npz", result.model, result.tokenizer,
                           extra={"realtext": result.to_dict()})


def is_text_model(folder) -> bool:
    """True if ``folder/model.npz`` is a checkpoint whose tokenizer is byte-level BPE."""
    file = Path(folder) / "model.npz"
    if not file.is_file():
        return False
    try:
        _, tokenizer, _ = load_checkpoint(file)
    except ValueError:
        return False
    return isinstance(tokenizer, dict) and tokenizer.get("format") == BPE_FORMAT


def load_text_model(folder) -> tuple[TransformerLM, BPETokenizer]:
    """Read a model written by ``save_text_model``; ValueError naming the folder if not one."""
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
    model, tokenizer, _ = load_checkpoint(Path(folder) / "model.npz")
    try:
        return model, BPETokenizer.from_dict(tokenizer)
    except ValueError as err:
        raise ValueError(f"{str(folder)!r} is not a real-text model: {err}") from None
