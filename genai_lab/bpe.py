"""Byte-level byte-pair encoding (BPE), the tokenizer family of GPT-2, GPT-3 and GPT-4.

The idea (Sennrich et al. 2016, applied to bytes by Radford et al. 2019)::

    text  "low lower"
      -> pre-split (optional regex)   ["low", " lower"]          chunks never merge across
      -> UTF-8 bytes                  [108, 111, 119] [32, 108, 111, 119, 101, 114]
      -> apply the learned merges     (108, 111) -> 256, (256, 119) -> 257, ...
      -> ids                          [257] [32, 257, 101, 114]

Ids 0..255 are the 256 possible bytes, so every UTF-8 text can be encoded and
``decode(encode(text)) == text`` always holds: there is no unknown token. Training starts
from bytes and repeatedly merges the most frequent adjacent pair of ids into a new id,
until the vocabulary has ``vocab_size`` entries (or no pair is left). Ties between pairs
with the same count go to the smallest pair ``(a, b)``, so the same text always gives the
same merges. Special tokens (``<|endoftext|>``) get the ids after the merges.

The pre-split patterns are GPT-2's and GPT-4's (cl100k) regular expressions rewritten for
the standard library's ``re``, which has no ``\\p{L}`` / ``\\p{N}``: a letter is
``[^\\W\\d_]`` (a word character that is not a decimal digit or "_"; it also counts
numerals such as "½" as letters) and a number is ``\\d`` (decimal digits only). The
alternatives together still match every character, so pre-splitting loses nothing.

Built after Karpathy's minbpe (``base.py``: ``get_stats``, ``merge``), with an
incremental pair count so that training on a few megabytes takes seconds, not hours.
"""
from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

from genai_lab.checks import check_int, check_str, read_json_file, show_value

#: GPT-2's pre-split (openai/gpt-2 encoder.py) with \p{L} -> [^\W\d_] and \p{N} -> \d.
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"""
#: GPT-4's (tiktoken cl100k_base) pre-split, same rewrite; needs Python >= 3.11 (``?+``).
GPT4_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|(?:[^\r\n\w]|_)?+[^\W\d_]+|\d{1,3}"""
                r"""| ?(?:[^\s\w]|_)++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+""")
#: Names accepted by ``BPEConfig.pattern``: "none" keeps each text as one chunk.
PATTERNS = {"gpt2": GPT2_PATTERN, "gpt4": GPT4_PATTERN, "none": None}
#: GPT-2's one special token: it separates documents during training.
END_OF_TEXT = "<|endoftext|>"

FORMAT = "genai_lab.BPETokenizer"  # the "format" field of saved files and checkpoints
_FORMAT_VERSION = 1
_CACHE_LIMIT = 1 << 16  # chunks remembered by encode before the cache is emptied


# ---------------------------------------------------------------- primitives (as in minbpe)
def get_stats(ids: Sequence[int], counts: dict | None = None) -> dict[tuple[int, int], int]:
    """Count adjacent pairs: ``get_stats([1, 2, 3, 1, 2]) == {(1, 2): 2, (2, 3): 1, (3, 1): 1}``.

    Adds to ``counts`` if given (to count over many chunks) and returns it.
    """
    counts = {} if counts is None else counts
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids: Sequence[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every occurrence of ``pair``, left to right, by ``new_id``.

    ``merge([1, 2, 3, 1, 2], (1, 2), 4) == [4, 3, 4]``; ``merge([5, 5, 5], (5, 5), 6) == [6, 5]``.
    """
    out, i, n = [], 0, len(ids)
    while i < n:
        if i < n - 1 and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def split_text(text: str, pattern: str = "gpt2") -> list[str]:
    """Pre-split ``text`` into chunks with one of ``PATTERNS``; ``"".join`` gives ``text`` back.

    ``split_text("Hello world's 123  !!") == ["Hello", " world", "'s", " 123", " ", " !!"]``.
    """
    check_str("text", text)
    if pattern not in PATTERNS:
        raise ValueError(f"pattern must be one of {sorted(PATTERNS)}, got {show_value(pattern)}")
    regex = PATTERNS[pattern]
    if regex is None:
        return [text] if text else []
    chunks = _compiled(regex).findall(text)
    if "".join(chunks) != text:  # pragma: no cover - the alternatives cover every character
        raise RuntimeError(f"pre-split pattern {pattern!r} dropped characters of {show_value(text)}")
    return chunks


def _utf8(text: str) -> bytes:
    """UTF-8 bytes of ``text``; ValueError for a lone surrogate (no UTF-8 form exists)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"text is not valid Unicode (it has a lone surrogate, "
                         f"{text[err.start:err.end]!r}), so it has no UTF-8 bytes") from None


_REGEX_CACHE: dict[str, re.Pattern] = {}


def _compiled(regex: str) -> re.Pattern:
    if regex not in _REGEX_CACHE:
        _REGEX_CACHE[regex] = re.compile(regex)
    return _REGEX_CACHE[regex]


# ------------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class BPEConfig:
    """How a BPETokenizer is trained."""

    vocab_size: int = 512  # total ids: 256 bytes + merges + special tokens (GPT-2: 50257)
    pattern: str = "gpt2"  # pre-split regex: "gpt2", "gpt4" or "none" (one chunk per text)
    special_tokens: tuple[str, ...] = (END_OF_TEXT,)  # get the last ids, in this order

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise ValueError(f"pattern must be one of {sorted(PATTERNS)}, "
                             f"got {show_value(self.pattern)}")
        if isinstance(self.special_tokens, str) or not isinstance(self.special_tokens,
                                                                  (tuple, list)):
            raise TypeError(f"special_tokens must be a tuple of strings, "
                            f"got {show_value(self.special_tokens)}")
        object.__setattr__(self, "special_tokens", tuple(self.special_tokens))
        for i, tok in enumerate(self.special_tokens):
            check_str(f"special_tokens[{i}]", tok, allow_empty=False)
        if len(set(self.special_tokens)) != len(self.special_tokens):
            raise ValueError(f"special_tokens must be distinct, got {self.special_tokens}")
        check_int("vocab_size", self.vocab_size, minimum=256 + len(self.special_tokens))


# ------------------------------------------------------------------------ the tokenizer
class BPETokenizer:
    """Byte-level BPE: ``train`` learns merges, ``encode``/``decode`` use them."""

    def __init__(self, config: BPEConfig | None = None) -> None:
        config = BPEConfig() if config is None else config
        if not isinstance(config, BPEConfig):
            raise TypeError(f"config must be a BPEConfig or None, got {type(config).__name__}")
        self.config = config
        self._set_merges([], [])

    def _set_merges(self, merges: list[tuple[int, int]], counts: list[int]) -> None:
        self._merges = list(merges)                     # rank -> pair; pair i makes id 256 + i
        self._counts = list(counts)                     # how often each pair was seen in training
        self._ranks = {pair: i for i, pair in enumerate(self._merges)}
        self._vocab = [bytes([b]) for b in range(256)]  # id -> bytes
        for a, b in self._merges:
            self._vocab.append(self._vocab[a] + self._vocab[b])
        first = 256 + len(self._merges)
        self._special = {tok: first + i for i, tok in enumerate(self.config.special_tokens)}
        self._special_by_id = {i: tok for tok, i in self._special.items()}
        self._cache: dict[str, list[int]] = {}

    def __repr__(self) -> str:
        return (f"BPETokenizer(vocab_size={self.vocab_size}, merges={len(self._merges)}, "
                f"pattern={self.config.pattern!r})")

    # ---- training -------------------------------------------------------------------------
    def train(self, texts: str | Iterable[str]) -> "BPETokenizer":
        """Learn up to ``vocab_size - 256 - len(special_tokens)`` merges; returns ``self``.

        ``texts`` is one string or a list of strings (documents: no chunk spans two). Stops
        early, with fewer merges, when every chunk is a single token.
        """
        texts = [texts] if isinstance(texts, str) else texts
        if isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
            raise TypeError(f"texts must be a str or a list of str, got {type(texts).__name__}")
        chunk_counts: Counter[str] = Counter()
        for i, text in enumerate(texts):
            chunk_counts.update(split_text(check_str(f"texts[{i}]", text), self.config.pattern))
        if not chunk_counts:
            raise ValueError("cannot train BPE on no text: texts is empty")
        words = [list(_utf8(chunk)) for chunk in chunk_counts]  # distinct chunks
        freqs = list(chunk_counts.values())                               # how often each
        pair_counts: Counter[tuple[int, int]] = Counter()
        where: defaultdict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> chunk ids
        for w, (ids, f) in enumerate(zip(words, freqs)):
            for pair in zip(ids, ids[1:]):
                pair_counts[pair] += f
                where[pair].add(w)
        heap = [(-c, pair) for pair, c in pair_counts.items()]  # most frequent, then smallest
        heapq.heapify(heap)
        merges, counts = [], []
        n_merges = self.config.vocab_size - 256 - len(self.config.special_tokens)
        while len(merges) < n_merges and heap:
            neg, pair = heapq.heappop(heap)
            if pair_counts.get(pair, 0) != -neg or neg == 0:
                continue  # a stale entry: the count changed after it was pushed
            new_id = 256 + len(merges)
            merges.append(pair)
            counts.append(-neg)
            changed: set[tuple[int, int]] = set()
            for w in sorted(where.pop(pair)):
                old, f = words[w], freqs[w]
                new = merge(old, pair, new_id)
                if len(new) == len(old):
                    continue  # stale index entry: the pair left this chunk earlier
                for p in zip(old, old[1:]):
                    pair_counts[p] -= f
                    changed.add(p)
                for p in zip(new, new[1:]):
                    pair_counts[p] += f
                    where[p].add(w)
                    changed.add(p)
                words[w] = new
            for p in changed:
                c = pair_counts[p]
                if c > 0:
                    heapq.heappush(heap, (-c, p))
                else:
                    del pair_counts[p]
        self._set_merges(merges, counts)
        return self

    # ---- vocabulary -----------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """Number of ids: 256 bytes + learned merges + special tokens."""
        return 256 + len(self._merges) + len(self._special)

    @property
    def merges(self) -> list[tuple[int, int]]:
        """The learned merges in order: merge i joins a pair into id ``256 + i``."""
        return list(self._merges)

    @property
    def merge_counts(self) -> list[int]:
        """How often each merged pair occurred in the training text when it was merged."""
        return list(self._counts)

    @property
    def special_tokens(self) -> dict[str, int]:
        """Special token -> id."""
        return dict(self._special)

    def special_id(self, token: str) -> int:
        """The id of a special token; ValueError if the tokenizer has no such token."""
        check_str("token", token)
        if token not in self._special:
            raise ValueError(f"{token!r} is not a special token of this tokenizer; "
                             f"it has {list(self._special)}")
        return self._special[token]

    def _check_id(self, token_id: object) -> int:
        token_id = check_int("token_id", token_id)
        if not 0 <= token_id < self.vocab_size:
            raise ValueError(f"unknown token id {token_id}: valid ids are 0..{self.vocab_size - 1}")
        return token_id

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes an id stands for (a special token: its UTF-8 text)."""
        token_id = self._check_id(token_id)
        if token_id in self._special_by_id:
            return self._special_by_id[token_id].encode("utf-8")
        return self._vocab[token_id]

    def id_to_token(self, token_id: int) -> str:
        """A readable form of one id: its bytes as text; bytes that are only part of a
        character are shown as escapes (``"\\xe2"``)."""
        return self.token_bytes(token_id).decode("utf-8", errors="backslashreplace")

    # ---- encoding -------------------------------------------------------------------------
    def _encode_chunk(self, chunk: str) -> list[int]:
        """Merge the chunk's bytes, always applying the earliest-learned merge present."""
        if chunk in self._cache:
            return self._cache[chunk]
        ids = list(_utf8(chunk))
        while len(ids) >= 2:
            pair = min(zip(ids, ids[1:]), key=lambda p: self._ranks.get(p, len(self._ranks)))
            if pair not in self._ranks:
                break  # no learned merge applies any more
            ids = merge(ids, pair, 256 + self._ranks[pair])
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[chunk] = ids
        return ids

    def encode(self, text: str, allowed_special: bool = False) -> list[int]:
        """Ids of ``text``. With ``allowed_special`` the special tokens written in the text
        (``"<|endoftext|>"``) become their ids; without, they are encoded as ordinary text."""
        check_str("text", text)
        if not isinstance(allowed_special, bool):
            raise TypeError(f"allowed_special must be True or False, got {allowed_special!r}")
        parts = [text]
        if allowed_special and self._special:
            alternatives = "|".join(re.escape(t) for t in sorted(self._special, key=len,
                                                                 reverse=True))
            parts = re.split(f"({alternatives})", text)  # odd positions are specials
        ids: list[int] = []
        for i, part in enumerate(parts):
            if i % 2 == 1:
                ids.append(self._special[part])
                continue
            for chunk in split_text(part, self.config.pattern):
                ids.extend(self._encode_chunk(chunk))
        return ids

    def tokens(self, text: str) -> list[str]:
        """The pieces of ``text`` as ``encode`` cuts it, each shown by ``id_to_token``."""
        return [self.id_to_token(i) for i in self.encode(text)]

    # ---- decoding -------------------------------------------------------------------------
    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        """The bytes of ``ids`` joined: exactly the UTF-8 of the text that was encoded."""
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"ids must be a sequence of integers, got {show_value(ids)}")
        return b"".join(self.token_bytes(i) for i in list(ids))

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``; ``decode(encode(text)) == text`` for every str. Ids that do not
        form whole UTF-8 characters (possible when a model writes them) become U+FFFD."""
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    # ---- saving ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready description (for ``save`` and model checkpoints)."""
        config = asdict(self.config)
        config["special_tokens"] = list(self.config.special_tokens)
        return {"format": FORMAT, "version": _FORMAT_VERSION, "config": config,
                "merges": [list(p) for p in self._merges], "merge_counts": list(self._counts)}

    @classmethod
    def from_dict(cls, data: dict) -> "BPETokenizer":
        """Rebuild a tokenizer from ``to_dict()``; ValueError if ``data`` is not one."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a saved BPETokenizer: expected a dict with "
                             f"format={FORMAT!r}, got {show_value(data)}")
        if data.get("version") != _FORMAT_VERSION:
            raise ValueError(f"unsupported BPETokenizer format version "
                             f"{data.get('version')!r}, expected {_FORMAT_VERSION}")
        try:
            config = BPEConfig(**dict(data["config"]))
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"saved BPETokenizer has a bad config: {err}") from None
        merges, counts = data.get("merges"), data.get("merge_counts", [])
        if not isinstance(merges, list) or not isinstance(counts, list):
            raise ValueError("saved BPETokenizer needs a 'merges' list")
        pairs = []
        for i, pair in enumerate(merges):
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(type(x) is int and 0 <= x < 256 + i for x in pair)):
                raise ValueError(f"merge {i} is {show_value(pair)}: expected two ids that "
                                 f"exist before it (0..{255 + i})")
            pairs.append((pair[0], pair[1]))
        if len(set(pairs)) != len(pairs):
            raise ValueError("saved BPETokenizer lists the same merge twice")
        if 256 + len(pairs) + len(config.special_tokens) > config.vocab_size:
            raise ValueError(f"saved BPETokenizer has {len(pairs)} merges, more than "
                             f"vocab_size={config.vocab_size} allows")
        tok = cls(config)
        tok._set_merges(pairs, [int(c) for c in counts] if len(counts) == len(pairs) else [])
        return tok

    def save(self, path) -> None:
        """Write the tokenizer to ``path`` as JSON (UTF-8)."""
        Path(path).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path) -> "BPETokenizer":
        """Read a tokenizer written by ``save``; clear errors for missing or corrupt files."""
        data = read_json_file(path, "tokenizer file")
        try:
            return cls.from_dict(data)
        except ValueError as err:
            raise ValueError(f"{str(path)!r}: {err}") from None
