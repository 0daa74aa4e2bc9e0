"""The course's pretrained model: the default corpus, the model trained on it, its cache.

``default_model()`` returns the model every chapter uses: trained once on the default corpus
(``prepare_default_data``), saved to a folder in the cache (``~/.cache/genai-lab``), then
loaded from there. ``load_trained`` reads such a folder with the model and the tokenizer
only: using a trained model never imports the trainer (``genai_lab.train``), which is
imported when a model has to be trained (``train_default``, or ``default_model`` when its
cache entry is missing).

The cache key hashes the settings and every source file that changes the trained model
(``MODEL_SOURCES``; ``tests/test_imports.py`` checks that list against the import graph),
so an edit retrains instead of silently reusing a stale model.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

import genai_lab
from genai_lab.checks import check_int
from genai_lab.corpus import Grammar, default_corpus, default_grammar
from genai_lab.data import train_val_split
from genai_lab.generate import milestone_sampler
from genai_lab.model import GPTConfig, TransformerLM, load_checkpoint, save_checkpoint
from genai_lab.record import EpochRecord, TrainingTrace
from genai_lab.tokenizer import WordTokenizer

#: Every source file (relative to the package) whose content changes the trained default
#: model or its saved record: the corpus and its split, the tokenizer, the model and its
#: layers, the optimizer, the training loop and its record (with the sampler that records
#: what the model writes: milestones, sampling, generate), and this file. They are part
#: of the cache key. Display code (``display/``) only renders saved numbers and is not.
MODEL_SOURCES = ("checks.py", "text.py", "course_grammar.py", "corpus.py", "data.py",
                 "tokenizer.py", "softmax.py", "embedding.py", "layers.py", "model.py",
                 "optim.py", "parallel.py", "milestones.py", "record.py", "train.py",
                 "sampling.py", "generate.py", "pretrained.py")


def _trainer():
    """The ``genai_lab.train`` module, imported only when a model has to be trained (not a
    circle: train imports nothing above it; this keeps the trainer out of using a model)."""
    import genai_lab.train as trainer
    return trainer


# ------------------------------------------------------------------- the default data
@dataclass
class DefaultData:
    """The default corpus, split and encoded, ready to train on."""

    grammar: Grammar  # the grammar that generated the corpus
    tokenizer: WordTokenizer  # trained on the training split
    texts: list[str]  # every sentence of the corpus
    train_ids: np.ndarray  # (N, L) the training split, padded ids
    val_ids: np.ndarray  # (M, L) the validation split, padded ids


def prepare_data(grammar, texts: list[str], seed: int = 0,
                 val_fraction: float = 0.1) -> DefaultData:
    """Stage 2 for any corpus: split ``texts`` (drawn from ``grammar``), train the tokenizer
    on the training split and encode both splits, padded to the longest text (nothing is
    truncated). The text model and the picture and music models all use it."""
    train_texts, val_texts = train_val_split(texts, val_fraction=val_fraction, seed=seed)
    tokenizer = WordTokenizer().train(train_texts)
    length = max(len(tokenizer.encode(t)) for t in texts)
    train_ids = tokenizer.encode_batch(train_texts, seq_len=length)  # (N, L)
    val_ids = tokenizer.encode_batch(val_texts, seq_len=length)      # (M, L)
    return DefaultData(grammar, tokenizer, texts, train_ids, val_ids)


def prepare_default_data(n_samples: int = 10000, seed: int = 0,
                         val_fraction: float = 0.1) -> DefaultData:
    """Sample the default corpus and prepare it (``prepare_data``)."""
    n_samples = check_int("n_samples", n_samples, minimum=2)
    texts = default_corpus(n_samples=n_samples, seed=seed)
    return prepare_data(default_grammar(), texts, seed=seed, val_fraction=val_fraction)


# -------------------------------------------------------------------- a trained model
@dataclass
class TrainedModel:
    """A trained model with everything needed to use and explain it."""

    model: TransformerLM  # the trained transformer
    tokenizer: WordTokenizer  # the tokenizer it was trained with
    trace: TrainingTrace  # how training went
    grammar: Grammar  # the grammar that generated the corpus (for the floor and acceptance)
    config: dict  # how it was trained: the TrainConfig as a dict (TrainConfig.to_dict())
    train_ids: np.ndarray  # (N, L) the training split, padded ids
    val_ids: np.ndarray  # (M, L) the validation split, padded ids
    path: Path | None = None  # the folder it was saved to or loaded from, if any

    def save(self, folder) -> Path:
        """Write the model to ``folder`` (created; replaced atomically if it exists).

        The folder holds ``model.npz`` (weights, GPTConfig, tokenizer, TrainConfig),
        ``trace.json`` (the TrainingTrace) and ``data.npz`` (the two splits).
        """
        if not isinstance(folder, (str, os.PathLike)):
            raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", suffix=".tmp", dir=folder.parent))
        try:
            save_checkpoint(tmp / "model.npz", self.model, self.tokenizer,
                            extra={"train_config": self.config})
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
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"no saved model at {str(folder)!r} (not a folder)")
    model, tok_dict, extra = load_checkpoint(folder / "model.npz")
    try:
        tokenizer = WordTokenizer.from_dict(tok_dict)
        config = extra["train_config"]
        if not isinstance(config, dict):
            raise TypeError(f"train_config is a {type(config).__name__}, not a dict")
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


# ------------------------------------------------------------------------ training it
def _check_config(config):
    """``config``, or ``TrainConfig()`` for None; TypeError for anything else."""
    trainer = _trainer()
    config = trainer.TrainConfig() if config is None else config
    if not isinstance(config, trainer.TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got {type(config).__name__}")
    return config


def _train_on(data: DefaultData, config, gpt: GPTConfig,
              on_epoch: Callable[[EpochRecord], Any] | None = None) -> TrainedModel:
    """Train a fresh model (weights seeded with ``config.seed``) on the prepared data."""
    if gpt.vocab_size != data.tokenizer.vocab_size:
        raise ValueError(f"gpt_config.vocab_size is {gpt.vocab_size} but the tokenizer has "
                         f"{data.tokenizer.vocab_size} tokens")
    if data.train_ids.shape[1] - 1 > gpt.block_size:
        raise ValueError(f"the corpus has sentences of {data.train_ids.shape[1]} tokens; "
                         f"block_size must be at least {data.train_ids.shape[1] - 1}")
    model = TransformerLM(gpt, seed=config.seed)
    # What the model writes at milestone steps, judged by the grammar, goes into the trace.
    sampler = milestone_sampler(data.tokenizer, data.grammar, data.train_ids, seed=config.seed)
    trace = _trainer().train(model, data.train_ids, data.val_ids, config,
                             tokenizer=data.tokenizer, grammar=data.grammar,
                             on_epoch=on_epoch, on_step=sampler)
    return TrainedModel(model=model, tokenizer=data.tokenizer, trace=trace,
                        grammar=data.grammar, config=config.to_dict(),
                        train_ids=data.train_ids, val_ids=data.val_ids)


def train_default(config=None, save=None,
                  on_epoch: Callable[[EpochRecord], Any] | None = None,
                  gpt_config: GPTConfig | None = None) -> TrainedModel:
    """Train a fresh model on the default corpus (no cache) and optionally save it to ``save``.

    ``config`` is a ``genai_lab.train.TrainConfig`` (default ``TrainConfig()``);
    ``gpt_config`` defaults to ``GPTConfig(vocab_size=<the tokenizer's>)``.
    """
    config = _check_config(config)
    data = prepare_default_data(config.n_samples, config.seed, config.val_fraction)
    gpt = GPTConfig(vocab_size=data.tokenizer.vocab_size) if gpt_config is None else gpt_config
    trained = _train_on(data, config, gpt, on_epoch)
    if save is not None:
        trained.save(save)
    return trained


# ---------------------------------------------------------------------------- the cache
def cache_key(settings: dict | None) -> str:
    """Hex digest naming a cache entry: the training settings (None = the defaults of
    ``TrainConfig``, which live in train.py, one of the hashed files), the package and
    numpy versions and the content of every file in ``MODEL_SOURCES``."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    h.update(json.dumps({"train": settings, "version": genai_lab.__version__,
                         "numpy": np.__version__}, sort_keys=True).encode())
    for name in MODEL_SOURCES:
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
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


def default_model(cache_dir=None, progress: bool = False, config=None) -> TrainedModel:
    """The course's trained model: trained once on the default corpus, then loaded from disk.

    The cache entry is a folder ``default-<key>`` (see ``TrainedModel.save``) under
    ``cache_dir`` (else $GENAI_LAB_CACHE, else ~/.cache/genai-lab); ``cache_key`` names it.
    ``config`` is a ``genai_lab.train.TrainConfig`` or None for the defaults. An entry that
    cannot be read is trained again (with a warning) and replaced. ``progress`` shows a
    progress bar while training.
    """
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    settings = None
    if config is not None:  # a TrainConfig: the caller has imported the trainer already
        config = _check_config(config)
        settings = config.to_dict()
        settings.pop("progress")  # showing a bar does not change the model
    folder = resolve_cache_dir(cache_dir) / f"default-{cache_key(settings)[:20]}"
    if folder.exists():
        try:
            return load_trained(folder)
        except ValueError as err:
            warnings.warn(f"retraining the default model: the cache entry is unusable ({err})",
                          RuntimeWarning, stacklevel=2)
    config = _check_config(config)
    data = prepare_default_data(config.n_samples, config.seed, config.val_fraction)
    gpt = GPTConfig(vocab_size=data.tokenizer.vocab_size)
    trained = _train_on(data, replace(config, progress=progress), gpt)
    trained.config = config.to_dict()
    trained.trace.config = config.to_dict()
    trained.save(folder)
    return trained
