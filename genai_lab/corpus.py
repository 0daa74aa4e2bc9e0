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


def _default_rules() -> dict[str, list[tuple[float, str]]]:
    """The course grammar: sun, moon, stars, weather, animals, people and places.

    Read it top-down: S picks a topic; each topic's subject decides which verbs, places and
    second clauses may follow, and singular/plural subjects (``_SG``/``_PL``) carry their
    number to every verb of the sentence, including the one after "and".
    """
    return {
        "S": [(22, "SUN ."), (8, "MOON ."), (6, "STARS ."), (5, "WIND ."), (5, "RAIN ."),
              (5, "CLOUDS ."), (9, "BIRDS ."), (6, "CATS ."), (6, "DOGS ."), (4, "COWS ."),
              (8, "CHILDREN ."), (6, "FARMERS ."), (4, "RIVER ."), (3, "HILLS ."),
              (3, "VILLAGE .")],
        # ---- the sun (always "the sun", singular)
        "SUN": [(1, "the sun SUN_VP")],
        "SUN_VP": [(40, "rises SUN_RISE_WHERE SUN_RISE_MORE"),
                   (20, "shines SUN_SHINE_HOW SUN_SHINE_MORE"),
                   (15, "sets SUN_SET_WHERE SUN_SET_MORE"),
                   (15, "warms the SUN_WARM_WHAT SUN_WARM_WHEN"),
                   (10, "is SUN_IS")],
        "SUN_RISE_WHERE": [(35, "in the east"), (35, "in the morning"), (15, "over the hills"),
                           (15, "behind the mountains")],
        "SUN_RISE_MORE": [(50, ""), (20, "and shines brightly"), (10, "and warms the earth"),
                          (10, "and the birds begin to sing"), (10, "and a new day begins")],
        "SUN_SHINE_HOW": [(30, "brightly"), (25, "on the SUN_SHINE_ON"),
                          (15, "through the clouds"), (15, "in the blue sky"), (15, "all day")],
        "SUN_SHINE_ON": [(1, "fields"), (1, "river"), (1, "village"), (1, "hills"),
                         (1, "water")],
        "SUN_SHINE_MORE": [(60, ""), (25, "and warms the earth"),
                           (15, "and the children play outside")],
        "SUN_SET_WHERE": [(35, "in the west"), (25, "in the evening"),
                          (20, "behind the hills"), (20, "over the sea")],
        "SUN_SET_MORE": [(55, ""), (25, "and the sky turns red"), (20, "and the stars appear")],
        "SUN_WARM_WHAT": [(1, "earth"), (1, "fields"), (1, "water"), (1, "garden"),
                          (1, "village")],
        "SUN_WARM_WHEN": [(1, "in the morning"), (1, "in the spring"), (1, "all day")],
        "SUN_IS": [(1, "bright and warm"), (1, "low in the sky"),
                   (1, "high above the hills"), (1, "hidden by the clouds")],
        # ---- the moon
        "MOON": [(70, "the moon MOON_VP"), (20, "the full moon MOON_VP"),
                 (10, "the pale moon MOON_VP")],
        "MOON_VP": [(35, "rises MOON_RISE_WHERE MOON_RISE_MORE"), (30, "shines MOON_SHINE_HOW"),
                    (15, "is MOON_IS"), (20, "lights the MOON_LIGHTS")],
        "MOON_RISE_WHERE": [(40, "in the evening"), (20, "over the lake"),
                            (20, "above the hills"), (20, "at night")],
        "MOON_RISE_MORE": [(55, ""), (25, "and shines softly"), (20, "and the dogs bark")],
        "MOON_SHINE_HOW": [(25, "softly"), (30, "on the MOON_SHINE_ON"),
                           (15, "through the clouds"), (15, "over the village"),
                           (15, "all night")],
        "MOON_SHINE_ON": [(1, "lake"), (1, "river"), (1, "snow"), (1, "water"), (1, "sea")],
        "MOON_IS": [(1, "full tonight"), (1, "bright tonight"), (1, "pale and cold"),
                    (1, "hidden by the clouds"), (1, "low in the sky")],
        "MOON_LIGHTS": [(1, "road"), (1, "village"), (1, "water")],
        # ---- stars (singular and plural)
        "STARS": [(30, "STAR_SG STAR_SG_VP"), (70, "STAR_PL STAR_PL_VP")],
        "STAR_SG": [(50, "a STAR_ADJ star"), (50, "the STAR_ADJ star")],
        "STAR_PL": [(70, "the STAR_ADJ stars"), (30, "many STAR_ADJ stars")],
        "STAR_ADJ": [(40, ""), (30, "bright"), (15, "little"), (15, "distant")],
        "STAR_SG_VP": [(40, "shines STAR_WHERE STAR_SG_MORE"), (30, "appears STAR_WHEN"),
                       (30, "twinkles STAR_WHERE")],
        "STAR_PL_VP": [(40, "shine STAR_WHERE STAR_PL_MORE"), (30, "appear STAR_WHEN"),
                       (30, "twinkle STAR_WHERE")],
        "STAR_WHERE": [(30, "in the night sky"), (20, "above the hills"), (20, "over the sea"),
                       (30, "brightly")],
        "STAR_WHEN": [(40, "in the evening"), (30, "at night"), (30, "after the sun sets")],
        "STAR_SG_MORE": [(70, ""), (30, "and lights the sky")],
        "STAR_PL_MORE": [(60, ""), (25, "and light the sky"),
                         (15, "and the night is quiet")],
        # ---- weather: wind, rain, clouds
        "WIND": [(50, "the wind WIND_VP"), (25, "the cold wind WIND_VP"),
                 (25, "a strong wind WIND_VP")],
        "WIND_VP": [(45, "blows WIND_WHERE WIND_MORE"), (20, "shakes the WIND_SHAKES"),
                    (15, "moves the clouds WIND_MOVES"), (20, "howls WIND_HOWLS")],
        "WIND_WHERE": [(1, "from the west"), (1, "from the sea"), (1, "across the fields"),
                       (1, "over the hills"), (1, "through the trees"), (1, "all night")],
        "WIND_MORE": [(55, ""), (25, "and shakes the trees"), (20, "and the leaves fall")],
        "WIND_SHAKES": [(1, "trees"), (1, "window"), (1, "door")],
        "WIND_MOVES": [(1, "across the sky"), (1, "over the hills"), (1, "toward the village")],
        "WIND_HOWLS": [(1, "all night"), (1, "in the trees")],
        "RAIN": [(60, "the rain RAIN_VP"), (20, "the cold rain RAIN_VP"),
                 (20, "a light rain RAIN_VP")],
        "RAIN_VP": [(50, "falls RAIN_WHERE RAIN_MORE"), (20, "fills the RAIN_FILLS"),
                    (15, "comes RAIN_COMES"), (15, "stops RAIN_STOPS")],
        "RAIN_WHERE": [(1, "on the fields"), (1, "on the roof"), (1, "on the village"),
                       (1, "on the garden"), (1, "all day"), (1, "all night"),
                       (1, "in the spring")],
        "RAIN_MORE": [(55, ""), (25, "and fills the river"),
                      (20, "and the children stay at home")],
        "RAIN_FILLS": [(1, "river"), (1, "lake")],
        "RAIN_COMES": [(1, "from the west"), (1, "in the spring"), (1, "with the dark clouds")],
        "RAIN_STOPS": [(1, "in the afternoon"), (1, "in the evening"), (1, "at night")],
        "CLOUDS": [(35, "CLOUD_SG CLOUD_SG_VP"), (65, "CLOUD_PL CLOUD_PL_VP")],
        "CLOUD_SG": [(50, "a CLOUD_ADJ cloud"), (50, "the CLOUD_ADJ cloud")],
        "CLOUD_PL": [(70, "the CLOUD_ADJ clouds"), (30, "many CLOUD_ADJ clouds")],
        "CLOUD_ADJ": [(40, ""), (20, "dark"), (20, "white"), (20, "grey")],
        "CLOUD_SG_VP": [(40, "moves CLOUD_MOVES CLOUD_SG_MORE"), (20, "covers the CLOUD_HIDES"),
                        (20, "hides the CLOUD_HIDES"), (20, "brings rain CLOUD_RAIN")],
        "CLOUD_PL_VP": [(40, "move CLOUD_MOVES CLOUD_PL_MORE"), (20, "cover the CLOUD_HIDES"),
                        (20, "hide the CLOUD_HIDES"), (20, "bring rain CLOUD_RAIN")],
        "CLOUD_MOVES": [(1, "across the sky"), (1, "over the hills"), (1, "toward the village"),
                        (1, "from the west")],
        "CLOUD_HIDES": [(1, "sun"), (1, "moon"), (1, "stars"), (1, "sky"), (1, "hills")],
        "CLOUD_RAIN": [(1, "to the fields"), (1, "in the afternoon"), (1, "from the sea")],
        "CLOUD_SG_MORE": [(65, ""), (35, "and brings rain")],
        "CLOUD_PL_MORE": [(65, ""), (35, "and bring rain")],
        # ---- animals: birds, cats, dogs, cows (singular and plural)
        "BIRDS": [(45, "BIRD_SG BIRD_SG_VP BIRD_SG_MORE"),
                  (55, "BIRD_PL BIRD_PL_VP BIRD_PL_MORE")],
        "BIRD_SG": [(60, "the BIRD_ADJ bird"), (40, "a BIRD_ADJ bird")],
        "BIRD_PL": [(50, "the BIRD_ADJ birds"), (25, "many BIRD_ADJ birds"),
                    (25, "two BIRD_ADJ birds")],
        "BIRD_ADJ": [(40, ""), (25, "little"), (15, "small"), (10, "young"), (10, "blue")],
        "BIRD_SG_VP": [(35, "sings BIRD_SINGS"), (30, "flies BIRD_FLIES"),
                       (15, "builds a nest in the BIRD_NEST"), (20, "sits on the BIRD_SITS")],
        "BIRD_PL_VP": [(35, "sing BIRD_SINGS"), (30, "fly BIRD_FLIES"),
                       (15, "build nests in the BIRD_NEST"), (20, "sit on the BIRD_SITS")],
        "BIRD_SINGS": [(1, "in the morning"), (1, "in the garden"), (1, "in the trees"),
                       (1, "sweetly"), (1, "all day"), (1, "at dawn")],
        "BIRD_FLIES": [(1, "over the river"), (1, "across the sky"), (1, "above the fields"),
                       (1, "to the south"), (1, "far away")],
        "BIRD_NEST": [(1, "tree"), (1, "barn"), (1, "garden"), (1, "roof")],
        "BIRD_SITS": [(1, "roof"), (1, "fence"), (1, "wall")],
        "BIRD_SG_MORE": [(60, ""), (15, "and sings sweetly"), (15, "and flies away"),
                         (10, "and looks for food")],
        "BIRD_PL_MORE": [(60, ""), (15, "and sing sweetly"), (15, "and fly away"),
                         (10, "and look for food")],
        "CATS": [(50, "CAT_SG CAT_SG_VP CAT_SG_MORE"), (50, "CAT_PL CAT_PL_VP CAT_PL_MORE")],
        "CAT_SG": [(60, "the CAT_ADJ cat"), (40, "a CAT_ADJ cat")],
        "CAT_PL": [(60, "the CAT_ADJ cats"), (20, "two CAT_ADJ cats"),
                   (20, "many CAT_ADJ cats")],
        "CAT_ADJ": [(40, ""), (20, "little"), (15, "black"), (15, "white"), (10, "old")],
        "CAT_SG_VP": [(30, "sleeps CAT_SLEEPS"), (25, "sits CAT_SITS"),
                      (25, "watches the CAT_WATCHES"), (20, "chases the CAT_CHASES")],
        "CAT_PL_VP": [(30, "sleep CAT_SLEEPS"), (25, "sit CAT_SITS"),
                      (25, "watch the CAT_WATCHES"), (20, "chase the CAT_CHASES")],
        "CAT_SLEEPS": [(1, "by the fire"), (1, "in the sun"), (1, "under the table"),
                       (1, "all day")],
        "CAT_SITS": [(1, "by the window"), (1, "on the fence"), (1, "by the fire"),
                     (1, "on the roof")],
        "CAT_WATCHES": [(1, "birds"), (1, "fire"), (1, "children"), (1, "rain")],
        "CAT_CHASES": [(1, "birds"), (1, "leaves")],
        "CAT_SG_MORE": [(65, ""), (20, "and purrs softly"), (15, "and washes its face")],
        "CAT_PL_MORE": [(65, ""), (20, "and purr softly"), (15, "and wash their faces")],
        "DOGS": [(50, "DOG_SG DOG_SG_VP DOG_SG_MORE"), (50, "DOG_PL DOG_PL_VP DOG_PL_MORE")],
        "DOG_SG": [(60, "the DOG_ADJ dog"), (40, "a DOG_ADJ dog")],
        "DOG_PL": [(60, "the DOG_ADJ dogs"), (20, "two DOG_ADJ dogs"),
                   (20, "many DOG_ADJ dogs")],
        "DOG_ADJ": [(40, ""), (20, "big"), (15, "old"), (15, "little"), (10, "brown")],
        "DOG_SG_VP": [(25, "barks DOG_BARKS"), (25, "runs DOG_RUNS"), (20, "sleeps DOG_SLEEPS"),
                      (15, "guards the DOG_GUARDS"), (15, "follows the DOG_FOLLOWS")],
        "DOG_PL_VP": [(25, "bark DOG_BARKS"), (25, "run DOG_RUNS"), (20, "sleep DOG_SLEEPS"),
                      (15, "guard the DOG_GUARDS"), (15, "follow the DOG_FOLLOWS")],
        "DOG_BARKS": [(1, "at night"), (1, "at the moon"), (1, "at the cat"), (1, "loudly")],
        "DOG_RUNS": [(1, "across the fields"), (1, "to the river"), (1, "along the road"),
                     (1, "through the village")],
        "DOG_SLEEPS": [(1, "by the door"), (1, "in the barn"), (1, "under the table"),
                       (1, "by the fire")],
        "DOG_GUARDS": [(1, "house"), (1, "farm"), (1, "sheep")],
        "DOG_FOLLOWS": [(1, "farmer"), (1, "children")],
        "DOG_SG_MORE": [(65, ""), (20, "and wags its tail"), (15, "and chases the birds")],
        "DOG_PL_MORE": [(65, ""), (20, "and wag their tails"), (15, "and chase the birds")],
        "COWS": [(50, "COW_SG COW_SG_VP COW_SG_MORE"), (50, "COW_PL COW_PL_VP COW_PL_MORE")],
        "COW_SG": [(70, "the COW_ADJ cow"), (30, "a COW_ADJ cow")],
        "COW_PL": [(70, "the COW_ADJ cows"), (30, "many COW_ADJ cows")],
        "COW_ADJ": [(50, ""), (25, "brown"), (25, "old")],
        "COW_SG_VP": [(35, "eats COW_EATS"), (25, "stands COW_STANDS"),
                      (25, "walks COW_WALKS"), (15, "gives milk COW_MILK")],
        "COW_PL_VP": [(35, "eat COW_EATS"), (25, "stand COW_STANDS"),
                      (25, "walk COW_WALKS"), (15, "give milk COW_MILK")],
        "COW_EATS": [(1, "grass in the meadow"), (1, "the green grass"), (1, "hay in the barn")],
        "COW_STANDS": [(1, "in the meadow"), (1, "by the river"), (1, "under the tree"),
                       (1, "in the rain")],
        "COW_WALKS": [(1, "to the barn"), (1, "along the river"), (1, "to the farm")],
        "COW_MILK": [(1, "every morning"), (1, "in the evening")],
        "COW_SG_MORE": [(70, ""), (30, "and rests under the tree")],
        "COW_PL_MORE": [(70, ""), (30, "and rest under the tree")],
        # ---- people: children, farmers (singular and plural)
        "CHILDREN": [(40, "CHILD_SG CHILD_SG_VP CHILD_SG_MORE"),
                     (60, "CHILD_PL CHILD_PL_VP CHILD_PL_MORE")],
        "CHILD_SG": [(60, "the CHILD_ADJ CHILD_SG_N"), (40, "a CHILD_ADJ CHILD_SG_N")],
        "CHILD_PL": [(60, "the CHILD_ADJ CHILD_PL_N"), (20, "two CHILD_ADJ CHILD_PL_N"),
                     (20, "many CHILD_ADJ CHILD_PL_N")],
        "CHILD_ADJ": [(50, ""), (20, "little"), (15, "young"), (15, "happy")],
        "CHILD_SG_N": [(40, "child"), (30, "girl"), (30, "boy")],
        "CHILD_PL_N": [(50, "children"), (25, "girls"), (25, "boys")],
        "CHILD_SG_VP": [(30, "plays CHILD_PLAYS"), (20, "runs CHILD_RUNS"),
                        (20, "walks to school CHILD_SCHOOL"), (15, "swims in the CHILD_SWIMS"),
                        (15, "reads a story CHILD_READS")],
        "CHILD_PL_VP": [(30, "play CHILD_PLAYS"), (20, "run CHILD_RUNS"),
                        (20, "walk to school CHILD_SCHOOL"), (15, "swim in the CHILD_SWIMS"),
                        (15, "read a story CHILD_READS")],
        "CHILD_PLAYS": [(1, "in the garden"), (1, "by the river"), (1, "in the snow"),
                        (1, "with the dog"), (1, "with the cat")],
        "CHILD_RUNS": [(1, "across the fields"), (1, "to the river"), (1, "along the road")],
        "CHILD_SCHOOL": [(40, ""), (30, "in the morning"), (30, "every day")],
        "CHILD_SWIMS": [(1, "river"), (1, "lake"), (1, "sea")],
        "CHILD_READS": [(1, "by the fire"), (1, "in the garden"), (1, "at night")],
        "CHILD_SG_MORE": [(60, ""), (15, "and laughs"), (15, "and sings a song"),
                          (10, "and goes home")],
        "CHILD_PL_MORE": [(60, ""), (15, "and laugh"), (15, "and sing a song"),
                          (10, "and go home")],
        "FARMERS": [(60, "FARMER_SG FARMER_SG_VP FARMER_SG_MORE"),
                    (40, "FARMER_PL FARMER_PL_VP FARMER_PL_MORE")],
        "FARMER_SG": [(75, "the FARMER_ADJ farmer"), (25, "a FARMER_ADJ farmer")],
        "FARMER_PL": [(70, "the FARMER_ADJ farmers"), (30, "many FARMER_ADJ farmers")],
        "FARMER_ADJ": [(55, ""), (20, "old"), (25, "young")],
        "FARMER_SG_VP": [(25, "works FARMER_WORKS"), (20, "walks to the FARMER_WALKS"),
                         (20, "feeds the FARMER_FEEDS"), (15, "plants FARMER_PLANTS"),
                         (20, "sells FARMER_SELLS at the market")],
        "FARMER_PL_VP": [(25, "work FARMER_WORKS"), (20, "walk to the FARMER_WALKS"),
                         (20, "feed the FARMER_FEEDS"), (15, "plant FARMER_PLANTS"),
                         (20, "sell FARMER_SELLS at the market")],
        "FARMER_WORKS": [(1, "in the fields"), (1, "all day"), (1, "in the barn"),
                         (1, "from morning to night")],
        "FARMER_WALKS": [(1, "fields"), (1, "market"), (1, "village"), (1, "barn"),
                         (1, "river")],
        "FARMER_FEEDS": [(1, "cows"), (1, "sheep"), (1, "dog")],
        "FARMER_PLANTS": [(1, "corn in the spring"), (1, "seeds in the fields"),
                          (1, "trees by the river")],
        "FARMER_SELLS": [(1, "eggs"), (1, "milk"), (1, "corn")],
        "FARMER_SG_MORE": [(65, ""), (20, "and rests in the evening"), (15, "and goes home")],
        "FARMER_PL_MORE": [(65, ""), (20, "and rest in the evening"), (15, "and go home")],
        # ---- places: the river, the hills, the village
        "RIVER": [(70, "the river RIVER_VP"), (15, "the little river RIVER_VP"),
                  (15, "the wide river RIVER_VP")],
        "RIVER_VP": [(50, "flows RIVER_FLOWS RIVER_MORE"), (30, "is RIVER_IS"),
                     (20, "shines in the RIVER_SHINES")],
        "RIVER_FLOWS": [(1, "to the sea"), (1, "through the village"), (1, "between the hills")],
        "RIVER_MORE": [(60, ""), (20, "and fills the lake"), (20, "and shines in the sun")],
        "RIVER_IS": [(1, "cold and wide"), (1, "full after the rain"), (1, "cold in the winter"),
                     (1, "quiet at night")],
        "RIVER_SHINES": [(1, "sun"), (1, "morning light"), (1, "evening light")],
        "HILLS": [(35, "HILL_SG HILL_SG_VP"), (65, "HILL_PL HILL_PL_VP")],
        "HILL_SG": [(1, "the HILL_ADJ hill")],
        "HILL_PL": [(1, "the HILL_ADJ hills")],
        "HILL_ADJ": [(50, ""), (25, "low"), (25, "distant")],
        "HILL_SG_VP": [(60, "is HILLS_ARE"), (40, "rises HILLS_RISE")],
        "HILL_PL_VP": [(60, "are HILLS_ARE"), (40, "rise HILLS_RISE")],
        "HILLS_ARE": [(1, "green in the spring"), (1, "white in the winter"),
                      (1, "quiet at night"), (1, "far away")],
        "HILLS_RISE": [(1, "above the village"), (1, "behind the farm")],
        "VILLAGE": [(60, "the village VILLAGE_VP"), (20, "the little village VILLAGE_VP"),
                    (20, "the old village VILLAGE_VP")],
        "VILLAGE_VP": [(30, "is VILLAGE_IS"), (20, "sleeps VILLAGE_SLEEPS"),
                       (25, "lies VILLAGE_LIES"), (25, "wakes up VILLAGE_WAKES")],
        "VILLAGE_IS": [(1, "quiet at night"), (1, "small and old"), (1, "near the river")],
        "VILLAGE_SLEEPS": [(1, "under the stars"), (1, "at night"), (1, "under the moon")],
        "VILLAGE_LIES": [(1, "by the river"), (1, "between the hills"),
                         (1, "near the lake")],
        "VILLAGE_WAKES": [(1, "in the morning"), (1, "at dawn"), (1, "when the sun rises")],
    }


def default_grammar() -> Grammar:
    """The course's grammar (a new instance: its enumeration is cached on that instance)."""
    return Grammar(_default_rules(), start="S")


def default_corpus(n_samples: int = 10000, seed: int = 0) -> list[str]:
    """``n_samples`` i.i.d. sentences from :func:`default_grammar`, drawn with ``seed``.

    Uses ``np.random.default_rng(seed)`` (PCG64), so the list is the same on every machine.
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    grammar = default_grammar()
    rng = np.random.default_rng(seed)
    return [grammar.sample(rng) for _ in range(n_samples)]
