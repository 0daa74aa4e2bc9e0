"""Stage 2, preprocessing: turn text into integer ids and back (a word-level tokenizer).

The pipeline, in the order ``encode`` runs it::

    "The sun rises in the east."
      -> clean_text   "the sun rises in the east."            (NFKC, lowercase, spaces)
      -> split_words  ["the", "sun", "rises", "in", "the", "east", "."]
      -> ids          [CLS] id(the) id(sun) ... id(.) [SEP]  (unknown words -> [UNK])

``WordTokenizer.train`` builds the vocabulary: the special tokens first (ids 0..3), then every
word seen in the training texts, most frequent first, ties broken alphabetically so that the
same texts always give the same ids. A word that is not in the vocabulary becomes ``[UNK]``.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from genai_lab.checks import check_int, check_str, read_json_file, show_value
from genai_lab.display.table import Table
from genai_lab.text import clean_text, is_word, split_words

#: The special tokens, in id order: [PAD]=0 fills short rows, [UNK]=1 replaces unknown
#: words, [CLS]=2 starts every encoded text, [SEP]=3 ends it.
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]")

_FORMAT = "genai_lab.WordTokenizer"  # the "format" field of saved files
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class TokenizerConfig:
    """How a WordTokenizer builds its vocabulary and pads batches."""

    vocab_size: int | None = None  # largest vocabulary, special tokens included; None = keep every word
    min_freq: int = 1              # a word must appear at least this often in training to get an id
    seq_len: int = 50              # default row length of encode_batch ([CLS] and [SEP] included)

    def __post_init__(self) -> None:
        if self.vocab_size is not None:
            check_int("vocab_size", self.vocab_size, minimum=len(SPECIAL_TOKENS) + 1)
        check_int("min_freq", self.min_freq, minimum=1)
        check_int("seq_len", self.seq_len, minimum=2)


@dataclass
class EncodingSteps:
    """The "show your work" record of one encode: every intermediate value, in order.

    Recorded by the code that computes the ids, so it cannot disagree with them. Renders as
    an HTML table in Jupyter, as a text table in a terminal and as JSON (``to_dict``).
    """

    text: str            # the input, as given
    cleaned: str         # after cleaning (clean_text; BERT's normalisation for WordPiece)
    words: list[str]     # after splitting into words (split_words; basic_tokenize)
    tokens: list[str]    # vocabulary entries (word pieces), unknown as [UNK], [CLS]/[SEP] added
    ids: list[int]       # one id per token

    def table(self) -> Table:
        rows = [("input", repr(self.text)), ("clean", repr(self.cleaned)),
                ("split into words", self.words), ("look up in vocabulary", self.tokens),
                ("ids", self.ids)]
        return Table("Encoding, step by step", ("step", "result"), rows,
                     caption=f"{len(self.words)} words -> {len(self.ids)} ids")

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


class WordTokenizer:
    """A word-level tokenizer: one id per word or punctuation mark seen in training."""

    def __init__(self, config: TokenizerConfig | None = None) -> None:
        if config is None:
            config = TokenizerConfig()
        if not isinstance(config, TokenizerConfig):
            raise TypeError(f"config must be a TokenizerConfig or None, got {type(config).__name__}")
        self.config = config
        self._vocab: list[str] = []         # id -> token
        self._ids: dict[str, int] = {}      # token -> id

    def __repr__(self) -> str:
        size = len(self._vocab) if self._vocab else "untrained"
        return f"WordTokenizer(vocab_size={size}, config={self.config})"

    # ---- training -------------------------------------------------------------------------
    def train(self, texts: Iterable[str]) -> "WordTokenizer":
        """Build the vocabulary from ``texts`` (a list of strings); returns ``self``."""
        if isinstance(texts, str):
            raise TypeError("texts must be a list of strings, got a single str "
                            "(wrap it in a list: train([text]))")
        counts: Counter[str] = Counter()
        for i, text in enumerate(texts):
            counts.update(split_words(check_str(f"texts[{i}]", text)))
        if not counts:
            raise ValueError("cannot train a tokenizer on no text: texts holds no words")
        words = sorted((w for w, n in counts.items() if n >= self.config.min_freq),
                       key=lambda w: (-counts[w], w))  # most frequent first, then A-Z
        if self.config.vocab_size is not None:
            words = words[: self.config.vocab_size - len(SPECIAL_TOKENS)]
        self._set_vocab(list(SPECIAL_TOKENS) + words)
        return self

    def _set_vocab(self, vocab: list[str]) -> None:
        self._vocab = vocab
        self._ids = {tok: i for i, tok in enumerate(vocab)}

    def _require_trained(self) -> None:
        if not self._vocab:
            raise RuntimeError("the tokenizer has no vocabulary yet: call train(texts) "
                               "or WordTokenizer.load(path) first")

    # ---- vocabulary -----------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        self._require_trained()
        return len(self._vocab)

    @property
    def pad_id(self) -> int:
        return SPECIAL_TOKENS.index("[PAD]")  # 0

    @property
    def unk_id(self) -> int:
        return SPECIAL_TOKENS.index("[UNK]")  # 1

    @property
    def cls_id(self) -> int:
        return SPECIAL_TOKENS.index("[CLS]")  # 2

    @property
    def sep_id(self) -> int:
        return SPECIAL_TOKENS.index("[SEP]")  # 3

    def token_to_id(self, token: str) -> int:
        """The id of ``token``, or the id of [UNK] if it is not in the vocabulary."""
        check_str("token", token)
        self._require_trained()
        return self._ids.get(token, self.unk_id)

    def id_to_token(self, token_id: int) -> str:
        self._require_trained()
        token_id = check_int("token_id", token_id)
        if not 0 <= token_id < len(self._vocab):
            raise ValueError(f"unknown token id {token_id}: valid ids are 0..{len(self._vocab) - 1}")
        return self._vocab[token_id]

    # ---- encoding -------------------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        """The tokens ``encode`` gives ids to (no specials): words, unknown ones as [UNK]."""
        self._require_trained()
        return [w if w in self._ids else "[UNK]" for w in split_words(text)]

    def encode_and_show_work(self, text: str, add_special_tokens: bool = True
                             ) -> tuple[list[int], EncodingSteps]:
        """``encode`` that also returns every intermediate step (clean -> split -> ids)."""
        self._require_trained()
        cleaned = clean_text(text)
        words = split_words(cleaned)  # cleaning twice changes nothing
        tokens = [w if w in self._ids else "[UNK]" for w in words]
        if add_special_tokens:
            tokens = ["[CLS]"] + tokens + ["[SEP]"]
        ids = [self._ids[t] for t in tokens]
        return ids, EncodingSteps(text, cleaned, words, tokens, ids)

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """Ids of ``text``: ``[CLS] w1 ... wn [SEP]``. The empty string gives ``[CLS, SEP]``."""
        return self.encode_and_show_work(text, add_special_tokens)[0]

    def encode_batch(self, texts: Iterable[str], seq_len: int | None = None) -> np.ndarray:
        """Encode ``texts`` into one (N, L) int64 array, L = ``seq_len`` (default config.seq_len).

        Rows shorter than L are padded with [PAD] on the right. Longer rows are truncated to
        ``[CLS] w1 ... w(L-2) [SEP]``: the start is kept and [SEP] stays the last real token,
        so the model always sees where the text (as far as it is shown) ends.
        """
        if isinstance(texts, str):
            raise TypeError("texts must be a list of strings, got a single str")
        seq_len = self.config.seq_len if seq_len is None else check_int("seq_len", seq_len, minimum=2)
        rows = [self.encode(check_str(f"texts[{i}]", t)) for i, t in enumerate(texts)]
        out = np.full((len(rows), seq_len), self.pad_id, dtype=np.int64)  # (N, L)
        for i, ids in enumerate(rows):
            if len(ids) > seq_len:
                ids = ids[: seq_len - 1] + [self.sep_id]
            out[i, : len(ids)] = ids
        return out

    def attention_mask(self, ids) -> np.ndarray:
        """1 where ``ids`` is a real token, 0 where it is [PAD]; same shape as ``ids``, int64."""
        arr = np.asarray(ids)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"ids must hold integers, got dtype {arr.dtype}")
        return (arr != self.pad_id).astype(np.int64)

    # ---- decoding -------------------------------------------------------------------------
    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        """Text from ids: words joined by spaces, punctuation attached to the word before it.

        With ``skip_special_tokens`` [PAD], [CLS] and [SEP] are dropped; [UNK] is always kept
        because it stands for a word that was there. ``decode(encode(t)) == clean_text(t)``
        when every word of ``t`` is in the vocabulary and every punctuation mark follows a word.
        """
        self._require_trained()
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"ids must be a sequence of integers, got {show_value(ids)}")
        arr = np.asarray(ids)
        if arr.ndim != 1:
            raise ValueError(f"ids must be 1-D (one text), got shape {arr.shape}")
        if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"ids must hold integers, got dtype {arr.dtype}")
        skip = {self.pad_id, self.cls_id, self.sep_id} if skip_special_tokens else set()
        pieces: list[str] = []
        for token_id in arr.tolist():
            token = self.id_to_token(token_id)  # raises on an unknown id
            if token_id in skip:
                continue
            if pieces and not is_word(token) and token not in SPECIAL_TOKENS:
                pieces[-1] += token  # punctuation sticks to the previous word
            else:
                pieces.append(token)
        return " ".join(pieces)

    # ---- saving ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready description (for embedding in model checkpoints)."""
        self._require_trained()
        return {"format": _FORMAT, "version": _FORMAT_VERSION,
                "config": asdict(self.config), "vocab": list(self._vocab)}

    @classmethod
    def from_dict(cls, data: dict) -> "WordTokenizer":
        """Rebuild a tokenizer from ``to_dict()``; ValueError if ``data`` is not one."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError(f"not a saved WordTokenizer: expected a dict with "
                             f"format={_FORMAT!r}, got {show_value(data)}")
        if data.get("version") != _FORMAT_VERSION:
            raise ValueError(f"unsupported WordTokenizer format version {data.get('version')!r}, "
                             f"expected {_FORMAT_VERSION}")
        vocab, config = data.get("vocab"), data.get("config")
        if (not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab)
                or tuple(vocab[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS
                or len(set(vocab)) != len(vocab)):
            raise ValueError("saved WordTokenizer has a bad vocab: expected a list of distinct "
                             f"strings starting with {list(SPECIAL_TOKENS)}")
        try:
            tok = cls(TokenizerConfig(**config))
        except (TypeError, ValueError) as err:
            raise ValueError(f"saved WordTokenizer has a bad config {show_value(config)}: {err}") from None
        tok._set_vocab(list(vocab))
        return tok

    def save(self, path) -> None:
        """Write the tokenizer to ``path`` as JSON (UTF-8)."""
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1),
                              encoding="utf-8")

    @classmethod
    def load(cls, path) -> "WordTokenizer":
        """Read a tokenizer written by ``save``; clear errors for missing or corrupt files."""
        data = read_json_file(path, "tokenizer file")
        try:
            return cls.from_dict(data)
        except ValueError as err:
            raise ValueError(f"{str(path)!r}: {err}") from None
