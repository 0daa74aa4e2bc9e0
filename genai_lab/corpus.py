"""Stage 1, data collection: the course's default corpus, written as a probabilistic grammar.

Real text is messy and its true distribution is unknown, so the course starts with a corpus
whose generating process we *know*. A :class:`Grammar` is a set of rules, each nonterminal
(UPPER_CASE name) expanding to one of several weighted right-hand sides made of words and
other nonterminals. Sampling the grammar gives sentences such as
"The sun rises in the east." or "Two little birds sing in the garden and fly away."

Because the default language is finite (every rule set is acyclic) and small, the package
enumerates it exactly, which lets the book compute things that are normally unknowable:

- ``sentence_distribution()``: the exact probability of every sentence;
- ``entropy_per_token()``: the best cross-entropy loss *any* model can reach on this data;
- ``ngram_entropy_per_token(2)``: the best loss a bigram model can reach (the gap between the
  two is what a network can learn beyond word pairs);
- ``next_word_distribution(prefix)``: the true conditional distribution of the next token;
- ``accepts(text)``: whether a sentence belongs to the language.

The default grammar is built so that a bigram model *cannot* capture it: the subject fixes
the topic of the whole sentence ("The sun rises in the east." / "The moon rises in the
evening." -- after "in the" only the subject tells east from evening) and number agreement
spans intervening words ("A little bird sings ... and flies away." / "Many little birds
sing ... and fly away.").

Tokens are exactly what ``split_words`` produces: lowercase words (runs of letters, digits and
apostrophes) and each punctuation character as its own token, so "The sun rises." is
("the", "sun", "rises", "."). The enumeration is cached on the instance, computed lazily.
"""
from __future__ import annotations

import bisect
import math
import numbers
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from genai_lab.checks import check_int, check_rng, check_str
from genai_lab.course_grammar import course_rules
from genai_lab.text import is_word, split_words

END = "[END]"  # key of "the sentence ends here" in next_word_distribution()
START = "[START]"  # context token before the first word, used by ngram_entropy_per_token()

_NONTERMINAL = re.compile(r"[A-Z][A-Z0-9_]*\Z")


def render_tokens(tokens: Sequence[str]) -> str:
    """Turn tokens back into a sentence: spaces between words, punctuation attached, capital."""
    text = ""
    for tok in tokens:
        if text and is_word(tok):
            text += " " + tok
        else:
            text += tok
    return text[:1].upper() + text[1:]


class Grammar:
    """A finite probabilistic grammar: rules as data, exact enumeration, sampling.

    ``rules`` maps each nonterminal to a list of ``(weight, expansion)`` pairs. An expansion is
    a string of space-separated symbols: UPPER_CASE names are nonterminals, everything else is
    a terminal token (one lowercase word or one punctuation character); ``""`` expands to
    nothing. Weights are positive and are normalised per nonterminal. The rules must not be
    recursive, so the language is finite and can be enumerated.

    Example::

        Grammar({"S": [(3, "the sun SHINES ."), (1, "the moon SHINES .")],
                 "SHINES": [(1, "shines"), (1, "shines brightly")]})
    """

    def __init__(self, rules: Mapping[str, Sequence[tuple[float, str]]], start: str = "S",
                 max_sentences: int = 500_000):
        if not isinstance(rules, Mapping) or not rules:
            raise TypeError(f"rules must be a non-empty dict of nonterminal -> list of "
                            f"(weight, expansion), got {type(rules).__name__}")
        self.start = check_str("start", start, allow_empty=False)
        if start not in rules:
            raise ValueError(f"start symbol {start!r} has no rule; rules define "
                             f"{sorted(map(str, rules))[:10]}")
        # maximum number of distinct sentences enumerate() may produce before it gives up
        self.max_sentences = check_int("max_sentences", max_sentences, minimum=1)
        # nonterminal -> list of (probability, tuple of symbols)
        self._rules: dict[str, list[tuple[float, tuple[str, ...]]]] = {}
        for name, alternatives in rules.items():
            self._rules[name] = self._parse_alternatives(name, alternatives)
        self._check_references()
        self._check_acyclic()
        # nonterminal -> (cumulative probabilities, expansions), for sampling
        self._cumulative = {
            name: ([float(c) for c in np.cumsum([p for p, _ in alts])], [e for _, e in alts])
            for name, alts in self._rules.items()}
        self._distribution: dict[tuple[str, ...], float] | None = None  # lazy enumeration
        self._sorted: tuple[list[tuple[str, ...]], list[float]] | None = None  # for prefixes

    @property
    def rules(self) -> dict[str, list[tuple[float, str]]]:
        """The rules as normalised data: nonterminal -> [(probability, expansion string)]."""
        return {name: [(p, " ".join(symbols)) for p, symbols in alts]
                for name, alts in self._rules.items()}

    # ---------------------------------------------------------------- construction checks
    @staticmethod
    def _parse_alternatives(name: object, alternatives: object
                            ) -> list[tuple[float, tuple[str, ...]]]:
        if not isinstance(name, str) or not _NONTERMINAL.match(name):
            raise ValueError(f"nonterminal names must be UPPER_CASE identifiers, got {name!r}")
        if isinstance(alternatives, (str, bytes)) or not isinstance(alternatives, Sequence) \
                or not alternatives:
            raise TypeError(f"rule {name!r} must be a non-empty list of (weight, expansion) "
                            f"pairs, got {alternatives!r:.80}")
        parsed = []
        for alt in alternatives:
            if not (isinstance(alt, (tuple, list)) and len(alt) == 2
                    and isinstance(alt[1], str)):
                raise TypeError(f"rule {name!r}: each alternative must be a (weight, expansion "
                                f"string) pair, got {alt!r:.80}")
            weight, expansion = alt
            if isinstance(weight, bool) or not isinstance(weight, numbers.Real) \
                    or not math.isfinite(weight) or weight <= 0:
                raise ValueError(f"rule {name!r}: weights must be positive finite numbers, "
                                 f"got {weight!r} for {expansion!r}")
            symbols = tuple(expansion.split())
            for sym in symbols:
                if not _NONTERMINAL.match(sym) and split_words(sym) != [sym]:
                    raise ValueError(f"rule {name!r}: terminal {sym!r} in {expansion!r} is not "
                                     f"a single lowercase token (a word or one punctuation "
                                     f"character)")
            parsed.append((float(weight), symbols))
        total = sum(w for w, _ in parsed)
        return [(w / total, symbols) for w, symbols in parsed]

    def _check_references(self) -> None:
        for name, alts in self._rules.items():
            for _, symbols in alts:
                for sym in symbols:
                    if _NONTERMINAL.match(sym) and sym not in self._rules:
                        raise ValueError(f"rule {name!r} uses nonterminal {sym!r}, "
                                         f"which has no rule")

    def _check_acyclic(self) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

        def visit(name: str, path: list[str]) -> None:
            state[name] = 1
            for _, symbols in self._rules[name]:
                for sym in symbols:
                    if sym in self._rules:
                        if state.get(sym) == 1:
                            cycle = " -> ".join(path[path.index(sym):] + [sym])
                            raise ValueError(f"rules are recursive ({cycle}); the language "
                                             f"must be finite")
                        if sym not in state:
                            visit(sym, path + [sym])
            state[name] = 2

        for name in self._rules:
            if name not in state:
                visit(name, [name])

    # ---------------------------------------------------------------- sampling
    def sample_tokens(self, rng: np.random.Generator) -> list[str]:
        """One sentence as tokens, drawn with ``rng`` (one ``rng.random()`` per choice)."""
        check_rng("rng", rng)
        tokens: list[str] = []
        stack = [self.start]
        while stack:
            sym = stack.pop()
            if sym not in self._rules:
                tokens.append(sym)
                continue
            cumulative, expansions = self._cumulative[sym]
            i = min(bisect.bisect_right(cumulative, rng.random()), len(expansions) - 1)
            stack.extend(reversed(expansions[i]))
        return tokens

    def sample(self, rng: np.random.Generator) -> str:
        """One sentence as text (capitalised, "." attached), drawn with ``rng``."""
        return render_tokens(self.sample_tokens(rng))

    # ---------------------------------------------------------------- exact enumeration
    def _enumerate(self) -> dict[tuple[str, ...], float]:
        if self._distribution is not None:
            return self._distribution
        memo: dict[str, dict[tuple[str, ...], float]] = {}

        def expand(name: str) -> dict[tuple[str, ...], float]:
            if name in memo:
                return memo[name]
            out: dict[tuple[str, ...], float] = defaultdict(float)
            for prob, symbols in self._rules[name]:
                partial: dict[tuple[str, ...], float] = {(): prob}
                for sym in symbols:
                    if sym not in self._rules:  # terminal: append it to every partial sequence
                        partial = {seq + (sym,): p for seq, p in partial.items()}
                        continue
                    sub = expand(sym)
                    if len(partial) * len(sub) > self.max_sentences:
                        raise ValueError(f"the language has more than max_sentences="
                                         f"{self.max_sentences} sequences (at {name!r} -> "
                                         f"{sym!r}); it is too large to enumerate")
                    merged: dict[tuple[str, ...], float] = defaultdict(float)
                    for seq, p in partial.items():
                        for tail, q in sub.items():
                            merged[seq + tail] += p * q
                    partial = merged
                for seq, p in partial.items():
                    out[seq] += p
            memo[name] = dict(out)
            return memo[name]

        self._distribution = expand(self.start)
        return self._distribution

    def sentence_distribution(self) -> dict[tuple[str, ...], float]:
        """Exact probability of every token sequence of the language (a fresh dict).

        Keys are token tuples such as ``("the", "sun", "rises", "in", "the", "east", ".")``;
        values sum to 1. Sequences reachable by several derivations get their summed
        probability.
        """
        return dict(self._enumerate())

    def probability(self, text: str | Sequence[str]) -> float:
        """Exact probability of one sentence (text or tokens); 0.0 if it is not in the language."""
        return self._enumerate().get(self._as_tokens("text", text), 0.0)

    def accepts(self, text: str) -> bool:
        """True if ``text`` is a sentence the corpus could contain (case-insensitive)."""
        check_str("text", text)
        return tuple(split_words(text)) in self._enumerate()

    def vocabulary(self) -> list[str]:
        """Sorted list of every token the language uses (words and "." )."""
        return sorted({tok for seq in self._enumerate() for tok in seq})

    def entropy_per_sentence(self) -> float:
        """Entropy of the sentence distribution, H(S) = -sum p log p, in nats."""
        return float(-sum(p * math.log(p) for p in self._enumerate().values() if p > 0))

    def mean_tokens(self) -> float:
        """Expected number of tokens per sentence, E[len(tokens)] (the "." included)."""
        return float(sum(p * len(seq) for seq, p in self._enumerate().items()))

    def entropy_per_token(self) -> float:
        """Best achievable loss in nats per predicted token: H(S) / E[len(tokens) + 1].

        A language model reads a start token and predicts every token of the sentence and
        then an end-of-sentence token: len(tokens) + 1 predictions. By the chain rule its
        summed loss on a sentence is -log q(sentence), so its mean loss per prediction is at
        least H(S) / E[len + 1], reached only by the true distribution.
        """
        return self.entropy_per_sentence() / (self.mean_tokens() + 1.0)

    def summary(self) -> dict[str, float]:
        """The numbers the book quotes about the language, all computed from the enumeration.

        ``n_sentences`` distinct sentences, ``vocabulary_size`` words ("." excluded),
        ``mean_words`` per sentence, ``entropy_per_sentence`` and ``entropy_per_token``
        (the loss floor, nats), ``bigram_entropy_per_token`` (the best bigram loss, nats).
        """
        dist = self._enumerate()
        return {"n_sentences": len(dist),
                "vocabulary_size": sum(1 for tok in self.vocabulary() if is_word(tok)),
                "mean_words": float(sum(p * sum(map(is_word, seq)) for seq, p in dist.items())),
                "entropy_per_sentence": self.entropy_per_sentence(),
                "entropy_per_token": self.entropy_per_token(),
                "bigram_entropy_per_token": self.ngram_entropy_per_token(2)}

    def ngram_entropy_per_token(self, n: int = 2) -> float:
        """Best achievable loss (nats per predicted token) of an n-gram model on the language.

        An n-gram model predicts each token (and the end of sentence) from the previous
        ``n - 1`` tokens only (padded with a start token). With infinite data it learns
        p(next | last n-1 tokens) exactly; its expected loss is that conditional entropy,
        computed here exactly from the enumeration. ``n=2`` is a bigram model; for ``n``
        longer than every sentence this equals :meth:`entropy_per_token`.
        """
        n = check_int("n", n, minimum=1)
        joint: dict[tuple[tuple[str, ...], str], float] = defaultdict(float)
        context_mass: dict[tuple[str, ...], float] = defaultdict(float)
        for seq, p in self._enumerate().items():
            padded = (START,) * (n - 1) + seq + (END,)
            for i in range(n - 1, len(padded)):
                context = padded[i - n + 1:i]
                joint[(context, padded[i])] += p
                context_mass[context] += p
        total = sum(context_mass.values())
        loss = -sum(c * math.log(c / context_mass[ctx]) for (ctx, _), c in joint.items())
        return float(loss / total)

    def next_word_distribution(self, prefix: str | Sequence[str] = "") -> dict[str, float]:
        """True distribution of the token after ``prefix`` (text or tokens), from the enumeration.

        The key ``"[END]"`` (``corpus.END``) is the probability that the sentence ends right
        after ``prefix``. Returns tokens sorted by decreasing probability; values sum to 1.
        Raises ``ValueError`` if no sentence of the language starts with ``prefix``.
        """
        tokens = self._as_tokens("prefix", prefix)
        if self._sorted is None:
            items = sorted(self._enumerate().items())
            self._sorted = ([seq for seq, _ in items], [p for _, p in items])
        sequences, probs = self._sorted
        k = len(tokens)
        counts: dict[str, float] = defaultdict(float)
        i = bisect.bisect_left(sequences, tokens)
        while i < len(sequences) and sequences[i][:k] == tokens:
            seq = sequences[i]
            counts[seq[k] if len(seq) > k else END] += probs[i]
            i += 1
        total = sum(counts.values())
        if total == 0:
            raise ValueError(f"no sentence of the language starts with {' '.join(tokens)!r}")
        return {tok: c / total for tok, c in sorted(counts.items(), key=lambda kv: -kv[1])}

    @staticmethod
    def _as_tokens(name: str, text: object) -> tuple[str, ...]:
        if isinstance(text, str):
            return tuple(split_words(text))
        if isinstance(text, Sequence) and all(isinstance(t, str) for t in text):
            return tuple(t.lower() for t in text)
        raise TypeError(f"{name} must be a str or a list of str tokens, got "
                        f"{type(text).__name__}")

    def __repr__(self) -> str:
        return f"Grammar({len(self._rules)} nonterminals, start={self.start!r})"


def default_grammar() -> Grammar:
    """The course's grammar (``course_grammar.course_rules``; a new instance each call: its
    enumeration is cached on that instance)."""
    return Grammar(course_rules(), start="S")


def default_corpus(n_samples: int = 10000, seed: int = 0) -> list[str]:
    """``n_samples`` i.i.d. sentences from :func:`default_grammar`, drawn with ``seed``.

    Uses ``np.random.default_rng(seed)`` (PCG64), so the list is the same on every machine.
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    grammar = default_grammar()
    rng = np.random.default_rng(seed)
    return [grammar.sample(rng) for _ in range(n_samples)]
