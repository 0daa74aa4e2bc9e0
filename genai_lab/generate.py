"""Stage 5, generation: write new text one token at a time, and measure how good it is.

The loop of ``generate``::

    ids = [CLS] + the prompt's tokens                      (no [SEP]: the text goes on)
    repeat up to max_new_tokens times:
        logits = model.forward(ids[-block_size:])[0, -1]    (V,) scores for the next token
        next   = select_next(logits, sampling, rng)         greedy / temperature / top-k / top-p
        ids.append(next); stop after [SEP] if stop_at_end

Decisions:
* An empty prompt is allowed: generation then starts from [CLS] alone (a new sentence).
* Words the tokenizer does not know become [UNK] (the model has seen [UNK] rarely or
  never, so what follows is unreliable); ``generate`` warns with a ``UserWarning`` that
  names them, and goes on.
* The context is cropped to the model's last ``block_size`` tokens.

``generation_quality`` measures the share of sentences sampled from [CLS] that the corpus's
grammar accepts, at the course's default sampling settings and across temperatures, and,
given the training split, how many are new (not training sentences) against the same count
for sentences drawn from the grammar itself. ``milestone_sampler`` is the hook ``train``
calls to record what the model writes while it learns (``genai_lab.milestones``).
"""
from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field

import numpy as np

from genai_lab.checks import check_float, check_int, check_rng, check_str
from genai_lab.display.table import Table
from genai_lab.milestones import (MILESTONE_STEPS, SampleJudge, SampleRecord,
                                  reference_rng)
from genai_lab.model import TransformerLM
from genai_lab.sampling import SamplingConfig, Selection, select_next
from genai_lab.text import sentence_case, split_words

#: The course's default way to choose words: sample (so texts vary), slightly sharpened
#: (temperature 0.8) and without the unlikely tail (top-p 0.9). Chosen by measuring
#: ``generation_quality`` on the default model: plain sampling at temperature 1 lets a few
#: ungrammatical sentences through (the model leaks a little probability to wrong words),
#: cutting the tail with top-p removes almost all of them while many distinct sentences
#: remain. tests/test_pretrained.py checks that it keeps >= 95% acceptance.
DEFAULT_SAMPLING = SamplingConfig(method="sample", temperature=0.8, top_k=None, top_p=0.9)

#: Temperatures ``generation_quality`` compares by default.
DEFAULT_TEMPERATURES = (0.5, 0.8, 1.0, 1.2, 1.5)


def _off(value) -> str:
    """A sampling filter's value for display: "off" when it is None."""
    return "off" if value is None else f"{value:g}"


@dataclass
class Generation:
    """The result of one ``generate`` call."""

    prompt: str  # the text generation started from
    text: str  # prompt and continuation, decoded (special tokens dropped)
    new_text: str  # the continuation only, decoded
    ids: list[int]  # every id: [CLS], the prompt's ids, the new ids (with [SEP] if reached)
    n_prompt: int  # how many of ``ids`` came from the prompt ([CLS] included)
    stopped_at_end: bool  # True if generation ended by choosing [SEP]
    sampling: SamplingConfig  # how words were chosen
    selections: list[Selection] = field(default_factory=list)  # one per step if record=True
    tokens: list[str] = field(default_factory=list)  # the tokens of ``ids``
    # per recorded step, the model's top candidates as (token, raw probability)
    candidate_tokens: list[list[tuple[str, float]]] = field(default_factory=list)

    @property
    def new_ids(self) -> list[int]:
        return self.ids[self.n_prompt:]

    @property
    def sentence(self) -> str:
        """``text`` as a reader expects it: each sentence starts with a capital letter."""
        return sentence_case(self.text)

    def table(self) -> Table:
        """One row per generated token: step, token, its probability, the top candidates."""
        rows = []
        for step, tid in enumerate(self.new_ids):
            tok = self.tokens[self.n_prompt + step]
            if self.selections:
                sel = self.selections[step]
                prob = float(sel.probs[tid])
                top = ", ".join(f"{name} {r:.2f}" for name, r in self.candidate_tokens[step][:3])
            else:
                prob, top = "", ""
            rows.append((step + 1, tok, prob, top))
        return Table(f"Generation from {self.prompt!r}",
                     ("step", "chosen token", "probability", "model's top 3 (raw)"), rows,
                     caption=f"{self.text!r} ({self._how()})")

    def _how(self) -> str:
        s = self.sampling
        return (f"{s.method}, temperature {s.temperature:g}, top-k {_off(s.top_k)}, "
                f"top-p {_off(s.top_p)}")

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        if self.selections:
            return self.table()._repr_html_()
        return f"<p><code>{html.escape(self.text)}</code> <small>({self._how()})</small></p>"

    def to_dict(self) -> dict:
        """JSON-safe form (selections as their candidates, not full distributions)."""
        return {"prompt": self.prompt, "text": self.text, "new_text": self.new_text,
                "ids": list(self.ids), "tokens": list(self.tokens), "n_prompt": self.n_prompt,
                "stopped_at_end": self.stopped_at_end,
                "sampling": {"method": self.sampling.method,
                             "temperature": self.sampling.temperature,
                             "top_k": self.sampling.top_k, "top_p": self.sampling.top_p},
                "steps": [{"token_id": s.token_id,
                           "prob": float(s.probs[s.token_id]),
                           "candidates": [{"id": i, "token": name, "raw_prob": r, "prob": q}
                                         for (i, r, q), (name, _) in zip(s.candidates, names)]}
                          for s, names in zip(self.selections, self.candidate_tokens)]}


def _prompt_ids(tokenizer, prompt: str) -> list[int]:
    """[CLS] + the prompt's ids (no [SEP]); warns about words outside the vocabulary."""
    ids = tokenizer.encode(prompt)[:-1]  # drop the final [SEP]
    unknown = [w for w, t in zip(split_words(prompt), ids[1:]) if t == tokenizer.unk_id]
    if unknown:
        warnings.warn(f"the prompt has words the model never saw, replaced by [UNK]: "
                      f"{unknown}", UserWarning, stacklevel=3)
    return ids


def check_model_and_tokenizer(model, tokenizer) -> None:
    """Raise TypeError unless ``model`` is a TransformerLM and ``tokenizer`` a trained word
    tokenizer (``encode``, ``decode``, ``id_to_token``) with as many ids as the model."""
    if not isinstance(model, TransformerLM):
        raise TypeError(f"model must be a TransformerLM, got {type(model).__name__}")
    for name in ("encode", "decode", "id_to_token", "vocab_size"):
        if not hasattr(tokenizer, name):
            raise TypeError(f"tokenizer must be a trained WordTokenizer, got "
                            f"{type(tokenizer).__name__} (no {name!r})")
    if tokenizer.vocab_size != model.config.vocab_size:
        raise ValueError(f"the tokenizer has {tokenizer.vocab_size} tokens but the model "
                         f"expects vocab_size={model.config.vocab_size}: they do not belong "
                         f"together")


def _check_sampling(sampling) -> SamplingConfig:
    if sampling is None:
        return DEFAULT_SAMPLING
    if not isinstance(sampling, SamplingConfig):
        raise TypeError(f"sampling must be a SamplingConfig or None, got "
                        f"{type(sampling).__name__}")
    return sampling


def generate(model, tokenizer, prompt: str, max_new_tokens: int = 20,
             sampling: SamplingConfig | None = None, seed: int = 0,
             rng: np.random.Generator | None = None, stop_at_end: bool = True,
             record: bool = False) -> Generation:
    """Continue ``prompt`` with up to ``max_new_tokens`` tokens chosen by ``sampling``.

    sampling: a SamplingConfig (default ``DEFAULT_SAMPLING``). Randomness comes from ``rng``
        if given, else from ``np.random.default_rng(seed)``: the same seed gives the same text.
    stop_at_end: stop as soon as [SEP] is chosen (it is kept in ``ids``, not in ``text``).
    record: keep every step's Selection (probabilities, candidates) in ``selections``.
    """
    check_model_and_tokenizer(model, tokenizer)
    prompt = check_str("prompt", prompt)
    max_new_tokens = check_int("max_new_tokens", max_new_tokens, minimum=1)
    sampling = _check_sampling(sampling)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0)) if rng is None \
        else check_rng("rng", rng)
    if not isinstance(stop_at_end, bool) or not isinstance(record, bool):
        raise TypeError("stop_at_end and record must be True or False, got "
                        f"{stop_at_end!r} and {record!r}")
    ids = _prompt_ids(tokenizer, prompt)
    n_prompt = len(ids)
    block = model.config.block_size
    selections: list[Selection] = []
    stopped = False
    for _ in range(max_new_tokens):
        context = np.array(ids[-block:], dtype=np.int64)[None, :]  # (1, T), T <= block_size
        logits = model.forward(context)[0, -1]                      # (V,)
        sel = select_next(logits, sampling, rng)
        ids.append(sel.token_id)
        if record:
            selections.append(sel)
        if stop_at_end and sel.token_id == tokenizer.sep_id:
            stopped = True
            break
    return Generation(prompt=prompt, text=tokenizer.decode(ids),
                      new_text=tokenizer.decode(ids[n_prompt:]), ids=ids, n_prompt=n_prompt,
                      stopped_at_end=stopped, sampling=sampling, selections=selections,
                      tokens=[tokenizer.id_to_token(i) for i in ids],
                      candidate_tokens=[[(tokenizer.id_to_token(i), r) for i, r, _ in s.candidates]
                                        for s in selections])


# ------------------------------------------------------------------------- quality
def sample_sentences(model, tokenizer, n: int, sampling: SamplingConfig,
                     rng: np.random.Generator, max_new_tokens: int | None = None
                     ) -> list[list[int]]:
    """``n`` sentences generated from [CLS] in one batch: a list of n id lists.

    All n contexts grow together, one forward pass of shape (n, t) per step; each row's
    next token is chosen by ``select_next`` with the shared ``rng`` (row by row, in order).
    A row is finished after [SEP]; its list includes [SEP] if it was reached. By default a
    sentence may be ``block_size - 1`` tokens long, so the context never needs cropping.
    """
    n = check_int("n", n, minimum=1)
    limit = model.config.block_size - 1 if max_new_tokens is None \
        else check_int("max_new_tokens", max_new_tokens, minimum=1)
    block = model.config.block_size
    ids = np.full((n, 1), tokenizer.cls_id, dtype=np.int64)  # (n, 1)
    done = np.zeros(n, dtype=bool)
    for _ in range(limit):
        logits = model.forward(ids[:, -block:])[:, -1]          # (n, V)
        nxt = np.full(n, tokenizer.pad_id, dtype=np.int64)      # finished rows get [PAD]
        for i in np.flatnonzero(~done):
            nxt[i] = select_next(logits[i], sampling, rng, n_candidates=0).token_id
        ids = np.concatenate([ids, nxt[:, None]], axis=1)      # (n, t + 1)
        done |= nxt == tokenizer.sep_id
        if done.all():
            break
    out = []
    for row in ids[:, 1:]:
        row = row.tolist()
        out.append(row[: row.index(tokenizer.sep_id) + 1] if tokenizer.sep_id in row else row)
    return out


def milestone_sampler(tokenizer, grammar, train_ids: object,
                      steps: tuple[int, ...] = MILESTONE_STEPS, n: int = 100, seed: int = 0,
                      sampling: SamplingConfig | None = None):
    """The ``on_step`` hook for ``train``: what the model writes at ``steps`` and at the end
    of every epoch (whole ``epoch`` numbers), judged by ``milestones.SampleJudge``.

    At each such step the model writes ``n`` sentences from [CLS] with ``sampling`` (default:
    plain sampling at temperature 1, the model's own probabilities), always from
    ``np.random.default_rng(seed)``, so steps differ only by the weights. Between them the
    hook returns None at once. ``reference_novel`` is measured once, on ``n`` sentences
    drawn from the grammar.
    """
    judge = SampleJudge(train_ids, grammar, tokenizer)
    steps = frozenset(check_int("steps[i]", k, minimum=0) for k in steps)
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    sampling = SamplingConfig(method="sample") if sampling is None else _check_sampling(sampling)
    reference = judge.reference_novel(n, seed)

    def on_step(step: int, epoch: float, model) -> SampleRecord | None:
        if step not in steps and not (step > 0 and float(epoch).is_integer()):
            return None
        sentences = sample_sentences(model, tokenizer, n, sampling, np.random.default_rng(seed))
        return judge.judge(step, epoch, sentences, reference)

    return on_step


@dataclass
class QualityRow:
    """Acceptance at one sampling setting."""

    label: str  # "default", "temperature 1.2" or "the grammar itself"
    sampling: SamplingConfig | None  # the setting (None: sentences drawn from the grammar)
    n: int  # sentences generated
    accepted: int  # sentences the grammar accepts
    unfinished: int  # sentences that never chose [SEP] within the length limit
    distinct: int  # different sentences among the n (repeating one sentence is not quality)
    example: str  # the first generated sentence
    novel: int | None = None  # accepted sentences that are not training sentences (if known)

    @property
    def acceptance(self) -> float:
        return self.accepted / self.n

    @property
    def copied(self) -> int | None:
        """Accepted sentences that are training sentences (None if not measured)."""
        return None if self.novel is None else self.accepted - self.novel


@dataclass
class QualityReport:
    """Share of generated sentences the grammar accepts, per sampling setting."""

    rows: list[QualityRow]
    reference: QualityRow | None = None  # the same counts for sentences drawn from the
    #                                      grammar itself (with the training split only)

    @property
    def default(self) -> QualityRow:
        return self.rows[0]

    def table(self) -> Table:
        """One narrow row per setting: shares of the n sentences (new + copied + wrong = 100%)."""
        def pct(k, r):
            return "-" if k is None else f"{100 * k / r.n:.1f}%"
        rows = [(r.label, pct(r.accepted, r), pct(r.novel, r), pct(r.copied, r),
                 pct(r.n - r.accepted, r), r.distinct)
                for r in self.rows + ([self.reference] if self.reference else [])]
        last = self.rows[-1].sampling
        return Table("Generation quality: what the grammar accepts, and what is new",
                     ("setting", "grammatical", "new", "copied", "ungrammatical", "distinct"),
                     rows,
                     caption=f"{self.default.n} sentences per row, each sampled from [CLS] "
                             f"to [SEP] (temperature rows: top-k {_off(last.top_k)}, "
                             f"top-p {_off(last.top_p)}). grammatical = new + copied: "
                             "the grammar could have produced it; new: not a training "
                             "sentence; distinct: different sentences among them.")

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def to_dict(self) -> dict:
        def row(r):
            cfg = r.sampling
            return {"label": r.label, "method": None if cfg is None else cfg.method,
                    "temperature": None if cfg is None else cfg.temperature,
                    "top_k": None if cfg is None else cfg.top_k,
                    "top_p": None if cfg is None else cfg.top_p, "n": r.n,
                    "accepted": r.accepted, "acceptance": r.acceptance,
                    "unfinished": r.unfinished, "distinct": r.distinct, "novel": r.novel,
                    "example": r.example}
        return {"rows": [row(r) for r in self.rows],
                "reference": None if self.reference is None else row(self.reference)}


def generation_quality(model, tokenizer, grammar, n: int = 200,
                       temperatures=DEFAULT_TEMPERATURES, top_k: int | None = None,
                       top_p: float | None = None, seed: int = 0,
                       default: SamplingConfig | None = None,
                       train_ids: object = None) -> QualityReport:
    """Generate ``n`` sentences per setting and count those ``grammar.accepts``.

    The first row uses ``default`` (``DEFAULT_SAMPLING`` if None); then one row per
    temperature, sampling with the given ``top_k`` and ``top_p``. Every setting draws from
    its own generator seeded with ``seed``, so each row is reproducible on its own. With
    ``train_ids`` (N, L), the padded training split, each row also counts the accepted
    sentences that are new (not training sentences), and ``reference`` holds the same
    counts for ``n`` sentences drawn from the grammar itself (``grammar.sample`` with
    ``milestones.reference_rng(seed)``, a stream that is not the corpus's).
    """
    check_model_and_tokenizer(model, tokenizer)
    if not callable(getattr(grammar, "accepts", None)):
        raise TypeError(f"grammar must have an accepts(text) method (a corpus.Grammar), "
                        f"got {type(grammar).__name__}")
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    temps = [check_float("temperature", t, minimum=0.0, min_inclusive=False)
             for t in temperatures]
    default = _check_sampling(default)
    settings = [("default", default)] + [
        (f"temperature {t:g}", SamplingConfig(method="sample", temperature=t, top_k=top_k,
                                              top_p=top_p)) for t in temps]
    judge = None if train_ids is None else SampleJudge(train_ids, grammar, tokenizer)
    rows = []
    for label, cfg in settings:
        sentences = sample_sentences(model, tokenizer, n, cfg, np.random.default_rng(seed))
        texts = [tokenizer.decode(s) for s in sentences]
        finished = [bool(s) and s[-1] == tokenizer.sep_id for s in sentences]
        good = [t for t, f in zip(texts, finished) if f and grammar.accepts(t)]
        rows.append(QualityRow(label=label, sampling=cfg, n=n, accepted=len(good),
                               unfinished=n - sum(finished), distinct=len(set(texts)),
                               example=texts[0],
                               novel=None if judge is None else sum(map(judge.is_new, good))))
    reference = None
    if judge is not None:
        rng = reference_rng(seed)  # not the corpus's own draws
        drawn = [grammar.sample(rng) for _ in range(n)]
        reference = QualityRow(label="the grammar itself", sampling=None, n=n, accepted=n,
                               unfinished=0, distinct=len(set(drawn)), example=drawn[0],
                               novel=sum(map(judge.is_new, drawn)))
    return QualityReport(rows, reference)
