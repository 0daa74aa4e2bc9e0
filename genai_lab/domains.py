"""Beyond text: the same five stages, the same model and the same code make pictures and music.

A *domain* is a kind of data with a known generating process: ``"picture"`` (the picture
grammar of ``genai_lab.picture``) or ``"music"`` (the melody grammar of
``genai_lab.melody``). Each stage of the text pipeline is reused as it is:

1. collection: sample a corpus from the domain's grammar (``domain_corpus``);
2. preprocessing: a picture or a melody is already a "sentence" of words (colour names in
   raster order, or note/duration tokens), so the course's ``WordTokenizer`` encodes it;
3. embeddings and 4. training: the same ``TransformerLM`` trained by the same
   ``genai_lab.train.train`` loop, the grammar's entropy per token as its floor;
5. generation: the same ``sample_sentences`` and ``generation_quality`` with the same
   ``SamplingConfig``; the grammar's ``accepts`` says whether a generated one is valid.

``domain_model(domain)`` trains each domain's model once and keeps it in the same on-disk
cache as the text model (``genai_lab.pretrained``), under ``<domain>-<key>``.
``measure`` gives the numbers the chapter reports: final loss / floor, validity at the
default sampling and across temperatures, and how many valid generations are new.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from genai_lab.checks import check_float, check_int, check_str, show_value
from genai_lab.display.table import Table
from genai_lab.generate import (DEFAULT_SAMPLING, DEFAULT_TEMPERATURES, QualityReport,
                                generation_quality, sample_sentences)
from genai_lab.melody import (SAMPLE_RATE, TEMPO, TEMPOS, MelodyGrammar, melody_corpus, notes,
                              write_wav)
from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.picture import PictureGrammar, picture_corpus, to_rgb, write_png
from genai_lab.pretrained import (DefaultData, TrainedModel, cache_key, load_trained,
                                  prepare_data, resolve_cache_dir)
from genai_lab.sampling import SamplingConfig
from genai_lab.softmax import log_softmax
from genai_lab.tokenizer import WordTokenizer

DOMAINS = ("picture", "music")

#: How each domain is trained: fields of ``genai_lab.train.TrainConfig`` that differ from
#: its defaults. A picture is 65 predictions and a melody about 29, against about 8 for a
#: sentence, so a step of 8 sequences costs about what a step of 32 sentences does; small
#: batches give the many Adam steps that reach the floor in well under a minute of CPU
#: (``benchmarks/bench_domains.py`` prints the time).
TRAINING = {
    "picture": {"n_samples": 4000, "epochs": 5, "batch_size": 8},
    "music": {"n_samples": 4000, "epochs": 5, "batch_size": 8},
}

#: The domain's source files; with ``pretrained.MODEL_SOURCES`` they make the cache key.
SOURCES = ("picture.py", "melody.py", "domains.py")

#: Name of the file in a cache entry that records the domain and the training time.
INFO_FILE = "domain.json"


def check_domain(domain: object) -> str:
    """``domain`` if it is one of ``DOMAINS``; TypeError or ValueError naming it otherwise."""
    check_str("domain", domain)
    if domain not in DOMAINS:
        raise ValueError(f"domain must be one of {DOMAINS}, got {show_value(domain)}")
    return domain


def domain_grammar(domain: str):
    """The grammar of ``domain``: ``PictureGrammar()`` (8 x 8) or ``MelodyGrammar()``."""
    return PictureGrammar() if check_domain(domain) == "picture" else MelodyGrammar()


# ------------------------------------------------------------------ stages 1 and 2
def domain_corpus(domain: str, n_samples: int = 4000, seed: int = 0) -> list[str]:
    """Stage 1: ``n_samples`` pictures or melodies, as text, drawn with ``seed``."""
    if check_domain(domain) == "picture":
        return picture_corpus(n_samples, seed)
    return melody_corpus(n_samples, seed)


def prepare_domain_data(domain: str, n_samples: int = 4000, seed: int = 0,
                        val_fraction: float = 0.1) -> DefaultData:
    """Stages 1-2 exactly as for text: sample, split, train the tokenizer, encode both splits
    padded to the longest sequence (pictures all have 66 tokens, melodies vary)."""
    texts = domain_corpus(domain, n_samples, seed)
    return prepare_data(domain_grammar(domain), texts, seed=seed, val_fraction=val_fraction)


def domain_gpt_config(data: DefaultData) -> GPTConfig:
    """The default ``GPTConfig`` with the data's vocabulary and a ``block_size`` of L.

    Training reads L - 1 inputs; ``sample_sentences`` writes up to ``block_size - 1`` new
    tokens, so block_size = L lets it write a whole picture and its [SEP].
    """
    return GPTConfig(vocab_size=data.tokenizer.vocab_size, block_size=data.train_ids.shape[1])


# ------------------------------------------------------------------ stages 3 and 4
@dataclass
class DomainModel:
    """A trained model of one domain and what its training cost."""

    domain: str  # "picture" or "music"
    trained: TrainedModel  # model, tokenizer, trace, grammar, splits (as for text)
    cpu_seconds: float  # CPU time of training (process time, all threads)
    wall_seconds: float  # wall-clock time of training

    @property
    def model(self) -> TransformerLM:
        return self.trained.model

    @property
    def tokenizer(self) -> WordTokenizer:
        return self.trained.tokenizer

    @property
    def grammar(self):
        return self.trained.grammar

    def training_texts(self) -> set[str]:  # the training split, as text
        return {self.tokenizer.decode(row) for row in self.trained.train_ids}


def _train_config(domain: str, progress: bool):
    """The domain's ``TrainConfig`` (imports the trainer, only when a model must be trained)."""
    from genai_lab.train import TrainConfig  # kept out of loading a trained model

    return TrainConfig(**TRAINING[domain], progress=progress)


def train_domain(domain: str, config=None, progress: bool = False) -> DomainModel:
    """Train a fresh model of ``domain`` (no cache) with the same ``train`` loop as text.

    ``config`` is a ``genai_lab.train.TrainConfig`` (default: the domain's ``TRAINING``).
    """
    from genai_lab.train import TrainConfig, train  # kept out of loading a trained model

    domain = check_domain(domain)
    config = _train_config(domain, progress) if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got {type(config).__name__}")
    data = prepare_domain_data(domain, config.n_samples, config.seed, config.val_fraction)
    model = TransformerLM(domain_gpt_config(data), seed=config.seed)
    wall, cpu = time.perf_counter(), time.process_time()
    trace = train(model, data.train_ids, data.val_ids, config, tokenizer=data.tokenizer,
                  grammar=data.grammar)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    trained = TrainedModel(model=model, tokenizer=data.tokenizer, trace=trace,
                           grammar=data.grammar, config=config.to_dict(),
                           train_ids=data.train_ids, val_ids=data.val_ids)
    return DomainModel(domain, trained, cpu_seconds=cpu, wall_seconds=wall)


def domain_cache_key(domain: str) -> str:
    """Hex digest naming the cache entry of ``domain``: ``pretrained.cache_key`` of the
    domain's training settings and the content of its ``SOURCES``."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return cache_key({"domain": check_domain(domain), "training": TRAINING[domain],
                      "sources": digest.hexdigest()})


def load_domain(folder, domain: str) -> DomainModel:
    """Read a cache entry written by ``domain_model``; ValueError if it is incomplete."""
    domain = check_domain(domain)
    trained = load_trained(folder)
    try:
        info = json.loads((Path(folder) / INFO_FILE).read_text(encoding="utf-8"))
        if info["domain"] != domain:
            raise ValueError(f"it holds a {info['domain']!r} model")
        cpu, wall = float(info["cpu_seconds"]), float(info["wall_seconds"])
    except (OSError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{str(folder)!r} is not a complete {domain} model: "
                         f"{type(err).__name__}: {err}") from None
    trained = replace(trained, grammar=domain_grammar(domain))
    trace = trained.trace
    trace.floor = float(trained.grammar.entropy_per_token())
    return DomainModel(domain, trained, cpu_seconds=cpu, wall_seconds=wall)


def domain_model(domain: str, cache_dir=None, progress: bool = False) -> DomainModel:
    """The trained model of ``domain``: trained once, then loaded from the cache.

    The cache is the text model's (``cache_dir``, else $GENAI_LAB_CACHE, else
    ~/.cache/genai-lab); the entry ``<domain>-<key>`` is retrained (with a warning) if it
    cannot be read.
    """
    domain = check_domain(domain)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    folder = resolve_cache_dir(cache_dir) / f"{domain}-{domain_cache_key(domain)[:20]}"
    if folder.exists():
        try:
            return load_domain(folder, domain)
        except ValueError as err:
            warnings.warn(f"retraining the {domain} model: the cache entry is unusable "
                          f"({err})", RuntimeWarning, stacklevel=2)
    result = train_domain(domain, progress=progress)
    result.trained.config = _train_config(domain, False).to_dict()
    result.trained.trace.config = result.trained.config
    result.trained.save(folder)
    info = {"domain": domain, "cpu_seconds": result.cpu_seconds,
            "wall_seconds": result.wall_seconds}
    (folder / INFO_FILE).write_text(json.dumps(info), encoding="utf-8")
    return result


# ------------------------------------------------------------------ stage 5
def generate_domain(dm: DomainModel, n: int = 1, sampling: SamplingConfig | None = None,
                    seed: int = 0) -> list[str]:
    """``n`` pictures or melodies (as text) from the model with the same sampler as text.

    The same ``seed`` and ``sampling`` (default ``DEFAULT_SAMPLING``) give the same output.
    """
    if not isinstance(dm, DomainModel):
        raise TypeError(f"dm must be a DomainModel, got {type(dm).__name__}")
    n = check_int("n", n, minimum=1, maximum=10_000)
    seed = check_int("seed", seed, minimum=0)
    sampling = DEFAULT_SAMPLING if sampling is None else sampling
    if not isinstance(sampling, SamplingConfig):
        raise TypeError(f"sampling must be a SamplingConfig or None, "
                        f"got {type(sampling).__name__}")
    rows = sample_sentences(dm.model, dm.tokenizer, n, sampling, np.random.default_rng(seed))
    return [dm.tokenizer.decode(row) for row in rows]


def position_loss(dm: DomainModel) -> np.ndarray:
    """Mean validation loss (nats) at each target position: (L - 1,), [PAD] targets left out
    (a picture's 64 pixels and its [SEP]; compare with ``picture.pixel_entropy``)."""
    ids = dm.trained.val_ids                                   # (M, L)
    x, y = ids[:, :-1], ids[:, 1:]                             # (M, L-1) each
    logp = log_softmax(dm.model.forward(x).astype(np.float64))  # (M, L-1, V)
    loss = -np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]  # (M, L-1)
    keep = y != dm.tokenizer.pad_id
    return (loss * keep).sum(axis=0) / np.maximum(keep.sum(axis=0), 1)


@dataclass
class DomainReport:
    """How well a domain's model learned: loss against the floor, validity, novelty."""

    domain: str
    floor: float  # entropy floor per token of the grammar (nats)
    final_loss: float  # validation loss per token after training (nats)
    bigram: float  # the bigram baseline on the same split (nats)
    quality: QualityReport  # validity and novelty per setting, and the grammar's own draws
    cpu_seconds: float  # CPU time of training

    @property
    def final_over_floor(self) -> float:
        return self.final_loss / self.floor

    @property
    def n(self) -> int:  # generations at the default sampling
        return self.quality.default.n

    @property
    def valid(self) -> int:
        """Generations at the default sampling that the grammar could have produced."""
        return self.quality.default.accepted

    @property
    def novel(self) -> int:
        """Valid generations at the default sampling that are not in the training split."""
        return self.quality.default.novel

    @property
    def copied(self) -> int:
        """Valid generations at the default sampling that are in the training split."""
        return self.valid - self.novel

    def row(self) -> tuple:
        return (self.domain, round(self.floor, 4), round(self.final_loss, 4),
                round(self.final_over_floor, 3),
                f"{100 * self.valid / self.n:.1f}%", f"{100 * self.novel / self.n:.1f}%",
                f"{100 * self.copied / self.n:.1f}%", round(self.cpu_seconds, 1))

    def to_dict(self) -> dict:
        return {"domain": self.domain, "floor": self.floor, "final_loss": self.final_loss,
                "final_over_floor": self.final_over_floor, "bigram": self.bigram,
                "n": self.n, "valid": self.valid, "copied": self.copied, "novel": self.novel,
                "cpu_seconds": self.cpu_seconds, "quality": self.quality.to_dict()}


REPORT_COLUMNS = ("domain", "floor", "final loss", "final / floor", "valid", "new",
                  "copied", "training CPU s")


def report_table(reports) -> Table:
    """One row per domain report (REPORT_COLUMNS)."""
    return Table("Pictures and music: the same model, measured like text", REPORT_COLUMNS,
                 [r.row() for r in reports],
                 caption="floor: the grammar's entropy per token (nats); valid, new, "
                         "copied: shares of the generations at the default sampling that "
                         "the grammar accepts, and of those not in (or in) the training "
                         "split.")


def measure(dm: DomainModel, n: int = 200, temperatures=DEFAULT_TEMPERATURES,
            seed: int = 0) -> DomainReport:
    """Validity and novelty of ``n`` generations at the default sampling and at each
    temperature, and of ``n`` pictures or melodies the grammar itself draws: the text
    model's measure, ``generation_quality``, with the training split."""
    if not isinstance(dm, DomainModel):
        raise TypeError(f"dm must be a DomainModel, got {type(dm).__name__}")
    quality = generation_quality(dm.model, dm.tokenizer, dm.grammar, n=n,
                                 temperatures=temperatures, seed=seed,
                                 train_ids=dm.trained.train_ids)
    trace = dm.trained.trace
    return DomainReport(domain=dm.domain, floor=float(dm.grammar.entropy_per_token()),
                        final_loss=trace.final_val_loss, bigram=float(trace.bigram),
                        quality=quality, cpu_seconds=dm.cpu_seconds)


# ------------------------------------------------------------------ files
#: The file each domain writes, by suffix.
SUFFIXES = {"picture": ".png", "music": ".wav"}
SCALES = (1, 64)  # pixels per picture pixel in a PNG file


@dataclass
class SavedGeneration:
    """One generated picture or melody and the file it was written to."""

    domain: str
    text: str  # the tokens the model wrote
    valid: bool  # whether the grammar could have produced it
    path: str  # the PNG or WAV file
    details: dict  # PNG: width and height; WAV: seconds, sample rate, notes

    def to_dict(self) -> dict:
        return {"domain": self.domain, "text": self.text, "valid": self.valid,
                "path": self.path, **self.details}

    def __str__(self) -> str:
        what = ", ".join(f"{k} {v}" for k, v in self.details.items())
        return (f"{self.text}\n{'valid' if self.valid else 'NOT valid'} {self.domain}; "
                f"wrote {self.path} ({what})")


def check_output(domain: str, path, scale: int = 16, tempo: float = TEMPO) -> Path:
    """Check where and how a generation will be written, before any model is trained.

    ``path`` must end in ".png" (picture) or ".wav" (music) and its folder must exist;
    ``scale`` is in 1..64, ``tempo`` in 40..240 quarter notes per minute.
    """
    domain = check_domain(domain)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = Path(path)
    if path.suffix.lower() != SUFFIXES[domain]:
        raise ValueError(f"a {domain} is written as {SUFFIXES[domain]}, got the file name "
                         f"{str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} "
                         f"does not exist")
    check_int("scale", scale, minimum=SCALES[0], maximum=SCALES[1])
    check_float("tempo", tempo, minimum=TEMPOS[0], maximum=TEMPOS[1])
    return path


def save_generation(domain: str, text: str, path, scale: int = 16,
                    tempo: float = TEMPO) -> SavedGeneration:
    """Write a picture as PNG (each pixel ``scale`` x ``scale``) or a melody as WAV.

    ValueError (naming the path) if the file cannot be written, or if a melody is not
    playable (its tokens are not degree/duration pairs).
    """
    path = check_output(domain, path, scale, tempo)
    check_str("text", text)
    grammar = domain_grammar(domain)
    try:
        if domain == "picture":
            rgb = to_rgb(text, scale)                                   # (H, W, 3)
            write_png(path, rgb)
            details = {"width": int(rgb.shape[1]), "height": int(rgb.shape[0])}
        else:
            played = notes(text)
            write_wav(path, text, tempo)
            details = {"seconds": sum(b for _, b, _, _ in played) * 60.0 / tempo,
                       "sample_rate": SAMPLE_RATE, "notes": len(played)}
    except OSError as err:
        raise ValueError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return SavedGeneration(domain, text, grammar.accepts(text), str(path), details)
