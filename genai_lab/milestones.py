"""What the model writes while it learns: samples at chosen training steps, judged.

The loss says how surprised the model is; it does not say what the model writes. At a
series of training steps (``MILESTONE_STEPS`` and the end of every epoch) the trainer asks
a sampler (``genai_lab.generate.milestone_sampler``) for ``n`` sentences written from
[CLS], and ``SampleJudge`` judges them:

* *grammatical*: the grammar accepts the sentence (it could have produced it);
* *new* (novel): grammatical, and not one of the training sentences; else *copied*;
* *valid pairs*: the share of adjacent token pairs that occur in the training sentences,
  a measure of "word patterns" that holds long before whole sentences are right.

Each judgement is a ``SampleRecord``; ``SampleRecord.stage`` names the stage of learning
it shows (``STAGES``: random tokens -> word patterns -> grammar -> coherent -> fluent) from
those shares alone, with the thresholds below. ``samples_table``, ``stage_steps`` and
``plot_samples`` render a run's records. This module knows no model: the sentences come in
as token ids, and the grammar and the tokenizer are used through ``accepts``/``decode``.
"""
from __future__ import annotations

from dataclasses import dataclass
from textwrap import shorten

import numpy as np

from genai_lab.checks import check_array, check_float, check_int
from genai_lab.display.palette import COLORS
from genai_lab.display.table import Table

#: Training steps at which the course's sampler writes (the end of each epoch is added).
MILESTONE_STEPS = (0, 10, 25, 50, 100, 200)
#: Longest example sentence shown in ``samples_table`` (longer ones are cut at a word).
EXAMPLE_WIDTH = 44
#: Sentences drawn from the grammar as a reference use ``default_rng([seed, this])``: a
#: stream of their own. With ``default_rng(seed)`` they would repeat the very draws that
#: made the corpus (``corpus.default_corpus`` uses it) and so be training sentences.
REFERENCE_STREAM = 1


def reference_rng(seed: int) -> np.random.Generator:
    """The generator for sentences drawn from the grammar as a reference (see above)."""
    return np.random.default_rng([check_int("seed", seed, minimum=0), REFERENCE_STREAM])

# ------------------------------------------------------------------------ the record
#: The stages of learning to write, each a condition on what the model writes (a
#: ``SampleRecord``), from the first to the last. A stage holds at a step when its
#: condition and every earlier one hold.
PATTERN_SHARE = 0.9  # "word patterns": this share of the adjacent token pairs it writes
#                      (the start and end of the sentence included) occur in the training set
GRAMMAR_SHARE = 0.5  # "grammar": at least half of its sentences are sentences of the language
COHERENT_SHARE = 0.9  # "coherent": nine in ten are, long-range agreements included
FLUENT_SHARE = 0.97  # "fluent": almost all are, and ...
FLUENT_NOVELTY = 0.8  # ... its share of new sentences is at least 80% of the language's own
STAGES = ("random tokens", "word patterns", "grammar", "coherent", "fluent")


@dataclass
class SampleRecord:
    """What the model writes at one training step: ``n`` sentences sampled from [CLS],
    each judged by the grammar and looked up in the training split."""

    step: int  # Adam steps taken before sampling (0 = the untrained model)
    epoch: float  # step / steps per epoch (1.0 = the end of the first epoch)
    n: int  # sentences sampled
    finished: int  # sentences that chose [SEP] within the length limit
    grammatical: int  # finished sentences the grammar accepts
    novel: int  # grammatical sentences that are not in the training split (new)
    distinct: int  # different sentences among the n
    valid_pairs: float  # share of adjacent token pairs written that occur in the training split
    example: str  # a new grammatical sentence if there is one, else the first sentence
    reference_novel: float | None = None  # share of new sentences among n drawn from the
    #                                       grammar itself (the same test on the true language)

    def __post_init__(self) -> None:
        check_int("n", self.n, minimum=1)
        for name in ("finished", "grammatical", "novel", "distinct"):
            check_int(name, getattr(self, name), minimum=0, maximum=self.n)
        if not self.novel <= self.grammatical <= self.finished:
            raise ValueError(f"need novel <= grammatical <= finished, got {self.novel}, "
                             f"{self.grammatical}, {self.finished}")
        check_float("valid_pairs", self.valid_pairs, minimum=0.0, maximum=1.0)

    @property
    def copied(self) -> int:
        """Grammatical sentences that are also in the training split."""
        return self.grammatical - self.novel

    @property
    def grammatical_share(self) -> float:
        return self.grammatical / self.n

    @property
    def novel_share(self) -> float:
        return self.novel / self.n

    @property
    def stage(self) -> str:
        """The last of ``STAGES`` whose condition (and every earlier one) holds."""
        conditions = (self.valid_pairs >= PATTERN_SHARE,
                      self.grammatical_share >= GRAMMAR_SHARE,
                      self.grammatical_share >= COHERENT_SHARE,
                      self.grammatical_share >= FLUENT_SHARE and (
                          self.reference_novel is None
                          or self.novel_share >= FLUENT_NOVELTY * self.reference_novel))
        reached = 0
        for holds in conditions:
            if not holds:
                break
            reached += 1
        return STAGES[reached]


def observe(sample: SampleRecord) -> str:
    """One short sentence saying what the model wrote, from the judged sample alone."""
    if not isinstance(sample, SampleRecord):
        raise TypeError(f"sample must be a SampleRecord, got {type(sample).__name__}")
    return (f"{sample.stage}: {100 * sample.grammatical_share:.0f}% grammatical, "
            f"{100 * sample.novel_share:.0f}% new")



def _content(row, cls_id: int, sep_id: int, pad_id: int) -> tuple[int, ...]:
    """The ids after [CLS] up to and including [SEP] (or the last non-pad id)."""
    ids = [int(i) for i in row if int(i) != pad_id]
    if ids and ids[0] == cls_id:
        ids = ids[1:]
    if sep_id in ids:
        ids = ids[: ids.index(sep_id) + 1]
    return tuple(ids)


class SampleJudge:
    """Judges sentences written by a model against the grammar and the training split.

    train_ids: (N, L) padded training rows ``[CLS] w1..wn [SEP] [PAD]..``; ``grammar``
    needs ``accepts(text)`` (and ``sample(rng)`` for ``reference_novel``); ``tokenizer``
    needs ``decode``, ``encode`` and the ids ``cls_id``, ``sep_id``, ``pad_id``.
    """

    def __init__(self, train_ids: object, grammar, tokenizer):
        rows = check_array("train_ids", train_ids, ndim=2, kind="i")
        for name in ("accepts",):
            if not callable(getattr(grammar, name, None)):
                raise TypeError(f"grammar must have an {name}() method, got "
                                f"{type(grammar).__name__}")
        for name in ("decode", "encode", "cls_id", "sep_id", "pad_id"):
            if not hasattr(tokenizer, name):
                raise TypeError(f"tokenizer must be a trained WordTokenizer, got "
                                f"{type(tokenizer).__name__} (no {name!r})")
        self.grammar, self.tokenizer = grammar, tokenizer
        ids = (tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id)
        self.known = {_content(row, *ids) for row in rows}  # the training sentences, as ids
        self.pairs = set()  # (a, b): token b follows token a somewhere in the training split
        for sentence in self.known:
            seq = (tokenizer.cls_id,) + sentence
            self.pairs.update(zip(seq[:-1], seq[1:]))

    def judge(self, step: int, epoch: float, sentences: list[list[int]],
              reference_novel: float | None = None) -> SampleRecord:
        """A SampleRecord for ``sentences``: id lists written from [CLS] (without it), each
        ending with [SEP] if the model chose it."""
        step = check_int("step", step, minimum=0)
        epoch = check_float("epoch", epoch, minimum=0.0)
        if not isinstance(sentences, list) or not sentences:
            raise ValueError("sentences must be a non-empty list of id lists")
        tok = self.tokenizer
        finished = grammatical = novel = good_pairs = all_pairs = 0
        texts, example = [], None
        for ids in sentences:
            ids = tuple(int(i) for i in ids)
            text = tok.decode(list(ids))
            texts.append(text)
            seq = (tok.cls_id,) + ids
            all_pairs += len(seq) - 1
            good_pairs += sum(p in self.pairs for p in zip(seq[:-1], seq[1:]))
            if not ids or ids[-1] != tok.sep_id:
                continue
            finished += 1
            if self.grammar.accepts(text):
                grammatical += 1
                if ids not in self.known:
                    novel += 1
                    example = text if example is None else example
        return SampleRecord(step=step, epoch=epoch, n=len(sentences), finished=finished,
                            grammatical=grammatical, novel=novel, distinct=len(set(texts)),
                            valid_pairs=good_pairs / max(all_pairs, 1),
                            example=texts[0] if example is None else example,
                            reference_novel=reference_novel)

    def is_new(self, text: str) -> bool:
        """True if ``text`` (a sentence) is not one of the training sentences."""
        ids = self.tokenizer.encode(text)
        return _content(ids, self.tokenizer.cls_id, self.tokenizer.sep_id,
                        self.tokenizer.pad_id) not in self.known

    def reference_novel(self, n: int, seed: int = 0) -> float:
        """Share of ``n`` sentences drawn from the grammar itself (``reference_rng(seed)``)
        that are not in the training split: "new" for the true language, sampled."""
        n = check_int("n", n, minimum=1)
        rng = reference_rng(seed)
        return sum(self.is_new(self.grammar.sample(rng)) for _ in range(n)) / n


# ------------------------------------------------------------------------ renderings
def stage_steps(samples: list[SampleRecord]) -> list[tuple[str, int | None]]:
    """(stage, first step at which it held, or None) for every stage after the first."""
    first = {}
    for s in samples:
        reached = STAGES.index(s.stage)
        for stage in STAGES[1:reached + 1]:
            first.setdefault(stage, s.step)
    return [(stage, first.get(stage)) for stage in STAGES[1:]]


def samples_table(samples: list[SampleRecord]) -> Table:
    """One row per sampling step: what the model wrote and what it shows."""
    rows = [(s.step, f"{s.epoch:.2f}", f"{100 * s.valid_pairs:.0f}%",
             f"{100 * s.grammatical_share:.0f}%", f"{100 * s.novel_share:.0f}%",
             s.stage, shorten(s.example, EXAMPLE_WIDTH, placeholder=" ...")) for s in samples]
    n = samples[0].n if samples else 0
    ref = next((s.reference_novel for s in samples if s.reference_novel is not None), None)
    caption = (f"At each step the model writes {n} sentences from [CLS] (temperature 1). "
               "pairs: adjacent token pairs seen in training; new: grammatical and not a "
               "training sentence")
    if ref is not None:
        caption += f" ({100 * ref:.0f}% of {n} sentences drawn from the grammar are new)"
    return Table("What the model writes while it learns",
                 ("step", "epoch", "pairs", "grammatical", "new", "stage", "example"),
                 rows, caption=caption + ".")


def plot_samples(samples: list[SampleRecord]):
    """(Figure, alt): valid pairs, grammatical and new shares against the training step."""
    from matplotlib.figure import Figure

    steps = [max(s.step, 0.5) for s in samples]  # step 0 drawn at 0.5 on the log axis
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.subplots()
    series = (("valid word pairs", [s.valid_pairs for s in samples], "o", "-",
               COLORS["baseline"]),
              ("grammatical", [s.grammatical_share for s in samples], "s", "--",
               COLORS["train"]),
              ("new and grammatical", [s.novel_share for s in samples], "^", ":",
               COLORS["validation"]))
    for label, ys, marker, style, color in series:
        ax.plot(steps, [100 * y for y in ys], marker=marker, linestyle=style, color=color,
                label=label)
    ref = next((s.reference_novel for s in samples if s.reference_novel is not None), None)
    if ref is not None:
        ax.axhline(100 * ref, color=COLORS["floor"], linestyle="-.", linewidth=1,
                   label=f"new, in sentences of the grammar ({100 * ref:.0f}%)")
    ax.set_xscale("log")
    ax.set_xlabel("training step (log scale; the untrained model at the left)")
    ax.set_ylabel("share of the sentences written (%)")
    ax.set_ylim(0, 105)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    points = "; ".join(f"step {s.step}: {100 * s.valid_pairs:.0f}% pairs, "
                       f"{100 * s.grammatical_share:.0f}% grammatical, "
                       f"{100 * s.novel_share:.0f}% new" for s in samples)
    alt = (f"Line chart of what the model writes against the training step, on a log "
           f"scale: the share of valid word pairs, of grammatical sentences and of new "
           f"grammatical sentences. {points}.")
    return fig, alt
